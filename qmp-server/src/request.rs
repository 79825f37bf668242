//! Reads one JSON text as a QMP request, with QEMU's checks in QEMU's words (`qmp_dispatch_check_obj`).

use serde_json::{Map, Value};

use crate::error::CommandError;

/// A well-formed request.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The command's name, from `execute` or `exec-oob`.
    pub name: String,
    /// The `arguments` object (empty when absent).
    pub arguments: Map<String, Value>,
    /// The `id` exactly as sent (any JSON value), to echo in the reply.
    pub id: Option<Value>,
    /// Sent with `exec-oob`.
    pub oob: bool,
}

/// A request refused before dispatch: the error, and the id to echo when the request had one.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    /// The request's `id`, to echo in the error reply.
    pub id: Option<Value>,
    /// The error to reply with.
    pub error: CommandError,
}

impl Rejection {
    fn new(id: Option<Value>, desc: impl Into<String>) -> Self {
        Rejection {
            id,
            error: CommandError::generic(desc),
        }
    }
}

/// Parses and checks one request. `oob_enabled`: the client negotiated the `oob` capability, so `exec-oob` is
/// a member it may use.
pub fn parse_request(text: &[u8], oob_enabled: bool) -> Result<Request, Rejection> {
    let value: Value =
        serde_json::from_slice(text).map_err(|e| Rejection::new(None, parse_error(text, &e)))?;
    let Value::Object(mut object) = value else {
        return Err(Rejection::new(None, "QMP input must be a JSON object"));
    };
    let id = object.remove("id");
    let fail = |desc: String| Err(Rejection::new(id.clone(), desc));
    let mut execute = None;
    let mut exec_oob = None;
    let mut arguments = Map::new();
    for (member, value) in object {
        match (member.as_str(), value) {
            ("execute", Value::String(name)) => execute = Some(name),
            ("execute", _) => return fail("QMP input member 'execute' must be a string".into()),
            ("exec-oob", _) if !oob_enabled => {
                return fail("QMP input member 'exec-oob' is unexpected".into())
            }
            ("exec-oob", Value::String(name)) => exec_oob = Some(name),
            ("exec-oob", _) => return fail("QMP input member 'exec-oob' must be a string".into()),
            ("arguments", Value::Object(args)) => arguments = args,
            ("arguments", _) => {
                return fail("QMP input member 'arguments' must be an object".into())
            }
            (other, _) => return fail(format!("QMP input member '{other}' is unexpected")),
        }
    }
    let (name, oob) = match (execute, exec_oob) {
        (Some(_), Some(_)) => {
            return fail("QMP input member 'execute' clashes with 'exec-oob'".into())
        }
        (Some(name), None) => (name, false),
        (None, Some(name)) => (name, true),
        (None, None) => return fail("QMP input lacks member 'execute'".into()),
    };
    Ok(Request {
        name,
        arguments,
        id,
        oob,
    })
}

/// QEMU's words for a JSON syntax error, as far as serde_json's classification allows: "JSON parse error, "
/// and what its parser expected.
pub fn parse_error(text: &[u8], e: &serde_json::Error) -> String {
    let word: Vec<u8> = text
        .iter()
        .copied()
        .take_while(u8::is_ascii_alphabetic)
        .take(64)
        .collect();
    if !word.is_empty() && !matches!(&word[..], b"true" | b"false" | b"null") {
        return format!(
            "JSON parse error, invalid keyword '{}'",
            String::from_utf8_lossy(&word)
        );
    }
    let message = e.to_string();
    let what = if message.starts_with("expected `,` or `}`") || message.starts_with("expected `:`")
    {
        "expected separator in dict"
    } else if message.starts_with("expected `,` or `]`") {
        "expected separator in array"
    } else if message.starts_with("key must be a string") {
        "key is not a string in dict"
    } else if message.starts_with("invalid unicode") || message.starts_with("control character") {
        "invalid string"
    } else {
        "expecting value"
    };
    format!("JSON parse error, {what}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(text: &str, oob: bool) -> (Option<Value>, String) {
        let r = parse_request(text.as_bytes(), oob).unwrap_err();
        assert_eq!(r.error.class, "GenericError");
        (r.id, r.error.desc)
    }

    #[test]
    fn a_request_keeps_its_id_as_sent() {
        let r = parse_request(
            br#"{"execute":"stop","id":{"a":[1,null]},"arguments":{"x":1}}"#,
            false,
        )
        .unwrap();
        assert_eq!(r.name, "stop");
        assert_eq!(r.id, Some(json!({"a": [1, null]})));
        assert_eq!(r.arguments["x"], 1);
        assert!(!r.oob);
    }

    #[test]
    fn bad_members_are_refused_in_qemus_words() {
        assert_eq!(
            refused("[1]", true),
            (None, "QMP input must be a JSON object".into())
        );
        assert_eq!(
            refused(r#"{"id":5}"#, true),
            (Some(json!(5)), "QMP input lacks member 'execute'".into())
        );
        assert_eq!(
            refused(r#"{"execute":5}"#, true).1,
            "QMP input member 'execute' must be a string"
        );
        assert_eq!(
            refused(r#"{"execute":"x","arguments":[]}"#, true).1,
            "QMP input member 'arguments' must be an object"
        );
        assert_eq!(
            refused(r#"{"execute":"x","control":1,"id":"o"}"#, true),
            (
                Some(json!("o")),
                "QMP input member 'control' is unexpected".into()
            )
        );
        assert_eq!(
            refused(r#"{"execute":"x","exec-oob":"x"}"#, true).1,
            "QMP input member 'execute' clashes with 'exec-oob'"
        );
        assert_eq!(
            refused(r#"{"exec-oob":"x"}"#, false).1,
            "QMP input member 'exec-oob' is unexpected"
        );
    }

    #[test]
    fn malformed_json_is_a_parse_error() {
        assert_eq!(
            refused("nul", true).1,
            "JSON parse error, invalid keyword 'nul'"
        );
        assert_eq!(
            refused(r#"{"a" 1}"#, true).1,
            "JSON parse error, expected separator in dict"
        );
        assert_eq!(
            refused(r#"{"a":1,}"#, true).1,
            "JSON parse error, expecting value"
        );
    }
}
