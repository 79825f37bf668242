//! The async client: typed and untyped calls, out-of-band calls, fd passing, events.

use std::future::Future;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

use qapi_runtime::Decode;
use qapi_runtime::{Command, Event, EventSet, OobCommand};
use serde_json::Value;
use tokio::sync::{oneshot, Semaphore};
use tokio::task::JoinHandle;

use crate::builder::{ClientBuilder, Protocol};
use crate::connection::{read_loop, write_loop, Expect, Frame, Shared};
use crate::error::{Error, Result};
use crate::events::{EventSetStream, EventStream, Filter, Hub, TypedEvent, TypedEvents};
use crate::policy::{CommandPolicy, Policies};
use crate::reconnect::Connector;
use crate::transport::{BoxReader, Writer};
use crate::wire::RawEvent;
use crate::wire::{decode_text, encode_arguments, encode_request, Execution, Greeting};

/// A connection to QEMU's monitor or to a guest agent. Cheap to clone; clones share the connection, which closes
/// when the last clone is dropped (or on [`Client::close`]).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// Gives `Client` the generated bindings' per-command methods (`qmp.query_version().await`).
impl qapi_runtime::Executor for Client {
    type Output<'a, C: Command + Send + 'a>
        = std::pin::Pin<Box<dyn Future<Output = Result<C::Returns>> + Send + 'a>>
    where
        Self: 'a;

    fn execute<'a, C: Command + Send + 'a>(&'a self, command: C) -> Self::Output<'a, C>
    where
        C::Returns: Send,
    {
        Box::pin(Client::execute(self, command))
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("protocol", &self.inner.core.protocol)
            .field("greeting", &self.inner.greeting)
            .field("oob", &self.inner.oob)
            .field("closed", &self.inner.core.shared().closed_error())
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    core: Core,
    greeting: Option<Greeting>,
    oob: AtomicBool,
    backlog: Mutex<Option<EventStream>>,
    /// The current connection's reader and writer.
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// A reconnecting client's supervisor (see [`crate::reconnect`]).
    supervisor: Mutex<Option<JoinHandle<()>>>,
    child: Mutex<Option<tokio::process::Child>>,
    /// Connections may come after the current one ends (see [`ClientBuilder::reconnect`]).
    reconnecting: bool,
    /// A reconnecting client gave up or was closed: no connection will come any more.
    ended: tokio::sync::watch::Sender<bool>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.core.shared().close(Error::Shutdown);
        self.core.hub.close();
        if let Some(t) = self
            .supervisor
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            t.abort();
        }
        for t in self
            .tasks
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            t.abort();
        }
    }
}

/// What making calls needs; exists before the handshake finishes, so the handshake can make calls too.
struct Core {
    /// The current connection; a reconnecting client replaces it.
    link: RwLock<Arc<Shared>>,
    /// The subscribers, kept across connections.
    hub: Arc<Hub>,
    in_flight: Option<Arc<Semaphore>>,
    call_timeout: Option<Duration>,
    can_pass_fds: bool,
    protocol: Protocol,
    policies: RwLock<Policies>,
}

