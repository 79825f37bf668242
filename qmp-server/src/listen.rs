//! Where a server listens: a unix socket, TCP (loopback or wherever it is bound), stdio, or any byte stream.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::server::Server;
use crate::session;

/// A listening server. Dropping it stops accepting and ends every connection it accepted.
pub struct Listening {
    accept: tokio::task::JoinHandle<()>,
    address: Address,
}

/// Where a [`Listening`] server accepts connections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// A unix socket, by path.
    Unix(PathBuf),
    /// A TCP address.
    Tcp(SocketAddr),
}

impl Listening {
    /// Where the server listens (the port chosen, for a TCP address with port 0).
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// The unix socket's path, if it listens on one.
    pub fn unix_path(&self) -> Option<&Path> {
        match &self.address {
            Address::Unix(p) => Some(p),
            Address::Tcp(_) => None,
        }
    }

    /// The TCP address, if it listens on TCP (with the port chosen when bound to port 0).
    pub fn tcp_address(&self) -> Option<SocketAddr> {
        match self.address {
            Address::Tcp(a) => Some(a),
            Address::Unix(_) => None,
        }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.accept.abort();
        if let Address::Unix(path) = &self.address {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Server {
    /// Listens on a new unix socket at `path` (which must not exist).
    pub async fn listen_unix(&self, path: impl AsRef<Path>) -> io::Result<Listening> {
        let path = path.as_ref().to_path_buf();
        let listener = UnixListener::bind(&path)?;
        let server = self.clone();
        let accept = tokio::spawn(async move {
            accept_loop(server, || async {
                listener.accept().await.map(|(s, _)| s.into_split())
            })
            .await
        });
        Ok(Listening {
            accept,
            address: Address::Unix(path),
        })
    }

    /// Listens on TCP at `address` (e.g. `127.0.0.1:0` for a free loopback port).
    pub async fn listen_tcp(&self, address: &str) -> io::Result<Listening> {
        let listener = TcpListener::bind(address).await?;
        let bound = listener.local_addr()?;
        let server = self.clone();
        let accept = tokio::spawn(async move {
            accept_loop(server, || async {
                let (stream, _) = listener.accept().await?;
                stream.set_nodelay(true)?;
                Ok(stream.into_split())
            })
            .await
        });
        Ok(Listening {
            accept,
            address: Address::Tcp(bound),
        })
    }

    /// Serves one client on this process's stdin and stdout, until stdin ends.
    pub async fn serve_stdio(&self) {
        self.serve_stream(tokio::io::stdin(), tokio::io::stdout())
            .await
    }

    /// Serves one client on any pair of byte streams, until the reading side ends.
    pub async fn serve_stream<R, W>(&self, reader: R, writer: W)
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        session::run(self.clone(), reader, writer).await
    }
}

/// Accepts connections until dropped, each served in its own task; past `max_clients` at once, a new connection
/// is closed at once so that the ones being served go on. A failed accept (out of file descriptors) waits a
/// moment rather than spin.
async fn accept_loop<F, Fut, R, W>(server: Server, accept: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = io::Result<(R, W)>>,
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(server.limits().max_clients));
    let mut sessions = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = accept() => accepted,
            Some(_) = sessions.join_next(), if !sessions.is_empty() => continue,
        };
        let (reader, writer) = match accepted {
            Ok(pair) => pair,
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop((reader, writer));
            continue;
        };
        let server = server.clone();
        sessions.spawn(async move {
            session::run(server, reader, writer).await;
            drop(slot);
        });
    }
}
