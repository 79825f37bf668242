//! Record and replay: record a client's session with a real QEMU into a transcript, then serve the transcript
//! back as a mock, so that a test written against QEMU runs without it.
//!
//! A transcript is JSON lines, each `{"client": REQUEST}` or `{"server": MESSAGE}` in the order they crossed the
//! socket. On replay, each request must be the next one recorded (same command, same arguments; ids may differ);
//! it is answered with the recorded reply, after the events recorded before that reply (with their recorded
//! timestamps). Any other request is answered with a `GenericError` that says what was expected.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::net::UnixStream;

use crate::error::CommandError;
use crate::server::{Entry, Flags, Server, ServerBuilder};
use crate::stream::{Cutter, Item};

/// Which side sent a recorded message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The client: requests.
    Client,
    /// The server: the greeting, replies and events.
    Server,
}

impl Side {
    fn key(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

type Log = Arc<Mutex<std::fs::File>>;

/// Connects to the QMP server at `qemu` and gives a stream to hand to a client (e.g. qmp-client's
/// `ClientBuilder::stream`); every message either way is appended to the transcript at `transcript`.
pub async fn record_unix(
    qemu: impl AsRef<Path>,
    transcript: impl AsRef<Path>,
) -> io::Result<DuplexStream> {
    let upstream = UnixStream::connect(qemu.as_ref()).await?;
    let log: Log = Arc::new(Mutex::new(std::fs::File::create(transcript.as_ref())?));
    let (client_side, proxy_side) = tokio::io::duplex(256 * 1024);
    let (up_read, up_write) = upstream.into_split();
    let (proxy_read, proxy_write) = tokio::io::split(proxy_side);
    tokio::spawn(relay(proxy_read, up_write, log.clone(), Side::Client));
    tokio::spawn(relay(up_read, proxy_write, log, Side::Server));
    Ok(client_side)
}

/// Copies bytes from `from` to `to` unchanged, logging each complete JSON text.
async fn relay<R, W>(mut from: R, mut to: W, log: Log, side: Side)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut cutter = Cutter::new(usize::MAX);
    let mut buf = vec![0u8; 64 * 1024];
    let mut items = Vec::new();
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        cutter.feed(&buf[..n], &mut items);
        for item in items.drain(..) {
            if let Item::Text(text) = item {
                let message = serde_json::from_slice(&text)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&text).into_owned()));
                let line = json!({ side.key(): message }).to_string();
                let mut file = log.lock().unwrap_or_else(|p| p.into_inner());
                let _ = writeln!(file, "{line}").and_then(|_| file.flush());
            }
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// A recorded request and what the server sent until its reply.
#[derive(Clone, Debug)]
struct Exchange {
    name: String,
    arguments: Map<String, Value>,
    /// (name, data, (seconds, microseconds)) of each event recorded before the reply.
    events: Vec<(String, Value, (i64, i64))>,
    reply: Result<Value, CommandError>,
}

/// A transcript read back.
#[derive(Clone, Debug)]
pub struct Transcript {
    version: Value,
    oob: bool,
    exchanges: Vec<Exchange>,
}