/// A connection's shared state and tasks, before its handshake.
struct Opened {
    shared: Arc<Shared>,
    greeting: Option<oneshot::Receiver<Greeting>>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts the reader and writer of a new connection delivering events to `hub` (held back until
/// [`Shared::release_events`] when `hold_events`).
fn open(
    opts: &ClientBuilder,
    hub: Arc<Hub>,
    reader: BoxReader,
    writer: Writer,
    reconnecting: bool,
    hold_events: bool,
) -> Opened {
    let (frames_tx, frames_rx) = tokio::sync::mpsc::unbounded_channel();
    let (greeting_tx, greeting_rx) = oneshot::channel();
    let qmp = opts.protocol == Protocol::Qmp;
    let shared = Arc::new(Shared::new(
        frames_tx,
        qmp.then_some(greeting_tx),
        hub,
        !reconnecting,
        hold_events,
        writer.direct(),
        qmp && !opts.always_send_ids,
    ));
    let tasks = vec![
        tokio::spawn(read_loop(shared.clone(), reader, opts.max_message)),
        tokio::spawn(write_loop(shared.clone(), writer, frames_rx)),
    ];
    Opened {
        shared,
        greeting: qmp.then_some(greeting_rx),
        tasks,
    }
}

/// How one request is sent.
struct Call {
    how: Execution,
    expect_reply: bool,
    fds: Vec<OwnedFd>,
    /// Guest-agent resynchronisation: a 0xFF goes first, and output up to the agent's 0xFF is dropped.
    resync: bool,
    /// The call's span, given its id (see [`traced`]).
    span: tracing::Span,
}

impl Call {
    fn in_band(expect_reply: bool) -> Self {
        Call {
            how: Execution::InBand,
            expect_reply,
            fds: Vec::new(),
            resync: false,
            span: tracing::Span::none(),
        }
    }
}

impl Core {
    fn new(opts: &ClientBuilder, shared: Arc<Shared>, hub: Arc<Hub>, can_pass_fds: bool) -> Core {
        Core {
            link: RwLock::new(shared),
            hub,
            in_flight: opts.max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
            call_timeout: opts.call_timeout,
            can_pass_fds,
            protocol: opts.protocol,
            policies: RwLock::new(opts.initial_policies()),
        }
    }

    /// The current connection.
    fn shared(&self) -> Arc<Shared> {
        self.link.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Every policy lets `name` through.
    fn admit(&self, name: &str) -> Result<()> {
        self.policies
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .check(name)
    }

    /// Sends one request; the reply's `return` text, or `None` when no reply is expected.
    async fn call(
        &self,
        name: &str,
        args: Option<Vec<u8>>,
        call: Call,
    ) -> Result<Option<Box<[u8]>>> {
        let shared = self.shared();
        let permit = match (
            &self.in_flight,
            call.expect_reply && call.how == Execution::InBand,
        ) {
            (Some(sem), true) => Some(
                sem.clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| Error::Shutdown)?,
            ),
            _ => None,
        };
        let (written_tx, written_rx) = match call.expect_reply {
            true => (None, None),
            false => {
                let (tx, rx) = oneshot::channel();
                (Some(tx), Some(rx))
            }
        };
        let frame = |id| {
            let mut bytes = encode_request(name, args.as_deref(), id, call.how);
            if call.resync {
                bytes.insert(0, 0xFF);
            }
            Frame {
                bytes,
                fds: call.fds,
                written: written_tx,
            }
        };
        let expect = call.expect_reply.then_some(Expect {
            in_band: call.how == Execution::InBand,
            permit,
        });
        let (id, reply) = shared.submit(frame, expect, call.resync)?;
        if let Some(id) = id {
            call.span.record("id", id);
        }
        let gone = || shared.closed_error().unwrap_or(Error::Shutdown);
        match (reply, written_rx) {
            (Some(reply), _) => match reply.await {
                Ok(result) => result.map(Some),
                Err(_) => Err(gone()),
            },
            (None, Some(written)) => match written.await {
                Ok(result) => result.map(|()| None),
                Err(_) => Err(gone()),
            },
            (None, None) => Ok(None),
        }
    }

    fn gone(&self) -> Error {
        self.shared().closed_error().unwrap_or(Error::Shutdown)
    }

    async fn timed<T>(
        &self,
        limit: Option<Duration>,
        f: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        match limit.or(self.call_timeout) {
            Some(limit) => tokio::time::timeout(limit, f)
                .await
                .unwrap_or(Err(Error::Timeout(limit))),
            None => f.await,
        }
    }

    /// A user's call of `name`: checked against the policies, then run within its time limit, in a span.
    async fn run(
        &self,
        name: &str,
        args: Option<Vec<u8>>,
        call: Call,
        limit: Option<Duration>,
    ) -> Result<Option<Box<[u8]>>> {
        traced(name, |span| async {
            self.admit(name)?;
            let call = Call { span, ..call };
            self.timed(limit, self.call(name, args, call)).await
        })
        .await
    }

    /// Encodes `cmd` at once, so that the future holds its JSON text rather than a borrow of it (and stays `Send`
    /// whatever `C` is).
    fn execute<C: Command>(
        &self,
        cmd: &C,
        call: Call,
        limit: Option<Duration>,
    ) -> impl Future<Output = Result<C::Returns>> + Send + '_ {
        let args = encode_arguments(C::NAME, cmd);
        async move {
            let ret = self.run(C::NAME, args?, call, limit).await?;
            decode_return(C::NAME, ret)
        }
    }

    async fn execute_raw(&self, name: &str, args: &Value, how: Execution) -> Result<Value> {
        let args = encode_arguments(name, args)?;
        let call = Call {
            how,
            ..Call::in_band(true)
        };
        let ret = self.run(name, args, call, None).await?;
        decode_return(name, ret)
    }

    /// Reads the greeting and negotiates (QMP), or resynchronises (guest agent, when asked to); whether `oob`
    /// was enabled.
    async fn handshake(
        &self,
        greeting: Option<oneshot::Receiver<Greeting>>,
        opts: &ClientBuilder,
    ) -> Result<(Option<Greeting>, bool)> {
        match greeting {
            Some(greeting) => {
                let greeting = greeting.await.map_err(|_| self.gone())?;
                let oob = self.negotiate(&greeting, opts.oob).await?;
                Ok((Some(greeting), oob))
            }
            None if opts.sync_on_connect => self.guest_sync().await.map(|()| (None, false)),
            None => Ok((None, false)),
        }
    }

    async fn negotiate(&self, greeting: &Greeting, want_oob: bool) -> Result<bool> {
        let oob = want_oob && greeting.capabilities.iter().any(|c| c == "oob");
        // Servers older than 2.12 take no arguments here, so `enable` is sent only when there is something to enable.
        let args = if oob {
            serde_json::json!({ "enable": ["oob"] })
        } else {
            Value::Null
        };
        let args = encode_arguments("qmp_capabilities", &args)?;
        let ret = self
            .timed(
                None,
                self.call("qmp_capabilities", args, Call::in_band(true)),
            )
            .await?;
        decode_return::<Value>("qmp_capabilities", ret)?;
        Ok(oob)
    }

    async fn guest_sync(&self) -> Result<()> {
        let token = sync_token();
        let args = encode_arguments("guest-sync-delimited", &serde_json::json!({ "id": token }))?;
        let call = Call {
            resync: true,
            ..Call::in_band(true)
        };
        let ret = self
            .timed(None, self.call("guest-sync-delimited", args, call))
            .await?;
        let got: i64 = decode_return("guest-sync-delimited", ret)?;
        if got != token {
            return Err(Error::Protocol(format!(
                "guest-sync-delimited returned {got}, expected {token}"
            )));
        }
        Ok(())
    }
}

/// Runs `f` in a `qmp` span (at DEBUG level) recording the command, its id, its duration and its outcome; no
/// cost beyond a level check when no subscriber wants it.
async fn traced<T, F: Future<Output = Result<T>>>(
    name: &str,
    f: impl FnOnce(tracing::Span) -> F,
) -> Result<T> {
    use tracing::field::Empty;
    use tracing::Instrument;
    let span = tracing::debug_span!(
        "qmp",
        command = name,
        id = Empty,
        duration_us = Empty,
        outcome = Empty,
        error = Empty
    );
    if span.is_disabled() {
        return f(span).await;
    }
    /// Records the outcome when the call ends, or `abandoned` when its future is dropped first.
    struct Finish<'a> {
        span: &'a tracing::Span,
        started: Instant,
        outcome: &'static str,
    }
    impl Drop for Finish<'_> {
        fn drop(&mut self) {
            let micros = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
            self.span.record("duration_us", micros);
            self.span.record("outcome", self.outcome);
        }
    }
    let mut finish = Finish {
        span: &span,
        started: Instant::now(),
        outcome: "abandoned",
    };
    let result = f(span.clone()).instrument(span.clone()).await;
    finish.outcome = match &result {
        Ok(_) => "ok",
        Err(e) => {
            span.record("error", tracing::field::display(e));
            match e {
                Error::Qmp { .. } => "qmp error",
                Error::Timeout(_) => "timeout",
                Error::Refused { .. } => "refused",
                e if e.is_disconnect() => "disconnected",
                _ => "failed",
            }
        }
    };
    result
}

