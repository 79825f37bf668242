//! qmp-shell driven through a pseudo-terminal as a person would use it: Tab completion of command names,
//! argument names and enum values, a refused argument, a transaction, events (also while idle at the prompt) and
//! history kept across sessions.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::Command;

use qapi_tests::{Server, GUEST_AGENT_PROBES};
use rexpect::session::{spawn_command, PtySession};

const SHELL: &str = env!("CARGO_BIN_EXE_qmp-shell");
const TAB: &str = "\t";
const UP: &str = "\x1b[A";

fn spawn_shell(socket: &str, home: &Path, extra: &[&str]) -> PtySession {
    let mut cmd = Command::new(SHELL);
    cmd.args(extra)
        .arg(socket)
        .env("HOME", home)
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(20_000)).expect("spawning qmp-shell in a pty");
    p.exp_string("Tab completes").expect("banner");
    p.exp_string("(QEMU) ").expect("first prompt");
    p
}

/// Types keys without Enter (rexpect sends only on a newline or a flush).
fn keys(p: &mut PtySession, text: &str) {
    p.send(text).expect("typing");
    p.flush().expect("flushing");
}

/// A second QMP connection that makes QEMU emit an event while the shell sits at its prompt.
fn stop_through(socket: &Path) {
    let stream = UnixStream::connect(socket).expect("second monitor");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    let mut line = String::new();
    reader.read_line(&mut line).expect("greeting");
    for request in [
        "{\"execute\": \"qmp_capabilities\"}",
        "{\"execute\": \"stop\"}",
    ] {
        writeln!(writer, "{request}").expect("send");
        loop {
            line.clear();
            reader.read_line(&mut line).expect("reply");
            if line.contains("\"return\"") {
                break;
            }
        }
    }
}

