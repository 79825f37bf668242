//! The client's options against real QEMU 10.0.2 programs: reconnection across a restart of
//! qemu-system-x86_64, listen mode with QEMU connecting to the client, read-only refusal against
//! qemu-storage-daemon, and execute_and_wait's time limit on a paused VM.

mod common;

use std::time::Duration;

use common::*;
use qapi_tests::Server;
use qmp_client::{Error, Reconnect, TypedEvent, CONNECTION_LOST, RECONNECTED};
use serde_json::{json, Value};

/// qemu-system-x86_64 paused (`-S`), with its monitor listening on `path` (outside the server's temp dir, so that
/// a second one can take the first one's place).
fn vm_listening_on(path: &std::path::Path) -> Option<Server> {
    let qmp = format!("unix:{},server=on,wait=off", path.display());
    vm(&["-qmp", &qmp])
}

/// qemu-system-x86_64 paused (`-S`), without devices, with `monitor` (its QMP options) added.
fn vm(monitor: &[&str]) -> Option<Server> {
    let mut args = vec![
        "-machine",
        "pc,accel=tcg",
        "-S",
        "-display",
        "none",
        "-nodefaults",
        "-m",
        "64",
    ];
    args.extend_from_slice(monitor);
    Server::start("qemu-system-x86_64", &args, &[])
}

#[tokio::test]
async fn reconnects_across_a_qemu_restart_and_subscribers_see_both_sides_of_the_gap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qmp.sock");
    let Some(mut first) = vm_listening_on(&path) else {
        return;
    };
    let plan = Reconnect {
        first_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        give_up_after: Some(Duration::from_secs(60)),
    };
    let qmp = within(real().reconnect(plan).connect_unix(&path))
        .await
        .expect("connecting to qemu-system-x86_64");
    let mut all = qmp.subscribe_all();
    let mut resumes = qmp.subscribe::<ResumeEvent>();
    within(qmp.execute_and_wait(Cont {}, |_: &TypedEvent<ResumeEvent>| true))
        .await
        .unwrap();
    let status = within(qmp.execute(QueryStatus {})).await.unwrap();
    assert_eq!(status.status, "running");
    assert_eq!(within(all.next()).await.unwrap().name, "RESUME");

    first.kill();
    let lost = within(all.next()).await.unwrap();
    assert_eq!(lost.name, CONNECTION_LOST);
    assert!(
        !qmp.is_closed(),
        "a reconnecting client outlives its connection"
    );
    let _second = vm_listening_on(&path).expect("qemu-system-x86_64 was there a moment ago");
    let back = within(all.next()).await.unwrap();
    assert_eq!(back.name, RECONNECTED, "{back:?}");
    assert!(back.data()["attempts"].as_u64().unwrap() >= 1);
    assert!(qmp.is_connected());

    // A new QEMU: paused again by -S, and the same subscriptions see its events.
    let status = within(qmp.execute(QueryStatus {})).await.unwrap();
    assert_eq!(status.status, "prelaunch");
    within(qmp.execute_and_wait(Cont {}, |_: &TypedEvent<ResumeEvent>| true))
        .await
        .unwrap();
    assert_eq!(within(all.next()).await.unwrap().name, "RESUME");
    let typed: Vec<bool> = within(async {
        let mut seen = Vec::new();
        for _ in 0..4 {
            seen.push(resumes.next().await.unwrap().is_ok());
        }
        seen
    })
    .await;
    assert_eq!(
        typed,
        [true, false, false, true],
        "RESUME, the two markers as gaps, RESUME"
    );
}

#[tokio::test]
async fn listen_mode_qemu_connects_to_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.sock");
    let listener = real().listen_unix(&path).unwrap();
    let chardev = format!(
        "socket,id=mon0,path={},server=off,reconnect-ms=200",
        path.display()
    );
    let Some(_vm) = vm(&["-chardev", &chardev, "-mon", "chardev=mon0,mode=control"]) else {
        return;
    };
    let qmp = within(listener.accept())
        .await
        .expect("QEMU connecting to us");
    assert_eq!(qmp.greeting().unwrap().version.qemu.major, 10);
    let status = within(qmp.execute(QueryStatus {})).await.unwrap();
    assert_eq!(status.status, "prelaunch");
    let (_, resumed) = within(qmp.execute_and_wait(Cont {}, |_: &TypedEvent<ResumeEvent>| true))
        .await
        .unwrap();
    assert!(resumed.timestamp.seconds > 0);
}

#[tokio::test]
async fn read_only_refuses_blockdev_add_and_the_daemon_never_sees_it() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = within(real().read_only().connect_unix(qsd.socket()))
        .await
        .unwrap();
    let add = json!({"driver": "null-co", "node-name": "n0"});
    let err = within(qmp.execute_raw("blockdev-add", add))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused { command, .. } if command == "blockdev-add"),
        "{err}"
    );
    let nodes = within(qmp.execute_raw("query-named-block-nodes", Value::Null))
        .await
        .unwrap();
    assert_eq!(nodes, json!([]), "nothing was added");
    let version = within(qmp.execute(QueryVersion {})).await.unwrap();
    assert_eq!(version.qemu.major, 10);
    // Every query this daemon has is allowed; the rest of its commands are not, except the listed getters.
    let schema = within(qmp.execute_raw("query-qmp-schema", Value::Null))
        .await
        .unwrap();
    let read_only = qmp_client::ReadOnly::qemu();
    for command in schema
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["meta-type"] == "command")
    {
        let name = command["name"].as_str().unwrap();
        let expected = name.starts_with("query-")
            || name.starts_with("x-query-")
            || qmp_client::policy::QEMU_READ_ONLY.contains(&name);
        assert_eq!(read_only.allows(name), expected, "{name}");
    }
}

#[tokio::test]
async fn stop_on_a_paused_vm_times_out_waiting_for_its_stop_event() {
    let Some(vm) = Server::system_emulator(&["-m", "64"]) else {
        return;
    };
    let qmp = within(real().connect_unix(vm.socket())).await.unwrap();
    // -S: already paused, so `stop` succeeds and no STOP event comes.
    let limit = Duration::from_millis(500);
    let err =
        within(qmp.execute_and_wait_timeout(Stop {}, limit, |_: &TypedEvent<StopEvent>| true))
            .await
            .unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == limit), "{err}");
    assert_eq!(
        within(qmp.execute(QueryStatus {})).await.unwrap().status,
        "prelaunch"
    );
}
