//! Showing events as they arrive, in the shell and in scripts, and waiting for one (`.wait NAME`).
//!
//! A task takes every event from the client and shows it at once. Before the shell prints a reply it asks the task
//! to [`Events::flush`], so events that came before the reply on the wire are shown before it too.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use qmp_client::{EventStream, RawEvent};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot, Notify};

/// Where events are shown.
pub trait EventSink: Send + 'static {
    /// Shows one event, already formatted.
    fn show(&mut self, text: String);

    /// The connection is gone (no more events will come).
    fn closed(&mut self) {}
}

/// Events straight to standard output, one whole line at a time.
pub struct Stdout;

impl EventSink for Stdout {
    fn show(&mut self, text: String) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }
}

/// How many shown events `.wait` remembers.
const REMEMBERED: usize = 1024;

struct Shared {
    /// Names of events shown and not yet matched by a `.wait`, oldest first.
    unmatched: Mutex<VecDeque<String>>,
    arrived: Notify,
    pretty: AtomicBool,
    /// The shell is leaving: the connection closing is no news.
    stopped: AtomicBool,
}

/// The running event display.
pub struct Events {
    shared: Arc<Shared>,
    flush: mpsc::UnboundedSender<oneshot::Sender<()>>,
}

/// An event in QMP's own form, its members in the server's order.
pub fn format_event(event: &RawEvent, pretty: bool) -> String {
    let seconds = json!(event.timestamp.seconds).to_string();
    let microseconds = json!(event.timestamp.microseconds).to_string();
    let timestamp = render_ordered(
        vec![("seconds", seconds), ("microseconds", microseconds)],
        pretty,
    );
    let members = vec![
        (
            "event",
            format_json(&Value::String(event.name.clone()), pretty),
        ),
        ("data", format_json(event.data(), pretty)),
        ("timestamp", timestamp),
    ];
    render_ordered(members, pretty)
}

/// JSON text, on one line (with a space after `:` and `,`, as Python writes it) or indented.
pub fn format_json(value: &Value, pretty: bool) -> String {
    let mut out = Vec::new();
    let written = if pretty {
        serde_json::to_writer_pretty(&mut out, value)
    } else {
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Spaced);
        serde::Serialize::serialize(value, &mut ser)
    };
    match written {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("(unprintable: {e})"),
    }
}

/// One line, `{"a": 1, "b": [1, 2]}`.
struct Spaced;

impl serde_json::ser::Formatter for Spaced {
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        w.write_all(if first { b"" } else { b", " })
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        w.write_all(if first { b"" } else { b", " })
    }
}

/// A JSON object with its members in the given order (serde_json's own maps sort them), e.g. `execute` before
/// `arguments`, as QMP writes them.
pub fn format_ordered(members: &[(&str, &Value)], pretty: bool) -> String {
    let rendered = members
        .iter()
        .map(|(key, value)| (*key, format_json(value, pretty)))
        .collect();
    render_ordered(rendered, pretty)
}

/// An object from members already rendered as JSON text.
fn render_ordered(members: Vec<(&str, String)>, pretty: bool) -> String {
    let parts: Vec<String> = members
        .into_iter()
        .map(|(key, value)| {
            let key = format_json(&Value::String(key.to_owned()), false);
            if pretty {
                format!("  {key}: {}", value.replace('\n', "\n  "))
            } else {
                format!("{key}: {value}")
            }
        })
        .collect();
    if pretty {
        format!("{{\n{}\n}}", parts.join(",\n"))
    } else {
        format!("{{{}}}", parts.join(", "))
    }
}

impl Events {
    /// Starts showing events from `stream` on `sink`. Needs a tokio runtime.
    pub fn start(stream: EventStream, sink: impl EventSink, pretty: bool) -> Events {
        let shared = Arc::new(Shared {
            unmatched: Mutex::new(VecDeque::new()),
            arrived: Notify::new(),
            pretty: AtomicBool::new(pretty),
            stopped: AtomicBool::new(false),
        });
        let (flush, requests) = mpsc::unbounded_channel();
        tokio::spawn(pump(stream, sink, shared.clone(), requests));
        Events { shared, flush }
    }

    /// Prints events pretty (indented JSON) or on one line.
    pub fn set_pretty(&self, pretty: bool) {
        self.shared.pretty.store(pretty, Ordering::Relaxed);
    }

    /// Stops showing: later events, and the connection closing, are not shown.
    pub fn stop(&self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
    }

    /// Returns once every event received so far has been shown.
    pub async fn flush(&self) {
        let (done, shown) = oneshot::channel();
        if self.flush.send(done).is_ok() {
            let _ = shown.await;
        }
    }

    /// Waits until an event named `name` has been shown since the last match (an event shown before this call
    /// counts), within `limit`.
    pub async fn wait_for(&self, name: &str, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let arrived = self.shared.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            if self.take_match(name) {
                return true;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.take_match(name);
            }
        }
    }

    fn take_match(&self, name: &str) -> bool {
        let mut unmatched = lock(&self.shared.unmatched);
        match unmatched.iter().position(|n| n == name) {
            Some(i) => {
                unmatched.drain(..=i);
                true
            }
            None => false,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn show(event: &RawEvent, sink: &mut impl EventSink, shared: &Shared) {
    sink.show(format_event(event, shared.pretty.load(Ordering::Relaxed)));
    let mut unmatched = lock(&shared.unmatched);
    if unmatched.len() >= REMEMBERED {
        unmatched.pop_front();
    }
    unmatched.push_back(event.name.clone());
    drop(unmatched);
    shared.arrived.notify_waiters();
}

async fn pump(
    mut stream: EventStream,
    mut sink: impl EventSink,
    shared: Arc<Shared>,
    mut requests: mpsc::UnboundedReceiver<oneshot::Sender<()>>,
) {
    loop {
        tokio::select! {
            event = stream.next() => match event {
                _ if shared.stopped.load(Ordering::SeqCst) => break,
                Some(e) => show(&e, &mut sink, &shared),
                None => {
                    sink.closed();
                    break;
                }
            },
            request = requests.recv() => {
                let Some(done) = request else { break };
                while let Some(e) = stream.try_next() {
                    show(&e, &mut sink, &shared);
                }
                let _ = done.send(());
            }
        }
    }
    // The connection is gone: still answer flushes so nobody waits forever.
    while let Some(done) = requests.recv().await {
        let _ = done.send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_their_order() {
        let args = json!({"b": 1, "a": [true]});
        let name = json!("x");
        assert_eq!(
            format_ordered(&[("execute", &name), ("arguments", &args)], false),
            r#"{"execute": "x", "arguments": {"a": [true], "b": 1}}"#
        );
        let pretty = format_ordered(&[("execute", &name), ("arguments", &args)], true);
        assert_eq!(pretty, "{\n  \"execute\": \"x\",\n  \"arguments\": {\n    \"a\": [\n      true\n    ],\n    \"b\": 1\n  }\n}");
        let parsed: Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(parsed, json!({"execute": "x", "arguments": args}));
    }

    #[test]
    fn events_read_as_qmp_writes_them() {
        let event = RawEvent::new(
            "STOP",
            json!({}),
            qmp_client::Timestamp {
                seconds: 5,
                microseconds: 7,
            },
        );
        assert_eq!(
            format_event(&event, false),
            r#"{"event": "STOP", "data": {}, "timestamp": {"seconds": 5, "microseconds": 7}}"#
        );
    }
}
