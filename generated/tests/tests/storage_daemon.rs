//! `qemu-storage-daemon-qmp` (QEMU 10.2.0's storage-daemon schema) against a running `qemu-storage-daemon` 10.0.2
//! with one `null-co` block node.

mod common;

use std::collections::BTreeSet;

use common::{connect, known, newer_in_replies, run_queries};
use qapi_tests::{missing, Server};
use qemu_storage_daemon_qmp::{Commands as _, SchemaInfoBranch};

include!(concat!(
    env!("OUT_DIR"),
    "/known_qemu_storage_daemon_qmp.rs"
));

#[test]
fn every_query_decodes_and_every_known_command_and_event_exists() {
    if !AVAILABLE {
        return missing(
            "QEMU 10.2.0's storage-daemon schema in ../shared (the build script found none)",
        );
    }
    let Some(qsd) = Server::storage_daemon(&["--blockdev", "driver=null-co,node-name=null0"])
    else {
        return;
    };
    let client = connect(qsd.socket());
    let schema = client.query_qmp_schema().expect("query-qmp-schema decodes");
    let (mut commands, mut events) = (Vec::new(), Vec::new());
    for info in schema {
        match info.meta_type {
            SchemaInfoBranch::Command(_) => commands.push(info.name),
            SchemaInfoBranch::Event(_) => events.push(info.name),
            _ => {}
        }
    }

    for (schema_name, binding_name) in COMMANDS.iter().chain(EVENTS) {
        assert_eq!(schema_name, binding_name);
    }
    let bound: BTreeSet<&str> = COMMANDS.iter().chain(EVENTS).map(|(_, n)| *n).collect();
    let newer: Vec<&str> = commands
        .iter()
        .chain(&events)
        .map(String::as_str)
        .filter(|n| !bound.contains(n))
        .collect();
    let known_live = commands.len() + events.len() - newer.len();
    eprintln!("{known_live} of the server's commands and events are in the 10.2.0 bindings; newer: {newer:?}");
    assert!(known_live > 80, "{known_live}");
    // The storage daemon's schema is a subset of QMP's: every command it has, the 10.2.0 bindings have, but for
    // the ones QEMU added after 9.2.
    assert!(newer.len() < 10, "{newer:?}");

    let outcomes = run_queries(call_queries(&client), &commands);
    let decoded = outcomes.iter().filter(|o| o.result.is_ok()).count();
    eprintln!("{decoded} of {} queries decoded", outcomes.len());
    assert!(
        outcomes.len() > 10 && decoded > 10,
        "{decoded} of {}",
        outcomes.len()
    );

    // The server is older than the bindings: nothing in its replies or its command list is unknown to them.
    let dropped = newer_in_replies(&client, &outcomes);
    assert!(dropped.is_empty(), "{dropped:?}");
    assert!(newer.is_empty(), "{newer:?}");
}
