//! The async client: typed and untyped calls, out-of-band calls, fd passing, events.

use std::future::Future;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use qapi_runtime::Decode;
use qapi_runtime::{Command, Event, EventSet, OobCommand};
use serde_json::Value;
use tokio::sync::{oneshot, Semaphore};
use tokio::task::JoinHandle;

use crate::builder::{ClientBuilder, Protocol};
use crate::connection::{read_loop, write_loop, Expect, Frame, Shared};
use crate::error::{Error, Result};
use crate::events::{EventSetStream, EventStream, Filter, TypedEvent, TypedEvents};
use crate::transport::{BoxReader, Writer};
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
            .field("closed", &self.inner.core.shared.closed_error())
            .finish_non_exhaustive()
    }
}

struct Inner {
    core: Core,
    greeting: Option<Greeting>,
    oob: bool,
    backlog: Mutex<Option<EventStream>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    child: Mutex<Option<tokio::process::Child>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.core.shared.close(Error::Shutdown);
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
    shared: Arc<Shared>,
    in_flight: Option<Arc<Semaphore>>,
    call_timeout: Option<Duration>,
    can_pass_fds: bool,
    protocol: Protocol,
}

/// How one request is sent.
struct Call {
    how: Execution,
    expect_reply: bool,
    fds: Vec<OwnedFd>,
    /// Guest-agent resynchronisation: a 0xFF goes first, and output up to the agent's 0xFF is dropped.
    resync: bool,
}

impl Call {
    fn in_band(expect_reply: bool) -> Self {
        Call {
            how: Execution::InBand,
            expect_reply,
            fds: Vec::new(),
            resync: false,
        }
    }
}

impl Core {
    /// Sends one request; the reply's `return` text, or `None` when no reply is expected.
    async fn call(
        &self,
        name: &str,
        args: Option<Vec<u8>>,
        call: Call,
    ) -> Result<Option<Box<[u8]>>> {
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
        let id = self.shared.next_id();
        let mut bytes = encode_request(name, args.as_deref(), id, call.how);
        if call.resync {
            bytes.insert(0, 0xFF);
        }
        let (written_tx, written_rx) = match call.expect_reply {
            true => (None, None),
            false => {
                let (tx, rx) = oneshot::channel();
                (Some(tx), Some(rx))
            }
        };
        let frame = Frame {
            bytes,
            fds: call.fds,
            written: written_tx,
        };
        let expect = call.expect_reply.then_some(Expect {
            in_band: call.how == Execution::InBand,
            permit,
        });
        let reply = self.shared.submit(id, frame, expect, call.resync)?;
        match (reply, written_rx) {
            (Some(reply), _) => match reply.await {
                Ok(result) => result.map(Some),
                Err(_) => Err(self.gone()),
            },
            (None, Some(written)) => match written.await {
                Ok(result) => result.map(|()| None),
                Err(_) => Err(self.gone()),
            },
            (None, None) => Ok(None),
        }
    }

