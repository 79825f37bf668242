//! The server: what it answers (its commands and their flags), what it announces (version, capabilities), and the
//! events it broadcasts to every negotiated client.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{json, Map, Value};
use tokio::sync::Mutex;

use crate::outbox::Subscribers;

use crate::error::CommandError;
use crate::output;

/// What a command handler gives back: its `return` value or its error.
pub type Reply = Result<Value, CommandError>;
/// A handler's future.
pub type BoxReply = Pin<Box<dyn Future<Output = Reply> + Send>>;
/// A command handler over plain JSON: takes the `arguments` object.
pub type Handler = Arc<dyn Fn(Map<String, Value>) -> BoxReply + Send + Sync>;
/// Looks up commands the registry does not have (the mock's stubs, a transcript being replayed).
pub type Resolver = Arc<dyn Fn(&str) -> Option<Entry> + Send + Sync>;

/// Which protocol the server speaks on its connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// QEMU's monitor: a greeting, then `qmp_capabilities`, then commands and events.
    Qmp,
    /// The guest agent: no greeting and no negotiation; `guest-sync-delimited` answers after a 0xFF byte.
    GuestAgent,
}

/// A command's flags from its schema definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    /// `allow-oob`: the command may be sent with `exec-oob` and then runs at once, ahead of queued commands.
    pub allow_oob: bool,
    /// `success-response`: `false` for commands that send no reply when they succeed.
    pub success_response: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            allow_oob: false,
            success_response: true,
        }
    }
}

/// One command the server answers.
#[derive(Clone)]
pub struct Entry {
    /// The command's flags (`allow-oob`, `success-response`, ...).
    pub flags: Flags,
    /// What answers the command.
    pub handler: Handler,
}

impl Entry {
    /// An entry from a closure returning a future.
    pub fn new<F, Fut>(flags: Flags, f: F) -> Entry
    where
        F: Fn(Map<String, Value>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        Entry {
            flags,
            handler: Arc::new(move |args| Box::pin(f(args))),
        }
    }
}

/// Limits that keep one client from taking the server down.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Bytes of one request; a longer one is answered with QEMU's "JSON token size limit exceeded" and skipped.
    /// QEMU's own limit is 64 MiB; the default here is 1 MiB, ample for any command.
    pub max_request: usize,
    /// Connections served at once; more are closed as they arrive.
    pub max_clients: usize,
    /// Events a client may fall behind by before it is disconnected (QEMU buffers without limit).
    pub event_backlog: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request: 1 << 20,
            max_clients: 64,
            event_backlog: 4096,
        }
    }
}

/// Configures a [`Server`]. `qmp_capabilities`, `query-commands`, `query-version` and `query-qmp-schema` are
/// answered by the server itself unless registered here.
pub struct ServerBuilder {
    pub(crate) protocol: Protocol,
    pub(crate) version: Value,
    pub(crate) oob: bool,
    pub(crate) commands: BTreeMap<String, Entry>,
    pub(crate) events: Vec<String>,
    pub(crate) schema: Option<Value>,
    pub(crate) resolver: Option<Resolver>,
    pub(crate) limits: Limits,
    pub(crate) answer_queries: bool,
    pub(crate) subscribers: Arc<Subscribers>,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            protocol: Protocol::Qmp,
            version: version_info(0, 0, 0, ""),
            oob: true,
            commands: BTreeMap::new(),
            events: Vec::new(),
            schema: None,
            resolver: None,
            limits: Limits::default(),
            answer_queries: true,
            subscribers: Arc::new(Subscribers::new(Limits::default().event_backlog)),
        }
    }
}

/// `VersionInfo` as `query-version` and the greeting give it.
pub fn version_info(major: i64, minor: i64, micro: i64, package: &str) -> Value {
    json!({ "qemu": { "major": major, "minor": minor, "micro": micro }, "package": package })
}

impl ServerBuilder {
    /// The version announced in the greeting and answered by `query-version` (default 0.0.0).
    pub fn version(mut self, major: i64, minor: i64, micro: i64, package: &str) -> Self {
        self.version = version_info(major, minor, micro, package);
        self
    }

    /// The version as a `VersionInfo` JSON value (for a recorded greeting).
    pub fn version_value(mut self, version: Value) -> Self {
        self.version = version;
        self
    }

    /// Offer the `oob` capability (default: on, as QEMU does).
    pub fn oob(mut self, offered: bool) -> Self {
        self.oob = offered;
        self
    }

    /// Speak the guest agent's protocol instead of QMP.
    pub fn guest_agent(mut self) -> Self {
        self.protocol = Protocol::GuestAgent;
        self.oob = false;
        self
    }

