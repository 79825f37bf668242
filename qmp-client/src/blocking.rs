//! A blocking client for scripts: the async client driven by a runtime of its own.
//!
//! Each call runs the runtime on the calling thread (a round trip costs what a bare blocking socket costs), and a
//! background thread runs it between calls, so events are read while the script does something else (see
//! `driver.rs`). Do not call these methods from inside an async task (tokio refuses to block there); use the
//! async [`crate::Client`].

use std::os::fd::BorrowedFd;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use qapi_runtime::{Command, Event, OobCommand};
use serde_json::Value;

use crate::driver::Driver;
use crate::error::{Error, Result};
use crate::events::{TypedEvent, TypedEvents as AsyncTypedEvents};
use crate::wire::{Greeting, RawEvent};
use crate::ClientBuilder;

fn runtime() -> Result<Arc<Driver>> {
    Ok(Arc::new(Driver::start()?))
}

/// A blocking connection; see the async [`crate::Client`] for what each method does.
#[derive(Clone)]
pub struct Client {
    // Dropped before the runtime, so the connection closes while its tasks can still run.
    client: crate::Client,
    rt: Arc<Driver>,
}

impl Client {
    /// Connects with the given options.
    pub fn connect_unix_with(builder: ClientBuilder, path: impl AsRef<Path>) -> Result<Client> {
        let rt = runtime()?;
        let client = rt.block_on(builder.connect_unix(path))?;
        Ok(Client { rt, client })
    }

    /// Connects to a QMP unix socket: greeting read, capabilities negotiated.
    pub fn connect_unix(path: impl AsRef<Path>) -> Result<Client> {
        Self::connect_unix_with(ClientBuilder::new(), path)
    }

    /// Connects to a guest agent's unix socket (no greeting; resynchronised with `guest-sync-delimited`).
    pub fn connect_agent_unix(path: impl AsRef<Path>) -> Result<Client> {
        Self::connect_unix_with(ClientBuilder::new().guest_agent(), path)
    }

    /// Listen mode (see [`crate::listen`]): binds `path`, waits for QEMU to connect and negotiates.
    pub fn accept_unix_with(builder: ClientBuilder, path: impl AsRef<Path>) -> Result<Client> {
        let listener = builder.listen_unix(path)?;
        let rt = runtime()?;
        let client = rt.block_on(listener.accept())?;
        Ok(Client { rt, client })
    }

    /// Connects to a QMP server at `HOST:PORT`.
    pub fn connect_tcp(addr: &str) -> Result<Client> {
        let rt = runtime()?;
        let client = rt.block_on(ClientBuilder::new().connect_tcp(addr))?;
        Ok(Client { rt, client })
    }

    /// The async client underneath, for use from async code on this client's runtime.
    pub fn as_async(&self) -> &crate::Client {
        &self.client
    }

    /// The server's greeting (`None` for a guest agent).
    pub fn greeting(&self) -> Option<&Greeting> {
        self.client.greeting()
    }

    /// Runs a command and decodes its reply ([`crate::Client::execute`]).
    pub fn execute<C: Command>(&self, cmd: C) -> Result<C::Returns> {
        self.rt.block_on(self.client.execute(cmd))
    }

    /// Runs a command with its own time limit ([`crate::Client::execute_timeout`]).
    pub fn execute_timeout<C: Command>(&self, cmd: C, limit: Duration) -> Result<C::Returns> {
        self.rt.block_on(self.client.execute_timeout(cmd, limit))
    }

    /// Runs a command out-of-band ([`crate::Client::execute_oob`]).
    pub fn execute_oob<C: OobCommand>(&self, cmd: C) -> Result<C::Returns> {
        self.rt.block_on(self.client.execute_oob(cmd))
    }

