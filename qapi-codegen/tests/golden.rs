//! The generator's output for the schemas in `schemas/`, checked against committed files in `tests/generated/`
//! (the Rust ones `tests/constructs.rs` compiles and exercises). `UPDATE_GOLDEN=1 cargo test -p qapi-gen
//! --test golden` writes them after an intended change; a missing or stale file is a failure otherwise.

use std::path::{Path, PathBuf};

use qapi_gen::{Api, Conditions, CrateOptions, Options};

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

fn load(name: &str) -> qapi_schema::Schema {
    let path = schemas_dir().join(name);
    qapi_schema::load(&path, &qapi_schema::Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn generate(name: &str, options: &Options) -> String {
    qapi_gen::generate(&Api::from_schema(&load(name)), options).unwrap()
}

fn check_golden(text: &str, golden: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/generated")
        .join(golden);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let Ok(old) = std::fs::read_to_string(&path) else {
        panic!(
            "{} is missing: run `UPDATE_GOLDEN=1 cargo test -p qapi-gen --test golden` and commit it",
            path.display()
        );
    };
    assert!(
        old == text,
        "{} is stale: rerun with UPDATE_GOLDEN=1 and review the diff",
        path.display()
    );
}

#[test]
fn constructs_output_is_current() {
    check_golden(
        &generate("constructs.json", &Options::default()),
        "constructs.rs",
    );
}

#[test]
fn legacy_output_is_current() {
    check_golden(&generate("legacy.json", &Options::default()), "legacy.rs");
}

#[test]
fn output_is_deterministic() {
    let a = generate("constructs.json", &Options::default());
    let b = generate("constructs.json", &Options::default());
    assert_eq!(a, b);
}

#[test]
fn conditions_map_to_cfg_when_asked() {
    let docs = generate("constructs.json", &Options::default());
    assert!(!docs.contains("#[cfg(CONFIG_BLUE)]"));
    assert!(docs.contains("**Condition:** `all(CONFIG_TLS, not(CONFIG_NO_TLS))`"));
    let cfg = generate(
        "constructs.json",
        &Options::default().conditions(Conditions::Cfg),
    );
    assert!(cfg.contains("#[cfg(CONFIG_BLUE)]"));
    assert!(cfg.contains("#[cfg(all(CONFIG_TLS, not(CONFIG_NO_TLS)))]"));
    let feature = generate(
        "constructs.json",
        &Options::default().conditions(Conditions::Feature),
    );
    assert!(feature.contains("#[cfg(feature = \"CONFIG_SHUTDOWN\")]"));
}

#[test]
fn docs_can_be_left_out() {
    let with = generate("constructs.json", &Options::default());
    let without = generate("constructs.json", &Options::default().docs(false));
    assert!(with.contains("/// warm"));
    assert!(!without.contains("/// warm"));
    // Metadata stays.
    assert!(without.contains("since: rt::Some(\"9.2\")"));
    let linked = generate(
        "constructs.json",
        &Options::default()
            .docs(false)
            .doc_url("https://example.invalid/#{kind}-{module}.{name}"),
    );
    // The parts of the anchors in QEMU's manuals: kind, schema file stem, name.
    for anchor in [
        "#enum-constructs.Color)",
        "#object-constructs.Shape)",
        "#alternate-constructs.NodeRef)",
        "#command-constructs.query-shapes)",
        "#event-constructs.SHAPE_DRAWN)",
        "#object-constructs-sub.__com.example_Widget)",
    ] {
        assert!(linked.contains(anchor), "no link ending in {anchor}");
    }
}

#[test]
fn crate_layout_snapshot() {
    let out = tempdir("crate_layout");
    let krate = CrateOptions {
        runtime: qapi_gen::Runtime::Toml("{ path = \"../qapi-runtime\" }".into()),
        ..CrateOptions::new("constructs")
    };
    let schema = load("constructs.json");
    qapi_gen::write_crate(&schema, &Options::default().docs(false), &krate, &out).unwrap();
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    check_golden(&manifest, "crate_manifest.toml");
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    check_golden(&lib, "crate_lib.rs");
    assert!(out.join("src/constructs_sub.rs").exists());
    // Rewriting an unchanged crate touches nothing.
    let written =
        qapi_gen::write_crate(&schema, &Options::default().docs(false), &krate, &out).unwrap();
    assert!(written.is_empty(), "{written:?}");
}

#[test]
fn builder_writes_out_dir_and_lists_sources() {
    let out = tempdir("builder");
    let path = qapi_gen::Config::new()
        .schema(schemas_dir().join("constructs.json"))
        .out_dir(&out)
        .cargo_messages(false)
        .generate()
        .unwrap();
    assert_eq!(path, out.join("qapi.rs"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, generate("constructs.json", &Options::default()));
    let err = qapi_gen::Config::new()
        .schema(schemas_dir().join("missing.json"))
        .out_dir(&out)
        .cargo_messages(false)
        .generate()
        .unwrap_err();
    assert!(err.to_string().contains("missing.json"), "{err}");
}

fn tempdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Modules that use each other: each module's feature enables the features of the modules it uses, cycles
/// included, and every item has one `#[cfg(feature = ..)]`.
#[test]
fn module_features_depend_on_the_modules_they_use() {
    let dir = tempdir("cyclic_modules");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "main.json",
        "{ 'include': 'alpha.json' }\n{ 'include': 'beta.json' }\n{ 'include': 'gamma.json' }\n",
    );
    write("alpha.json", "{ 'struct': 'A', 'data': { '*b': 'B' } }\n");
    write(
        "beta.json",
        "{ 'struct': 'B', 'data': { '*a': ['A'] } }\n{ 'command': 'get-b', 'returns': 'B' }\n",
    );
    write("gamma.json", "{ 'struct': 'C', 'data': { 'n': 'int' } }\n");
    let schema = qapi_schema::load(dir.join("main.json"), &qapi_schema::Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("crate");
    qapi_gen::write_crate(
        &schema,
        &Options::default().docs(false),
        &CrateOptions::new("cyclic"),
        &out,
    )
    .unwrap();
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    for line in [
        "default = [\"alpha\", \"beta\", \"gamma\"]",
        "alpha = [\"beta\"]",
        "beta = [\"alpha\"]",
        "gamma = []",
    ] {
        assert!(
            manifest.lines().any(|l| l == line),
            "no `{line}` in\n{manifest}"
        );
    }
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(!lib.contains("any("), "{lib}");
    assert!(
        lib.contains(
            "#[cfg(feature = \"beta\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"beta\")))]\npub mod beta;"
        ),
        "{lib}"
    );
    // The command's method in `Commands` is gated by its own module's feature only.
    assert!(
        lib.contains(
            "#[cfg(feature = \"beta\")]\n    #[cfg_attr(docsrs, doc(cfg(feature = \"beta\")))]\n    #[allow(deprecated)]\n    fn get_b("
        ),
        "{lib}"
    );
}
