//! The JSON forms on the wire: requests we send, and the greeting, replies and events the server sends.

use qapi_runtime::read::Token;
use qapi_runtime::{
    Decode, DecodeError as RuntimeError, Encode, Members, ObjectType, Reader, Timestamp, Writer,
};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use serde_json::Value;

use crate::error::{Error, ErrorClass, Result};

/// QEMU's version triple, as in the greeting and `query-version`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionTriple {
    /// The major version.
    pub major: i64,
    /// The minor version.
    pub minor: i64,
    /// The micro (patch) version.
    pub micro: i64,
}

/// The server's version, as the greeting gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// The version triple.
    pub qemu: VersionTriple,
    /// Distribution package text, e.g. `Debian 1:10.0.2+ds-2`; may be empty.
    #[serde(default)]
    pub package: String,
}

/// The server's greeting: `{"QMP": {"version": ..., "capabilities": [...]}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Greeting {
    /// The server's version.
    pub version: VersionInfo,
    /// Capabilities offered, e.g. `oob`. Names this client does not know are kept.
    pub capabilities: Vec<String>,
    /// The greeting's `QMP` member as received, for members a newer server may add.
    pub raw: Value,
}

/// An event as received, before any typed decoding. Its `data` is kept as the text received: typed events decode
/// from it once, and [`RawEvent::data`] reads it into a `Value` only when asked.
#[derive(Clone, Debug)]
pub struct RawEvent {
    /// The event's name, e.g. `STOP`.
    pub name: String,
    /// When the server emitted the event.
    pub timestamp: Timestamp,
    /// The text of `data` as received (`{}` when there was none).
    json: Box<[u8]>,
    /// `json` read into a `Value`, the first time [`RawEvent::data`] is called.
    data: OnceLock<Value>,
}

impl PartialEq for RawEvent {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.timestamp == other.timestamp && self.data() == other.data()
    }
}

impl RawEvent {
    /// An event with this `data` (an object, or null for none), as a fake server or a test would make it.
    pub fn new(name: impl Into<String>, data: Value, timestamp: Timestamp) -> RawEvent {
        let data = match data {
            Value::Null => Value::Object(Default::default()),
            data => data,
        };
        RawEvent {
            name: name.into(),
            timestamp,
            json: serde_json::to_vec(&data)
                .unwrap_or_default()
                .into_boxed_slice(),
            data: OnceLock::from(data),
        }
    }

    /// An event whose `data` is this text, which the caller has checked to be one JSON value.
    fn received(name: String, json: Box<[u8]>, timestamp: Timestamp) -> RawEvent {
        RawEvent {
            name,
            timestamp,
            json,
            data: OnceLock::new(),
        }
    }

    /// The event's `data` (an empty object when the server sent none), read from the received text on first use.
    pub fn data(&self) -> &Value {
        self.data.get_or_init(|| {
            // The text was read as one JSON value when it arrived, strings and escapes included.
            qapi_runtime::from_slice(&self.json).unwrap_or(Value::Null)
        })
    }

    /// The text of the event's `data` as received (`{}` when the server sent none).
    pub fn data_json(&self) -> &[u8] {
        &self.json
    }
}

/// Any JSON value, read in full (strings unescaped and checked as `Value` would read them) and dropped: what an
/// event's `data` is checked with on arrival, so that [`RawEvent::data`] reads it later without fail.
struct AnyValue;

impl Decode for AnyValue {
    fn decode(reader: &mut Reader<'_>) -> std::result::Result<Self, RuntimeError> {
        match reader.peek()? {
            Token::Null => reader.null()?,
            Token::Bool => drop(reader.bool()?),
            Token::Number => drop(reader.number()?),
            Token::String => drop(reader.str()?),
            // A `Vec` of a zero-sized type allocates nothing.
            Token::Array => drop(reader.array::<AnyValue>()?),
            Token::Object => reader.object(|m| {
                while m.next_key()?.is_some() {
                    m.value::<AnyValue>("")?;
                }
                Ok(())
            })?,
        }
        Ok(AnyValue)
    }
}

/// One message from the server, classified.
pub(crate) enum Incoming {
    Greeting(Greeting),
    Reply {
        id: Option<Value>,
        /// The text of `return`, or the error.
        result: std::result::Result<Box<[u8]>, (ErrorClass, String)>,
    },
    Event(RawEvent),
}

