//! One client's connection: greeting, negotiation, then requests.
//!
//! Three tasks share a connection, as QEMU's monitor splits it: the reader cuts and checks requests and runs
//! out-of-band commands at once; the in-band executor runs the other commands in order, one at a time; the
//! writer sends replies and events. The in-band queue holds QEMU's eight requests: when it is full the reader
//! stops reading, and when the client does not read its replies the writer's queue fills and stops the executor,
//! so a client that sends without reading holds a bounded amount of memory.

use std::time::Duration;

use serde_json::{Map, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::mpsc;

use crate::error::CommandError;
use crate::outbox::{Out, Outbox};
use crate::output;
use crate::request::{parse_request, Request};
use crate::server::{Entry, Protocol, Server};
use crate::stream::{Cutter, Item, DELIMITER};

/// QEMU's `QMP_REQ_QUEUE_LEN_MAX`: in-band requests queued before the monitor stops reading.
pub const IN_BAND_QUEUE: usize = 8;
/// How long queued commands may take to finish and be answered after the client stops sending.
const LINGER: Duration = Duration::from_secs(5);

struct State {
    negotiated: bool,
    oob: bool,
}

/// Serves one connection until the client leaves.
pub(crate) async fn run<R, W>(server: Server, mut reader: R, writer: W)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (out_tx, out_rx) = Outbox::new();
    let mut writer_task = tokio::spawn(write_loop(writer, out_rx, out_tx.clone()));
    let (in_band_tx, in_band_rx) = mpsc::channel(IN_BAND_QUEUE);
    let mut executor = tokio::spawn(in_band_loop(server.clone(), in_band_rx, out_tx.clone()));
    let agent = server.protocol() == Protocol::GuestAgent;
    let mut state = State {
        negotiated: agent,
        oob: false,
    };
    if !agent {
        let b = &server.inner.builder;
        let caps: &[&str] = if b.oob { &["oob"] } else { &[] };
        out_tx.reply(output::greeting(&b.version, caps)).await;
    }
    let mut cutter = Cutter::new(server.limits().max_request);
    let mut buf = vec![0u8; 64 * 1024];
    let mut items = Vec::new();
    'read: loop {
        let n = match reader.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        cutter.feed(&buf[..n], &mut items);
        for item in items.drain(..) {
            if !handle(&server, &mut state, item, &out_tx, &in_band_tx).await {
                break 'read;
            }
        }
    }
    cutter.finish(&mut items);
    for item in items.drain(..) {
        handle(&server, &mut state, item, &out_tx, &in_band_tx).await;
    }
    drop(in_band_tx);
    // Commands already received are answered (a client may half-close after sending), within a limit.
    if tokio::time::timeout(LINGER, &mut executor).await.is_err() {
        executor.abort();
    }
    out_tx.close();
    if tokio::time::timeout(LINGER, &mut writer_task)
        .await
        .is_err()
    {
        writer_task.abort();
    }
}

/// Acts on one item from the client; `false` when the connection is done for.
async fn handle(
    server: &Server,
    state: &mut State,
    item: Item,
    out: &Outbox,
    in_band: &mpsc::Sender<Request>,
) -> bool {
    let reply = match item {
        Item::Text(text) => match parse_request(&text, state.oob) {
            Err(rejection) => output::failure(&rejection.error, rejection.id.as_ref()),
            Ok(request) if !state.negotiated => {
                return negotiate(server, state, request, out).await
            }
            Ok(request) if request.oob => match out_of_band(server, request).await {
                Some(reply) => reply,
                None => return true,
            },
            Ok(request) => return in_band.send(request).await.is_ok(),
        },
        Item::TooLarge(why) => output::failure(&CommandError::generic(why), None),
        Item::Stray(_) => output::failure(
            &CommandError::generic("JSON parse error, expecting value"),
            None,
        ),
        Item::Delimiter(mut token) => {
            token.push(DELIMITER);
            let desc = format!(
                "JSON parse error, stray '{}'",
                String::from_utf8_lossy(&token)
            );
            output::failure(&CommandError::generic(desc), None)
        }
    };
    out.reply(reply).await
}

