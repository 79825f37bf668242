#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

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
