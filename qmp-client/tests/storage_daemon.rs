//! Against a real qemu-storage-daemon (10.0.2), started in a temp dir for each test.

mod common;

use std::time::Duration;

use common::*;
use qapi_tests::{program, Server};
use qmp_client::{Client, ClientBuilder, Command, Error, ErrorClass};
use serde_json::{json, Value};

async fn connect(server: &Server) -> Client {
    within(real().connect_unix(server.socket()))
        .await
        .expect("connecting to qemu-storage-daemon")
}

#[tokio::test]
async fn greeting_negotiation_and_typed_query_version() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = connect(&qsd).await;
    let greeting = qmp.greeting().expect("a QMP server greets");
    assert!(greeting.version.qemu.major >= 10, "{greeting:?}");
    assert!(
        greeting.capabilities.iter().any(|c| c == "oob"),
        "{greeting:?}"
    );
    assert!(qmp.oob_enabled());

    let v = within(qmp.execute(QueryVersion {})).await.unwrap();
    assert_eq!(v.qemu.major, greeting.version.qemu.major);
    assert_eq!(v.qemu.minor, greeting.version.qemu.minor);
    assert_eq!(v.package, greeting.version.package);

    let raw = within(qmp.execute_raw("query-version", Value::Null))
        .await
        .unwrap();
    assert_eq!(raw["qemu"]["major"], json!(v.qemu.major));
}

#[tokio::test]
async fn without_oob_when_not_wanted() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = within(real().oob(false).connect_unix(qsd.socket()))
        .await
        .unwrap();
    assert!(!qmp.oob_enabled());
    assert!(matches!(
        qmp.execute_oob(QueryYank {}).await,
        Err(Error::OobNotEnabled)
    ));
    within(qmp.execute(QueryVersion {})).await.unwrap();
}

/// The storage daemon has no command that allows out-of-band execution: it refuses `exec-oob`, and the
/// connection goes on.
#[tokio::test]
async fn out_of_band_refused_for_commands_without_allow_oob() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = connect(&qsd).await;
    let err = within(qmp.execute_raw_oob("query-version", Value::Null))
        .await
        .unwrap_err();
    assert_eq!(err.class(), Some(&ErrorClass::GENERIC_ERROR), "{err}");
    within(qmp.execute(QueryVersion {})).await.unwrap();
}

#[tokio::test]
async fn hundred_concurrent_commands() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = connect(&qsd).await;
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let qmp = qmp.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    qmp.execute(QueryVersion {}).await.map(|v| v.qemu.major)
                } else {
                    qmp.execute(QueryJobs {}).await.map(|j| j.len() as i64)
                }
            })
        })
        .collect();
    for (i, t) in tasks.into_iter().enumerate() {
        let got = within(t).await.unwrap().unwrap();
        if i % 2 == 0 {
            assert!(got >= 10);
        } else {
            assert_eq!(got, 0);
        }
    }
    assert_eq!(qmp.unknown_replies(), 0);
}

#[tokio::test]
async fn qmp_errors_carry_class_and_description() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = connect(&qsd).await;
    let err = within(qmp.execute_raw("no-such-command", Value::Null))
        .await
        .unwrap_err();
    assert_eq!(err.class(), Some(&ErrorClass::COMMAND_NOT_FOUND), "{err}");
    let err = within(qmp.execute(QomList {
        path: "/no/such/path".into(),
    }))
    .await
    .unwrap_err();
    let Error::Qmp { class, desc } = err else {
        panic!("{err}")
    };
    assert_eq!(class, "DeviceNotFound");
    assert!(desc.contains("/no/such/path"), "{desc}");
    // The connection goes on after errors.
    within(qmp.execute(QueryVersion {})).await.unwrap();
}

/// A binding that expects the wrong type, as stale bindings might.
#[derive(serde::Serialize)]
struct QueryVersionWrong {}
impl Command for QueryVersionWrong {
    const NAME: &'static str = "query-version";
    type Returns = WrongVersion;
}
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct WrongVersion {
    qemu: WrongTriple,
}
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct WrongTriple {
    major: String,
}
qapi_runtime::encode_via_serde!(QueryVersionWrong);
qapi_runtime::decode_via_serde!(WrongVersion);

