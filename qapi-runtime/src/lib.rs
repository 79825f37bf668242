//! What generated QAPI bindings and QMP clients share.
//!
//! Generated code implements [`Command`] for every command and [`Event`] for every event; a client is generic over
//! them, so one client serves bindings generated from any schema (QMP, guest agent, a fork's).
//!
//! Values go straight between JSON text and the generated types, with entry points named as serde_json names
//! them (generated crates re-export them, as `qemu_qmp::from_slice`):
//!
//! ```
//! use qapi_runtime::Timestamp;
//! let t: Timestamp = qapi_runtime::from_slice(br#"{"seconds": 1, "microseconds": 2, "new": [3]}"#).unwrap();
//! assert_eq!(qapi_runtime::to_string(&t), r#"{"seconds":1,"microseconds":2}"#);
//! let e = qapi_runtime::from_str::<Vec<Timestamp>>(r#"[{"seconds": 1, "microseconds": "2"}]"#).unwrap_err();
//! assert_eq!((e.path().as_str(), e.offset()), ("[0].microseconds", Some(32)));
//! ```

#![warn(missing_docs)]

mod timestamp;

pub mod execute;
pub mod meta;
pub mod read;
#[doc(hidden)]
pub mod rt;
pub mod via_serde;

/// See `__private::require_runtime`.
#[doc(hidden)]
#[macro_export]
macro_rules! __qapi_require_runtime {
    ("0.1") => {};
    ($needed:literal) => {
        ::core::compile_error!(::core::concat!(
            "this code was generated for qapi-runtime ",
            $needed,
            ", but it is built against qapi-runtime 0.1: depend on qapi-runtime ",
            $needed,
            " (or regenerate the code with qapi-gen 0.1)"
        ));
    };
}

/// What generated code checks about the runtime it is compiled with.
#[doc(hidden)]
pub mod __private {
    /// Generated code expands `require_runtime!("0.1")`, naming the runtime versions it was generated for (`0.1`
    /// for `qapi-gen` 0.1.x): this runtime accepts those it runs, and for any other the compile error names both.
    pub use crate::__qapi_require_runtime as require_runtime;

    #[test]
    fn the_check_accepts_this_version() {
        let mut v = env!("CARGO_PKG_VERSION").split('.');
        assert_eq!((v.next(), v.next()), (Some("0"), Some("1")));
        require_runtime!("0.1");
    }
}
pub mod wire;
pub mod write;

pub use execute::Executor;
pub use meta::{Definition, Info, Meta};
pub use read::{Members, Reader};
pub use timestamp::Timestamp;
pub use wire::{
    from_slice, from_str, from_value, to_string, to_value, to_vec, Decode, DecodeError, Empty,
    Encode, Object, ObjectType,
};
pub use write::Writer;

// Generated code reaches serde and serde_json through this crate, so that it needs only this one dependency.
#[doc(hidden)]
pub use serde;
pub use serde_json;
pub use serde_json::Value;

/// A QAPI command: its wire name, argument type (`Self`) and return type.
pub trait Command: Encode {
    /// The command's name on the wire, e.g. `query-version`.
    const NAME: &'static str;
    /// What a successful reply's `return` decodes to (`()`-like empty struct when the schema has no `returns`).
    type Returns: Decode;
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
pub trait Event: Decode {
    /// The event's name on the wire, e.g. `JOB_STATUS_CHANGE`.
    const NAME: &'static str;
}

/// The enum over all events of one schema: decodes any event message by name, keeping unknown events raw.
pub trait EventSet: Sized {
    /// Decode the `data` (JSON text; `null` when the event has none) of the event called `name`. Unknown names
    /// give the schema's `Unknown` variant, with the data as sent.
    fn from_parts(name: &str, data: &[u8]) -> Result<Self, DecodeError>;
    /// The event's wire name.
    fn name(&self) -> &str;
}
