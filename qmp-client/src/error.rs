//! What can go wrong talking to QEMU: the server's own errors, the transport, and messages we cannot decode.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// A QMP error class, e.g. `GenericError`. An open set: servers may add classes, so unknown ones are kept as sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ErrorClass(Cow<'static, str>);

impl ErrorClass {
    /// `GenericError`: what QEMU sends for most failures.
    pub const GENERIC_ERROR: ErrorClass = ErrorClass(Cow::Borrowed("GenericError"));
    /// `CommandNotFound`: the server has no such command.
    pub const COMMAND_NOT_FOUND: ErrorClass = ErrorClass(Cow::Borrowed("CommandNotFound"));
    /// `DeviceNotActive`.
    pub const DEVICE_NOT_ACTIVE: ErrorClass = ErrorClass(Cow::Borrowed("DeviceNotActive"));
    /// `DeviceNotFound`.
    pub const DEVICE_NOT_FOUND: ErrorClass = ErrorClass(Cow::Borrowed("DeviceNotFound"));
    /// `KVMMissingCap`.
    pub const KVM_MISSING_CAP: ErrorClass = ErrorClass(Cow::Borrowed("KVMMissingCap"));

    /// A class by name, as the server sent it.
    pub fn new(class: impl Into<String>) -> Self {
        ErrorClass(Cow::Owned(class.into()))
    }

    /// The class's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for ErrorClass {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ErrorClass {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A message, or part of one, that did not decode into the expected type: the codec's
/// [`qapi_runtime::DecodeError`] with what was being decoded and the text received.
#[derive(Clone, Debug)]
pub struct DecodeError {
    /// What was being decoded, e.g. "the reply to query-version" or "a message from the server".
    pub what: String,
    /// Where in the JSON the decoder stopped, e.g. `qemu.major` (`.` for the top level): `error.path()`.
    pub path: String,
    /// The decoder's complaint: `error.message()`.
    pub message: String,
    /// The JSON text that was being decoded, as received.
    pub raw: String,
    /// The codec's error, whose byte offset is into `raw`.
    pub error: qapi_runtime::DecodeError,
}

impl DecodeError {
    /// The byte offset in [`DecodeError::raw`] where decoding stopped.
    pub fn offset(&self) -> Option<usize> {
        self.error.offset()
    }
}

/// How much of a raw message an error message shows; the whole text stays in [`DecodeError::raw`].
const RAW_SHOWN: usize = 200;

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode {} at `{}`: {}",
            self.what, self.path, self.message
        )?;
        if let Some(offset) = self.offset() {
            write!(f, " (byte {offset})")?;
        }
        f.write_str("; received: ")?;
        if self.raw.len() <= RAW_SHOWN {
            f.write_str(&self.raw)
        } else {
            let mut end = RAW_SHOWN;
            while !self.raw.is_char_boundary(end) {
                end -= 1;
            }
            write!(f, "{}… ({} bytes in all)", &self.raw[..end], self.raw.len())
        }
    }
}

impl std::error::Error for DecodeError {}

