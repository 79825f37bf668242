//! The wire codec against serde derive: decoding and encoding QEMU 10.0.2's two introspection replies (as
//! `Vec<SchemaInfo>`), a `query-block`-style reply and a stream of 2000 events, with the committed bindings
//! (through `qemu_qmp::from_slice`/`to_vec`, and through serde_json on top of the codec), with arcnmx's
//! `qapi-qmp` 0.15 (serde derive) and with `serde_json::Value`, in the same run.
//!
//! `cargo bench -p qemu-bindings-tests --bench codec`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qapi_runtime::{DecodeError, EventSet, Reader, Timestamp};
use serde_json::Value;

mod messages;
use messages::query_block;

/// An introspection reply from `../shared`; `None` (after the missing-material notice) without it.
fn introspection(file: &str) -> Option<Vec<u8>> {
    let path = qapi_tests::shared_file(&format!("qemu/introspection/{file}"))?;
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// 2000 event messages, one per line, of a few common kinds.
fn event_stream() -> Vec<Vec<u8>> {
    (0..2000)
        .map(|i| {
            let ts =
                serde_json::json!({"seconds": 1733580000 + i, "microseconds": (i * 37) % 1000000});
            let (event, data) = match i % 6 {
                0 => (
                    "JOB_STATUS_CHANGE",
                    serde_json::json!({"id": format!("job{i}"), "status": "running"}),
                ),
                1 => (
                    "BLOCK_JOB_COMPLETED",
                    serde_json::json!({"type": "mirror", "device": format!("job{i}"),
                        "len": 10737418240u64, "offset": 10737418240u64, "speed": 0}),
                ),
                2 => ("STOP", serde_json::json!({})),
                3 => ("RESUME", serde_json::json!({})),
                4 => (
                    "DEVICE_DELETED",
                    serde_json::json!({"device": format!("nic{i}"),
                        "path": format!("/machine/peripheral/nic{i}")}),
                ),
                _ => (
                    "BALLOON_CHANGE",
                    serde_json::json!({"actual": 1073741824u64 + i}),
                ),
            };
            serde_json::to_vec(&serde_json::json!({"event": event, "data": data, "timestamp": ts}))
                .unwrap()
        })
        .collect()
}

/// What a client does with an event message: the envelope read, `data` decoded by name.
fn decode_event(message: &[u8]) -> Result<(qemu_qmp::AnyEvent, Timestamp), DecodeError> {
    let mut reader = Reader::new(message);
    let (mut name, mut data, mut timestamp) = (None, None, None);
    reader.object(|m| {
        while let Some(key) = m.next_key()? {
            match &*key {
                "event" => name = Some(m.value::<String>("event")?),
                "data" => data = Some(m.raw()?.1),
                "timestamp" => timestamp = Some(m.value::<Timestamp>("timestamp")?),
                _ => m.skip()?,
            }
        }
        Ok(())
    })?;
    let name = name.ok_or_else(|| DecodeError::new("missing member `event`"))?;
    let event = qemu_qmp::AnyEvent::from_parts(&name, data.unwrap_or(b"{}"))?;
    Ok((event, timestamp.unwrap_or(Timestamp::NONE)))
}

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
