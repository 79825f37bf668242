//! The doc-comment checks QEMU makes while checking expressions: the doc is for this definition, a doc exists
//! when the `doc-required` pragma asks for one, and `Returns:`/`Errors:` sections sit on commands only. These
//! concern doc markup alone, so tolerant mode only warns.

use super::{Check, Ctx};
use crate::ast::DefinitionExpr;
use crate::diagnostic::Diagnostic;
use crate::doc::Doc;

pub(super) fn check_doc(
    ctx: &mut Ctx,
    docs: &[Doc],
    expr: &DefinitionExpr,
    name: &str,
) -> Check<()> {
    let Some(doc) = expr.doc.and_then(|i| docs.get(i)) else {
        if ctx.pragmas.doc_required {
            let diag = ctx.error(ctx.span, "documentation comment required");
            ctx.relax(diag)?;
        }
        return Ok(());
    };
    if let Some(symbol) = doc.symbol.as_deref().filter(|s| *s != name) {
        let diag = ctx.error(doc.span, format!("documentation comment is for '{symbol}'"));
        ctx.relax(diag)?;
    }
    // QEMU reports these at the section, outside the definition's context.
    let object = &expr.object;
    let returns = doc.section("Returns");
    let message = if object.contains_key("command") {
        returns
            .filter(|_| !object.contains_key("returns"))
            .map(|s| (s, "'Returns' section, but command doesn't return anything"))
    } else {
        returns
            .map(|s| (s, "'Returns' section is only valid for commands"))
            .or_else(|| {
                doc.section("Errors")
                    .map(|s| (s, "'Errors' section is only valid for commands"))
            })
    };
    match message {
        Some((section, message)) => ctx.relax(Diagnostic::semantic(section.span, message)),
        None => Ok(()),
    }
}
