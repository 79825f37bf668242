//! Every QEMU schema in `../shared/qemu` (QMP, guest agent, storage daemon of each release there) generates as a
//! crate that compiles clippy-clean under `#![deny(warnings)]`.
//!
//! One cargo run over a workspace of all the crates, in a target directory kept between runs (slow the first
//! time: about a minute and a half here). `QAPI_SKIP_CRATE_BUILD=1` skips the build, keeping generation.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use qapi_codegen::{CrateOptions, Options};

fn shared_dir() -> PathBuf {
    match std::env::var_os("QAPI_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

/// (crate name, schema path) for every schema there.
fn schemas() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(releases) = std::fs::read_dir(shared_dir().join("qemu")) else {
        return out;
    };
    let mut releases: Vec<PathBuf> = releases.filter_map(|e| e.ok().map(|e| e.path())).collect();
    releases.sort();
    for release in releases {
        let version = release
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('.', "-");
        for (kind, path) in [
            ("qmp", "qapi"),
            ("ga", "qga"),
            ("sd", "storage-daemon/qapi"),
        ] {
            let schema = release.join(path).join("qapi-schema.json");
            if schema.exists() {
                out.push((format!("qemu-{kind}-{version}"), schema));
            }
        }
    }
    out
}

#[test]
fn every_qemu_schema_compiles_clippy_clean() {
    let schemas = schemas();
    if schemas.is_empty() {
        eprintln!("no schemas under {}: skipped", shared_dir().display());
        return;
    }
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("qemu-crates");
    std::fs::create_dir_all(&root).unwrap();
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../qapi-runtime")
        .canonicalize()
        .unwrap();
    let mut members = Vec::new();
    for (name, schema_path) in &schemas {
        let start = Instant::now();
        let schema = qapi_parser::load(schema_path, &qapi_parser::Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display()));
        let krate = CrateOptions {
            runtime: Some(format!("{{ path = {:?} }}", runtime.display().to_string())),
            standalone: false,
            ..CrateOptions::new(name.clone())
        };
        let dir = root.join(name);
        qapi_codegen::write_crate(&schema, &Options::default(), &krate, &dir).unwrap();
        // The strictest user: warnings are errors.
        let lib = dir.join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap();
        if !text.contains("#![deny(warnings)]") {
            std::fs::write(&lib, text.replacen('\n', "\n#![deny(warnings)]\n", 1)).unwrap();
        }
        let summary = qapi_codegen::Summary::of_schema(&schema);
        eprintln!("{name}: {summary:?} generated in {:?}", start.elapsed());
        members.push(format!("{name:?}"));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
    if std::env::var_os("QAPI_SKIP_CRATE_BUILD").is_some() {
        return;
    }
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("qemu-crates-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["clippy", "--workspace", "--quiet", "--", "-D", "warnings"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the generated crates do not pass clippy (see above)"
    );
    // And the current release's crates build.
    let mut build = Command::new(&cargo);
    build
        .args(["build", "--quiet"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS");
    for (name, _) in schemas.iter().filter(|(n, _)| n.ends_with("9-2-4")) {
        build.args(["-p", name]);
    }
    assert!(
        build.status().unwrap().success(),
        "the 9.2.4 crates do not build (see above)"
    );
}