    /// Limits on requests, clients and event backlog.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self.subscribers.set_backlog(limits.event_backlog);
        self
    }

    /// A handle that sends the server's events, for handlers registered before the server is built.
    pub fn emitter(&self) -> Emitter {
        Emitter(self.subscribers.clone())
    }

    /// Answers `name` with `handler`, over plain JSON.
    pub fn command_raw<F, Fut>(mut self, name: &str, flags: Flags, handler: F) -> Self
    where
        F: Fn(Map<String, Value>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        self.commands
            .insert(name.to_owned(), Entry::new(flags, handler));
        self
    }

    /// Names an event the server may emit, for `query-qmp-schema`'s answer.
    pub fn event_raw(mut self, name: &str) -> Self {
        self.events.push(name.to_owned());
        self
    }

    /// The `query-qmp-schema` answer (a QEMU introspection reply); without it the server describes the commands
    /// and events it knows, with arguments and returns of type `any`.
    pub fn schema(mut self, introspection: Value) -> Self {
        self.schema = Some(introspection);
        self
    }

    /// Whether the server answers `query-commands`, `query-version` and `query-qmp-schema` itself (default:
    /// yes); a replayed transcript answers them as recorded instead.
    pub fn answer_queries(mut self, answer: bool) -> Self {
        self.answer_queries = answer;
        self
    }

    /// Consulted for commands not registered.
    pub fn resolver(mut self, resolver: Resolver) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// The server, with the built-in commands (`qmp_capabilities`, the queries) for those not registered.
    pub fn build(mut self) -> Server {
        for (name, entry) in crate::builtin::entries(&self) {
            self.commands.entry(name).or_insert(entry);
        }
        let events = self.subscribers.clone();
        Server {
            inner: Arc::new(Inner {
                builder: self,
                events,
                in_band: Mutex::new(()),
            }),
        }
    }
}

pub(crate) struct Inner {
    pub(crate) builder: ServerBuilder,
    pub(crate) events: Arc<Subscribers>,
    /// Held while an in-band command runs: QEMU runs them one at a time, across all its monitors.
    pub(crate) in_band: Mutex<()>,
}

/// A QMP server: cheap to clone, shared by all its connections. Serve it with [`Server::listen_unix`],
/// [`Server::listen_tcp`], [`Server::serve_stdio`] or [`Server::serve_stream`].
#[derive(Clone)]
pub struct Server {
    pub(crate) inner: Arc<Inner>,
}

impl Server {
    /// A builder for a server: commands, protocol, limits.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// The protocol the server speaks (QMP or guest agent).
    pub fn protocol(&self) -> Protocol {
        self.inner.builder.protocol
    }

    /// The limits that apply to each client.
    pub fn limits(&self) -> Limits {
        self.inner.builder.limits
    }

    /// The command called `name`: registered, else from the resolver.
    pub fn lookup(&self, name: &str) -> Option<Entry> {
        if let Some(entry) = self.inner.builder.commands.get(name) {
            return Some(entry.clone());
        }
        self.inner.builder.resolver.as_ref().and_then(|r| r(name))
    }

    /// The names of the registered commands, sorted.
    pub fn command_names(&self) -> impl Iterator<Item = &str> {
        self.inner.builder.commands.keys().map(String::as_str)
    }

    /// Sends event `name` with `data` (`null` for none) to every negotiated client, stamped with the time now.
    pub fn emit_raw(&self, name: &str, data: Value) {
        self.emit_at(name, data, output::now());
    }

    /// Sends an event with a given timestamp (seconds, microseconds), e.g. a recorded one.
    pub fn emit_at(&self, name: &str, data: Value, timestamp: (i64, i64)) {
        self.emitter().emit_at(name, data, timestamp);
    }

    /// A handle that sends this server's events without keeping the server alive.
    pub fn emitter(&self) -> Emitter {
        Emitter(self.inner.events.clone())
    }

    /// How many clients currently receive events.
    pub fn subscribers(&self) -> usize {
        self.inner.events.count()
    }
}

/// Sends a server's events; see [`Server::emitter`].
#[derive(Clone)]
pub struct Emitter(Arc<Subscribers>);

impl Emitter {
    /// Sends event `name` with `data` (`null` for none) to every negotiated client, stamped with the time now.
    pub fn emit_raw(&self, name: &str, data: Value) {
        self.emit_at(name, data, output::now());
    }

    /// Sends an event with a given timestamp (seconds, microseconds).
    pub fn emit_at(&self, name: &str, data: Value, timestamp: (i64, i64)) {
        let message: Arc<[u8]> = output::event(name, &data, timestamp).into();
        // With no client negotiated, the event goes nowhere, as in QEMU.
        self.0.send(message);
    }
}
