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
        "  Status     prelaunch\n",
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
    assert!(info["qemu"]["version"].as_str().unwrap().starts_with("10."));
    assert_eq!(info["status"], "prelaunch");
    assert_eq!(info["running"], false);
    assert_eq!(info["name"], "j");
    assert_eq!(info["cpus"].as_array().unwrap().len(), 3);
    assert_eq!(info["target"], "x86_64");
    let machine = info["machine"].as_str().unwrap();
    assert!(
        machine.starts_with("pc-i440fx-") && !machine.ends_with("-machine"),
        "{machine}"
    );
    assert!(info["memory"]["base"].as_u64().unwrap() > 0);
    assert!(info["not-available"]["balloon"].is_string());
    // QEMU's own RAM backend for -m is not a user-created object.
    assert_eq!(info["objects"], serde_json::json!([]));
    // Every key is one of vm-info's documented sections.
    let documented = [
        "qemu",
        "status",
        "running",
        "name",
        "uuid",
        "target",
        "machine",
        "kvm",
        "memory",
        "balloon",
        "migration",
        "cpus",
        "block-devices",
        "block-nodes",
        "dirty-bitmaps",
        "block-exports",
        "jobs",
        "chardevs",
        "iothreads",
        "pci-buses",
        "nics",
        "displays",
        "objects",
        "not-available",
    ];
    for key in info.as_object().unwrap().keys() {
        assert!(documented.contains(&key.as_str()), "undocumented key {key}");
    }
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
    assert_eq!(
        info["objects"],
        serde_json::json!([{"id": "io0", "type": "iothread"}])
    );
    assert_eq!(info["block-nodes"][0]["node-name"], "disk0");
    assert!(info.get("status").is_none());
}

/// The sections a guest with a NIC, a VNC display and a dirty bitmap adds: the bitmap is made through qmp-shell
/// first (vm-info itself only asks).
#[test]
fn nics_displays_and_dirty_bitmaps() {
    let Some(vm) = Server::system_emulator(&[
        "-netdev",
        "user,id=net0",
        "-device",
        "virtio-net-pci,netdev=net0,id=nic0,mac=52:54:00:12:34:56",
        "-vnc",
        "unix:{dir}/vnc.sock",
        "-blockdev",
        "null-co,node-name=disk0,size=1048576",
        "-m",
        "128",
    ]) else {
        return;
    };
    let shell = run_tool(
        env!("CARGO_BIN_EXE_qmp-shell"),
        &[vm.socket()],
        "block-dirty-bitmap-add node=disk0 name=bm0 granularity=131072\n",
    );
    assert!(shell.status.success());
    let out = run_tool(VM_INFO, &[vm.socket()], "");
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    for expected in [
        "  Machine    pc-i440fx-10.",
        "NICs\n  ID    TYPE            MAC                NETDEV  QOM PATH\n  nic0  virtio-net-pci  52:54:00:12:34:56  net0    /machine/peripheral/nic0\n",
        "Displays\n  TYPE  ID       ADDRESS",
        "  vnc   default  ",
        "Dirty bitmaps\n  NODE   NAME  GRANULARITY  DIRTY  RECORDING  PERSISTENT\n  disk0  bm0   128 KiB      0 B    yes        no\n",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(!stdout.contains("pc.ram"), "{stdout}");
    assert!(!stdout.contains("-machine\n"), "{stdout}");

    let out = run_tool(VM_INFO, &["--json", vm.socket()], "");
    let info: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(info["nics"][0]["mac"], "52:54:00:12:34:56");
    assert_eq!(info["nics"][0]["netdev"], "net0");
    assert_eq!(info["displays"][0]["type"], "vnc");
    assert_eq!(info["dirty-bitmaps"][0]["name"], "bm0");
    assert_eq!(info["dirty-bitmaps"][0]["granularity"], 131072);
}

#[test]
fn an_unreachable_monitor_is_a_clear_error() {
    let out = run_tool(VM_INFO, &["127.0.0.1:1"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("vm-info: cannot connect to 127.0.0.1:1: "),
        "{}",
        text(&out.stderr)
    );
}
