//! Generation of QEMU 9.2.4's full QMP schema: end to end (load, check, emit the text of every module on a few
//! threads, write the crate), and the emission alone (`generate`, as build.rs and the macro call it). There is no formatting phase: the emitters
//! write formatted text. Run with `cargo bench -p qapi-gen`.

use criterion::{criterion_group, criterion_main, Criterion};
use qapi_gen::{Api, CrateOptions, Options};
use qapi_tests::shared_file;

fn bench_generate(c: &mut Criterion) {
    let Some(path) = shared_file("qemu/9.2.4/qapi/qapi-schema.json") else {
        return;
    };
    let parser = qapi_schema::Options::default();
    let options = Options::default();
    let out = std::env::temp_dir().join("qapi-codegen-bench");
    let krate = CrateOptions::new("qemu-qmp");
    c.bench_function("qmp-9.2.4 end to end (load, emit, write crate)", |b| {
        b.iter(|| {
            let schema = qapi_schema::load(&path, &parser).unwrap();
            qapi_gen::write_crate(&schema, &options, &krate, &out).unwrap()
        })
    });
    let schema = qapi_schema::load(&path, &parser).unwrap();
    let api = Api::from_schema(&schema);
    c.bench_function("qmp-9.2.4 emit (one text, modules on a few threads)", |b| {
        b.iter(|| qapi_gen::generate(&api, &options).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_generate
}
criterion_main!(benches);
