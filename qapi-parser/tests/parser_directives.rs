//! The parser stage on schemas written for the purpose: include names and chains, repeated and looping
//! includes, pragmas in both modes, where docs attach, QEMU's one-token lookahead, and in-memory input.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use qapi_schema::ast::{Expression, ParsedSchema};
use qapi_schema::parser::{parse_file, parse_str, MAX_NESTING};
use qapi_schema::{Diagnostic, Options, Rules, SourceMap};

/// A fresh directory holding `files` (name, text); removed when dropped.
struct Tree(PathBuf);

impl Tree {
    fn new(files: &[(&str, &str)]) -> Tree {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("qapi-parser-directives-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Tree(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Rendered diagnostics name files as given; drop this tree's directory, as QEMU's test harness does.
    fn strip(&self, text: String) -> String {
        text.replace(&format!("{}/", self.0.display()), "")
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Parsed {
    result: Result<ParsedSchema, Diagnostic>,
    sources: SourceMap,
    warnings: Vec<Diagnostic>,
}

impl Parsed {
    fn schema(&self) -> &ParsedSchema {
        match &self.result {
            Ok(schema) => schema,
            Err(diag) => panic!("unexpected error: {}", diag.display(&self.sources)),
        }
    }

    fn error(&self) -> String {
        match &self.result {
            Ok(_) => panic!("parsed without error"),
            Err(diag) => diag.display(&self.sources).to_string(),
        }
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings
            .iter()
            .map(|w| w.display(&self.sources).to_string())
            .collect()
    }

    fn includes(&self) -> Vec<(String, String)> {
        let name = |e: &Expression| match e {
            Expression::Include(inc) => {
                Some((inc.name.clone(), self.sources.get(inc.file).name.clone()))
            }
            Expression::Definition(_) => None,
        };
        self.schema().expressions.iter().filter_map(name).collect()
    }

    /// The `struct`/`enum`/... names of the definitions, in order.
    fn definitions(&self) -> Vec<String> {
        let name = |e: &Expression| match e {
            Expression::Definition(def) => def.object.members[0].1.as_str().map(str::to_owned),
            Expression::Include(_) => None,
        };
        self.schema().expressions.iter().filter_map(name).collect()
    }
}

fn parse(path: &Path, options: &Options) -> Parsed {
    let mut sources = SourceMap::new();
    let mut warnings = Vec::new();
    let result = parse_file(path, &mut sources, options, &mut warnings);
    Parsed {
        result,
        sources,
        warnings,
    }
}

fn parse_text(name: &str, text: &str, options: &Options) -> Parsed {
    let mut sources = SourceMap::new();
    let mut warnings = Vec::new();
    let result = parse_str(name, text, &mut sources, options, &mut warnings);
    Parsed {
        result,
        sources,
        warnings,
    }
}

fn strict() -> Options {
    Options::strict_as(Rules::V9_2)
}

#[test]
fn included_files_are_named_from_the_includer_directory_and_read_once() {
    let tree = Tree::new(&[
        ("main.json", "{ 'include': 'sub/a.json' }\n{ 'enum': 'Main', 'data': [] }\n{ 'include': 'sub/b.json' }\n"),
        ("sub/a.json", "{ 'include': 'b.json' }\n{ 'enum': 'A', 'data': [] }\n"),
        ("sub/b.json", "# b\n\n{ 'include': '../c.json' }\n{ 'enum': 'B', 'data': [] }\n"),
        ("c.json", "{ 'enum': 'C', 'data': [] }\n"),
    ]);
    let parsed = parse(&tree.path("main.json"), &strict());
    let dir = tree.0.display();
    assert_eq!(
        parsed.includes(),
        [
            (format!("{dir}/sub/a.json"), format!("{dir}/sub/a.json")),
            (format!("{dir}/sub/b.json"), format!("{dir}/sub/b.json")),
            (
                format!("{dir}/sub/../c.json"),
                format!("{dir}/sub/../c.json")
            ),
            // Included again: recorded, pointing at the file read the first time.
            (format!("{dir}/sub/b.json"), format!("{dir}/sub/b.json")),
        ]
    );
    // Expressions come in where they are included, as QEMU lists them.
    assert_eq!(parsed.definitions(), ["C", "B", "A", "Main"]);
    assert_eq!(parsed.sources.len(), 4);
    let c = parsed
        .sources
        .files()
        .find(|(_, f)| f.name.ends_with("c.json"))
        .unwrap()
        .1;
    let inc = c.included_from.expect("c.json was included");
    let includer = parsed.sources.get(inc.file);
    assert!(includer.name.ends_with("sub/b.json"));
    assert_eq!(includer.line(inc.start), 3);
    assert_eq!(
        &includer.text[inc.start as usize..inc.end as usize],
        "{ 'include': '../c.json' }"
    );
}

#[test]
fn errors_in_included_files_show_the_include_chain() {
    let tree = Tree::new(&[
        ("main.json", "\n{ 'include': 'sub/a.json' }\n"),
        ("sub/a.json", "# a\n{ 'include': 'b.json' }\n"),
        ("sub/b.json", "{ 'enum': 'B',\n  'data': [ 'x' 'y' ] }\n"),
    ]);
    let parsed = parse(&tree.path("main.json"), &strict());
    assert_eq!(
        tree.strip(parsed.error()),
        "In file included from main.json:2:\nIn file included from sub/a.json:2:\nsub/b.json:2:17: expected ',' or ']'"
    );
}

#[test]
fn a_file_on_the_include_chain_is_a_loop_however_it_is_spelled() {
    let tree = Tree::new(&[
        ("main.json", "{ 'include': 'sub/a.json' }\n"),
        (
            "sub/a.json",
            "{ 'enum': 'A', 'data': [] }\n{ 'include': '../sub/../main.json' }\n",
        ),
    ]);
    let parsed = parse(&tree.path("main.json"), &strict());
    assert_eq!(
        tree.strip(parsed.error()),
        "In file included from main.json:1:\nsub/a.json:2: inclusion loop for ../sub/../main.json"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_file_read_before_is_the_same_file() {
    let tree = Tree::new(&[
        (
            "main.json",
            "{ 'include': 'a.json' }\n{ 'include': 'link.json' }\n",
        ),
        ("a.json", "{ 'enum': 'A', 'data': [] }\n"),
    ]);
    std::os::unix::fs::symlink(tree.path("a.json"), tree.path("link.json")).unwrap();
    let parsed = parse(&tree.path("main.json"), &strict());
    assert_eq!(parsed.definitions(), ["A"]);
    assert_eq!(parsed.sources.len(), 2);
}

#[test]
fn unreadable_files_give_strerror() {
    let tree = Tree::new(&[("main.json", "{ 'include': 'sub' }\n"), ("sub/x.json", "")]);
    let parsed = parse(&tree.path("main.json"), &strict());
    assert_eq!(
        tree.strip(parsed.error()),
        "main.json:1: can't read include file 'sub': Is a directory"
    );
    let parsed = parse(&tree.path("nope.json"), &strict());
    assert_eq!(
        tree.strip(parsed.error()),
        "can't read schema file 'nope.json': No such file or directory"
    );
    let tree = Tree::new(&[("bad.json", "")]);
    std::fs::write(tree.path("bad.json"), b"{ 'enum': '\xff' }\n").unwrap();
    let parsed = parse(&tree.path("bad.json"), &strict());
    assert!(
        tree.strip(parsed.error())
            .starts_with("can't read schema file 'bad.json': "),
        "{}",
        parsed.error()
    );
}

#[test]
fn include_comes_before_pragma_and_definition() {
    let text = "{ 'include': 'x.json', 'pragma': {} }\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:1: invalid 'include' directive"
    );
    let text = "{ 'pragma': {}, 'struct': 'S' }\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:1: invalid 'pragma' directive"
    );
}

#[test]
fn qemu_lexes_the_next_token_before_acting_on_an_expression() {
    // The stray token after the include is reported before the missing file is noticed ...
    let text = "{ 'include': 'missing.json' } ;\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:1:31: stray ';'"
    );
    // ... and before the top-level value is found not to be an object.
    let text = "# x\n'a' 123\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:2:5: stray '123'"
    );
    let text = "[ 'a' ]\n{ }\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:1: top-level expression must be an object"
    );
    let text = "{ 'enum': 'E', 'data': [] } true\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:1: top-level expression must be an object"
    );
}

