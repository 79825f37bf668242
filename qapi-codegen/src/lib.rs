//! Rust code generation from a checked QAPI schema.
