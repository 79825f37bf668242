//! The parser stage on QEMU's real schemas: every release in `../shared` parses in tolerant mode, 9.2.4's also in
//! strict mode, with its includes, pragmas and docs where QEMU puts them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use qapi_schema::ast::{Expression, ParsedSchema};
use qapi_schema::parser::parse_file;
use qapi_schema::{Diagnostic, Options, Rules, SourceMap};

/// The shared reference directory, or `None` after saying it is missing (a failure under `CI=true`).
fn shared_dir() -> Option<PathBuf> {
    qapi_tests::require(&qapi_tests::shared_dir(), "the shared reference directory")
}

fn parse(
    path: &Path,
    options: &Options,
) -> (Result<ParsedSchema, Diagnostic>, SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let mut warnings = Vec::new();
    let result = parse_file(path, &mut sources, options, &mut warnings);
    (result, sources, warnings)
}

fn definitions(schema: &ParsedSchema) -> usize {
    schema
        .expressions
        .iter()
        .filter(|e| matches!(e, Expression::Definition(_)))
        .count()
}

#[test]
fn every_release_schema_parses_tolerantly() {
    let Some(shared) = shared_dir() else { return };
    let mut count = 0;
    for version in ["4.2.0", "6.2.0", "7.2.0", "8.2.0", "9.2.4"] {
        for rel in [
            "qapi/qapi-schema.json",
            "qga/qapi-schema.json",
            "storage-daemon/qapi/qapi-schema.json",
        ] {
            let path = shared.join("qemu").join(version).join(rel);
            if !path.exists() {
                continue;
            }
            let (result, sources, _) = parse(&path, &Options::default());
            let schema =
                result.unwrap_or_else(|d| panic!("{version} {rel}: {}", d.display(&sources)));
            assert!(
                definitions(&schema) > 30,
                "{version} {rel}: only {} definitions",
                definitions(&schema)
            );
            assert!(
                schema.pragmas.doc_required,
                "{version} {rel}: doc-required pragma lost"
            );
            count += 1;
        }
    }
    assert!(count >= 10, "only {count} schemas found");
}

#[test]
fn qmp_9_2_4_parses_strictly_in_qemu_order() {
    let Some(shared) = shared_dir() else { return };
    let qapi = shared.join("qemu/9.2.4/qapi");
    // Parse a few times and report the best time: the machine may be busy.
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..5 {
        let start = Instant::now();
        let parsed = parse(
            &qapi.join("qapi-schema.json"),
            &Options::strict_as(Rules::V9_2),
        );
        best = best.min(start.elapsed());
        last = Some(parsed);
    }
    let (result, sources, warnings) = last.expect("parsed at least once");
    let schema = result.unwrap_or_else(|d| panic!("{}", d.display(&sources)));
    eprintln!(
        "9.2.4 QMP schema: {} files, {} expressions, {} docs; best parse time {best:?}",
        sources.len(),
        schema.expressions.len(),
        schema.docs.len()
    );
    assert!(warnings.is_empty());
    let modules = std::fs::read_dir(&qapi)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"));
    assert_eq!(
        sources.len(),
        modules.count(),
        "every module of qapi/ is read once"
    );

    // The first expression is the first include of the main file, and included files come in where included.
    let Expression::Include(first) = &schema.expressions[0] else {
        panic!("first expression is not an include")
    };
    assert_eq!(
        sources.get(first.file).name,
        format!("{}/pragma.json", qapi.display())
    );
    assert_eq!(sources.get(first.file).included_from, Some(first.span));
    assert!(schema.pragmas.doc_required);
    assert!(schema
        .pragmas
        .command_name_exceptions
        .iter()
        .any(|n| n == "add_client"));

    // Every definition has its doc (doc-required), and the doc names it.
    for expr in &schema.expressions {
        let Expression::Definition(def) = expr else {
            continue;
        };
        let index = def.doc.expect("a definition without doc");
        let symbol = schema.docs[index]
            .symbol
            .as_deref()
            .expect("a definition doc has a symbol");
        let (_, name) = def.object.members.first().expect("an empty definition");
        assert_eq!(name.as_str(), Some(symbol));
    }
}