#[test]
fn pragmas_are_global_and_a_later_value_replaces_an_earlier_one() {
    let tree = Tree::new(&[
        (
            "main.json",
            "{ 'pragma': { 'doc-required': true, 'member-name-exceptions': [ 'A' ] } }\n{ 'include': 'sub.json' }\n",
        ),
        (
            "sub.json",
            "{ 'pragma': { 'member-name-exceptions': [ 'B', 'C' ], 'documentation-exceptions': [ 'D' ] } }\n\
             { 'pragma': { 'command-name-exceptions': [], 'command-returns-exceptions': [ 'r' ] } }\n",
        ),
    ]);
    let parsed = parse(&tree.path("main.json"), &strict());
    let pragmas = &parsed.schema().pragmas;
    assert!(pragmas.doc_required);
    assert_eq!(pragmas.member_name_exceptions, ["B", "C"]);
    assert_eq!(pragmas.documentation_exceptions, ["D"]);
    assert!(pragmas.command_name_exceptions.is_empty());
    assert_eq!(pragmas.command_returns_exceptions, ["r"]);
}

#[test]
fn old_pragma_names_are_read_in_tolerant_mode_only() {
    let text = "{ 'pragma': { 'returns-whitelist': [ 'q' ], 'name-case-whitelist': [ 'N' ], 'other': 1 } }\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:1:86: stray '1'"
    );
    let text = "{ 'pragma': { 'returns-whitelist': [ 'q' ], 'name-case-whitelist': [ 'N' ], 'other': true } }\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:1: unknown pragma 'returns-whitelist'"
    );
    let parsed = parse_text("t.json", text, &Options::default());
    let pragmas = &parsed.schema().pragmas;
    assert_eq!(pragmas.command_returns_exceptions, ["q"]);
    assert_eq!(pragmas.command_name_exceptions, ["N"]);
    assert_eq!(pragmas.member_name_exceptions, ["N"]);
    assert_eq!(
        parsed.warnings(),
        ["t.json:1: warning: unknown pragma 'other'"]
    );
    let text = "{ 'pragma': { 'returns-whitelist': 'q' } }\n";
    assert_eq!(
        parse_text("t.json", text, &Options::default()).error(),
        "t.json:1: pragma returns-whitelist must be a list of strings"
    );
    let text = "{ 'pragma': { 'doc-required': 'yes' } }\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:1: pragma 'doc-required' must be boolean"
    );
}

