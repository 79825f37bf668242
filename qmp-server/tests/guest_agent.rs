//! The guest agent's framing: no greeting, `guest-sync-delimited` answered after a 0xFF byte, and a 0xFF byte
//! from the client dropping a partial request. The same script gives the same replies from our server as from
//! the real `qemu-ga`; our qmp-client connects to it in guest-agent mode.

mod support;

use qapi_tests::GUEST_AGENT_PROBES;
use qmp_server::{Flags, Server};
use serde_json::{json, Value};
use support::RawClient;

/// What to send, and how many replies it draws.
const SCRIPT: &[(&[u8], usize)] = &[
    // The 0xFF byte itself is answered with a parse error, which a client resynchronising skips.
    (b"\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":123}}", 2),
    (b"{\"execute\":\"guest-sync\",\"arguments\":{\"id\":5}}", 1),
    (b"{\"execute\":\"guest-sync\",\"arguments\":{\"id\":\"x\"}}", 1),
    (b"{\"execute\":\"guest-ping\",\"id\":\"p\"}", 1),
    (b"{\"execute\":\"guest-sync\",\"argu\xff{\"execute\":\"guest-sync\",\"arguments\":{\"id\":6}}", 2),
    (b"{\"execute\":\"no-such-command\"}", 1),
];

/// Each reply: whether a 0xFF byte came before it, and the JSON.
async fn run_script(socket: &str) -> Vec<(bool, Value)> {
    let mut client = RawClient::connect(socket).await;
    let mut seen = Vec::new();
    for (request, replies) in SCRIPT {
        client.send(request).await;
        client.send(b"\n").await;
        for _ in 0..*replies {
            let bytes = client.next_bytes().await;
            let (delimited, text) = match bytes.strip_prefix(b"\xff") {
                Some(rest) => (true, rest),
                None => (false, &bytes[..]),
            };
            let value = serde_json::from_slice(text)
                .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
            seen.push((delimited, value));
        }
    }
    seen
}

fn agent() -> Server {
    Server::builder()
        .guest_agent()
        .command_raw("guest-ping", Flags::default(), |_| async { Ok(json!({})) })
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_session_matches_qemu_ga() {
    let Some(ga) = qapi_tests::Server::guest_agent(GUEST_AGENT_PROBES) else {
        return;
    };
    let theirs = run_script(ga.socket()).await;
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("qga.sock");
    let _listening = agent().listen_unix(&socket).await.unwrap();
    let ours = run_script(socket.to_str().unwrap()).await;
    assert_eq!(ours, theirs);
    assert!(
        ours[1].0,
        "guest-sync-delimited's reply follows a 0xFF byte"
    );
    assert_eq!(ours[1].1, json!({"return": 123}));
    assert_eq!(
        ours[6].1,
        json!({"return": 6}),
        "the partial request before 0xFF was dropped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qmp_client_connects_in_guest_agent_mode() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("qga.sock");
    let _listening = agent().listen_unix(&socket).await.unwrap();
    // Connecting synchronises with guest-sync-delimited.
    let ga = qmp_client::Client::connect_agent_unix(&socket)
        .await
        .unwrap();
    ga.guest_sync().await.unwrap();
    assert_eq!(
        ga.execute_raw("guest-ping", Value::Null).await.unwrap(),
        json!({})
    );
}