/// A fresh value for each resynchronisation, so a stale reply to an earlier one is not mistaken for ours.
fn sync_token() -> i64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() & 0x7fff_ffff) as i64
}

/// Decodes a reply's `return`; for commands that send no reply, the empty value of the return type.
fn decode_return<T: Decode>(name: &str, ret: Option<Box<[u8]>>) -> Result<T> {
    let what = || format!("the reply to {name}");
    match ret {
        Some(text) => decode_text(&text, what),
        None => qapi_runtime::from_slice(b"{}")
            .or_else(|_| qapi_runtime::from_slice(b"null"))
            .map_err(|e| Error::decode(what(), e, "")),
    }
}

impl Client {
    /// A builder for a client with options other than the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// Connects to QEMU's monitor on a unix socket with the default options: greeting read, capabilities
    /// negotiated (with `oob` when offered).
    pub async fn connect_unix(path: impl AsRef<std::path::Path>) -> Result<Client> {
        ClientBuilder::new().connect_unix(path).await
    }

    /// Connects to QEMU's monitor over TCP with the default options.
    pub async fn connect_tcp(addr: impl tokio::net::ToSocketAddrs) -> Result<Client> {
        ClientBuilder::new().connect_tcp(addr).await
    }

    /// Connects to a guest agent listening on a unix socket, resynchronising first.
    pub async fn connect_agent_unix(path: impl AsRef<std::path::Path>) -> Result<Client> {
        ClientBuilder::new().guest_agent().connect_unix(path).await
    }

