//! Event subscriptions: every subscriber has its own queue, filled by the reader in arrival order.
//!
//! Queues are unbounded (a slow subscriber never makes another lose events) unless given a limit, in which case the
//! oldest events are dropped and counted. A subscription ends (yields `None`) once the connection is gone and its
//! queue is drained.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, Weak};

use qapi_runtime::{Event, EventSet, Timestamp};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::error::{Error, Result};
use crate::wire::{decode_text, RawEvent};

/// A typed event: its `data` decoded into the event's type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypedEvent<E> {
    /// The event's data.
    pub data: E,
    /// When the server emitted the event.
    pub timestamp: Timestamp,
}

impl<E: Event> TypedEvent<E> {
    /// Decodes `raw`; a reconnection marker (see [`crate::CONNECTION_LOST`]) gives [`Error::EventGap`].
    pub fn from_raw(raw: &RawEvent) -> Result<Self> {
        gap_error(raw)?;
        let data = decode_text(raw.data_json(), || {
            format!("the data of event {}", raw.name)
        })?;
        Ok(TypedEvent {
            data,
            timestamp: raw.timestamp,
        })
    }
}

/// Which events a subscriber wants.
#[derive(Clone, Debug)]
pub(crate) enum Filter {
    All,
    Name(&'static str),
}

impl Filter {
    /// Every subscriber wants the reconnection markers, so that none mistakes a gap for silence.
    fn wants(&self, name: &str) -> bool {
        match self {
            Filter::All => true,
            Filter::Name(n) => *n == name || is_marker(name),
        }
    }
}

#[derive(Default)]
struct QueueState {
    events: VecDeque<Arc<RawEvent>>,
    closed: bool,
    lost: u64,
    limit: Option<usize>,
    /// The consumer waiting for the next event (one consumer per queue).
    waker: Option<Waker>,
}

pub(crate) struct EventQueue {
    state: Mutex<QueueState>,
}

impl EventQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        // A panic while holding this lock cannot leave the queue inconsistent, so poisoning is ignored.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push(&self, event: Arc<RawEvent>) {
        let mut s = self.lock();
        if let Some(limit) = s.limit {
            while s.events.len() >= limit.max(1) {
                s.events.pop_front();
                s.lost += 1;
            }
        }
        s.events.push_back(event);
        let waker = s.waker.take();
        drop(s);
        if let Some(w) = waker {
            w.wake();
        }
    }

    fn close(&self) {
        let waker = {
            let mut s = self.lock();
            s.closed = true;
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<Arc<RawEvent>>> {
        let mut s = self.lock();
        if let Some(e) = s.events.pop_front() {
            return Poll::Ready(Some(e));
        }
        if s.closed {
            return Poll::Ready(None);
        }
        s.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// The reader's list of subscribers.
#[derive(Default)]
pub(crate) struct Subscribers {
    list: Vec<(Filter, Weak<EventQueue>)>,
    closed: bool,
}

impl Subscribers {
    pub(crate) fn add(&mut self, filter: Filter, limit: Option<usize>) -> EventStream {
        let queue = Arc::new(EventQueue {
            state: Mutex::new(QueueState {
                limit,
                closed: self.closed,
                ..Default::default()
            }),
        });
        if !self.closed {
            self.list.push((filter, Arc::downgrade(&queue)));
        }
        EventStream { queue }
    }

    pub(crate) fn publish(&mut self, event: RawEvent) {
        let event = Arc::new(event);
        self.list.retain(|(filter, queue)| match queue.upgrade() {
            Some(q) => {
                if filter.wants(&event.name) {
                    q.push(event.clone());
                }
                true
            }
            None => false,
        });
    }

    pub(crate) fn close(&mut self) {
        self.closed = true;
        for (_, q) in self.list.drain(..) {
            if let Some(q) = q.upgrade() {
                q.close();
            }
        }
    }
}

/// The subscribers of a client, kept across the connections of a reconnecting client.
#[derive(Default)]
pub(crate) struct Hub(Mutex<Subscribers>);

impl Hub {
    fn lock(&self) -> std::sync::MutexGuard<'_, Subscribers> {
        // Every critical section leaves the list consistent before anything that could panic.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn add(&self, filter: Filter, limit: Option<usize>) -> EventStream {
        self.lock().add(filter, limit)
    }

    pub(crate) fn publish(&self, event: RawEvent) {
        self.lock().publish(event)
    }

    /// Ends every subscription (after its queue drains) and every later one.
    pub(crate) fn close(&self) {
        self.lock().close()
    }
}

/// The marker a reconnecting client puts in every event stream when its connection is lost; `data` has `cause`.
pub const CONNECTION_LOST: &str = "qmp-client:connection-lost";
/// The marker a reconnecting client puts in every event stream once connected and negotiated again, ahead of the
/// new connection's events; `data` has `attempts` and `gap_ms`.
pub const RECONNECTED: &str = "qmp-client:reconnected";

/// Reconnection markers are named so that no QEMU event name (upper case, digits, `_`) can be one.
pub fn is_marker(name: &str) -> bool {
    name == CONNECTION_LOST || name == RECONNECTED
}

pub(crate) fn marker(name: &'static str, data: serde_json::Value) -> RawEvent {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    RawEvent::new(
        name,
        data,
        Timestamp {
            seconds: now.as_secs() as i64,
            microseconds: i64::from(now.subsec_micros()),
        },
    )
}

/// A marker, as a typed stream's item.
fn gap_error(raw: &RawEvent) -> Result<()> {
    if !is_marker(&raw.name) {
        return Ok(());
    }
    let what = match raw.name.as_str() {
        CONNECTION_LOST => format!(
            "the connection was lost ({})",
            raw.data()["cause"].as_str().unwrap_or("")
        ),
        _ => format!("reconnected after {} ms", raw.data()["gap_ms"]),
    };
    Err(Error::EventGap { what })
}

/// Every event (or every event of one name), as received.
pub struct EventStream {
    queue: Arc<EventQueue>,
}

impl EventStream {
    /// The next event; `None` once the connection is gone and every event received before is taken.
    pub async fn next(&mut self) -> Option<Arc<RawEvent>> {
        std::future::poll_fn(|cx| self.queue.poll_next(cx)).await
    }

    /// The next event if one is already queued.
    pub fn try_next(&mut self) -> Option<Arc<RawEvent>> {
        self.queue.lock().events.pop_front()
    }

    /// Events queued and not yet taken.
    pub fn len(&self) -> usize {
        self.queue.lock().events.len()
    }

    /// Whether no event is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Events dropped because the queue's limit was reached (always 0 for unbounded queues).
    pub fn lost(&self) -> u64 {
        self.queue.lock().lost
    }

    /// The connection is gone: no event will be added any more.
    pub fn is_closed(&self) -> bool {
        self.queue.lock().closed
    }
}

/// Events of one type, decoded.
pub struct TypedEvents<E> {
    stream: EventStream,
    _event: PhantomData<fn() -> E>,
}

impl<E: Event> TypedEvents<E> {
    pub(crate) fn new(stream: EventStream) -> Self {
        TypedEvents {
            stream,
            _event: PhantomData,
        }
    }

    /// The next event of this type; an error when its data does not decode (the stream goes on after it).
    pub async fn next(&mut self) -> Option<Result<TypedEvent<E>>> {
        let raw = self.stream.next().await?;
        Some(TypedEvent::from_raw(&raw))
    }

    /// The next event if one is queued, without waiting.
    pub fn try_next(&mut self) -> Option<Result<TypedEvent<E>>> {
        let raw = self.stream.try_next()?;
        Some(TypedEvent::from_raw(&raw))
    }

    /// The next event that satisfies `pred`, skipping others; `None` when the connection is gone first.
    pub async fn wait_for(
        &mut self,
        mut pred: impl FnMut(&TypedEvent<E>) -> bool,
    ) -> Option<Result<TypedEvent<E>>> {
        while let Some(e) = self.next().await {
            match e {
                Ok(e) if !pred(&e) => continue,
                other => return Some(other),
            }
        }
        None
    }

    /// The undecoded stream underneath.
    pub fn raw(&mut self) -> &mut EventStream {
        &mut self.stream
    }
}

/// Every event, decoded into a schema's event enum.
pub struct EventSetStream<S> {
    stream: EventStream,
    _set: PhantomData<fn() -> S>,
}

impl<S: EventSet> EventSetStream<S> {
    pub(crate) fn new(stream: EventStream) -> Self {
        EventSetStream {
            stream,
            _set: PhantomData,
        }
    }

    /// The next event with its timestamp; an error when its data does not decode.
    pub async fn next(&mut self) -> Option<Result<(S, Timestamp)>> {
        let raw = self.stream.next().await?;
        Some(decode_set(&raw))
    }

    /// The next event if one is queued, without waiting.
    pub fn try_next(&mut self) -> Option<Result<(S, Timestamp)>> {
        let raw = self.stream.try_next()?;
        Some(decode_set(&raw))
    }
}

fn decode_set<S: EventSet>(raw: &RawEvent) -> Result<(S, Timestamp)> {
    gap_error(raw)?;
    S::from_parts(&raw.name, raw.data_json())
        .map(|s| (s, raw.timestamp))
        .map_err(|e| {
            Error::decode(
                format!("the data of event {}", raw.name),
                e,
                String::from_utf8_lossy(raw.data_json()),
            )
        })
}

/// Also usable with any `Stream` combinator library.
impl futures_core::Stream for EventStream {
    type Item = Arc<RawEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.queue.poll_next(cx)
    }
}

impl<E: Event> futures_core::Stream for TypedEvents<E> {
    type Item = Result<TypedEvent<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.stream
            .queue
            .poll_next(cx)
            .map(|e| e.map(|raw| TypedEvent::from_raw(&raw)))
    }
}

impl<S: EventSet> futures_core::Stream for EventSetStream<S> {
    type Item = Result<(S, Timestamp)>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.stream
            .queue
            .poll_next(cx)
            .map(|e| e.map(|raw| decode_set(&raw)))
    }
}
