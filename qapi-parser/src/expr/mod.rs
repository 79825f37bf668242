//! AST → checked, desugared definitions: QEMU's context-free expression checks. (Stub: being written.)

use crate::ast::ParsedSchema;
use crate::definition::Item;
use crate::diagnostic::Diagnostic;
use crate::Options;

pub fn check(
    parsed: &ParsedSchema,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Item>, Diagnostic> {
    let _ = (parsed, options, warnings);
    Err(Diagnostic::bare("expression checker not written yet"))
}
