//! Clients no one here wrote, and ours, talk to the server: our typed qmp-client, QEMU's Python `qemu.qmp`,
//! socat, and qmp-shell.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use qemu_qmp::{QueryVersion, QueryYank, Stop, StopEvent};
use support::toy_server;
use tokio::sync::Notify;

struct Toy {
    _dir: tempfile::TempDir,
    socket: PathBuf,
    release: Arc<Notify>,
    _listening: qmp_server::Listening,
}

async fn toy() -> Toy {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("qmp.sock");
    let release = Arc::new(Notify::new());
    let listening = toy_server(release.clone())
        .listen_unix(&socket)
        .await
        .unwrap();
    Toy {
        _dir: dir,
        socket,
        release,
        _listening: listening,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qmp_client_typed_commands_events_and_oob() {
    let toy = toy().await;
    let qmp = qmp_client::Client::connect_unix(&toy.socket).await.unwrap();
    assert_eq!(qmp.greeting().unwrap().capabilities, ["oob"]);
    assert!(qmp.oob_enabled());
    let version = qmp.execute(QueryVersion::new()).await.unwrap();
    assert_eq!(
        (version.qemu.major, version.qemu.minor, version.qemu.micro),
        (9, 2, 4)
    );
    assert_eq!(version.package, "toy");

    let mut stops = qmp.subscribe::<StopEvent>();
    qmp.execute(Stop::new()).await.unwrap();
    let stop = tokio::time::timeout(Duration::from_secs(20), stops.next())
        .await
        .unwrap()
        .unwrap();
    assert!(stop.unwrap().timestamp.time().is_some());

    // An in-band command holds the queue; an out-of-band one overtakes it.
    let waiting = {
        let qmp = qmp.clone();
        tokio::spawn(async move { qmp.execute_raw("x-wait", serde_json::Value::Null).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let yanks = qmp.execute_oob(QueryYank::new()).await.unwrap();
    assert!(yanks.is_empty());
    assert!(!waiting.is_finished());
    toy.release.notify_one();
    waiting.await.unwrap().unwrap();

    let error = qmp
        .execute_raw("no-such-command", serde_json::Value::Null)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("The command no-such-command has not been found"),
        "{error}"
    );
}

/// Runs `program` with `args` and `input` on stdin, within a time limit; `None` when the program is missing.
fn run(program: &str, args: &[&str], input: &str) -> Option<String> {
    let (ok, out, err) = run_status(program, args, input)?;
    assert!(ok, "{program}: {err}");
    Some(out)
}

/// Runs `program`, giving whether it succeeded, its stdout and its stderr.
fn run_status(program: &str, args: &[&str], input: &str) -> Option<(bool, String, String)> {
    let path = qapi_tests::program(program)?;
    let mut child = Command::new(path)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let pid = child.id();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        // SAFETY: kill(2) of our own child; if it already exited and was reaped, the signal is harmless to
        // us as the pid is not reused within this test's lifetime in practice.
        unsafe { libc_kill(pid) };
    });
    let out = child.wait_with_output().unwrap();
    drop(watchdog);
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
}

unsafe fn libc_kill(pid: u32) {
    kill(pid as i32, 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socat_sees_qemus_bytes() {
    let toy = toy().await;
    let socket = format!("UNIX-CONNECT:{}", toy.socket.display());
    let input = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-version\",\"id\":1}\n{\"execute\":\"stop\"}\n";
    let Some(out) =
        tokio::task::spawn_blocking(move || run("socat", &["-t", "5", "-", &socket], input))
            .await
            .unwrap()
    else {
        return;
    };
    let lines: Vec<&str> = out.split("\r\n").collect();
    assert_eq!(
        lines[0],
        r#"{"QMP": {"version": {"package": "toy", "qemu": {"major": 9, "micro": 4, "minor": 2}}, "capabilities": ["oob"]}}"#
    );
    assert_eq!(lines[1], r#"{"return": {}}"#);
    assert_eq!(
        lines[2],
        r#"{"return": {"package": "toy", "qemu": {"major": 9, "micro": 4, "minor": 2}}, "id": 1}"#
    );
    assert!(
        lines[3].starts_with(r#"{"timestamp": {"seconds": "#),
        "{out}"
    );
    assert!(lines[3].ends_with(r#"}, "event": "STOP"}"#), "{out}");
    assert_eq!(lines[4], r#"{"return": {}}"#);
}

const PYTHON_CLIENT: &str = r#"
import asyncio, sys
from qemu.qmp import QMPClient, ExecuteError

async def main(path):
    qmp = QMPClient('qmp-server-test')
    await qmp.connect(path)
    version = await qmp.execute('query-version')
    print('version', version['qemu']['major'], version['qemu']['minor'], version['package'])
    try:
        await qmp.execute('no-such-command')
    except ExecuteError as e:
        print('error', e.error_class, str(e))
    with qmp.listener() as listener:
        await qmp.execute('stop')
        event = await asyncio.wait_for(listener.get(), 20)
        print('event', event['event'], 'seconds' in event['timestamp'])
    msg = qmp.make_execute_msg('query-version')
    msg['id'] = 'my-id'
    reply = await qmp.execute_msg(msg)
    print('by id', reply['package'])
    await qmp.disconnect()

asyncio.run(main(sys.argv[1]))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_qemu_qmp_client() {
    let toy = toy().await;
    let path = toy.socket.display().to_string();
    let Some(out) =
        tokio::task::spawn_blocking(move || run("python3", &["-c", PYTHON_CLIENT, &path], ""))
            .await
            .unwrap()
    else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "version 9 2 toy");
    assert!(lines[1].starts_with("error CommandNotFound"), "{out}");
    assert_eq!(lines[2], "event STOP True");
    assert_eq!(lines[3], "by id toy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qmp_shell_in_batch_mode() {
    // Ours, built beside this test (`cargo test --workspace` builds it; not Python's qmp-shell from PATH, which
    // speaks another command language).
    let built = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../debug/qmp-shell");
    if !built.exists() {
        qapi_tests::missing(&format!(
            "{} (cargo build -p qmp-tools --bin qmp-shell)",
            built.display()
        ));
        return;
    }
    std::env::set_var("QMP_SHELL", &built);
    let toy = toy().await;
    let path = toy.socket.display().to_string();
    let script = "query-version\nstop\nno-such-command\n";
    let Some((_, out, err)) = tokio::task::spawn_blocking(move || {
        run_status(
            "qmp-shell",
            &["--batch", "--no-history", "--no-validate", &path],
            script,
        )
    })
    .await
    .unwrap() else {
        return;
    };
    // qmp-shell read the command names from our query-qmp-schema.
    assert!(err.contains("unknown command 'no-such-command'"), "{err}");
    assert!(out.contains("\"package\": \"toy\""), "{out}");
    assert!(out.contains("\"event\": \"STOP\""), "{out}");
    assert!(
        out.contains("The command no-such-command has not been found"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_on_loopback_and_any_byte_stream() {
    let server = toy_server(Arc::new(Notify::new()));
    let listening = server.listen_tcp("127.0.0.1:0").await.unwrap();
    let address = listening.tcp_address().unwrap();
    assert!(address.ip().is_loopback());
    let qmp = qmp_client::Client::connect_tcp(address).await.unwrap();
    assert_eq!(
        qmp.execute(QueryVersion::new()).await.unwrap().package,
        "toy"
    );

    // What serve_stdio does, over an in-memory pipe.
    let (ours, theirs) = tokio::io::duplex(64 * 1024);
    let (r, w) = tokio::io::split(ours);
    let serving = tokio::spawn(async move { server.serve_stream(r, w).await });
    let qmp = qmp_client::Client::builder().stream(theirs).await.unwrap();
    assert_eq!(
        qmp.execute(QueryVersion::new()).await.unwrap().package,
        "toy"
    );
    qmp.close().await;
    tokio::time::timeout(Duration::from_secs(20), serving)
        .await
        .expect("the session ends when the client leaves")
        .unwrap();
}
