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
//! - Many calls may be in flight at once (clone the client into tasks); replies are matched by id.
//! - Events are never lost or reordered: each subscriber has its own queue, filled in arrival order.
//! - A dead server fails every pending call at once; calls take timeouts and are safe to cancel.
//! - [`blocking::Client`] offers the same for scripts without async code.

pub mod blocking;
mod builder;
mod client;
mod connection;
mod error;
mod events;
mod framing;
mod transport;
mod wire;

pub use builder::{ClientBuilder, Protocol, QEMU_IN_BAND_QUEUE};
pub use client::Client;
pub use error::{DecodeError, Error, ErrorClass, Result};
pub use events::{EventSetStream, EventStream, TypedEvent, TypedEvents};
pub use qapi_runtime::{Command, Event, EventSet, OobCommand, Timestamp};
pub use wire::{Greeting, RawEvent, VersionInfo, VersionTriple};
