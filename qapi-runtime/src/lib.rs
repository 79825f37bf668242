//! What generated QAPI bindings and QMP clients share.
//!
//! Generated code implements [`Command`] for every command and [`Event`] for every event; a client is generic over
//! them, so one client serves bindings generated from any schema (QMP, guest agent, a fork's).

use serde::de::DeserializeOwned;
use serde::Serialize;

mod timestamp;

pub mod execute;
pub mod meta;
#[doc(hidden)]
pub mod rt;
pub mod wire;

pub use execute::Executor;
pub use meta::{Definition, Info, Meta};
pub use timestamp::Timestamp;
pub use wire::{Decode, DecodeError, Empty, Encode, Object, ObjectType};

// Generated code reaches serde and serde_json through this crate, so that it needs only this one dependency.
#[doc(hidden)]
pub use serde;
pub use serde_json;
pub use serde_json::Value;

/// A QAPI command: its wire name, argument type (`Self`) and return type.
pub trait Command: Serialize {
    /// The command's name on the wire, e.g. `query-version`.
    const NAME: &'static str;
    /// What a successful reply's `return` decodes to (`()`-like empty struct when the schema has no `returns`).
    type Returns: DeserializeOwned;
    /// `success-response: false` (guest agent shutdown-style commands): no reply comes on success.
    const SUCCESS_RESPONSE: bool = true;
    /// The command may be sent with `exec-oob`; such commands also implement [`OobCommand`].
    const ALLOW_OOB: bool = false;
    /// `allow-preconfig`: available before machine initialisation.
    const ALLOW_PRECONFIG: bool = false;
    /// The command has the `deprecated` feature.
    const DEPRECATED: bool = false;
    /// The command has the `unstable` feature.
    const UNSTABLE: bool = false;
}

/// Implemented only by commands with `allow-oob: true`, so that out-of-band execution of any other command does
/// not compile.
pub trait OobCommand: Command {}

/// A QAPI event: its wire name and data type (`Self`).
pub trait Event: DeserializeOwned {
    /// The event's name on the wire, e.g. `JOB_STATUS_CHANGE`.
    const NAME: &'static str;
}

/// The enum over all events of one schema: decodes any event message by name, keeping unknown events raw.
pub trait EventSet: Sized {
    /// Decode the `data` of the event called `name`. Unknown names give the schema's `Unknown` variant.
    fn from_parts(name: &str, data: serde_json::Value) -> Result<Self, serde_json::Error>;
    /// The event's wire name.
    fn name(&self) -> &str;
}
