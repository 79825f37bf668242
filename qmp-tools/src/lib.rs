//! QEMU's QMP tools reborn on the `qmp-client` crate: `qmp-shell`, `vm-info`, `qom-fuse`, the `qom-get`, `qom-set`,
//! `qom-list` and `qom-tree` commands, and `qemu-ga-client`.
//!
//! They learn what the server offers from the server itself (`query-qmp-schema`, `guest-info`, `qom-list`), so they
//! are right for whichever QEMU version they talk to. Each tool has its folder; what they share is in [`shared`].
//!
//! The binaries are the product (`cargo install qmp-tools`); the library is what they are made of, for tools of
//! the same kind. Every tool takes its server the same way, for instance:
//!
//! ```
//! use qmp_tools::shared::target::Target;
//! assert_eq!(Target::parse("localhost:4444"), Target::Tcp("localhost:4444".into()));
//! assert_eq!(Target::parse("/run/vm0/qmp.sock"), Target::Unix("/run/vm0/qmp.sock".into()));
//! ```
#![warn(missing_docs)]

pub mod ga_client;
pub mod qmp_shell;
pub mod qom_fuse;
pub mod qom_tools;
pub mod shared;
pub mod vm_info;

/// The README's code blocks, so that a Rust snippet added there is compiled (its sessions are `text`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
