//! Events: a struct per event (its data) implementing `qapi_runtime::Event`, and `AnyEvent`, the enum over all
//! events that decodes any event message by name and keeps an unknown event's data raw.

use crate::code::{self, cat, Code, Item};
use crate::commands;
use crate::context::Context;
use crate::ir::Kind;

pub fn emit(ctx: &Context, def: usize, code: &mut Code) {
    let d = &ctx.api.definitions[def];
    let Kind::Event(e) = &d.kind else {
        return;
    };
    let ident = ctx.ident(def);
    let what = cat!("The data of the event `", d.name, "`.");
    let docs = ctx.def_docs(def, vec![what]);
    commands::args_type(ctx, code, def, ident, &e.data, &docs, false);
    code.attrs(&ctx.cfg(d.cond.as_ref()));
    code.line("#[allow(deprecated)]");
    code.open(&cat!("impl rt::Event for ", ident));
    code.line_of(&["const NAME: &'static str = ", &code::string(&d.name), ";"]);
    code.close("");
}

/// `AnyEvent` at the crate root. `module_cfg(def)` gives the module's cargo-feature gate: an event whose module
/// is left out decodes as `Unknown`.
pub fn any_event(
    ctx: &Context,
    code: &mut Code,
    module_cfg: &dyn Fn(usize) -> Option<crate::output::Gate>,
) {
    code.line("/// Any event of this schema, decoded by name.");
    code.line("#[derive(Clone, Debug, PartialEq)]");
    code.line("#[non_exhaustive]");
    code.line("#[allow(deprecated, clippy::large_enum_variant)]");
    code.open("pub enum AnyEvent");
    // (attributes, variant, wire name) of each event.
    let mut events = Vec::new();
    let all: Vec<usize> = (0..ctx.api.definitions.len())
        .filter(|&i| matches!(ctx.api.definitions[i].kind, Kind::Event(_)))
        .collect();
    let variants =
        crate::naming::any_event_variants(all.iter().map(|&i| &*ctx.api.definitions[i].name));
    for (&i, variant) in all.iter().zip(&variants) {
        let d = &ctx.api.definitions[i];
        let ident = ctx.ident(i);
        let Some(gate) = module_cfg(i) else { continue };
        let cfg = ctx.cfg(d.cond.as_ref());
        code.line_of(&["/// `", &d.name, "`: [`", ident, "`]."]);
        code.attrs(&gate.cfg);
        code.attrs(&gate.doc);
        code.attrs(&cfg);
        code.attrs(&ctx.deprecated(&d.features, None));
        code.line_of(&[variant, "(self::", ident, "),"]);
        let attrs = crate::unions::join_attrs(&[&gate.cfg, &cfg]);
        events.push((attrs, variant, code::string(&d.name)));
    }
    code.line(
        "/// An event these bindings do not know (from a newer QEMU, or a module left out), with its data as sent.",
    );
    code.open("Unknown");
    code.line("/// The event's name.");
    code.line("name: ::qapi_runtime::rt::String,");
    code.line("/// The event's data.");
    code.line("data: ::qapi_runtime::rt::Value,");
    code.close(",");
    code.close("");
    code.line("#[allow(deprecated)]");
    code.open("impl ::qapi_runtime::rt::EventSet for AnyEvent");
    code.line("#[inline]");
    code.open_fn(
        "fn from_parts",
        &["name: &str", "data: &[u8]"],
        " -> ::qapi_runtime::rt::Result<Self, ::qapi_runtime::rt::DecodeError>",
    );
    let unknown = [
        Item::plain("name: name.into()"),
        Item::plain("data: ::qapi_runtime::rt::event_data(data)?"),
    ];
    // Without events, a match would have a single arm (clippy's match_single_binding).
    if events.is_empty() {
        code.struct_literal(
            "::qapi_runtime::rt::Ok(Self::Unknown",
            "Self::Unknown",
            &unknown,
            ")",
        );
    } else {
        code.line("::qapi_runtime::rt::Ok(");
        code.begin();
        code.open("match name");
        for (attrs, ident, wire) in &events {
            code.arm(
                attrs,
                wire,
                &cat!("Self::", ident, "(::qapi_runtime::rt::event_data(data)?)"),
            );
        }
        code.open("_ =>");
        code.struct_literal("Self::Unknown", "Self::Unknown", &unknown, "");
        code.close("");
        code.close(",");
        code.unindent(")");
    }
    code.close("");
    code.line("#[inline]");
    code.open("fn name(&self) -> &str");
    if events.is_empty() {
        code.line("let Self::Unknown { name, .. } = self;");
        code.line("name");
    } else {
        code.open("match self");
        for (attrs, ident, wire) in &events {
            code.arm(attrs, &cat!("Self::", ident, "(_)"), wire);
        }
        code.line("Self::Unknown { name, .. } => name,");
        code.close("");
    }
    code.close("");
    code.close("");
}
