//! Compares QAPI schemas as clients see them on the wire, and classifies each change by QEMU's compatibility
//! rules.
//!
//! A schema is first reduced to its wire view (`qapi_introspection::WireSchema`): from a schema file (through the
//! checked model of `qapi-schema`) or from a running QEMU's `query-qmp-schema` reply, which masks type names.
//! Two wire views are compared from their commands and events down ([`diff()`]): type names play no part, so
//! renaming types, splitting them into bases or moving members leaves no trace, except that a type renamed one
//! to one is reported once as a rename when both sides are schema files. Each [`Change`] is
//! [`Class::Breaking`], [`Class::Compatible`] or [`Class::Unstable`] (outside the stable API: `x-` names and
//! `unstable` items), judged for what a client sends (command arguments) and receives (returns, events).
//!
//! ```no_run
//! use qapi_diff::diff;
//! use qapi_introspection::WireSchema;
//! let options = qapi_schema::Options::default();
//! let old = qapi_schema::load("8.2.0/qapi/qapi-schema.json", &options)?;
//! let new = qapi_schema::load("9.2.4/qapi/qapi-schema.json", &options)?;
//! let changes = diff(&WireSchema::from_schema(&old), &WireSchema::from_schema(&new));
//! print!("{}", qapi_diff::render::human(&changes, qapi_diff::render::Style::plain()));
//! # Ok::<(), qapi_schema::LoadError>(())
//! ```
#![warn(missing_docs)]

pub mod change;
pub mod classify;
#[cfg(feature = "cli")]
pub mod cli;
pub mod compare;
mod diff;
pub mod render;

pub use change::{Change, ChangeKind, Class, Direction, Part, Relation, Root};
pub use diff::{diff, Diff, Summary};

#[cfg(feature = "cli")]
pub use cli::{run_diff, DiffArgs};
