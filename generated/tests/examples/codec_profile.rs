//! A driver for profiling the codec (perf, callgrind): `cargo run --release -p qemu-bindings-tests --example
//! codec_profile -- WHAT MESSAGE N`, WHAT one of `decode`, `encode`, `serde-decode`, `serde-encode`,
//! `peer-decode`, `peer-encode` (ours through `qemu_qmp::from_slice`/`to_vec`, ours through serde_json, arcnmx's
//! qapi-qmp 0.15); MESSAGE a `query-qmp-schema` reply's file, or its name in `shared/qemu/introspection/`
//! (decoded as `Vec<SchemaInfo>`), `query-block` (the
//! bench's reply of 16 drives, as `Vec<BlockInfo>`) or `events` (the bench's 2000 event messages, envelope and
//! `AnyEvent`: `decode` and `peer-decode` only). The messages are the bench's (`benches/messages`).
//!
//! Instructions per decode: callgrind's total at N=4 minus that at N=0, over 4.

use std::hint::black_box;

#[path = "../benches/messages/mod.rs"]
mod messages;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, what, message, n] = &args[..] else {
        panic!("usage: codec_profile WHAT MESSAGE N");
    };
    let n: usize = n.parse().unwrap();
    match message.as_str() {
        "query-block" => run::<Vec<qemu_qmp::BlockInfo>, Vec<qapi_qmp::BlockInfo>>(
            what,
            &messages::query_block(16),
            n,
        ),
        "events" => events(what, &messages::event_stream(), n),
        file => run::<Vec<qemu_qmp::SchemaInfo>, Vec<qapi_qmp::SchemaInfo>>(
            what,
            &match std::fs::read(file) {
                Ok(text) => text,
                Err(_) => messages::introspection(file).expect("no such reply"),
            },
            n,
        ),
    }
}

/// One reply, `n` times the way `what` says.
fn run<Ours, Peer>(what: &str, text: &[u8], n: usize)
where
    Ours: qapi_runtime::Decode
        + qapi_runtime::Encode
        + serde::de::DeserializeOwned
        + serde::Serialize,
    Peer: serde::de::DeserializeOwned + serde::Serialize,
{
    let ours: Ours = qemu_qmp::from_slice(text).unwrap();
    let peer: Peer = serde_json::from_slice(text).unwrap();
    for _ in 0..n {
        match what {
            "decode" => drop(black_box(
                qemu_qmp::from_slice::<Ours>(black_box(text)).unwrap(),
            )),
            "encode" => drop(black_box(qemu_qmp::to_vec(black_box(&ours)))),
            "serde-decode" => drop(black_box(
                serde_json::from_slice::<Ours>(black_box(text)).unwrap(),
            )),
            "serde-encode" => drop(black_box(serde_json::to_vec(black_box(&ours)).unwrap())),
            "peer-decode" => drop(black_box(
                serde_json::from_slice::<Peer>(black_box(text)).unwrap(),
            )),
            "peer-encode" => drop(black_box(serde_json::to_vec(black_box(&peer)).unwrap())),
            _ => panic!("unknown {what}"),
        }
    }
}

/// The event stream, `n` times: each message read as a client does (`decode`) or by qapi-qmp (`peer-decode`).
fn events(what: &str, stream: &[Vec<u8>], n: usize) {
    for message in stream {
        messages::decode_event(message).unwrap();
        serde_json::from_slice::<qapi_qmp::Event>(message).unwrap();
    }
    for _ in 0..n {
        for message in stream {
            match what {
                "decode" => drop(black_box(
                    messages::decode_event(black_box(message)).unwrap(),
                )),
                "peer-decode" => drop(black_box(
                    serde_json::from_slice::<qapi_qmp::Event>(black_box(message)).unwrap(),
                )),
                _ => panic!("events: `decode` or `peer-decode`, not {what}"),
            }
        }
    }
}
