//! A scripted session gives the same replies, in the same order, from our server as from the real
//! `qemu-storage-daemon`: greeting, negotiation, query-version, unknown commands, bad arguments, out-of-band
//! requests, malformed input and an event. Only version numbers and timestamps are normalised.

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use qapi_runtime::Empty;
use qemu_qmp::{
    BlockExportAdd, BlockExportDel, BlockExportDeletedEvent, BlockJobCancel, BlockdevAdd,
    NbdServerStart, NbdServerStop,
};
use qmp_server::{CommandError, Server};
use serde_json::Value;
use support::{normalise, RawClient};

/// What to send, and how many replies (not events) it draws.
const SCRIPT: &[(&str, usize)] = &[
    (r#"{"execute":"query-version","id":1}"#, 1),
    (
        r#"{"execute":"qmp_capabilities","arguments":{"enable":["oob"]},"id":{"a":[1,null]}}"#,
        1,
    ),
    (r#"{"execute":"qmp_capabilities","id":2}"#, 1),
    (r#"{"execute":"query-version","id":"v"}"#, 1),
    (r#"{"execute":"query-version","id":null}"#, 1),
    (r#"{"execute":"query-version","id":1.5}"#, 1),
    (r#"{"execute":"no-such-command","id":3}"#, 1),
    (
        r#"{"execute":"block-job-cancel","arguments":{"device":5},"id":4}"#,
        1,
    ),
    (r#"{"execute":"block-job-cancel","arguments":{},"id":5}"#, 1),
    (
        r#"{"execute":"block-job-cancel","arguments":{"device":"j","zz":1},"id":6}"#,
        1,
    ),
    (
        r#"{"execute":"block-job-cancel","arguments":{"device":"j9"},"id":7}"#,
        1,
    ),
    (r#"{"exec-oob":"query-version","id":"o"}"#, 1),
    (r#"{"exec-oob":"no-such-command","id":"o2"}"#, 1),
    ("[1,2]", 1),
    (r#"{"id":8}"#, 1),
    (r#"{"execute":5}"#, 1),
    (r#"{"execute":"query-version","arguments":[]}"#, 1),
    (r#"{"execute":"query-version","control":1,"id":9}"#, 1),
    (
        r#"{"execute":"query-version","exec-oob":"query-version"}"#,
        1,
    ),
    (r#"{"execute":"query-version",}"#, 1),
    ("nul", 1),
    (
        r#"{"execute":"query-version", "id": 10} {"execute":"query-version","id":11}"#,
        2,
    ),
    (
        r#"{"execute":"blockdev-add","arguments":{"driver":"null-co","node-name":"n0"},"id":12}"#,
        1,
    ),
    (
        r#"{"execute":"nbd-server-start","arguments":{"addr":{"type":"unix","data":{"path":"NBD"}}},"id":13}"#,
        1,
    ),
    (
        r#"{"execute":"block-export-add","arguments":{"type":"nbd","id":"e0","node-name":"n0"},"id":14}"#,
        1,
    ),
    (
        r#"{"execute":"block-export-del","arguments":{"id":"e0"},"id":15}"#,
        1,
    ),
    (r#"{"execute":"nbd-server-stop","id":16}"#, 1),
];

/// Runs the script, giving every message received (normalised), in order.
async fn run_script(socket: &str, nbd_socket: &str) -> Vec<Value> {
    let mut client = RawClient::connect(socket).await;
    let mut seen = vec![normalise(client.next().await)];
    for (request, replies) in SCRIPT {
        client
            .send(request.replace("NBD", nbd_socket).as_bytes())
            .await;
        client.send(b"\n").await;
        let mut left = *replies;
        while left > 0 {
            let message = client.next().await;
            if message.get("event").is_none() {
                left -= 1;
            }
            seen.push(normalise(message));
        }
    }
    seen
}

/// A server with the storage daemon's answers to the commands of the script.
fn storage_daemon_like() -> Server {
    let nodes = Arc::new(Mutex::new(HashSet::new()));
    let added = nodes.clone();
    let server = Server::builder()
        .version(10, 0, 2, "qmp-server test")
        .event::<BlockExportDeletedEvent>();
    let emitter = server.emitter();
    server
        .command(move |add: BlockdevAdd| {
            let name = add.0.node_name.clone().unwrap_or_default();
            added.lock().unwrap().insert(name);
            async { Ok(Empty {}) }
        })
        .command(|_: NbdServerStart| async { Ok(Empty {}) })
        .command(|_: NbdServerStop| async { Ok(Empty {}) })
        .command(move |add: BlockExportAdd| {
            let known = nodes.lock().unwrap().contains(&add.0.node_name);
            async move {
                match known {
                    true => Ok(Empty {}),
                    false => Err(CommandError::generic("no such node")),
                }
            }
        })
        .command(move |del: BlockExportDel| {
            emitter.emit(&BlockExportDeletedEvent::new(del.id));
            async { Ok(Empty {}) }
        })
        .command(|cancel: BlockJobCancel| async move {
            Err(CommandError::new(
                "DeviceNotActive",
                format!("Block job '{}' not found", cancel.device),
            ))
        })
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_session_matches_qemu_storage_daemon() {
    let Some(qsd) = qapi_tests::Server::storage_daemon(&[]) else {
        return;
    };
    let nbd = qsd.path("nbd.sock").display().to_string();
    let theirs = run_script(qsd.socket(), &nbd).await;

    let dir = tempfile::tempdir().unwrap();
    let ours_listening = storage_daemon_like()
        .listen_unix(dir.path().join("qmp.sock"))
        .await
        .unwrap();
    let ours = run_script(dir.path().join("qmp.sock").to_str().unwrap(), &nbd).await;
    drop(ours_listening);

    assert_eq!(
        ours.len(),
        theirs.len(),
        "ours: {ours:#?}\ntheirs: {theirs:#?}"
    );
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(o, t, "message {i} differs");
    }
    assert!(theirs.iter().any(|m| m["event"] == "BLOCK_EXPORT_DELETED"));
}
