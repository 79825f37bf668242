//! Requests per second of `query-version` from one qmp-client, against our server and against the real
//! qemu-storage-daemon in the same run: one at a time (latency) and 8 in flight (QEMU's in-band queue).
//! Our server runs on its own runtime thread, as a separate process would. Run with
//! `cargo bench -p qmp-server`; the storage daemon's half is skipped with a message when it is missing.

use std::sync::mpsc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use qemu_qmp::QueryVersion;
use qmp_client::Client;
use qmp_server::Server;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

/// Starts our server on a thread of its own; it serves until the process ends.
fn our_server(socket: std::path::PathBuf) {
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let server = Server::builder().version(10, 0, 2, "bench").build();
            let _listening = server.listen_unix(&socket).await.expect("listening");
            ready_tx.send(()).expect("the bench waits");
            std::future::pending::<()>().await;
        });
    });
    ready_rx.recv().expect("the server started");
}

fn bench_server(c: &mut Criterion, rt: &Runtime, name: &str, socket: &std::path::Path) {
    let qmp = rt
        .block_on(Client::connect_unix(socket))
        .expect("connecting");
    let mut group = c.benchmark_group("query-version");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("sequential", name), |b| {
        b.to_async(rt)
            .iter(|| async { qmp.execute(QueryVersion::new()).await.unwrap() })
    });
    group.throughput(Throughput::Elements(8));
    group.bench_function(BenchmarkId::new("8-in-flight", name), |b| {
        b.to_async(rt).iter(|| async {
            let mut calls = JoinSet::new();
            for _ in 0..8 {
                let qmp = qmp.clone();
                calls.spawn(async move { qmp.execute(QueryVersion::new()).await.unwrap() });
            }
            while calls.join_next().await.is_some() {}
        })
    });
    group.finish();
    rt.block_on(qmp.close());
}

fn requests(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = tempfile::tempdir().expect("a temp dir");
    let socket = dir.path().join("qmp.sock");
    our_server(socket.clone());
    bench_server(c, &rt, "qmp-server", &socket);
    if let Some(qsd) = qapi_tests::Server::storage_daemon(&[]) {
        bench_server(
            c,
            &rt,
            "qemu-storage-daemon",
            std::path::Path::new(qsd.socket()),
        );
    }
}

criterion_group!(benches, requests);
criterion_main!(benches);