#[test]
fn definition_docs_attach_to_the_definition_that_follows() {
    let tree = Tree::new(&[
        (
            "main.json",
            "##\n# = Intro\n##\n\n##\n# @A:\n##\n{ 'enum': 'A', 'data': [] }\n{ 'include': 'sub.json' }\n\
             { 'enum': 'Undocumented', 'data': [] }\n",
        ),
        ("sub.json", "##\n# @B:\n#\n# Text.\n##\n{ 'enum': 'B', 'data': [] }\n"),
    ]);
    let parsed = parse(&tree.path("main.json"), &strict());
    let schema = parsed.schema();
    let symbols: Vec<_> = schema.docs.iter().map(|d| d.symbol.clone()).collect();
    assert_eq!(symbols, [None, Some("A".to_owned()), Some("B".to_owned())]);
    let docs: Vec<_> = schema
        .expressions
        .iter()
        .filter_map(|e| match e {
            Expression::Definition(def) => Some(def.doc),
            Expression::Include(_) => None,
        })
        .collect();
    assert_eq!(docs, [Some(1), Some(2), None]);
}

#[test]
fn misplaced_docs_are_errors_in_strict_mode_and_warnings_in_tolerant_mode() {
    let free_form = "##\n# Some text.\n##\n{ 'enum': 'A', 'data': [] }\n";
    assert_eq!(
        parse_text("t.json", free_form, &strict()).error(),
        "t.json:1: definition documentation required"
    );
    let parsed = parse_text("t.json", free_form, &Options::default());
    assert_eq!(
        parsed.warnings(),
        ["t.json:1: warning: definition documentation required"]
    );
    let Expression::Definition(def) = &parsed.schema().expressions[0] else {
        panic!()
    };
    assert_eq!(def.doc, None);

    let stranded = "\n##\n# @A:\n##\n##\n# @B:\n##\n{ 'enum': 'B', 'data': [] }\n";
    let want = "t.json:2: documentation for 'A' is not followed by the definition";
    assert_eq!(parse_text("t.json", stranded, &strict()).error(), want);
    let parsed = parse_text("t.json", stranded, &Options::default());
    assert_eq!(
        parsed.warnings(),
        ["t.json:2: warning: documentation for 'A' is not followed by the definition"]
    );
    let Expression::Definition(def) = &parsed.schema().expressions[0] else {
        panic!()
    };
    assert_eq!(def.doc, Some(1));
}