    pub(crate) async fn start(
        opts: ClientBuilder,
        reader: BoxReader,
        writer: Writer,
        child: Option<tokio::process::Child>,
        connector: Option<Connector>,
    ) -> Result<Client> {
        let hub = Arc::new(Hub::default());
        // Registered before the first byte is read, so not even events ahead of the greeting are missed.
        let backlog = opts
            .event_backlog
            .map(|limit| hub.add(Filter::All, Some(limit)));
        let reconnect = opts.reconnect.clone().zip(connector);
        let can_pass_fds = writer.can_pass_fds();
        let opened = open(
            &opts,
            hub.clone(),
            reader,
            writer,
            reconnect.is_some(),
            false,
        );
        let mut inner = Inner {
            core: Core::new(&opts, opened.shared, hub, can_pass_fds),
            greeting: None,
            oob: AtomicBool::new(false),
            backlog: Mutex::new(backlog),
            tasks: Mutex::new(opened.tasks),
            supervisor: Mutex::new(None),
            child: Mutex::new(child),
            reconnecting: reconnect.is_some(),
            ended: tokio::sync::watch::channel(false).0,
        };
        // On any failure below, dropping `inner` closes the connection and stops its tasks.
        let (greeting, oob) = inner.core.handshake(opened.greeting, &opts).await?;
        inner.greeting = greeting;
        inner.oob = AtomicBool::new(oob);
        let client = Client {
            inner: Arc::new(inner),
        };
        if let Some((plan, connector)) = reconnect {
            let supervisor = crate::reconnect::supervise(client.downgrade(), opts, connector, plan);
            *client
                .inner
                .supervisor
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some(tokio::spawn(supervisor));
        }
        Ok(client)
    }

