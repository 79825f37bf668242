//! Listen mode: the client binds a unix socket and QEMU connects to it (`-chardev
//! socket,id=mon0,path=PATH,server=off,reconnect-ms=1000 -mon chardev=mon0,mode=control`, or `-qmp unix:PATH`
//! without `server`), as Python's `qemu.qmp` does with `accept()`. Once accepted, the client is the same as one
//! that connected; with [`crate::ClientBuilder::reconnect`], it accepts QEMU's next connection when this one drops.
//!
//! ```no_run
//! # async fn demo() -> qmp_client::Result<()> {
//! let listener = qmp_client::Client::builder().listen_unix("/run/vm0/qmp-in.sock")?;
//! // ... start QEMU with -qmp unix:/run/vm0/qmp-in.sock ...
//! let qmp = listener.accept().await?; // greeting read, capabilities negotiated
//! qmp.execute_raw("query-status", serde_json::Value::Null).await?;
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::{UnixListener, UnixStream};

use crate::builder::ClientBuilder;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::reconnect::Connector;
use crate::transport::unix_halves;

/// A bound socket waiting for QEMU; [`Listener::accept`] makes the client. The socket file is removed when the
/// listener and the client made from it are gone.
pub struct Listener {
    builder: ClientBuilder,
    listener: std::os::unix::net::UnixListener,
    path: PathBuf,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The socket a listen-mode client accepts on, again after a reconnection.
pub(crate) struct ListenSocket {
    listener: UnixListener,
    path: PathBuf,
}

impl ListenSocket {
    pub(crate) async fn accept(&self) -> std::io::Result<UnixStream> {
        self.listener.accept().await.map(|(stream, _)| stream)
    }
}

impl Drop for ListenSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl ClientBuilder {
    /// Binds a unix socket at `path` for QEMU to connect to (listen mode); an existing file there is an error.
    pub fn listen_unix(self, path: impl AsRef<Path>) -> Result<Listener> {
        let path = path.as_ref().to_owned();
        let listener = std::os::unix::net::UnixListener::bind(&path).map_err(|e| {
            Error::from(std::io::Error::new(
                e.kind(),
                format!("listening on {}: {e}", path.display()),
            ))
        })?;
        listener.set_nonblocking(true)?;
        Ok(Listener {
            builder: self,
            listener,
            path,
        })
    }

    /// [`ClientBuilder::listen_unix`] and [`Listener::accept`] at once, for a QEMU that keeps trying to connect
    /// (`reconnect-ms`).
    pub async fn accept_unix(self, path: impl AsRef<Path>) -> Result<Client> {
        self.listen_unix(path)?.accept().await
    }
}

impl Listener {
    /// Where QEMU should connect.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits for QEMU to connect, then reads its greeting and negotiates; all within the connect timeout
    /// (default 10 s). Only one connection is accepted (another, later, only to reconnect).
    pub async fn accept(self) -> Result<Client> {
        let builder = self.builder;
        let path = self.path;
        let socket = Arc::new(ListenSocket {
            listener: UnixListener::from_std(self.listener)?,
            path,
        });
        let accepted = match builder.connect_timeout {
            Some(limit) => tokio::time::timeout(limit, socket.accept())
                .await
                .unwrap_or_else(|_| {
                    Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "no QEMU connected to {} within {limit:?}",
                            socket.path.display()
                        ),
                    ))
                }),
            None => socket.accept().await,
        };
        let (r, w) = unix_halves(accepted?)?;
        let connector = Connector::Listen(socket);
        builder
            .within_connect_timeout(Client::start(builder.clone(), r, w, None, Some(connector)))
            .await
    }
}
