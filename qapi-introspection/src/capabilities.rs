//! What the connected QEMU can do, from its `query-qmp-schema` reply: which commands and events exist, and which
//! members, branches and enum values (by [`SchemaPath`]).
//!
//! `qmp-client` cannot depend on this crate (this crate depends on it), so the client gets these as an extension
//! ([`ClientCapabilities`]); [`Connection`] asks once per connection and keeps the answer.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use qmp_client::blocking::Client;

use crate::path::{PathError, SchemaPath};
use crate::reply::{Introspection, Meta, SchemaInfo};
use crate::socket::{query_schema, SocketError};

/// A QEMU's schema, indexed for questions.
#[derive(Clone, Debug)]
pub struct Capabilities {
    reply: Introspection,
    by_name: HashMap<String, usize>,
    /// `major.minor.micro` from the greeting, when known.
    version: Option<String>,
}

/// Why a command is not sent: this QEMU does not have it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The command this QEMU lacks.
    pub command: String,
    /// The QEMU's version, when known.
    pub version: Option<String>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "this QEMU lacks command {}", self.command)?;
        match &self.version {
            Some(v) => write!(f, " (QEMU {v})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Refusal {}

impl Capabilities {
    /// `version` is for messages (`"9.2.0"`).
    pub fn new(reply: Introspection, version: Option<String>) -> Capabilities {
        let mut by_name = HashMap::with_capacity(reply.entries.len());
        for (i, e) in reply.entries.iter().enumerate() {
            by_name.entry(e.name.clone()).or_insert(i);
        }
        Capabilities {
            reply,
            by_name,
            version,
        }
    }

    /// Asks a connected QEMU.
    pub fn query(client: &Client) -> Result<Capabilities, SocketError> {
        let reply = query_schema(client)?;
        let version = client.greeting().map(|g| {
            let v = &g.version.qemu;
            format!("{}.{}.{}", v.major, v.minor, v.micro)
        });
        Ok(Capabilities::new(reply, version))
    }

    /// The `query-qmp-schema` reply this is built on.
    pub fn reply(&self) -> &Introspection {
        &self.reply
    }

    /// The QEMU version (`major.minor.micro`), when known.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The entry named `name`: a command, an event, or a type by its (masked) name.
    pub fn entry(&self, name: &str) -> Option<&SchemaInfo> {
        self.by_name.get(name).map(|&i| &self.reply.entries[i])
    }

    /// What the entry named `name` is ([`Meta`]): how a tool walks from a command into its types.
    pub fn lookup(&self, name: &str) -> Option<&Meta> {
        self.entry(name).map(|e| &e.meta)
    }

    /// Whether this QEMU has the command `name`.
    pub fn has_command(&self, name: &str) -> bool {
        self.entry(name)
            .is_some_and(|e| matches!(e.meta, Meta::Command { .. }))
    }

    /// Whether this QEMU has the event `name`.
    pub fn has_event(&self, name: &str) -> bool {
        self.entry(name)
            .is_some_and(|e| matches!(e.meta, Meta::Event { .. }))
    }

    /// Whether this QEMU has the generated command `C` (`supports::<BlockdevSetActive>()`).
    pub fn supports<C: qmp_client::Command>(&self) -> bool {
        self.has_command(C::NAME)
    }

    /// Whether this QEMU has the generated event `E`.
    pub fn emits<E: qmp_client::Event>(&self) -> bool {
        self.has_event(E::NAME)
    }

    /// Whether this QEMU has what `path` names.
    pub fn has(&self, path: &SchemaPath) -> bool {
        path.exists_with(&|name| self.entry(name))
    }

    /// [`Capabilities::has`] for a path in libvirt's syntax: `"blockdev-add/arg-type/+file/aio/^io_uring"`.
    pub fn has_path(&self, path: &str) -> Result<bool, PathError> {
        Ok(self.has(&path.parse()?))
    }

    /// Refuses a command this QEMU does not have: a check to run before sending.
    pub fn check(&self, command_name: &str) -> Result<(), Refusal> {
        if self.has_command(command_name) {
            return Ok(());
        }
        Err(Refusal {
            command: command_name.to_owned(),
            version: self.version.clone(),
        })
    }
}

/// A pre-send policy of `qmp-client`: `client.add_policy(capabilities)` makes a call of a command this QEMU lacks
/// fail before it is sent, with [`Refusal`]'s text ("this QEMU lacks command X (QEMU 10.0.2)").
impl qmp_client::CommandPolicy for Capabilities {
    fn check(&self, command: &str) -> Result<(), String> {
        Capabilities::check(self, command).map_err(|refusal| refusal.to_string())
    }
}

/// The capability questions as methods of `qmp-client`'s blocking client.
pub trait ClientCapabilities {
    /// Asks the QEMU for its schema (one `query-qmp-schema`).
    fn capabilities(&self) -> Result<Capabilities, SocketError>;
}

impl ClientCapabilities for Client {
    fn capabilities(&self) -> Result<Capabilities, SocketError> {
        Capabilities::query(self)
    }
}

/// A client that asks for the schema at the first question and keeps the answer for the connection's life.
/// Dereferences to the client.
pub struct Connection {
    client: Client,
    capabilities: OnceLock<Arc<Capabilities>>,
}

impl Connection {
    /// Wraps a connected client; the schema is asked for at the first question.
    pub fn new(client: Client) -> Connection {
        Connection {
            client,
            capabilities: OnceLock::new(),
        }
    }

    /// The schema, asked for once.
    pub fn capabilities(&self) -> Result<Arc<Capabilities>, SocketError> {
        if let Some(c) = self.capabilities.get() {
            return Ok(c.clone());
        }
        let asked = Arc::new(Capabilities::query(&self.client)?);
        Ok(self.capabilities.get_or_init(|| asked).clone())
    }

    /// Whether this QEMU has the generated command `C`.
    pub fn supports<C: qmp_client::Command>(&self) -> Result<bool, SocketError> {
        Ok(self.capabilities()?.supports::<C>())
    }

    /// Whether this QEMU has what the path (libvirt's syntax) names.
    pub fn has_path(&self, path: &str) -> Result<Result<bool, PathError>, SocketError> {
        Ok(self.capabilities()?.has_path(path))
    }
}

impl std::ops::Deref for Connection {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}
