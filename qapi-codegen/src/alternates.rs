//! Alternates: an enum whose branch is chosen by the JSON type of the value, as QEMU chooses it (never by trying
//! each branch in turn, which could pick the wrong one: a string is a `str` or an enum branch, never both).

use crate::code::{self, cat, Code};
use crate::context::{Context, JsonType};
use crate::ir::Kind;
use crate::names;
use crate::recursion::Slot;

/// How one branch decodes and encodes: its match arms.
struct Arms {
    cfg: String,
    decode: (&'static str, String),
    encode: (String, String),
}

pub fn emit(ctx: &Context, def: usize, code: &mut Code) {
    let d = &ctx.api.definitions[def];
    let Kind::Alternate(branches) = &d.kind else {
        return;
    };
    let ident = ctx.ident(def);
    let rust = names::unique(
        branches.iter().map(|b| names::upper_camel(&b.name)),
        &[],
        "",
    );
    let cfg = ctx.cfg(d.cond.as_ref());
    code.attrs(&ctx.def_docs(def, Vec::new()));
    code.attrs(&cfg);
    code.line("#[derive(Clone, Debug, PartialEq)]");
    code.line("#[non_exhaustive]");
    // An object branch holds a struct or union inline, possibly much larger than the scalar branches.
    if branches
        .iter()
        .any(|b| ctx.json_type(&b.ty) == JsonType::Object)
    {
        code.line("#[allow(clippy::large_enum_variant)]");
    }
    code.open(&cat!("pub enum ", ident));
    let mut arms = Vec::new();
    let mut expected = Vec::new();
    for (b, (branch, variant)) in branches.iter().zip(&rust).enumerate() {
        let (pattern, what) = match ctx.json_type(&branch.ty) {
            JsonType::String => ("rt::Token::String", "a string"),
            JsonType::Number | JsonType::Int => ("rt::Token::Number", "a number"),
            JsonType::Boolean => ("rt::Token::Bool", "a boolean"),
            JsonType::Null => ("rt::Token::Null", "null"),
            JsonType::Object => ("rt::Token::Object", "an object"),
            JsonType::Array => ("rt::Token::Array", "an array"),
            // The model rejects `any` and nested alternates in an alternate; nothing sensible to match.
            JsonType::Value => continue,
        };
        expected.push(what);
        let cfg = ctx.cfg(branch.cond.as_ref());
        code.attrs(&ctx.item_docs(def, &branch.name, &[], branch.cond.as_ref()));
        code.attrs(&cfg);
        if what == "null" {
            // JSON null carries nothing: a unit variant.
            code.line_of(&[variant, ","]);
            arms.push(Arms {
                cfg,
                decode: (
                    pattern,
                    cat!("reader.null().map(|()| Self::", variant, ")?"),
                ),
                encode: (cat!("Self::", variant), "writer.null()".into()),
            });
            continue;
        }
        let ty = ctx.ty(&branch.ty);
        let boxed = ctx.boxing.is_boxed(def, Slot::Branch(b));
        let (decode, data) = if boxed {
            code.line_of(&[variant, "(rt::Box<", &ty, ">),"]);
            ("rt::Box::new(rt::Decode::decode(reader)?)", "&**data")
        } else {
            code.line_of(&[variant, "(", &ty, "),"]);
            ("rt::Decode::decode(reader)?", "data")
        };
        arms.push(Arms {
            cfg,
            decode: (pattern, cat!("Self::", variant, "(", decode, ")")),
            encode: (
                cat!("Self::", variant, "(data)"),
                cat!("rt::Encode::encode(", data, ", writer)"),
            ),
        });
    }
    code.close("");
    wire_impls(code, &cfg, ident, &arms, &expected);
    code.attrs(&cfg);
    code.line_of(&["rt::impl_serde!(", ident, ");"]);
    ctx.info_impl(code, def, ident);
}

/// `Decode` by the JSON type of the value, `Encode` by the variant.
fn wire_impls(code: &mut Code, cfg: &str, ident: &str, arms: &[Arms], expected: &[&str]) {
    code.attrs(cfg);
    code.open(&cat!("impl rt::Decode for ", ident));
    code.line("#[inline]");
    code.open_fn(
        "fn decode",
        &["reader: &mut rt::Reader<'_>"],
        " -> rt::Result<Self, rt::DecodeError>",
    );
    code.line("rt::Ok(");
    code.begin();
    code.open("match reader.peek()?");
    for arm in arms {
        code.arm(&arm.cfg, arm.decode.0, &arm.decode.1);
    }
    // With a branch for each of JSON's six types, nothing is left over.
    if expected.len() < 6 {
        let expected = code::string(&expected.join(" or "));
        code.arm(
            "",
            "_",
            &cat!("return rt::Err(reader.invalid_type(", expected, "))"),
        );
    }
    code.close(",");
    code.unindent(")");
    code.close("");
    code.close("");
    code.attrs(cfg);
    code.open(&cat!("impl rt::Encode for ", ident));
    code.line("#[inline]");
    code.open("fn encode(&self, writer: &mut rt::Writer)");
    code.open("match self");
    for arm in arms {
        code.arm(&arm.cfg, &arm.encode.0, &arm.encode.1);
    }
    code.close("");
    code.close("");
    code.close("");
}
