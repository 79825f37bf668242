//! The client's options against a scripted fake server: time limits on waiting for events, command policies and
//! read-only mode, tracing spans, reconnection with its markers, and listen mode. Nothing here can hang: every
//! wait has a limit.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use qmp_client::{
    Client, ClientBuilder, Error, Reconnect, TypedEvent, CONNECTION_LOST, RECONNECTED,
};
use serde_json::{json, Value};
use tokio::net::{UnixListener, UnixStream};

/// A fake QEMU on one accepted or connected stream: greets and accepts `qmp_capabilities`.
async fn greeted(stream: UnixStream) -> Peer {
    let mut peer = Peer::new(stream);
    peer.send(GREETING).await;
    let req = peer.request().await;
    assert_eq!(req["execute"], "qmp_capabilities");
    peer.reply(&req["id"], json!({})).await;
    peer
}

#[tokio::test]
async fn execute_and_wait_fails_with_a_timeout_when_the_event_never_comes() {
    // Its own limit, and the client's call timeout, which execute_and_wait obeys too.
    for (builder, own) in [
        (ClientBuilder::new(), Some(Duration::from_millis(300))),
        (
            ClientBuilder::new().call_timeout(Some(Duration::from_millis(300))),
            None,
        ),
    ] {
        let (client, mut peer) = fake_qmp(builder).await;
        let waiting = tokio::spawn(async move {
            let pred = |_: &TypedEvent<StopEvent>| true;
            match own {
                Some(limit) => client.execute_and_wait_timeout(Stop {}, limit, pred).await,
                None => client.execute_and_wait(Stop {}, pred).await,
            }
        });
        let req = peer.request().await;
        assert_eq!(req["execute"], "stop");
        peer.reply(&req["id"], json!({})).await;
        peer.event("RESUME", json!({})).await;
        let err = within(waiting).await.unwrap().unwrap_err();
        assert!(
            matches!(err, Error::Timeout(d) if d == Duration::from_millis(300)),
            "{err}"
        );
    }
}

#[tokio::test]
async fn read_only_refuses_before_sending_and_names_the_command() {
    let (client, mut peer) = fake_qmp(ClientBuilder::new().read_only()).await;
    for command in ["stop", "human-monitor-command", "qom-set"] {
        let err = within(client.execute_raw(command, Value::Null))
            .await
            .unwrap_err();
        let Error::Refused { command: named, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(named, command);
        assert!(
            err.to_string().starts_with(&format!(
                "{command} refused before sending: the client is read-only"
            )),
            "{err}"
        );
    }
    assert!(
        peer.quiet_for(Duration::from_millis(200)).await,
        "a refused command was sent"
    );
    let asking = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .execute_raw("qom-get", json!({"path": "/machine", "property": "type"}))
                .await
        }
    });
    let req = peer.request().await;
    assert_eq!(req["execute"], "qom-get");
    peer.reply(&req["id"], json!("pc-i440fx-10.0-machine"))
        .await;
    assert_eq!(
        within(asking).await.unwrap().unwrap(),
        "pc-i440fx-10.0-machine"
    );
}

#[tokio::test]
async fn a_policy_added_after_connecting_refuses_with_its_reason() {
    let (client, mut peer) = fake_qmp(ClientBuilder::new()).await;
    client.add_policy(|command: &str| match command {
        "blockdev-set-active" => Err("this QEMU lacks it (QEMU 9.2.0)".to_owned()),
        _ => Ok(()),
    });
    let err = within(client.execute_raw("blockdev-set-active", json!({"active": true})))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "blockdev-set-active refused before sending: this QEMU lacks it (QEMU 9.2.0)"
    );
    assert!(peer.quiet_for(Duration::from_millis(100)).await);
}

/// A span's fields, values as text.
type SpanFields = HashMap<String, String>;

/// Spans as a subscriber sees them: name and fields, in creation order.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<(String, SpanFields)>>>);

