//! The JSON forms on the wire: requests we send, and the greeting, replies and events the server sends.

use qapi_runtime::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{Error, ErrorClass, Result};

/// QEMU's version triple, as in the greeting and `query-version`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionTriple {
    pub major: i64,
    pub minor: i64,
    pub micro: i64,
}

/// The server's version, as the greeting gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub qemu: VersionTriple,
    /// Distribution package text, e.g. `Debian 1:10.0.2+ds-2`; may be empty.
    #[serde(default)]
    pub package: String,
}

/// The server's greeting: `{"QMP": {"version": ..., "capabilities": [...]}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Greeting {
    pub version: VersionInfo,
    /// Capabilities offered, e.g. `oob`. Names this client does not know are kept.
    pub capabilities: Vec<String>,
    /// The greeting's `QMP` member as received, for members a newer server may add.
    pub raw: Value,
}

/// An event as received, before any typed decoding.
#[derive(Clone, Debug, PartialEq)]
pub struct RawEvent {
    /// The event's name, e.g. `STOP`.
    pub name: String,
    /// The event's `data`; an empty object when the server sent none.
    pub data: Value,
    pub timestamp: Timestamp,
}

/// One message from the server, classified.
pub(crate) enum Incoming {
    Greeting(Greeting),
    Reply {
        id: Option<Value>,
        result: std::result::Result<Box<RawValue>, (ErrorClass, String)>,
    },
    Event(RawEvent),
}

#[derive(Deserialize)]
struct ErrorBody {
    class: String,
    #[serde(default)]
    desc: String,
}

/// Every member any server message may have; which are present says what the message is.
#[derive(Deserialize)]
struct AnyMessage {
    #[serde(rename = "QMP")]
    qmp: Option<Value>,
    #[serde(rename = "return", default, deserialize_with = "present")]
    ret: Option<Box<RawValue>>,
    error: Option<ErrorBody>,
    event: Option<String>,
    data: Option<Value>,
    timestamp: Option<Timestamp>,
    #[serde(default, deserialize_with = "present")]
    id: Option<Value>,
}

/// A member that is present, even when its value is `null` (plain `Option` would read `null` as absent).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct GreetingBody {
    version: VersionInfo,
    #[serde(default)]
    capabilities: Vec<Value>,
}

/// Classifies one complete JSON text received from the server.
pub(crate) fn parse_incoming(bytes: &[u8]) -> Result<Incoming> {
    let msg: AnyMessage = decode_slice(bytes, "a message from the server")?;
    if let Some(name) = msg.event {
        let data = match msg.data {
            Some(Value::Null) | None => Value::Object(Default::default()),
            Some(d) => d,
        };
        let timestamp = msg.timestamp.unwrap_or(Timestamp::NONE);
        return Ok(Incoming::Event(RawEvent {
            name,
            data,
            timestamp,
        }));
    }
    if let Some(ret) = msg.ret {
        return Ok(Incoming::Reply {
            id: msg.id,
            result: Ok(ret),
        });
    }
    if let Some(err) = msg.error {
        let class = ErrorClass::new(err.class);
        return Ok(Incoming::Reply {
            id: msg.id,
            result: Err((class, err.desc)),
        });
    }
    if let Some(qmp) = msg.qmp {
        let body: GreetingBody = decode_value(&qmp, "the server's greeting")?;
        let capabilities = body
            .capabilities
            .into_iter()
            .map(|c| match c {
                Value::String(s) => s,
                other => other.to_string(),
            })
            .collect();
        return Ok(Incoming::Greeting(Greeting {
            version: body.version,
            capabilities,
            raw: qmp,
        }));
    }
    Err(Error::Protocol(format!(
        "a message that is neither a greeting, a reply nor an event: {}",
        String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
    )))
}

/// Decodes JSON text, reporting the path where decoding stopped. Decoding runs without path tracking first (a
/// third faster) and again with it only when it fails.
pub(crate) fn decode_slice<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let raw = || String::from_utf8_lossy(bytes).into_owned();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value =
        serde_path_to_error::deserialize(&mut de).map_err(|e| path_error(what, e, raw()))?;
    de.end()
        .map_err(|e| Error::decode(what, ".", e.to_string(), raw()))?;
    Ok(value)
}

/// Decodes an already parsed JSON value, reporting the path where decoding stopped.
pub(crate) fn decode_value<T: DeserializeOwned>(value: &Value, what: &str) -> Result<T> {
    if let Ok(v) = T::deserialize(value) {
        return Ok(v);
    }
    serde_path_to_error::deserialize(value).map_err(|e| path_error(what, e, value.to_string()))
}

