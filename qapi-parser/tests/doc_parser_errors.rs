//! Each error QEMU 9.2 raises while reading a doc block, on small inline inputs: the exact message, line and
//! column in strict mode, and the warning plus recovery in tolerant mode.

use qapi_schema::doc::Doc;
use qapi_schema::doc_parser::parse_doc_block;
use qapi_schema::{Diagnostic, FileId, Options, Rules, Severity, SourceFile, SourceMap};

struct Run {
    map: SourceMap,
    result: Result<(Doc, usize), Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// Read the first block of `text` (at the first line starting with `##`).
fn run(text: &str, options: &Options) -> Run {
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        "t.json".into(),
        "t.json".into(),
        text.into(),
        None,
    ));
    let file = map.get(FileId(0)).clone();
    let start = file.text.find("##").unwrap_or_default();
    let mut warnings = Vec::new();
    let result = parse_doc_block(&file, FileId(0), start, options, &mut warnings);
    Run {
        map,
        result,
        warnings,
    }
}

/// The strict-mode error, rendered as QEMU prints it.
fn strict_error(text: &str) -> String {
    let run = run(text, &Options::strict_as(Rules::V9_2));
    match run.result {
        Ok((doc, _)) => panic!("expected an error, got {doc:?}"),
        Err(diag) => diag.display(&run.map).to_string(),
    }
}

/// The tolerant-mode doc and its warnings, rendered.
fn tolerant(text: &str) -> (Doc, Vec<String>) {
    let run = run(text, &Options::default());
    assert!(run.warnings.iter().all(|w| w.severity == Severity::Warning));
    let warnings = run
        .warnings
        .iter()
        .map(|w| w.display(&run.map).to_string())
        .collect();
    match run.result {
        Ok((doc, _)) => (doc, warnings),
        Err(diag) => panic!("tolerant mode failed: {}", diag.display(&run.map)),
    }
}

fn strict_ok(text: &str) -> (Doc, usize) {
    let run = run(text, &Options::strict_as(Rules::V9_2));
    assert!(run.warnings.is_empty());
    match run.result {
        Ok(ok) => ok,
        Err(diag) => panic!("strict mode failed: {}", diag.display(&run.map)),
    }
}

/// The strict error, and the same text read tolerantly gives one warning with the same message.
fn check(text: &str, expected: &str) -> Doc {
    assert_eq!(strict_error(text), expected);
    let (doc, warnings) = tolerant(text);
    let as_warning = expected.replacen(": ", ": warning: ", 1);
    assert!(
        warnings.contains(&as_warning),
        "tolerant warnings {warnings:?} lack {as_warning:?}"
    );
    doc
}

#[test]
fn opening_line_must_be_exactly_two_hashes() {
    let doc = check(
        "## invalid\n# text\n##\n",
        "t.json:1:1: junk after '##' at start of documentation comment",
    );
    assert_eq!(doc.body.text, "text");
    check(
        "\n  ### x\n##\n",
        "t.json:2:3: junk after '##' at start of documentation comment",
    );
}

#[test]
fn closing_line_must_be_exactly_two_hashes() {
    let doc = check(
        "##\n#\n## invalid\n",
        "t.json:3:1: junk after '##' at end of documentation comment",
    );
    assert_eq!(doc.body.text, "");
}

#[test]
fn block_must_end_with_two_hashes() {
    // At the end of the file QEMU reports the place of the final newline.
    check(
        "##\n# An invalid comment\n#\n",
        "t.json:3:2: documentation comment must end with '##'",
    );
    check(
        "##\n# text\n{ 'command': 'x' }\n",
        "t.json:3:1: documentation comment must end with '##'",
    );
    check(
        "##\n# text\n   true\n",
        "t.json:3:4: documentation comment must end with '##'",
    );
    check(
        "##\n# text\n  'str'\n",
        "t.json:3:3: documentation comment must end with '##'",
    );
}

#[test]
fn a_malformed_token_after_the_block_gives_the_lexer_error() {
    assert_eq!(
        strict_error("##\n# text\nfoo: bar\n"),
        "t.json:3:1: stray 'foo'"
    );
    assert_eq!(
        strict_error("##\n# text\n'abc\n"),
        "t.json:3:1: missing terminating \"'\""
    );
    assert_eq!(
        strict_error("##\n# text\n'a\\b'\n"),
        "t.json:3:1: unknown escape \\b"
    );
    assert_eq!(
        strict_error("##\n# text\n'a\u{e9}'\n"),
        "t.json:3:1: funny character in string"
    );
}

#[test]
fn unterminated_block_tolerated_ends_at_the_next_token() {
    let text = "##\n# @cmd:\n# Does things.\n{ 'command': 'cmd' }\n";
    let (doc, warnings) = tolerant(text);
    assert_eq!(
        warnings,
        ["t.json:4:1: warning: documentation comment must end with '##'"]
    );
    assert_eq!(doc.symbol.as_deref(), Some("cmd"));
    let run = run(text, &Options::default());
    let end = run.result.map(|(_, end)| end).unwrap_or_default();
    assert_eq!(&text[end..], "{ 'command': 'cmd' }\n");
}

