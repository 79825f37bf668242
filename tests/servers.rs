//! Real QEMU programs for a test: each started in its own temp dir with its monitor on a unix socket there, and
//! stopped when the test drops it, so that no process outlives its test.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::programs::program;

/// How long a program may take to create its socket: generous, as the machine may be busy compiling.
const SOCKET_DEADLINE: Duration = Duration::from_secs(30);
/// How long a program may take to clean up and exit after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Guest-agent commands that only answer and change nothing: safe to allow to a `qemu-ga` running on this host,
/// where other commands would act on the host itself.
pub const GUEST_AGENT_PROBES: &[&str] = &[
    "guest-sync-delimited",
    "guest-sync",
    "guest-ping",
    "guest-info",
];

/// A QEMU program running in a temp dir; stopped (SIGTERM, then SIGKILL) and reaped when dropped.
pub struct Server {
    program: String,
    child: Child,
    dir: tempfile::TempDir,
    socket: String,
}

/// Whether a unix socket is bound at `path` and listening, as the kernel's table says (`__SO_ACCEPTCON` among
/// its flags); where that table cannot be read, whether the file exists.
fn listening(path: &str) -> bool {
    let Ok(table) = std::fs::read_to_string("/proc/net/unix") else {
        return Path::new(path).exists();
    };
    table.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.len() >= 8 && fields[7] == path && fields[3] == "00010000"
    })
}

impl Server {
    /// Starts `program` (see [`program`]) with `args` and `env`, in which `{sock}` stands for the socket's path
    /// and `{dir}` for the temp dir. When an argument names `{sock}`, waits for the program to create it.
    /// `None` when the program is missing (after saying so).
    pub fn start(program_name: &str, args: &[&str], env: &[(&str, &str)]) -> Option<Server> {
        let path = program(program_name)?;
        let dir = tempfile::tempdir().expect("a temp dir");
        let socket = dir.path().join("monitor.sock").display().to_string();
        let dir_text = dir.path().display().to_string();
        let fill = |a: &str| a.replace("{sock}", &socket).replace("{dir}", &dir_text);
        let child = Command::new(&path)
            .args(args.iter().map(|a| fill(a)))
            .envs(env.iter().map(|(k, v)| (k, fill(v))))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
        let mut server = Server {
            program: program_name.to_string(),
            child,
            dir,
            socket,
        };
        if args.iter().any(|a| a.contains("{sock}")) {
            server.wait_for_socket();
        }
        Some(server)
    }

    /// Polls for the socket to accept connections: its file appears at `bind`, a moment before `listen`, when a
    /// connection is still refused. A program that exits first, or takes too long, fails the test (its own
    /// stderr, which the test inherits, says why).
    fn wait_for_socket(&mut self) {
        let deadline = Instant::now() + SOCKET_DEADLINE;
        while !listening(&self.socket) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited early: {status}", self.program);
            }
            assert!(
                Instant::now() < deadline,
                "{} did not create its socket within {SOCKET_DEADLINE:?}",
                self.program
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `qemu-storage-daemon` with its QMP monitor on the socket, then `extra`.
    pub fn storage_daemon(extra: &[&str]) -> Option<Server> {
        let mut args = vec![
            "--chardev",
            "socket,path={sock},server=on,wait=off,id=mon0",
            "--monitor",
            "chardev=mon0",
        ];
        args.extend_from_slice(extra);
        Server::start("qemu-storage-daemon", &args, &[])
    }

    /// `qemu-system-x86_64 -machine pc,accel=tcg -S`: no devices, no display, the guest never runs; QMP on the
    /// socket; then `extra`.
    pub fn system_emulator(extra: &[&str]) -> Option<Server> {
        let mut args = vec![
            "-machine",
            "pc,accel=tcg",
            "-S",
            "-display",
            "none",
            "-nodefaults",
            "-qmp",
            "unix:{sock},server=on,wait=off",
        ];
        args.extend_from_slice(extra);
        Server::start("qemu-system-x86_64", &args, &[])
    }

    /// `qemu-ga` listening on the socket, on this host: allowed only the commands in `allow` (see
    /// [`GUEST_AGENT_PROBES`]), its config file an empty name and its state and pid file in the temp dir.
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
        // A config file that does not exist, so that the host's /etc/qemu/qemu-ga.conf is not read.
        Server::start("qemu-ga", &args, &[("QGA_CONF", "{dir}/none.conf")])
    }

    /// The socket's path, as the program was given it for `{sock}`.
    pub fn socket(&self) -> &str {
        &self.socket
    }

    /// The temp dir the program runs in, `{dir}`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `name` in the temp dir.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the program at once (SIGKILL), as a crash would, and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Already reaped (after `kill`): its pid may be another process's by now.
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SIGTERM first, so the program removes its socket and pid file; SIGKILL if it lingers.
        // SAFETY: kill(2) on our own child, not yet reaped, so the pid is still its.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `pid` is still a process (a zombie counts: it was not reaped).
    fn alive(pid: u32) -> bool {
        Path::new(&format!("/proc/{pid}")).exists()
    }

    #[test]
    fn placeholders_name_the_socket_and_the_temp_dir() {
        let Some(qsd) = Server::storage_daemon(&["--pidfile", "{dir}/qsd.pid"]) else {
            return;
        };
        assert!(Path::new(qsd.socket()).starts_with(qsd.dir()));
        // The daemon may write its pidfile after it opens the socket: wait for it (10 s at most).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let written = loop {
            match std::fs::read_to_string(qsd.path("qsd.pid")) {
                Ok(text) if text.ends_with('\n') => break text,
                _ if std::time::Instant::now() > deadline => panic!("no pidfile after 10 s"),
                _ => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        };
        assert_eq!(written.trim(), qsd.pid().to_string());
    }

    #[test]
    fn dropping_stops_and_reaps_the_program() {
        let Some(qsd) = Server::storage_daemon(&[]) else {
            return;
        };
        let (pid, dir) = (qsd.pid(), qsd.dir().to_path_buf());
        assert!(alive(pid));
        drop(qsd);
        assert!(!alive(pid), "process {pid} outlived its Server");
        assert!(!dir.exists());
    }

    #[test]
    fn a_killed_program_is_reaped_at_once() {
        let Some(mut qsd) = Server::storage_daemon(&[]) else {
            return;
        };
        let pid = qsd.pid();
        qsd.kill();
        assert!(!alive(pid));
        drop(qsd);
    }

    #[test]
    fn a_program_that_exits_before_its_socket_fails_the_test() {
        if program("qemu-storage-daemon").is_none() {
            return;
        }
        let started = std::panic::catch_unwind(|| {
            Server::storage_daemon(&["--no-such-option"]).map(|s| s.pid())
        });
        let message = started.unwrap_err();
        let message = message.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("qemu-storage-daemon exited early"),
            "{message}"
        );
    }
}
