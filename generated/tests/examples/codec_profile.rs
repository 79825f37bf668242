//! A driver for profiling the codec (perf, callgrind): `cargo run --release -p qemu-bindings-tests --example
//! codec_profile -- WHAT FILE N`, WHAT one of `decode`, `encode`, `serde-decode`, `serde-encode`, `peer-decode`,
//! `peer-encode`; FILE a `query-qmp-schema` reply.

use std::hint::black_box;

use qemu_qmp::SchemaInfo;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, what, file, n] = &args[..] else {
        panic!("usage: codec_profile WHAT FILE N");
    };
    let text = std::fs::read(file).unwrap();
    let n: usize = n.parse().unwrap();
    let ours: Vec<SchemaInfo> = qemu_qmp::from_slice(&text).unwrap();
    let peer: Vec<qapi_qmp::SchemaInfo> = serde_json::from_slice(&text).unwrap();
    for _ in 0..n {
        match what.as_str() {
            "decode" => drop(black_box(
                qemu_qmp::from_slice::<Vec<SchemaInfo>>(black_box(&text)).unwrap(),
            )),
            "encode" => drop(black_box(qemu_qmp::to_vec(black_box(&ours)))),
            "serde-decode" => drop(black_box(
                serde_json::from_slice::<Vec<SchemaInfo>>(black_box(&text)).unwrap(),
            )),
            "serde-encode" => drop(black_box(serde_json::to_vec(black_box(&ours)).unwrap())),
            "peer-decode" => drop(black_box(
                serde_json::from_slice::<Vec<qapi_qmp::SchemaInfo>>(black_box(&text)).unwrap(),
            )),
            "peer-encode" => drop(black_box(serde_json::to_vec(black_box(&peer)).unwrap())),
            _ => panic!("unknown {what}"),
        }
    }
}
