//! Hostile clients: malformed JSON, a 100 MB request, 10,000 commands without reading replies, disconnects in
//! mid-request, a flood of connections. The server answers each as QEMU would, stays up for the other clients,
//! and its memory stays bounded.

mod support;

use std::sync::Arc;

use qmp_server::{Limits, Server};
use serde_json::json;
use support::{resident_bytes, toy_server, RawClient};
use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;

struct Running {
    _dir: tempfile::TempDir,
    socket: std::path::PathBuf,
    _listening: qmp_server::Listening,
}

async fn start(server: Server) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("qmp.sock");
    let listening = server.listen_unix(&socket).await.unwrap();
    Running {
        _dir: dir,
        socket,
        _listening: listening,
    }
}

async fn toy() -> Running {
    start(toy_server(Arc::new(Notify::new()))).await
}

async fn query_version_works(socket: &std::path::Path) {
    let mut client = RawClient::connect(socket).await;
    client.negotiate(false).await;
    client
        .send(br#"{"execute":"query-version","id":"alive"}"#)
        .await;
    let reply = client.next().await;
    assert_eq!(reply["id"], "alive");
    assert_eq!(reply["return"]["package"], "toy");
}

fn parse_error(desc: &str) -> serde_json::Value {
    json!({"error": {"class": "GenericError", "desc": desc}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_answered_and_the_connection_goes_on() {
    let running = toy().await;
    let mut client = RawClient::connect(&running.socket).await;
    client.negotiate(false).await;
    client.send(b"{\"execute\":\"query-version\" x}\n").await;
    assert_eq!(
        client.next().await,
        parse_error("JSON parse error, expected separator in dict")
    );
    client.send(b"\x01\n").await;
    assert_eq!(client.next().await["error"]["class"], "GenericError");
    client.send(b"}").await;
    assert_eq!(
        client.next().await,
        parse_error("JSON parse error, expecting value")
    );
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    client.send(deep.as_bytes()).await;
    assert_eq!(
        client.next().await,
        parse_error("JSON nesting depth limit exceeded")
    );
    client.send(br#"{"execute":"query-version","id":1}"#).await;
    assert_eq!(client.next().await["id"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_request_is_refused_without_holding_it() {
    let running = toy().await;
    let mut client = RawClient::connect(&running.socket).await;
    client.negotiate(false).await;
    let before = resident_bytes();
    let mut writer = client.take_writer();
    let sender = tokio::spawn(async move {
        writer
            .write_all(br#"{"execute":"query-version","id":""#)
            .await
            .unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..100 {
            writer.write_all(&chunk).await.unwrap();
        }
        writer
            .write_all(b"\"}\n{\"execute\":\"query-version\",\"id\":\"after\"}\n")
            .await
            .unwrap();
        writer
    });
    assert_eq!(
        client.next().await,
        parse_error("JSON token size limit exceeded")
    );
    assert_eq!(client.next().await["id"], "after");
    sender.await.unwrap();
    let grown = resident_bytes().saturating_sub(before);
    eprintln!(
        "resident memory grew by {} KiB over a 100 MB request",
        grown >> 10
    );
    assert!(
        grown < 48 << 20,
        "memory grew by {grown} bytes over a 100 MB request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_commands_without_reading_replies() {
    let running = toy().await;
    let mut client = RawClient::connect(&running.socket).await;
    client.negotiate(false).await;
    let before = resident_bytes();
    let mut writer = client.take_writer();
    let sender = tokio::spawn(async move {
        for i in 0..10_000 {
            let request = format!("{{\"execute\":\"query-version\",\"id\":{i}}}\n");
            writer.write_all(request.as_bytes()).await.unwrap();
        }
        writer
    });
    // While this client reads nothing, others are served.
    query_version_works(&running.socket).await;
    let grown = resident_bytes().saturating_sub(before);
    eprintln!(
        "resident memory grew by {} KiB with 10,000 requests unread",
        grown >> 10
    );
    assert!(grown < 32 << 20, "memory grew by {grown} bytes");
    for i in 0..10_000 {
        let reply = client.next().await;
        assert_eq!(reply["id"], i, "replies in order");
    }
    drop(sender.await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnects_in_mid_request_leave_the_server_up() {
    let release = Arc::new(Notify::new());
    let running = start(toy_server(release.clone())).await;
    for cut in [10, 25, 40] {
        let mut client = RawClient::connect(&running.socket).await;
        client.negotiate(true).await;
        let request = br#"{"execute":"query-version","id":"never answered"}"#;
        client.send(&request[..cut]).await;
        drop(client);
    }
    // A client that leaves with commands queued behind one that waits.
    let mut client = RawClient::connect(&running.socket).await;
    client.negotiate(false).await;
    client
        .send(br#"{"execute":"x-wait"}{"execute":"query-version"}{"execute":"query-version"}"#)
        .await;
    drop(client);
    release.notify_one();
    query_version_works(&running.socket).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_connections_does_not_starve_the_clients_served() {
    let limits = Limits {
        max_clients: 8,
        ..Limits::default()
    };
    let running = start(
        Server::builder()
            .version(1, 2, 3, "toy")
            .limits(limits)
            .build(),
    )
    .await;
    let mut first = RawClient::connect(&running.socket).await;
    first.negotiate(false).await;
    let mut flood = Vec::new();
    for _ in 0..200 {
        flood.push(
            tokio::net::UnixStream::connect(&running.socket)
                .await
                .unwrap(),
        );
    }
    first
        .send(br#"{"execute":"query-version","id":"first"}"#)
        .await;
    assert_eq!(first.next().await["return"]["package"], "toy");
    drop(flood);
    // Once the flood is gone, new clients are served again (the closed ones free their slots).
    for _ in 0..20 {
        let mut client = RawClient::connect(&running.socket).await;
        if client.next_text().await.is_some() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("no new client was served after the flood ended");
}
