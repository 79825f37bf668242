//! Serve QMP from Rust: a server runtime for QEMU's machine protocol and the guest agent's, typed dispatch over
//! generated bindings, and a mock QEMU for the tests of programs that drive QEMU.
//!
//! ```no_run
//! use qmp_server::{CommandError, Flags, Server};
//! use serde_json::json;
//!
//! # async fn demo() -> std::io::Result<()> {
//! let server = Server::builder()
//!     .version(10, 0, 2, "toy")
//!     .command_raw("stop", Flags::default(), |_args| async { Ok(json!({})) })
//!     .command_raw("cont", Flags::default(), |_args| async {
//!         Err(CommandError::generic("nothing to continue"))
//!     })
//!     .build();
//! let listening = server.listen_unix("/tmp/toy.sock").await?;
//! server.emit_raw("STOP", serde_json::Value::Null);
//! # drop(listening); Ok(()) }
//! ```
//!
//! - The greeting, `qmp_capabilities` (with `oob`), `query-commands`, `query-version` and `query-qmp-schema`
//!   are answered by the server; errors are worded as QEMU words them.
//! - In-band commands run in order, one at a time across all clients, as in QEMU; `exec-oob` runs allow-oob
//!   commands at once.
//! - Requests are bounded in size and nesting; a client that does not read its replies is stopped being read
//!   from, so its memory stays bounded.

mod builtin;
mod error;
mod listen;
mod mock;
mod outbox;
pub mod output;
pub mod request;
mod server;
mod session;
pub mod stream;
pub mod transcript;
mod typed;

pub use error::CommandError;
pub use listen::{Address, Listening};
pub use mock::{Call, Mock};
pub use server::{
    version_info, BoxReply, Emitter, Entry, Flags, Handler, Limits, Protocol, Reply, Resolver,
    Server, ServerBuilder,
};
pub use session::IN_BAND_QUEUE;
pub use typed::{decode_arguments, flags_of};
