//! Type references → Rust types, and the shared context every emitter reads.
//!
//! Paths are absolute for everything outside the generated code (`rt::String`), because a schema
//! may define a type called `String` or `Option`; the schema's own types are reached through the root's glob
//! re-exports (`super::BlockdevOptions` from a module), so the output works wherever it is included.

use std::collections::HashMap;

use crate::code::{self, cat, Code};
use crate::ir::{Api, Builtin, Definition, Feature, Kind, Member, TypeExpr};
use crate::names::{self, Names};
use crate::options::Options;
use crate::recursion::Boxing;
use crate::{cfg, docs};
pub use qapi_schema::schema::JsonType;

/// Everything emitters share: the schema, the options, the names and the boxing decisions.
pub struct Context<'a> {
    pub api: &'a Api,
    pub options: &'a Options,
    pub names: Names,
    pub boxing: Boxing,
    /// Rust variant names of each enum (by definition index), `Other` reserved.
    variants: HashMap<usize, Vec<String>>,
}

impl<'a> Context<'a> {
    pub fn new(api: &'a Api, options: &'a Options) -> Context<'a> {
        let names = Names::new(api);
        let boxing = Boxing::new(api, &names);
        let mut variants = HashMap::new();
        for (i, def) in api.definitions.iter().enumerate() {
            if let Kind::Enum(values) = &def.kind {
                let wanted = values.iter().map(|v| names::upper_camel(&v.name));
                variants.insert(i, names::unique(wanted, &[names::OTHER], ""));
            }
        }
        Context {
            api,
            options,
            names,
            boxing,
            variants,
        }
    }

    pub fn def(&self, name: &str) -> Option<&'a Definition> {
        self.names.index(name).map(|i| &self.api.definitions[i])
    }

    /// The Rust name of definition `i`.
    pub fn ident(&self, i: usize) -> &str {
        &self.names.definitions[i]
    }

    /// `super::Name` for the definition called `name` (from inside a module).
    pub fn path(&self, name: &str) -> String {
        match self.names.of(name) {
            Some(rust) => cat!("super::", rust),
            // The model resolved every name; an unknown one can only be a built-in spelled by name.
            None => match Builtin::from_name(name) {
                Some(b) => builtin(b).to_string(),
                None if name == "q_empty" => "rt::Empty".to_string(),
                None => "rt::Value".to_string(),
            },
        }
    }

    /// Variant names of the enum called `name`.
    pub fn enum_variants(&self, name: &str) -> Option<&[String]> {
        self.names
            .index(name)
            .and_then(|i| self.variants.get(&i))
            .map(Vec::as_slice)
    }

    /// The Rust type of a type reference, seen from inside a module.
    pub fn ty(&self, ty: &TypeExpr) -> String {
        match ty {
            TypeExpr::Builtin(b) => builtin(*b).to_string(),
            TypeExpr::Empty => "rt::Empty".to_string(),
            TypeExpr::Named(name) => self.path(name),
            TypeExpr::Array(inner) => cat!("rt::Vec<", self.ty(inner), ">"),
        }
    }

    /// A member's field type: `Option` when optional, `Box` when it closes a cycle.
    pub fn member_ty(&self, member: &Member, boxed: bool) -> String {
        let mut ty = self.ty(&member.ty);
        if boxed {
            ty = cat!("rt::Box<", ty, ">");
        }
        if member.optional {
            ty = cat!("rt::Option<", ty, ">");
        }
        ty
    }

    /// `#[cfg(..)]` for a condition under the chosen mapping.
    pub fn cfg(&self, cond: Option<&crate::ir::Cond>) -> String {
        cfg::attr(cond, self.options.conditions)
    }

    /// `#[deprecated]` when the features say so, with the feature's doc as note.
    pub fn deprecated(&self, features: &[Feature], note: Option<&str>) -> String {
        if !features.iter().any(|f| f.name == "deprecated") {
            return String::new();
        }
        match note
            .filter(|_| self.options.docs)
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        {
            Some(note) if !note.is_empty() => {
                cat!("#[deprecated(note = ", code::string(&note), ")]")
            }
            _ => "#[deprecated]".to_string(),
        }
    }

    /// Where the docs of definition `i` sit.
    pub fn scope(&self, i: usize) -> docs::Scope<'static> {
        docs::Scope {
            prefix: "super::",
            module: Some(self.api.definitions[i].module),
        }
    }

    /// Docs of definition `i`: body, `extra` sections, then features, condition, since and link.
    pub fn def_docs(&self, i: usize, extra: Vec<String>) -> String {
        let def = &self.api.definitions[i];
        let prose = self.options.docs;
        let mut parts = Vec::new();
        if prose {
            if let Some(doc) = &def.doc {
                parts.push(docs::markdown(&doc.body, &self.names, self.scope(i)));
            }
        }
        parts.extend(extra);
        if prose {
            if let Some(doc) = &def.doc {
                for (tag, text) in &doc.sections {
                    match tag.as_deref() {
                        Some("TODO") => {}
                        // The version goes in the footer; paragraphs after it (older docs) stay.
                        Some("Since") => parts.push(docs::markdown(
                            text.split_once('\n').map_or("", |(_, rest)| rest),
                            &self.names,
                            self.scope(i),
                        )),
                        Some(tag) => parts.push(cat!(
                            "# ",
                            tag,
                            "\n\n",
                            docs::markdown(text, &self.names, self.scope(i))
                        )),
                        None => parts.push(docs::markdown(text, &self.names, self.scope(i))),
                    }
                }
            }
        }
        let footer = docs::Footer {
            features: def
                .features
                .iter()
                .map(|f| {
                    (
                        f.name.as_str(),
                        def.doc.as_ref().and_then(|d| d.feature(&f.name)),
                        f.cond.as_ref(),
                    )
                })
                .collect(),
            cond: def.cond.as_ref(),
            since: def.since(),
            url: self
                .options
                .doc_url
                .as_ref()
                .and_then(|u| self.doc_link(u, i)),
        };
        parts.push(footer.render(&self.names, self.scope(i), prose));
        let text = docs::join(parts);
        if text.is_empty() {
            // Never undocumented (crates are `warn(missing_docs)`): without prose or a link, what it is.
            return docs::attrs(&cat!("The schema's ", def.meta(), " `", def.name, "`."));
        }
        docs::attrs(&text)
    }

    /// `url` with `{name}`, `{kind}` and `{module}` filled in for definition `i`. `{kind}` and `{module}` are the
    /// parts of the anchors in QEMU's manuals (`qemu-qmp-ref.html#command-QMP-block-core.blockdev-add`): `command`,
    /// `event`, `enum`, `alternate`, or `object` for structs and unions; the schema file's stem. None for the
    /// built-in `QType`, which the manuals do not list.
    fn doc_link(&self, url: &str, i: usize) -> Option<String> {
        let def = &self.api.definitions[i];
        let module = &self.api.modules[def.module].path;
        if module == "./builtin" {
            return None;
        }
        let kind = match def.kind {
            Kind::Enum(_) => "enum",
            Kind::Struct(_) | Kind::Union(_) | Kind::SimpleUnion(_) => "object",
            Kind::Alternate(_) => "alternate",
            Kind::Command(_) => "command",
            Kind::Event(_) => "event",
        };
        Some(
            url.replace("{name}", &def.name)
                .replace("{kind}", kind)
                .replace("{module}", module_stem(module)),
        )
    }

    /// Docs of a member, value or branch `name` of definition `i`, with its features and condition.
    pub fn item_docs(
        &self,
        i: usize,
        name: &str,
        features: &[Feature],
        cond: Option<&crate::ir::Cond>,
    ) -> String {
        docs::attrs(&docs::join(self.item_parts(i, name, features, cond)))
    }

    /// Docs of a member of definition `i`; one that the bindings made optional for an older QEMU says so.
    pub fn member_docs(&self, i: usize, member: &crate::ir::Member) -> String {
        let mut parts = self.item_parts(i, &member.name, &member.features, member.cond.as_ref());
        if let Some(since) = &member.required_since {
            parts.push(cat!(
                "**Required since QEMU ",
                since,
                "**: optional here, for the older QEMU these bindings also serve."
            ));
        }
        docs::attrs(&docs::join(parts))
    }

    fn item_parts(
        &self,
        i: usize,
        name: &str,
        features: &[Feature],
        cond: Option<&crate::ir::Cond>,
    ) -> Vec<String> {
        let def = &self.api.definitions[i];
        let mut parts = Vec::new();
        if self.options.docs {
            if let Some(text) = def.doc.as_ref().and_then(|d| d.arg(name)) {
                parts.push(docs::markdown(text, &self.names, self.scope(i)));
            }
        }
        let flags: Vec<String> = features.iter().map(|f| cat!("`", f.name, "`")).collect();
        if !flags.is_empty() {
            parts.push(cat!("**Features:** ", flags.join(", ")));
        }
        if let Some(cond) = cond {
            parts.push(cat!("**Condition:** `", cfg::display(cond), "`"));
        }
        if parts.is_empty() {
            // Never undocumented (crates are `warn(missing_docs)`): the name as the schema spells it.
            parts.push(cat!("`", name, "` in the schema."));
        }
        parts
    }

    /// `impl rt::Definition` for definition `i` under the Rust name `ident`.
    pub fn info_impl(&self, code: &mut Code, i: usize, ident: &str) {
        let def = &self.api.definitions[i];
        let meta = match def.kind {
            Kind::Enum(_) => "Enum",
            Kind::Struct(_) => "Struct",
            Kind::Union(_) | Kind::SimpleUnion(_) => "Union",
            Kind::Alternate(_) => "Alternate",
            Kind::Command(_) => "Command",
            Kind::Event(_) => "Event",
        };
        let module = names::feature_name(&self.names.modules[def.module]);
        let features: Vec<code::Item> = def
            .features
            .iter()
            .map(|f| code::Item::plain(code::string(&f.name)))
            .collect();
        let condition = def.cond.as_ref().map(cfg::display);
        code.attrs(&self.cfg(def.cond.as_ref()));
        code.line("#[allow(deprecated)]");
        code.open(&cat!("impl rt::Definition for ", ident));
        code.open("const INFO: rt::Info = rt::Info");
        code.entry(&cat!("name: ", code::string(&def.name)), ",");
        code.entry(&cat!("meta: rt::Meta::", meta), ",");
        code.entry(&cat!("module: ", code::string(&module)), ",");
        code.entry(&cat!("since: ", option_str(def.since())), ",");
        code.list("features: &", '[', &features, ']', ",");
        code.entry(&cat!("condition: ", option_str(condition.as_deref())), ",");
        code.close(";");
        code.close("");
    }
}