#[test]
fn in_memory_schemas_include_relative_to_their_name() {
    let tree = Tree::new(&[("sub/inc.json", "{ 'enum': 'Inc', 'data': [] }\n")]);
    let name = tree.path("main.json");
    let parsed = parse_text(
        &name.to_string_lossy(),
        "{ 'include': 'sub/inc.json' }\n",
        &strict(),
    );
    assert_eq!(parsed.definitions(), ["Inc"]);
    let parsed = parse_text("", "", &strict());
    assert!(parsed.schema().expressions.is_empty());
}

#[test]
fn lines_and_columns_follow_qemu() {
    // Universal newlines, as Python reads files.
    let text = "{ 'enum': 'E',\r\n  'data': [] }\r{ 'x' }";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:3:7: expected ':'"
    );
    // QEMU's tab quirk: a tab does not move past column 8.
    let text = "{\t'enum'\t\t'E' }\n";
    assert_eq!(
        parse_text("t.json", text, &strict()).error(),
        "t.json:1:8: expected ':'"
    );
    // The end of the input is the final newline, added if missing.
    assert_eq!(
        parse_text("t.json", "{ 'a': [", &strict()).error(),
        "t.json:1:9: expected '{', '[', ']', string, or boolean"
    );
    assert_eq!(
        parse_text("t.json", "{ 'a': [\n# c\n", &strict()).error(),
        "t.json:2:4: expected '{', '[', ']', string, or boolean"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = MAX_NESTING + 1;
    let text = format!("{{ 'a': {}'x'{} }}\n", "[".repeat(depth), "]".repeat(depth));
    let want = format!(
        "t.json:1:{}: nesting too deep (more than {MAX_NESTING} levels of objects and arrays)",
        8 + MAX_NESTING - 1
    );
    assert_eq!(parse_text("t.json", &text, &strict()).error(), want);
    let absurd = "[".repeat(1_000_000);
    let error = parse_text("t.json", &absurd, &strict()).error();
    assert!(error.contains("nesting too deep"), "{error}");
}

#[test]
fn include_nesting_is_limited() {
    use qapi_schema::parser::MAX_INCLUDE_DEPTH;
    let files: Vec<(String, String)> = (0..=MAX_INCLUDE_DEPTH)
        .map(|i| {
            (
                format!("f{i}.json"),
                format!(
                    "{{ 'enum': 'E{i}', 'data': [] }}\n{{ 'include': 'f{}.json' }}\n",
                    i + 1
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let tree = Tree::new(&refs);
    let error = tree.strip(parse(&tree.path("f0.json"), &strict()).error());
    let last = error.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "f{}.json:2: includes nested too deep (more than {MAX_INCLUDE_DEPTH} files)",
            MAX_INCLUDE_DEPTH - 1
        )
    );
    assert_eq!(error.lines().count(), MAX_INCLUDE_DEPTH);
}