    fn gone(&self) -> Error {
        self.shared.closed_error().unwrap_or(Error::Shutdown)
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
            let ret = self.timed(limit, self.call(C::NAME, args?, call)).await?;
            decode_return(C::NAME, ret)
        }
    }

    async fn execute_raw(&self, name: &str, args: &Value, how: Execution) -> Result<Value> {
        let args = encode_arguments(name, args)?;
        let ret = self
            .timed(
                None,
                self.call(
                    name,
                    args,
                    Call {
                        how,
                        ..Call::in_band(true)
                    },
                ),
            )
            .await?;
        decode_return(name, ret)
    }

    async fn negotiate(&self, greeting: &Greeting, want_oob: bool) -> Result<bool> {
        let oob = want_oob && greeting.capabilities.iter().any(|c| c == "oob");
        // Servers older than 2.12 take no arguments here, so `enable` is sent only when there is something to enable.
        let args = if oob {
            serde_json::json!({ "enable": ["oob"] })
        } else {
            Value::Null
        };
        self.execute_raw("qmp_capabilities", &args, Execution::InBand)
            .await?;
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
    ) -> Result<Client> {
        let (frames_tx, frames_rx) = tokio::sync::mpsc::unbounded_channel();
        let (greeting_tx, greeting_rx) = oneshot::channel();
        let greeting_tx = (opts.protocol == Protocol::Qmp).then_some(greeting_tx);
        let shared = Arc::new(Shared::new(frames_tx, greeting_tx));
        // Registered before the first byte is read, so not even events ahead of the greeting are missed.
        let backlog = opts
            .event_backlog
            .map(|limit| shared.subscribe(Filter::All, Some(limit)));
        let core = Core {
            shared: shared.clone(),
            in_flight: opts.max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
            call_timeout: opts.call_timeout,
            can_pass_fds: writer.can_pass_fds(),
            protocol: opts.protocol,
        };
        let tasks = vec![
            tokio::spawn(read_loop(shared.clone(), reader, opts.max_message)),
            tokio::spawn(write_loop(shared.clone(), writer, frames_rx)),
        ];
        let mut inner = Inner {
            core,
            greeting: None,
            oob: false,
            backlog: Mutex::new(backlog),
            tasks: Mutex::new(tasks),
            child: Mutex::new(child),
        };
        // On any failure below, dropping `inner` closes the connection and stops its tasks.
        match opts.protocol {
            Protocol::Qmp => {
                let greeting = greeting_rx.await.map_err(|_| inner.core.gone())?;
                inner.oob = inner.core.negotiate(&greeting, opts.oob).await?;
                inner.greeting = Some(greeting);
            }
            Protocol::GuestAgent if opts.sync_on_connect => inner.core.guest_sync().await?,
            Protocol::GuestAgent => {}
        }
        Ok(Client {
            inner: Arc::new(inner),
        })
    }

    /// The server's greeting (`None` for a guest agent).
    pub fn greeting(&self) -> Option<&Greeting> {
        self.inner.greeting.as_ref()
    }

    /// Out-of-band execution was negotiated.
    pub fn oob_enabled(&self) -> bool {
        self.inner.oob
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
        if !self.inner.oob {
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
        if !self.inner.oob {
            return Err(Error::OobNotEnabled);
        }
        self.inner
            .core
            .execute_raw(name, &args, Execution::OutOfBand)
            .await
    }

    /// Runs a command and waits for the first event of type `E` that satisfies `pred`. The subscription exists
    /// before the command is sent, so an event that comes before the reply is not missed.
    pub async fn execute_and_wait<C: Command, E: Event>(
        &self,
        cmd: C,
        pred: impl FnMut(&TypedEvent<E>) -> bool,
    ) -> Result<(C::Returns, TypedEvent<E>)> {
        let mut events = self.subscribe::<E>();
        let core = &self.inner.core;
        let work = async {
            let args = encode_arguments(C::NAME, &cmd)?;
            let ret = decode_return(
                C::NAME,
                core.call(C::NAME, args, Call::in_band(C::SUCCESS_RESPONSE))
                    .await?,
            )?;
            match events.wait_for(pred).await {
                Some(event) => Ok((ret, event?)),
                None => Err(core.gone()),
            }
        };
        core.timed(None, work).await
    }

    /// Every event from now on, as received.
    pub fn subscribe_all(&self) -> EventStream {
        self.inner.core.shared.subscribe(Filter::All, None)
    }

    /// Every event from now on, keeping at most `limit` unread (the oldest are dropped and counted).
    pub fn subscribe_all_bounded(&self, limit: usize) -> EventStream {
        self.inner.core.shared.subscribe(Filter::All, Some(limit))
    }

    /// Events of type `E` from now on, decoded.
    pub fn subscribe<E: Event>(&self) -> TypedEvents<E> {
        TypedEvents::new(
            self.inner
                .core
                .shared
                .subscribe(Filter::Name(E::NAME), None),
        )
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
        self.inner.core.shared.unknown_replies()
    }

    /// The connection is gone.
    pub fn is_closed(&self) -> bool {
        self.inner.core.shared.closed_error().is_some()
    }

    /// Waits until the connection is gone; the reason.
    pub async fn closed(&self) -> Error {
        let mut watch = self.inner.core.shared.closed_watch();
        let _ = watch.wait_for(|c| *c).await;
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
        self.inner.core.shared.close(Error::Shutdown);
        let tasks: Vec<_> = self
            .inner
            .tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
            .collect();
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
