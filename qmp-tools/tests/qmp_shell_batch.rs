//! qmp-shell reading commands from standard input (scripts), against real QEMU programs.

mod common;

use common::{line_of, run_tool, text};
use qapi_tests::{Server, GUEST_AGENT_PROBES};
use serde_json::Value;

const SHELL: &str = env!("CARGO_BIN_EXE_qmp-shell");

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn commands_replies_and_events_in_wire_order_against_qemu_system() {
    let Some(vm) = Server::system_emulator(&["-name", "shell-test"]) else {
        return;
    };
    let script = "\
# comments and blank lines are skipped

query-status
query-name
cont
stop
.wait STOP 5
{\"execute\": \"query-status\"}
";
    let out = run_tool(SHELL, &[vm.socket()], script);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let replies = json_lines(&stdout);
    assert_eq!(replies[0]["return"]["status"], "prelaunch");
    assert_eq!(replies[1]["return"]["name"], "shell-test");
    // Each event shows before the reply it came before on the wire.
    let lines: Vec<&str> = stdout.lines().collect();
    let resume = line_of(&lines, "\"event\": \"RESUME\"");
    let stop = line_of(&lines, "\"event\": \"STOP\"");
    assert!(lines[resume + 1].starts_with("{\"return\""), "{stdout}");
    assert!(
        resume < stop && lines[stop + 1].starts_with("{\"return\""),
        "{stdout}"
    );
    assert_eq!(replies.last().unwrap()["return"]["status"], "paused");
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}

#[test]
fn bad_arguments_are_refused_before_sending_with_clear_messages() {
    let Some(vm) = Server::system_emulator(&[]) else {
        return;
    };
    let script = "\
query-status verbose=true
blockdev-add driver=null-co node-name=n0 read-only=yes
blockdev-add driver=null-c node-name=n0
blockdev-add node-name=n0
block_resize node-name=n0 sise=1
query-stauts
blockdev-add driver=null-co node-name=n0 size=1048576
";
    let out = run_tool(SHELL, &["-v", vm.socket()], script);
    assert_eq!(out.status.code(), Some(1), "failures give exit status 1");
    let stderr = text(&out.stderr);
    for expected in [
        "error: query-status: unknown argument 'verbose' (there are none)",
        "error: blockdev-add: 'read-only': expected a boolean (true or false), got the string \"yes\"",
        "error: blockdev-add: 'driver': 'null-c' is not one of ",
        "(did you mean 'null-co'?)",
        "error: blockdev-add: missing required argument 'driver'",
        "error: block_resize: unknown argument 'sise' (did you mean 'size'?)",
        "error: block_resize: missing required argument 'size' (int)",
        "error: query-stauts: unknown command 'query-stauts'",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    // Only the good command went out (-v shows every request sent).
    let stdout = text(&out.stdout);
    assert_eq!(stdout.matches("\"execute\"").count(), 1, "{stdout}");
    let replies = json_lines(&stdout);
    assert_eq!(replies[1]["return"], serde_json::json!({}));
}

#[test]
fn transaction_mode_hmp_mode_and_loose_values_against_storage_daemon() {
    let Some(qsd) = Server::storage_daemon(&["--blockdev", "null-co,node-name=disk0,size=1048576"])
    else {
        return;
    };
    let script = "\
transaction(
block-dirty-bitmap-add node=disk0 name=b0
block-dirty-bitmap-add node=disk0 nme=b1
block-dirty-bitmap-add node=disk0 name=b1 granularity=65536
)
transaction( block-dirty-bitmap-add node=disk0 name=b2 )
query-named-block-nodes flat=true
block-dirty-bitmap-add node=disk0 name=12345
";
    let out = run_tool(SHELL, &["-v", qsd.socket()], script);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "error: block-dirty-bitmap-add: unknown argument 'nme' (did you mean 'name'?)"
        ),
        "{stderr}"
    );
    let requests = json_lines(&stdout);
    let first = &requests[0];
    assert_eq!(first["execute"], "transaction");
    let actions = first["arguments"]["actions"].as_array().unwrap();
    assert_eq!(
        actions.len(),
        2,
        "the refused action is not part of the transaction"
    );
    assert_eq!(actions[1]["data"]["granularity"], 65536);
    assert_eq!(requests[1]["return"], serde_json::json!({}));
    let nodes = &requests[5]["return"];
    let bitmaps: Vec<&str> = nodes[0]["dirty-bitmaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(bitmaps.len(), 3, "{nodes}");
    // An unquoted number where the schema wants a string is sent as the text typed.
    assert_eq!(requests[6]["arguments"]["name"], "12345");
    assert_eq!(requests[7]["return"], serde_json::json!({}));
}

