//! Against a scripted fake server on a socketpair: every fault gives a clear error or the right result, and
//! nothing hangs (every wait has a time limit).

mod common;

use std::time::{Duration, Instant};

use common::*;
use qmp_client::{Client, ClientBuilder, Error, TypedEvent};
use serde_json::{json, Value};
use tokio::net::UnixStream;

fn builder() -> ClientBuilder {
    ClientBuilder::new()
}

#[tokio::test]
async fn negotiation_enables_oob_only_when_offered_and_wanted() {
    for (offered, wanted) in [(true, true), (true, false), (false, true)] {
        let (ours, theirs) = UnixStream::pair().unwrap();
        let mut peer = Peer::new(theirs);
        let connecting = tokio::spawn(builder().oob(wanted).unix_stream(ours));
        let caps = if offered { json!(["oob"]) } else { json!([]) };
        let greeting = json!({"QMP": {"version": {"qemu": {"major": 9, "minor": 2, "micro": 4}, "package": ""}, "capabilities": caps}});
        peer.send(&greeting.to_string()).await;
        let req = peer.request().await;
        assert_eq!(req["execute"], "qmp_capabilities");
        if offered && wanted {
            assert_eq!(req["arguments"], json!({"enable": ["oob"]}));
        } else {
            assert!(req.get("arguments").is_none(), "{req}");
        }
        peer.reply(&req["id"], json!({})).await;
        let client = within(connecting).await.unwrap().unwrap();
        assert_eq!(client.oob_enabled(), offered && wanted);
        assert_eq!(client.greeting().unwrap().version.qemu.minor, 2);
    }
}

#[tokio::test]
async fn failed_negotiation_is_an_error() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let mut peer = Peer::new(theirs);
    let connecting = tokio::spawn(builder().unix_stream(ours));
    peer.send(GREETING).await;
    let req = peer.request().await;
    let err = echo_id(
        json!({"error": {"class": "GenericError", "desc": "no"}}),
        &req,
    );
    peer.send(&err.to_string()).await;
    let Err(err) = within(connecting).await.unwrap() else {
        panic!("connected")
    };
    assert_eq!(err.class().map(|c| c.as_str()), Some("GenericError"));
}

#[tokio::test]
async fn no_greeting_times_out() {
    let (ours, _theirs) = UnixStream::pair().unwrap();
    let started = Instant::now();
    let err = within(
        builder()
            .connect_timeout(Some(Duration::from_millis(200)))
            .unix_stream(ours),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn closed_before_greeting_is_an_error() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    drop(theirs);
    let err = within(builder().unix_stream(ours)).await.unwrap_err();
    assert!(err.is_disconnect(), "{err}");
}

#[tokio::test]
async fn events_before_the_greeting_and_during_negotiation_are_kept_in_order() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let mut peer = Peer::new(theirs);
    let connecting = tokio::spawn(builder().unix_stream(ours));
    peer.event("EARLY", json!({"n": 1})).await;
    peer.send(GREETING).await;
    peer.event("EARLY", json!({"n": 2})).await;
    let req = peer.request().await;
    peer.event("EARLY", json!({"n": 3})).await;
    peer.reply(&req["id"], json!({})).await;
    peer.event("LATER", json!({"n": 4})).await;
    let client = within(connecting).await.unwrap().unwrap();
    let mut events = client.take_events().expect("the backlog is on by default");
    assert!(client.take_events().is_none(), "given once");
    for n in 1..=4 {
        let e = within(events.next()).await.unwrap();
        assert_eq!(e.data()["n"], n);
    }
}

