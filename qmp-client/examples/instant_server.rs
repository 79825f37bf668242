//! A stand-in QMP server that answers every command at once with a `query-version` reply, on a unix socket: for
//! measuring a client's own cost, without QEMU's. `cargo run --release --example instant_server -- PATH`, then
//! point any QMP client at PATH (one connection at a time; Ctrl-C to stop).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::os::unix::net::{UnixListener, UnixStream};

const GREETING: &str = r#"{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": ""}, "capabilities": ["oob"]}}"#;
const REPLY: &str = r#"{"return": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1"}"#;

/// Reads whole JSON objects by bracket depth (clients need not end them with a newline) and answers each.
fn serve(stream: UnixStream) -> std::io::Result<()> {
    let mut writer = BufWriter::new(stream.try_clone()?);
    let mut reader = BufReader::new(stream);
    writeln!(writer, "{GREETING}\r")?;
    writer.flush()?;
    let (mut message, mut depth, mut in_string, mut escaped) = (Vec::new(), 0u32, false, false);
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        let len = chunk.len();
        for &b in chunk {
            if depth > 0 {
                message.push(b);
            }
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => {
                    if depth == 0 {
                        message.push(b);
                    }
                    depth += 1;
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        answer(&mut writer, &message)?;
                        message.clear();
                    }
                }
                _ => {}
            }
        }
        reader.consume(len);
        writer.flush()?;
    }
}

fn answer(writer: &mut impl Write, request: &[u8]) -> std::io::Result<()> {
    let request: serde_json::Value = serde_json::from_slice(request).unwrap_or_default();
    match request.get("id") {
        Some(id) => writeln!(writer, "{REPLY}, \"id\": {id}}}\r"),
        None => writeln!(writer, "{REPLY}}}\r"),
    }
}

fn main() -> std::io::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: instant_server SOCKET_PATH");
        std::process::exit(2);
    };
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path)?;
    for stream in listener.incoming() {
        if let Err(e) = serve(stream?) {
            eprintln!("instant_server: {e}");
        }
    }
    Ok(())
}
