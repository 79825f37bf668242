//! vm-info against qemu-system-x86_64 and qemu-storage-daemon, as tables and as JSON.

mod common;

use common::{run_tool, text};
use qapi_tests::Server;
use serde_json::Value;

const VM_INFO: &str = env!("CARGO_BIN_EXE_vm-info");

#[test]
fn tables_for_a_virtual_machine() {
    let Some(vm) = Server::system_emulator(&[
        "-name",
        "vm-info-test",
        "-m",
        "256",
        "-smp",
        "2",
        "-uuid",
        "7b1e4d6a-2f0c-4c8e-9a51-3d2b6f8e0c11",
        "-blockdev",
        "null-co,node-name=disk0,size=1048576",
        "-object",
        "iothread,id=io1",
    ]) else {
        return;
    };
    let out = run_tool(VM_INFO, &[vm.socket()], "");
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    for expected in [
        "QEMU 10.",
        "  Status     prelaunch (not running)\n",
        "  Name       vm-info-test\n",
        "  UUID       7b1e4d6a-2f0c-4c8e-9a51-3d2b6f8e0c11\n",
        "  Target     x86_64\n",
        "  Machine    pc-i440fx-",
        "  CPUs       2\n",
        "  Memory     256 MiB\n",
        "CPUs (2)\n  INDEX  THREAD",
        "/machine/unattached/device[0]",
        "Block nodes\n",
        "  disk0  null-co  1 MiB  no",
        "I/O threads\n  ID   THREAD\n  io1  ",
        "User-created objects\n",
        "PCI devices\n",
        "00:00.0  8086:1237      Host bridge",
        "Not available\n  balloon: No balloon device has been activated",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[test]
fn json_for_a_virtual_machine() {
    let Some(vm) = Server::system_emulator(&["-name", "j", "-smp", "3"]) else {
        return;
    };
    let out = run_tool(VM_INFO, &["--json", vm.socket()], "");
    assert!(out.status.success());
    let info: Value = serde_json::from_slice(&out.stdout).expect("vm-info --json prints JSON");
    assert_eq!(info["version"]["qemu"]["major"], 10);
    assert_eq!(info["status"]["status"], "prelaunch");
    assert_eq!(info["name"]["name"], "j");
    assert_eq!(info["cpus"].as_array().unwrap().len(), 3);
    assert_eq!(info["target"]["arch"], "x86_64");
    assert!(info["memory"]["base-memory"].as_u64().unwrap() > 0);
    assert!(info["errors"]["balloon"].is_string());
}

#[test]
fn tables_and_json_for_a_storage_daemon() {
    let Some(qsd) = Server::storage_daemon(&[
        "--blockdev",
        "null-co,node-name=disk0,size=2097152",
        "--nbd-server",
        "addr.type=unix,addr.path={dir}/nbd.sock",
        "--export",
        "type=nbd,id=export0,node-name=disk0,writable=on",
        "--object",
        "iothread,id=io0",
    ]) else {
        return;
    };
    let out = run_tool(VM_INFO, &[qsd.socket()], "");
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    for expected in [
        "QEMU 10.",
        "Block nodes\n  NODE   DRIVER   SIZE   RO  FILE\n  disk0  null-co  2 MiB  no",
        "Block exports\n  ID       TYPE  NODE   SHUTTING DOWN\n  export0  nbd   disk0  no\n",
        "Character devices\n",
        "User-created objects\n  ID   TYPE\n  io0  iothread\n",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    // A storage daemon has no run state, CPUs or machine: those sections are simply absent.
    assert!(
        !stdout.contains("Status") && !stdout.contains("CPUs"),
        "{stdout}"
    );

    let out = run_tool(VM_INFO, &["--json", qsd.socket()], "");
    let info: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(info["block-exports"][0]["id"], "export0");
    assert_eq!(info["block-nodes"][0]["node-name"], "disk0");
    assert!(info.get("status").is_none());
}

#[test]
fn an_unreachable_monitor_is_a_clear_error() {
    let out = run_tool(VM_INFO, &["127.0.0.1:1"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("vm-info: 127.0.0.1:1: "),
        "{}",
        text(&out.stderr)
    );
}