/// Every failure of this crate.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server ran the command and reported an error.
    #[error("QMP error {class}: {desc}")]
    Qmp {
        /// The error's `class`.
        class: ErrorClass,
        /// The error's `desc`: QEMU's message.
        desc: String,
    },
    /// Reading from or writing to the transport failed, or connecting did.
    #[error("transport error: {0}")]
    Io(Arc<io::Error>),
    /// A message or a reply did not decode.
    #[error("{0}")]
    Decode(Arc<DecodeError>),
    /// The command's arguments did not serialize into a JSON object.
    #[error("could not encode the arguments of {command}: {message}")]
    Encode {
        /// The command's name.
        command: String,
        /// What went wrong.
        message: String,
    },
    /// The server broke the protocol (no greeting, a message of unknown form, an oversized message...).
    #[error("protocol error: {0}")]
    Protocol(String),
    /// The server closed the connection.
    #[error("the server closed the connection{}", partial_note(*.partial_bytes))]
    Eof {
        /// The bytes of an unfinished message read before the end.
        partial_bytes: usize,
    },
    /// The connection is gone; the inner error says why. Every call pending at that moment gets this.
    #[error("connection lost: {0}")]
    Disconnected(Arc<Error>),
    /// This side closed the client.
    #[error("the client was closed")]
    Shutdown,
    /// A guest-agent resynchronisation abandoned this call: its reply can no longer be told apart from stale output.
    #[error("abandoned by a guest-agent resynchronisation")]
    Resynchronised,
    /// No reply in time. The command may still run; its late reply is discarded.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// `exec-oob` needs the `oob` capability, which this connection did not negotiate.
    #[error("out-of-band execution was not negotiated on this connection")]
    OobNotEnabled,
    /// The operation needs something this transport lacks (file descriptors need a unix socket).
    #[error("not supported on this connection: {0}")]
    Unsupported(&'static str),
    /// A [`crate::CommandPolicy`] of this client refused the command; nothing was sent.
    #[error("{command} refused before sending: {reason}")]
    Refused {
        /// The command's name.
        command: String,
        /// The policy's reason.
        reason: String,
    },
    /// Not a failed call but a place in an event stream of a reconnecting client (see
    /// [`crate::ClientBuilder::reconnect`]) where the connection was lost or came back: events may be missing here.
    #[error("events may be missing here: {what}")]
    EventGap {
        /// What happened: `the connection was lost (CAUSE)` or `reconnected after N ms`.
        what: String,
    },
}

fn partial_note(partial_bytes: usize) -> String {
    if partial_bytes == 0 {
        String::new()
    } else {
        format!(" in the middle of a message ({partial_bytes} bytes of it received)")
    }
}

impl Error {
    /// The QMP error class, when the server reported the error.
    pub fn class(&self) -> Option<&ErrorClass> {
        match self {
            Error::Qmp { class, .. } => Some(class),
            _ => None,
        }
    }

    /// The connection is unusable after this error.
    pub fn is_disconnect(&self) -> bool {
        matches!(
            self,
            Error::Disconnected(_) | Error::Eof { .. } | Error::Shutdown
        )
    }

    /// The decode error, directly or as the cause of a disconnection.
    pub fn decode_error(&self) -> Option<&DecodeError> {
        match self {
            Error::Decode(d) => Some(d),
            Error::Disconnected(cause) => cause.decode_error(),
            _ => None,
        }
    }

    pub(crate) fn decode(
        what: impl Into<String>,
        error: qapi_runtime::DecodeError,
        raw: impl Into<String>,
    ) -> Error {
        let path = error.path();
        Error::Decode(Arc::new(DecodeError {
            what: what.into(),
            path: if path.is_empty() {
                ".".to_owned()
            } else {
                path
            },
            message: error.message().to_owned(),
            raw: raw.into(),
            error,
        }))
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(Arc::new(e))
    }
}

/// A result whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_compares_with_text() {
        assert_eq!(ErrorClass::new("GenericError"), ErrorClass::GENERIC_ERROR);
        assert_eq!(ErrorClass::GENERIC_ERROR, "GenericError");
        assert_eq!(
            ErrorClass::new("__org.example_Oops").to_string(),
            "__org.example_Oops"
        );
    }

    #[test]
    fn long_raw_text_is_cut_in_display_only() {
        let raw = "x".repeat(1000);
        let error = qapi_runtime::DecodeError::new("invalid type").in_member("a");
        let e = Error::decode("a reply", error.in_member("return"), raw.clone());
        let shown = e.to_string();
        assert!(shown.len() < 400, "{shown}");
        assert!(shown.contains("1000 bytes in all"));
        assert_eq!(e.decode_error().unwrap().raw, raw);
    }
}
