//! The wire codec against serde derive: decoding and encoding QEMU 10.0.2's two introspection replies (as
//! `Vec<SchemaInfo>`), a `query-block`-style reply and a stream of 2000 events, with the committed bindings
//! (through `qemu_qmp::from_slice`/`to_vec`, and through serde_json on top of the codec), with arcnmx's
//! `qapi-qmp` 0.15 (serde derive) and with `serde_json::Value`, in the same run.
//!
//! `cargo bench -p qemu-bindings-tests --bench codec`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::Value;

mod messages;
use messages::{decode_event, event_stream, introspection, query_block};

/// One reply decoded and encoded every way.
fn bench_reply<Ours, Peer>(c: &mut Criterion, name: &str, text: &[u8])
where
    Ours: qapi_runtime::Decode
        + qapi_runtime::Encode
        + serde::de::DeserializeOwned
        + serde::Serialize,
    Peer: serde::de::DeserializeOwned + serde::Serialize,
{
    // Every decoder takes the text, or the comparison means nothing.
    let ours: Ours = qemu_qmp::from_slice(text).unwrap();
    let peer: Peer = serde_json::from_slice(text).unwrap();
    let value: Value = serde_json::from_slice(text).unwrap();
    serde_json::from_slice::<Ours>(text).unwrap();
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("decode/ours from_slice", |b| {
        b.iter(|| qemu_qmp::from_slice::<Ours>(black_box(text)).unwrap())
    });
    g.bench_function("decode/ours serde_json::from_slice", |b| {
        b.iter(|| serde_json::from_slice::<Ours>(black_box(text)).unwrap())
    });
    g.bench_function("decode/qapi-qmp serde_json::from_slice", |b| {
        b.iter(|| serde_json::from_slice::<Peer>(black_box(text)).unwrap())
    });
    g.bench_function("decode/Value serde_json::from_slice", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(text)).unwrap())
    });
    g.bench_function("encode/ours to_vec", |b| {
        b.iter(|| qemu_qmp::to_vec(black_box(&ours)))
    });
    g.bench_function("encode/ours serde_json::to_vec", |b| {
        b.iter(|| serde_json::to_vec(black_box(&ours)).unwrap())
    });
    g.bench_function("encode/qapi-qmp serde_json::to_vec", |b| {
        b.iter(|| serde_json::to_vec(black_box(&peer)).unwrap())
    });
    g.bench_function("encode/Value serde_json::to_vec", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).unwrap())
    });
    g.finish();
}

fn replies(c: &mut Criterion) {
    type Ours = Vec<qemu_qmp::SchemaInfo>;
    type Peer = Vec<qapi_qmp::SchemaInfo>;
    if let Some(system) = introspection("qemu-system-x86_64-10.0.2.json") {
        bench_reply::<Ours, Peer>(c, "query-qmp-schema qemu-system-x86_64", &system);
    }
    if let Some(qsd) = introspection("qemu-storage-daemon-10.0.2.json") {
        bench_reply::<Ours, Peer>(c, "query-qmp-schema qemu-storage-daemon", &qsd);
    }
    let block = query_block(16);
    bench_reply::<Vec<qemu_qmp::BlockInfo>, Vec<qapi_qmp::BlockInfo>>(c, "query-block", &block);
}

fn events(c: &mut Criterion) {
    let stream = event_stream();
    for message in &stream {
        let (event, _) = decode_event(message).unwrap();
        assert!(
            !matches!(event, qemu_qmp::AnyEvent::Unknown { .. }),
            "{event:?}"
        );
        serde_json::from_slice::<qapi_qmp::Event>(message).unwrap();
    }
    let mut g = c.benchmark_group("2000 events");
    g.throughput(Throughput::Bytes(
        stream.iter().map(|m| m.len() as u64).sum(),
    ));
    g.bench_function("decode/ours", |b| {
        b.iter(|| {
            for message in &stream {
                black_box(decode_event(black_box(message)).unwrap());
            }
        })
    });
    g.bench_function("decode/qapi-qmp serde_json::from_slice", |b| {
        b.iter(|| {
            for message in &stream {
                black_box(serde_json::from_slice::<qapi_qmp::Event>(black_box(message)).unwrap());
            }
        })
    });
    g.bench_function("decode/Value serde_json::from_slice", |b| {
        b.iter(|| {
            for message in &stream {
                black_box(serde_json::from_slice::<Value>(black_box(message)).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = replies, events
}
criterion_main!(benches);
