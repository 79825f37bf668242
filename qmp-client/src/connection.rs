//! The state one connection's reader, writer and callers share, and the reader and writer tasks.
//!
//! One reader task takes every message in arrival order: events go to every subscriber's queue and replies to the
//! call waiting for their id, all under one lock, so a subscriber registered before a command was sent sees every
//! event that arrived before that command's reply. One writer task sends requests in the order they were submitted
//! (the order the in-band queue below records), coalescing those that queue up into one write. On a unix socket,
//! a request submitted while the writer task has nothing queued is written by the caller itself, without a hop
//! through the writer task; whatever part the socket does not take at once goes to the writer.

use std::collections::{HashMap, VecDeque};
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::io::AsyncReadExt;
use tokio::sync::{mpsc, oneshot, watch, OwnedSemaphorePermit};

use crate::error::{Error, Result};
use crate::events::Hub;
use crate::framing::{Framer, Item};
use crate::transport::{BoxReader, UnixSocket, Writer};
use crate::wire::RawEvent;
use crate::wire::{parse_incoming, Greeting, Incoming};

/// A reply's `return`, as text.
pub(crate) type ReplyResult = Result<Box<[u8]>>;

/// Bytes for the writer, with fds to attach and someone to tell once they are written.
pub(crate) struct Frame {
    pub(crate) bytes: Vec<u8>,
    pub(crate) fds: Vec<OwnedFd>,
    pub(crate) written: Option<oneshot::Sender<Result<()>>>,
}

/// A reply to wait for: whether it is in-band (answered in order), and the in-flight slot it holds.
pub(crate) struct Expect {
    pub(crate) in_band: bool,
    pub(crate) permit: Option<OwnedSemaphorePermit>,
}

struct Pending {
    tx: oneshot::Sender<ReplyResult>,
    in_band: bool,
    /// Held until the reply comes, even when the caller gave up, since the server still has the command queued.
    _permit: Option<OwnedSemaphorePermit>,
}

struct State {
    pending: HashMap<u64, Pending>,
    /// Ids of in-band commands awaiting replies, oldest first: an error without an id belongs to the oldest.
    in_band: VecDeque<u64>,
    /// Events held back until [`Shared::release_events`] (a reconnection's handshake), in arrival order.
    held: Option<Vec<RawEvent>>,
    writer: Option<mpsc::UnboundedSender<Frame>>,
    /// The writer task has frames queued or is writing: a caller must not write directly.
    writer_busy: bool,
    /// The socket callers write to directly while the writer task is idle; dropped on closing, so that the socket
    /// closes with the reader and writer tasks.
    direct: Option<Arc<UnixSocket>>,
    /// Set once the connection is gone: the error every later call gets.
    closed: Option<Error>,
    greeting: Option<oneshot::Sender<Greeting>>,
    /// A guest-agent resynchronisation started: drop everything up to the next 0xFF.
    resync: bool,
}

pub(crate) struct Shared {
    state: Mutex<State>,
    hub: Arc<Hub>,
    /// Closing this connection ends the subscriptions (no reconnection will follow).
    closes_hub: bool,
    next_id: AtomicU64,
    /// Send an in-band request without an id when no other in-band reply is awaited (see [`Shared::submit`]).
    id_less: bool,
    unknown_replies: AtomicU64,
    closed_tx: watch::Sender<bool>,
}

/// The key under which the request sent without an id awaits its reply (ids sent start at 1).
const ID_LESS: u64 = 0;

/// What the reader does with a message.
enum Action {
    Dispatched,
    /// A resynchronisation began: this message and everything up to the delimiter is stale.
    Discard,
}

