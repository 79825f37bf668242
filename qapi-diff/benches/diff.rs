//! Diffing two full QMP schemas, QEMU 8.2.0 against 9.2.4 (about 240 commands and 50 events each): the diff on
//! its own (wire views built), building the wire views from loaded schemas and diffing, and the whole run of
//! `qapi-gen diff` (load both schemas, diff, render). Run with `cargo bench -p qapi-diff`.

use criterion::{criterion_group, criterion_main, Criterion};
use qapi_diff::{diff, render};
use qapi_introspection::WireSchema;
use qapi_schema::{load, Options};
use qapi_tests::shared_file;

fn bench_diff(c: &mut Criterion) {
    let (Some(old_path), Some(new_path)) = (
        shared_file("qemu/8.2.0/qapi/qapi-schema.json"),
        shared_file("qemu/9.2.4/qapi/qapi-schema.json"),
    ) else {
        return;
    };
    let options = Options::default();
    let old = load(&old_path, &options).expect("8.2.0 loads");
    let new = load(&new_path, &options).expect("9.2.4 loads");
    let (old_wire, new_wire) = (WireSchema::from_schema(&old), WireSchema::from_schema(&new));
    c.bench_function("diff qmp 8.2.0 → 9.2.4 (wire views built)", |b| {
        b.iter(|| diff(&old_wire, &new_wire))
    });
    c.bench_function(
        "wire views + diff qmp 8.2.0 → 9.2.4 (schemas loaded)",
        |b| {
            b.iter(|| {
                diff(
                    &WireSchema::from_schema(&old),
                    &WireSchema::from_schema(&new),
                )
            })
        },
    );
    c.bench_function("load + diff + render qmp 8.2.0 → 9.2.4", |b| {
        b.iter(|| {
            let old = load(&old_path, &options).expect("8.2.0 loads");
            let new = load(&new_path, &options).expect("9.2.4 loads");
            let d = diff(
                &WireSchema::from_schema(&old),
                &WireSchema::from_schema(&new),
            );
            render::human(&d, render::Style::plain())
        })
    });
}

criterion_group!(benches, bench_diff);
criterion_main!(benches);
