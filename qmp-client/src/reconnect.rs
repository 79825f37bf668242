//! Reconnecting: after the connection drops (QEMU restarted, the socket closed), connect again with backoff and
//! negotiate again, keeping every subscription.
//!
//! - Calls in flight when the connection drops fail at once with [`crate::Error::Disconnected`] and its cause;
//!   so do calls made before the new connection is up (check [`crate::Client::is_connected`], or retry).
//! - Every event stream gets a [`CONNECTION_LOST`] marker where the connection was lost and a [`RECONNECTED`]
//!   marker once the new one is negotiated, before any of its events, so that nobody mistakes the gap for
//!   silence. Raw streams see them as events with these names; typed streams as [`crate::Error::EventGap`] items.
//! - Attempts wait `first_delay`, doubling up to `max_delay`; each attempt (connect, greeting, negotiation) is
//!   bounded by the connect timeout. With `give_up_after`, the client gives up once the connection has been
//!   down that long: streams end and calls keep failing, as without reconnection.
//! - Only connections the client made itself can be made again: `connect_unix`, `connect_tcp` and listen mode
//!   (which accepts the next connection, as QEMU's `reconnect-ms` makes it). Others ignore the option.
//! - The server's greeting ([`crate::Client::greeting`]) stays the first connection's; `oob` is renegotiated.
//!
//! ```no_run
//! # async fn demo() -> qmp_client::Result<()> {
//! use std::time::Duration;
//! use qmp_client::{Client, Reconnect, RECONNECTED};
//!
//! let plan = Reconnect { give_up_after: Some(Duration::from_secs(60)), ..Reconnect::default() };
//! let qmp = Client::builder().reconnect(plan).connect_unix("/run/vm0/qmp.sock").await?;
//! let mut events = qmp.subscribe_all();
//! while let Some(event) = events.next().await {
//!     if event.name == RECONNECTED {
//!         println!("QEMU is back; events may have been missed");
//!     }
//! }
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::net::{TcpStream, UnixStream};

pub use crate::events::{is_marker, CONNECTION_LOST, RECONNECTED};

use crate::builder::ClientBuilder;
use crate::client::{Client, Inner};
use crate::error::{Error, Result};
use crate::events::marker;
use crate::listen::ListenSocket;
use crate::transport::{unix_halves, BoxReader, Writer};

/// How a client reconnects (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconnect {
    /// The wait before the first attempt (default 50 ms).
    pub first_delay: Duration,
    /// The longest wait between attempts; waits double up to it (default 2 s).
    pub max_delay: Duration,
    /// Give up once the connection has been down this long (default: never).
    pub give_up_after: Option<Duration>,
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect {
            first_delay: Duration::from_millis(50),
            max_delay: Duration::from_secs(2),
            give_up_after: None,
        }
    }
}

/// How to make the connection again.
pub(crate) enum Connector {
    Unix(PathBuf),
    Tcp(Vec<SocketAddr>),
    Listen(Arc<ListenSocket>),
}

impl Connector {
    async fn open(&self) -> Result<(BoxReader, Writer)> {
        match self {
            Connector::Unix(path) => Ok(unix_halves(UnixStream::connect(path).await?)?),
            Connector::Tcp(addrs) => {
                let stream = TcpStream::connect(&addrs[..]).await?;
                let _ = stream.set_nodelay(true);
                let (r, w) = stream.into_split();
                Ok((Box::pin(r), Writer::Other(Box::pin(w))))
            }
            Connector::Listen(socket) => Ok(unix_halves(socket.accept().await?)?),
        }
    }
}

/// Watches the client's connection and makes it again whenever it drops; returns when the client is dropped or
/// closed, or gives up.
pub(crate) async fn supervise(
    client: Weak<Inner>,
    opts: ClientBuilder,
    connector: Connector,
    plan: Reconnect,
) {
    loop {
        let Some(link) = Client::upgrade(&client).map(|c| c.link()) else {
            return;
        };
        // Waits without holding the client, so that dropping it ends this task.
        let _ = link.closed_watch().wait_for(|c| *c).await;
        let cause = match link.closed_error() {
            None | Some(Error::Shutdown) => return,
            Some(Error::Disconnected(cause)) => cause.to_string(),
            Some(e) => e.to_string(),
        };
        drop(link);
        match Client::upgrade(&client) {
            Some(c) => c.publish(marker(CONNECTION_LOST, json!({ "cause": cause }))),
            None => return,
        }
        if !restore(&client, &opts, &connector, &plan).await {
            return;
        }
    }
}

/// Attempts until one succeeds (true) or the client is gone or gives up (false).
async fn restore(
    client: &Weak<Inner>,
    opts: &ClientBuilder,
    connector: &Connector,
    plan: &Reconnect,
) -> bool {
    let lost = Instant::now();
    let mut delay = plan.first_delay;
    for attempts in 1u64.. {
        tokio::time::sleep(delay).await;
        let Some(c) = Client::upgrade(client) else {
            return false;
        };
        let opened = opts.within_connect_timeout(connector.open()).await;
        let done = match opened {
            Ok((r, w)) => {
                let marker = || {
                    let gap_ms = u64::try_from(lost.elapsed().as_millis()).unwrap_or(u64::MAX);
                    marker(
                        RECONNECTED,
                        json!({ "attempts": attempts, "gap_ms": gap_ms }),
                    )
                };
                c.relink(opts, r, w, marker).await
            }
            Err(e) => Err(e),
        };
        if done.is_ok() {
            return true;
        }
        // Calls keep getting the lost connection's error; this attempt's is only a reason to try again.
        if plan
            .give_up_after
            .is_some_and(|limit| lost.elapsed() >= limit)
        {
            c.end();
            return false;
        }
        delay = (delay * 2)
            .min(plan.max_delay)
            .max(Duration::from_millis(1));
    }
    false
}
