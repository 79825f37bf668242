//! What a QEMU can do, asked of the saved `query-qmp-schema` replies in ../shared and of a live
//! qemu-storage-daemon.

use std::path::Path;

use qapi_introspection::{Capabilities, ClientCapabilities, Connection, Input, SchemaPath};
use qapi_tests::{shared_file, Server};

mod typed {
    qapi_macros::include_qapi!("tests/data/commands.json", docs = false);
}

use typed::{BlockdevSetActive, Cont, JobStatusChangeEvent, ResetEvent};

fn saved(name: &str) -> Option<Capabilities> {
    let path = shared_file(&format!("qemu/introspection/{name}.json"))?;
    match Input::open(&path) {
        Ok(Input::Introspection(reply)) => Some(Capabilities::new(reply, None)),
        other => panic!("{}: not a reply: {other:?}", path.display()),
    }
}

const IO_URING: &str = "blockdev-add/arg-type/+file/aio/^io_uring";

#[test]
fn storage_daemon_10_0_2_reply() {
    let Some(qsd) = saved("qemu-storage-daemon-10.0.2") else {
        return;
    };
    assert!(qsd.supports::<BlockdevSetActive>());
    assert!(!qsd.supports::<Cont>());
    // As the client's pre-send policy: what the daemon lacks is refused before sending, naming the command.
    let policy: &dyn qmp_client::CommandPolicy = &qsd;
    assert_eq!(policy.check("blockdev-set-active"), Ok(()));
    let refused = policy.check("cont").unwrap_err();
    assert!(refused.contains("lacks command cont"), "{refused}");
    assert!(qsd.emits::<JobStatusChangeEvent>());
    assert!(!qsd.emits::<ResetEvent>());
    assert!(qsd.has_path(IO_URING).unwrap());
    assert!(qsd.has_path("blockdev-add/arg-type/+file/*aio").unwrap());
    assert!(!qsd.has_path("blockdev-add/arg-type/*driver").unwrap());
    assert!(!qsd
        .has_path("blockdev-add/arg-type/+file/aio/^no_such_mode")
        .unwrap());
    assert!(!qsd
        .has_path("blockdev-add/arg-type/+no-such-driver")
        .unwrap());
    // A command name is not an event, nor the other way round.
    assert!(!qsd.has_event("blockdev-add"));
    assert!(!qsd.has_command("JOB_STATUS_CHANGE"));
    assert!(qsd.check("blockdev-add").is_ok());
    let refusal = qsd.check("cont").unwrap_err();
    assert_eq!(refusal.to_string(), "this QEMU lacks command cont");
}

#[test]
fn older_and_larger_replies() {
    let (Some(old), Some(system)) = (
        saved("qemu-storage-daemon-7.2.22"),
        saved("qemu-system-x86_64-10.0.2"),
    ) else {
        return;
    };
    assert!(!old.supports::<BlockdevSetActive>());
    assert!(old.has_path(IO_URING).unwrap());
    assert!(system.supports::<BlockdevSetActive>());
    assert!(system.supports::<Cont>());
    assert!(system.emits::<ResetEvent>());
    let typed = SchemaPath::command::<BlockdevSetActive>()
        .arg_type()
        .optional_member("node-name")
        .json_type("string");
    assert!(system.has(&typed));
    assert!(!old.has(&typed));
}

#[test]
fn live_storage_daemon() {
    let Some(daemon) = Server::storage_daemon(&[]) else {
        return;
    };
    let client = qapi_introspection::socket::connect(Path::new(daemon.socket())).unwrap();
    let direct = client.capabilities().unwrap();
    let version = direct
        .version()
        .expect("the greeting gives the version")
        .to_owned();
    assert!(version.starts_with("10."), "{version}");
    let qemu = Connection::new(client);
    assert!(qemu.supports::<BlockdevSetActive>().unwrap());
    assert!(!qemu.supports::<Cont>().unwrap());
    assert!(qemu.has_path(IO_URING).unwrap().unwrap());
    assert!(!qemu
        .has_path("blockdev-add/arg-type/+file/aio/^x")
        .unwrap()
        .unwrap());
    let refusal = qemu.capabilities().unwrap().check("cont").unwrap_err();
    assert_eq!(
        refusal.to_string(),
        format!("this QEMU lacks command cont (QEMU {version})")
    );
    // Asked once: the second answer is the same value.
    assert!(std::sync::Arc::ptr_eq(
        &qemu.capabilities().unwrap(),
        &qemu.capabilities().unwrap()
    ));
    // The connection still works for everything else.
    let status = qemu
        .execute_raw("query-version", serde_json::Value::Null)
        .unwrap();
    assert!(status["qemu"]["major"].as_i64().unwrap() >= 10);
}