/// Before negotiation, QEMU's monitor knows only `qmp_capabilities`, and answers any other command with a
/// `CommandNotFound` that says so.
async fn negotiate(server: &Server, state: &mut State, request: Request, out: &Outbox) -> bool {
    let id = request.id.as_ref();
    if request.name != "qmp_capabilities" {
        let error = CommandError::new(
            "CommandNotFound",
            "Expecting capabilities negotiation with 'qmp_capabilities'",
        );
        return out.reply(output::failure(&error, id)).await;
    }
    match capabilities(server.inner.builder.oob, &request.arguments) {
        Err(error) => out.reply(output::failure(&error, id)).await,
        Ok(oob) => {
            state.negotiated = true;
            state.oob = oob;
            let reply = output::success(&Value::Object(Map::new()), id);
            let sent = out.reply(reply).await;
            server.inner.events.add(out.clone());
            sent
        }
    }
}

/// Checks `qmp_capabilities`' arguments: whether the client enables `oob`.
fn capabilities(offered: bool, args: &Map<String, Value>) -> Result<bool, CommandError> {
    if let Some(other) = args.keys().find(|k| *k != "enable") {
        return Err(CommandError::generic(format!(
            "Parameter '{other}' is unexpected"
        )));
    }
    let enable = match args.get("enable") {
        None => return Ok(false),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(CommandError::generic(
                "Invalid parameter type for 'enable', expected: array",
            ))
        }
    };
    let mut oob = false;
    for (i, cap) in enable.iter().enumerate() {
        match cap {
            Value::String(s) if s == "oob" && offered => oob = true,
            Value::String(s) if s == "oob" => {
                return Err(CommandError::generic("Capability 'oob' not available"))
            }
            Value::String(s) => {
                return Err(CommandError::generic(format!(
                    "Parameter 'enable[{i}]' does not accept value '{s}'"
                )))
            }
            _ => {
                return Err(CommandError::generic(format!(
                    "Invalid parameter type for 'enable[{i}]', expected: string"
                )))
            }
        }
    }
    Ok(oob)
}

/// Runs an `exec-oob` request at once, ahead of queued in-band requests.
async fn out_of_band(server: &Server, request: Request) -> Option<Vec<u8>> {
    let id = request.id.clone();
    match server.lookup(&request.name) {
        None => Some(output::failure(
            &CommandError::command_not_found(&request.name),
            id.as_ref(),
        )),
        Some(entry) if !entry.flags.allow_oob => Some(output::failure(
            &CommandError::generic(format!("The command {} does not support OOB", request.name)),
            id.as_ref(),
        )),
        Some(entry) => dispatch(server, entry, request).await,
    }
}

/// Runs in-band requests one at a time, in the order received.
async fn in_band_loop(server: Server, mut requests: mpsc::Receiver<Request>, out: Outbox) {
    while let Some(request) = requests.recv().await {
        let reply = match server.lookup(&request.name) {
            None => Some(output::failure(
                &CommandError::command_not_found(&request.name),
                request.id.as_ref(),
            )),
            Some(entry) => {
                let _one_at_a_time = server.inner.in_band.lock().await;
                dispatch(&server, entry, request).await
            }
        };
        if let Some(reply) = reply {
            if !out.reply(reply).await {
                return;
            }
        }
    }
}

/// Calls the handler (in its own task, so that a panicking handler fails only its command) and words the reply;
/// `None` for a command that succeeded without `success-response`.
async fn dispatch(server: &Server, entry: Entry, request: Request) -> Option<Vec<u8>> {
    let Request {
        name,
        arguments,
        id,
        ..
    } = request;
    let result = match tokio::spawn((entry.handler)(arguments)).await {
        Ok(result) => result,
        Err(_) => Err(CommandError::generic(format!(
            "The command {name} failed unexpectedly"
        ))),
    };
    let mut reply = match result {
        Ok(_) if !entry.flags.success_response => return None,
        Ok(value) => output::success(&value, id.as_ref()),
        Err(error) => output::failure(&error, id.as_ref()),
    };
    if server.protocol() == Protocol::GuestAgent && name == "guest-sync-delimited" {
        reply.insert(0, DELIMITER);
    }
    Some(reply)
}

/// Writes replies and events in the order they were queued, flushing whenever nothing more is waiting.
async fn write_loop<W: AsyncWrite + Unpin>(
    writer: W,
    mut queue: mpsc::UnboundedReceiver<Out>,
    outbox: Outbox,
) {
    let mut w = BufWriter::with_capacity(64 * 1024, writer);
    while let Some(out) = queue.recv().await {
        let written = match out {
            Out::Reply(message, _permit) => w.write_all(&message).await,
            Out::Event(message) => {
                outbox
                    .pending_events
                    .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
                w.write_all(&message).await
            }
            Out::Close => break,
        };
        if written.is_err() || (queue.is_empty() && w.flush().await.is_err()) {
            return;
        }
    }
    let _ = w.flush().await;
    let _ = w.shutdown().await;
}
