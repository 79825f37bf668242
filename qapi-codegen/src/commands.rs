//! Commands: a struct per command (its arguments) implementing `qapi_runtime::Command`, and the `Commands` trait
//! with one method per command for every `qapi_runtime::Executor`.
//!
//! A command without arguments is an empty struct built with `new()` (not a unit struct), so that a newer schema
//! adding an optional argument keeps user code compiling; its method takes no parameter (`qmp.query_version()`).
//! Every other method takes the arguments, even when all of them are optional (`qmp.migrate(Migrate::new()
//! .with_uri(..))`): nothing sends a command with arguments unless the caller wrote them. The parameter is the
//! command's argument struct, or for a command whose arguments are a named type (`'boxed': true`), that type
//! (`qmp.blockdev_add(options)`); a concrete type rather than `impl Into<..>`, so that `Default::default()` and
//! `.into()` infer.

use crate::code::{self, cat, Code};
use crate::context::Context;
use crate::ir::{Args, Kind};
use crate::structs::{self, DECODE_RESULT};

/// The argument struct and the `Command` impl of command `def`.
pub fn emit(ctx: &Context, def: usize, code: &mut Code) {
    let d = &ctx.api.definitions[def];
    let Kind::Command(c) = &d.kind else {
        return;
    };
    let ident = ctx.ident(def);
    let method = ctx.names.methods.get(&def).map_or("", String::as_str);
    let what = if method.is_empty() || crate::names::ident(method) != method {
        cat!("The arguments of the command `", d.name, "`.")
    } else {
        cat!(
            "The arguments of the command `",
            d.name,
            "`, run with [`Commands::",
            method,
            "`](super::Commands::",
            method,
            ")."
        )
    };
    let docs = ctx.def_docs(def, vec![what]);
    args_type(ctx, code, def, ident, &c.args, &docs, !c.gen);
    let returns = match &c.returns {
        Some(ty) => ctx.ty(ty),
        None => "rt::Empty".to_string(),
    };
    let cfg = ctx.cfg(d.cond.as_ref());
    code.attrs(&cfg);
    code.line("#[allow(deprecated)]");
    code.open(&cat!("impl rt::Command for ", ident));
    code.line_of(&["const NAME: &'static str = ", &code::string(&d.name), ";"]);
    code.line_of(&["type Returns = ", &returns, ";"]);
    if !c.success_response {
        code.line("const SUCCESS_RESPONSE: bool = false;");
    }
    if c.allow_oob {
        code.line("const ALLOW_OOB: bool = true;");
    }
    if c.allow_preconfig {
        code.line("const ALLOW_PRECONFIG: bool = true;");
    }
    if d.has_feature("deprecated") {
        code.line("const DEPRECATED: bool = true;");
    }
    if d.has_feature("unstable") {
        code.line("const UNSTABLE: bool = true;");
    }
    code.close("");
    if c.allow_oob {
        code.attrs(&cfg);
        code.line("#[allow(deprecated)]");
        code.line_of(&["impl rt::OobCommand for ", ident, " {}"]);
    }
}

/// The type of a command's arguments or an event's data: an object of the inline members, an empty object, or
/// a newtype around the named struct or union.
pub fn args_type(
    ctx: &Context,
    code: &mut Code,
    def: usize,
    ident: &str,
    args: &Args,
    docs: &str,
    open: bool,
) {
    let d = &ctx.api.definitions[def];
    match args {
        Args::None => structs::object(ctx, code, def, ident, &[], docs, open),
        Args::Inline(members) => structs::object(ctx, code, def, ident, members, docs, open),
        Args::Named(name) => {
            let inner = ctx.path(name);
            let cfg = ctx.cfg(d.cond.as_ref());
            code.attrs(docs);
            code.attrs(&cfg);
            code.attrs(&ctx.deprecated(
                &d.features,
                d.doc.as_ref().and_then(|doc| doc.feature("deprecated")),
            ));
            code.line("#[derive(Clone, Debug, PartialEq)]");
            code.line_of(&["pub struct ", ident, "(pub ", &inner, ");"]);
            code.attrs(&cfg);
            code.line("#[allow(deprecated)]");
            code.open_impl(&cat!("impl rt::From<", inner, ">"), ident);
            code.line("#[inline]");
            code.open_fn("fn from", &[&cat!("value: ", inner)], " -> Self");
            code.line("Self(value)");
            code.close("");
            code.close("");
            code.attrs(&cfg);
            code.line("#[allow(deprecated)]");
            code.open(&cat!("impl rt::Deref for ", ident));
            code.line_of(&["type Target = ", &inner, ";"]);
            code.line("#[inline]");
            code.open_fn("fn deref", &["&self"], &cat!(" -> &", inner));
            code.line("&self.0");
            code.close("");
            code.close("");
            code.attrs(&cfg);
            code.line("#[allow(deprecated)]");
            code.open(&cat!("impl rt::ObjectType for ", ident));
            code.line("#[inline]");
            code.open_fn("fn decode_members", &[structs::MEMBERS], DECODE_RESULT);
            code.line("rt::ObjectType::decode_members(members).map(Self)");
            code.close("");
            code.line("#[inline]");
            code.open_fn("fn encode_members", &["&self", structs::WRITER], "");
            code.line("rt::ObjectType::encode_members(&self.0, writer);");
            code.close("");
            code.close("");
            code.attrs(&cfg);
            code.line_of(&["rt::impl_serde!(", ident, ");"]);
            ctx.info_impl(code, def, ident);
        }
    }
}

