//! Structs, and the object code that unions, command arguments and event data share with them.
//!
//! A struct lists its base's members as its own fields (they are flattened on the wire, and users read
//! `info.node_name` whatever the base nesting), and converts into its base with `From`. Every object type is
//! `#[non_exhaustive]` and built with `new(required members)` plus `with_*` setters for optional ones, so that a
//! newer schema adding an optional member does not break code written against older bindings.

use crate::code::{self, cat, Code, Item};
use crate::context::Context;
use crate::ir::{Builtin, Kind, Member, TypeExpr};
use crate::names;
use crate::recursion::Slot;

/// The return type of `decode_members`.
pub const DECODE_RESULT: &str = " -> rt::Result<Self, rt::DecodeError>";

/// One member as a Rust field.
pub struct Field<'a> {
    pub member: &'a Member,
    pub ident: String,
    pub boxed: bool,
}

/// The fields of definition `def`'s `members` (its own member list, for boxing decisions).
pub fn fields<'a>(ctx: &Context, def: usize, members: &'a [Member]) -> Vec<Field<'a>> {
    let rust = names::unique(members.iter().map(|m| names::snake(&m.name)), &[], "_");
    members
        .iter()
        .zip(rust)
        .enumerate()
        .map(|(m, (member, name))| Field {
            member,
            ident: names::ident(&name),
            boxed: ctx.boxing.is_boxed(def, Slot::Member(m)),
        })
        .collect()
}

/// The field declarations.
pub fn declarations(ctx: &Context, def: usize, fields: &[Field], code: &mut Code) {
    for f in fields {
        let m = f.member;
        code.attrs(&ctx.member_docs(def, m));
        code.attrs(&ctx.cfg(m.cond.as_ref()));
        code.attrs(&ctx.deprecated(&m.features, None));
        code.line_of(&["pub ", &f.ident, ": ", &ctx.member_ty(m, f.boxed), ","]);
    }
}

/// The parameter of `decode_members`.
pub const MEMBERS: &str = "members: &mut rt::Members<'_, '_>";
/// The parameter of `encode_members`.
pub const WRITER: &str = "writer: &mut rt::Writer";

/// The local that holds member `f` while the object is read.
pub fn local(f: &Field) -> String {
    cat!("m_", f.ident.trim_start_matches("r#"))
}

/// What `decode_members` starts with: a local `Option` per member and one pass over the object's keys, each
/// known member decoded into its local, the others given to the enclosing unions or skipped (or kept in the
/// local `rest`, for an object that takes members the schema does not list). Each arm is one call and the loop
/// has one `?`: that keeps type checking cheap. Nothing when there is nothing to read.
pub fn decode_pass(ctx: &Context, code: &mut Code, fields: &[Field], rest: Option<&str>) {
    if fields.is_empty() {
        if let Some(rest) = rest {
            code.line_of(&["let m_", rest, " = members.rest()?;"]);
        }
        return;
    }
    locals(ctx, code, fields);
    let other = match rest {
        Some(rest) => {
            code.line_of(&["let mut m_", rest, " = rt::Object::new();"]);
            cat!("members.keep(key, &mut m_", rest, ")")
        }
        None => "members.other(key)".to_string(),
    };
    code.open("while let rt::Some(key) = members.next_key()?");
    code.line("let key = &*key;");
    code.open("match key");
    member_arms(ctx, code, fields, |f| {
        let read = if f.boxed { "read_boxed" } else { "read" };
        cat!("members.", read, "(&mut ", local(f), ", key)")
    });
    code.arm("", "_", &other);
    code.close("?;");
    code.close("");
}

/// A match arm on each field's wire name (under the field's condition), with `body` for that field.
pub fn member_arms(
    ctx: &Context,
    code: &mut Code,
    fields: &[Field],
    body: impl Fn(&Field) -> String,
) {
    for f in fields {
        let cfg = ctx.cfg(f.member.cond.as_ref());
        code.arm(&cfg, &code::string(&f.member.name), &body(f));
    }
}

/// `let mut m_name = rt::None;` for each field.
pub fn locals(ctx: &Context, code: &mut Code, fields: &[Field]) {
    for f in fields {
        let cfg = ctx.cfg(f.member.cond.as_ref());
        code.statement(&cfg, &cat!("let mut ", local(f), " = rt::None"));
    }
}