#[test]
fn completion_refusal_transaction_events_and_history() {
    let Some(vm) = Server::system_emulator(&["-qmp", "unix:{dir}/second.sock,server=on,wait=off"])
    else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut p = spawn_shell(vm.socket(), home.path(), &[]);

    // A unique command name completes at once; an ambiguous one lists the candidates on the second Tab.
    keys(&mut p, &format!("query-uu{TAB}"));
    p.exp_string("query-uuid").unwrap();
    p.send_line("").unwrap();
    p.exp_string("\"UUID\"").unwrap();
    keys(&mut p, &format!("query-sta{TAB}{TAB}"));
    p.exp_string("query-stats-schemas").unwrap();
    p.send_line("us").unwrap();
    p.exp_string("\"status\": \"prelaunch\"").unwrap();

    // Enum values, then argument names of the branch the union's tag chose.
    keys(&mut p, &format!("blockdev-add driver=null-c{TAB}"));
    p.exp_string("driver=null-co ").unwrap();
    keys(&mut p, &format!("node-na{TAB}"));
    p.exp_string("node-name=").unwrap();
    keys(&mut p, &format!("n0 latency{TAB}"));
    p.exp_string("latency-ns=").unwrap();
    p.send_line("0 size=1048576").unwrap();
    p.exp_string("{\"return\": {}}").unwrap();

    // A bad argument is refused with a message, and nothing is sent.
    p.send_line("blockdev-add driver=null-co node-name=n1 read-only=maybe")
        .unwrap();
    p.exp_string("'read-only': expected a boolean (true or false), got the string \"maybe\"")
        .unwrap();

    // A transaction, written over several lines at the TRANS> prompt, with completion of action names.
    p.send_line("transaction(").unwrap();
    p.exp_string("TRANS> ").unwrap();
    keys(&mut p, &format!("block-dirty-bitmap-a{TAB}"));
    p.exp_string("block-dirty-bitmap-add ").unwrap();
    p.send_line("node=n0 name=b0").unwrap();
    p.exp_string("TRANS> ").unwrap();
    p.send_line(")").unwrap();
    p.exp_string("{\"return\": {}}").unwrap();
    p.exp_string("(QEMU) ").unwrap();
    p.send_line("query-named-block-nodes").unwrap();
    p.exp_string("\"name\": \"b0\"").unwrap();

    // An event caused by this shell, shown before the reply...
    p.send_line("cont").unwrap();
    p.exp_string("\"event\": \"RESUME\"").unwrap();
    p.exp_string("{\"return\": {}}").unwrap();
    p.exp_string("(QEMU) ").unwrap();
    // ...and one caused elsewhere, shown while the shell waits at its prompt.
    stop_through(&vm.path("second.sock"));
    p.exp_string("\"event\": \"STOP\"").unwrap();

    p.send_control('d').unwrap();
    p.exp_eof().unwrap();

    // History survives: the last command comes back with the Up arrow in a new session.
    let history =
        std::fs::read_to_string(home.path().join(".qmp-shell_history")).expect("history file");
    assert!(
        history.contains("query-named-block-nodes\ncont"),
        "{history}"
    );
    let mut p = spawn_shell(vm.socket(), home.path(), &[]);
    keys(&mut p, UP);
    p.exp_string("cont").unwrap();
    p.send_line("").unwrap();
    p.exp_string("\"event\": \"RESUME\"").unwrap();

    // HMP mode completes the human monitor's commands, learnt from its `help`.
    p.send_line(".hmp").unwrap();
    p.exp_string("(HMP) ").unwrap();
    keys(&mut p, &format!("info statu{TAB}"));
    p.exp_string("info status ").unwrap();
    p.send_line("").unwrap();
    p.exp_string("VM status: running").unwrap();
    p.send_line(".qmp").unwrap();
    p.exp_string("(QEMU) ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn guest_agent_completion_from_guest_info() {
    let Some(ga) = Server::guest_agent(GUEST_AGENT_PROBES) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(SHELL);
    cmd.args(["-g", "--no-history", ga.socket()])
        .env("HOME", home.path())
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(20_000)).expect("spawning qmp-shell in a pty");
    p.exp_string("(QGA) ").unwrap();
    keys(&mut p, &format!("guest-pi{TAB}"));
    p.exp_string("guest-ping ").unwrap();
    p.send_line("").unwrap();
    p.exp_string("{\"return\": {}}").unwrap();
    // Only the commands the agent allows are offered.
    keys(&mut p, &format!("guest-{TAB}{TAB}"));
    p.exp_string("guest-info").unwrap();
    p.exp_string("guest-sync-delimited").unwrap();
    p.send_control('u').unwrap();
    p.send_line("guest-exec path=/bin/true").unwrap();
    p.exp_string("'guest-exec' is disabled on this guest agent")
        .unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn storage_daemon_nested_completion_refusals_and_server_exit() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut p = spawn_shell(qsd.socket(), home.path(), &["--no-history"]);
    keys(&mut p, &format!("nbd-server-st{TAB}{TAB}"));
    p.exp_string("nbd-server-stop").unwrap();
    keys(&mut p, &format!("art addr.ty{TAB}"));
    p.exp_string("addr.type=").unwrap();
    keys(&mut p, &format!("un{TAB}"));
    p.exp_string("addr.type=unix ").unwrap();
    // Through the branch the tag chose, into the nested object.
    keys(&mut p, &format!("addr.d{TAB}"));
    p.exp_string("addr.data.").unwrap();
    keys(&mut p, &format!("p{TAB}"));
    p.exp_string("addr.data.path=").unwrap();
    p.send_line("/nonexistent/dir/nbd.sock max-connections=two")
        .unwrap();
    p.exp_string("'max-connections': expected an integer, got the string \"two\"")
        .unwrap();
    p.send_line("blockdev-add driver=null-c node-name=x")
        .unwrap();
    p.exp_string("'driver': 'null-c' is not one of").unwrap();
    p.exp_string("(did you mean 'null-co'?)").unwrap();
    // The server going away is reported at once, at the prompt; the next command ends the shell.
    drop(qsd);
    p.exp_string("the server closed the connection").unwrap();
    p.send_line("query-version").unwrap();
    p.exp_string("error: ").unwrap();
    p.exp_eof().unwrap();
    assert!(!home.path().join(".qmp-shell_history").exists());
}

