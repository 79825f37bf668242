//! Tolerant mode reads the doc markup of releases before 9.2 the way those releases did, with warnings.

use qapi_schema::doc::Doc;
use qapi_schema::doc_parser::parse_doc_block;
use qapi_schema::{FileId, Options, Rules, SourceFile, SourceMap};

/// Read the block at the start of `text` in tolerant mode: the doc and its warnings' messages.
fn tolerant(text: &str) -> (Doc, Vec<String>) {
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        "t.json".into(),
        "t.json".into(),
        text.into(),
        None,
    ));
    let file = map.get(FileId(0)).clone();
    let mut warnings = Vec::new();
    let (doc, _) = parse_doc_block(&file, FileId(0), 0, &Options::default(), &mut warnings)
        .unwrap_or_else(|diag| panic!("tolerant mode failed: {}", diag.display(&map)));
    (
        doc,
        warnings
            .iter()
            .map(|w| w.display(&map).to_string())
            .collect(),
    )
}

fn strict_fails(text: &str) -> bool {
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        "t.json".into(),
        "t.json".into(),
        text.into(),
        None,
    ));
    let file = map.get(FileId(0)).clone();
    parse_doc_block(
        &file,
        FileId(0),
        0,
        &Options::strict_as(Rules::V9_2),
        &mut Vec::new(),
    )
    .is_err()
}

#[test]
fn example_section_takes_the_lines_up_to_the_next_section() {
    let text = "##\n# @query-foo:\n#\n# Returns: a foo\n#\n# Since: 1.0\n#\n# Example:\n#\n\
                # -> { \"execute\": \"query-foo\" }\n# <- { \"return\": {} }\n#\n# -> again\n##\n";
    assert!(strict_fails(text));
    let (doc, warnings) = tolerant(text);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0]
        .starts_with("t.json:8:1: warning: The 'Example' section is no longer supported."));
    assert_eq!(
        warnings[1],
        "t.json:10:1: warning: text of 'Example:' should be indented"
    );
    let tags: Vec<_> = doc.sections.iter().map(|s| s.tag.as_deref()).collect();
    assert_eq!(tags, [Some("Returns"), Some("Since"), Some("Example")]);
    assert_eq!(
        doc.sections[2].text,
        "-> { \"execute\": \"query-foo\" }\n<- { \"return\": {} }\n\n-> again"
    );
}

#[test]
fn notes_section_keeps_its_tag_and_paragraphs() {
    let text = "##\n# @foo:\n#\n# Notes: first\n#        line\n#\n# second paragraph\n#\n# Since: 2.0\n##\n";
    let (doc, warnings) = tolerant(text);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(
        doc.section("Notes").map(|s| s.text.as_str()),
        Some("first\n       line\n\nsecond paragraph")
    );
    assert_eq!(doc.since(), Some("2.0"));
}

#[test]
fn unindented_returns_text_belongs_to_the_section() {
    let text = "##\n# @foo:\n#\n# Returns:\n# - Nothing on success\n# - An error otherwise\n#\n# Since: 3.0\n##\n";
    assert!(strict_fails(text));
    let (doc, warnings) = tolerant(text);
    assert_eq!(
        warnings,
        ["t.json:5:1: warning: text of 'Returns:' should be indented"]
    );
    assert_eq!(
        doc.section("Returns").map(|s| s.text.as_str()),
        Some("- Nothing on success\n- An error otherwise")
    );
    assert_eq!(doc.sections.len(), 2);
}

#[test]
fn unindented_member_text_belongs_to_the_member() {
    let text = "##\n# @GuestOSInfo:\n#\n# @kernel-release:\n# * POSIX: release field\n# * Windows: build number\n\
                # @kernel-version:\n# * POSIX: version field\n#\n# Since: 2.10\n##\n";
    assert!(strict_fails(text));
    let (doc, warnings) = tolerant(text);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(
        doc.arg("kernel-release").map(|a| a.text.as_str()),
        Some("* POSIX: release field\n* Windows: build number")
    );
    assert_eq!(
        doc.arg("kernel-version").map(|a| a.text.as_str()),
        Some("* POSIX: version field")
    );
    assert_eq!(doc.since(), Some("2.10"));
}

#[test]
fn description_after_a_paragraph_is_still_a_description() {
    // 4.2 wrote continuation lines without indentation.
    let text = "##\n# @S:\n#\n# @a: the a, which\n# goes on\n#\n# @b: the b\n##\n";
    let (doc, warnings) = tolerant(text);
    assert_eq!(
        warnings,
        ["t.json:7:1: warning: description of '@b:' follows a section"]
    );
    let names: Vec<_> = doc.args.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn heading_later_in_a_free_form_block_stays_text() {
    let text = "##\n# = Intro\n#\n# Text\n#\n# = Stability\n#\n# More\n##\n";
    let (doc, warnings) = tolerant(text);
    assert_eq!(
        warnings,
        ["t.json:6:1: warning: '=' heading must come first in a comment block"]
    );
    assert_eq!(doc.body.text, "= Intro\n\nText\n\n= Stability\n\nMore");
}

#[test]
fn decorative_hash_lines_make_a_free_form_doc() {
    let text = "########\n# Section\n########\n";
    let (doc, warnings) = tolerant(text);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(doc.symbol, None);
    assert_eq!(doc.body.text, "Section");
}

#[test]
fn strict_valid_docs_read_the_same_in_both_modes() {
    let text = "##\n# @foo:\n#\n# Body.\n#\n# @a: one\n#     two\n#\n# Features:\n# @f: feat\n#\n# Paragraph\n#\n\
                # Returns: x\n#\n# Errors:\n#     - y\n#\n# TODO: z\n#\n# Since: 9.2\n##\n";
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        "t.json".into(),
        "t.json".into(),
        text.into(),
        None,
    ));
    let file = map.get(FileId(0)).clone();
    let strict = parse_doc_block(
        &file,
        FileId(0),
        0,
        &Options::strict_as(Rules::V9_2),
        &mut Vec::new(),
    )
    .ok();
    let (doc, warnings) = tolerant(text);
    assert!(warnings.is_empty());
    assert_eq!(strict, Some((doc.clone(), text.len() - 1)));
    assert_eq!(
        doc.section("Errors").map(|s| s.text.as_str()),
        Some("    - y")
    );
}