/// An error reply's body.
struct ErrorBody {
    class: String,
    desc: String,
}

impl ObjectType for ErrorBody {
    fn decode_members(m: &mut Members<'_, '_>) -> std::result::Result<Self, RuntimeError> {
        let (mut class, mut desc) = (None, None);
        while let Some(key) = m.next_key()? {
            match &*key {
                "class" => class = Some(m.value("class")?),
                "desc" => desc = Some(m.value("desc")?),
                _ => m.skip()?,
            }
        }
        Ok(ErrorBody {
            class: m.required(class, "class")?,
            desc: desc.unwrap_or_default(),
        })
    }
    fn encode_members(&self, w: &mut Writer) {
        w.member("class", &self.class);
        w.member("desc", &self.desc);
    }
}

#[derive(Deserialize)]
struct GreetingBody {
    version: VersionInfo,
    #[serde(default)]
    capabilities: Vec<Value>,
}

/// The members of any server message, as text; which are present says what the message is.
#[derive(Default)]
struct Parts<'a> {
    qmp: Option<&'a [u8]>,
    ret: Option<&'a [u8]>,
    error: Option<(usize, &'a [u8])>,
    event: Option<String>,
    data: Option<&'a [u8]>,
    timestamp: Option<Timestamp>,
    id: Option<Value>,
}

fn split(bytes: &[u8]) -> std::result::Result<Parts<'_>, RuntimeError> {
    let mut reader = Reader::new(bytes);
    let parts = reader.object(|m| {
        let mut parts = Parts::default();
        while let Some(key) = m.next_key()? {
            match &*key {
                "QMP" => parts.qmp = Some(m.raw()?.1),
                "return" => parts.ret = Some(m.raw()?.1),
                "error" => parts.error = Some(m.raw()?),
                "event" => parts.event = Some(m.value("event")?),
                "data" => parts.data = Some(m.raw()?.1),
                "timestamp" => parts.timestamp = Some(m.value("timestamp")?),
                "id" => parts.id = Some(m.value("id")?),
                _ => m.skip()?,
            }
        }
        Ok(parts)
    })?;
    reader.end()?;
    Ok(parts)
}

