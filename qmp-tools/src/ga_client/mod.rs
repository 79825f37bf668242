//! qemu-ga-client: the verbs of QEMU's Python `qemu-ga-client` (`ping`, `info`, `cat`, `fsfreeze`, `fstrim`,
//! `ifconfig`, `reboot`, `shutdown`, `suspend`) on this client. Read-only by default: only verbs that change
//! nothing are sent unless `--read-write` is given (an agent on a host acts on the host itself).

use std::fmt::Write as _;

use qmp_client::{Client, Error};
use serde_json::{json, Value};

use crate::shared::connect::describe;
use crate::shared::read_only::ReadOnly;

/// What to ask the agent.
#[derive(clap::Subcommand, Clone, Debug, PartialEq, Eq)]
pub enum Verb {
    /// Checks that the agent answers (guest-ping).
    Ping,
    /// The agent's version and its commands, enabled or not (guest-info).
    Info,
    /// Prints a file of the guest (guest-file-open/read/close; needs --read-write, as opening is not a query).
    Cat {
        /// The file's path in the guest.
        file: String,
    },
    /// The guest's file systems: status, freeze or thaw (guest-fsfreeze-*).
    Fsfreeze {
        /// `status`, `freeze` or `thaw`.
        #[arg(value_parser = ["status", "freeze", "thaw"])]
        action: String,
    },
    /// Discards unused blocks of the guest's file systems (guest-fstrim).
    Fstrim {
        /// The smallest range of free blocks to discard, in bytes.
        minimum: Option<u64>,
    },
    /// The guest's network interfaces (guest-network-get-interfaces).
    Ifconfig,
    /// Reboots the guest (guest-shutdown mode=reboot).
    Reboot,
    /// Powers the guest down (guest-shutdown mode=powerdown).
    Shutdown,
    /// Suspends the guest (guest-suspend-disk, -ram or -hybrid).
    Suspend {
        /// `disk`, `ram` or `hybrid`.
        #[arg(value_parser = ["disk", "ram", "hybrid"])]
        mode: String,
    },
}

/// One call, checked against read-only mode first.
async fn call(
    client: &Client,
    read_only: ReadOnly,
    name: &str,
    args: Value,
) -> Result<Value, String> {
    read_only.check(name)?;
    client
        .execute_raw(name, args)
        .await
        .map_err(|e| format!("{name}: {}", describe(&e)))
}

/// Runs a verb; what to print.
pub async fn run(client: &Client, read_only: ReadOnly, verb: &Verb) -> Result<String, String> {
    let c = |name: &'static str, args: Value| call(client, read_only, name, args);
    match verb {
        Verb::Ping => c("guest-ping", Value::Null).await.map(|_| String::new()),
        Verb::Info => c("guest-info", Value::Null).await.map(|v| info(&v)),
        Verb::Cat { file } => cat(client, read_only, file).await,
        Verb::Fsfreeze { action } => {
            let name = match action.as_str() {
                "freeze" => "guest-fsfreeze-freeze",
                "thaw" => "guest-fsfreeze-thaw",
                _ => "guest-fsfreeze-status",
            };
            c(name, Value::Null)
                .await
                .map(|v| format!("{}\n", plain(&v)))
        }
        Verb::Fstrim { minimum } => {
            let args = minimum.map_or(Value::Null, |m| json!({"minimum": m}));
            c("guest-fstrim", args).await.map(|v| format!("{v}\n"))
        }
        Verb::Ifconfig => c("guest-network-get-interfaces", Value::Null)
            .await
            .map(|v| ifconfig(&v)),
        Verb::Reboot | Verb::Shutdown => {
            let mode = if *verb == Verb::Reboot {
                "reboot"
            } else {
                "powerdown"
            };
            shutdown(client, read_only, mode).await
        }
        Verb::Suspend { mode } => {
            let name = match mode.as_str() {
                "disk" => "guest-suspend-disk",
                "ram" => "guest-suspend-ram",
                _ => "guest-suspend-hybrid",
            };
            // The agent sends no reply once the guest is suspended.
            no_reply_expected(c(name, Value::Null).await)
        }
    }
}

/// guest-shutdown has no reply when it works: the agent goes away with the guest.
async fn shutdown(client: &Client, read_only: ReadOnly, mode: &str) -> Result<String, String> {
    no_reply_expected(call(client, read_only, "guest-shutdown", json!({"mode": mode})).await)
}

