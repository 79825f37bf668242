//! Enums: wire names exact, and a value a newer QEMU sends that the bindings do not know kept in `Other`, so that
//! it decodes without error and encodes back unchanged.

use crate::code::{self, cat, Code};
use crate::context::Context;
use crate::ir::Kind;
use crate::names;

pub fn emit(ctx: &Context, def: usize, code: &mut Code) {
    let d = &ctx.api.definitions[def];
    let Kind::Enum(values) = &d.kind else {
        return;
    };
    let ident = ctx.ident(def);
    let variants = ctx.enum_variants(&d.name).unwrap_or(&[]);
    let other = names::OTHER;
    let cfg = ctx.cfg(d.cond.as_ref());
    code.attrs(&ctx.def_docs(def, Vec::new()));
    code.attrs(&cfg);
    code.line("#[derive(Clone, Debug, PartialEq, Eq, Hash)]");
    code.line("#[non_exhaustive]");
    code.open(&cat!("pub enum ", ident));
    let mut conds = Vec::with_capacity(values.len());
    for (value, variant) in values.iter().zip(variants) {
        let cfg = ctx.cfg(value.cond.as_ref());
        code.attrs(&ctx.item_docs(def, &value.name, &value.features, value.cond.as_ref()));
        code.attrs(&cfg);
        code.attrs(&ctx.deprecated(&value.features, None));
        code.line_of(&[variant, ","]);
        conds.push(cfg);
    }
    code.line("/// A value these bindings do not know (from a newer QEMU), kept as sent.");
    code.line_of(&[other, "(rt::String),"]);
    code.close("");
    code.attrs(&cfg);
    code.line("#[allow(deprecated)]");
    code.open(&cat!("impl ", ident));
    code.line("/// The value's name on the wire.");
    code.line("#[inline]");
    code.open("pub fn as_str(&self) -> &str");
    // An empty enum has only `Other`: a one-armed match would be a needless destructuring.
    if values.is_empty() {
        code.line_of(&["let Self::", other, "(name) = self;"]);
        code.line("name");
    } else {
        code.open("match self");
        for ((value, variant), cfg) in values.iter().zip(variants).zip(&conds) {
            code.arm(cfg, &cat!("Self::", variant), &code::string(&value.name));
        }
        code.line_of(&["Self::", other, "(name) => name,"]);
        code.close("");
    }
    code.close("");
    code.line(
        "/// The value called `name` on the wire; a name these bindings do not know gives `Other`.",
    );
    code.line("#[inline]");
    code.open("pub fn from_name(name: rt::String) -> Self");
    code.line_of(&["Self::from_wire(&name).unwrap_or(Self::", other, "(name))"]);
    code.close("");
    code.line("/// The value called `name` on the wire, if these bindings know it.");
    code.line("#[inline]");
    if values.is_empty() {
        code.open("pub fn from_wire(_name: &str) -> rt::Option<Self>");
        code.line("rt::None");
    } else {
        code.open("pub fn from_wire(name: &str) -> rt::Option<Self>");
        code.open("rt::Some(match name");
        for ((value, variant), cfg) in values.iter().zip(variants).zip(&conds) {
            code.arm(cfg, &code::string(&value.name), &cat!("Self::", variant));
        }
        code.line("_ => return rt::None,");
        code.close(")");
    }
    code.close("");
    code.close("");
    traits(code, &cfg, ident);
    ctx.info_impl(code, def, ident);
}

/// `Display`, `Decode`, `Encode` and serde, all through the wire name.
fn traits(code: &mut Code, cfg: &str, ident: &str) {
    code.attrs(cfg);
    code.open(&cat!("impl rt::fmt::Display for ", ident));
    code.line("#[inline]");
    code.open("fn fmt(&self, f: &mut rt::fmt::Formatter<'_>) -> rt::fmt::Result");
    code.line("f.write_str(self.as_str())");
    code.close("");
    code.close("");
    code.attrs(cfg);
    code.open(&cat!("impl rt::Decode for ", ident));
    code.line("#[inline]");
    code.open("fn decode(reader: &mut rt::Reader<'_>) -> rt::Result<Self, rt::DecodeError>");
    code.line("let name = reader.str()?;");
    code.line("rt::Ok(Self::from_wire(&name).unwrap_or_else(|| Self::Other(name.into_owned())))");
    code.close("");
    code.close("");
    code.attrs(cfg);
    code.open(&cat!("impl rt::Encode for ", ident));
    code.line("#[inline]");
    code.open("fn encode(&self, writer: &mut rt::Writer)");
    code.line("writer.str(self.as_str());");
    code.close("");
    code.close("");
    code.attrs(cfg);
    code.line_of(&["rt::impl_serde!(", ident, ");"]);
}