#[tokio::test]
async fn decode_errors_give_path_and_raw_reply() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = connect(&qsd).await;
    let err = within(qmp.execute(QueryVersionWrong {})).await.unwrap_err();
    let d = err.decode_error().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(d.path, "qemu.major");
    assert!(d.what.contains("query-version"));
    assert!(d.raw.contains("\"package\""), "{}", d.raw);
    within(qmp.execute(QueryVersion {})).await.unwrap();
}

#[tokio::test]
async fn qom_list_objects() {
    let Some(qsd) = Server::storage_daemon(&["--object", "iothread,id=io0"]) else {
        return;
    };
    let qmp = connect(&qsd).await;
    let root = within(qmp.execute(QomList { path: "/".into() }))
        .await
        .unwrap();
    assert!(
        root.iter()
            .any(|p| p.name == "objects" && p.kind.starts_with("child<")),
        "{root:?}"
    );
    let objects = within(qmp.execute(QomList {
        path: "/objects".into(),
    }))
    .await
    .unwrap();
    assert!(
        objects
            .iter()
            .any(|p| p.name == "io0" && p.kind == "child<iothread>"),
        "{objects:?}"
    );
}

/// Runs `blockdev-create` as a job and returns the statuses its JOB_STATUS_CHANGE events went through.
async fn create_as_job(qmp: &Client, job: &str, options: Value) -> Vec<String> {
    let mut events = qmp.subscribe::<JobStatusChange>();
    within(qmp.execute(BlockdevCreate {
        job_id: job.into(),
        options,
    }))
    .await
    .unwrap();
    let mut statuses = Vec::new();
    while let Some(e) = within(events.next()).await {
        let e = e.unwrap();
        if e.data.id != job {
            continue;
        }
        statuses.push(e.data.status.clone());
        if e.data.status == "concluded" {
            break;
        }
    }
    let jobs = within(qmp.execute(QueryJobs {})).await.unwrap();
    let info = jobs
        .iter()
        .find(|j| j.id == job)
        .expect("the concluded job is listed");
    assert_eq!(
        (info.kind.as_str(), info.status.as_str(), &info.error),
        ("create", "concluded", &None)
    );
    within(qmp.execute_and_wait(
        JobDismiss { id: job.into() },
        |e: &qmp_client::TypedEvent<JobStatusChange>| e.data.id == job && e.data.status == "null",
    ))
    .await
    .unwrap();
    statuses
}

#[tokio::test]
async fn create_qcow2_image_as_a_job_and_export_it_over_nbd() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = connect(&qsd).await;
    let image = qsd.path("disk.qcow2");
    let filename = image.display().to_string();

    let statuses = create_as_job(
        &qmp,
        "mkfile",
        json!({"driver": "file", "filename": filename, "size": 0}),
    )
    .await;
    assert_eq!(statuses.last().map(String::as_str), Some("concluded"));
    within(qmp.execute(BlockdevAdd(
        json!({"driver": "file", "filename": filename, "node-name": "file0"}),
    )))
    .await
    .unwrap();
    let size = 64u64 << 20;
    let statuses = create_as_job(
        &qmp,
        "mkqcow2",
        json!({"driver": "qcow2", "file": "file0", "size": size}),
    )
    .await;
    assert_eq!(
        statuses,
        ["created", "running", "waiting", "pending", "concluded"]
    );

    within(qmp.execute(BlockdevAdd(
        json!({"driver": "qcow2", "file": "file0", "node-name": "disk0"}),
    )))
    .await
    .unwrap();
    let nbd = qsd.path("nbd.sock");
    let nbd_addr = json!({"type": "unix", "data": {"path": nbd.display().to_string()}});
    within(qmp.execute_raw("nbd-server-start", json!({"addr": nbd_addr})))
        .await
        .unwrap();
    let export = json!({"type": "nbd", "id": "exp0", "node-name": "disk0", "name": "disk0"});
    within(qmp.execute_raw("block-export-add", export))
        .await
        .unwrap();

    // The image is a real qcow2 of the size asked for, readable over the export.
    let Some(qemu_img) = program("qemu-img") else {
        return;
    };
    let uri = format!("nbd+unix:///disk0?socket={}", nbd.display());
    let out = tokio::process::Command::new(qemu_img)
        .args(["info", "--output=json", &uri])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["virtual-size"], json!(size), "{info}");
    let exports = within(qmp.execute_raw("query-block-exports", Value::Null))
        .await
        .unwrap();
    assert_eq!(exports[0]["id"], "exp0");
}