fn option_str(s: Option<&str>) -> String {
    match s {
        Some(s) => cat!("rt::Some(", code::string(s), ")"),
        None => "rt::None".to_string(),
    }
}

/// The Rust type of a built-in.
pub fn builtin(b: Builtin) -> &'static str {
    match b {
        Builtin::Str => "rt::String",
        Builtin::Number => "f64",
        Builtin::Int(int) => match (int.signed, int.bits) {
            (true, 8) => "i8",
            (true, 16) => "i16",
            (true, 32) => "i32",
            (true, _) => "i64",
            (false, 8) => "u8",
            (false, 16) => "u16",
            (false, 32) => "u32",
            (false, _) => "u64",
        },
        Builtin::Bool => "bool",
        Builtin::Null => "()",
        Builtin::Any => "rt::Value",
    }
}

impl Context<'_> {
    /// The JSON type a value of this type has on the wire, for choosing an alternate's branch (an integer is a
    /// number there).
    pub fn json_type(&self, ty: &TypeExpr) -> JsonType {
        match ty {
            TypeExpr::Array(_) => JsonType::Array,
            TypeExpr::Builtin(b) => b.json_type().class(),
            TypeExpr::Empty => JsonType::Object,
            TypeExpr::Named(name) => match self.def(name).map(|d| &d.kind) {
                Some(Kind::Enum(_)) => JsonType::String,
                Some(Kind::Alternate(_)) | None => JsonType::Value,
                Some(_) => JsonType::Object,
            },
        }
    }
}

/// `block-core` for `qapi/block-core.json`: how QEMU's manuals name a schema module in anchors.
fn module_stem(path: &str) -> &str {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.strip_suffix(".json").unwrap_or(file)
}
