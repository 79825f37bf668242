//! `qom-get`, `qom-set`, `qom-list` and `qom-tree`: QEMU's Python QOM commands (`qemu/utils/qom.py`) on this
//! client, with the same arguments (`-s SOCKET` or `$QMP_SOCKET`, `PATH.PROPERTY`) and the same output.

use std::fmt::Write as _;

use qmp_client::{Client, Error};
use serde_json::{json, Value};

use crate::shared::connect::{describe, parse_seconds, ServerArgs, DEFAULT_TIMEOUT_SECS};
use crate::shared::join::futures_join;
use crate::shared::qom::{is_child, is_link, join, parse, properties};
use crate::shared::read_only::ReadOnly;

/// The options the QOM commands share: the monitor as Python's tools take it.
#[derive(clap::Args, Clone, Debug)]
pub struct QomArgs {
    /// The monitor: a unix socket path, or HOST:PORT.
    #[arg(
        short = 's',
        long = "socket",
        env = "QMP_SOCKET",
        value_name = "SOCKET"
    )]
    pub socket: String,
    /// Seconds to wait for connecting and for each reply; 0 waits forever.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TIMEOUT_SECS, value_parser = parse_seconds)]
    pub timeout: f64,
}

impl QomArgs {
    /// The server and timeout as every tool takes them.
    pub fn server(&self) -> ServerArgs {
        ServerArgs {
            server: self.socket.clone(),
            timeout: self.timeout,
        }
    }
}

/// A QOM command failed: the message to show.
pub type Failure = String;

fn call_error(command: &str, e: &Error) -> Failure {
    format!("{command}: {}", describe(e))
}

/// `PATH.PROPERTY` split at the last dot, as Python's tools do.
pub fn split_path_property(text: &str) -> Result<(&str, &str), Failure> {
    match text.rsplit_once('.') {
        Some((path, property)) if !path.is_empty() && !property.is_empty() => Ok((path, property)),
        _ => Err(format!(
            "'{text}' is not PATH.PROPERTY (e.g. /machine.type)"
        )),
    }
}

/// A property's value as the Python tools print it: text as is, anything else as JSON.
pub fn show_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `qom-get PATH.PROPERTY`.
pub async fn get(client: &Client, path_property: &str) -> Result<String, Failure> {
    let (path, property) = split_path_property(path_property)?;
    let value = client
        .execute_raw("qom-get", json!({"path": path, "property": property}))
        .await
        .map_err(|e| describe(&e))?;
    Ok(show_value(&value))
}

/// `qom-set PATH.PROPERTY VALUE`: the value read by the property's type (`true` for a bool, a number for an
/// integer, text for a string).
pub async fn set(
    client: &Client,
    read_only: ReadOnly,
    path_property: &str,
    value: &str,
) -> Result<String, Failure> {
    read_only.check("qom-set")?;
    let (path, property) = split_path_property(path_property)?;
    let listing = client
        .execute_raw("qom-list", json!({"path": path}))
        .await
        .map_err(|e| call_error("qom-list", &e))?;
    let Some(p) = properties(&listing)
        .into_iter()
        .find(|p| p.name == property)
    else {
        return Err(format!("{path} has no property '{property}'"));
    };
    let value = parse(&p.type_name, value.as_bytes());
    let args = json!({"path": path, "property": property, "value": value});
    client
        .execute_raw("qom-set", args)
        .await
        .map_err(|e| describe(&e))?;
    Ok(String::new())
}

/// `qom-list PATH`: one property a line; a child is `name/`, a link `@name/`.
pub async fn list(client: &Client, path: &str) -> Result<String, Failure> {
    let listing = client
        .execute_raw("qom-list", json!({"path": path}))
        .await
        .map_err(|e| describe(&e))?;
    let mut out = String::new();
    for p in properties(&listing) {
        let _ = match () {
            _ if is_child(&p.type_name) => writeln!(out, "{}/", p.name),
            _ if is_link(&p.type_name) => writeln!(out, "@{}/", p.name),
            _ => writeln!(out, "{}", p.name),
        };
    }
    Ok(out)
}

/// `qom-tree [PATH]`: each object's path, its properties as `  name: value (type)`, a blank line, then its
/// children, depth first. A property QEMU cannot read shows `<EXCEPTION: message>`.
pub async fn tree(client: &Client, path: &str, out: &mut String) -> Result<(), Failure> {
    let mut pending = vec![path.to_owned()];
    while let Some(path) = pending.pop() {
        let listing = client
            .execute_raw("qom-list", json!({"path": path}))
            .await
            .map_err(|e| call_error("qom-list", &e))?;
        let props = properties(&listing);
        let (children, plain): (Vec<_>, Vec<_>) =
            props.iter().partition(|p| is_child(&p.type_name));
        let values = futures_join(
            plain
                .iter()
                .map(|p| client.execute_raw("qom-get", json!({"path": path, "property": p.name}))),
        )
        .await;
        let _ = writeln!(out, "{path}");
        for (p, value) in plain.iter().zip(values) {
            let shown = match value {
                Ok(v) => show_value(&v),
                Err(e) if e.is_disconnect() || matches!(e, Error::Timeout(_)) => {
                    return Err(call_error("qom-get", &e))
                }
                Err(e) => format!("<EXCEPTION: {}>", describe(&e)),
            };
            let _ = writeln!(out, "  {}: {shown} ({})", p.name, p.type_name);
        }
        out.push('\n');
        // Pushed in reverse, so that they are visited in listing order.
        for child in children.iter().rev() {
            pending.push(join(&path, &child.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_property_split_at_the_last_dot() {
        assert_eq!(
            split_path_property("/machine.type").unwrap(),
            ("/machine", "type")
        );
        assert_eq!(
            split_path_property("/machine/i440fx/pci.0.type").unwrap(),
            ("/machine/i440fx/pci.0", "type")
        );
        assert!(split_path_property("/machine")
            .unwrap_err()
            .contains("PATH.PROPERTY"));
        assert!(split_path_property(".type").is_err());
    }

    #[test]
    fn values_print_as_the_python_tools_print_them() {
        assert_eq!(
            show_value(&json!("pc-i440fx-10.0-machine")),
            "pc-i440fx-10.0-machine"
        );
        assert_eq!(show_value(&json!(true)), "true");
        assert_eq!(show_value(&json!([1, 2])), "[1,2]");
    }
}
