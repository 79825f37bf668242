//! `include_qapi!`: a QAPI schema as a type-checked Rust API, generated in place at compile time.
//!
//! The macro is only a front: it loads the schema with `qapi-schema` and generates with `qapi-gen`, the same
//! code path as the `qapi-gen` command line and the build.rs builder, so its expansion is token for token what
//! `qapi_gen::Config` writes to `OUT_DIR/qapi.rs` for the same options.
//!
//! ```ignore
//! // $QEMU_SRC: a QEMU source tree, read when the crate compiles (a path relative to the crate works too).
//! mod qmp {
//!     qapi_macros::include_qapi!("$QEMU_SRC/qapi/qapi-schema.json", docs = false, modules = ["block-core", "control"]);
//! }
//! use qmp::Commands as _; // one method per command, for any qapi_runtime::Executor
//! ```
//!
//! (`ignore` here only because this crate's doctests have no QEMU tree at hand; the README's copy of this snippet
//! is compiled against QEMU's schema in the repository's tests.)
//!
//! The caller's `Cargo.toml` needs `qapi-runtime` besides this crate: the generated code names
//! `::qapi_runtime::...`, and reaches serde and serde_json through it.
#![warn(missing_docs)]

mod args;
mod expand;
mod path;

/// Expands to the Rust bindings of a QAPI schema: one module per schema module, their items re-exported, the
/// `Commands` trait and the `AnyEvent` enum, as `qapi-gen` generates them.
///
/// ```ignore
/// include_qapi!("qapi/qapi-schema.json");
/// include_qapi!("qapi/qapi-schema.json", docs = false, conditions = cfg, modules = ["block-core"], strict);
/// include_qapi!("$QEMU_SRC/qga/qapi-schema.json");
/// ```
///
/// # The path
/// Relative to the calling crate's directory (`CARGO_MANIFEST_DIR`), or absolute. `$NAME` and `${NAME}` take an
/// environment variable's value at compile time (`"$OUT_DIR/qapi-schema.json"` for a schema a build script
/// fetched); `$$` is a `$`.
///
/// # Options
/// After the path, separated by commas, in any order:
/// - `docs = false`: leave the schema's doc comments out (the default is `true`);
/// - `conditions = docs | cfg | feature`: what `'if'` conditions become: `docs` (the default) generates every
///   item and documents its condition, `cfg` gates it with `#[cfg(CONFIG_X)]`, `feature` with
///   `#[cfg(feature = "CONFIG_X")]`;
/// - `modules = ["block-core", "control"]`: only these schema modules and the modules they use (names as the
///   schema files are named, `-` or `_` alike);
/// - `doc_url = "https://.../qemu-qmp-ref.html#{kind}-QMP-{module}.{name}"`: link every item's docs to this page,
///   `{name}` being its schema name, `{kind}` `command`, `event`, `enum`, `alternate` or `object`, `{module}` the
///   schema file's stem;
/// - `oldest_qemu = "10.0"`: the oldest QEMU release whose replies and events the bindings must decode: a
///   required member of what QEMU sends that the schema's docs say a later release added becomes optional;
/// - `module_features`: gate each schema module behind a cargo feature of the caller of the same name (the
///   caller declares each, enabling the features of the modules it uses);
/// - `strict`: QEMU 9.2.4's exact rules instead of the tolerant default that reads any release's schema.
///
/// # Rebuilds
/// The expansion reads every schema file with `include_bytes!` (in an unused constant) and every environment
/// variable of the path with `env!`, so editing the schema or any file it includes, or changing the variable,
/// rebuilds the caller.
///
/// # Errors
/// A schema that does not load is a compile error at the path, carrying the text `qapi-gen check` prints
/// (`file:line:column: message`, with QEMU's context lines), file names spelled as in the macro call. Warnings of
/// the tolerant mode are not shown (stable Rust gives proc macros no way to warn): run `qapi-gen check`.
#[proc_macro]
pub fn include_qapi(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand::expand(input.into()).into()
}

#[cfg(test)]
mod tests;