struct Fields<'a>(&'a mut SpanFields);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut all = self.0.lock().unwrap();
        let mut fields = HashMap::new();
        span.record(&mut Fields(&mut fields));
        all.push((span.metadata().name().to_owned(), fields));
        tracing::span::Id::from_u64(all.len() as u64)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut all = self.0.lock().unwrap();
        values.record(&mut Fields(&mut all[span.into_u64() as usize - 1].1));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_command_is_a_span_with_its_id_duration_and_outcome() {
    let spans = Spans::default();
    let _installed = tracing::subscriber::set_default(spans.clone());
    // Every request with an id, so that the spans have one to show.
    let (client, mut peer) = fake_qmp(ClientBuilder::new().read_only().always_send_ids(true)).await;
    let calls = tokio::spawn({
        let client = client.clone();
        async move {
            let ok = client.execute_raw("query-status", Value::Null).await;
            let failed = client.execute_raw("query-kvm", Value::Null).await;
            let refused = client.execute_raw("quit", Value::Null).await;
            (ok, failed, refused)
        }
    });
    let first = peer.request().await;
    peer.reply(&first["id"], json!({"running": false})).await;
    let second = peer.request().await;
    let err = echo_id(
        json!({"error": {"class": "CommandNotFound", "desc": "no"}}),
        &second,
    );
    peer.send(&err.to_string()).await;
    let (ok, failed, refused) = within(calls).await.unwrap();
    assert!(ok.is_ok() && failed.is_err() && refused.is_err());
    let spans = spans.0.lock().unwrap().clone();
    let qmp: Vec<_> = spans
        .iter()
        .filter(|(name, _)| name == "qmp")
        .map(|(_, f)| f)
        .collect();
    assert_eq!(qmp.len(), 3, "{spans:?}");
    // The handshake's qmp_capabilities is the client's own, not a user's command: no span.
    assert_eq!(qmp[0]["command"], "query-status");
    assert_eq!(qmp[0]["id"], first["id"].to_string());
    assert_eq!(qmp[0]["outcome"], "ok");
    assert!(qmp[0]["duration_us"].parse::<u64>().is_ok(), "{:?}", qmp[0]);
    assert_eq!(qmp[1]["command"], "query-kvm");
    assert_eq!(qmp[1]["id"], second["id"].to_string());
    assert_eq!(qmp[1]["outcome"], "qmp error");
    assert!(qmp[1]["error"].contains("CommandNotFound"), "{:?}", qmp[1]);
    assert_eq!(qmp[2]["command"], "quit");
    assert_eq!(qmp[2]["outcome"], "refused");
    assert!(
        !qmp[2].contains_key("id"),
        "a refused command gets no id: {:?}",
        qmp[2]
    );
}

fn quick_reconnect(give_up_after: Option<Duration>) -> ClientBuilder {
    ClientBuilder::new().reconnect(Reconnect {
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        give_up_after,
    })
}

#[tokio::test]
async fn reconnecting_keeps_subscriptions_across_the_gap_with_markers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qmp.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let connecting = tokio::spawn(quick_reconnect(None).connect_unix(path.clone()));
    let mut first = greeted(listener.accept().await.unwrap().0).await;
    let client = within(connecting).await.unwrap().unwrap();
    let mut all = client.subscribe_all();
    let mut stops = client.subscribe::<StopEvent>();
    first.event("STOP", json!({})).await;
    // A call in flight when the server goes away fails at once, with the reason.
    let in_flight = tokio::spawn({
        let client = client.clone();
        async move { client.execute_raw("query-status", Value::Null).await }
    });
    assert_eq!(first.request().await["execute"], "query-status");
    drop(first);
    let err = within(in_flight).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Disconnected(_)), "{err}");

    let mut second = greeted(within(listener.accept()).await.unwrap().0).await;
    second.event("STOP", json!({"n": 2})).await;
    let names: Vec<String> = within(async {
        let mut names = Vec::new();
        while names.len() < 4 {
            names.push(all.next().await.expect("the stream ended").name.clone());
        }
        names
    })
    .await;
    assert_eq!(names, ["STOP", CONNECTION_LOST, RECONNECTED, "STOP"]);
    assert!(within(stops.next()).await.unwrap().is_ok());
    for _ in 0..2 {
        let gap = within(stops.next()).await.unwrap().unwrap_err();
        assert!(matches!(gap, Error::EventGap { .. }), "{gap}");
    }
    assert!(within(stops.next()).await.unwrap().is_ok());

    // The new connection serves calls.
    assert!(client.is_connected() && !client.is_closed());
    let asking = tokio::spawn({
        let client = client.clone();
        async move { client.execute_raw("query-status", Value::Null).await }
    });
    let req = second.request().await;
    second.reply(&req["id"], json!({"running": true})).await;
    assert_eq!(within(asking).await.unwrap().unwrap()["running"], true);
}

