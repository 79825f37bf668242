//! Where a schema comes from: a schema file, a saved `query-qmp-schema` reply, or a running QEMU's QMP socket.
//!
//! A path to a unix socket is asked over QMP. A file whose text is JSON with a list at the top, or an object with a
//! `return` list, is a reply; anything else is a schema file (QAPI schema files are not JSON: they use single
//! quotes and `#` comments), left for `qapi-schema` to load so that its diagnostics reach the caller untouched.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::reply::{reply_entries, Introspection, IntrospectionError};
use crate::socket::SocketError;
use crate::wire::WireSchema;

/// What a path holds, told apart but not yet loaded when it is a schema file.
#[derive(Debug)]
pub enum Input {
    /// A schema file: load it with `qapi_schema::load`.
    SchemaFile(PathBuf),
    /// A `query-qmp-schema` reply, from a file or a running QEMU.
    Introspection(Introspection),
}

/// A schema, loaded.
#[derive(Debug)]
pub enum Loaded {
    /// A schema file, checked.
    Schema(Box<qapi_schema::Schema>),
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
}

/// Why a path could not be told apart or read.
#[derive(Debug)]
pub enum InputError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// What reading it gave.
        error: std::io::Error,
    },
    /// The reply is not a list of `SchemaInfo`.
    Introspection {
        /// The file.
        path: PathBuf,
        /// What is wrong with the reply.
        error: IntrospectionError,
    },
    /// The QMP exchange with a running QEMU failed.
    Qmp {
        /// The socket.
        path: PathBuf,
        /// What went wrong.
        error: SocketError,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            InputError::Introspection { path, error } => write!(f, "{}: {error}", path.display()),
            InputError::Qmp { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for InputError {}

/// Why [`load`] failed: the input, or the schema file it named.
#[derive(Debug)]
pub enum LoadError {
    /// The input could not be told apart or read.
    Input(InputError),
    /// The schema file failed to load (its first error, as QEMU reports).
    Schema(Box<qapi_schema::LoadError>),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Input(e) => write!(f, "{e}"),
            LoadError::Schema(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<InputError> for LoadError {
    fn from(e: InputError) -> LoadError {
        LoadError::Input(e)
    }
}

impl Input {
    /// Tells what `path` holds (see the module docs); a socket is asked for its reply, a reply file is read.
    pub fn open(path: &Path) -> Result<Input, InputError> {
        if is_socket(path) {
            return crate::socket::query_socket(path)
                .map(Input::Introspection)
                .map_err(|error| InputError::Qmp {
                    path: path.to_owned(),
                    error,
                });
        }
        let text = std::fs::read_to_string(path).map_err(|error| InputError::Io {
            path: path.to_owned(),
            error,
        })?;
        match as_reply(&text) {
            Some(value) => Introspection::from_value(&value)
                .map(Input::Introspection)
                .map_err(|error| InputError::Introspection {
                    path: path.to_owned(),
                    error,
                }),
            None => Ok(Input::SchemaFile(path.to_owned())),
        }
    }
}

/// Loads a schema file, a saved reply or a live QEMU's reply (see the module docs for how they are told apart).
pub fn load(path: &Path, options: &qapi_schema::Options) -> Result<Loaded, LoadError> {
    match Input::open(path)? {
        Input::Introspection(reply) => Ok(Loaded::Introspection(reply)),
        Input::SchemaFile(path) => qapi_schema::load(&path, options)
            .map(|schema| Loaded::Schema(Box::new(schema)))
            .map_err(|err| LoadError::Schema(Box::new(err))),
    }
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

    #[test]
    fn a_schema_file_is_left_to_the_parser() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "{ 'command': 'x', 'data': { 'a': 'nope' } }\n").unwrap();
        assert!(matches!(Input::open(&path), Ok(Input::SchemaFile(p)) if p == path));
        let err = load(&path, &qapi_schema::Options::default()).unwrap_err();
        assert!(matches!(err, LoadError::Schema(_)), "{err}");
        let reply = dir.path().join("r.json");
        std::fs::write(&reply, "[{\"name\": \"x\", \"meta-type\": \"command\"}]").unwrap();
        let err = Input::open(&reply).unwrap_err();
        assert!(err.to_string().contains("'arg-type' is missing"), "{err}");
        assert!(Input::open(&dir.path().join("absent.json")).is_err());
    }
}