#[tokio::test]
async fn replies_out_of_order_are_matched_by_id() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let a = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("a", Value::Null).await }
    });
    let first = peer.request().await;
    let b = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("b", Value::Null).await }
    });
    let second = peer.request().await;
    let (ra, rb) = if first["execute"] == "a" {
        (first, second)
    } else {
        (second, first)
    };
    assert_ne!(ra["id"], rb["id"]);
    peer.reply(&rb["id"], json!("for b")).await;
    peer.reply(&ra["id"], json!("for a")).await;
    assert_eq!(within(a).await.unwrap().unwrap(), "for a");
    assert_eq!(within(b).await.unwrap().unwrap(), "for b");
}

#[tokio::test]
async fn reply_split_across_reads() {
    let (client, mut peer) = fake_qmp(builder()).await;
    // The test keeps `client`: dropping the last clone would close the connection under the peer's last write.
    let call = tokio::spawn({
        let c = client.clone();
        async move { c.execute(QueryVersion {}).await }
    });
    let req = peer.request().await;
    let text = echo_id(
        json!({"return": {"qemu": {"major": 10, "minor": 0, "micro": 2}, "package": "split"}}),
        &req,
    )
    .to_string();
    for chunk in text.as_bytes().chunks(3) {
        peer.send_bytes(chunk).await;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    peer.send_bytes(b"\r\n").await;
    let v = within(call).await.unwrap().unwrap();
    assert_eq!(v.package, "split");
}

#[tokio::test]
async fn ten_megabyte_reply() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let call = tokio::spawn(async move { client.execute_raw("big", Value::Null).await });
    let req = peer.request().await;
    let big: Vec<Value> = (0..200_000)
        .map(|i| json!({"name": format!("item-{i:08}"), "value": "x".repeat(20)}))
        .collect();
    let text = echo_id(json!({"return": big}), &req).to_string();
    assert!(text.len() > 10_000_000, "{}", text.len());
    peer.send(&text).await;
    let got = within(call).await.unwrap().unwrap();
    let items = got.as_array().unwrap();
    assert_eq!(items.len(), 200_000);
    assert_eq!(items[199_999]["name"], "item-00199999");
}

#[tokio::test]
async fn malformed_json_fails_pending_calls_with_the_raw_text() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let call = tokio::spawn({
        let c = client.clone();
        async move { c.execute(QueryVersion {}).await }
    });
    let _ = peer.request().await;
    peer.send(r#"{"return": {"qemu": }, "id": 2}"#).await;
    let err = within(call).await.unwrap().unwrap_err();
    assert!(err.is_disconnect(), "{err}");
    let d = err.decode_error().unwrap_or_else(|| panic!("{err}"));
    assert!(d.raw.contains(r#""qemu": }"#), "{}", d.raw);
    assert!(
        err.to_string()
            .contains("could not decode a message from the server"),
        "{err}"
    );
    // Later calls fail at once with the same cause.
    let again = within(client.execute(QueryVersion {})).await.unwrap_err();
    assert!(again.decode_error().is_some(), "{again}");
}

#[tokio::test]
async fn bytes_that_are_not_json_fail_clearly() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let call = tokio::spawn(async move { client.execute_raw("x", Value::Null).await });
    let _ = peer.request().await;
    peer.send("Segmentation fault (core dumped)").await;
    let err = within(call).await.unwrap().unwrap_err();
    let d = err.decode_error().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(d.raw, "Segmentation fault (core dumped)\r");
}

#[tokio::test]
async fn oversized_message_fails_clearly() {
    let (client, mut peer) = fake_qmp(builder().max_message_size(1000)).await;
    let call = tokio::spawn(async move { client.execute_raw("x", Value::Null).await });
    let req = peer.request().await;
    peer.reply(&req["id"], json!("y".repeat(5000))).await;
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        err.to_string()
            .contains("longer than the limit of 1000 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn disconnect_in_mid_reply_fails_promptly() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.execute(QueryVersion {}).await })
        })
        .collect();
    for _ in 0..5 {
        let _ = peer.request().await;
    }
    let partial = br#"{"return": {"qemu": {"major": 1"#;
    peer.send_bytes(partial).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    drop(peer);
    let started = Instant::now();
    for c in calls {
        let err = within(c).await.unwrap().unwrap_err();
        let Error::Disconnected(cause) = &err else {
            panic!("{err}")
        };
        assert!(
            matches!(**cause, Error::Eof { partial_bytes } if partial_bytes == partial.len()),
            "{cause}"
        );
        assert!(
            err.to_string().contains("in the middle of a message"),
            "{err}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(within(client.closed()).await.is_disconnect());
}

#[tokio::test]
async fn unknown_reply_ids_are_dropped() {
    let (client, mut peer) = fake_qmp(builder().always_send_ids(true)).await;
    let call = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("x", Value::Null).await }
    });
    let req = peer.request().await;
    peer.reply(&json!(999_999), json!("stranger")).await;
    peer.reply(&json!("text-id"), json!("stranger")).await;
    peer.send(r#"{"return": "no id"}"#).await;
    peer.reply(&req["id"], json!("mine")).await;
    assert_eq!(within(call).await.unwrap().unwrap(), "mine");
    assert_eq!(client.unknown_replies(), 3);
}

