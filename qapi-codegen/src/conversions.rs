//! `From` conversions where the schema makes them unambiguous, so that unions and alternates are built without
//! naming their variants:
//! - an alternate from each branch's type (`BlockdevRef::from(options)`, `BlockdevRef::from("node0")` for its
//!   `str` branch);
//! - a flat union's branch enum from each branch's struct, and the union itself from it when every other member
//!   is optional (`BlockdevOptions::from(BlockdevOptionsNull::new())`);
//! - a legacy simple union from each branch's type.
//!
//! A type that two branches share converts into neither (which branch it is would be a guess). `Default` where
//! every member is optional is derived with the struct itself ([`crate::structs::object`]).

use crate::code::{cat, Code};
use crate::context::{Context, JsonType};
use crate::ir::{Builtin, Kind, TypeExpr};
use crate::names;
use crate::recursion::Slot;
use crate::structs;
use crate::unions::join_attrs;

/// One conversion: `impl From<source> for target { target-expression }`.
struct Conversion {
    cfg: String,
    source: String,
    /// The expression built from `value`.
    body: String,
}

/// The `From` impls of definition `def`, after its own items.
pub fn emit(ctx: &Context, def: usize, code: &mut Code) {
    let d = &ctx.api.definitions[def];
    let cfg = ctx.cfg(d.cond.as_ref());
    match &d.kind {
        Kind::Alternate(_) | Kind::SimpleUnion(_) => {
            write(code, &cfg, ctx.ident(def), &variants(ctx, def));
        }
        Kind::Union(_) => flat_union(ctx, def, &cfg, code),
        _ => {}
    }
}

/// `(branch type, wrapped value, cfg)` of each branch of an alternate or simple union, by its variant.
fn variants(ctx: &Context, def: usize) -> Vec<Conversion> {
    let d = &ctx.api.definitions[def];
    let (Kind::Alternate(branches) | Kind::SimpleUnion(branches)) = &d.kind else {
        return Vec::new();
    };
    let alternate = matches!(d.kind, Kind::Alternate(_));
    let reserved: &[&str] = if alternate { &[] } else { &[names::OTHER] };
    let rust = names::unique(
        branches.iter().map(|b| names::upper_camel(&b.name)),
        reserved,
        "",
    );
    let mut out = Vec::new();
    for (b, (branch, variant)) in branches.iter().zip(&rust).enumerate() {
        let json = ctx.json_type(&branch.ty);
        // A null branch carries nothing; an `any` one is not emitted.
        if alternate && matches!(json, JsonType::Null | JsonType::Value) {
            continue;
        }
        let boxed = ctx.boxing.is_boxed(def, Slot::Branch(b));
        let value = if boxed {
            "rt::Box::new(value)"
        } else {
            "value"
        };
        let cfg = ctx.cfg(branch.cond.as_ref());
        out.push(Conversion {
            cfg: cfg.clone(),
            source: ctx.ty(&branch.ty),
            body: cat!("Self::", variant, "(", value, ")"),
        });
        if alternate && branch.ty == TypeExpr::Builtin(Builtin::Str) {
            out.push(Conversion {
                cfg,
                source: "&str".into(),
                body: cat!("Self::", variant, "(", value, ".into())"),
            });
        }
    }
    unique_sources(out)
}

/// The conversions whose source type no other conversion has.
fn unique_sources(all: Vec<Conversion>) -> Vec<Conversion> {
    let count = |s: &str| all.iter().filter(|c| c.source == s).count();
    let keep: Vec<bool> = all.iter().map(|c| count(&c.source) == 1).collect();
    all.into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

/// A flat union: its branch enum from each branch struct, and the union from it when `new` takes only the
/// branch.
fn flat_union(ctx: &Context, def: usize, cfg: &str, code: &mut Code) {
    let d = &ctx.api.definitions[def];
    let Kind::Union(u) = &d.kind else { return };
    let Some(branch_enum) = ctx.names.branch_enums.get(&def) else {
        return;
    };
    let tag_variants = ctx.enum_variants(&u.tag_enum).unwrap_or(&[]);
    let Some(Kind::Enum(tag_values)) = ctx.def(&u.tag_enum).map(|t| &t.kind) else {
        return;
    };
    let mut into_branch = Vec::new();
    for (b, branch) in u.branches.iter().enumerate() {
        let Some(ty) = &branch.ty else { continue };
        let Some(pos) = tag_values.iter().position(|v| v.name == branch.name) else {
            continue;
        };
        let boxed = ctx.boxing.is_boxed(def, Slot::Branch(b));
        let value = if boxed {
            "rt::Box::new(value)"
        } else {
            "value"
        };
        into_branch.push(Conversion {
            cfg: ctx.cfg(branch.cond.as_ref()),
            source: ctx.path(ty),
            body: cat!("Self::", tag_variants[pos], "(", value, ")"),
        });
    }
    let into_branch = unique_sources(into_branch);
    write(code, cfg, branch_enum, &into_branch);
    let fields = structs::fields(ctx, def, &u.members);
    let only_branch = fields
        .iter()
        .all(|f| f.member.optional || f.member.name == u.discriminator);
    if !only_branch {
        return;
    }
    let into_union: Vec<Conversion> = into_branch
        .iter()
        .map(|c| Conversion {
            cfg: c.cfg.clone(),
            source: c.source.clone(),
            body: cat!("Self::new(", branch_enum, "::from(value))"),
        })
        .collect();
    write(code, cfg, ctx.ident(def), &into_union);
}

/// The impls, each under the definition's and the branch's conditions.
fn write(code: &mut Code, cfg: &str, target: &str, conversions: &[Conversion]) {
    for c in conversions {
        code.attrs(&join_attrs(&[cfg, &c.cfg]));
        code.line("#[allow(deprecated)]");
        code.open_impl(&cat!("impl rt::From<", c.source, ">"), target);
        code.line("#[inline]");
        code.open_fn("fn from", &[&cat!("value: ", c.source)], " -> Self");
        code.line(&c.body);
        code.close("");
        code.close("");
    }
}
