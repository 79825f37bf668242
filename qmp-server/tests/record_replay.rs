//! Record a qmp-client session against the real qemu-storage-daemon into a transcript, then serve it back: the
//! same calls get the same answers and events without QEMU, and a call off the script is refused.

use std::time::Duration;

use qemu_qmp::{BlockExportDeletedEvent, BlockJobCancel, QueryVersion};
use qmp_client::Client;
use qmp_server::transcript::{record_unix, Transcript};
use serde_json::{json, Value};

/// The session: the same calls for the recording and for the replay. Gives what the test compares.
async fn session(qmp: &Client, nbd: &str) -> (Value, String, Value, String) {
    let version = qmp.execute(QueryVersion::new()).await.unwrap();
    let version = json!([version.qemu.major, version.qemu.minor, version.package]);
    let cancel = qmp
        .execute(BlockJobCancel::new("j9"))
        .await
        .unwrap_err()
        .to_string();
    let mut deleted = qmp.subscribe::<BlockExportDeletedEvent>();
    let calls = [
        (
            "blockdev-add",
            json!({"driver": "null-co", "node-name": "n0"}),
        ),
        (
            "nbd-server-start",
            json!({"addr": {"type": "unix", "data": {"path": nbd}}}),
        ),
        (
            "block-export-add",
            json!({"type": "nbd", "id": "e0", "node-name": "n0"}),
        ),
        ("block-export-del", json!({"id": "e0"})),
    ];
    for (name, args) in calls {
        qmp.execute_raw(name, args).await.unwrap();
    }
    let event = tokio::time::timeout(Duration::from_secs(20), deleted.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let event = json!([event.data.id, event.timestamp.seconds]);
    let exports = qmp
        .execute_raw("query-block-exports", Value::Null)
        .await
        .unwrap();
    (version, cancel, event, exports.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_session_replays_without_qemu() {
    let Some(qsd) = qapi_tests::Server::storage_daemon(&[]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let transcript = dir.path().join("session.jsonl");
    let nbd = qsd.path("nbd.sock").display().to_string();

    let stream = record_unix(qsd.socket(), &transcript).await.unwrap();
    let qmp = Client::builder().stream(stream).await.unwrap();
    let recorded = session(&qmp, &nbd).await;
    qmp.close().await;
    drop(qsd);
    assert!(
        recorded.1.contains("Block job 'j9' not found"),
        "{}",
        recorded.1
    );

    let transcript = Transcript::load(&transcript).unwrap();
    assert_eq!(transcript.len(), 7);
    let server = transcript.replay();
    let socket = dir.path().join("replay.sock");
    let _listening = server.listen_unix(&socket).await.unwrap();
    let qmp = Client::connect_unix(&socket).await.unwrap();
    assert_eq!(qmp.greeting().unwrap().version.qemu.major, 10);
    let replayed = session(&qmp, &nbd).await;
    assert_eq!(replayed, recorded);

    // Off the script: the transcript has ended.
    let off = qmp
        .execute_raw("query-version", Value::Null)
        .await
        .unwrap_err();
    assert!(
        off.to_string().contains("replay: the transcript has ended"),
        "{off}"
    );
}

#[tokio::test]
async fn a_malformed_transcript_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    std::fs::write(
        &path,
        "{\"client\": {\"execute\": \"stop\"}}\n{\"neither\": 1}\n",
    )
    .unwrap();
    let error = Transcript::load(&path).unwrap_err().to_string();
    assert!(
        error.ends_with("bad.jsonl:2: expected {\"client\": ...} or {\"server\": ...}"),
        "{error}"
    );
}