/// Lines pasted at once, or typed while a command runs, are all run in order: none is lost between prompts,
/// whether the terminal sends them as plain keys or wrapped in bracketed-paste marks.
#[test]
fn pasted_and_typed_ahead_lines_all_run() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut p = spawn_shell(qsd.socket(), home.path(), &["--no-history"]);
    // Three lines in one write, as a terminal without bracketed paste sends a paste.
    keys(
        &mut p,
        "query-block-jobs\nquery-version\nquery-block-jobs\n",
    );
    p.exp_string("{\"return\": []}").unwrap();
    p.exp_string("\"qemu\"").unwrap();
    p.exp_string("{\"return\": []}").unwrap();
    p.exp_string("(QEMU) ").unwrap();
    // The same as a bracketed paste: the editor gets one line holding newlines, and each runs on its own.
    keys(
        &mut p,
        "\x1b[200~query-version\nquery-block-jobs\x1b[201~\r",
    );
    p.exp_string("\"qemu\"").unwrap();
    p.exp_string("{\"return\": []}").unwrap();
    p.exp_string("(QEMU) ").unwrap();
    p.send_line(".quit").unwrap();
    p.exp_eof().unwrap();
}

/// The hotplug a newcomer tries first, typed with completion: `device_add` with the driver's own properties
/// (`netdev=`, `mac=`), which the schema does not list, checked against the live QEMU; then the words a newcomer
/// tries to get help and to leave.
#[test]
fn hotplug_a_nic_with_its_properties_then_help_and_exit() {
    let Some(vm) = Server::system_emulator(&["-netdev", "user,id=net0"]) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut p = spawn_shell(vm.socket(), home.path(), &["--no-history"]);

    // driver= completes from the live QEMU's device types; then the chosen driver's properties complete.
    keys(
        &mut p,
        &format!("device_add driver=virtio-net-pci-non{TAB}"),
    );
    p.exp_string("driver=virtio-net-pci-non-transitional ")
        .unwrap();
    keys(&mut p, "\x15"); // Ctrl-U: start again.
    keys(
        &mut p,
        &format!("device_add driver=virtio-net-pci id=n2 netd{TAB}"),
    );
    p.exp_string("netdev=").unwrap();
    keys(&mut p, &format!("net0 ma{TAB}"));
    p.exp_string("mac=").unwrap();
    p.send_line("52:54:00:12:34:99").unwrap();
    p.exp_string("{\"return\": {}}").unwrap();
    p.exp_string("(QEMU) ").unwrap();

    // QEMU now has the NIC with that MAC, on the netdev given.
    p.send_line("qom-get path=/machine/peripheral/n2 property=mac")
        .unwrap();
    p.exp_string("{\"return\": \"52:54:00:12:34:99\"}").unwrap();
    p.send_line("qom-get path=/machine/peripheral/n2 property=netdev")
        .unwrap();
    p.exp_string("{\"return\": \"net0\"}").unwrap();

    // A property the driver lacks is refused before sending, with the closest one; so is a driver QEMU lacks.
    p.send_line("device_add driver=virtio-net-pci id=n3 macc=52:54:00:12:34:98")
        .unwrap();
    p.exp_string("'virtio-net-pci' has no property 'macc' (did you mean 'mac'?)")
        .unwrap();
    p.send_line("device_add driver=virtio-nett-pci id=n3")
        .unwrap();
    p.exp_string("(did you mean 'virtio-net-pci'?)").unwrap();

    // A swap of two letters is the first suggestion; quit is never suggested without a warning.
    p.send_line("query-stauts").unwrap();
    p.exp_string("(did you mean 'query-status'?)").unwrap();
    p.send_line("quti").unwrap();
    p.exp_string("careful: quit stops QEMU").unwrap();

    // help and ? are .help; .wait completes event names.
    p.send_line("help").unwrap();
    p.exp_string("Shell commands:").unwrap();
    p.send_line("? query-status").unwrap();
    p.exp_string("query-status").unwrap();
    keys(&mut p, &format!(".wait DEVICE_DEL{TAB}"));
    p.exp_string("DEVICE_DELETED ").unwrap();
    keys(&mut p, "\x15");

    // exit leaves, quietly, and QEMU keeps running.
    p.send_line("exit").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(!rest.contains("closed the connection"), "{rest}");
    let mut again = spawn_shell(vm.socket(), home.path(), &["--no-history"]);
    again.send_line("query-status").unwrap();
    again.exp_string("\"status\": \"prelaunch\"").unwrap();
    // Declining to see every command, then leaving, prints nothing about the connection closing.
    keys(&mut again, &format!("{TAB}{TAB}"));
    again.exp_string("possibilities? (y or n)").unwrap();
    keys(&mut again, "n");
    again.send_line(".quit").unwrap();
    let rest = again.exp_eof().unwrap();
    assert!(!rest.contains("closed the connection"), "{rest}");
}