#[tokio::test]
async fn a_reconnecting_client_gives_up_after_its_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qmp.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let connecting =
        tokio::spawn(quick_reconnect(Some(Duration::from_millis(300))).connect_unix(path.clone()));
    let peer = greeted(listener.accept().await.unwrap().0).await;
    let client = within(connecting).await.unwrap().unwrap();
    let mut all = client.subscribe_all();
    drop(listener);
    std::fs::remove_file(&path).unwrap();
    drop(peer);
    let cause = within(client.closed()).await;
    assert!(cause.is_disconnect(), "{cause}");
    assert!(client.is_closed());
    assert_eq!(within(all.next()).await.unwrap().name, CONNECTION_LOST);
    assert!(
        within(all.next()).await.is_none(),
        "the stream ends on giving up"
    );
    let err = within(client.execute_raw("query-status", Value::Null))
        .await
        .unwrap_err();
    assert!(err.is_disconnect(), "{err}");
}

#[tokio::test]
async fn listen_mode_accepts_the_server_and_then_is_the_same_client() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.sock");
    let listener = ClientBuilder::new().listen_unix(&path).unwrap();
    assert_eq!(listener.path(), path);
    let server = tokio::spawn({
        let path = path.clone();
        async move {
            let mut peer = greeted(UnixStream::connect(path).await.unwrap()).await;
            let req = peer.request().await;
            peer.reply(&req["id"], json!({"status": "running"})).await;
            peer
        }
    });
    let client: Client = within(listener.accept()).await.unwrap();
    assert_eq!(client.greeting().unwrap().version.package, "fake");
    let status = within(client.execute_raw("query-status", Value::Null))
        .await
        .unwrap();
    assert_eq!(status["status"], "running");
    let _peer = within(server).await.unwrap();
    assert!(
        !path.exists(),
        "the socket file is removed once accepted (no reconnection asked)"
    );
}

#[tokio::test]
async fn listen_mode_says_when_no_server_came() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.sock");
    let listener = ClientBuilder::new()
        .connect_timeout(Some(Duration::from_millis(200)))
        .listen_unix(&path)
        .unwrap();
    let err = within(listener.accept()).await.unwrap_err();
    assert!(err.to_string().contains("no QEMU connected to"), "{err}");
    assert!(err.to_string().contains("in.sock"), "{err}");
    // A path already taken is refused with its name.
    std::fs::write(&path, b"").unwrap();
    let err = ClientBuilder::new().listen_unix(&path).unwrap_err();
    assert!(err.to_string().contains("listening on"), "{err}");
}

#[test]
fn the_blocking_client_reads_events_between_calls() {
    use std::io::{BufRead, BufReader, Write};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qmp.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        writeln!(writer, "{GREETING}").unwrap();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let req: Value = serde_json::from_str(&line).unwrap();
        assert!(
            req.get("id").is_none(),
            "a lone request goes without an id: {req}"
        );
        writeln!(writer, "{}", json!({"return": {}})).unwrap();
        go_rx.recv().unwrap();
        let event =
            json!({"event": "STOP", "data": {}, "timestamp": {"seconds": 1, "microseconds": 2}});
        writeln!(writer, "{event}").unwrap();
        // Holds the connection until the client is done.
        let _ = go_rx.recv();
    });
    let client = qmp_client::blocking::Client::connect_unix(&path).unwrap();
    let mut events = client.subscribe_all();
    go_tx.send(()).unwrap();
    // No call runs the runtime now: the background thread reads the event into the queue.
    let deadline = std::time::Instant::now() + LIMIT;
    let event = loop {
        if let Some(event) = events.try_next() {
            break event;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the event was not read between calls"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(event.name, "STOP");
    drop(go_tx);
    client.close();
    server.join().unwrap();
}