#[tokio::test]
async fn a_lone_in_band_request_goes_without_an_id() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let first = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("first", Value::Null).await }
    });
    let r1 = peer.request().await;
    assert_eq!(
        r1,
        json!({"execute": "first"}),
        "the only call awaiting a reply"
    );
    // While its reply is awaited, the next in-band request carries an id, and so does an out-of-band one.
    let second = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("second", Value::Null).await }
    });
    let r2 = peer.request().await;
    assert!(r2["id"].is_u64(), "{r2}");
    // A stranger's reply with an id is dropped; the reply without one is the first call's, and replies come in
    // order.
    peer.reply(&json!(999_999), json!("stranger")).await;
    peer.send(r#"{"return": "for first"}"#).await;
    peer.reply(&r2["id"], json!("for second")).await;
    assert_eq!(within(first).await.unwrap().unwrap(), "for first");
    assert_eq!(within(second).await.unwrap().unwrap(), "for second");
    assert_eq!(client.unknown_replies(), 1);
    // A peer that writes `"id": null` for a request without an id means none.
    let third = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("third", Value::Null).await }
    });
    assert!(peer.request().await.get("id").is_none());
    peer.send(r#"{"return": "for third", "id": null}"#).await;
    assert_eq!(within(third).await.unwrap().unwrap(), "for third");
    // With nothing pending, a reply without an id matches nothing.
    peer.send(r#"{"return": "late"}"#).await;
    within(async {
        while client.unknown_replies() == 1 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await;
    // A call whose caller gave up keeps its place: the next request gets an id, and the late reply without one
    // goes to the abandoned call, not to it.
    let gave_up = client
        .execute_timeout(common::QueryJobs {}, Duration::from_millis(50))
        .await;
    assert!(gave_up.is_err());
    let slow = peer.request().await;
    assert!(slow.get("id").is_none(), "{slow}");
    let next = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("next", Value::Null).await }
    });
    let r3 = peer.request().await;
    assert!(r3["id"].is_u64(), "{r3}");
    peer.send(r#"{"return": []}"#).await;
    peer.reply(&r3["id"], json!("for next")).await;
    assert_eq!(within(next).await.unwrap().unwrap(), "for next");
}

#[tokio::test]
async fn an_error_without_id_belongs_to_the_oldest_in_band_command() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let first = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("first", Value::Null).await }
    });
    let r1 = peer.request().await;
    let second = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("second", Value::Null).await }
    });
    let r2 = peer.request().await;
    assert_eq!(
        (r1["execute"].as_str(), r2["execute"].as_str()),
        (Some("first"), Some("second"))
    );
    peer.send(
        r#"{"error": {"class": "GenericError", "desc": "JSON parse error, expecting value"}}"#,
    )
    .await;
    peer.reply(&r2["id"], json!(2)).await;
    let err = within(first).await.unwrap().unwrap_err();
    assert!(err.to_string().contains("JSON parse error"), "{err}");
    assert_eq!(within(second).await.unwrap().unwrap(), 2);
    // With nothing pending, such an error is dropped.
    peer.send(r#"{"error": {"class": "GenericError", "desc": "stray"}}"#)
        .await;
    within(async {
        while client.unknown_replies() == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await;
    let third =
        tokio::spawn(async move { (client.execute_raw("third", Value::Null).await, client) });
    let r3 = peer.request().await;
    peer.reply(&r3["id"], json!(3)).await;
    let (r, client) = within(third).await.unwrap();
    assert_eq!(r.unwrap(), 3);
    assert_eq!(client.unknown_replies(), 1);
}

#[tokio::test]
async fn error_classes_are_an_open_set() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let call = tokio::spawn(async move { client.execute(Stop {}).await });
    let req = peer.request().await;
    let e = echo_id(
        json!({"error": {"class": "__com.example_Overheated", "desc": "too hot"}}),
        &req,
    );
    peer.send(&e.to_string()).await;
    let Error::Qmp { class, desc } = within(call).await.unwrap().unwrap_err() else {
        panic!()
    };
    assert_eq!(
        (class.as_str(), desc.as_str()),
        ("__com.example_Overheated", "too hot")
    );
}

#[tokio::test]
async fn decode_error_names_the_path() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let call = tokio::spawn({
        let c = client.clone();
        async move { c.execute(QueryVersion {}).await }
    });
    let req = peer.request().await;
    peer.reply(
        &req["id"],
        json!({"qemu": {"major": 10, "minor": "zero", "micro": 2}, "package": ""}),
    )
    .await;
    let err = within(call).await.unwrap().unwrap_err();
    let d = err.decode_error().unwrap();
    assert_eq!(d.path, "qemu.minor");
    assert!(d.raw.contains("\"zero\""));
    assert!(
        !err.is_disconnect(),
        "a reply that does not decode leaves the connection up"
    );
    assert!(!client.is_closed());
}

