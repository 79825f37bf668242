//! `qemu-qmp` (QEMU 10.2.0's QMP schema) against a running `qemu-system-x86_64` 10.0.2 (`-machine pc -S`: the
//! guest never runs).

mod common;

use std::collections::BTreeSet;

use common::{connect, known, newer_in_replies, run_queries};
use qapi_tests::{missing, Server};
use qemu_qmp::{Commands as _, MigMode, MigrateSetParameters, RunState, SchemaInfoBranch};

include!(concat!(env!("OUT_DIR"), "/known_qemu_qmp.rs"));

/// A small guest with one null block node, so that the block queries have something to describe.
const VM_WITH_A_NULL_NODE: &[&str] = &["-m", "64", "-blockdev", "driver=null-co,node-name=null0"];

/// The server's commands and events, from its `query-qmp-schema` decoded by the 10.2.0 bindings.
fn live_names(client: &qmp_client::blocking::Client) -> (Vec<String>, Vec<String>) {
    let schema = client.query_qmp_schema().expect("query-qmp-schema decodes");
    let (mut commands, mut events) = (Vec::new(), Vec::new());
    for info in schema {
        match info.meta_type {
            SchemaInfoBranch::Command(_) => commands.push(info.name),
            SchemaInfoBranch::Event(_) => events.push(info.name),
            _ => {}
        }
    }
    (commands, events)
}

#[test]
fn every_query_decodes_and_every_known_command_and_event_exists() {
    if !AVAILABLE {
        return missing("QEMU 10.2.0's QMP schema in ../shared (the build script found none)");
    }
    let Some(vm) = Server::system_emulator(VM_WITH_A_NULL_NODE) else {
        return;
    };
    let client = connect(vm.socket());
    let (commands, events) = live_names(&client);
    assert!(
        commands.len() > 200 && events.len() > 40,
        "{} commands, {} events",
        commands.len(),
        events.len()
    );

    // Every command and event of the server that 10.2.0 defines is in the bindings, under its wire name.
    for (schema_name, binding_name) in COMMANDS.iter().chain(EVENTS) {
        assert_eq!(schema_name, binding_name);
    }
    let bound: BTreeSet<&str> = COMMANDS.iter().chain(EVENTS).map(|(_, n)| *n).collect();
    let (mut known_live, mut newer) = (0, Vec::new());
    for name in commands.iter().chain(&events) {
        if bound.contains(name.as_str()) {
            known_live += 1;
        } else {
            newer.push(name.as_str());
        }
    }
    eprintln!(
        "{} of the server's {} commands and events are in the 10.2.0 bindings; newer: {newer:?}",
        known_live,
        commands.len() + events.len()
    );
    assert!(known_live > 250, "{known_live}");
    // The bindings are newer than this QEMU: what the server has and they lack is what QEMU removed since.
    assert_eq!(
        newer,
        ["x-query-opcount"],
        "commands of QEMU 10.0.2 that 10.2.0 dropped"
    );

    let outcomes = run_queries(call_queries(&client), &commands);
    let decoded = outcomes.iter().filter(|o| o.result.is_ok()).count();
    eprintln!("{decoded} of {} queries decoded", outcomes.len());
    assert!(
        outcomes.len() > 60 && decoded > 50,
        "{decoded} of {}",
        outcomes.len()
    );

    // The server is older than the bindings: nothing in its replies is unknown to them.
    let dropped = newer_in_replies(&client, &outcomes);
    assert!(dropped.is_empty(), "{dropped:?}");
}

/// An enum value goes out and comes back through the typed API (`MigMode::CprTransfer`, new in QEMU 10.0).
#[test]
fn an_enum_value_goes_out_and_comes_back() {
    if !AVAILABLE {
        return missing("QEMU 10.2.0's QMP schema in ../shared (the build script found none)");
    }
    let Some(vm) = Server::system_emulator(VM_WITH_A_NULL_NODE) else {
        return;
    };
    let client = connect(vm.socket());
    let set = MigrateSetParameters::new().with_mode(MigMode::CprTransfer);
    client
        .migrate_set_parameters(set)
        .expect("migrate-set-parameters with a 10.0 mode");
    let parameters = client.query_migrate_parameters().unwrap();
    assert_eq!(parameters.mode, Some(MigMode::CprTransfer));
    let encoded = serde_json::to_value(&parameters).unwrap();
    assert_eq!(encoded["mode"], "cpr-transfer");
    let known = client.query_status().unwrap();
    assert_eq!(known.status, RunState::Prelaunch);
}
