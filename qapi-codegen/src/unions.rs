//! Unions. A flat union is a struct of its base members whose discriminator member holds an enum of branches
//! with their data: `opts.driver` is `BlockdevOptionsBranch::File(BlockdevOptionsFile { .. })`, and on the wire
//! the base members, the discriminator and the branch's members share one object, as QEMU puts them. A value
//! without a branch is a unit variant; a tag these bindings do not know is kept in `Other` with its members.
//!
//! A legacy simple union (QEMU before 6.0) is an enum whose wire form is `{"type": BRANCH, "data": VALUE}`.

use crate::code::{self, cat, Code, Item};
use crate::context::Context;
use crate::ir::{Kind, Union};
use crate::names;
use crate::recursion::Slot;
use crate::structs::{self, Field, DECODE_RESULT, MEMBERS};

/// One branch of a flat union, as the emitter writes it in several places.
struct Branch {
    cfg: String,
    /// Docs, condition and deprecation of its variant.
    attrs: String,
    variant: String,
    wire: String,
    /// The variant's data type, when the branch has members.
    ty: Option<String>,
    boxed: bool,
}

/// The branches of union `def` that its tag enum knows.
fn branches(ctx: &Context, def: usize, u: &Union) -> Vec<Branch> {
    let tag_variants = ctx.enum_variants(&u.tag_enum).unwrap_or(&[]);
    let tag_values = match ctx.def(&u.tag_enum).map(|t| &t.kind) {
        Some(Kind::Enum(values)) => values.as_slice(),
        _ => &[],
    };
    let tag_index = ctx.names.index(&u.tag_enum).unwrap_or(def);
    let mut out = Vec::new();
    for (b, branch) in u.branches.iter().enumerate() {
        let Some(pos) = tag_values.iter().position(|v| v.name == branch.name) else {
            continue;
        };
        let cfg = ctx.cfg(branch.cond.as_ref());
        let docs = ctx.item_docs(tag_index, &branch.name, &[], branch.cond.as_ref());
        let deprecated = ctx.deprecated(&tag_values[pos].features, None);
        out.push(Branch {
            attrs: join_attrs(&[&docs, &cfg, &deprecated]),
            cfg,
            variant: tag_variants[pos].clone(),
            wire: code::string(&branch.name),
            ty: branch.ty.as_deref().map(|ty| ctx.path(ty)),
            boxed: ctx.boxing.is_boxed(def, Slot::Branch(b)),
        });
    }
    out
}

/// Attribute lines, the empty ones left out.
pub fn join_attrs(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts.iter().filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(p);
    }
    out
}

pub fn emit(ctx: &Context, def: usize, code: &mut Code) {
    let d = &ctx.api.definitions[def];
    let Kind::Union(u) = &d.kind else {
        return;
    };
    let ident = ctx.ident(def);
    let branch_ident = ctx
        .names
        .branch_enums
        .get(&def)
        .map_or("Branch", String::as_str);
    let all = structs::fields(ctx, def, &u.members);
    let Some(disc_pos) = all.iter().position(|f| f.member.name == u.discriminator) else {
        return;
    };
    let disc_ident = all[disc_pos].ident.clone();
    let rest: Vec<_> = all
        .into_iter()
        .filter(|f| f.member.name != u.discriminator)
        .collect();
    let disc_wire = &u.discriminator;
    let branches = branches(ctx, def, u);
    let cfg = ctx.cfg(d.cond.as_ref());
    code.attrs(&ctx.def_docs(def, Vec::new()));
    code.attrs(&cfg);
    code.line("#[derive(Clone, Debug, PartialEq)]");
    code.line("#[non_exhaustive]");
    code.open(&cat!("pub struct ", ident));
    structs::declarations(ctx, def, &rest, code);
    code.line_of(&[
        "/// `",
        disc_wire,
        "` on the wire, and the members of its branch.",
    ]);
    code.line_of(&["pub ", &disc_ident, ": ", branch_ident, ","]);
    code.close("");
    branch_enum(
        ctx,
        code,
        &cfg,
        ident,
        branch_ident,
        disc_wire,
        &branches,
        u,
    );
    code.attrs(&cfg);
    structs::constructors(
        ctx,
        code,
        ident,
        &rest,
        Some((&disc_ident, branch_ident)),
        None,
    );
    code.attrs(&cfg);
    code.line("#[allow(deprecated)]");
    code.open(&cat!("impl rt::ObjectType for ", ident));
    let disc = (disc_ident.as_str(), code::string(disc_wire));
    decode_members(ctx, code, &rest, branch_ident, &disc, &branches);
    let disc_key = (disc_ident.as_str(), code::field_key(disc_wire));
    encode_members(ctx, code, &rest, branch_ident, &disc_key, &branches);
    code.close("");
    code.attrs(&cfg);
    code.line_of(&["rt::impl_serde!(", ident, ");"]);
    ctx.info_impl(code, def, ident);
    if let Some(base) = &u.base {
        let tag = cat!("value.", disc_ident, ".tag()");
        structs::base_conversion(
            ctx,
            code,
            def,
            ident,
            base,
            &u.members,
            Some((disc_wire, &tag)),
        );
    }
}