#[tokio::test]
async fn success_response_false_returns_without_a_reply() {
    let (client, mut peer) = fake_qmp(builder()).await;
    within(client.execute(NoReply {})).await.unwrap();
    let req = peer.request().await;
    assert_eq!(req["execute"], "x-no-reply");
    assert!(
        req["id"].is_u64(),
        "an id is sent anyway, so that an error reply is not mistaken for another's"
    );
}

#[tokio::test]
async fn events_interleaved_everywhere_reach_every_subscriber_in_order() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let mut all_a = client.subscribe_all();
    let mut all_b = client.subscribe_all();
    let mut jobs = client.subscribe::<JobStatusChange>();
    let calls: Vec<_> = (0..50)
        .map(|i| {
            let c = client.clone();
            tokio::spawn(async move { c.execute_raw("echo", json!({"i": i})).await })
        })
        .collect();
    let mut n = 0;
    let mut served = 0;
    while served < 50 {
        // Requests arrive eight at a time (the in-flight limit); events go before, between and after replies.
        let mut reqs = Vec::new();
        for _ in 0..8.min(50 - served) {
            reqs.push(peer.request().await);
        }
        for req in reqs {
            for _ in 0..3 {
                peer.event(
                    "JOB_STATUS_CHANGE",
                    json!({"id": format!("{n}"), "status": "running"}),
                )
                .await;
                peer.event("OTHER", json!({"n": n})).await;
                n += 1;
            }
            let text = echo_id(json!({"return": req["arguments"]["i"]}), &req).to_string();
            // Each reply cut in two, with an event between the writes of the two halves' neighbours.
            let (head, tail) = text.split_at(text.len() / 2);
            peer.send_bytes(head.as_bytes()).await;
            peer.send_bytes(tail.as_bytes()).await;
            peer.send_bytes(b"\r\n").await;
            served += 1;
        }
    }
    for (i, c) in calls.into_iter().enumerate() {
        assert_eq!(within(c).await.unwrap().unwrap(), json!(i));
    }
    for stream in [&mut all_a, &mut all_b] {
        for k in 0..n {
            let e = within(stream.next()).await.unwrap();
            assert_eq!(e.name, "JOB_STATUS_CHANGE");
            assert_eq!(e.data()["id"], format!("{k}"));
            let e = within(stream.next()).await.unwrap();
            assert_eq!((e.name.as_str(), &e.data()["n"]), ("OTHER", &json!(k)));
        }
        assert!(stream.try_next().is_none());
    }
    for k in 0..n {
        let e = within(jobs.next()).await.unwrap().unwrap();
        assert_eq!(e.data.id, format!("{k}"));
        assert_eq!(e.timestamp.seconds, 1);
    }
    assert!(
        jobs.try_next().is_none(),
        "typed subscriptions see only their event"
    );
}

