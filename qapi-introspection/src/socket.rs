//! Asking a running QEMU for its schema over its QMP socket, through `qmp-client`'s blocking client.

use std::path::Path;
use std::time::Duration;

use qmp_client::blocking::Client;
use qmp_client::ClientBuilder;

use crate::reply::Introspection;

/// How long connecting, and then each command, may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a live QEMU's schema could not be had.
#[derive(Debug)]
pub enum SocketError {
    /// Connecting, the greeting, or the command failed.
    Qmp(qmp_client::Error),
    /// The reply is not a list of `SchemaInfo`.
    Reply(crate::IntrospectionError),
}

impl std::fmt::Display for SocketError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SocketError::Qmp(e) => write!(f, "QMP: {e}"),
            SocketError::Reply(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SocketError {}

/// Connects to the QMP socket at `path` with time limits ([`TIMEOUT`]).
pub fn connect(path: &Path) -> Result<Client, qmp_client::Error> {
    let builder = ClientBuilder::new()
        .connect_timeout(Some(TIMEOUT))
        .call_timeout(Some(TIMEOUT));
    Client::connect_unix_with(builder, path)
}

/// The `query-qmp-schema` reply of a connected QEMU, read strictly.
pub fn query_schema(client: &Client) -> Result<Introspection, SocketError> {
    let value = client
        .execute_raw("query-qmp-schema", serde_json::Value::Null)
        .map_err(SocketError::Qmp)?;
    Introspection::from_value(&value).map_err(SocketError::Reply)
}

/// Connects to the QMP socket at `path` and asks for its schema.
pub fn query_socket(path: &Path) -> Result<Introspection, SocketError> {
    let client = connect(path).map_err(SocketError::Qmp)?;
    let reply = query_schema(&client);
    client.close();
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::net::UnixListener;

    /// A fake QMP server: greets, sends an event before each reply, answers by id.
    #[test]
    fn asks_a_qmp_server() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("qmp.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut out = stream.try_clone().unwrap();
            let mut lines = BufReader::new(stream).lines();
            out.write_all(
                b"{\"QMP\": {\"version\": {\"qemu\": {\"major\": 10, \"minor\": 0, \"micro\": 2}, \"package\": \"\"}, \"capabilities\": []}}\r\n",
            )
            .unwrap();
            for reply in [
                "{}",
                "[{\"name\": \"x\", \"meta-type\": \"event\", \"arg-type\": \"0\"}]",
            ] {
                let Some(Ok(line)) = lines.next() else { return };
                let request: serde_json::Value = serde_json::from_str(&line).unwrap();
                // The id is echoed when the request has one, as QEMU does.
                let id = match request.get("id") {
                    Some(id) => format!(", \"id\": {id}"),
                    None => String::new(),
                };
                out.write_all(b"{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n")
                    .unwrap();
                out.write_all(format!("{{\"return\": {reply}{id}}}\r\n").as_bytes())
                    .unwrap();
            }
            // Hold the connection until the client closes it.
            let _ = lines.next();
        });
        let reply = query_socket(&path).unwrap();
        assert_eq!(reply.entries[0].name, "x");
        server.join().unwrap();
    }

    #[test]
    fn refuses_a_non_qmp_peer_and_a_dead_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream.write_all(b"{\"hello\": 1}\n").unwrap();
        });
        let err = query_socket(&path).unwrap_err();
        assert!(matches!(err, SocketError::Qmp(_)), "{err}");
        server.join().unwrap();
        assert!(query_socket(&dir.path().join("none.sock")).is_err());
    }
}
