//! Connecting: transports, timeouts, and the options a connection is made with.

use std::future::Future;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpStream, ToSocketAddrs, UnixStream};
use tokio::process::Command as ProcessCommand;

use std::sync::Arc;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::policy::{CommandPolicy, Policies, ReadOnly};
use crate::reconnect::{Connector, Reconnect};
use crate::transport::{unix_halves, BoxReader, Writer};

/// Which protocol the server speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// QEMU's monitor: greeting, then `qmp_capabilities`.
    Qmp,
    /// The guest agent: no greeting; `guest-sync-delimited` resynchronises.
    GuestAgent,
}

/// Options for a connection. `Client::builder()` starts with the defaults noted on each setter.
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    pub(crate) protocol: Protocol,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) call_timeout: Option<Duration>,
    pub(crate) oob: bool,
    pub(crate) max_in_flight: Option<usize>,
    pub(crate) max_message: usize,
    pub(crate) event_backlog: Option<usize>,
    pub(crate) sync_on_connect: bool,
    pub(crate) wait_for_server: bool,
    pub(crate) policies: Policies,
    pub(crate) read_only: bool,
    pub(crate) reconnect: Option<Reconnect>,
    pub(crate) always_send_ids: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            protocol: Protocol::Qmp,
            connect_timeout: Some(Duration::from_secs(10)),
            call_timeout: Some(DEFAULT_CALL_TIMEOUT),
            oob: true,
            max_in_flight: Some(QEMU_IN_BAND_QUEUE),
            max_message: 256 << 20,
            event_backlog: Some(16 * 1024),
            sync_on_connect: true,
            wait_for_server: false,
            policies: Policies::default(),
            read_only: false,
            reconnect: None,
            always_send_ids: false,
        }
    }
}

/// QEMU's `QMP_REQ_QUEUE_LEN_MAX`: with `oob` on, the monitor stops reading once this many in-band commands are
/// queued, and an out-of-band command sent after them would wait too. The QMP spec asks clients to keep at most
/// eight in flight.
pub const QEMU_IN_BAND_QUEUE: usize = 8;

/// How long a call waits for its reply unless the builder or the call says otherwise: long enough for any command
/// QEMU answers at once (the slowest, `query-qmp-schema` on a loaded host, takes well under a second) and for the
/// usual `execute_and_wait` of a job, short enough that a wedged monitor is reported rather than waited on
/// forever. Commands that run long in the foreground (`dump-guest-memory` without `detach`, `human-monitor-command
/// savevm`, `guest-fsfreeze-freeze` on a busy guest) take [`crate::Client::execute_timeout`] with their own limit.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);

impl ClientBuilder {
    /// The default options (see [`ClientBuilder`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Talk to a guest agent instead of QEMU's monitor.
    pub fn guest_agent(mut self) -> Self {
        self.protocol = Protocol::GuestAgent;
        self
    }

    /// Limit on connecting, greeting and negotiation together (default 10 s; `None`: no limit).
    pub fn connect_timeout(mut self, limit: Option<Duration>) -> Self {
        self.connect_timeout = limit;
        self
    }

    /// Limit on every call (for [`Client::execute_and_wait`], on the reply and the event together) unless the call
    /// gives its own (default [`DEFAULT_CALL_TIMEOUT`], 60 s; `None`: wait forever).
    pub fn call_timeout(mut self, limit: Option<Duration>) -> Self {
        self.call_timeout = limit;
        self
    }

    /// Enable out-of-band execution when the server offers it (default: yes).
    pub fn oob(mut self, wanted: bool) -> Self {
        self.oob = wanted;
        self
    }

    /// How many in-band commands may await replies at once; more wait their turn (default 8, QEMU's queue length;
    /// `None`: no limit, which can starve out-of-band commands).
    pub fn max_in_flight(mut self, limit: Option<usize>) -> Self {
        self.max_in_flight = limit.map(|n| n.max(1));
        self
    }