#[tokio::test]
async fn execute_and_wait_sees_an_event_that_comes_before_the_reply() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let call = tokio::spawn({
        let c = client.clone();
        async move {
            c.execute_and_wait(
                BlockdevCreate {
                    job_id: "j".into(),
                    options: json!({}),
                },
                |e: &TypedEvent<JobStatusChange>| e.data.status == "concluded",
            )
            .await
        }
    });
    let req = peer.request().await;
    peer.event("JOB_STATUS_CHANGE", json!({"id": "j", "status": "created"}))
        .await;
    peer.event(
        "JOB_STATUS_CHANGE",
        json!({"id": "j", "status": "concluded"}),
    )
    .await;
    peer.reply(&req["id"], json!({})).await;
    let (ret, event) = within(call).await.unwrap().unwrap();
    assert_eq!(ret, Empty {});
    assert_eq!(
        event.data,
        JobStatusChange {
            id: "j".into(),
            status: "concluded".into()
        }
    );
}

#[tokio::test]
async fn typed_event_decode_errors_are_reported_and_the_stream_goes_on() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let mut jobs = client.subscribe::<JobStatusChange>();
    peer.event("JOB_STATUS_CHANGE", json!({"id": 5, "status": "running"}))
        .await;
    peer.event(
        "JOB_STATUS_CHANGE",
        json!({"id": "ok", "status": "running"}),
    )
    .await;
    let err = within(jobs.next()).await.unwrap().unwrap_err();
    let d = err.decode_error().unwrap();
    assert_eq!(d.path, "id");
    assert!(d.what.contains("JOB_STATUS_CHANGE"));
    assert_eq!(within(jobs.next()).await.unwrap().unwrap().data.id, "ok");
    drop(client);
}

#[tokio::test]
async fn in_band_commands_in_flight_are_limited() {
    let (client, mut peer) = fake_qmp(builder().max_in_flight(Some(8))).await;
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let c = client.clone();
            tokio::spawn(async move { c.execute_raw("x", json!({"i": i})).await })
        })
        .collect();
    let mut reqs = Vec::new();
    for _ in 0..8 {
        reqs.push(peer.request().await);
    }
    assert!(
        peer.quiet_for(Duration::from_millis(200)).await,
        "a ninth command was sent"
    );
    let first = reqs.remove(0);
    peer.reply(&first["id"], json!(null)).await;
    reqs.push(peer.request().await);
    assert!(peer.quiet_for(Duration::from_millis(100)).await);
    // Serve the rest.
    let mut done = 1;
    while done < 20 {
        let r = reqs.remove(0);
        peer.reply(&r["id"], json!(null)).await;
        done += 1;
        if reqs.len() + done < 20 {
            reqs.push(peer.request().await);
        }
    }
    for c in calls {
        within(c).await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn out_of_band_commands_bypass_the_in_band_limit() {
    let (client, mut peer) = fake_qmp(builder().max_in_flight(Some(2))).await;
    assert!(client.oob_enabled());
    let _blocked: Vec<_> = (0..2)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.execute_raw("slow", Value::Null).await })
        })
        .collect();
    let _ = peer.request().await;
    let _ = peer.request().await;
    let oob = tokio::spawn({
        let c = client.clone();
        async move { c.execute_oob(QueryYank {}).await }
    });
    let req = peer.request().await;
    assert_eq!(req["exec-oob"], "query-yank");
    assert!(req.get("execute").is_none());
    peer.reply(&req["id"], json!([])).await;
    assert!(within(oob).await.unwrap().unwrap().is_empty());
}

