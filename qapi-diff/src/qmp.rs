//! Asking a running QEMU for its schema: a minimal synchronous QMP exchange over a unix socket (greeting,
//! `qmp_capabilities`, `query-qmp-schema`). Events arriving in between are skipped; every read has a time limit,
//! and no message may exceed a size limit, so a wrong socket gives an error, not a hang.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

/// How long to wait for each message.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The largest message accepted (QEMU 10's full QMP schema reply is about 250 KB).
const MAX_MESSAGE: u64 = 64 << 20;

/// Connects to the QMP socket at `path` and returns the `query-qmp-schema` reply's `return` value.
pub fn query_schema(path: &Path) -> Result<Value, String> {
    let stream = UnixStream::connect(path).map_err(|e| format!("cannot connect: {e}"))?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
        .map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let greeting = read_message(&mut reader)?;
    if greeting.get("QMP").is_none() {
        return Err(format!("not a QMP greeting: {}", abbreviate(&greeting)));
    }
    execute(&mut reader, &mut writer, "qmp_capabilities", 1)?;
    execute(&mut reader, &mut writer, "query-qmp-schema", 2)
}

fn execute(
    reader: &mut BufReader<UnixStream>,
    writer: &mut UnixStream,
    command: &str,
    id: u64,
) -> Result<Value, String> {
    let request = serde_json::json!({ "execute": command, "id": id });
    writer
        .write_all(format!("{request}\n").as_bytes())
        .map_err(|e| format!("{command}: cannot send: {e}"))?;
    loop {
        let mut message = read_message(reader)?;
        if message.get("event").is_some() {
            continue;
        }
        if message.get("id").and_then(Value::as_u64) != Some(id) {
            continue;
        }
        if let Some(error) = message.get("error") {
            let desc = error
                .get("desc")
                .and_then(Value::as_str)
                .unwrap_or("no description");
            return Err(format!("{command} failed: {desc}"));
        }
        return match message.get_mut("return") {
            Some(value) => Ok(value.take()),
            None => Err(format!(
                "{command}: unexpected reply {}",
                abbreviate(&message)
            )),
        };
    }
}

/// One newline-terminated JSON message.
fn read_message(reader: &mut BufReader<UnixStream>) -> Result<Value, String> {
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader
            .by_ref()
            .take(MAX_MESSAGE)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("cannot read: {e}"))?;
        if read == 0 {
            return Err("the connection closed".into());
        }
        if line.last() != Some(&b'\n') && read as u64 >= MAX_MESSAGE {
            return Err(format!("a message exceeds {MAX_MESSAGE} bytes"));
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        return serde_json::from_slice(&line).map_err(|e| format!("not JSON: {e}"));
    }
}

fn abbreviate(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    /// A fake QMP server: greets, sends an event before each reply, answers by id.
    #[test]
    fn talks_qmp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("qmp.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut out = stream.try_clone().unwrap();
            let mut lines = BufReader::new(stream).lines();
            out.write_all(b"{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n")
                .unwrap();
            for reply in [
                "{}",
                "[{\"name\": \"x\", \"meta-type\": \"event\", \"arg-type\": \"0\"}]",
            ] {
                let request: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
                let id = &request["id"];
                out.write_all(b"{\"event\": \"STOP\", \"timestamp\": {}}\r\n")
                    .unwrap();
                out.write_all(format!("{{\"return\": {reply}, \"id\": {id}}}\r\n").as_bytes())
                    .unwrap();
            }
        });
        let schema = query_schema(&path).unwrap();
        assert_eq!(schema[0]["name"], "x");
        server.join().unwrap();
    }

    #[test]
    fn refuses_a_non_qmp_peer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream.write_all(b"{\"hello\": 1}\n").unwrap();
        });
        let err = query_schema(&path).unwrap_err();
        assert!(err.contains("not a QMP greeting"), "{err}");
        server.join().unwrap();
        assert!(query_schema(&dir.path().join("none.sock")).is_err());
    }
}
