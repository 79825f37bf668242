//! The server's messages as QEMU writes them: its member order, `": "` and `", "` separators, and CRLF line ends,
//! so that byte-oriented clients (socat, expect scripts) see what they would see from QEMU.

use std::io;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::Value;

use crate::error::CommandError;

/// serde_json's compact form with QEMU's separators.
struct QemuFormatter;

/// QEMU's separator between elements and between members: `", "`.
fn separator<W: ?Sized + io::Write>(w: &mut W, first: bool) -> io::Result<()> {
    match first {
        true => Ok(()),
        false => w.write_all(b", "),
    }
}

impl Formatter for QemuFormatter {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        separator(w, first)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        separator(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

/// Appends `value` in QEMU's layout.
pub(crate) fn write_value<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, QemuFormatter);
    // Writing to a Vec fails only for values serde_json cannot represent (maps with non-string keys), which a
    // `Value` never has.
    value
        .serialize(&mut ser)
        .expect("a JSON value always serializes");
}

/// Starts a message: `{"KEY": VALUE`.
fn open(key: &str, value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(b"{\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\": ");
    write_value(&mut out, value);
    out
}

fn member(out: &mut Vec<u8>, key: &str, value: &Value) {
    out.extend_from_slice(b", \"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\": ");
    write_value(out, value);
}

fn close(mut out: Vec<u8>) -> Vec<u8> {
    out.extend_from_slice(b"}\r\n");
    out
}

/// `{"return": VALUE, "id": ID}`.
pub fn success(value: &Value, id: Option<&Value>) -> Vec<u8> {
    let mut out = open("return", value);
    if let Some(id) = id {
        member(&mut out, "id", id);
    }
    close(out)
}

/// `{"id": ID, "error": {"class": CLASS, "desc": DESC}}`.
pub fn failure(error: &CommandError, id: Option<&Value>) -> Vec<u8> {
    let body = serde_json::json!({ "class": error.class, "desc": error.desc });
    let mut out = match id {
        Some(id) => {
            let mut out = open("id", id);
            member(&mut out, "error", &body);
            out
        }
        None => open("error", &body),
    };
    out.shrink_to_fit();
    close(out)
}

/// `{"timestamp": {"seconds": S, "microseconds": US}, "event": NAME, "data": DATA}`; `data` is left out when it
/// is `null`, as QEMU leaves it out for events without data.
pub fn event(name: &str, data: &Value, timestamp: (i64, i64)) -> Vec<u8> {
    let mut out = format!(
        "{{\"timestamp\": {{\"seconds\": {}, \"microseconds\": {}}}",
        timestamp.0, timestamp.1
    )
    .into_bytes();
    member(&mut out, "event", &Value::String(name.to_owned()));
    if !data.is_null() {
        member(&mut out, "data", data);
    }
    close(out)
}

/// `{"QMP": {"version": VERSION, "capabilities": [...]}}`. Objects inside messages have their members in sorted
/// order (QEMU's own order is that of its hash tables).
pub fn greeting(version: &Value, capabilities: &[&str]) -> Vec<u8> {
    let mut out = b"{\"QMP\": ".to_vec();
    let mut body = open("version", version);
    member(&mut body, "capabilities", &serde_json::json!(capabilities));
    out.extend_from_slice(&body);
    out.push(b'}');
    close(out)
}

/// Now as QEMU stamps events: seconds and microseconds since the Unix epoch, or -1 and -1 without a clock.
pub fn now() -> (i64, i64) {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, i64::from(d.subsec_micros())),
        Err(_) => (-1, -1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn messages_have_qemus_layout() {
        assert_eq!(
            text(success(&json!({}), Some(&json!(1)))),
            "{\"return\": {}, \"id\": 1}\r\n"
        );
        assert_eq!(
            text(failure(&CommandError::command_not_found("x"), Some(&json!("a")))),
            "{\"id\": \"a\", \"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command x has not been found\"}}\r\n"
        );
        assert_eq!(
            text(event("STOP", &Value::Null, (5, 6))),
            "{\"timestamp\": {\"seconds\": 5, \"microseconds\": 6}, \"event\": \"STOP\"}\r\n"
        );
        assert_eq!(
            text(success(&json!([1, {"a": 2}]), None)),
            "{\"return\": [1, {\"a\": 2}]}\r\n"
        );
    }
}
