//! Round trips against a real qemu-storage-daemon: sequential `query-version` (latency), pipelined
//! `query-version` (throughput), and `query-qmp-schema` (a ~160 KB reply) decoded into typed bindings.
//! Run with `cargo bench -p qmp-client`; skipped with a message when qemu-storage-daemon is missing.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use common::{real, QueryVersion};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use qapi_tests::Server;
use qmp_client::Client;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

/// The introspection module of QEMU's schema, for the typed `query-qmp-schema` round trip (its decoding alone is
/// measured against qapi-qmp and serde in generated/tests/benches/codec.rs).
mod introspect {
    qapi_macros::include_qapi!(
        "../../shared/qemu/10.2.0/storage-daemon/qapi/qapi-schema.json",
        docs = false,
        modules = ["introspect"]
    );
}
use introspect::QueryQmpSchema;

fn runtime() -> Runtime {
    if std::env::var("QMP_BENCH_RUNTIME").as_deref() == Ok("multi") {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }
}

fn connect(rt: &Runtime, qsd: &Server, max_in_flight: Option<usize>, oob: bool) -> Client {
    let builder = real().max_in_flight(max_in_flight).oob(oob);
    rt.block_on(builder.connect_unix(qsd.socket()))
        .expect("connecting")
}

fn on_off(oob: bool) -> &'static str {
    if oob {
        "oob on"
    } else {
        "oob off"
    }
}

fn sequential(c: &mut Criterion) {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let rt = runtime();
    // The daemon serves one monitor client at a time: each connection is closed before the next.
    for oob in [true, false] {
        let qmp = connect(&rt, &qsd, Some(8), oob);
        let name = format!("query-version sequential round trip ({})", on_off(oob));
        c.bench_function(&name, |b| {
            b.to_async(&rt)
                .iter(|| async { qmp.execute(QueryVersion {}).await.unwrap() })
        });
        rt.block_on(qmp.close());
    }
    let blocking = qmp_client::blocking::Client::connect_unix_with(real(), qsd.socket()).unwrap();
    c.bench_function("query-version sequential round trip (blocking API)", |b| {
        b.iter(|| blocking.execute(QueryVersion {}).unwrap())
    });
    blocking.close();
    drop(blocking);
    let mut raw = RawSocket::connect(&qsd);
    c.bench_function(
        "query-version sequential round trip (baseline: bare socket, no client)",
        |b| b.iter(|| raw.round_trip()),
    );
    drop(raw);
    match PythonQmp::connect(&qsd) {
        Some(mut python) => {
            c.bench_function(
                "query-version sequential round trip (Python qemu.qmp)",
                |b| b.iter_custom(|iters| python.round_trips(iters)),
            );
        }
        None => eprintln!("MISSING: Python's qemu.qmp (.ci/install-tools installs it); its round trip is not measured"),
    };
}

/// Python's `qemu.qmp`, the peer users compare with: a Python process (`qemu_qmp_roundtrip.py`) connected once,
/// which runs as many round trips as asked and says how long they took.
struct PythonQmp {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: std::io::BufReader<std::process::ChildStdout>,
}