    /// Runs a command with file descriptors attached ([`crate::Client::execute_with_fds`]).
    pub fn execute_with_fds<C: Command>(
        &self,
        cmd: C,
        fds: &[BorrowedFd<'_>],
    ) -> Result<C::Returns> {
        self.rt.block_on(self.client.execute_with_fds(cmd, fds))
    }

    /// Runs any command by name with JSON arguments ([`crate::Client::execute_raw`]).
    pub fn execute_raw(&self, name: &str, args: Value) -> Result<Value> {
        self.rt.block_on(self.client.execute_raw(name, args))
    }

    /// Runs a command and waits for the first event `E` that satisfies `pred`, listening from before the command goes out ([`crate::Client::execute_and_wait`]).
    pub fn execute_and_wait<C: Command, E: Event>(
        &self,
        cmd: C,
        pred: impl FnMut(&TypedEvent<E>) -> bool,
    ) -> Result<(C::Returns, TypedEvent<E>)> {
        self.rt.block_on(self.client.execute_and_wait(cmd, pred))
    }

    /// [`Client::execute_and_wait`] with its own time limit on the reply and the event together.
    pub fn execute_and_wait_timeout<C: Command, E: Event>(
        &self,
        cmd: C,
        limit: Duration,
        pred: impl FnMut(&TypedEvent<E>) -> bool,
    ) -> Result<(C::Returns, TypedEvent<E>)> {
        self.rt
            .block_on(self.client.execute_and_wait_timeout(cmd, limit, pred))
    }

    /// See [`crate::Client::add_policy`].
    pub fn add_policy(&self, policy: impl crate::CommandPolicy) {
        self.client.add_policy(policy)
    }

    /// For a guest agent: resynchronises with `guest-sync-delimited` ([`crate::Client::guest_sync`]).
    pub fn guest_sync(&self) -> Result<()> {
        self.rt.block_on(self.client.guest_sync())
    }

    /// Events of type `E` from now on, decoded.
    pub fn subscribe<E: Event>(&self) -> TypedEvents<E> {
        TypedEvents {
            rt: self.rt.clone(),
            events: self.client.subscribe::<E>(),
        }
    }

    /// Every event from now on, as received.
    pub fn subscribe_all(&self) -> EventStream {
        EventStream {
            rt: self.rt.clone(),
            events: self.client.subscribe_all(),
        }
    }

    /// The events received since the connection opened, and all later ones; given once ([`crate::Client::take_events`]).
    pub fn take_events(&self) -> Option<EventStream> {
        Some(EventStream {
            rt: self.rt.clone(),
            events: self.client.take_events()?,
        })
    }

    /// Closes the connection ([`crate::Client::close`]).
    pub fn close(&self) {
        self.rt.block_on(self.client.close())
    }
}

/// Gives the blocking client the generated bindings' per-command methods (`qmp.query_version()?`).
impl qapi_runtime::Executor for Client {
    type Output<'a, C: Command + Send + 'a>
        = Result<C::Returns>
    where
        Self: 'a;

    fn execute<'a, C: Command + Send + 'a>(&'a self, command: C) -> Self::Output<'a, C>
    where
        C::Returns: Send,
    {
        Client::execute(self, command)
    }
}

/// Events of one type, blocking.
pub struct TypedEvents<E> {
    events: AsyncTypedEvents<E>,
    rt: Arc<Driver>,
}

impl<E: Event> TypedEvents<E> {
    /// The next event; `None` once the connection is gone and the queue is drained.
    pub fn next_event(&mut self) -> Option<Result<TypedEvent<E>>> {
        self.rt.block_on(self.events.next())
    }

    /// The next event within `limit`.
    pub fn next_timeout(&mut self, limit: Duration) -> Result<Option<TypedEvent<E>>> {
        match self
            .rt
            .block_on(async { tokio::time::timeout(limit, self.events.next()).await })
        {
            Ok(Some(e)) => e.map(Some),
            Ok(None) => Ok(None),
            Err(_) => Err(Error::Timeout(limit)),
        }
    }
}

impl<E: Event> Iterator for TypedEvents<E> {
    type Item = Result<TypedEvent<E>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_event()
    }
}

/// Every event, blocking.
pub struct EventStream {
    events: crate::EventStream,
    rt: Arc<Driver>,
}

impl EventStream {
    /// The next event within `limit`; `Ok(None)` once the connection is gone and the queue is drained.
    pub fn next_timeout(&mut self, limit: Duration) -> Result<Option<Arc<RawEvent>>> {
        let next = async { tokio::time::timeout(limit, self.events.next()).await };
        self.rt.block_on(next).map_err(|_| Error::Timeout(limit))
    }

    /// The next event if one is queued, without waiting.
    pub fn try_next(&mut self) -> Option<Arc<RawEvent>> {
        self.events.try_next()
    }
}

impl Iterator for EventStream {
    type Item = Arc<RawEvent>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rt.block_on(self.events.next())
    }
}
