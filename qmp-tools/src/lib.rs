//! QEMU's QMP tools reborn on the `qmp-client` crate: `qmp-shell`, `vm-info`, `qom-fuse`, the `qom-get`, `qom-set`,
//! `qom-list` and `qom-tree` commands, and `qemu-ga-client`.
//!
//! They learn what the server offers from the server itself (`query-qmp-schema`, `guest-info`, `qom-list`), so they
//! are right for whichever QEMU version they talk to. Each tool has its folder; what they share is in [`shared`].
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