    fn tasks(&self) -> std::sync::MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn downgrade(&self) -> Weak<Inner> {
        Arc::downgrade(&self.inner)
    }

    pub(crate) fn upgrade(weak: &Weak<Inner>) -> Option<Client> {
        weak.upgrade().map(|inner| Client { inner })
    }

    /// The current connection (for the reconnection supervisor).
    pub(crate) fn link(&self) -> Arc<Shared> {
        self.inner.core.shared()
    }

    /// Puts a reconnection marker in every event stream.
    pub(crate) fn publish(&self, marker: RawEvent) {
        self.inner.core.hub.publish(marker)
    }

    /// Opens a new connection over `reader` and `writer`, negotiates and makes it the current one; its events
    /// reach the subscribers after `marker`.
    pub(crate) async fn relink(
        &self,
        opts: &ClientBuilder,
        reader: BoxReader,
        writer: Writer,
        marker: impl FnOnce() -> RawEvent,
    ) -> Result<()> {
        let core = &self.inner.core;
        let opened = open(opts, core.hub.clone(), reader, writer, true, true);
        let tasks = opened.tasks;
        // The handshake runs on a core of its own, not yet the client's, with no policies and no shared limits.
        let fresh = Core::new(
            opts,
            opened.shared.clone(),
            core.hub.clone(),
            core.can_pass_fds,
        );
        let handshake = opts
            .within_connect_timeout(fresh.handshake(opened.greeting, opts))
            .await;
        let oob = match handshake {
            Ok((_, oob)) => oob,
            Err(e) => {
                opened.shared.close(Error::Shutdown);
                tasks.iter().for_each(JoinHandle::abort);
                return Err(e);
            }
        };
        self.inner.oob.store(oob, Ordering::Relaxed);
        let old = std::mem::replace(
            &mut *core.link.write().unwrap_or_else(|p| p.into_inner()),
            opened.shared.clone(),
        );
        old.close(Error::Shutdown);
        // The old connection's reader and writer have finished or are about to.
        *self.tasks() = tasks;
        opened.shared.release_events(marker());
        Ok(())
    }

    /// A reconnecting client gives up: subscriptions end, and calls keep failing with the last connection's error.
    pub(crate) fn end(&self) {
        self.inner.core.hub.close();
        self.inner.ended.send_replace(true);
    }

    /// The server's greeting (`None` for a guest agent); for a reconnecting client, the first connection's.
    pub fn greeting(&self) -> Option<&Greeting> {
        self.inner.greeting.as_ref()
    }

    /// Out-of-band execution was negotiated.
    pub fn oob_enabled(&self) -> bool {
        self.inner.oob.load(Ordering::Relaxed)
    }

    /// Adds a policy every later command must pass before it is sent (see [`crate::policy`]), e.g. one built from
    /// this QEMU's `query-qmp-schema`.
    pub fn add_policy(&self, policy: impl CommandPolicy) {
        self.inner
            .core
            .policies
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(Arc::new(policy));
    }

    /// Runs a command and decodes its reply. Commands with `success-response: false` return once sent.
    ///
    /// Dropping the future (or a timeout) abandons the call: its reply, when it comes, is discarded.
    pub async fn execute<C: Command>(&self, cmd: C) -> Result<C::Returns> {
        self.inner
            .core
            .execute(&cmd, Call::in_band(C::SUCCESS_RESPONSE), None)
            .await
    }

    /// [`Client::execute`] with its own time limit instead of the client's.
    pub async fn execute_timeout<C: Command>(&self, cmd: C, limit: Duration) -> Result<C::Returns> {
        self.inner
            .core
            .execute(&cmd, Call::in_band(C::SUCCESS_RESPONSE), Some(limit))
            .await
    }