#[test]
fn lines_need_a_space_after_the_hash() {
    let doc = check(
        "##\n# missing space:\n#wef\n##\n",
        "t.json:3:1: missing space after #",
    );
    assert_eq!(doc.body.text, "missing space:\nwef");
}

#[test]
fn symbol_line_must_end_with_colon() {
    let doc = check(
        "##\n# @missing-colon\n##\n",
        "t.json:2:1: line should end with ':'",
    );
    assert_eq!(doc.symbol.as_deref(), Some("missing-colon"));
}

#[test]
fn symbol_must_not_be_empty() {
    let doc = check(
        "##\n# @:\n# text\n##\n",
        "t.json:2:1: name required after '@'",
    );
    assert_eq!(doc.symbol, None);
    assert_eq!(doc.body.text, "text");
}

#[test]
fn equals_markup_is_not_allowed_in_definition_docs() {
    let doc = check(
        "##\n# @Enum:\n# == No good here\n# @one: The one\n##\n",
        "t.json:3:1: unexpected '=' markup in definition documentation",
    );
    assert_eq!(doc.body.text, "== No good here\n@one: The one");
    // Inside a paragraph it is just text.
    let (doc, _) = strict_ok("##\n# @Enum:\n# Text\n# = not a heading\n##\n");
    assert_eq!(doc.body.text, "Text\n= not a heading");
}

#[test]
fn heading_must_come_first_in_free_form_docs() {
    let doc = check(
        "##\n#\n# = Not first\n##\n",
        "t.json:3:1: '=' heading must come first in a comment block",
    );
    assert_eq!(doc.body.text, "= Not first");
    let (doc, _) = strict_ok("##\n# = Heading\n#\n# Text\n##\n");
    assert_eq!(doc.body.text, "= Heading\n\nText");
}

#[test]
fn descriptions_are_not_allowed_in_free_form_docs() {
    check(
        "##\n# freeform\n# @note: foo\n##\n",
        "t.json:3:1: '@note:' not allowed in free-form documentation",
    );
    // The name is anything up to the colon.
    let doc = check(
        "##\n# text\n# @foo bar: baz\n##\n",
        "t.json:3:1: '@foo bar:' not allowed in free-form documentation",
    );
    assert_eq!(doc.body.text, "text\n@foo bar: baz");
}

#[test]
fn de_indent_after_the_first_continuation_line_is_an_error() {
    let text = "##\n# @foo:\n# @a: line one\n#   line two\n# line three is wrongly indented\n##\n";
    let doc = check(
        text,
        "t.json:5:1: unexpected de-indent (expected at least 2 spaces)",
    );
    assert_eq!(
        doc.args[0].text,
        "line one\n  line two\nline three is wrongly indented"
    );
}

#[test]
fn de_indent_later_on_ends_the_description() {
    // QEMU checks only the line right after the first indented one; a later de-indent starts a paragraph.
    let (doc, _) = strict_ok("##\n# @foo:\n# @a: one\n#   two\n#   three\n# four\n##\n");
    assert_eq!(doc.args[0].text, "one\n  two\n  three");
    assert_eq!(doc.sections.len(), 1);
    assert_eq!(doc.sections[0].tag, None);
    assert_eq!(doc.sections[0].text, "four");
}

#[test]
fn tolerated_de_indent_onto_a_section_tag_starts_that_section() {
    let text = "##\n# @foo:\n# Returns: - Nothing\n#          - More\n# Since: 1.0\n##\n";
    let (doc, warnings) = tolerant(text);
    assert_eq!(
        warnings,
        ["t.json:5:1: warning: unexpected de-indent (expected at least 9 spaces)"]
    );
    assert_eq!(
        doc.section("Returns").map(|s| s.text.as_str()),
        Some("- Nothing\n         - More")
    );
    assert_eq!(doc.since(), Some("1.0"));
}

#[test]
fn duplicated_features_line() {
    let text = "##\n# @foo:\n#\n# Features:\n# @feat: mumble\n#\n# Features:\n# @other: x\n##\n";
    let doc = check(text, "t.json:7:1: duplicated 'Features:' line");
    let names: Vec<_> = doc.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["feat", "other"]);
}

#[test]
fn features_line_needs_descriptions() {
    check(
        "##\n# @foo:\n#\n# Features:\n#\n# not a description\n##\n",
        "t.json:6:1: feature descriptions expected",
    );
    check(
        "##\n# @foo:\n# Features:\n##\n",
        "t.json:4:1: feature descriptions expected",
    );
}

#[test]
fn duplicated_description() {
    let doc = check(
        "##\n# @foo:\n# @a: x\n# @a: y\n##\n",
        "t.json:4: 'a' parameter name duplicated",
    );
    assert_eq!(doc.args.len(), 1);
    assert_eq!(doc.args[0].text, "x\n\ny");
    check(
        "##\n# @foo:\n# Features:\n# @f: x\n# @f: y\n##\n",
        "t.json:5: 'f' parameter name duplicated",
    );
}

