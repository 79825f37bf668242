//! Load + check of QEMU 9.2.4's full QMP schema (42 modules, ~730 KB): the front end's whole pipeline.
//! QEMU's own Python front end takes about 0.4 s for this here; run with `cargo bench -p qapi-parser`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use qapi_parser::{load, Options};

fn schema_path(rel: &str) -> Option<PathBuf> {
    let shared = std::env::var_os("QAPI_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let path = shared.join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} not found (set QAPI_SHARED_DIR)",
            path.display()
        );
        None
    }
}

fn bench_load(c: &mut Criterion) {
    for (name, rel) in [
        ("qmp-9.2.4", "qemu/9.2.4/qapi/qapi-schema.json"),
        ("qga-9.2.4", "qemu/9.2.4/qga/qapi-schema.json"),
    ] {
        let Some(path) = schema_path(rel) else {
            continue;
        };
        for (mode, options) in [
            ("strict", Options::strict()),
            ("tolerant", Options::default()),
        ] {
            c.bench_function(&format!("load {name} {mode}"), |b| {
                b.iter(|| load(&path, &options).expect("the schema loads"))
            });
        }
    }
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
