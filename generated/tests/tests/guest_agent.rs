//! `qemu-qga` (QEMU 10.2.0's guest-agent schema) against a running `qemu-ga` 10.0.2 on this host, allowed only
//! the commands that read state.

mod common;

use common::{known, run_queries};
use qapi_tests::{missing, Server};
use qemu_qga::Commands as _;
use qmp_client::blocking::Client;
use qmp_client::ClientBuilder;

include!(concat!(env!("OUT_DIR"), "/known_qemu_qga.rs"));

#[test]
fn every_getter_decodes_and_every_supported_command_exists() {
    if !AVAILABLE {
        return missing(
            "QEMU 10.2.0's guest-agent schema in ../shared (the build script found none)",
        );
    }
    let mut allowed = vec!["guest-sync-delimited", "guest-sync", "guest-info"];
    allowed.extend(QUERIES);
    let Some(agent) = Server::guest_agent(&allowed) else {
        return;
    };
    let builder = ClientBuilder::new().wait_for_server(true).guest_agent();
    let client = Client::connect_unix_with(builder, agent.socket()).expect("connecting to qemu-ga");

    let info = client.guest_info().expect("guest-info decodes");
    assert!(info.version.starts_with("10.0"), "{}", info.version);
    let live: Vec<String> = info
        .supported_commands
        .iter()
        .map(|c| c.name.clone())
        .collect();
    for (schema_name, binding_name) in COMMANDS {
        assert_eq!(schema_name, binding_name);
    }
    let newer: Vec<&str> = live
        .iter()
        .map(String::as_str)
        .filter(|n| !COMMANDS.iter().any(|(c, _)| c == n))
        .collect();
    eprintln!(
        "{} of qemu-ga's {} commands are in the 10.2.0 bindings; newer: {newer:?}",
        live.len() - newer.len(),
        live.len()
    );
    assert!(live.len() - newer.len() > 35);
    // The bindings are newer than this agent: they know every command it has.
    assert!(newer.is_empty(), "{newer:?}");

    let outcomes = run_queries(call_queries(&client), &live);
    let decoded = outcomes.iter().filter(|o| o.result.is_ok()).count();
    eprintln!("{decoded} of {} getters decoded", outcomes.len());
    assert!(decoded >= 5, "{decoded} of {}", outcomes.len());
}
