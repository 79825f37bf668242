//! QEMU's QMP tools reborn on the `qmp-client` crate: `qmp-shell`, `vm-info` and `qom-fuse`.
//!
//! They learn what the server offers from the server itself (`query-qmp-schema`, `guest-info`, `qom-list`), so they
//! are right for whichever QEMU version they talk to.

pub mod command_line;
pub mod completion;
pub mod events;
pub mod help;
pub mod qom;
pub mod qom_fs;
pub mod repl;
pub mod schema;
pub mod shell;
pub mod table;
pub mod target;
pub mod validate;
pub mod vm_info;