/// The `<Union>Branch` enum and its tag methods.
#[allow(clippy::too_many_arguments)]
fn branch_enum(
    ctx: &Context,
    code: &mut Code,
    cfg: &str,
    ident: &str,
    branch_ident: &str,
    disc_wire: &str,
    branches: &[Branch],
    u: &Union,
) {
    let other = names::OTHER;
    code.line_of(&[
        "/// The branches of [`",
        ident,
        "`], chosen by its member `",
        disc_wire,
        "`.",
    ]);
    code.attrs(cfg);
    code.line("#[derive(Clone, Debug, PartialEq)]");
    code.line("#[non_exhaustive]");
    code.line("#[allow(clippy::large_enum_variant)]");
    code.open(&cat!("pub enum ", branch_ident));
    for b in branches {
        code.attrs(&b.attrs);
        match (&b.ty, b.boxed) {
            (Some(ty), true) => code.line_of(&[&b.variant, "(rt::Box<", ty, ">),"]),
            (Some(ty), false) => code.line_of(&[&b.variant, "(", ty, "),"]),
            (None, _) => code.line_of(&[&b.variant, ","]),
        }
    }
    code.line(
        "/// A branch these bindings do not know (from a newer QEMU), with its members as sent.",
    );
    code.open(other);
    code.line("/// The discriminator's value as sent.");
    code.line("tag: rt::String,");
    code.line("/// The branch's members as sent.");
    code.line("members: rt::Object,");
    code.close(",");
    code.close("");
    code.attrs(cfg);
    code.line("#[allow(deprecated)]");
    code.open(&cat!("impl ", branch_ident));
    code.line("/// The discriminator's value on the wire.");
    code.line("#[inline]");
    code.open("pub fn tag_name(&self) -> &str");
    code.open("match self");
    for b in branches {
        let pat = match b.ty {
            Some(_) => cat!("Self::", b.variant, "(_)"),
            None => cat!("Self::", b.variant),
        };
        code.arm(&b.cfg, &pat, &b.wire);
    }
    code.line_of(&["Self::", other, " { tag, .. } => tag,"]);
    code.close("");
    code.close("");
    let tag_path = ctx.path(&u.tag_enum);
    code.line("/// The discriminator's value.");
    code.line("#[inline]");
    code.open_fn("pub fn tag", &["&self"], &cat!(" -> ", tag_path));
    code.entry(&cat!(tag_path, "::from_name(self.tag_name().into())"), "");
    code.close("");
    code.close("");
}