impl Shared {
    /// A connection delivering events to `hub`; with `hold_events`, only from [`Shared::release_events`] on.
    pub(crate) fn new(
        writer: mpsc::UnboundedSender<Frame>,
        greeting: Option<oneshot::Sender<Greeting>>,
        hub: Arc<Hub>,
        closes_hub: bool,
        hold_events: bool,
        direct: Option<Arc<UnixSocket>>,
        id_less: bool,
    ) -> Self {
        Shared {
            hub,
            closes_hub,
            state: Mutex::new(State {
                pending: HashMap::new(),
                in_band: VecDeque::new(),
                held: hold_events.then(Vec::new),
                writer: Some(writer),
                writer_busy: false,
                direct,
                closed: None,
                greeting,
                resync: false,
            }),
            next_id: AtomicU64::new(1),
            id_less,
            unknown_replies: AtomicU64::new(0),
            closed_tx: watch::channel(false).0,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every critical section leaves the state consistent before anything that could panic.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn unknown_replies(&self) -> u64 {
        self.unknown_replies.load(Ordering::Relaxed)
    }

    /// Publishes `first`, then the events held so far, then every later one as it comes.
    pub(crate) fn release_events(&self, first: RawEvent) {
        let mut s = self.lock();
        self.hub.publish(first);
        for e in s.held.take().unwrap_or_default() {
            self.hub.publish(e);
        }
    }

    /// The error the connection closed with, if it did.
    pub(crate) fn closed_error(&self) -> Option<Error> {
        self.lock().closed.clone()
    }

    pub(crate) fn closed_watch(&self) -> watch::Receiver<bool> {
        self.closed_tx.subscribe()
    }

    /// Queues a request for the writer, given its text for the id it gets (`frame`); with `expect`, registers it
    /// to receive the reply. Returns the id sent, if any, and where the reply will come.
    ///
    /// An in-band request that expects a reply goes without an id when no other in-band reply is awaited (and the
    /// connection allows it): the server answers in-band commands in order, so the next reply without an id is
    /// its reply, and at most one such request is ever outstanding. QEMU's monitor reads a request one byte at a
    /// time, a few system calls per byte, so the id's bytes are a measurable part of a round trip.
    pub(crate) fn submit(
        &self,
        frame: impl FnOnce(Option<u64>) -> Frame,
        expect: Option<Expect>,
        resync: bool,
    ) -> Result<(Option<u64>, Option<oneshot::Receiver<ReplyResult>>)> {
        let mut s = self.lock();
        if let Some(e) = &s.closed {
            return Err(e.clone());
        }
        if resync {
            // Replies to earlier calls might be among the output about to be dropped.
            for (_, p) in s.pending.drain() {
                let _ = p.tx.send(Err(Error::Resynchronised));
            }
            s.in_band.clear();
            s.resync = true;
        }
        let id_less = self.id_less
            && !resync
            && s.in_band.is_empty()
            && expect.as_ref().is_some_and(|e| e.in_band);
        let id = if id_less { ID_LESS } else { self.next_id() };
        let sent_id = (!id_less).then_some(id);
        let frame = frame(sent_id);
        let rx = expect.map(|expect| {
            let (tx, rx) = oneshot::channel();
            if expect.in_band {
                s.in_band.push_back(id);
            }
            s.pending.insert(
                id,
                Pending {
                    tx,
                    in_band: expect.in_band,
                    _permit: expect.permit,
                },
            );
            rx
        });
        let Some(frame) = self.write_directly(&mut s, frame) else {
            return Ok((sent_id, rx));
        };
        s.writer_busy = true;
        let sent = s.writer.as_ref().is_some_and(|w| w.send(frame).is_ok());
        if !sent {
            // The writer stopped; `close` is about to run or ran with the reason.
            s.pending.remove(&id);
            s.in_band.retain(|&i| i != id);
            return Err(s.closed.clone().unwrap_or(Error::Shutdown));
        }
        Ok((sent_id, rx))
    }

    /// Writes `frame` to the socket at once when the writer task is idle; what is left for the writer task (the
    /// whole frame when the socket takes none of it, or on an error, which the writer meets again and reports).
    fn write_directly(&self, s: &mut State, mut frame: Frame) -> Option<Frame> {
        let socket = match &s.direct {
            Some(socket) if !s.writer_busy && s.writer.is_some() && frame.fds.is_empty() => socket,
            _ => return Some(frame),
        };
        match socket.try_send(&frame.bytes) {
            Ok(n) if n == frame.bytes.len() => {
                if let Some(ack) = frame.written.take() {
                    let _ = ack.send(Ok(()));
                }
                None
            }
            Ok(n) => {
                frame.bytes.drain(..n);
                Some(frame)
            }
            Err(_) => Some(frame),
        }
    }

    /// The writer task found its queue empty: callers may write directly again. Checked under the lock that
    /// `submit` queues under, so no frame can slip in between.
    fn writer_idle(&self, queue: &mpsc::UnboundedReceiver<Frame>) {
        let mut s = self.lock();
        if queue.is_empty() {
            s.writer_busy = false;
        }
    }

    /// Ends the connection: every pending call and every later one gets the error, subscriptions end.
    pub(crate) fn close(&self, cause: Error) {
        let mut s = self.lock();
        if s.closed.is_some() {
            return;
        }
        let err = match cause {
            Error::Shutdown => Error::Shutdown,
            cause => Error::Disconnected(Arc::new(cause)),
        };
        for (_, p) in s.pending.drain() {
            let _ = p.tx.send(Err(err.clone()));
        }
        s.in_band.clear();
        s.closed = Some(err);
        s.writer = None;
        s.direct = None;
        s.greeting = None;
        if self.closes_hub {
            self.hub.close();
        }
        drop(s);
        self.closed_tx.send_replace(true);
    }

    fn on_delimiter(&self) {
        self.lock().resync = false;
    }

    fn dispatch(&self, msg: Incoming) -> Action {
        let mut s = self.lock();
        if s.resync {
            s.resync = false;
            return Action::Discard;
        }
        match msg {
            Incoming::Event(e) => match s.held.as_mut() {
                Some(held) => held.push(e),
                None => self.hub.publish(e),
            },
            Incoming::Greeting(g) => {
                if let Some(tx) = s.greeting.take() {
                    let _ = tx.send(g);
                }
            }
            Incoming::Reply { id, result } => {
                // No id is ever sent as `null`: a peer that writes `"id": null` for a request without one means
                // none.
                let id = id.filter(|id| !id.is_null());
                let id = match id {
                    Some(id) => id.as_u64().filter(|&id| id != ID_LESS),
                    // The reply to the one request sent without an id, which is the oldest in-band one.
                    None if s.in_band.front() == Some(&ID_LESS) => Some(ID_LESS),
                    // The server could not read the id: in-band errors come in order, so it is the oldest's.
                    None if result.is_err() => s.in_band.front().copied(),
                    None => None,
                };
                match id.and_then(|id| s.pending.remove(&id).map(|p| (id, p))) {
                    Some((id, p)) => {
                        if p.in_band {
                            if let Some(pos) = s.in_band.iter().position(|&i| i == id) {
                                s.in_band.remove(pos);
                            }
                        }
                        let _ =
                            p.tx.send(result.map_err(|(class, desc)| Error::Qmp { class, desc }));
                    }
                    // The spec says to drop replies with unknown ids; they are counted for diagnosis.
                    None => {
                        self.unknown_replies.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }
        Action::Dispatched
    }

    /// Hands out every complete message the framer holds.
    fn drain(&self, framer: &mut Framer) -> Result<()> {
        while let Some(item) = framer.next_item()? {
            match item {
                Item::Delimiter => self.on_delimiter(),
                Item::Message(range) => {
                    let msg = parse_incoming(framer.bytes(range))?;
                    if let Action::Discard = self.dispatch(msg) {
                        framer.discard_until_delimiter();
                    }
                }
            }
        }
        Ok(())
    }
}

/// Reads until the stream ends, fails or the connection is closed; then closes it with the reason.
pub(crate) async fn read_loop(shared: Arc<Shared>, mut reader: BoxReader, max_message: usize) {
    let mut closed = shared.closed_watch();
    let mut framer = Framer::new(max_message);
    let cause = loop {
        if let Err(e) = shared.drain(&mut framer) {
            break e;
        }
        let buf = framer.buffer_for_read();
        let read = tokio::select! {
            r = reader.read_buf(buf) => r,
            _ = closed.wait_for(|c| *c) => return,
        };
        match read {
            Ok(0) => {
                break Error::Eof {
                    partial_bytes: framer.partial_len(),
                }
            }
            Ok(_) => {}
            Err(e) => break Error::from(e),
        }
    };
    shared.close(cause);
}

/// The most bytes coalesced into one write.
const BATCH_LIMIT: usize = 1 << 20;

/// Writes frames in order until the connection closes or a write fails.
pub(crate) async fn write_loop(
    shared: Arc<Shared>,
    mut writer: Writer,
    mut rx: mpsc::UnboundedReceiver<Frame>,
) {
    let mut batch = Vec::new();
    let mut acks = Vec::new();
    let mut held: Option<Frame> = None;
    loop {
        if held.is_none() {
            shared.writer_idle(&rx);
        }
        let frame = match held.take() {
            Some(f) => f,
            None => match rx.recv().await {
                Some(f) => f,
                None => break,
            },
        };
        acks.push(frame.written);
        let result = if !frame.fds.is_empty() {
            writer.write_with_fds(&frame.bytes, &frame.fds).await
        } else {
            // Take what else is queued, up to the next frame with fds, which needs a write of its own.
            batch.clear();
            while batch.len() < BATCH_LIMIT {
                match rx.try_recv() {
                    Ok(f) if f.fds.is_empty() => {
                        if batch.is_empty() {
                            batch.extend_from_slice(&frame.bytes);
                        }
                        batch.extend_from_slice(&f.bytes);
                        acks.push(f.written);
                    }
                    Ok(f) => {
                        held = Some(f);
                        break;
                    }
                    Err(_) => break,
                }
            }
            writer
                .write_all(if batch.is_empty() {
                    &frame.bytes
                } else {
                    &batch
                })
                .await
        };
        let result = result.map_err(Error::from);
        for ack in acks.drain(..).flatten() {
            let _ = ack.send(result.clone());
        }
        if let Err(e) = result {
            shared.close(e);
            break;
        }
    }
    writer.shutdown().await;
}