    /// Runs a command out-of-band (`exec-oob`): it may overtake in-band commands still queued. Only commands
    /// that allow it have [`OobCommand`]; the connection must have negotiated `oob`.
    pub async fn execute_oob<C: OobCommand>(&self, cmd: C) -> Result<C::Returns> {
        if !self.oob_enabled() {
            return Err(Error::OobNotEnabled);
        }
        let call = Call {
            how: Execution::OutOfBand,
            ..Call::in_band(true)
        };
        self.inner.core.execute(&cmd, call, None).await
    }

    /// Runs a command with file descriptors attached (SCM_RIGHTS), as `getfd` and `add-fd` need. The fds are
    /// duplicated; the caller keeps its own. Unix sockets only.
    pub async fn execute_with_fds<C: Command>(
        &self,
        cmd: C,
        fds: &[BorrowedFd<'_>],
    ) -> Result<C::Returns> {
        if !self.inner.core.can_pass_fds {
            return Err(Error::Unsupported(
                "file descriptors can only be passed over a unix socket",
            ));
        }
        let fds = fds
            .iter()
            .map(|fd| fd.try_clone_to_owned())
            .collect::<std::io::Result<Vec<_>>>()?;
        let call = Call {
            fds,
            ..Call::in_band(C::SUCCESS_RESPONSE)
        };
        self.inner.core.execute(&cmd, call, None).await
    }

    /// Runs any command by name with JSON arguments (`Value::Null` for none); the reply's `return` as JSON.
    pub async fn execute_raw(&self, name: &str, args: Value) -> Result<Value> {
        self.inner
            .core
            .execute_raw(name, &args, Execution::InBand)
            .await
    }

    /// [`Client::execute_raw`] out-of-band; the server refuses commands that do not allow it.
    pub async fn execute_raw_oob(&self, name: &str, args: Value) -> Result<Value> {
        if !self.oob_enabled() {
            return Err(Error::OobNotEnabled);
        }
        self.inner
            .core
            .execute_raw(name, &args, Execution::OutOfBand)
            .await
    }

    /// Runs a command and waits for the first event of type `E` that satisfies `pred`. The subscription exists
    /// before the command is sent, so an event that comes before the reply is not missed. The client's call
    /// timeout (default [`crate::DEFAULT_CALL_TIMEOUT`]) limits the reply and the event together: a `stop` on a
    /// paused VM, whose `STOP` never comes, fails with [`Error::Timeout`]. A reconnecting client that loses its
    /// connection meanwhile fails it with [`Error::EventGap`] or the connection's error.
    pub async fn execute_and_wait<C: Command, E: Event>(
        &self,
        cmd: C,
        pred: impl FnMut(&TypedEvent<E>) -> bool,
    ) -> Result<(C::Returns, TypedEvent<E>)> {
        self.wait_after(cmd, None, pred).await
    }

    /// [`Client::execute_and_wait`] with its own time limit (on the reply and the event together).
    pub async fn execute_and_wait_timeout<C: Command, E: Event>(
        &self,
        cmd: C,
        limit: Duration,
        pred: impl FnMut(&TypedEvent<E>) -> bool,
    ) -> Result<(C::Returns, TypedEvent<E>)> {
        self.wait_after(cmd, Some(limit), pred).await
    }

    async fn wait_after<C: Command, E: Event>(
        &self,
        cmd: C,
        limit: Option<Duration>,
        pred: impl FnMut(&TypedEvent<E>) -> bool,
    ) -> Result<(C::Returns, TypedEvent<E>)> {
        let mut events = self.subscribe::<E>();
        let core = &self.inner.core;
        let work = async {
            let args = encode_arguments(C::NAME, &cmd)?;
            let ret = traced(C::NAME, |span| async {
                core.admit(C::NAME)?;
                let call = Call {
                    span,
                    ..Call::in_band(C::SUCCESS_RESPONSE)
                };
                core.call(C::NAME, args, call).await
            })
            .await;
            let ret = decode_return(C::NAME, ret?)?;
            match events.wait_for(pred).await {
                Some(event) => Ok((ret, event?)),
                None => Err(core.gone()),
            }
        };
        core.timed(limit, work).await
    }

    /// Every event from now on, as received.
    pub fn subscribe_all(&self) -> EventStream {
        self.inner.core.hub.add(Filter::All, None)
    }

    /// Every event from now on, keeping at most `limit` unread (the oldest are dropped and counted).
    pub fn subscribe_all_bounded(&self, limit: usize) -> EventStream {
        self.inner.core.hub.add(Filter::All, Some(limit))
    }

    /// Events of type `E` from now on, decoded.
    pub fn subscribe<E: Event>(&self) -> TypedEvents<E> {
        TypedEvents::new(self.inner.core.hub.add(Filter::Name(E::NAME), None))
    }

    /// Every event from now on, decoded into a schema's event enum.
    pub fn subscribe_set<S: EventSet>(&self) -> EventSetStream<S> {
        EventSetStream::new(self.subscribe_all())
    }

    /// The events received since the connection opened, greeting and negotiation included, and all later ones
    /// (see [`ClientBuilder::event_backlog`]). Given once; `None` afterwards or when the backlog is off.
    pub fn take_events(&self) -> Option<EventStream> {
        self.inner
            .backlog
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// For a guest agent: `guest-sync-delimited`, dropping any stale output up to the agent's 0xFF delimiter.
    /// Calls still pending fail with [`Error::Resynchronised`].
    pub async fn guest_sync(&self) -> Result<()> {
        if self.inner.core.protocol != Protocol::GuestAgent {
            return Err(Error::Unsupported(
                "guest-sync-delimited belongs to the guest agent",
            ));
        }
        self.inner.core.guest_sync().await
    }

    /// Replies that matched no pending call (dropped, as the QMP spec says), counted.
    pub fn unknown_replies(&self) -> u64 {
        self.inner.core.shared().unknown_replies()
    }

    /// The connection is gone (for a reconnecting client: it gave up or was closed).
    pub fn is_closed(&self) -> bool {
        match self.inner.reconnecting {
            true => *self.inner.ended.borrow(),
            false => self.inner.core.shared().closed_error().is_some(),
        }
    }

    /// The current connection is up; false from the moment it is lost until a reconnection has negotiated.
    pub fn is_connected(&self) -> bool {
        self.inner.core.shared().closed_error().is_none()
    }

    /// Waits until the connection is gone (for a reconnecting client: until it gives up or is closed); the
    /// reason.
    pub async fn closed(&self) -> Error {
        if self.inner.reconnecting {
            let _ = self.inner.ended.subscribe().wait_for(|c| *c).await;
        } else {
            let _ = self
                .inner
                .core
                .shared()
                .closed_watch()
                .wait_for(|c| *c)
                .await;
        }
        self.inner.core.gone()
    }

    /// The process id of the child this client runs over, if any.
    pub fn child_id(&self) -> Option<u32> {
        self.inner
            .child
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .and_then(|c| c.id())
    }

    /// Closes the connection: pending calls fail with [`Error::Shutdown`], queued requests are flushed first when
    /// the server takes them within a second. A child process is killed.
    pub async fn close(&self) {
        // The supervisor stops first, so that no new connection replaces the closed one.
        let supervisor = self
            .inner
            .supervisor
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(t) = supervisor {
            t.abort();
        }
        self.inner.core.shared().close(Error::Shutdown);
        let tasks: Vec<_> = self.tasks().drain(..).collect();
        self.end();
        for mut task in tasks {
            if tokio::time::timeout(Duration::from_secs(1), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
        let child = self
            .inner
            .child
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(mut child) = child {
            let _ = child.kill().await;
        }
    }
}