/// `decode_members`: the discriminator found first (it may come after the branch's members), then one pass over
/// the members: the branch it chooses reads its own, and gives the others to `Members::branch`, which skips the
/// discriminator and offers the rest to a closure that reads the base members.
fn decode_members(
    ctx: &Context,
    code: &mut Code,
    rest: &[Field],
    branch_ident: &str,
    (disc_ident, disc_wire): &(&str, String),
    branches: &[Branch],
) {
    code.line("#[inline]");
    code.open_fn("fn decode_members", &[MEMBERS], DECODE_RESULT);
    code.line_of(&["let tag = members.tag(", disc_wire, ")?;"]);
    structs::locals(ctx, code, rest);
    // The branch, in a local named after the discriminator unless the name is this function's parameter
    // (`members`, used after) or one of clippy's disallowed names.
    let local = match *disc_ident {
        "members" | "foo" | "baz" | "quux" => "branch",
        name => name,
    };
    code.line_of(&["let ", local, " = members.branch("]);
    code.begin();
    code.line_of(&[disc_wire, ","]);
    if rest.is_empty() {
        code.line("&mut |_, _| rt::Ok(false),");
    } else {
        code.open("&mut |key, reader| match key");
        structs::member_arms(ctx, code, rest, |f| {
            let take = if f.boxed { "take_boxed" } else { "take" };
            cat!("reader.", take, "(&mut ", structs::local(f), ")")
        });
        code.arm("", "_", "rt::Ok(false)");
        code.close(",");
    }
    // Each branch one call, without `?`: `decode_branch` gets the variant's constructor.
    code.open("|members| match &*tag");
    for b in branches {
        let variant = cat!(branch_ident, "::", b.variant);
        let body = match (&b.ty, b.boxed) {
            (Some(_), false) => cat!("members.decode_branch(", variant, ")"),
            (Some(_), true) => cat!("members.decode_branch_boxed(", variant, ")"),
            (None, _) => cat!("rt::Ok(", variant, ")"),
        };
        code.arm(&b.cfg, &b.wire, &body);
    }
    code.open("_ =>");
    let other = cat!(branch_ident, "::", names::OTHER);
    code.struct_literal(
        &cat!("rt::Ok(", other),
        &other,
        &[
            Item::plain("tag: tag.into_owned()"),
            Item::plain("members: members.rest()?"),
        ],
        ")",
    );
    code.close("");
    code.close(",");
    code.unindent(")?;");
    structs::require(ctx, code, rest);
    let mut fields = structs::decoded_fields(ctx, rest);
    fields.push(Item::plain(if local == *disc_ident {
        local.to_string()
    } else {
        cat!(disc_ident, ": ", local)
    }));
    code.struct_literal("rt::Ok(Self", "Self", &fields, ")");
    code.close("");
}

/// `encode_members`: the base members, the discriminator, the branch's members.
fn encode_members(
    ctx: &Context,
    code: &mut Code,
    rest: &[Field],
    branch_ident: &str,
    (disc_ident, disc_key): &(&str, String),
    branches: &[Branch],
) {
    code.line("#[inline]");
    code.open_fn("fn encode_members", &["&self", structs::WRITER], "");
    structs::statements(code, &structs::encoders(ctx, rest));
    code.entry(
        &cat!(
            "writer.field(",
            disc_key,
            ", self.",
            disc_ident,
            ".tag_name())"
        ),
        ";",
    );
    code.open(&cat!("match &self.", disc_ident));
    for b in branches {
        match (&b.ty, b.boxed) {
            (Some(_), boxed) => code.arm(
                &b.cfg,
                &cat!(branch_ident, "::", b.variant, "(data)"),
                if boxed {
                    "rt::ObjectType::encode_members(&**data, writer)"
                } else {
                    "rt::ObjectType::encode_members(data, writer)"
                },
            ),
            (None, _) => code.arm(&b.cfg, &cat!(branch_ident, "::", b.variant), "{}"),
        }
    }
    code.arm(
        "",
        &cat!(branch_ident, "::", names::OTHER, " { members, .. }"),
        "writer.members(members)",
    );
    code.close("");
    code.close("");
}