#[test]
fn hmp_mode_runs_human_monitor_commands() {
    let Some(vm) = Server::system_emulator(&[]) else {
        return;
    };
    let out = run_tool(
        SHELL,
        &["-H", vm.socket()],
        "info status\ncpu 0\ninfo registers\n.qmp\nquery-status\n",
    );
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("VM status: paused (prelaunch)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("EAX="), "info registers on cpu 0: {stdout}");
    assert!(stdout.contains("{\"return\": {"), "{stdout}");
}

#[test]
fn pretty_output_and_help_from_the_schema() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let out = run_tool(
        SHELL,
        &["-p", qsd.socket()],
        "query-version\n.help blockdev-add\n.help\n",
    );
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("{\n  \"return\": {\n"), "{stdout}");
    assert!(stdout.contains("blockdev-add: arguments\n"), "{stdout}");
    assert!(stdout.contains("    driver=null-co: "), "{stdout}");
    assert!(stdout.contains(".wait EVENT [SECONDS]"), "{stdout}");
}

#[test]
fn guest_agent_commands_come_from_guest_info() {
    let Some(ga) = Server::guest_agent(GUEST_AGENT_PROBES) else {
        return;
    };
    let out = run_tool(
        SHELL,
        &["-g", ga.socket()],
        "guest-ping\nguest-info\nguest-exec path=/bin/true\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let replies = json_lines(&stdout);
    assert_eq!(replies[0]["return"], serde_json::json!({}));
    assert!(replies[1]["return"]["version"].is_string());
    // guest-exec is not among the allowed commands, so it is refused here, never sent.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: guest-exec: 'guest-exec' is disabled on this guest agent"),
        "{stderr}"
    );
    assert_eq!(replies.len(), 2);
}

#[test]
fn a_server_that_is_not_there_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing.sock");
    let out = run_tool(SHELL, &[missing.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("qmp-shell: cannot connect to"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn raw_json_requests_in_band_and_out_of_band() {
    let Some(vm) = Server::system_emulator(&[]) else {
        return;
    };
    let script = "\
{\"execute\": \"query-status\", \"arguments\": {}}
{\"exec-oob\": \"migrate-pause\"}
{\"execute\": \"query-status\", \"arguments\": {\"bogus\": 1}}
{\"execute\": 3}
";
    let out = run_tool(SHELL, &["-v", vm.socket()], script);
    let lines = json_lines(&text(&out.stdout));
    assert_eq!(lines[0], serde_json::json!({"execute": "query-status"}));
    assert_eq!(lines[1]["return"]["status"], "prelaunch");
    // Sent out-of-band: QEMU ran it and refused it for its own reason (no postcopy migration here).
    assert_eq!(lines[2], serde_json::json!({"exec-oob": "migrate-pause"}));
    let desc = lines[3]["error"]["desc"].as_str().unwrap();
    assert!(desc.contains("postcopy"), "{desc}");
    assert_eq!(
        lines.len(),
        4,
        "the last two requests are refused before sending"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: query-status: unknown argument 'bogus'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("a JSON request needs \"execute\""),
        "{stderr}"
    );
}

/// Python qmp-shell's -N and -l, read-only mode, and shlex's backslash escapes.
#[test]
fn python_flags_read_only_mode_and_backslash_escapes() {
    let Some(vm) = Server::system_emulator(&["-name", "flags"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("qmp.log");
    let log_arg = log.to_str().unwrap();
    // A script written for `qmp-shell -N` negotiates itself; read-only mode refuses `stop` and HMP.
    let script = "qmp_capabilities\nquery-name\nstop\n.hmp\ninfo status\n.qmp\nquery-status\n";
    let out = run_tool(
        SHELL,
        &["-N", "-l", log_arg, "--read-only", vm.socket()],
        script,
    );
    assert_eq!(out.status.code(), Some(1));
    let replies = json_lines(&text(&out.stdout));
    assert_eq!(replies[0]["return"], serde_json::json!({}));
    assert_eq!(replies[1]["return"]["name"], "flags");
    assert_eq!(replies[2]["return"]["status"], "prelaunch");
    let err = text(&out.stderr);
    assert!(err.contains("'stop' refused: read-only mode"), "{err}");
    assert!(err.contains("'human-monitor-command' refused"), "{err}");
    // `.hmp` was refused, so `info status` was read as a QMP command and refused as unknown.
    assert!(err.contains("unknown command 'info'"), "{err}");
    // The log holds each request sent and each reply, one JSON message a line; nothing refused was sent.
    let logged = std::fs::read_to_string(&log).unwrap();
    let messages: Vec<Value> = logged
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(messages.len(), 4, "{logged}");
    assert_eq!(messages[0]["execute"], "query-name");
    assert_eq!(messages[1]["return"]["name"], "flags");
    assert_eq!(messages[2]["execute"], "query-status");
    assert!(!logged.contains("\"stop\""), "{logged}");

    // A backslash outside quotes takes the next character as it is: a space inside a name, and a quote that is
    // part of the name rather than the start of JSON text.
    let script = "blockdev-add driver=null-co node-name=d0 size=1048576\n\
                  block-dirty-bitmap-add node=d0 name=a\\ b\n\
                  block-dirty-bitmap-add node=d0 name=\\\"q\\\"\n\
                  query-named-block-nodes\n";
    let out = run_tool(SHELL, &[vm.socket()], script);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let replies = json_lines(&text(&out.stdout));
    let bitmaps: Vec<&str> = replies[3]["return"][0]["dirty-bitmaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert!(
        bitmaps.contains(&"a b") && bitmaps.contains(&"\"q\""),
        "{bitmaps:?}"
    );
}
