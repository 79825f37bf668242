//! Against a real qemu-system-x86_64 10.0.2 started with `-machine pc -S` (the guest never boots anything).

mod common;

use std::os::fd::AsFd;

use common::*;
use qapi_tests::Server;
use qmp_client::{Client, TypedEvent};
use serde_json::{json, Value};

async fn connect(server: &Server) -> Client {
    within(real().connect_unix(server.socket()))
        .await
        .expect("connecting to qemu-system-x86_64")
}

#[tokio::test]
async fn cont_and_stop_with_resume_and_stop_events() {
    let Some(vm) = Server::system_emulator(VM_WITH_VNC) else {
        return;
    };
    let qmp = connect(&vm).await;
    let status = within(qmp.execute(QueryStatus {})).await.unwrap();
    assert_eq!(
        (status.running, status.status.as_str()),
        (false, "prelaunch")
    );

    let mut all = qmp.subscribe_all();
    let (_, resumed) = within(qmp.execute_and_wait(Cont {}, |_: &TypedEvent<ResumeEvent>| true))
        .await
        .unwrap();
    assert!(resumed.timestamp.time().is_some());
    assert!(within(qmp.execute(QueryStatus {})).await.unwrap().running);
    let (_, stopped) = within(qmp.execute_and_wait(Stop {}, |_: &TypedEvent<StopEvent>| true))
        .await
        .unwrap();
    assert!(stopped.timestamp.seconds >= resumed.timestamp.seconds);
    let status = within(qmp.execute(QueryStatus {})).await.unwrap();
    assert_eq!((status.running, status.status.as_str()), (false, "paused"));

    let names: Vec<String> = std::iter::from_fn(|| all.try_next())
        .map(|e| e.name.clone())
        .collect();
    assert_eq!(
        names,
        ["RESUME", "STOP"],
        "the raw subscription saw both, in order"
    );
}

#[tokio::test]
async fn vnc_connected_when_a_tcp_client_connects() {
    let Some(vm) = Server::system_emulator(VM_WITH_VNC) else {
        return;
    };
    let qmp = connect(&vm).await;
    let vnc = within(qmp.execute_raw("query-vnc", Value::Null))
        .await
        .unwrap();
    let port = vnc["service"].as_str().unwrap().to_owned();
    let mut connected = qmp.subscribe::<VncConnected>();
    let _viewer = within(tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")))
        .await
        .unwrap();
    let event = within(connected.next()).await.unwrap().unwrap();
    assert_eq!(event.data.server["service"], json!(port));
    assert_eq!(event.data.client["host"], "127.0.0.1");
}

#[tokio::test]
async fn getfd_and_add_fd_with_real_file_descriptors() {
    let Some(vm) = Server::system_emulator(VM_WITH_VNC) else {
        return;
    };
    let qmp = connect(&vm).await;
    let file = std::fs::File::create(vm.path("passed")).unwrap();

    within(qmp.execute_with_fds(
        Getfd {
            fdname: "passed0".into(),
        },
        &[file.as_fd()],
    ))
    .await
    .unwrap();
    within(qmp.execute(Closefd {
        fdname: "passed0".into(),
    }))
    .await
    .unwrap();
    let err = within(qmp.execute(Closefd {
        fdname: "passed0".into(),
    }))
    .await
    .unwrap_err();
    assert_eq!(
        err.class().map(|c| c.as_str()),
        Some("GenericError"),
        "the fd was closed already: {err}"
    );

    let added = within(qmp.execute_with_fds(
        AddFd {
            fdset_id: None,
            opaque: Some("mine".into()),
        },
        &[file.as_fd()],
    ))
    .await
    .unwrap();
    let fdsets = within(qmp.execute_raw("query-fdsets", Value::Null))
        .await
        .unwrap();
    let set = fdsets
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["fdset-id"] == json!(added.fdset_id))
        .unwrap();
    assert_eq!(set["fds"][0]["fd"], json!(added.fd));
    assert_eq!(set["fds"][0]["opaque"], "mine");

    // Without an fd attached, getfd fails and the connection goes on.
    let err = within(qmp.execute(Getfd {
        fdname: "none".into(),
    }))
    .await
    .unwrap_err();
    assert!(err.class().is_some(), "{err}");
    within(qmp.execute(QueryStatus {})).await.unwrap();
}

#[tokio::test]
async fn hundred_concurrent_commands_and_out_of_band() {
    let Some(vm) = Server::system_emulator(VM_WITH_VNC) else {
        return;
    };
    let qmp = connect(&vm).await;
    assert!(qmp.oob_enabled());
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let qmp = qmp.clone();
            tokio::spawn(async move {
                match i % 3 {
                    0 => qmp.execute(QueryVersion {}).await.map(|_| ()),
                    1 => qmp.execute(QueryStatus {}).await.map(|_| ()),
                    _ => qmp.execute_oob(QueryYank {}).await.map(|_| ()),
                }
            })
        })
        .collect();
    for t in tasks {
        within(t).await.unwrap().unwrap();
    }
    assert_eq!(qmp.unknown_replies(), 0);
}

#[tokio::test]
async fn qom_list_machine() {
    let Some(vm) = Server::system_emulator(VM_WITH_VNC) else {
        return;
    };
    let qmp = connect(&vm).await;
    let machine = within(qmp.execute(QomList {
        path: "/machine".into(),
    }))
    .await
    .unwrap();
    assert!(
        machine.iter().any(|p| p.name == "i440fx"),
        "{:?}",
        machine.iter().map(|p| &p.name).collect::<Vec<_>>()
    );
}
