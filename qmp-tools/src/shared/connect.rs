//! Connecting the way every tool does: the server and the limits from the command line ([`ServerArgs`]), one
//! connect function with errors that say what went wrong, and a blocking handle for the tools that run outside
//! async code.

use std::sync::Arc;
use std::time::Duration;

use qmp_client::{Client, ClientBuilder, Error};
use serde_json::Value;
use tokio::net::{TcpStream, UnixStream};
use tokio::runtime::Runtime;

use crate::shared::read_only::ReadOnly;
use crate::shared::target::Target;

/// The default limit on connecting and on each reply.
pub const DEFAULT_TIMEOUT_SECS: f64 = 10.0;

/// The command-line options every tool shares: where the server is and how long to wait for it.
#[derive(clap::Args, Clone, Debug)]
pub struct ServerArgs {
    /// The server: a unix socket path, or HOST:PORT.
    pub server: String,
    /// Seconds to wait for connecting and for each reply; 0 waits forever.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TIMEOUT_SECS,
          value_parser = parse_seconds)]
    pub timeout: f64,
}

/// Reads `--timeout`: seconds, not negative; 0 waits forever.
pub fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if (0.0..=1e6).contains(&s) => Ok(s),
        _ => Err(format!(
            "'{text}' is not a number of seconds from 0 to 1000000"
        )),
    }
}

impl ServerArgs {
    /// The server as a unix socket or `HOST:PORT`.
    pub fn target(&self) -> Target {
        Target::parse(&self.server)
    }

    /// The limit, `None` for 0 (no limit).
    pub fn limit(&self) -> Option<Duration> {
        (self.timeout > 0.0).then(|| Duration::from_secs_f64(self.timeout))
    }
}

/// Which protocol the server speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// QEMU's monitor (qemu-system-*, qemu-storage-daemon).
    Monitor,
    /// A QEMU guest agent.
    GuestAgent,
}

/// Why a tool could not connect, worded for the person who ran it.
#[derive(Debug)]
pub enum ConnectError {
    /// The socket could not be opened (missing, refused, no permission...).
    Open {
        /// The server as given.
        target: String,
        /// What opening the socket gave.
        error: std::io::Error,
    },
    /// The socket opened, but no greeting (monitor) or sync reply (agent) came in time.
    Silent {
        /// The server as given.
        target: String,
        /// A QEMU monitor or a guest agent.
        peer: Peer,
        /// How long the tool waited.
        limit: Duration,
    },
    /// Connecting did not finish within the limit.
    Timeout {
        /// The server as given.
        target: String,
        /// The limit.
        limit: Duration,
    },
    /// The handshake failed otherwise.
    Handshake {
        /// The server as given.
        target: String,
        /// What the client said.
        error: Error,
    },
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // A unix socket whose queue of clients waiting to be accepted is full: QEMU accepts no one while
            // another client holds the monitor, and the clients that tried before still fill the queue.
            ConnectError::Open { target, error } if error.kind() == std::io::ErrorKind::WouldBlock => write!(
                f,
                "{target} takes no more connections (its queue of clients waiting to be accepted is full): the \
                 monitor is most likely held by another client (a QMP socket serves one client at a time). Close \
                 that client, or give QEMU a second -qmp socket"
            ),
            ConnectError::Open { target, error } => write!(f, "cannot connect to {target}: {error}"),
            ConnectError::Silent {
                target,
                peer: Peer::Monitor,
                limit,
            } => write!(
                f,
                "{target} accepted the connection but sent no QMP greeting within {}: the monitor is most \
                 likely held by another client (a QMP socket serves one client at a time). Close that client, \
                 or give QEMU a second -qmp socket",
                seconds(*limit)
            ),
            ConnectError::Silent {
                target,
                peer: Peer::GuestAgent,
                limit,
            } => write!(
                f,
                "{target} accepted the connection but the guest agent did not answer guest-sync-delimited \
                 within {}: the agent is not running in the guest, or another client holds the channel",
                seconds(*limit)
            ),
            ConnectError::Timeout { target, limit } => {
                write!(f, "connecting to {target} timed out after {}", seconds(*limit))
            }
            ConnectError::Handshake { target, error } => {
                write!(f, "connecting to {target}: {error}")
            }
        }
    }
}

