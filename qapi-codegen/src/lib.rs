//! Rust code generation from a checked QAPI schema.

#[cfg(feature = "cli")]
pub mod cli;
