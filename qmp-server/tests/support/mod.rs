//! A client that speaks raw bytes, for what typed clients never send: each message it reads is one line.
#![allow(dead_code)]

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::UnixStream;

/// How long any one reply may take: generous, as the machine may be busy compiling.
pub const REPLY_LIMIT: Duration = Duration::from_secs(20);

pub struct RawClient {
    reader: BufReader<OwnedReadHalf>,
    writer: Option<OwnedWriteHalf>,
}

impl RawClient {
    pub async fn connect(path: impl AsRef<std::path::Path>) -> RawClient {
        let stream = tokio::time::timeout(REPLY_LIMIT, UnixStream::connect(path.as_ref()))
            .await
            .expect("connecting in time")
            .expect("connecting");
        let (r, w) = stream.into_split();
        RawClient {
            reader: BufReader::new(r),
            writer: Some(w),
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        let writer = self.writer.as_mut().expect("the writing half");
        writer.write_all(bytes).await.expect("sending");
    }

    /// The writing half, for a task that sends while this one reads.
    pub fn take_writer(&mut self) -> OwnedWriteHalf {
        self.writer.take().expect("the writing half")
    }

    /// The next message as text (without its line end); `None` at end of stream.
    pub async fn next_text(&mut self) -> Option<String> {
        let mut line = Vec::new();
        let n = tokio::time::timeout(REPLY_LIMIT, self.reader.read_until(b'\n', &mut line))
            .await
            .expect("a message in time")
            .expect("reading");
        if n == 0 {
            return None;
        }
        Some(String::from_utf8_lossy(&line).trim_end().to_owned())
    }

    /// The next message as raw bytes, line end included; empty at end of stream.
    pub async fn next_bytes(&mut self) -> Vec<u8> {
        let mut line = Vec::new();
        tokio::time::timeout(REPLY_LIMIT, self.reader.read_until(b'\n', &mut line))
            .await
            .expect("a message in time")
            .expect("reading");
        line
    }

    pub async fn next(&mut self) -> Value {
        let text = self
            .next_text()
            .await
            .expect("a message, not the end of the stream");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    /// Reads the greeting and negotiates, with `oob` if asked.
    pub async fn negotiate(&mut self, oob: bool) -> Value {
        let greeting = self.next().await;
        let args = if oob {
            r#","arguments":{"enable":["oob"]}"#
        } else {
            ""
        };
        self.send(format!(r#"{{"execute":"qmp_capabilities"{args}}}"#).as_bytes())
            .await;
        assert_eq!(self.next().await, serde_json::json!({"return": {}}));
        greeting
    }
}

/// Replaces what must differ between two servers: version numbers and package text, and timestamps.
pub fn normalise(mut message: Value) -> Value {
    if let Some(version) = message.pointer_mut("/QMP/version") {
        *version = Value::String("VERSION".into());
    }
    if message.get("timestamp").is_some() {
        message["timestamp"] = Value::String("TIME".into());
    }
    if let Some(ret) = message.get_mut("return") {
        if ret.get("qemu").is_some() && ret.get("package").is_some() {
            *ret = Value::String("VERSION".into());
        }
    }
    message
}

/// The resident memory of this process, in bytes.
pub fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("a VmRSS line");
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a number of kB");
    kb * 1024
}

/// A small QMP server over the committed 9.2.4 bindings: `stop` and `cont` send `STOP` and `RESUME` before
/// their replies, `query-yank` is allow-oob, and `x-wait` (plain JSON) holds the in-band queue until `release`
/// is notified.
pub fn toy_server(release: std::sync::Arc<tokio::sync::Notify>) -> qmp_server::Server {
    use qapi_runtime::Empty;
    use qemu_qmp::{Cont, QueryYank, ResumeEvent, Stop, StopEvent};
    use qmp_server::{Flags, Server};

    let builder = Server::builder()
        .version(9, 2, 4, "toy")
        .event::<StopEvent>()
        .event::<ResumeEvent>();
    let (on_stop, on_cont) = (builder.emitter(), builder.emitter());
    builder
        .command(move |_: Stop| {
            on_stop.emit(&StopEvent::new());
            async { Ok(Empty {}) }
        })
        .command(move |_: Cont| {
            on_cont.emit(&ResumeEvent::new());
            async { Ok(Empty {}) }
        })
        .command(|_: QueryYank| async { Ok(Vec::new()) })
        .command_raw("x-wait", Flags::default(), move |_| {
            let release = release.clone();
            async move {
                release.notified().await;
                Ok(serde_json::json!({}))
            }
        })
        .build()
}
