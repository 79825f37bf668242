//! The mock QEMU: stubbed values, errors and closures; the calls received, typed; scripted events.

use std::time::Duration;

use qapi_runtime::Empty;
use qemu_qmp::{BlockdevAdd, BlockdevOptionsBranch, Cont, QueryYank, Stop};
use qmp_client::Client;
use qmp_server::{CommandError, Mock};
use serde_json::{json, Value};

const LIMIT: Duration = Duration::from_secs(20);

async fn next(events: &mut qmp_client::EventStream) -> std::sync::Arc<qmp_client::RawEvent> {
    tokio::time::timeout(LIMIT, events.next())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stubs_answer_and_calls_are_recorded_with_typed_arguments() {
    let mock = Mock::start().await.unwrap();
    mock.stub_value("query-name", json!({"name": "vm0"}));
    mock.stub_error("cont", CommandError::generic("guest is not running"));
    mock.on::<BlockdevAdd>(|add| match add.0.node_name.as_deref() {
        Some("ok") => Ok(Empty {}),
        other => Err(CommandError::generic(format!("node {other:?} refused"))),
    });
    let qmp = Client::connect_unix(mock.path()).await.unwrap();

    assert_eq!(
        qmp.execute_raw("query-name", Value::Null).await.unwrap(),
        json!({"name": "vm0"})
    );
    let refused = qmp.execute(Cont::new()).await.unwrap_err();
    assert!(
        refused.to_string().contains("guest is not running"),
        "{refused}"
    );
    let add = json!({"driver": "null-co", "node-name": "ok"});
    qmp.execute_raw("blockdev-add", add).await.unwrap();
    let add = json!({"driver": "null-co", "node-name": "no"});
    let refused = qmp.execute_raw("blockdev-add", add).await.unwrap_err();
    assert!(
        refused.to_string().contains("node Some(\"no\") refused"),
        "{refused}"
    );
    // Typed stubs check arguments as QEMU does.
    let bad = qmp
        .execute_raw("blockdev-add", json!({"node-name": "x"}))
        .await
        .unwrap_err();
    assert!(
        bad.to_string().contains("Parameter 'driver' is missing"),
        "{bad}"
    );
    let missing = qmp.execute_raw("no-stub", Value::Null).await.unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("The command no-stub has not been found"),
        "{missing}"
    );

    let adds = mock.calls_of::<BlockdevAdd>();
    assert_eq!(adds.len(), 2, "the call with bad arguments does not decode");
    assert_eq!(adds[0].0.node_name.as_deref(), Some("ok"));
    assert!(matches!(adds[1].0.driver, BlockdevOptionsBranch::NullCo(_)));
    let names: Vec<String> = mock.calls().into_iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "query-name",
            "cont",
            "blockdev-add",
            "blockdev-add",
            "blockdev-add",
            "no-stub"
        ]
    );
    assert_eq!(mock.call_count("blockdev-add"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_stubs_carry_the_commands_flags() {
    let mock = Mock::start().await.unwrap();
    mock.returns::<QueryYank>(Vec::new());
    let qmp = Client::connect_unix(mock.path()).await.unwrap();
    assert!(qmp.execute_oob(QueryYank::new()).await.unwrap().is_empty());
    mock.stub_value("stop", json!({}));
    let refused = qmp.execute_raw_oob("stop", Value::Null).await.unwrap_err();
    assert!(
        refused.to_string().contains("does not support OOB"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_events_after_a_command_on_a_timer_and_on_demand() {
    let mock = Mock::start().await.unwrap();
    mock.returns::<Stop>(Empty {});
    mock.emit_after("stop", "STOP", Value::Null);
    let qmp = Client::connect_unix(mock.path()).await.unwrap();
    let mut events = qmp.subscribe_all();

    qmp.execute(Stop::new()).await.unwrap();
    assert_eq!(next(&mut events).await.name, "STOP");

    mock.emit_raw(
        "RESET",
        json!({"guest": true, "reason": "host-qmp-system-reset"}),
    );
    let reset = next(&mut events).await;
    assert_eq!(reset.name, "RESET");
    assert_eq!(reset.data()["reason"], "host-qmp-system-reset");

    mock.emit_in(Duration::from_millis(10), "RESUME", Value::Null);
    assert_eq!(next(&mut events).await.name, "RESUME");

    mock.emit_every(
        Duration::from_millis(5),
        "BALLOON_CHANGE",
        json!({"actual": 1}),
    );
    for _ in 0..3 {
        assert_eq!(next(&mut events).await.name, "BALLOON_CHANGE");
    }
}