impl PythonQmp {
    fn connect(qsd: &Server) -> Option<PythonQmp> {
        use std::process::{Command, Stdio};
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/qemu_qmp_roundtrip.py");
        let present = Command::new("python3")
            .args(["-c", "import qemu.qmp"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !present {
            return None;
        }
        let mut child = Command::new("python3")
            .arg(script)
            .arg(qsd.socket())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let input = child.stdin.take()?;
        let output = std::io::BufReader::new(child.stdout.take()?);
        let mut python = PythonQmp {
            child,
            input,
            output,
        };
        // One round trip first: the connection is up once it answers.
        python.round_trips(1);
        Some(python)
    }

    fn round_trips(&mut self, n: u64) -> Duration {
        use std::io::{BufRead, Write};
        writeln!(self.input, "{n}").expect("writing to the Python client");
        let mut line = String::new();
        self.output
            .read_line(&mut line)
            .expect("reading from the Python client");
        let nanos: u64 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the Python client said {line:?}"));
        Duration::from_nanos(nanos)
    }
}

impl Drop for PythonQmp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The floor: a blocking socket writing one request and reading one line, with no parsing, no matching and no
/// tasks; what is left is the server's own time.
struct RawSocket {
    reader: std::io::BufReader<std::os::unix::net::UnixStream>,
    writer: std::os::unix::net::UnixStream,
    line: String,
}

impl RawSocket {
    fn connect(qsd: &Server) -> RawSocket {
        use std::io::BufRead;
        let stream = std::os::unix::net::UnixStream::connect(qsd.socket()).unwrap();
        let mut raw = RawSocket {
            reader: std::io::BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            line: String::new(),
        };
        raw.reader.read_line(&mut raw.line).unwrap();
        std::io::Write::write_all(&mut raw.writer, b"{\"execute\": \"qmp_capabilities\"}\n")
            .unwrap();
        raw.line.clear();
        raw.reader.read_line(&mut raw.line).unwrap();
        raw
    }

    fn round_trip(&mut self) {
        use std::io::BufRead;
        std::io::Write::write_all(&mut self.writer, b"{\"execute\": \"query-version\"}\n").unwrap();
        self.line.clear();
        self.reader.read_line(&mut self.line).unwrap();
        assert!(self.line.starts_with("{\"return\""));
    }
}

fn pipelined(c: &mut Criterion) {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let rt = runtime();
    const BATCH: u64 = 1000;
    let mut group = c.benchmark_group("query-version pipelined");
    group.throughput(Throughput::Elements(BATCH));
    for (limit, oob) in [
        (Some(8), true),
        (None, true),
        (Some(8), false),
        (None, false),
    ] {
        let qmp = connect(&rt, &qsd, limit, oob);
        let width = limit.map_or("unlimited".to_owned(), |n| n.to_string());
        let label = format!("{width}, {}", on_off(oob));
        group.bench_with_input(BenchmarkId::new("in flight", label), &qmp, |b, qmp| {
            b.to_async(&rt).iter(|| async {
                let mut set = JoinSet::new();
                for _ in 0..BATCH {
                    let qmp = qmp.clone();
                    set.spawn(async move { qmp.execute(QueryVersion {}).await });
                }
                while let Some(r) = set.join_next().await {
                    r.unwrap().unwrap();
                }
            })
        });
        rt.block_on(qmp.close());
    }
    group.finish();
}

fn schema(c: &mut Criterion) {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let rt = runtime();
    let qmp = connect(&rt, &qsd, Some(8), true);
    let size = rt
        .block_on(qmp.execute_raw("query-qmp-schema", serde_json::Value::Null))
        .unwrap()
        .to_string()
        .len();
    let mut group = c.benchmark_group(format!("query-qmp-schema ({size} bytes)"));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("typed", |b| {
        b.to_async(&rt)
            .iter(|| async { qmp.execute(QueryQmpSchema::new()).await.unwrap() })
    });
    group.bench_function("untyped JSON", |b| {
        b.to_async(&rt).iter(|| async {
            qmp.execute_raw("query-qmp-schema", serde_json::Value::Null)
                .await
                .unwrap()
        })
    });
    group.finish();
}

/// A server that answers at once, on its own thread: what is measured is the client alone.
fn instant_server(stream: std::os::unix::net::UnixStream) {
    use std::io::{BufRead, Write};
    let greeting = br#"{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": ""}, "capabilities": ["oob"]}}"#;
    let mut writer = std::io::BufWriter::new(stream.try_clone().unwrap());
    let mut reader = std::io::BufReader::new(stream);
    writer.write_all(greeting).unwrap();
    writer.write_all(b"\r\n").unwrap();
    writer.flush().unwrap();
    let reply = r#"{"return": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1"}"#;
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 0 {
        // The id echoed when the request has one, as QEMU does.
        match line.rsplit_once("\"id\":") {
            Some((_, rest)) => {
                let id = rest.trim_end().trim_end_matches('}');
                write!(writer, "{reply}, \"id\": {id}}}\r\n").unwrap();
            }
            None => write!(writer, "{reply}}}\r\n").unwrap(),
        }
        line.clear();
        if reader.buffer().is_empty() {
            writer.flush().unwrap();
        }
    }
}

fn client_alone(c: &mut Criterion) {
    let rt = runtime();
    let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    let server = std::thread::spawn(move || instant_server(theirs));
    let qmp = rt
        .block_on(async {
            real()
                .max_in_flight(None)
                .unix_stream(tokio::net::UnixStream::from_std(ours)?)
                .await
        })
        .unwrap();
    let mut group = c.benchmark_group("client alone (instant in-process server)");
    group.bench_function("sequential round trip", |b| {
        b.to_async(&rt)
            .iter(|| async { qmp.execute(QueryVersion {}).await.unwrap() })
    });
    const BATCH: u64 = 1000;
    group.throughput(Throughput::Elements(BATCH));
    group.bench_function("pipelined, 1000 in flight", |b| {
        b.to_async(&rt).iter(|| async {
            let mut set = JoinSet::new();
            for _ in 0..BATCH {
                let qmp = qmp.clone();
                set.spawn(async move { qmp.execute(QueryVersion {}).await });
            }
            while let Some(r) = set.join_next().await {
                r.unwrap().unwrap();
            }
        })
    });
    group.finish();
    rt.block_on(qmp.close());
    server.join().unwrap();
}

criterion_group!(benches, sequential, pipelined, schema, client_alone);
criterion_main!(benches);