#[tokio::test]
async fn timeouts_and_cancellation_keep_the_connection_usable() {
    let (client, mut peer) = fake_qmp(builder().max_in_flight(Some(1))).await;
    let err = within(client.execute_timeout(QueryVersion {}, Duration::from_millis(50)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)));
    let late = peer.request().await;
    // The abandoned command still holds the one in-flight slot until its reply comes: the server has it queued.
    let next = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("next", Value::Null).await }
    });
    assert!(peer.quiet_for(Duration::from_millis(100)).await);
    peer.reply(
        &late["id"],
        json!({"qemu": {"major": 1, "minor": 0, "micro": 0}, "package": ""}),
    )
    .await;
    let req = peer.request().await;
    assert_eq!(req["execute"], "next");
    peer.reply(&req["id"], json!("fine")).await;
    assert_eq!(within(next).await.unwrap().unwrap(), "fine");
    assert_eq!(client.unknown_replies(), 0);
}

#[tokio::test]
async fn client_wide_call_timeout() {
    let (client, mut peer) =
        fake_qmp(builder().call_timeout(Some(Duration::from_millis(50)))).await;
    let err = within(client.execute_raw("x", Value::Null))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == Duration::from_millis(50)));
    let _ = peer.request().await;
}

#[tokio::test]
async fn close_fails_pending_calls_and_ends_subscriptions() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let mut events = client.subscribe_all();
    let call = tokio::spawn({
        let c = client.clone();
        async move { c.execute_raw("x", Value::Null).await }
    });
    let _ = peer.request().await;
    within(client.close()).await;
    assert!(matches!(within(call).await.unwrap(), Err(Error::Shutdown)));
    assert!(within(events.next()).await.is_none());
    assert!(matches!(
        client.execute_raw("x", Value::Null).await,
        Err(Error::Shutdown)
    ));
}

#[tokio::test]
async fn dropping_the_last_client_closes_the_connection() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let mut events = client.subscribe_all();
    drop(client);
    assert!(within(events.next()).await.is_none());
    assert!(
        peer.read_rest().await.is_empty(),
        "the server sees end of file"
    );
}

#[tokio::test]
async fn arguments_that_are_not_an_object_are_refused_before_sending() {
    let (client, mut peer) = fake_qmp(builder()).await;
    let err = client.execute_raw("x", json!([1, 2])).await.unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err}");
    assert!(peer.quiet_for(Duration::from_millis(50)).await);
}

#[tokio::test]
async fn file_descriptors_need_a_unix_socket() {
    let (a, b) = tokio::io::duplex(4096);
    let mut peer = tokio::io::BufReader::new(b);
    let connecting = tokio::spawn(builder().stream(a));
    tokio::io::AsyncWriteExt::write_all(peer.get_mut(), format!("{GREETING}\r\n").as_bytes())
        .await
        .unwrap();
    let mut line = String::new();
    tokio::io::AsyncBufReadExt::read_line(&mut peer, &mut line)
        .await
        .unwrap();
    let req: Value = serde_json::from_str(&line).unwrap();
    let reply = format!("{}\r\n", echo_id(json!({"return": {}}), &req));
    tokio::io::AsyncWriteExt::write_all(peer.get_mut(), reply.as_bytes())
        .await
        .unwrap();
    let client: Client = within(connecting).await.unwrap().unwrap();
    let file = std::fs::File::open("/dev/null").unwrap();
    let fd = std::os::fd::AsFd::as_fd(&file);
    let err = client
        .execute_with_fds(Getfd { fdname: "f".into() }, &[fd])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)), "{err}");
}