#[tokio::test]
async fn child_process_stdio_transport() {
    let Some(bin) = program("qemu-storage-daemon") else {
        return;
    };
    let mut cmd = tokio::process::Command::new(bin);
    cmd.args(["--chardev", "stdio,id=mon0", "--monitor", "chardev=mon0"]);
    let qmp = within(ClientBuilder::new().connect_child(cmd))
        .await
        .unwrap();
    assert!(qmp.child_id().is_some());
    let v = within(qmp.execute(QueryVersion {})).await.unwrap();
    assert!(v.qemu.major >= 10);
    qmp.close().await;
    assert!(matches!(
        qmp.execute(QueryVersion {}).await,
        Err(Error::Shutdown)
    ));
}

#[tokio::test]
async fn tcp_transport() {
    // A free loopback port; the daemon binds it a moment later.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let chardev = format!("socket,host=127.0.0.1,port={port},server=on,wait=off,id=mon0");
    let args = ["--chardev", &chardev, "--monitor", "chardev=mon0"];
    let Some(_qsd) = Server::start("qemu-storage-daemon", &args, &[]) else {
        return;
    };
    let qmp = within(real().connect_tcp(("127.0.0.1", port)))
        .await
        .unwrap();
    assert!(qmp.oob_enabled());
    let v = within(qmp.execute(QueryVersion {})).await.unwrap();
    assert!(v.qemu.major >= 10);
    let file = std::fs::File::open("/dev/null").unwrap();
    let fds = [std::os::fd::AsFd::as_fd(&file)];
    let err = within(qmp.execute_with_fds(Getfd { fdname: "x".into() }, &fds))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)), "{err}");
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) on our own child's pid.
    let rc = unsafe { libc::kill(pid as i32, sig) };
    assert_eq!(rc, 0, "kill({pid}, {sig})");
}

#[tokio::test]
async fn per_call_timeout_then_the_connection_goes_on() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = connect(&qsd).await;
    signal(qsd.pid(), libc::SIGSTOP);
    let err = qmp
        .execute_timeout(QueryVersion {}, Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    // A cancelled call: dropped before its reply.
    let dropped = tokio::time::timeout(Duration::from_millis(50), qmp.execute(QueryJobs {})).await;
    assert!(dropped.is_err());
    signal(qsd.pid(), libc::SIGCONT);
    let v = within(qmp.execute(QueryVersion {})).await.unwrap();
    assert!(v.qemu.major >= 10);
    assert_eq!(
        qmp.unknown_replies(),
        0,
        "late replies to abandoned calls are not strangers"
    );
}

#[tokio::test]
async fn a_dead_server_fails_every_pending_call_promptly() {
    let Some(mut qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = connect(&qsd).await;
    let mut events = qmp.subscribe_all();
    signal(qsd.pid(), libc::SIGSTOP);
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let qmp = qmp.clone();
            tokio::spawn(async move { qmp.execute(QueryVersion {}).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    qsd.kill();
    let started = std::time::Instant::now();
    for c in calls {
        let err = within(c).await.unwrap().unwrap_err();
        assert!(err.is_disconnect(), "{err}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        within(events.next()).await.is_none(),
        "subscriptions end with the connection"
    );
    assert!(qmp.is_closed());
    assert!(within(qmp.execute(QueryVersion {}))
        .await
        .unwrap_err()
        .is_disconnect());
}

#[test]
fn blocking_client_for_scripts() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = qmp_client::blocking::Client::connect_unix_with(real(), qsd.socket()).unwrap();
    let v = qmp.execute(QueryVersion {}).unwrap();
    assert!(v.qemu.major >= 10);
    let mut jobs = qmp.subscribe::<JobStatusChange>();
    let file = qsd.path("b.raw").display().to_string();
    qmp.execute(BlockdevCreate {
        job_id: "j".into(),
        options: json!({"driver": "file", "filename": file, "size": 0}),
    })
    .unwrap();
    let first = jobs.next_timeout(LIMIT).unwrap().unwrap();
    assert_eq!(
        (first.data.id.as_str(), first.data.status.as_str()),
        ("j", "created")
    );
    let concluded = jobs.find(|e| e.as_ref().is_ok_and(|e| e.data.status == "concluded"));
    assert!(concluded.is_some());
    qmp.close();
}