impl Transcript {
    /// Reads the transcript at `path`; an error names the line that is not a transcript entry.
    pub fn load(path: impl AsRef<Path>) -> io::Result<Transcript> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)?;
        let bad = |line: usize, why: &str| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}:{line}: {why}", path.display()),
            )
        };
        let mut entries = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let value: Value =
                serde_json::from_str(line).map_err(|e| bad(i + 1, &e.to_string()))?;
            let entry = match (value.get("client"), value.get("server")) {
                (Some(m), None) => (Side::Client, m.clone()),
                (None, Some(m)) => (Side::Server, m.clone()),
                _ => {
                    return Err(bad(
                        i + 1,
                        "expected {\"client\": ...} or {\"server\": ...}",
                    ))
                }
            };
            entries.push(entry);
        }
        Ok(Transcript::from_entries(entries))
    }

    fn from_entries(entries: Vec<(Side, Value)>) -> Transcript {
        let mut transcript = Transcript {
            version: crate::server::version_info(0, 0, 0, ""),
            oob: false,
            exchanges: Vec::new(),
        };
        let mut events = Vec::new();
        let mut open: Option<Exchange> = None;
        for (side, message) in entries {
            match side {
                Side::Client => {
                    let name = message
                        .get("execute")
                        .or_else(|| message.get("exec-oob"))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    if name == "qmp_capabilities"
                        && transcript.exchanges.is_empty()
                        && open.is_none()
                    {
                        continue;
                    }
                    let arguments = match message.get("arguments") {
                        Some(Value::Object(a)) => a.clone(),
                        _ => Map::new(),
                    };
                    open = Some(Exchange {
                        name,
                        arguments,
                        events: Vec::new(),
                        reply: Ok(Value::Null),
                    });
                }
                Side::Server => transcript.server_message(message, &mut open, &mut events),
            }
        }
        transcript
    }

    fn server_message(
        &mut self,
        message: Value,
        open: &mut Option<Exchange>,
        events: &mut Vec<(String, Value, (i64, i64))>,
    ) {
        if let Some(greeting) = message.get("QMP") {
            self.version = greeting["version"].clone();
            self.oob = greeting["capabilities"]
                .as_array()
                .is_some_and(|c| c.contains(&json!("oob")));
        } else if let Some(name) = message.get("event").and_then(Value::as_str) {
            let stamp = &message["timestamp"];
            let time = (
                stamp["seconds"].as_i64().unwrap_or(-1),
                stamp["microseconds"].as_i64().unwrap_or(-1),
            );
            events.push((
                name.to_owned(),
                message.get("data").cloned().unwrap_or(Value::Null),
                time,
            ));
        } else if let Some(mut exchange) = open.take() {
            exchange.events = std::mem::take(events);
            exchange.reply = match (message.get("return"), message.get("error")) {
                (Some(value), _) => Ok(value.clone()),
                (None, Some(error)) => Err(CommandError::new(
                    error["class"].as_str().unwrap_or("GenericError"),
                    error["desc"].as_str().unwrap_or_default(),
                )),
                (None, None) => Ok(Value::Null),
            };
            self.exchanges.push(exchange);
        }
    }

    /// How many requests the transcript answers.
    pub fn len(&self) -> usize {
        self.exchanges.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }

    /// A server that plays the transcript back: the recorded greeting, then the recorded replies in order.
    pub fn replay(&self) -> Server {
        self.replay_with(Server::builder())
    }

    /// Plays the transcript back on a server configured by `builder` (limits, extra commands).
    pub fn replay_with(&self, builder: ServerBuilder) -> Server {
        let queue = Arc::new(Mutex::new(VecDeque::from(self.exchanges.clone())));
        let emitter = builder.emitter();
        builder
            .version_value(self.version.clone())
            .oob(self.oob)
            .answer_queries(false)
            .resolver(Arc::new(move |name: &str| {
                let queue = queue.clone();
                let emitter = emitter.clone();
                let name = name.to_owned();
                Some(Entry::new(
                    Flags {
                        allow_oob: true,
                        success_response: true,
                    },
                    move |arguments| {
                        let next = {
                            let mut queue = queue.lock().unwrap_or_else(|p| p.into_inner());
                            match queue.front() {
                                Some(e) if e.name == name && e.arguments == arguments => {
                                    queue.pop_front()
                                }
                                _ => None,
                            }
                        };
                        let answer = match next {
                            Some(exchange) => {
                                for (event, data, time) in exchange.events {
                                    emitter.emit_at(&event, data, time);
                                }
                                exchange.reply
                            }
                            None => Err(unexpected(&queue, &name, &arguments)),
                        };
                        async move { answer }
                    },
                ))
            }))
            .build()
    }
}

fn unexpected(
    queue: &Mutex<VecDeque<Exchange>>,
    name: &str,
    arguments: &Map<String, Value>,
) -> CommandError {
    let queue = queue.lock().unwrap_or_else(|p| p.into_inner());
    let got = format!("{name} {}", Value::Object(arguments.clone()));
    CommandError::generic(match queue.front() {
        Some(e) => format!(
            "replay: expected {} {}, got {got}",
            e.name,
            Value::Object(e.arguments.clone())
        ),
        None => format!("replay: the transcript has ended, got {got}"),
    })
}
