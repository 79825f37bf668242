//! What goes to one client, in the order it was produced: replies and events share one queue per connection, so
//! an event sent while a command runs arrives before that command's reply and after every earlier one, as from
//! QEMU. Replies hold a permit each (a client that does not read stops the commands that would answer it);
//! events are counted, and a client too far behind on them is disconnected rather than let memory grow.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

/// Replies waiting for the writer of one connection.
const REPLY_QUEUE: usize = 64;

pub(crate) enum Out {
    Reply(Vec<u8>, OwnedSemaphorePermit),
    Event(Arc<[u8]>),
    /// Nothing more: the connection ends (the client left, or fell more than the event backlog behind).
    Close,
}

/// The sending side of one connection's queue.
#[derive(Clone)]
pub(crate) struct Outbox {
    tx: mpsc::UnboundedSender<Out>,
    permits: Arc<Semaphore>,
    pub(crate) pending_events: Arc<AtomicUsize>,
}

impl Outbox {
    pub(crate) fn new() -> (Outbox, mpsc::UnboundedReceiver<Out>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let outbox = Outbox {
            tx,
            permits: Arc::new(Semaphore::new(REPLY_QUEUE)),
            pending_events: Arc::default(),
        };
        (outbox, rx)
    }

    /// Queues a reply, waiting while the client has `REPLY_QUEUE` unread; `false` when the connection is gone.
    pub(crate) async fn reply(&self, message: Vec<u8>) -> bool {
        let Ok(permit) = self.permits.clone().acquire_owned().await else {
            return false;
        };
        self.tx.send(Out::Reply(message, permit)).is_ok()
    }

    /// Ends the connection's output once what is queued is written.
    pub(crate) fn close(&self) {
        let _ = self.tx.send(Out::Close);
    }
}

/// The clients that receive events: those that negotiated.
pub(crate) struct Subscribers {
    list: Mutex<Vec<Outbox>>,
    backlog: AtomicUsize,
}

impl Subscribers {
    pub(crate) fn new(backlog: usize) -> Self {
        Subscribers {
            list: Mutex::new(Vec::new()),
            backlog: AtomicUsize::new(backlog.max(1)),
        }
    }

    pub(crate) fn set_backlog(&self, backlog: usize) {
        self.backlog.store(backlog.max(1), Ordering::Relaxed);
    }

    pub(crate) fn add(&self, outbox: Outbox) {
        self.list
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(outbox);
    }

    pub(crate) fn count(&self) -> usize {
        let mut list = self.list.lock().unwrap_or_else(|p| p.into_inner());
        list.retain(|o| !o.tx.is_closed());
        list.len()
    }

    /// Queues `message` for every subscriber, dropping those that left or fell too far behind.
    pub(crate) fn send(&self, message: Arc<[u8]>) {
        let backlog = self.backlog.load(Ordering::Relaxed);
        let mut list = self.list.lock().unwrap_or_else(|p| p.into_inner());
        list.retain(|o| {
            if o.pending_events.load(Ordering::Relaxed) >= backlog {
                let _ = o.tx.send(Out::Close);
                return false;
            }
            o.pending_events.fetch_add(1, Ordering::Relaxed);
            o.tx.send(Out::Event(message.clone())).is_ok()
        });
    }
}
