//! qmp-shell: reading lines (interactively or from a script), checking them against the live schema, sending them
//! and showing replies and events.

pub mod command_line;
pub mod completion;
pub mod drivers;
pub mod events;
pub mod help;
pub mod repl;
pub mod shell;
pub mod suggest;
pub mod validate;