/// Generated bindings decode through `qapi_runtime::Decode`, whose errors carry their own path as "at `PATH`:
/// message"; serde sees one opaque error at the top, so then the path is taken from the message.
fn path_error(what: &str, e: serde_path_to_error::Error<serde_json::Error>, raw: String) -> Error {
    let path = e.path().to_string();
    let message = e.into_inner().to_string();
    if path == "." {
        if let Some((inner, rest)) = message
            .strip_prefix("at `")
            .and_then(|m| m.split_once("`: "))
        {
            return Error::decode(what, inner, rest, raw);
        }
    }
    Error::decode(what, path, message, raw)
}

/// Serializes a command's arguments: `None` when they serialize to nothing (`null`), else a JSON object's text.
pub(crate) fn encode_arguments<A: Serialize + ?Sized>(
    name: &str,
    args: &A,
) -> Result<Option<Vec<u8>>> {
    let bytes = serde_json::to_vec(args).map_err(|e| Error::Encode {
        command: name.to_owned(),
        message: e.to_string(),
    })?;
    match bytes.first() {
        Some(b'{') => Ok(Some(bytes)),
        _ if bytes == b"null" => Ok(None),
        _ => Err(Error::Encode {
            command: name.to_owned(),
            message: format!(
                "arguments must be a JSON object, not {}",
                String::from_utf8_lossy(&bytes)
            ),
        }),
    }
}

/// How a request asks to be run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Execution {
    InBand,
    OutOfBand,
}

/// The request's text: `{"execute": NAME, "arguments": {...}, "id": ID}` and a newline.
pub(crate) fn encode_request(name: &str, args: Option<&[u8]>, id: u64, how: Execution) -> Vec<u8> {
    let mut out = Vec::with_capacity(48 + name.len() + args.map_or(0, <[u8]>::len));
    out.extend_from_slice(match how {
        Execution::InBand => b"{\"execute\":",
        Execution::OutOfBand => b"{\"exec-oob\":",
    });
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut out, name);
    if let Some(args) = args {
        out.extend_from_slice(b",\"arguments\":");
        out.extend_from_slice(args);
    }
    out.extend_from_slice(b",\"id\":");
    out.extend_from_slice(id.to_string().as_bytes());
    out.extend_from_slice(b"}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_text() {
        let args = encode_arguments("x", &serde_json::json!({"a": 1})).unwrap();
        let text = encode_request("blockdev-add", args.as_deref(), 7, Execution::InBand);
        assert_eq!(
            text,
            b"{\"execute\":\"blockdev-add\",\"arguments\":{\"a\":1},\"id\":7}\n"
        );
        let text = encode_request("x-oob", None, 8, Execution::OutOfBand);
        assert_eq!(text, b"{\"exec-oob\":\"x-oob\",\"id\":8}\n");
    }

    #[test]
    fn arguments_must_be_an_object() {
        assert!(encode_arguments("x", &()).unwrap().is_none());
        assert!(matches!(
            encode_arguments("x", &1),
            Err(Error::Encode { .. })
        ));
    }

    #[test]
    fn greeting_reply_event() {
        let g = br#"{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": "p"}, "capabilities": ["oob"]}}"#;
        let Ok(Incoming::Greeting(g)) = parse_incoming(g) else {
            panic!()
        };
        assert_eq!(
            g.version.qemu,
            VersionTriple {
                major: 10,
                minor: 0,
                micro: 2
            }
        );
        assert_eq!(g.capabilities, ["oob"]);

        let Ok(Incoming::Reply {
            id,
            result: Ok(ret),
        }) = parse_incoming(br#"{"return": {}, "id": 3}"#)
        else {
            panic!()
        };
        assert_eq!(id, Some(Value::from(3)));
        assert_eq!(ret.get(), "{}");

        let r = parse_incoming(br#"{"error": {"class": "GenericError", "desc": "no"}}"#);
        let Ok(Incoming::Reply {
            id: None,
            result: Err((class, desc)),
        }) = r
        else {
            panic!()
        };
        assert_eq!((class.as_str(), desc.as_str()), ("GenericError", "no"));

        let e = br#"{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP"}"#;
        let Ok(Incoming::Event(e)) = parse_incoming(e) else {
            panic!()
        };
        assert_eq!(e.name, "STOP");
        assert_eq!(e.data, serde_json::json!({}));
        assert_eq!(
            e.timestamp,
            Timestamp {
                seconds: 1,
                microseconds: 2
            }
        );
    }

    #[test]
    fn bad_messages_say_where() {
        let Err(Error::Decode(d)) = parse_incoming(br#"{"return": {}, "id": 3"#) else {
            panic!()
        };
        assert!(d.message.contains("EOF"), "{d}");
        let Err(Error::Decode(d)) = parse_incoming(br#"{"error": {"class": 5}}"#) else {
            panic!()
        };
        assert_eq!(d.path, "error.class");
        assert!(matches!(
            parse_incoming(br#"{"hello": 1}"#),
            Err(Error::Protocol(_))
        ));
    }
}
