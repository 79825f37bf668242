//! Included files are scanned on several threads, the walk stays sequential: every load gives the same result,
//! files are numbered in QEMU's reading order (depth first), and the first error is the one QEMU reports.

use std::fs;
use std::path::{Path, PathBuf};

use qapi_schema::ast::Expression;
use qapi_schema::parser::parse_file;
use qapi_schema::{dump, load, Options, Rules, SourceMap};

/// The shared reference directory, or `None` after saying it is missing (a failure under `CI=true`).
fn shared_dir() -> Option<PathBuf> {
    qapi_tests::require(&qapi_tests::shared_dir(), "the shared reference directory")
}

/// The dump, the files read (name and includer) and the warnings of one load.
fn snapshot(path: &Path, options: &Options) -> String {
    let schema = load(path, options).expect("the schema loads");
    let mut text = dump::dump(&schema);
    for (id, file) in schema.sources().files() {
        text += &format!("{id:?} {} {:?}\n", file.name, file.included_from);
    }
    for warning in schema.warnings() {
        text += &warning.display(schema.sources()).to_string();
    }
    text
}

#[test]
fn qmp_schema_loads_the_same_every_time() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let path = shared.join("qemu/9.2.4/qapi/qapi-schema.json");
    for options in [Options::default(), Options::strict_as(Rules::V9_2)] {
        let first = snapshot(&path, &options);
        assert!(first.contains("module block-core.json"));
        for _ in 1..50 {
            assert!(snapshot(&path, &options) == first, "a load differs");
        }
    }
}

#[test]
fn files_are_numbered_in_reading_order() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let path = shared.join("qemu/9.2.4/qapi/qapi-schema.json");
    let mut sources = SourceMap::new();
    let parsed = parse_file(&path, &mut sources, &Options::default(), &mut Vec::new())
        .expect("the schema parses");
    // The first directive naming a file reads it, so first mentions count up from 1.
    let mut next = 1;
    for expression in &parsed.expressions {
        if let Expression::Include(include) = expression {
            assert!(include.file.0 <= next, "{} read out of order", include.name);
            if include.file.0 == next {
                let file = sources.get(include.file);
                assert_eq!(file.included_from, Some(include.span));
                assert_eq!(file.name, include.name);
                next += 1;
            }
        }
    }
    assert_eq!(next as usize, sources.len());
    assert!(sources.len() > 40);
}

/// A scratch directory of schema files, removed afterwards.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, files: &[(&str, &str)]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("qapi-parser-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for (file, text) in files {
            let path = dir.join(file);
            fs::create_dir_all(path.parent().expect("a directory")).expect("mkdir");
            fs::write(path, text).expect("write");
        }
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn an_error_in_a_file_read_early_is_reported_with_its_chain() {
    // The prefetch meets d.json as main's third include, the walk reads it inside b.json, before c.json.
    let dir = Scratch::new(
        "chain",
        &[
            (
                "main.json",
                "{ 'include': 'b.json' }\n{ 'include': 'c.json' }\n{ 'include': 'd.json' }\n",
            ),
            (
                "b.json",
                "{ 'include': 'd.json' }\n{ 'enum': 'B', 'data': ['x'] }\n",
            ),
            ("c.json", "{ 'enum': 'C', 'data': [ 'x' }\n"),
            ("d.json", "{ 'enum': 'D', 'data': ['x'] }\n{ 'enum' }\n"),
        ],
    );
    let main = dir.0.join("main.json");
    for _ in 0..20 {
        let err = load(&main, &Options::strict_as(Rules::V9_2)).expect_err("d.json is broken");
        let name = |file: &str| dir.0.join(file).display().to_string();
        let expected = format!(
            "In file included from {}:1:\nIn file included from {}:1:\n{}:2:10: expected ':'",
            name("main.json"),
            name("b.json"),
            name("d.json"),
        );
        assert_eq!(err.to_string().trim_end(), expected);
        // Only the files read before the error, in reading order.
        let read: Vec<String> = err.sources.files().map(|(_, f)| f.name.clone()).collect();
        assert_eq!(read, [name("main.json"), name("b.json"), name("d.json")]);
    }
}

#[test]
fn a_missing_file_is_reported_where_the_walk_meets_it() {
    let dir = Scratch::new(
        "missing",
        &[
            (
                "main.json",
                "{ 'include': 'b.json' }\n{ 'include': 'gone.json' }\n{ 'include': 'c.json' }\n",
            ),
            ("b.json", "{ 'enum': 'B', 'data': ['x'] }\n"),
            ("c.json", "{ 'enum' }\n"),
        ],
    );
    let main = dir.0.join("main.json");
    let err = load(&main, &Options::strict_as(Rules::V9_2)).expect_err("gone.json is missing");
    let expected = format!(
        "{}:2: can't read include file '{}': No such file or directory",
        main.display(),
        dir.0.join("gone.json").display()
    );
    assert_eq!(err.to_string().trim_end(), expected);
}
