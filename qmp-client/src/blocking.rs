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

    pub fn connect_unix(path: impl AsRef<Path>) -> Result<Client> {
        Self::connect_unix_with(ClientBuilder::new(), path)
    }

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

    pub fn connect_tcp(addr: &str) -> Result<Client> {
        let rt = runtime()?;
        let client = rt.block_on(ClientBuilder::new().connect_tcp(addr))?;
        Ok(Client { rt, client })
    }

    /// The async client underneath, for use from async code on this client's runtime.
    pub fn as_async(&self) -> &crate::Client {
        &self.client
    }

    pub fn greeting(&self) -> Option<&Greeting> {
        self.client.greeting()
    }

    pub fn execute<C: Command>(&self, cmd: C) -> Result<C::Returns> {
        self.rt.block_on(self.client.execute(cmd))
    }

    pub fn execute_timeout<C: Command>(&self, cmd: C, limit: Duration) -> Result<C::Returns> {
        self.rt.block_on(self.client.execute_timeout(cmd, limit))
    }

    pub fn execute_oob<C: OobCommand>(&self, cmd: C) -> Result<C::Returns> {
        self.rt.block_on(self.client.execute_oob(cmd))
    }

    pub fn execute_with_fds<C: Command>(
        &self,
        cmd: C,
        fds: &[BorrowedFd<'_>],
    ) -> Result<C::Returns> {
        self.rt.block_on(self.client.execute_with_fds(cmd, fds))
    }

    pub fn execute_raw(&self, name: &str, args: Value) -> Result<Value> {
        self.rt.block_on(self.client.execute_raw(name, args))
    }

    pub fn execute_and_wait<C: Command, E: Event>(
        &self,
        cmd: C,
        pred: impl FnMut(&TypedEvent<E>) -> bool,
    ) -> Result<(C::Returns, TypedEvent<E>)> {
        self.rt.block_on(self.client.execute_and_wait(cmd, pred))
    }

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

    pub fn guest_sync(&self) -> Result<()> {
        self.rt.block_on(self.client.guest_sync())
    }

    pub fn subscribe<E: Event>(&self) -> TypedEvents<E> {
        TypedEvents {
            rt: self.rt.clone(),
            events: self.client.subscribe::<E>(),
        }
    }

    pub fn subscribe_all(&self) -> EventStream {
        EventStream {
            rt: self.rt.clone(),
            events: self.client.subscribe_all(),
        }
    }

    pub fn take_events(&self) -> Option<EventStream> {
        Some(EventStream {
            rt: self.rt.clone(),
            events: self.client.take_events()?,
        })
    }

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
