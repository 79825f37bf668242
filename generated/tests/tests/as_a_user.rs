//! `qemu-qmp` as a user meets it: written against the public API only (the crate's docs, no generated source
//! read), against a running `qemu-system-x86_64` (`-machine pc -S`, a null block node). Commands with required
//! arguments, with only optional ones and with none; an out-of-band command; a union and an alternate built with
//! `From`; a typed wait for an event.

use std::time::Duration;

use qapi_tests::Server;
use qemu_qmp::{
    BlockdevDel, BlockdevOptions, BlockdevOptionsBranch, BlockdevOptionsNull, BlockdevOptionsRaw,
    BlockdevRef, Commands, QomListTypes, QueryYank, ResumeEvent, RunState, StopEvent, YankInstance,
    YankInstanceChardev,
};
use qmp_client::blocking::Client;
use qmp_client::ClientBuilder;

fn connect(vm: &Server) -> Client {
    let builder = ClientBuilder::new()
        .wait_for_server(true)
        .call_timeout(Some(Duration::from_secs(60)));
    Client::connect_unix_with(builder, vm.socket()).expect("connecting to QEMU")
}

#[test]
fn a_user_drives_qemu_through_the_generated_api() {
    let Some(vm) =
        Server::system_emulator(&["-m", "64", "-blockdev", "driver=null-co,node-name=null0"])
    else {
        return;
    };
    let qmp = connect(&vm);

    // No arguments: the method takes none.
    let status = qmp.query_status().expect("query-status");
    assert_eq!(status.status, RunState::Prelaunch);
    assert!(!status.running);

    // Only optional arguments: the method still takes them, here one of them set. (Not
    // `query-named-block-nodes`: its reply gained a required `children` in QEMU 10.1, which this 10.0.2 does not
    // send.)
    let nics = qmp
        .qom_list_types(QomListTypes::new().with_implements("virtio-pci"))
        .expect("qom-list-types");
    assert!(nics.iter().any(|t| t.name == "virtio-net-pci"), "{nics:?}");
    let all_absent = qmp
        .qom_list_types(Default::default())
        .expect("qom-list-types without arguments");
    assert!(all_absent.len() > nics.len());

    // Required arguments: a union built from its branch struct with `From`, over an alternate built from a node
    // name with `From`.
    let raw = BlockdevOptions::from(BlockdevOptionsRaw::new(BlockdevRef::from("null0")))
        .with_node_name("raw0")
        .with_read_only(true);
    qmp.blockdev_add(raw)
        .expect("blockdev-add of a raw node over null0");
    let null1 = BlockdevOptions::new(BlockdevOptionsBranch::NullCo(BlockdevOptionsNull::new()))
        .with_node_name("null1");
    qmp.blockdev_add(null1)
        .expect("blockdev-add of a second null node");
    let graph = qmp.x_debug_query_block_graph().unwrap();
    assert!(
        graph.nodes.iter().any(|n| n.name == "raw0"),
        "the raw node is in the graph: {graph:?}"
    );
    qmp.blockdev_del(BlockdevDel::new("raw0"))
        .expect("blockdev-del");
    qmp.blockdev_del(BlockdevDel::new("null1"))
        .expect("blockdev-del");
    let err = qmp.blockdev_del(BlockdevDel::new("raw0")).unwrap_err();
    assert!(matches!(err, qmp_client::Error::Qmp { .. }), "{err}");

    // Out of band: `query-yank` allows it; `execute_oob` only takes such commands.
    let instances = qmp
        .execute_oob(QueryYank::new())
        .expect("query-yank out of band");
    // The monitor's own chardev can be yanked; a union built from its branch struct compares equal to it.
    let monitor = YankInstance::from(YankInstanceChardev::new("compat_monitor0"));
    assert!(instances.contains(&monitor), "{instances:?}");

    // Typed events, waited for without a race: the listener exists before the command goes out.
    let (_, resumed) = qmp
        .execute_and_wait(
            qemu_qmp::Cont::new(),
            |_: &qmp_client::TypedEvent<ResumeEvent>| true,
        )
        .expect("cont, then RESUME");
    assert!(resumed.timestamp.seconds > 0);
    assert!(qmp.query_status().unwrap().running);
    let mut stops = qmp.subscribe::<StopEvent>();
    qmp.stop().expect("stop");
    let stopped = stops
        .next_timeout(Duration::from_secs(30))
        .expect("the event stream")
        .expect("STOP within 30 s");
    assert!(stopped.timestamp.seconds >= resumed.timestamp.seconds);
    assert_eq!(qmp.query_status().unwrap().status, RunState::Paused);
}
