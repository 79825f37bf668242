//! What the tests of the committed QEMU bindings share: how each crate in `generated/` is generated (the same
//! arguments as `generated/regenerate.sh`), where the schemas are, and real QEMU programs started in a temp dir.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub mod freshness;

/// One committed crate: how `regenerate.sh` writes it.
#[derive(Clone, Copy, Debug)]
pub struct Bindings {
    /// The package name and directory under `generated/`.
    pub name: &'static str,
    /// The main schema file, relative to `shared/qemu/9.2.4/`.
    pub schema: &'static str,
    /// `--doc-url`.
    pub doc_url: &'static str,
}

/// `--runtime` of every crate: the workspace's `qapi-runtime`, seen from `generated/NAME/`.
pub const RUNTIME: &str = r#"{ path = "../../qapi-runtime" }"#;

/// QEMU's reference manuals, each item at its anchor (`#command-QMP-block-core.blockdev-add`).
pub const QMP_DOC: &str =
    "https://www.qemu.org/docs/master/interop/qemu-qmp-ref.html#{kind}-QMP-{module}.{name}";
pub const QSD_DOC: &str =
    "https://www.qemu.org/docs/master/interop/qemu-storage-daemon-qmp-ref.html#{kind}-QSD-{module}.{name}";
pub const QGA_DOC: &str =
    "https://www.qemu.org/docs/master/interop/qemu-ga-ref.html#{kind}-QGA-{module}.{name}";

/// The three crates, as `regenerate.sh` writes them.
pub const BINDINGS: [Bindings; 3] = [
    Bindings {
        name: "qemu-qmp",
        schema: "qapi/qapi-schema.json",
        doc_url: QMP_DOC,
    },
    Bindings {
        name: "qemu-storage-daemon-qmp",
        schema: "storage-daemon/qapi/qapi-schema.json",
        doc_url: QSD_DOC,
    },
    Bindings {
        name: "qemu-qga",
        schema: "qga/qapi-schema.json",
        doc_url: QGA_DOC,
    },
];

/// `generated/`.
pub fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The reference material (`../shared` beside the project root), or `$QAPI_SHARED_DIR`.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("QAPI_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

/// QEMU 9.2.4's tree in the shared directory.
pub fn qemu_9_2_4() -> PathBuf {
    shared_dir().join("qemu/9.2.4")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Says loudly that something the test needs is missing; fails under `CI=true`, else the caller skips.
pub fn missing(what: &str) {
    let msg = format!("MISSING: {what}; test skipped\n");
    if in_ci() {
        panic!("{msg}under CI=true this is a failure");
    }
    // Straight to stderr, so that it shows even though the test passes.
    let _ = std::io::stderr().write_all(msg.as_bytes());
}

/// The program's path on `PATH`, or `None` after [`missing`] said so.
pub fn program(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        missing(&format!(
            "{name} is not installed (.ci/install-qemu installs QEMU 10.0.2)"
        ));
    }
    found
}

/// A QEMU program running in a temp dir with its monitor on `socket`; killed by its pid when dropped.
pub struct Server {
    child: Child,
    dir: tempfile::TempDir,
    pub socket: PathBuf,
}

impl Server {
    /// Starts `name` with `args`, `{sock}` standing for the socket path and `{dir}` for the temp dir, and waits
    /// for the socket to appear.
    pub fn start(name: &str, args: &[&str], env: &[(&str, &str)]) -> Option<Server> {
        let path = program(name)?;
        let dir = tempfile::tempdir().expect("a temp dir");
        let socket = dir.path().join("monitor.sock");
        let fill = |a: &str| {
            a.replace("{sock}", &socket.display().to_string())
                .replace("{dir}", &dir.path().display().to_string())
        };
        let args: Vec<String> = args.iter().map(|a| fill(a)).collect();
        let child = std::process::Command::new(path)
            .args(&args)
            .envs(env.iter().map(|(k, v)| (k, fill(v))))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        let mut server = Server { child, dir, socket };
        server.wait_for_socket(name);
        Some(server)
    }

    fn wait_for_socket(&mut self, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.socket.exists() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{name} exited early: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "{name} did not create its socket in time"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `qemu-system-x86_64 -machine pc -S`: the guest never runs; QMP on a unix socket; one null block node.
    pub fn system_emulator() -> Option<Server> {
        let args = [
            "-machine",
            "pc,accel=tcg",
            "-S",
            "-display",
            "none",
            "-nodefaults",
            "-m",
            "64",
            "-qmp",
            "unix:{sock},server=on,wait=off",
            "-blockdev",
            "driver=null-co,node-name=null0",
        ];
        Server::start("qemu-system-x86_64", &args, &[])
    }

    /// `qemu-storage-daemon` with its monitor on a unix socket and one null block node.
    pub fn storage_daemon() -> Option<Server> {
        let args = [
            "--chardev",
            "socket,path={sock},server=on,wait=off,id=mon0",
            "--monitor",
            "chardev=mon0",
            "--blockdev",
            "driver=null-co,node-name=null0",
        ];
        Server::start("qemu-storage-daemon", &args, &[])
    }

    /// `qemu-ga` on a unix socket, on this host: allowed only `allow` (commands that read state), its config
    /// file empty and its state in the temp dir.
    pub fn guest_agent(allow: &[&str]) -> Option<Server> {
        let allow = format!("--allow-rpcs={}", allow.join(","));
        let args = [
            "-m",
            "unix-listen",
            "-p",
            "{sock}",
            &allow,
            "-t",
            "{dir}",
            "-f",
            "{dir}/qemu-ga.pid",
        ];
        Server::start("qemu-ga", &args, &[("QGA_CONF", "{dir}/none.conf")])
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Child::kill signals this child's own pid.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
