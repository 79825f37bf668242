//! qom-get, qom-set, qom-list and qom-tree against qemu-system-x86_64, with the arguments and output of QEMU's
//! Python tools; and qemu-ga-client's read-only verbs against a qemu-ga on this host.

mod common;

use common::{run_tool, text};
use qapi_tests::{Server, GUEST_AGENT_PROBES};

const QOM_GET: &str = env!("CARGO_BIN_EXE_qom-get");
const QOM_SET: &str = env!("CARGO_BIN_EXE_qom-set");
const QOM_LIST: &str = env!("CARGO_BIN_EXE_qom-list");
const QOM_TREE: &str = env!("CARGO_BIN_EXE_qom-tree");
const GA_CLIENT: &str = env!("CARGO_BIN_EXE_qemu-ga-client");

#[test]
fn get_set_list_and_tree() {
    let Some(vm) = Server::system_emulator(&["-device", "e1000,id=nic0,mac=52:54:00:12:34:56"])
    else {
        return;
    };
    let s = vm.socket();
    let out = run_tool(QOM_GET, &["-s", s, "/machine.type"], "");
    assert!(out.status.success());
    let kind = text(&out.stdout);
    assert!(
        kind.starts_with("pc-i440fx-") && kind.ends_with("-machine\n"),
        "{kind}"
    );
    let out = run_tool(QOM_GET, &["-s", s, "/machine/peripheral/nic0.mac"], "");
    assert_eq!(text(&out.stdout), "52:54:00:12:34:56\n");

    // The value is read by the property's type: `false` is a boolean for a bool property.
    let out = run_tool(QOM_SET, &["-s", s, "/machine.graphics", "false"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run_tool(QOM_GET, &["-s", s, "/machine.graphics"], "");
    assert_eq!(text(&out.stdout), "false\n");
    // QEMU's refusal, and read-only mode's, are errors.
    let out = run_tool(
        QOM_SET,
        &["-s", s, "/machine/peripheral/nic0.mac", "52:54:00:00:00:01"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("after it was realized"),
        "{}",
        text(&out.stderr)
    );
    let out = run_tool(
        QOM_SET,
        &["--read-only", "-s", s, "/machine.graphics", "true"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("read-only"),
        "{}",
        text(&out.stderr)
    );
    let out = run_tool(QOM_GET, &["-s", s, "/machine"], "");
    assert!(text(&out.stderr).contains("PATH.PROPERTY"));

    // Children end in /, links start with @.
    let out = run_tool(QOM_LIST, &["-s", s, "/machine/peripheral/nic0"], "");
    let listing = text(&out.stdout);
    let lines: Vec<&str> = listing.lines().collect();
    for expected in ["type", "@parent_bus/", "mac", "netdev"] {
        assert!(lines.contains(&expected), "{expected} not in {lines:?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("/") && !l.starts_with('@')),
        "{lines:?}"
    );

    // The QMP_SOCKET variable stands for -s, as for the Python tools.
    let out = std::process::Command::new(QOM_TREE)
        .arg("/machine/peripheral")
        .env("QMP_SOCKET", s)
        .output()
        .unwrap();
    let tree = text(&out.stdout);
    assert!(
        tree.starts_with("/machine/peripheral\n  type: container (string)\n\n/machine/peripheral/nic0\n  type: e1000 (string)\n"),
        "{tree}"
    );
    assert!(
        tree.contains("\n  mac: 52:54:00:12:34:56 (str)\n"),
        "{tree}"
    );
}

#[test]
fn guest_agent_client_verbs() {
    let mut allowed = GUEST_AGENT_PROBES.to_vec();
    allowed.push("guest-get-osinfo");
    let Some(ga) = Server::guest_agent(&allowed) else {
        return;
    };
    let a = ga.socket();
    let out = run_tool(GA_CLIENT, &["-a", a, "ping"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run_tool(GA_CLIENT, &["-a", a, "info"], "");
    let info = text(&out.stdout);
    assert!(info.starts_with("version: 10."), "{info}");
    assert!(info.contains("\nguest-ping: enabled\n"), "{info}");
    assert!(info.contains("\nguest-shutdown: disabled\n"), "{info}");
    // Verbs that change something are refused here, before sending, unless --read-write.
    for verb in [
        &["shutdown"][..],
        &["reboot"],
        &["cat", "/etc/hostname"],
        &["fsfreeze", "freeze"],
    ] {
        let mut args = vec!["-a", a];
        args.extend_from_slice(verb);
        let out = run_tool(GA_CLIENT, &args, "");
        assert_eq!(out.status.code(), Some(1), "{verb:?}");
        assert!(
            text(&out.stderr).contains("read-only mode"),
            "{}",
            text(&out.stderr)
        );
    }
    // With --read-write the request goes to the agent, which refuses what --allow-rpcs left out.
    let out = run_tool(
        GA_CLIENT,
        &["--read-write", "-a", a, "fsfreeze", "freeze"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("disabled"),
        "{}",
        text(&out.stderr)
    );
}
