//! What a QEMU says its QAPI schema is, and what that schema looks like on the wire.
//!
//! - [`reply`]: a `query-qmp-schema` reply read into plain data, strictly ([`Introspection::from_value`]) or
//!   leniently ([`Introspection::from_value_lenient`], for tools that must keep going).
//! - [`wire`]: the wire view of a schema ([`WireSchema`]), from a schema file's checked model or from a reply: what
//!   a client sends and receives, type names aside. `qapi-diff` compares two; `qapi-gen` makes bindings from
//!   one.
//! - [`input`]: telling a schema file from a saved reply from a live QMP socket ([`Input::open`], [`load`]).
//! - [`socket`]: asking a running QEMU, through `qmp-client`'s blocking client.
//! - [`capabilities`] and [`path`]: what the connected QEMU can do: commands, events, and members, branches and
//!   enum values by path (libvirt's syntax, or typed).
//!
//! ```
//! use qapi_introspection::{Capabilities, Introspection};
//! let reply = Introspection::from_json(
//!     r#"[{"name": "query-status", "meta-type": "command", "arg-type": "0", "ret-type": "0"},
//!         {"name": "0", "meta-type": "object", "members": []}]"#,
//! )?;
//! let qemu = Capabilities::new(reply, Some("9.2.0".into()));
//! assert!(qemu.has_command("query-status"));
//! let refusal = qemu.check("blockdev-set-active").unwrap_err();
//! assert_eq!(refusal.to_string(), "this QEMU lacks command blockdev-set-active (QEMU 9.2.0)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod capabilities;
pub mod input;
pub mod path;
pub mod reply;
pub mod socket;
pub mod wire;

pub use capabilities::{Capabilities, ClientCapabilities, Connection, Refusal};
pub use input::{load, Input, InputError, LoadError, Loaded};
pub use path::{PathError, SchemaPath, Step};
pub use reply::{Introspection, IntrospectionError};
pub use socket::SocketError;
pub use wire::WireSchema;
