//! The guest agent: a fake one for resynchronisation faults, and a real qemu-ga on a unix socket (allowed only
//! read-only commands).

mod common;

use std::time::Duration;

use common::*;
use qapi_tests::{Server, GUEST_AGENT_PROBES};
use qmp_client::{ClientBuilder, Error};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::UnixStream;

/// Reads the client's resync request: a 0xFF, then `guest-sync-delimited` with its token.
async fn read_sync(peer: &mut Peer) -> (Value, Value) {
    let bytes = peer.request_bytes().await;
    assert_eq!(
        bytes.first(),
        Some(&0xFF),
        "a resync starts with 0xFF to reset the agent's parser"
    );
    let req: Value = serde_json::from_slice(&bytes[1..]).unwrap();
    assert_eq!(req["execute"], "guest-sync-delimited");
    (req["id"].clone(), req["arguments"]["id"].clone())
}

#[tokio::test]
async fn connecting_drops_stale_output_up_to_the_delimiter() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let mut peer = Peer::new(theirs);
    let connecting = tokio::spawn(ClientBuilder::new().guest_agent().unix_stream(ours));
    let (id, token) = read_sync(&mut peer).await;
    // Output meant for an earlier client, including a reply whose id could collide with ours, and half a message.
    peer.send(&json!({"return": 999, "id": id}).to_string())
        .await;
    peer.send(r#"{"error": {"class": "GenericError", "desc": "JSON parse error"}}"#)
        .await;
    peer.send_bytes(br#"{"return": {"half"#).await;
    peer.send_bytes(b"\xff").await;
    peer.send(&json!({"return": token, "id": id}).to_string())
        .await;
    let agent = within(connecting).await.unwrap().unwrap();
    assert!(agent.greeting().is_none());

    let ping = tokio::spawn({
        let a = agent.clone();
        async move { a.execute(GuestPing {}).await }
    });
    let req = peer.request().await;
    assert_eq!(req["execute"], "guest-ping");
    peer.reply(&req["id"], json!({})).await;
    within(ping).await.unwrap().unwrap();
    assert_eq!(
        agent.unknown_replies(),
        0,
        "stale output was dropped, not dispatched"
    );
}

#[tokio::test]
async fn a_wrong_sync_token_is_an_error() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let mut peer = Peer::new(theirs);
    let connecting = tokio::spawn(ClientBuilder::new().guest_agent().unix_stream(ours));
    let (id, token) = read_sync(&mut peer).await;
    peer.send_bytes(b"\xff").await;
    peer.send(&json!({"return": token.as_i64().unwrap() + 1, "id": id}).to_string())
        .await;
    let err = within(connecting).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err}");
}

#[tokio::test]
async fn resync_abandons_pending_calls() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let mut peer = Peer::new(theirs);
    let connecting = tokio::spawn(
        ClientBuilder::new()
            .guest_agent()
            .sync_on_connect(false)
            .unix_stream(ours),
    );
    let agent = within(connecting).await.unwrap().unwrap();
    let pending = tokio::spawn({
        let a = agent.clone();
        async move { a.execute(GuestInfo {}).await }
    });
    let stale = peer.request().await;
    let sync = tokio::spawn({
        let a = agent.clone();
        async move { a.guest_sync().await }
    });
    let err = within(pending).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Resynchronised), "{err}");
    let (id, token) = read_sync(&mut peer).await;
    peer.reply(
        &stale["id"],
        json!({"version": "late", "supported_commands": []}),
    )
    .await;
    peer.send_bytes(b"\xff").await;
    peer.send(&json!({"return": token, "id": id}).to_string())
        .await;
    within(sync).await.unwrap().unwrap();
}

#[tokio::test]
async fn guest_sync_is_for_agents_only() {
    let (client, _peer) = fake_qmp(ClientBuilder::new()).await;
    assert!(matches!(
        client.guest_sync().await,
        Err(Error::Unsupported(_))
    ));
}

#[tokio::test]
async fn real_agent_info_ping_and_sync() {
    let Some(ga) = Server::guest_agent(GUEST_AGENT_PROBES) else {
        return;
    };
    let agent = within(real().guest_agent().connect_unix(ga.socket()))
        .await
        .unwrap();
    within(agent.execute(GuestPing {})).await.unwrap();
    let info = within(agent.execute(GuestInfo {})).await.unwrap();
    assert!(info.version.starts_with("10."), "{}", info.version);
    let enabled = |name: &str| {
        info.supported_commands
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.enabled)
    };
    assert_eq!(enabled("guest-ping"), Some(true));
    assert_eq!(
        enabled("guest-exec"),
        Some(false),
        "only the allowed commands are enabled"
    );
    assert_eq!(enabled("guest-shutdown"), Some(false));
    let shutdown = info
        .supported_commands
        .iter()
        .find(|c| c.name == "guest-shutdown")
        .unwrap();
    assert!(
        !shutdown.success_response,
        "guest-shutdown is a success-response: false command"
    );

    within(agent.guest_sync()).await.unwrap();
    // A read-only command left out of --allow-rpcs is refused.
    let err = within(agent.execute_raw("guest-get-time", Value::Null))
        .await
        .unwrap_err();
    assert_eq!(
        err.class().map(|c| c.as_str()),
        Some("CommandNotFound"),
        "{err}"
    );
    // Many calls in flight; the agent answers in order.
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let a = agent.clone();
            tokio::spawn(async move { a.execute(GuestPing {}).await })
        })
        .collect();
    for c in calls {
        within(c).await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn real_agent_with_half_a_request_left_by_an_earlier_client() {
    let Some(ga) = Server::guest_agent(GUEST_AGENT_PROBES) else {
        return;
    };
    {
        let mut earlier = within(UnixStream::connect(ga.socket())).await.unwrap();
        earlier
            .write_all(br#"{"execute": "guest-ping", "arguments": {"#)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let agent = within(real().guest_agent().connect_unix(ga.socket()))
        .await
        .unwrap();
    let info = within(agent.execute(GuestInfo {})).await.unwrap();
    assert!(!info.supported_commands.is_empty());
}

#[test]
fn real_agent_blocking() {
    let Some(ga) = Server::guest_agent(GUEST_AGENT_PROBES) else {
        return;
    };
    let agent =
        qmp_client::blocking::Client::connect_unix_with(real().guest_agent(), ga.socket()).unwrap();
    agent.execute(GuestPing {}).unwrap();
    agent.guest_sync().unwrap();
    assert!(agent
        .execute(GuestInfo {})
        .unwrap()
        .version
        .starts_with("10."));
}
