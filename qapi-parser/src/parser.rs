//! Text → AST: the pest grammar, `include` and `pragma` directives, doc blocks. (Stub: being written.)

use std::path::Path;

use crate::ast::ParsedSchema;
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use crate::Options;

/// Read the main schema file and everything it includes.
pub fn parse_file(
    path: &Path,
    sources: &mut SourceMap,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ParsedSchema, Diagnostic> {
    let _ = (path, sources, options, warnings);
    Err(Diagnostic::bare("parser not written yet"))
}

/// Parse a main schema held in memory; includes are read relative to `name`.
pub fn parse_str(
    name: &str,
    text: &str,
    sources: &mut SourceMap,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ParsedSchema, Diagnostic> {
    let _ = (name, text, sources, options, warnings);
    Err(Diagnostic::bare("parser not written yet"))
}