/// Reads from a blocking socket with recvmsg, collecting any SCM_RIGHTS fds.
fn recv_with_fds(
    sock: &std::os::unix::net::UnixStream,
    buf: &mut [u8],
) -> (usize, Vec<std::os::fd::OwnedFd>) {
    use std::os::fd::{AsRawFd, FromRawFd};
    let mut control = [0u64; 32];
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: plain recvmsg into buffers that live across the call; fds are taken over as OwnedFd once.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        let n = libc::recvmsg(sock.as_raw_fd(), &mut msg, 0);
        assert!(n >= 0, "recvmsg: {}", std::io::Error::last_os_error());
        let mut fds = Vec::new();
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let count = ((*cmsg).cmsg_len as usize - libc::CMSG_LEN(0) as usize) / 4;
                let data = libc::CMSG_DATA(cmsg).cast::<i32>();
                for i in 0..count {
                    fds.push(std::os::fd::OwnedFd::from_raw_fd(
                        data.add(i).read_unaligned(),
                    ));
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
        (n as usize, fds)
    }
}

#[tokio::test]
async fn file_descriptors_travel_with_their_command() {
    use std::io::Write;
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let (ours, mut theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    let file = tempfile::tempfile().unwrap();
    let inode = file.metadata().unwrap().ino();
    let server = std::thread::spawn(move || {
        theirs.set_read_timeout(Some(LIMIT)).unwrap();
        theirs
            .write_all(format!("{GREETING}\r\n").as_bytes())
            .unwrap();
        let mut got_fds = Vec::new();
        for _ in 0..2 {
            let mut buf = [0u8; 4096];
            let (n, fds) = recv_with_fds(&theirs, &mut buf);
            got_fds.extend(fds);
            let req: Value =
                serde_json::from_slice(&buf[..n]).expect("one whole request per read here");
            theirs
                .write_all(format!("{}\r\n", echo_id(json!({"return": {}}), &req)).as_bytes())
                .unwrap();
        }
        got_fds
    });
    let client = within(builder().unix_stream(UnixStream::from_std(ours).unwrap()))
        .await
        .unwrap();
    within(client.execute_with_fds(Getfd { fdname: "f".into() }, &[file.as_fd()]))
        .await
        .unwrap();
    let fds = server.join().unwrap();
    assert_eq!(fds.len(), 1);
    let received = std::fs::File::from(fds.into_iter().next().unwrap());
    assert_eq!(
        received.metadata().unwrap().ino(),
        inode,
        "the very same file arrived"
    );
}

#[tokio::test]
async fn subscriptions_are_streams() {
    use futures_core::Stream;
    use std::pin::Pin;
    let (client, mut peer) = fake_qmp(builder()).await;
    let mut jobs = client.subscribe::<JobStatusChange>();
    let mut all = client.subscribe_all();
    peer.event("JOB_STATUS_CHANGE", json!({"id": "s", "status": "created"}))
        .await;
    let typed = within(std::future::poll_fn(|cx| Pin::new(&mut jobs).poll_next(cx))).await;
    assert_eq!(typed.unwrap().unwrap().data.id, "s");
    let raw = within(std::future::poll_fn(|cx| Pin::new(&mut all).poll_next(cx))).await;
    assert_eq!(raw.unwrap().name, "JOB_STATUS_CHANGE");
    drop(client);
    let end = within(std::future::poll_fn(|cx| Pin::new(&mut all).poll_next(cx))).await;
    assert!(end.is_none());
}
