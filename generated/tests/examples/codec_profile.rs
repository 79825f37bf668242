//! A driver for profiling the codec (perf, callgrind): `cargo run --release -p qemu-bindings-tests --example
//! codec_profile -- WHAT MESSAGE N`, WHAT one of `decode`, `encode`, `serde-decode`, `serde-encode`,
//! `peer-decode`, `peer-encode`; MESSAGE a file holding a `query-qmp-schema` reply, or `query-block` for the
//! codec bench's `query-block` reply (16 drives).

use std::hint::black_box;

#[path = "../benches/messages/mod.rs"]
mod messages;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, what, message, n] = &args[..] else {
        panic!("usage: codec_profile WHAT MESSAGE N");
    };
    let n: usize = n.parse().unwrap();
    if message == "query-block" {
        let text = messages::query_block(16);
        run::<Vec<qemu_qmp::BlockInfo>, Vec<qapi_qmp::BlockInfo>>(what, &text, n);
    } else {
        let text = std::fs::read(message).unwrap();
        run::<Vec<qemu_qmp::SchemaInfo>, Vec<qapi_qmp::SchemaInfo>>(what, &text, n);
    }
}

/// `what`, `n` times, on `text` decoded as `Ours` (the committed bindings) or `Peer` (qapi-qmp).
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
