//! QEMU 9.2.4's own schema test suite: the doc cases whose error QEMU raises while reading the doc block give
//! the `.err` text byte for byte, and the docs of `doc-good.json` print as in `doc-good.out`.

use std::path::{Path, PathBuf};

use qapi_schema::doc::Doc;
use qapi_schema::doc_parser::parse_doc_block;
use qapi_schema::{Diagnostic, FileId, Options, Rules, SourceFile, SourceMap};

/// QEMU's schema test suite, or `None` after saying it is missing (a failure under `CI=true`).
fn suite_dir() -> Option<PathBuf> {
    qapi_tests::require(&qapi_tests::schema_suite_dir(), "QEMU's schema test suite")
}

/// The cases whose error QEMU raises while reading a doc block (the others belong to later stages).
const DOC_BLOCK_CASES: [&str; 18] = [
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
    "doc-non-first-section",
];

/// Read every doc block of a case file (named as QEMU's test harness names it); stop at the first error.
fn read_case(
    dir: &Path,
    case: &str,
    options: &Options,
) -> (SourceMap, Result<Vec<Doc>, Diagnostic>, Vec<Diagnostic>) {
    let path = dir.join(format!("{case}.json"));
    let text = std::fs::read_to_string(&path).expect("case file is readable");
    let mut map = SourceMap::new();
    map.add(SourceFile::new(format!("{case}.json"), path, text, None));
    let file = map.get(FileId(0)).clone();
    let mut warnings = Vec::new();
    let mut docs = Vec::new();
    let mut pos = 0;
    while pos < file.text.len() {
        if file.text[pos..].starts_with("##") {
            match parse_doc_block(&file, FileId(0), pos, options, &mut warnings) {
                Ok((doc, end)) => {
                    docs.push(doc);
                    pos = end;
                }
                Err(diag) => return (map, Err(diag), warnings),
            }
        }
        pos = file.text[pos..]
            .find('\n')
            .map_or(file.text.len(), |n| pos + n + 1);
    }
    (map, Ok(docs), warnings)
}

#[test]
fn doc_block_errors_match_qemus_err_files() {
    let Some(dir) = suite_dir() else { return };
    for case in DOC_BLOCK_CASES {
        let expected = std::fs::read_to_string(dir.join(format!("{case}.err")))
            .expect(".err file is readable");
        let (map, result, _) = read_case(&dir, case, &Options::strict_as(Rules::V9_2));
        let got = match result {
            Ok(_) => panic!("{case}: no error, expected {expected}"),
            Err(diag) => format!("{}\n", diag.display(&map)),
        };
        assert_eq!(got, expected, "{case}");
    }
}

#[test]
fn doc_block_errors_are_warnings_in_tolerant_mode() {
    let Some(dir) = suite_dir() else { return };
    for case in DOC_BLOCK_CASES {
        let expected = std::fs::read_to_string(dir.join(format!("{case}.err")))
            .expect(".err file is readable");
        let (map, result, warnings) = read_case(&dir, case, &Options::default());
        if let Err(diag) = result {
            panic!("{case}: tolerant mode failed: {}", diag.display(&map));
        }
        let warnings: Vec<String> = warnings
            .iter()
            .map(|w| format!("{}\n", w.display(&map)))
            .collect();
        let as_warning = expected.replacen(": ", ": warning: ", 1);
        assert!(
            warnings.contains(&as_warning),
            "{case}: warnings {warnings:?} lack {as_warning:?}"
        );
    }
}

/// A doc as QEMU's test harness prints it.
fn dump(doc: &Doc) -> String {
    let mut out = match &doc.symbol {
        Some(symbol) => format!("doc symbol={symbol}\n"),
        None => "doc freeform\n".to_owned(),
    };
    out += &format!("    body=\n{}\n", doc.body.text);
    for arg in &doc.args {
        out += &format!("    arg={}\n{}\n", arg.name, arg.text);
    }
    for feature in &doc.features {
        out += &format!("    feature={}\n{}\n", feature.name, feature.text);
    }
    for section in &doc.sections {
        out += &format!(
            "    section={}\n{}\n",
            section.tag.as_deref().unwrap_or("None"),
            section.text
        );
    }
    out
}

/// The doc part of a `.out` file, without the empty `arg=` entries the schema stage adds for undocumented
/// members.
fn expected_docs(out: &str) -> String {
    let start = out.find("\ndoc ").map_or(out.len(), |n| n + 1);
    let mut lines = out[start..].lines().peekable();
    let mut kept = String::new();
    while let Some(line) = lines.next() {
        if line.starts_with("    arg=") && lines.peek() == Some(&"") {
            lines.next();
            continue;
        }
        kept += line;
        kept.push('\n');
    }
    kept
}

#[test]
fn doc_good_prints_as_qemu_prints_it() {
    let Some(dir) = suite_dir() else { return };
    for options in [Options::strict_as(Rules::V9_2), Options::default()] {
        let (map, result, warnings) = read_case(&dir, "doc-good", &options);
        let docs = result.unwrap_or_else(|diag| panic!("doc-good: {}", diag.display(&map)));
        assert!(
            warnings.is_empty(),
            "doc-good gives no warnings: {:?}",
            warnings.first().map(|w| w.display(&map).to_string())
        );
        let got: String = docs.iter().map(dump).collect();
        let out =
            std::fs::read_to_string(dir.join("doc-good.out")).expect("doc-good.out is readable");
        assert_eq!(got, expected_docs(&out));
        assert_eq!(docs.len(), 12);
    }
}

#[test]
fn spans_point_at_the_right_lines() {
    let Some(dir) = suite_dir() else { return };
    let (map, result, _) = read_case(&dir, "doc-good", &Options::strict_as(Rules::V9_2));
    let docs = result.unwrap_or_else(|diag| panic!("doc-good: {}", diag.display(&map)));
    let file = map.get(FileId(0));
    let line = |span: qapi_schema::Span| file.line(span.start);
    let cmd = docs
        .iter()
        .find(|d| d.symbol.as_deref() == Some("cmd"))
        .expect("doc for cmd");
    assert_eq!((line(cmd.span), file.line(cmd.span.end)), (146, 193));
    assert_eq!(line(cmd.args[0].span), 149);
    assert_eq!(line(cmd.features[1].span), 158);
    let returns = cmd.section("Returns").expect("Returns section");
    assert_eq!(line(returns.span), 162);
    let since = cmd.section("Since").expect("Since section");
    assert_eq!(line(since.span), 192);
    let variant1 = docs
        .iter()
        .find(|d| d.symbol.as_deref() == Some("Variant1"))
        .expect("doc for Variant1");
    // The body starts at its first paragraph.
    assert_eq!(line(variant1.body.span), 91);
}