/// After [`decode_pass`]: each required member out of its `Option`, or the error that it is missing.
pub fn require(ctx: &Context, code: &mut Code, fields: &[Field]) {
    for f in fields.iter().filter(|f| !f.member.optional) {
        let m = local(f);
        code.attrs(&ctx.cfg(f.member.cond.as_ref()));
        code.open(&cat!("let rt::Some(", m, ") = ", m, " else"));
        code.line_of(&[
            "return rt::Err(members.missing(",
            &code::string(&f.member.name),
            "));",
        ]);
        code.close(";");
    }
}

/// The fields of the decoded value, from the locals of [`decode_pass`] and [`require`].
pub fn decoded_fields(ctx: &Context, fields: &[Field]) -> Vec<Item> {
    fields
        .iter()
        .map(|f| {
            Item::new(
                ctx.cfg(f.member.cond.as_ref()),
                cat!(f.ident, ": ", local(f)),
            )
        })
        .collect()
}

/// `writer.field(b",\"name\":", &self.name)` for each field, as statements.
pub fn encoders(ctx: &Context, fields: &[Field]) -> Vec<Item> {
    fields
        .iter()
        .map(|f| {
            let ident = &f.ident;
            let key = code::field_key(&f.member.name);
            let text = match (f.member.optional, f.boxed) {
                (false, false) => cat!("writer.field(", key, ", &self.", ident, ")"),
                (false, true) => cat!("writer.field(", key, ", &*self.", ident, ")"),
                (true, false) => cat!("writer.field_opt(", key, ", &self.", ident, ")"),
                (true, true) => cat!("writer.field_opt_box(", key, ", &self.", ident, ")"),
            };
            Item::new(ctx.cfg(f.member.cond.as_ref()), text)
        })
        .collect()
}

/// Statements, each with its attributes.
pub fn statements(code: &mut Code, statements: &[Item]) {
    for s in statements {
        code.statement(&s.attrs, &s.text);
    }
}

/// `new(required...)` and `with_*` setters. `extra` fields (a union's branch) are required parameters at the end.
pub fn constructors(
    ctx: &Context,
    code: &mut Code,
    ident: &str,
    fields: &[Field],
    extra: Option<(&str, &str)>,
    open: Option<&str>,
) {
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Code::at_depth(code.depth() + 1);
    for f in fields {
        let name = &f.ident;
        let cfg = ctx.cfg(f.member.cond.as_ref());
        let is_str = f.member.ty == TypeExpr::Builtin(Builtin::Str);
        let param_ty = if is_str {
            "impl rt::Into<rt::String>".to_string()
        } else {
            ctx.ty(&f.member.ty)
        };
        if f.member.optional {
            inits.push(Item::new(cfg.clone(), cat!(name, ": rt::None")));
            let value = match (is_str, f.boxed) {
                (true, _) => "value.into()",
                (false, true) => "rt::Box::new(value)",
                (false, false) => "value",
            };
            setter(&mut setters, f, &cfg, &param_ty, value);
        } else {
            params.push(Item::new(cfg.clone(), cat!(name, ": ", param_ty)));
            let init = match (is_str, f.boxed) {
                (true, _) => cat!(name, ": ", name, ".into()"),
                (false, true) => cat!(name, ": rt::Box::new(", name, ")"),
                (false, false) => name.clone(),
            };
            inits.push(Item::new(cfg, init));
        }
    }
    if let Some((name, ty)) = extra {
        params.push(Item::plain(cat!(name, ": ", ty)));
        inits.push(Item::plain(name));
    }
    if let Some(name) = open {
        inits.push(Item::plain(cat!(name, ": rt::Object::new()")));
        argument_setter(&mut setters, name);
    }
    // Parameters are named after members, which may be any word (clippy dislikes `foo`).
    if ident == "New" {
        // A type named `New` gets `New::new`.
        code.line(
            "#[allow(deprecated, clippy::disallowed_names, clippy::self_named_constructors)]",
        );
    } else {
        code.line("#[allow(deprecated, clippy::disallowed_names)]");
    }
    code.open(&cat!("impl ", ident));
    if params.is_empty() {
        code.line("/// Builds the value with every (optional) member absent.");
    } else {
        code.line_of(&[
            "/// Builds `",
            ident,
            "` from its required members; optional ones start absent.",
        ]);
    }
    code.line("#[inline]");
    code.line("#[must_use]");
    if params.len() > 7 {
        code.line("#[allow(clippy::too_many_arguments)]");
    }
    code.params("pub fn new", &params, " -> Self {");
    code.begin();
    code.struct_literal("Self", "Self", &inits, "");
    code.close("");
    code.append(setters.as_str());
    code.close("");
}