fn no_reply_expected(result: Result<Value, String>) -> Result<String, String> {
    match result {
        Ok(_) => Ok(String::new()),
        Err(e) if e.contains("no reply within") || e.contains("closed") => Ok(String::new()),
        Err(e) => Err(e),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `version: X`, then each command as `name: enabled` or `name: disabled`.
pub fn info(v: &Value) -> String {
    let mut out = format!(
        "version: {}\n",
        plain(v.get("version").unwrap_or(&Value::Null))
    );
    for (name, enabled) in crate::shared::lists::agent_commands(v) {
        let _ = writeln!(
            out,
            "{name}: {}",
            if enabled { "enabled" } else { "disabled" }
        );
    }
    out
}

/// Each interface: its name, hardware address and IP addresses with their prefix.
pub fn ifconfig(v: &Value) -> String {
    let mut out = String::new();
    for nif in v.as_array().into_iter().flatten() {
        let _ = writeln!(out, "{}", nif.get("name").map(plain).unwrap_or_default());
        if let Some(hw) = nif.get("hardware-address") {
            let _ = writeln!(out, "  hwaddr {}", plain(hw));
        }
        let addrs = nif.get("ip-addresses").and_then(Value::as_array);
        for a in addrs.into_iter().flatten() {
            let kind = a.get("ip-address-type").map(plain).unwrap_or_default();
            let kind = if kind == "ipv6" { "inet6" } else { "inet" };
            let ip = a.get("ip-address").map(plain).unwrap_or_default();
            let prefix = a.get("prefix").map(plain).unwrap_or_default();
            let _ = writeln!(out, "  {kind} {ip}/{prefix}");
        }
    }
    out
}

/// A guest file's content, read in chunks.
async fn cat(client: &Client, read_only: ReadOnly, file: &str) -> Result<String, String> {
    let handle = call(client, read_only, "guest-file-open", json!({"path": file})).await?;
    let mut content = Vec::new();
    let result = loop {
        let chunk = call(
            client,
            read_only,
            "guest-file-read",
            json!({"handle": handle, "count": 65536}),
        )
        .await;
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => break Err(e),
        };
        let data = chunk.get("buf-b64").and_then(Value::as_str).unwrap_or("");
        match decode_base64(data) {
            Some(bytes) => content.extend(bytes),
            None => break Err("guest-file-read: the agent sent invalid base64".to_owned()),
        }
        if chunk.get("eof").and_then(Value::as_bool) != Some(false) {
            break Ok(());
        }
    };
    let closed = client
        .execute_raw("guest-file-close", json!({"handle": handle}))
        .await;
    result?;
    closed.map_err(|e: Error| format!("guest-file-close: {}", describe(&e)))?;
    Ok(String::from_utf8_lossy(&content).into_owned())
}

/// Standard base64 (RFC 4648, with padding), as the agent sends file data.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for group in bytes.chunks(4) {
        let pad = group.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 {
            return None;
        }
        let mut n = 0u32;
        for &b in &group[..4 - pad] {
            n = (n << 6) | sextet(b)?;
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(decode_base64("aGVsbG8K").unwrap(), b"hello\n");
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert_eq!(decode_base64("aA==").unwrap(), b"h");
        assert_eq!(decode_base64("").unwrap(), b"");
        assert_eq!(decode_base64("aGk"), None);
        assert_eq!(decode_base64("a*k="), None);
    }

    #[test]
    fn info_and_ifconfig_read_the_agent_s_answers() {
        let v = json!({"version": "10.0.2", "supported_commands": [
            {"name": "guest-ping", "enabled": true}, {"name": "guest-exec", "enabled": false}]});
        assert_eq!(
            info(&v),
            "version: 10.0.2\nguest-ping: enabled\nguest-exec: disabled\n"
        );
        let v = json!([{"name": "eth0", "hardware-address": "52:54:00:12:34:56",
            "ip-addresses": [{"ip-address-type": "ipv4", "ip-address": "10.0.2.15", "prefix": 24}]}]);
        assert_eq!(
            ifconfig(&v),
            "eth0\n  hwaddr 52:54:00:12:34:56\n  inet 10.0.2.15/24\n"
        );
    }
}
