//! Against a running qemu-storage-daemon (10.0.2 on the project's machines), asked over its QMP socket.

mod common;

use std::path::Path;

use common::{command, diff_files, find};
use qapi_diff::cli::{run_diff_to, DiffArgs, DiffFormat, FailOn};
use qapi_diff::ChangeKind as K;
use qapi_tests::{program, shared_file, Server};

#[test]
fn diff_against_a_live_storage_daemon() {
    // `$QEMU_STORAGE_DAEMON` names a build of your own.
    let Some(binary) = program("qemu-storage-daemon") else {
        return;
    };
    let Some(daemon) = Server::storage_daemon(&[]) else {
        return;
    };
    let socket = Path::new(daemon.socket());

    // The live daemon is the 10.0.2 one whose reply is saved in the shared directory: no difference.
    if let Some(saved) = shared_file("qemu/introspection/qemu-storage-daemon-10.0.2.json") {
        let version = std::process::Command::new(&binary)
            .arg("--version")
            .output()
            .unwrap();
        if String::from_utf8_lossy(&version.stdout).contains("10.0.2") {
            let d = diff_files(&saved, socket);
            assert!(d.is_empty(), "{:?}", d.changes.first());
        }
    }

    // What a 9.2.4-based client does not know about this daemon.
    let Some(schema) = shared_file("qemu/9.2.4/storage-daemon/qapi/qapi-schema.json") else {
        return;
    };
    let d = diff_files(&schema, socket);
    find(&d, &command("blockdev-set-active"), None, "", |k| {
        *k == K::CommandAdded
    });

    // Through the command line's entry point, as JSON.
    let args = DiffArgs {
        old: schema,
        new: socket.to_path_buf(),
        format: DiffFormat::Json,
        fail_on: FailOn::Any,
        strict: false,
        color: qapi_diff::cli::ColorChoice::Never,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_diff_to(&args, false, &mut out, &mut err);
    assert_eq!(status, 1, "{}", String::from_utf8_lossy(&err));
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "blockdev-set-active" && c["kind"] == "command-added"));
    drop(daemon);
}

#[test]
fn a_socket_without_qemu_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nothing.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    drop(listener);
    // The socket file stays, but nobody listens.
    let err = qapi_introspection::load(&path, &qapi_schema::Options::default()).unwrap_err();
    assert!(err.to_string().contains("QMP"), "{err}");
}