/// A legacy simple union: `{"type": BRANCH, "data": VALUE}`.
pub fn emit_simple(ctx: &Context, def: usize, code: &mut Code) {
    let d = &ctx.api.definitions[def];
    let Kind::SimpleUnion(branches) = &d.kind else {
        return;
    };
    let ident = ctx.ident(def);
    let other = names::OTHER;
    let rust = names::unique(
        branches.iter().map(|b| names::upper_camel(&b.name)),
        &[names::OTHER],
        "",
    );
    let cfg = ctx.cfg(d.cond.as_ref());
    code.attrs(&ctx.def_docs(def, Vec::new()));
    code.attrs(&cfg);
    code.line("#[derive(Clone, Debug, PartialEq)]");
    code.line("#[non_exhaustive]");
    code.line("#[allow(clippy::large_enum_variant)]");
    code.open(&cat!("pub enum ", ident));
    let mut arms = Vec::new();
    for (b, (branch, variant)) in branches.iter().zip(&rust).enumerate() {
        let wire = code::string(&branch.name);
        let cfg = ctx.cfg(branch.cond.as_ref());
        code.attrs(&ctx.item_docs(def, &branch.name, &[], branch.cond.as_ref()));
        code.attrs(&cfg);
        let ty = ctx.ty(&branch.ty);
        let boxed = ctx.boxing.is_boxed(def, Slot::Branch(b));
        if boxed {
            code.line_of(&[variant, "(rt::Box<", &ty, ">),"]);
        } else {
            code.line_of(&[variant, "(", &ty, "),"]);
        }
        arms.push((cfg, variant, wire, boxed));
    }
    code.line(
        "/// A branch these bindings do not know (from a newer QEMU), with its data as sent.",
    );
    code.open(other);
    code.line("/// The `type` as sent.");
    code.line("tag: rt::String,");
    code.line("/// The `data` as sent.");
    code.line("data: rt::Value,");
    code.close(",");
    code.close("");
    code.attrs(&cfg);
    code.open(&cat!("impl rt::ObjectType for ", ident));
    simple_wire(code, &arms);
    code.close("");
    code.attrs(&cfg);
    code.line_of(&["rt::impl_serde!(", ident, ");"]);
    ctx.info_impl(code, def, ident);
}

/// `decode_members` and `encode_members` of a simple union, from (condition, variant, wire name, boxed) of each
/// branch.
fn simple_wire(code: &mut Code, arms: &[(String, &String, String, bool)]) {
    let other = names::OTHER;
    code.line("#[inline]");
    code.open_fn("fn decode_members", &[MEMBERS], DECODE_RESULT);
    code.line("let tag = members.tag(\"type\")?;");
    code.line("let mut value = rt::None;");
    code.open("while let rt::Some(key) = members.next_key()?");
    code.open("if key != \"data\"");
    code.line("members.skip()?;");
    code.line("continue;");
    code.close("");
    code.open("value = rt::Some(match &*tag");
    for (cfg, variant, wire, boxed) in arms {
        let value = if *boxed {
            "rt::Box::new(members.value(\"data\")?)"
        } else {
            "members.value(\"data\")?"
        };
        code.arm(cfg, wire, &cat!("Self::", variant, "(", value, ")"));
    }
    code.open("_ =>");
    let other_path = cat!("Self::", other);
    code.struct_literal(
        &other_path,
        &other_path,
        &[
            Item::plain("tag: tag.to_string()"),
            Item::plain("data: members.value(\"data\")?"),
        ],
        "",
    );
    code.close("");
    code.close(");");
    code.close("");
    code.line("members.required(value, \"data\")");
    code.close("");
    code.line("#[inline]");
    code.open_fn("fn encode_members", &["&self", structs::WRITER], "");
    code.open("match self");
    for (cfg, variant, wire, boxed) in arms {
        let data = if *boxed { "&**data" } else { "data" };
        code.attrs(cfg);
        code.open(&cat!("Self::", variant, "(data) =>"));
        code.line_of(&["writer.field(b\",\\\"type\\\":\", ", wire, ");"]);
        code.line_of(&["writer.field(b\",\\\"data\\\":\", ", data, ");"]);
        code.close("");
    }
    code.open(&cat!("Self::", other, " { tag, data } =>"));
    code.line("writer.field(b\",\\\"type\\\":\", tag);");
    code.line("writer.field(b\",\\\"data\\\":\", data);");
    code.close("");
    code.close("");
    code.close("");
}
