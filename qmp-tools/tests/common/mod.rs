//! What the tool tests share: real QEMU programs started in a temp dir and stopped by pid, and the tools themselves.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The program's path; when it is missing, says so loudly and fails under CI=true, else gives `None` (skip).
pub fn require(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/bin", "/sbin", "/bin"].map(PathBuf::from));
    let found = dirs
        .into_iter()
        .map(|d| d.join(program))
        .find(|p| p.is_file());
    if found.is_none() {
        let msg = format!(
            "MISSING: {program} is not installed (.ci/install-qemu installs it); test skipped\n"
        );
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{msg}under CI=true a missing program fails the test");
        }
        let _ = std::io::stderr().write_all(msg.as_bytes());
    }
    found
}

/// A QEMU program running in a temp dir, stopped by pid when dropped.
pub struct Server {
    pub child: Child,
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
}

impl Server {
    /// Starts `program` with `args`, where `{sock}` stands for the socket path and `{dir}` for the temp dir, and
    /// waits for the socket to appear.
    pub fn start(program: &str, args: &[&str]) -> Option<Server> {
        let path = require(program)?;
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("server.sock");
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                a.replace("{sock}", &socket.display().to_string())
                    .replace("{dir}", &dir.path().display().to_string())
            })
            .collect();
        let child = Command::new(path)
            .args(&args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {program}: {e}"));
        let mut server = Server { child, dir, socket };
        let deadline = Instant::now() + Duration::from_secs(15);
        while !server.socket.exists() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("{program} exited early: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "{program} did not create its socket in time"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        Some(server)
    }

    /// `qemu-system-x86_64 -machine pc -S` with its monitor on a unix socket.
    pub fn qemu_system(extra: &[&str]) -> Option<Server> {
        let mut args = vec![
            "-machine",
            "pc",
            "-S",
            "-display",
            "none",
            "-nodefaults",
            "-qmp",
            "unix:{sock},server=on,wait=off",
        ];
        args.extend_from_slice(extra);
        Server::start("qemu-system-x86_64", &args)
    }

    /// qemu-storage-daemon with its monitor on a unix socket.
    pub fn storage_daemon(extra: &[&str]) -> Option<Server> {
        let mut args = vec![
            "--chardev",
            "socket,path={sock},server=on,wait=off,id=mon0",
            "--monitor",
            "chardev=mon0",
        ];
        args.extend_from_slice(extra);
        Server::start("qemu-storage-daemon", &args)
    }

    /// qemu-ga on a unix socket, allowed only harmless read-only commands (on a host, others would act on it).
    pub fn guest_agent() -> Option<Server> {
        Server::start(
            "qemu-ga",
            &[
                "-m",
                "unix-listen",
                "-p",
                "{sock}",
                "-t",
                "{dir}",
                "-f",
                "{dir}/qemu-ga.pid",
                "--allow-rpcs=guest-sync-delimited,guest-sync,guest-ping,guest-info",
            ],
        )
    }

    pub fn socket(&self) -> &str {
        self.socket.to_str().expect("utf-8 temp path")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM first so the program cleans up; then SIGKILL if it lingers.
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a tool to completion with `input` on standard input.
pub fn run_tool(tool: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {tool}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("writing stdin");
    drop(stdin);
    let output = child.wait_with_output().expect("waiting for the tool");
    eprintln!(
        "--- {tool} {args:?} exited {}\n--- stdout:\n{}--- stderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The index of the first line containing `needle`, or a panic naming it.
pub fn line_of(lines: &[&str], needle: &str) -> usize {
    lines
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?} in:\n{}", lines.join("\n")))
}
