//! Every file the generator writes is valid Rust: the emitters write text, so nothing but this test checks its
//! syntax before rustc does. Covers QEMU 9.2.4's QMP, guest-agent and storage-daemon schemas (module files, with
//! and without docs) and the schemas in `schemas/` under every condition mapping, as module files and as one file.

use std::path::Path;

use qapi_gen::ir::Api;
use qapi_gen::{Conditions, CrateOptions, Layout, Options};

fn load(path: &Path) -> Api {
    let schema = qapi_schema::load(path, &qapi_schema::Options::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Api::from_schema(&schema)
}

fn assert_parses(what: &str, text: &str) {
    if let Err(err) = syn::parse_file(text) {
        panic!("{what} does not parse: {err}");
    }
}

fn assert_crate_parses(api: &Api, options: &Options, name: &str) {
    let krate = CrateOptions::new(name);
    let layout = Layout::Crate {
        krate,
        out_dir: "/nonexistent".into(),
    };
    let files = qapi_gen::generate_files(api, options, &layout).unwrap();
    for (path, text) in files {
        if path.extension().is_some_and(|e| e == "rs") {
            assert_parses(&format!("{name}: {}", path.display()), &text);
        }
    }
}

#[test]
fn qemu_9_2_4_output_parses() {
    let Some(qemu) = qapi_tests::shared_file("qemu/9.2.4") else {
        return;
    };
    for (schema, name) in [
        ("qapi/qapi-schema.json", "qemu-qmp"),
        ("qga/qapi-schema.json", "qemu-qga"),
        (
            "storage-daemon/qapi/qapi-schema.json",
            "qemu-storage-daemon-qmp",
        ),
    ] {
        let api = load(&qemu.join(schema));
        assert_crate_parses(&api, &Options::default(), name);
        assert_crate_parses(&api, &Options::default().docs(false), name);
    }
}

#[test]
fn schemas_output_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        seen += 1;
        let api = load(&path);
        for conditions in [Conditions::Docs, Conditions::Cfg, Conditions::Feature] {
            let options = Options::default().conditions(conditions);
            assert_crate_parses(&api, &options, "schemas");
            let single = qapi_gen::generate(&api, &options).unwrap();
            assert_parses(&path.display().to_string(), &single);
        }
    }
    assert!(seen >= 4, "only {seen} schemas in {}", dir.display());
}