    /// The longest message accepted from the server (default 256 MiB); a longer one closes the connection.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message = bytes;
        self
    }

    /// Keep up to this many events from the moment of connecting, for [`Client::take_events`], dropping the
    /// oldest beyond that (default 16384; `None`: keep none).
    pub fn event_backlog(mut self, limit: Option<usize>) -> Self {
        self.event_backlog = limit;
        self
    }

    /// For the guest agent: resynchronise with `guest-sync-delimited` while connecting (default: yes).
    pub fn sync_on_connect(mut self, sync: bool) -> Self {
        self.sync_on_connect = sync;
        self
    }

    /// Give every request an id (default: no). By default a QMP request goes without an id when it is the only
    /// in-band command awaiting a reply, as QEMU's own test tools send them: QEMU answers in-band commands in
    /// order, so its reply is the next one without an id, and QEMU's monitor reads a request one byte at a time,
    /// so a sequential round trip is measurably shorter without one. Requests sent while another in-band reply is
    /// awaited, out-of-band requests and every guest-agent request carry an id. With `true`, a reply without an id
    /// that is not an error is dropped as the QMP spec asks, whatever is pending.
    pub fn always_send_ids(mut self, always: bool) -> Self {
        self.always_send_ids = always;
        self
    }

    /// Retry connecting while the socket is missing or refuses connections, as when QEMU was just started, until
    /// the connect timeout (default: no, fail at once).
    pub fn wait_for_server(mut self, wait: bool) -> Self {
        self.wait_for_server = wait;
        self
    }

    /// Adds a policy every command must pass before it is sent (see [`crate::policy`]); policies add up.
    pub fn policy(mut self, policy: impl CommandPolicy) -> Self {
        self.policies.push(Arc::new(policy));
        self
    }

    /// Refuses every command that is not on the ready list of read-only commands of the protocol ([`ReadOnly`]:
    /// QEMU's `query-*` and a few getters such as `qom-get`; the guest agent's `guest-get-*`, `guest-info`...),
    /// before sending, with [`Error::Refused`] naming the command.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// After the connection drops (QEMU restarted, the socket closed), connect again with backoff and negotiate
    /// again, for `connect_unix`, `connect_tcp` and listen mode (see [`crate::reconnect`]). Default: off, a lost
    /// connection ends the client.
    pub fn reconnect(mut self, plan: Reconnect) -> Self {
        self.reconnect = Some(plan);
        self
    }

    /// The policies a new connection starts with.
    pub(crate) fn initial_policies(&self) -> Policies {
        let mut all = self.policies.clone();
        if self.read_only {
            all.push(Arc::new(ReadOnly::for_protocol(self.protocol)));
        }
        all
    }

    pub(crate) async fn within_connect_timeout<T>(
        &self,
        f: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        match self.connect_timeout {
            Some(limit) => tokio::time::timeout(limit, f)
                .await
                .unwrap_or(Err(Error::Timeout(limit))),
            None => f.await,
        }
    }

    /// Connects to a unix socket (the only transport that can pass file descriptors).
    pub async fn connect_unix(self, path: impl AsRef<Path>) -> Result<Client> {
        let path = path.as_ref().to_owned();
        self.within_connect_timeout(async {
            let stream = loop {
                match UnixStream::connect(&path).await {
                    Ok(s) => break s,
                    Err(e) if self.wait_for_server && retryable(&e) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    Err(e) => return Err(connect_error(e, &path.display())),
                }
            };
            let (r, w) = unix_halves(stream)?;
            let connector = Connector::Unix(path.clone());
            Client::start(self.clone(), r, w, None, Some(connector)).await
        })
        .await
    }

    /// Starts on an already connected unix socket, e.g. one end of a socketpair.
    pub async fn unix_stream(self, stream: UnixStream) -> Result<Client> {
        self.within_connect_timeout(self.clone().start_unix(stream))
            .await
    }

    async fn start_unix(self, stream: UnixStream) -> Result<Client> {
        let (r, w) = unix_halves(stream)?;
        Client::start(self, r, w, None, None).await
    }

    /// Connects over TCP.
    pub async fn connect_tcp(self, addr: impl ToSocketAddrs) -> Result<Client> {
        self.within_connect_timeout(async {
            let addrs: Vec<_> = tokio::net::lookup_host(addr).await?.collect();
            let stream = loop {
                match TcpStream::connect(&addrs[..]).await {
                    Ok(s) => break s,
                    Err(e) if self.wait_for_server && retryable(&e) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    Err(e) => return Err(e.into()),
                }
            };
            let _ = stream.set_nodelay(true);
            let (r, w) = stream.into_split();
            let connector = Connector::Tcp(addrs.clone());
            Client::start(
                self.clone(),
                Box::pin(r),
                Writer::Other(Box::pin(w)),
                None,
                Some(connector),
            )
            .await
        })
        .await
    }

    /// Spawns `command` and talks to it over its stdin and stdout (e.g. `qemu-storage-daemon --chardev
    /// stdio,id=m --monitor m`). The child is killed when the client is dropped.
    pub async fn connect_child(self, mut command: ProcessCommand) -> Result<Client> {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        self.within_connect_timeout(async {
            let mut child = command.spawn()?;
            let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                return Err(Error::Unsupported("the child's stdio could not be piped"));
            };
            self.clone()
                .start(
                    Box::pin(stdout),
                    Writer::Other(Box::pin(stdin)),
                    Some(child),
                )
                .await
        })
        .await
    }

    /// Starts on any byte stream (an in-memory duplex, a TLS stream...).
    pub async fn stream<S>(self, stream: S) -> Result<Client>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (r, w) = tokio::io::split(stream);
        self.within_connect_timeout(self.clone().start(
            Box::pin(r),
            Writer::Other(Box::pin(w)),
            None,
        ))
        .await
    }

    async fn start(
        self,
        r: BoxReader,
        w: Writer,
        child: Option<tokio::process::Child>,
    ) -> Result<Client> {
        Client::start(self, r, w, child, None).await
    }
}

fn retryable(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
    )
}

fn connect_error(e: std::io::Error, target: &dyn std::fmt::Display) -> Error {
    Error::from(std::io::Error::new(
        e.kind(),
        format!("connecting to {target}: {e}"),
    ))
}