/// `with_<member>(value)` for an optional member: `value` is how the parameter becomes the field's content.
fn setter(code: &mut Code, f: &Field, cfg: &str, param_ty: &str, value: &str) {
    code.line_of(&["/// Sets `", &f.member.name, "`."]);
    code.attrs(cfg);
    code.line("#[inline]");
    code.line("#[must_use]");
    let name = &f.ident;
    let setter = cat!("pub fn with_", name.trim_start_matches("r#"));
    let value_param = cat!("value: ", param_ty);
    code.open_fn(&setter, &["mut self", &value_param], " -> Self");
    code.line_of(&["self.", name, " = rt::Some(", value, ");"]);
    code.line("self");
    code.close("");
}

/// `with_argument(name, value)`, adding to the field `rest` an argument the schema does not list.
fn argument_setter(code: &mut Code, rest: &str) {
    code.line(
        "/// Adds an argument the schema does not list (the command takes further arguments).",
    );
    code.line("#[inline]");
    code.line("#[must_use]");
    code.open_fn(
        "pub fn with_argument",
        &[
            "mut self",
            "name: impl rt::Into<rt::String>",
            "value: rt::Value",
        ],
        " -> Self",
    );
    code.line_of(&["self.", rest, ".insert(name.into(), value);"]);
    code.line("self");
    code.close("");
}

/// Whether `new()` takes no argument, so that `Default` can stand in for it.
pub fn all_optional(fields: &[Field]) -> bool {
    fields.iter().all(|f| f.member.optional)
}

/// A plain object type: struct declaration, constructors, wire code, metadata. Used for structs and for the
/// inline arguments and data of commands and events.
///
/// `open`: the object takes members the schema does not list (the arguments of a `gen: false` command such as
/// `device_add`, whose further arguments depend on the device); they are kept in a field of their own.
pub fn object(
    ctx: &Context,
    code: &mut Code,
    def: usize,
    ident: &str,
    members: &[Member],
    docs: &str,
    open: bool,
) {
    let d = &ctx.api.definitions[def];
    let fields = fields(ctx, def, members);
    let mut encoders = encoders(ctx, &fields);
    let mut decoded = decoded_fields(ctx, &fields);
    let rest = open.then(|| {
        let taken: Vec<&str> = fields.iter().map(|f| f.ident.as_str()).collect();
        let name = names::unique(["extra".to_string()], &taken, "_").remove(0);
        names::ident(&name)
    });
    if let Some(rest) = &rest {
        decoded.push(Item::plain(cat!(rest, ": m_", rest)));
        encoders.push(Item::plain(cat!("writer.members(&self.", rest, ")")));
    }
    let cfg = ctx.cfg(d.cond.as_ref());
    code.attrs(docs);
    code.attrs(&cfg);
    code.attrs(&ctx.deprecated(
        &d.features,
        d.doc.as_ref().and_then(|doc| doc.feature("deprecated")),
    ));
    if all_optional(&fields) {
        code.line("#[derive(Clone, Debug, Default, PartialEq)]");
    } else {
        code.line("#[derive(Clone, Debug, PartialEq)]");
    }
    code.line("#[non_exhaustive]");
    if fields.is_empty() && rest.is_none() {
        code.line_of(&["pub struct ", ident, " {}"]);
    } else {
        code.open(&cat!("pub struct ", ident));
        declarations(ctx, def, &fields, code);
        if let Some(rest) = &rest {
            code.line("/// Further arguments, which the schema does not list, passed as they are.");
            code.line_of(&["pub ", rest, ": rt::Object,"]);
        }
        code.close("");
    }
    code.attrs(&cfg);
    constructors(ctx, code, ident, &fields, None, rest.as_deref());
    code.attrs(&cfg);
    code.line("#[allow(deprecated)]");
    code.open(&cat!("impl rt::ObjectType for ", ident));
    code.line("#[inline]");
    let param = if decoded.is_empty() {
        "_members: &mut rt::Members<'_, '_>"
    } else {
        MEMBERS
    };
    code.open_fn("fn decode_members", &[param], DECODE_RESULT);
    decode_pass(ctx, code, &fields, rest.as_deref());
    require(ctx, code, &fields);
    code.struct_literal("rt::Ok(Self", "Self", &decoded, ")");
    code.close("");
    encode_members(code, &encoders);
    code.close("");
    code.attrs(&cfg);
    code.line_of(&["rt::impl_serde!(", ident, ");"]);
    ctx.info_impl(code, def, ident);
}

