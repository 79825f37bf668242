//! Where a schema comes from: a schema file, a saved `query-qmp-schema` reply, or a running QEMU's QMP socket.
//!
//! A path to a unix socket is asked over QMP. A file whose text is JSON with a list at the top, or an object with a
//! `return` list, is a reply; anything else is read as a schema (QAPI schema files are not JSON: they use single
//! quotes and `#` comments).

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::introspection::{reply_entries, Introspection, IntrospectionError};
use crate::wire::WireSchema;

/// A schema, loaded.
#[derive(Debug)]
pub enum Loaded {
    /// A schema file, checked.
    Schema(Box<qapi_parser::Schema>),
    /// A `query-qmp-schema` reply, from a file or a running QEMU.
    Introspection(Introspection),
}

impl Loaded {
    /// The wire view.
    pub fn wire(&self) -> Result<WireSchema, IntrospectionError> {
        match self {
            Loaded::Schema(schema) => Ok(WireSchema::from_schema(schema)),
            Loaded::Introspection(reply) => WireSchema::from_introspection(reply),
        }
    }

    /// `schema`, `reply` or `live`: for messages.
    pub fn what(&self) -> &'static str {
        match self {
            Loaded::Schema(_) => "schema",
            Loaded::Introspection(_) => "query-qmp-schema reply",
        }
    }
}

/// Why a schema could not be loaded.
#[derive(Debug)]
pub enum InputError {
    /// The file could not be read.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The schema file failed to load (its first error, as QEMU reports).
    Schema(Box<qapi_parser::LoadError>),
    /// The reply is not a list of `SchemaInfo`.
    Introspection {
        path: PathBuf,
        error: IntrospectionError,
    },
    /// The QMP exchange with a running QEMU failed.
    Qmp { path: PathBuf, message: String },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            InputError::Schema(err) => write!(f, "{err}"),
            InputError::Introspection { path, error } => write!(f, "{}: {error}", path.display()),
            InputError::Qmp { path, message } => {
                write!(f, "{}: QMP: {message}", path.display())
            }
        }
    }
}

impl std::error::Error for InputError {}

/// Loads a schema file, a saved reply or a live QEMU's reply (see the module docs for how they are told apart).
pub fn load(path: &Path, options: &qapi_parser::Options) -> Result<Loaded, InputError> {
    if is_socket(path) {
        let value = crate::qmp::query_schema(path).map_err(|message| InputError::Qmp {
            path: path.to_owned(),
            message,
        })?;
        return reply(path, &value);
    }
    let text = std::fs::read_to_string(path).map_err(|error| InputError::Io {
        path: path.to_owned(),
        error,
    })?;
    if let Some(value) = as_reply(&text) {
        return reply(path, &value);
    }
    qapi_parser::load(path, options)
        .map(|schema| Loaded::Schema(Box::new(schema)))
        .map_err(|err| InputError::Schema(Box::new(err)))
}

/// Whether `path` is a unix socket.
pub fn is_socket(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_socket())
}

/// The text as a reply, if it is JSON shaped like one.
fn as_reply(text: &str) -> Option<Value> {
    let start = text.trim_start();
    if !start.starts_with('[') && !start.starts_with('{') {
        return None;
    }
    let value: Value = serde_json::from_str(text).ok()?;
    reply_entries(&value)?;
    Some(value)
}

fn reply(path: &Path, value: &Value) -> Result<Loaded, InputError> {
    Introspection::from_value(value)
        .map(Loaded::Introspection)
        .map_err(|error| InputError::Introspection {
            path: path.to_owned(),
            error,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_replies_from_schemas() {
        assert!(as_reply("[]").is_some());
        assert!(as_reply("{\"return\": []}").is_some());
        assert!(as_reply("{ 'command': 'x' }").is_none());
        assert!(as_reply("{\"command\": \"x\"}").is_none());
        assert!(as_reply("# a comment\n{ 'enum': 'E', 'data': [] }").is_none());
    }
}
