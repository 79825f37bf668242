//! Against a running qemu-storage-daemon (10.0.2 on the project's machines), asked over its QMP socket.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{ci, command, diff_files, find, shared};
use qapi_diff::cli::{run_diff_to, DiffArgs, DiffFormat, FailOn};
use qapi_diff::ChangeKind as K;

/// `$QEMU_STORAGE_DAEMON`, `/usr/bin/qemu-storage-daemon`, or the first on `PATH`; a clear message (and a
/// failure when `CI=true`) when there is none.
fn daemon_binary() -> Option<PathBuf> {
    let candidates = std::env::var_os("QEMU_STORAGE_DAEMON")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/usr/bin/qemu-storage-daemon")])
        .chain(
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join("qemu-storage-daemon"))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        );
    for path in candidates {
        if path.is_file() {
            return Some(path);
        }
    }
    let msg = "qemu-storage-daemon not found (install qemu-utils, or set QEMU_STORAGE_DAEMON)";
    assert!(!ci(), "{msg}; CI=true, so this is a failure");
    eprintln!("SKIPPED: {msg}");
    None
}

/// A daemon with a QMP monitor on `dir/qmp.sock`, stopped (by its PID) when dropped.
struct Daemon {
    child: Child,
    socket: PathBuf,
}

impl Daemon {
    fn start(binary: &Path, dir: &Path) -> Daemon {
        let socket = dir.join("qmp.sock");
        let child = Command::new(binary)
            .arg("--chardev")
            .arg(format!(
                "socket,path={},server=on,wait=off,id=qmp0",
                socket.display()
            ))
            .arg("--monitor")
            .arg("chardev=qmp0")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("qemu-storage-daemon starts");
        let mut daemon = Daemon { child, socket };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !qapi_diff::input::is_socket(&daemon.socket) {
            if let Ok(Some(status)) = daemon.child.try_wait() {
                panic!("qemu-storage-daemon exited early: {status}");
            }
            assert!(Instant::now() < deadline, "no QMP socket after 20 s");
            std::thread::sleep(Duration::from_millis(20));
        }
        daemon
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn diff_against_a_live_storage_daemon() {
    let Some(binary) = daemon_binary() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let daemon = Daemon::start(&binary, dir.path());

    // The live daemon is the 10.0.2 one whose reply is saved in the shared directory: no difference.
    if let Some(saved) = shared("qemu/introspection/qemu-storage-daemon-10.0.2.json") {
        let version = std::process::Command::new(&binary)
            .arg("--version")
            .output()
            .unwrap();
        if String::from_utf8_lossy(&version.stdout).contains("10.0.2") {
            let d = diff_files(&saved, &daemon.socket);
            assert!(d.is_empty(), "{:?}", d.changes.first());
        }
    }

    // What a 9.2.4-based client does not know about this daemon.
    let Some(schema) = shared("qemu/9.2.4/storage-daemon/qapi/qapi-schema.json") else {
        return;
    };
    let d = diff_files(&schema, &daemon.socket);
    find(&d, &command("blockdev-set-active"), None, "", |k| {
        *k == K::CommandAdded
    });

    // Through the command line's entry point, as JSON.
    let args = DiffArgs {
        old: schema,
        new: daemon.socket.clone(),
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
    let err = qapi_diff::load(&path, &qapi_parser::Options::default()).unwrap_err();
    assert!(err.to_string().contains("QMP"), "{err}");
}
