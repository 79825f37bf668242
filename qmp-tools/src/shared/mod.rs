//! What the tools share: where the server is and how to connect to it (with limits and read-only mode), the live
//! schema, QOM's tree as paths and values, and text tables.

pub mod connect;
pub mod join;
pub mod lists;
pub mod qom;
pub mod read_only;
pub mod run;
// Being replaced by the introspection model of qapi-introspection; documented when it is.
#[allow(missing_docs)]
pub mod schema;
pub mod table;
pub mod target;
