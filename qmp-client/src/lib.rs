//! A typed client for QEMU's machine protocol (QMP) and for the QEMU guest agent.
//!
//! Generic over the [`qapi_runtime::Command`] and [`qapi_runtime::Event`] traits that generated bindings implement,
//! so one client serves bindings of any schema; [`Client::execute_raw`] takes plain JSON.
//!
//! ```no_run
//! # async fn demo() -> qmp_client::Result<()> {
//! let qmp = qmp_client::Client::connect_unix("/run/vm0/qmp.sock").await?; // greeting read, capabilities negotiated
//! let version = qmp.execute_raw("query-version", serde_json::Value::Null).await?;
//! println!("QEMU {}", version["qemu"]);
//! let mut events = qmp.subscribe_all();
//! qmp.execute_raw("stop", serde_json::Value::Null).await?;
//! while let Some(event) = events.next().await {
//!     if event.name == "STOP" { break }
//! }
//! # Ok(()) }
//! ```
//!
//! With generated bindings (`qapi-gen`, `include_qapi!`, or the ready `qemu-qmp` crate), commands and events are
//! typed: `qmp.execute(QueryVersion::new()).await?` gives the schema's `VersionInfo`, `qmp.query_status().await?` does the
//! same through the bindings' `Commands` trait, and [`Client::execute_and_wait`] waits for a typed event such as
//! `JobStatusChangeEvent` without missing one that beats the reply.
//!
//! - Many calls may be in flight at once (clone the client into tasks); replies are matched by id (a lone in-band
//!   call goes without one: its reply is the next without an id, as QEMU answers in-band calls in order).
//! - Events are never lost or reordered: each subscriber has its own queue, filled in arrival order.
//! - A dead server fails every pending call at once; every call has a time limit (default
//!   [`DEFAULT_CALL_TIMEOUT`]) and is safe to cancel.
//! - Options: [`ClientBuilder::reconnect`] survives QEMU restarts ([`reconnect`]), [`ClientBuilder::listen_unix`]
//!   lets QEMU connect to the client ([`listen`]), [`ClientBuilder::read_only`] and [`ClientBuilder::policy`]
//!   refuse commands before sending ([`policy`]).
//! - Each call is a `qmp` span of the `tracing` crate (command, id, duration, outcome) at DEBUG level, for
//!   whoever installs a subscriber.
//! - [`blocking::Client`] offers the same for scripts without async code.
#![warn(missing_docs)]

pub mod blocking;
mod builder;
mod client;
mod connection;
mod driver;
mod error;
mod events;
mod framing;
pub mod listen;
pub mod policy;
pub mod reconnect;
mod transport;
mod wire;

pub use builder::{ClientBuilder, Protocol, DEFAULT_CALL_TIMEOUT, QEMU_IN_BAND_QUEUE};
pub use client::Client;
pub use error::{DecodeError, Error, ErrorClass, Result};
pub use events::{EventSetStream, EventStream, TypedEvent, TypedEvents};
pub use listen::Listener;
pub use policy::{CommandPolicy, ReadOnly};
pub use qapi_runtime::{Command, Event, EventSet, OobCommand, Timestamp};
pub use reconnect::{Reconnect, CONNECTION_LOST, RECONNECTED};
pub use wire::{Greeting, RawEvent, VersionInfo, VersionTriple};
