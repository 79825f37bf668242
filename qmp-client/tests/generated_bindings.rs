//! The client driven by real generated bindings: QEMU 9.2.4's storage-daemon and guest-agent schemas (from
//! ../shared) expanded in place by `include_qapi!`, against the 10.0.2 programs.

mod common;

use common::*;
use qapi_runtime::{Command, EventSet};
use qapi_tests::{Server, GUEST_AGENT_PROBES};
use qmp_client::Error;

mod qsd {
    qapi_macros::include_qapi!(
        "../../shared/qemu/9.2.4/storage-daemon/qapi/qapi-schema.json",
        docs = false,
        modules = ["control", "job", "block-core", "introspect", "qom"]
    );
}

mod qga {
    qapi_macros::include_qapi!("../../shared/qemu/9.2.4/qga/qapi-schema.json", docs = false);
}

use qga::Commands as _;
use qsd::Commands as _;

#[tokio::test]
async fn storage_daemon_with_generated_bindings() {
    let Some(server) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = within(real().connect_unix(server.socket())).await.unwrap();

    let v = within(qmp.query_version()).await.unwrap();
    assert_eq!(v.qemu.major, qmp.greeting().unwrap().version.qemu.major);

    let mut jobs = qmp.subscribe::<qsd::JobStatusChangeEvent>();
    let mut all = qmp.subscribe_set::<qsd::AnyEvent>();
    let file = server.path("gen.raw").display().to_string();
    let options = qsd::BlockdevCreateOptions::new(qsd::BlockdevCreateOptionsBranch::File(
        qsd::BlockdevCreateOptionsFile::new(file, 1 << 20),
    ));
    within(qmp.blockdev_create(qsd::BlockdevCreate::new("gen", options)))
        .await
        .unwrap();
    let mut statuses = Vec::new();
    while let Some(e) = within(jobs.next()).await {
        let e = e.unwrap();
        statuses.push(e.data.status.clone());
        if e.data.status == qsd::JobStatus::Concluded {
            break;
        }
    }
    assert_eq!(statuses.first(), Some(&qsd::JobStatus::Created));
    within(qmp.job_dismiss(qsd::JobDismiss::new("gen")))
        .await
        .unwrap();
    let names: Vec<String> = std::iter::from_fn(|| all.try_next())
        .map(|e| e.unwrap().0.name().to_owned())
        .collect();
    assert!(
        names.len() >= statuses.len() && names.iter().all(|n| n == "JOB_STATUS_CHANGE"),
        "{names:?}"
    );

    // 9.2.4 bindings read 10.0.2's schema reply (newer members and enum values are kept, not refused).
    let schema = within(qmp.query_qmp_schema()).await.unwrap();
    assert!(schema.len() > 300, "{}", schema.len());

    let objects = within(qmp.qom_list(qsd::QomList::new("/objects")))
        .await
        .unwrap();
    assert!(objects.iter().all(|p| !p.name.is_empty()));

    let err = within(qmp.blockdev_del(qsd::BlockdevDel::new("none")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Qmp { .. }), "{err}");
}

#[tokio::test]
async fn guest_agent_with_generated_bindings() {
    // The type system knows guest-shutdown sends no reply on success; it is never sent here (it would act on
    // this host).
    const { assert!(!<qga::GuestShutdown as Command>::SUCCESS_RESPONSE) };
    let Some(ga) = Server::guest_agent(GUEST_AGENT_PROBES) else {
        return;
    };
    let agent = within(real().guest_agent().connect_unix(ga.socket()))
        .await
        .unwrap();
    within(agent.guest_ping()).await.unwrap();
    let info = within(agent.guest_info()).await.unwrap();
    assert!(info.version.starts_with("10."), "{}", info.version);
    let ping = info
        .supported_commands
        .iter()
        .find(|c| c.name == "guest-ping")
        .unwrap();
    assert!(ping.enabled);
    let token = within(agent.guest_sync_delimited(qga::GuestSyncDelimited::new(42)))
        .await
        .unwrap();
    assert_eq!(token, 42);
}
