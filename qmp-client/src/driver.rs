//! The runtime under the blocking client: one current-thread tokio runtime, driven by whichever thread needs it.
//!
//! A script's call runs the runtime on the script's own thread, so a round trip costs what a bare blocking socket
//! costs: the request is written by the calling thread and the calling thread sleeps once, in `epoll_wait`, until
//! the reply comes. Between calls a background thread drives the runtime instead, so that events are read (and
//! a reconnecting client reconnects) while the script does something else. The background thread gives the
//! runtime up as soon as a call starts: the call has already written its request by then (that needs no runtime),
//! so the hand-over overlaps with QEMU's own work.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::sync::Notify;

/// How long the background thread leaves the runtime alone after a call ends, so that a script's calls in a row
/// do not hand the runtime back and forth.
const IDLE_AFTER: Duration = Duration::from_millis(2);

struct State {
    rt: Runtime,
    /// Calls running the runtime now or waiting to.
    callers: AtomicUsize,
    /// A call began, or the driver stops: the background thread gives the runtime up.
    wanted: Notify,
    stop: AtomicBool,
}

/// Runs futures to completion on the calling thread; see the module documentation. Stops its background thread
/// when dropped.
pub(crate) struct Driver {
    state: Arc<State>,
    background: Mutex<Option<JoinHandle<()>>>,
}

impl Driver {
    pub(crate) fn start() -> std::io::Result<Driver> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let state = Arc::new(State {
            rt,
            callers: AtomicUsize::new(0),
            wanted: Notify::new(),
            stop: AtomicBool::new(false),
        });
        let background = std::thread::Builder::new()
            .name("qmp-client".to_owned())
            .spawn({
                let state = state.clone();
                move || drive_between_calls(&state)
            })?;
        Ok(Driver {
            state,
            background: Mutex::new(Some(background)),
        })
    }

    /// Runs `f` on this thread, taking the runtime from the background thread.
    pub(crate) fn block_on<F: Future>(&self, f: F) -> F::Output {
        let state = &self.state;
        state.callers.fetch_add(1, Ordering::SeqCst);
        state.wanted.notify_one();
        let out = state.rt.block_on(f);
        state.callers.fetch_sub(1, Ordering::SeqCst);
        out
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        self.state.wanted.notify_one();
        let background = self
            .background
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(thread) = background {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

/// The background thread: drives the runtime while no call does.
fn drive_between_calls(state: &State) {
    while !state.stop.load(Ordering::SeqCst) {
        if state.callers.load(Ordering::SeqCst) == 0 {
            state.rt.block_on(async {
                while state.callers.load(Ordering::SeqCst) == 0
                    && !state.stop.load(Ordering::SeqCst)
                {
                    state.wanted.notified().await;
                }
            });
        }
        std::thread::park_timeout(IDLE_AFTER);
    }
}