#[test]
fn nameless_description() {
    let doc = check(
        "##\n# @foo:\n# @: x\n##\n",
        "t.json:3: invalid parameter name",
    );
    assert!(doc.args.is_empty());
}

#[test]
fn duplicated_sections() {
    check(
        "##\n# @foo:\n#\n# Returns: 0\n#\n# Returns: 1\n##\n",
        "t.json:6: duplicated 'Returns' section",
    );
    check(
        "##\n# @foo:\n# Errors: 0\n# Errors: 1\n##\n",
        "t.json:4: duplicated 'Errors' section",
    );
    let doc = check(
        "##\n# @foo:\n#\n# Since: 0\n#\n# Since: 1\n##\n",
        "t.json:6: duplicated 'Since' section",
    );
    assert_eq!(doc.since(), Some("0"));
    // TODO may repeat.
    let (doc, _) = strict_ok("##\n# @foo:\n# TODO: a\n# TODO: b\n##\n");
    assert_eq!(doc.sections.len(), 2);
}

#[test]
fn sections_need_text() {
    check(
        "##\n# @foo:\n#\n# Errors:\n##\n",
        "t.json:4: text required after 'Errors:'",
    );
    check(
        "##\n# @foo:\n# TODO:\n#\n##\n",
        "t.json:3: text required after 'TODO:'",
    );
    check(
        "##\n# @foo:\n# @a:\n##\n",
        "t.json:3: text required after '@a:'",
    );
    check(
        "##\n# @foo:\n# Features:\n# @f:\n##\n",
        "t.json:4: text required after '@f:'",
    );
}

#[test]
fn description_after_a_section() {
    let text =
        "##\n# @S:\n#\n# body\n#\n# @integer: foo\n#           blah\n#\n#           bao\n#\n\
                # TODO: a section.\n#\n# @foobar: catch this\n#\n# Since: 2.3\n#\n##\n";
    let doc = check(
        text,
        "t.json:13:1: description of '@foobar:' follows a section",
    );
    assert_eq!(
        doc.arg("foobar").map(|a| a.text.as_str()),
        Some("catch this")
    );
    assert_eq!(
        doc.arg("integer").map(|a| a.text.as_str()),
        Some("foo\n          blah\n\n          bao")
    );
    // Descriptions right after feature descriptions are more features; after a paragraph, an error.
    let (doc, _) = strict_ok("##\n# @S:\n# Features:\n# @f: x\n#\n# @g: y\n##\n");
    assert_eq!(doc.features.len(), 2);
    check(
        "##\n# @S:\n# Features:\n# @f: x\n#\n# text\n#\n# @a: y\n##\n",
        "t.json:8:1: description of '@a:' follows a section",
    );
    check(
        "##\n# @S:\n# @a: x\n#\n# text\n#\n# @b: y\n##\n",
        "t.json:7:1: description of '@b:' follows a section",
    );
}

#[test]
fn note_and_example_sections_are_retired() {
    let note = "The 'Note' section is no longer supported. Please use rST's '.. note::' or '.. admonition:: notes' \
                directives, or another suitable admonition instead.";
    check(
        "##\n# @foo:\n# Note: x\n##\n",
        &format!("t.json:3:1: {note}"),
    );
    let notes = note.replace("'Note'", "'Notes'");
    check(
        "##\n# @foo:\n# Notes: x\n##\n",
        &format!("t.json:3:1: {notes}"),
    );
    let example = "The 'Example' section is no longer supported. Please use the '.. qmp-example::' directive, or \
                   other suitable markup instead.";
    check(
        "##\n# @foo:\n#\n# Example:\n#\n# -> x\n##\n",
        &format!("t.json:4:1: {example}"),
    );
    let examples = example.replace("'Example'", "'Examples'");
    check(
        "##\n# @foo:\n# Examples: x\n##\n",
        &format!("t.json:3:1: {examples}"),
    );
}

#[test]
fn double_colon_is_rst_markup_not_a_section() {
    let (doc, _) = strict_ok(
        "##\n# @foo:\n#\n# Note::\n#     Ceci n'est pas une note\n#\n# Examples::\n#\n#  x\n##\n",
    );
    assert_eq!(
        doc.body.text,
        "Note::\n    Ceci n'est pas une note\n\nExamples::\n\n x"
    );
    assert!(doc.sections.is_empty());
}

#[test]
fn columns_follow_qemus_tab_rule() {
    // QEMU maps a tab at column c to (c + 7) % 8 + 1: a tab at column 1 adds nothing.
    assert_eq!(
        strict_error("##\n\t#bad\n##\n"),
        "t.json:2:1: missing space after #"
    );
    assert_eq!(
        strict_error("##\n  \t#bad\n##\n"),
        "t.json:2:3: missing space after #"
    );
}

#[test]
fn crlf_line_ends_are_junk_to_qemu_but_tolerated() {
    let text = "##\r\n# @foo:\r\n#\r\n# Since: 1.0\r\n##\r\n";
    assert_eq!(
        strict_error(text),
        "t.json:1:1: junk after '##' at start of documentation comment"
    );
    let (doc, warnings) = tolerant(text);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(doc.since(), Some("1.0"));
}