/// Classifies one complete JSON text received from the server. Only the envelope is read: `return` and `data`
/// stay text, decoded once into the caller's type.
pub(crate) fn parse_incoming(bytes: &[u8]) -> Result<Incoming> {
    const WHAT: &str = "a message from the server";
    let raw = || String::from_utf8_lossy(bytes).into_owned();
    let msg = split(bytes).map_err(|e| Error::decode(WHAT, e, raw()))?;
    if let Some(name) = msg.event {
        let json: Box<[u8]> = match msg.data {
            Some(d) if d != b"null" => d.into(),
            _ => Box::from(&b"{}"[..]),
        };
        qapi_runtime::from_slice::<AnyValue>(&json)
            .map_err(|e| Error::decode(WHAT, e.in_member("data"), raw()))?;
        let timestamp = msg.timestamp.unwrap_or(Timestamp::NONE);
        return Ok(Incoming::Event(RawEvent::received(name, json, timestamp)));
    }
    if let Some(ret) = msg.ret {
        return Ok(Incoming::Reply {
            id: msg.id,
            result: Ok(ret.into()),
        });
    }
    if let Some((offset, text)) = msg.error {
        let mut reader = Reader::with_offset(text, offset);
        let err = ErrorBody::decode(&mut reader)
            .map_err(|e| Error::decode(WHAT, e.in_member("error"), raw()))?;
        return Ok(Incoming::Reply {
            id: msg.id,
            result: Err((ErrorClass::new(err.class), err.desc)),
        });
    }
    if let Some(qmp) = msg.qmp {
        let what = "the server's greeting";
        let qmp: Value =
            qapi_runtime::from_slice(qmp).map_err(|e| Error::decode(what, e, raw()))?;
        let body: GreetingBody = serde_json::from_value(qmp.clone())
            .map_err(|e| Error::decode(what, RuntimeError::new(e.to_string()), qmp.to_string()))?;
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

/// Decodes a `T` from a reply's `return` or an event's `data`: the codec reads the received text once.
pub(crate) fn decode_text<T: Decode>(text: &[u8], what: impl FnOnce() -> String) -> Result<T> {
    qapi_runtime::from_slice(text)
        .map_err(|e| Error::decode(what(), e, String::from_utf8_lossy(text)))
}

/// Encodes a command's arguments: `None` when they encode to nothing (`null`), else a JSON object's text.
pub(crate) fn encode_arguments<A: Encode + ?Sized>(
    name: &str,
    args: &A,
) -> Result<Option<Vec<u8>>> {
    let bytes = qapi_runtime::to_vec(args);
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

/// The request's text: `{"execute": NAME, "arguments": {...}, "id": ID}` and a newline, as short as QMP allows
/// (no spaces; no `arguments` when there are none): QEMU's monitor reads a request one byte at a time, so every
/// byte costs it a few system calls. No `id` when `id` is `None` (see [`crate::connection::Shared::submit`]).
pub(crate) fn encode_request(
    name: &str,
    args: Option<&[u8]>,
    id: Option<u64>,
    how: Execution,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(48 + name.len() + args.map_or(0, <[u8]>::len));
    out.extend_from_slice(match how {
        Execution::InBand => b"{\"execute\":",
        Execution::OutOfBand => b"{\"exec-oob\":",
    });
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut out, name);
    if let Some(args) = args.filter(|args| *args != b"{}") {
        out.extend_from_slice(b",\"arguments\":");
        out.extend_from_slice(args);
    }
    if let Some(id) = id {
        out.extend_from_slice(b",\"id\":");
        out.extend_from_slice(id.to_string().as_bytes());
    }
    out.extend_from_slice(b"}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_text() {
        let args = encode_arguments("x", &serde_json::json!({"a": 1})).unwrap();
        let text = encode_request("blockdev-add", args.as_deref(), Some(7), Execution::InBand);
        assert_eq!(
            text,
            b"{\"execute\":\"blockdev-add\",\"arguments\":{\"a\":1},\"id\":7}\n"
        );
        let text = encode_request("x-oob", None, Some(8), Execution::OutOfBand);
        assert_eq!(text, b"{\"exec-oob\":\"x-oob\",\"id\":8}\n");
        // No arguments, or none given: the member is left out (QEMU reads a request byte by byte).
        let text = encode_request("query-version", Some(b"{}"), Some(9), Execution::InBand);
        assert_eq!(text, b"{\"execute\":\"query-version\",\"id\":9}\n");
        // The one in-band request awaiting a reply goes without an id.
        let text = encode_request("query-version", None, None, Execution::InBand);
        assert_eq!(text, b"{\"execute\":\"query-version\"}\n");
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
        assert_eq!(&*ret, b"{}");

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
        assert_eq!(e.data(), &serde_json::json!({}));
        assert_eq!(
            e.timestamp,
            Timestamp {
                seconds: 1,
                microseconds: 2
            }
        );
    }

    #[test]
    fn event_data_is_checked_on_arrival_and_read_on_demand() {
        let e = br#"{"event": "X", "data": {"a": ["\u00e9", 1.5, null, {"b": true}]}, "timestamp": {"seconds": 1, "microseconds": 2}}"#;
        let Ok(Incoming::Event(e)) = parse_incoming(e) else {
            panic!()
        };
        assert_eq!(
            e.data_json(),
            br#"{"a": ["\u00e9", 1.5, null, {"b": true}]}"#
        );
        assert_eq!(
            e.data(),
            &serde_json::json!({"a": ["\u{e9}", 1.5, null, {"b": true}]})
        );
        // Text a `Value` could not hold is refused when it arrives, not when `data()` is called.
        for bad in [r#""\q""#, r#""\ud800x""#, r#"[1,]"#, r#"{"a" 1}"#] {
            let text = format!(
                r#"{{"event": "X", "data": {{"v": {bad}}}, "timestamp": {{"seconds": 1, "microseconds": 2}}}}"#
            );
            let Err(Error::Decode(d)) = parse_incoming(text.as_bytes()) else {
                panic!("{bad} was taken")
            };
            assert!(d.to_string().contains("data"), "{d}");
        }
    }

    #[test]
    fn bad_messages_say_where() {
        let Err(Error::Decode(d)) = parse_incoming(br#"{"return": {}, "id": 3"#) else {
            panic!()
        };
        assert!(d.message.contains("end of input"), "{d}");
        assert_eq!(d.offset(), Some(22));
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