/// `encode_members` from its statements.
pub fn encode_members(code: &mut Code, encoders: &[Item]) {
    code.line("#[inline]");
    if encoders.is_empty() {
        let params = [
            Item::plain("&self"),
            Item::plain("_writer: &mut rt::Writer"),
        ];
        code.params("fn encode_members", &params, " {}");
    } else {
        code.open_fn("fn encode_members", &["&self", WRITER], "");
        statements(code, encoders);
        code.close("");
    }
}

/// A struct definition, with `From<Self>` for its base.
pub fn emit(ctx: &Context, def: usize, code: &mut Code) {
    let d = &ctx.api.definitions[def];
    let Kind::Struct(s) = &d.kind else {
        return;
    };
    let ident = ctx.ident(def);
    let docs = ctx.def_docs(def, Vec::new());
    object(ctx, code, def, ident, &s.members, &docs, false);
    if let Some(base) = &s.base {
        base_conversion(ctx, code, def, ident, base, &s.members, None);
    }
}

/// `impl From<Derived> for Base`: the base's members are the derived type's first members. `tag` gives the
/// expression for a union's discriminator, which the union holds as its branch.
pub fn base_conversion(
    ctx: &Context,
    code: &mut Code,
    def: usize,
    ident: &str,
    base: &str,
    members: &[Member],
    tag: Option<(&str, &str)>,
) {
    let Some(base_index) = ctx.names.index(base) else {
        return;
    };
    let Kind::Struct(base_struct) = &ctx.api.definitions[base_index].kind else {
        return;
    };
    let ours = fields(ctx, def, members);
    let theirs = fields(ctx, base_index, &base_struct.members);
    let mut inits = Vec::new();
    // Whether a field is taken from the value: always, only under some condition, or never (an empty base).
    let (mut uses, mut always_uses) = (false, false);
    for b in &theirs {
        let name = &b.ident;
        let cfg = ctx.cfg(b.member.cond.as_ref());
        if let Some((discriminator, expr)) = &tag {
            if b.member.name == *discriminator {
                uses |= expr.contains("value");
                always_uses |= expr.contains("value") && cfg.is_empty();
                inits.push(Item::new(cfg, cat!(name, ": ", expr)));
                continue;
            }
        }
        let Some(o) = ours.iter().find(|o| o.member.name == b.member.name) else {
            return;
        };
        let src = &o.ident;
        let value = match (o.boxed, b.boxed) {
            (true, false) if b.member.optional => cat!("value.", src, ".map(|v| *v)"),
            (true, false) => cat!("*value.", src),
            (false, true) if b.member.optional => cat!("value.", src, ".map(rt::Box::new)"),
            (false, true) => cat!("rt::Box::new(value.", src, ")"),
            _ => cat!("value.", src),
        };
        uses = true;
        always_uses |= cfg.is_empty();
        inits.push(Item::new(cfg, cat!(name, ": ", value)));
    }
    code.attrs(&ctx.cfg(ctx.api.definitions[def].cond.as_ref()));
    code.line("#[allow(deprecated)]");
    code.open_impl(&cat!("impl rt::From<", ident, ">"), &ctx.path(base));
    code.line("#[inline]");
    if uses && !always_uses {
        code.line("#[allow(unused_variables)]");
    }
    let param = if uses { "value: " } else { "_value: " };
    code.open_fn("fn from", &[&cat!(param, ident)], " -> Self");
    code.struct_literal("Self", "Self", &inits, "");
    code.close("");
    code.close("");
}
