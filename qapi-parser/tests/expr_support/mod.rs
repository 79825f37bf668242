//! What the expression checker's integration tests share: where the reference material is, and running the
//! parser and the expression checker on a file.

#![allow(dead_code)]
// Diagnostic is the crate's one error type; its size does not matter here.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use qapi_schema::definition::Item;
use qapi_schema::{expr, parser, Diagnostic, Options, SourceMap};

/// The shared reference directory, or `None` after saying it is missing (a failure under `CI=true`).
pub fn require_shared() -> Option<PathBuf> {
    qapi_tests::require(&qapi_tests::shared_dir(), "the shared reference directory")
}

/// The suite cases whose expected error QEMU's `expr.py` raises (including `QAPIDoc.check_expr`, which
/// `check_exprs` calls), from the by-theme list of the shared docs.
pub fn expr_raised_cases(shared: &Path) -> Vec<String> {
    let list = std::fs::read_to_string(shared.join("docs/qapi-schema-tests-by-theme.txt"))
        .expect("by-theme list");
    list.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut columns = line.split(" | ");
            let case = columns.next()?.trim();
            let raiser = columns.next()?;
            (raiser.contains("expr.py") || raiser.contains("parser.py:check_expr"))
                .then(|| case.to_string())
        })
        .collect()
}

/// Parse `dir/file` and check its expressions. The error, rendered as QEMU's test harness records it (the
/// directory prefix removed, a final newline added); `Ok` with the items and warnings otherwise.
pub fn check_file(
    dir: &Path,
    file: &str,
    options: &Options,
) -> Result<(Vec<Item>, Vec<String>), String> {
    let mut sources = SourceMap::new();
    let mut warnings = Vec::new();
    let path = dir.join(file);
    let result = parser::parse_file(&path, &mut sources, options, &mut warnings)
        .and_then(|parsed| expr::check(&parsed, options, &mut warnings));
    let prefix = format!("{}/", dir.display());
    let render = |d: &Diagnostic| format!("{}\n", d.display(&sources)).replace(&prefix, "");
    match result {
        Ok(items) => Ok((items, warnings.iter().map(render).collect())),
        Err(diag) => Err(render(&diag)),
    }
}

/// Like [`check_file`], but `None` when the parser already rejects the file.
pub fn parse_then_check(dir: &Path, file: &str, options: &Options) -> Option<Result<(), String>> {
    let mut sources = SourceMap::new();
    let mut warnings = Vec::new();
    let parsed = parser::parse_file(&dir.join(file), &mut sources, options, &mut warnings).ok()?;
    Some(
        expr::check(&parsed, options, &mut warnings)
            .map(|_| ())
            .map_err(|d| format!("{}\n", d.display(&sources))),
    )
}
