//! The tools against peers that misbehave: a QMP server that takes commands and never answers, a monitor already
//! held by another client, a guest agent that never answers. Each tool must end with an error that says what
//! happened, never hang.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::Duration;

use common::{run_tool_bounded, text};
use qapi_tests::Server;

const VM_INFO: &str = env!("CARGO_BIN_EXE_vm-info");
const SHELL: &str = env!("CARGO_BIN_EXE_qmp-shell");
const QOM_GET: &str = env!("CARGO_BIN_EXE_qom-get");
const GA_CLIENT: &str = env!("CARGO_BIN_EXE_qemu-ga-client");

/// Far above the tools' one-second limits: only a tool that hangs reaches it.
const HANG: Duration = Duration::from_secs(60);

/// A QMP server that greets, accepts `qmp_capabilities`, answers the commands in `answered` (name, reply JSON),
/// then reads every other command and answers none. Serves each connection on its own thread, for as long as the
/// test runs.
fn silent_after_negotiation(path: &Path, answered: &'static [(&'static str, &'static str)]) {
    let listener = UnixListener::bind(path).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                let greeting = r#"{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": ""}, "capabilities": []}}"#;
                let _ = writeln!(writer, "{greeting}");
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    let request: serde_json::Value =
                        serde_json::from_str(&line).unwrap_or_default();
                    let name = request["execute"].as_str().unwrap_or("");
                    let reply = match answered.iter().find(|(n, _)| *n == name) {
                        Some((_, reply)) => Some(serde_json::from_str(reply).unwrap()),
                        None if name == "qmp_capabilities" => {
                            Some(serde_json::json!({"return": {}}))
                        }
                        None => None,
                    };
                    if let Some(mut reply) = reply {
                        if let Some(id) = request.get("id") {
                            reply["id"] = id.clone();
                        }
                        let _ = writeln!(writer, "{reply}");
                    }
                    line.clear();
                }
            });
        }
    });
}

/// A socket that accepts connections and never says a word.
fn mute(path: &Path) -> UnixListener {
    UnixListener::bind(path).unwrap()
}

#[test]
fn a_peer_that_never_answers_ends_each_tool_with_a_timeout_error() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("silent.sock");
    silent_after_negotiation(&sock, &[]);
    let sock = sock.to_str().unwrap();

    let out = run_tool_bounded(VM_INFO, &["--timeout", "1", sock], "", HANG);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("no reply within 1 s"), "{err}");

    let out = run_tool_bounded(
        QOM_GET,
        &["--timeout", "1", "-s", sock, "/machine.type"],
        "",
        HANG,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no reply within 1 s"),
        "{}",
        text(&out.stderr)
    );

    // The shell learns the server's schema first: no answer to that, and it gives up at once.
    let out = run_tool_bounded(SHELL, &["--timeout", "1", sock], "query-status\n", HANG);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.matches("no reply within 1 s").count(), 1, "{err}");
}

#[test]
fn the_shell_reports_each_unanswered_command_and_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("half.sock");
    // No schema, but a command list: the shell starts, then its commands go unanswered.
    silent_after_negotiation(
        &sock,
        &[
            (
                "query-qmp-schema",
                r#"{"error": {"class": "CommandNotFound", "desc": "no schema here"}}"#,
            ),
            (
                "query-commands",
                r#"{"return": [{"name": "query-status"}, {"name": "query-name"}]}"#,
            ),
        ],
    );
    let out = run_tool_bounded(
        SHELL,
        &["--timeout", "1", sock.to_str().unwrap()],
        "query-status\nquery-name\n",
        HANG,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.matches("no reply within 1 s").count(), 2, "{err}");
}

#[test]
fn a_monitor_held_by_another_client_is_named_as_such() {
    let Some(vm) = Server::system_emulator(&[]) else {
        return;
    };
    // The first client: greeted, and holding the monitor.
    let holder = UnixStream::connect(vm.socket()).unwrap();
    let mut greeting = String::new();
    BufReader::new(holder.try_clone().unwrap())
        .read_line(&mut greeting)
        .unwrap();
    assert!(greeting.contains("\"QMP\""), "{greeting}");

    for (i, (tool, args)) in [
        (VM_INFO, vec!["--timeout", "1", vm.socket()]),
        (SHELL, vec!["--timeout", "1", vm.socket()]),
        (
            QOM_GET,
            vec!["--timeout", "1", "-s", vm.socket(), "/machine.type"],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let out = run_tool_bounded(tool, &args, "", HANG);
        assert_eq!(out.status.code(), Some(2), "{tool}");
        let err = text(&out.stderr);
        // QEMU's listen queue holds one waiting client; once the tools before have filled it, connecting fails
        // at once, which says the same.
        assert!(
            (err.contains("accepted the connection but sent no QMP greeting within 1 s")
                || err.contains("takes no more connections"))
                && err.contains("held by another client"),
            "{tool}: {err}"
        );
        if i == 0 {
            assert!(err.contains("sent no QMP greeting within 1 s"), "{err}");
        }
    }
    drop(holder);
}

#[test]
fn a_guest_agent_that_never_answers_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("qga.sock");
    let _listener = mute(&sock);
    let sock = sock.to_str().unwrap();
    let out = run_tool_bounded(GA_CLIENT, &["--timeout", "1", "-a", sock, "ping"], "", HANG);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("did not answer guest-sync-delimited within 1 s"),
        "{err}"
    );
}