/// The `Commands` trait at the crate root. `module_cfg(def)` gives the module's cargo-feature gate.
pub fn trait_items(
    ctx: &Context,
    code: &mut Code,
    module_cfg: &dyn Fn(usize) -> Option<crate::output::Gate>,
) {
    code.line(
        "/// One method per command, for any client that implements [`Executor`](::qapi_runtime::Executor).",
    );
    // Commands named like methods clippy has conventions for: `new`, `from-*` or `into-*` (which it expects to
    // take no `self` or `self`), `len` (which it expects with `is_empty`).
    let methods = || ctx.names.methods.values();
    let mut allow = Vec::new();
    if methods().any(|m| m == "new" || m.starts_with("from_") || m.starts_with("into_")) {
        allow.push("clippy::wrong_self_convention");
    }
    if methods().any(|m| m == "len") {
        allow.push("clippy::len_without_is_empty");
    }
    if !allow.is_empty() {
        code.line_of(&["#[allow(", &allow.join(", "), ")]"]);
    }
    let head = "pub trait Commands: ::qapi_runtime::rt::Executor";
    let mut methods = Code::at_depth(code.depth() + 1);
    let mut features: Vec<String> = Vec::new();
    for (i, d) in ctx.api.definitions.iter().enumerate() {
        let Kind::Command(c) = &d.kind else { continue };
        let ident = ctx.ident(i);
        let method =
            crate::names::ident(ctx.names.methods.get(&i).map_or("command", String::as_str));
        let Some(gate) = module_cfg(i) else { continue };
        let code = &mut methods;
        code.line_of(&["/// Runs `", &d.name, "`: see [`", ident, "`]."]);
        if let Some(feature) = &gate.feature {
            code.line("///");
            code.line_of(&["/// Needs the cargo feature `", feature, "`."]);
        }
        code.attrs(&gate.cfg);
        code.attrs(&gate.doc);
        code.attrs(&ctx.cfg(d.cond.as_ref()));
        code.attrs(&ctx.deprecated(&d.features, None));
        code.line("#[allow(deprecated)]");
        let output = cat!(" -> Self::Output<'_, self::", ident, ">");
        let head = cat!("fn ", method);
        match &c.args {
            Args::None => {
                code.open_fn(&head, &["&self"], &output);
                code.entry(&cat!("self.execute(self::", ident, "::new())"), "");
            }
            Args::Inline(_) => {
                code.open_fn(&head, &["&self", &cat!("args: self::", ident)], &output);
                code.line("self.execute(args)");
            }
            Args::Named(name) => {
                let inner = ctx.names.of(name).unwrap_or(ident);
                code.open_fn(&head, &["&self", &cat!("args: self::", inner)], &output);
                code.line_of(&["self.execute(self::", ident, "(args))"]);
            }
        }
        code.close("");
        if let (Some(feature), false) = (&gate.feature, gate.pred.is_empty()) {
            feature_needed(
                code,
                &gate.pred,
                feature,
                &head,
                !matches!(c.args, Args::None),
            );
            if !features.contains(feature) {
                features.push(feature.clone());
            }
        }
    }
    if methods.as_str().is_empty() {
        code.line_of(&[head, " {}"]);
    } else {
        code.open(head);
        code.append(methods.as_str());
        code.close("");
    }
    code.line("impl<T: ::qapi_runtime::rt::Executor + ?::core::marker::Sized> Commands for T {}");
    if !features.is_empty() {
        feature_traits(code, &features);
    }
}

/// Where a command's feature is off, a hidden method of the same name whose bound cannot hold, so that calling
/// it says which feature to turn on (rather than "no method named `stop`").
fn feature_needed(code: &mut Code, pred: &str, feature: &str, head: &str, takes_args: bool) {
    code.line_of(&["#[cfg(not(", pred, "))]"]);
    code.line("#[doc(hidden)]");
    let bound = cat!(
        "Self: __feature_needed::",
        crate::names::upper_camel(feature)
    );
    if takes_args {
        code.line_of(&[head, "<A>(&self, _args: A)"]);
    } else {
        code.line_of(&[head, "(&self)"]);
    }
    code.line("where");
    code.line_of(&["    ", &bound, ","]);
    code.line("{}");
}

/// The marker traits behind [`feature_needed`], one per feature, never implemented.
fn feature_traits(code: &mut Code, features: &[String]) {
    code.line("/// What a command whose cargo feature is off needs: rustc names the feature.");
    code.line("#[doc(hidden)]");
    code.open("pub mod __feature_needed");
    for f in features {
        let message = cat!(
            "this command needs the cargo feature `",
            f,
            "` of the bindings crate"
        );
        code.line("#[diagnostic::on_unimplemented(");
        code.line_of(&["    message = ", &crate::code::string(&message), ","]);
        code.line_of(&[
            "    label = ",
            &crate::code::string(&cat!("needs `features = [\"", f, "\"]`")),
            ",",
        ]);
        code.line_of(&[
            "    note = ",
            &crate::code::string(&cat!(
                "the bindings crate's docs list the commands and events of each feature"
            )),
            "",
        ]);
        code.line(")]");
        code.line_of(&["pub trait ", &crate::names::upper_camel(f), " {}"]);
    }
    code.close("");
}
