//! Load + check of QEMU's full QMP schemas (9.2.4: 42 modules, ~730 KB; 10.2.0: 46 modules): the front end's whole
//! pipeline. QEMU's own Python front end takes about 0.4 s for 9.2.4's here; run with `cargo bench -p qapi-schema`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use qapi_schema::parser::parse_file;
use qapi_schema::schema::Model;
use qapi_schema::{expr, load, Options, Rules, SourceMap};
use qapi_tests::shared_file;

fn bench_load(c: &mut Criterion) {
    // Each schema in strict mode under its own release's rules, and in tolerant mode.
    for (name, rel, rules) in [
        ("qmp-9.2.4", "qemu/9.2.4/qapi/qapi-schema.json", Rules::V9_2),
        ("qga-9.2.4", "qemu/9.2.4/qga/qapi-schema.json", Rules::V9_2),
        (
            "qmp-10.2.0",
            "qemu/10.2.0/qapi/qapi-schema.json",
            Rules::V10_2,
        ),
        (
            "qga-10.2.0",
            "qemu/10.2.0/qga/qapi-schema.json",
            Rules::V10_2,
        ),
    ] {
        let Some(path) = shared_file(rel) else {
            continue;
        };
        for (mode, options) in [
            ("strict", Options::strict_as(rules)),
            ("tolerant", Options::default()),
        ] {
            c.bench_function(&format!("load {name} {mode}"), |b| {
                b.iter(|| load(&path, &options).expect("the schema loads"))
            });
        }
    }
}

/// Each stage of the 9.2.4 QMP schema's load on its own (tolerant mode), from the previous stage's output: reading
/// and parsing (pest, doc comments), the expression checks, and building the checked model.
fn bench_stages(c: &mut Criterion) {
    let Some(path) = shared_file("qemu/9.2.4/qapi/qapi-schema.json") else {
        return;
    };
    let options = Options::default();
    let parse = || {
        let mut sources = SourceMap::new();
        let mut warnings = Vec::new();
        let parsed = parse_file(&path, &mut sources, &options, &mut warnings).expect("parses");
        (parsed, sources)
    };
    c.bench_function("stage parse qmp-9.2.4", |b| b.iter(parse));
    let (parsed, sources) = parse();
    // As `load` does: the check consumes the expressions (it moves their names into the definitions).
    c.bench_function("stage expr qmp-9.2.4", |b| {
        b.iter_batched(
            || parsed.expressions.clone(),
            |expressions| {
                expr::check_owned(
                    expressions,
                    &parsed.docs,
                    &parsed.pragmas,
                    &options,
                    &mut Vec::new(),
                )
                .expect("checks")
            },
            BatchSize::SmallInput,
        )
    });
    let items = expr::check(&parsed, &options, &mut Vec::new()).expect("checks");
    c.bench_function("stage schema qmp-9.2.4", |b| {
        b.iter_batched(
            || (items.clone(), parsed.docs.clone(), parsed.pragmas.clone()),
            |(items, docs, pragmas)| {
                Model::build(items, docs, pragmas, &sources, &options, &mut Vec::new())
                    .expect("builds")
            },
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, bench_load, bench_stages);
criterion_main!(benches);