impl std::error::Error for ConnectError {}

/// A failed call, worded for people: a timeout says what it means and how to change the limit.
pub fn describe(e: &Error) -> String {
    match e {
        Error::Timeout(limit) => format!(
            "no reply within {}: the server took the command and did not answer (--timeout sets the limit)",
            seconds(*limit)
        ),
        Error::Qmp { desc, .. } => desc.clone(),
        other => other.to_string(),
    }
}

/// `10 s`, `0.5 s`.
pub fn seconds(limit: Duration) -> String {
    format!("{} s", limit.as_secs_f64())
}

/// Opens the socket, then greets the server (QMP greeting and capabilities, or the agent's sync), each within
/// `limit`; every call on the client then has `limit` too.
pub async fn connect(
    target: &Target,
    peer: Peer,
    limit: Option<Duration>,
) -> Result<Client, ConnectError> {
    let name = target.to_string();
    let open = async {
        match target {
            Target::Unix(path) => UnixStream::connect(path).await.map(Stream::Unix),
            Target::Tcp(addr) => TcpStream::connect(addr.as_str()).await.map(Stream::Tcp),
        }
    };
    let stream = match limit {
        Some(l) => match tokio::time::timeout(l, open).await {
            Ok(s) => s,
            Err(_) => {
                return Err(ConnectError::Timeout {
                    target: name,
                    limit: l,
                })
            }
        },
        None => open.await,
    };
    let stream = stream.map_err(|error| ConnectError::Open {
        target: name.clone(),
        error,
    })?;
    let mut builder = ClientBuilder::new()
        .connect_timeout(limit)
        .call_timeout(limit);
    if peer == Peer::GuestAgent {
        builder = builder.guest_agent();
    }
    let started = match stream {
        Stream::Unix(s) => builder.unix_stream(s).await,
        Stream::Tcp(s) => {
            let _ = s.set_nodelay(true);
            builder.stream(s).await
        }
    };
    started.map_err(|error| match (error, limit) {
        (Error::Timeout(_), Some(limit)) => ConnectError::Silent {
            target: name,
            peer,
            limit,
        },
        (error, _) => ConnectError::Handshake {
            target: name,
            error,
        },
    })
}

enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

/// A client with a runtime of its own, for tools that are not async (qom-fuse's file system callbacks, the qom-*
/// commands); calls are checked against the read-only policy before they are sent.
#[derive(Clone)]
pub struct Blocking {
    // Dropped before the runtime, so the connection closes while its tasks can still run.
    client: Client,
    read_only: ReadOnly,
    rt: Arc<Runtime>,
}

/// Why a blocking call failed.
#[derive(Debug)]
pub enum CallError {
    /// The read-only policy refused to send it.
    Refused(String),
    /// The client or the server reported an error.
    Client(Error),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Refused(why) => f.write_str(why),
            CallError::Client(e) => f.write_str(&describe(e)),
        }
    }
}

impl CallError {
    /// Whether the call failed because the connection is gone.
    pub fn is_disconnect(&self) -> bool {
        matches!(self, CallError::Client(e) if e.is_disconnect())
    }
}

impl Blocking {
    /// Connects as [`connect`] does, on a runtime of one worker thread.
    pub fn connect(args: &ServerArgs, peer: Peer, read_only: ReadOnly) -> Result<Blocking, String> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let client = rt
            .block_on(connect(&args.target(), peer, args.limit()))
            .map_err(|e| e.to_string())?;
        Ok(Blocking {
            client,
            read_only,
            rt: Arc::new(rt),
        })
    }

    /// Runs a command by name, refused before sending in read-only mode unless it is a query.
    pub fn call(&self, name: &str, args: Value) -> Result<Value, CallError> {
        self.read_only.check(name).map_err(CallError::Refused)?;
        self.rt
            .block_on(self.client.execute_raw(name, args))
            .map_err(CallError::Client)
    }

    /// Whether read-only mode is on.
    pub fn read_only(&self) -> ReadOnly {
        self.read_only
    }

    /// The client underneath.
    pub fn client(&self) -> &Client {
        &self.client
    }
}
