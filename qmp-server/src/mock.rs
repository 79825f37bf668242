//! A mock QEMU for the tests of programs that drive QEMU: stubbed replies per command, the calls received, and
//! scripted events. It is a real [`Server`] on a unix socket in its own temp dir, so the program under test
//! connects to it as it would to QEMU.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::task::JoinHandle;

use crate::error::CommandError;
use crate::listen::Listening;
use crate::server::{Emitter, Entry, Flags, Server, ServerBuilder};

/// One call the mock received.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The command's name.
    pub name: String,
    /// The arguments as received (empty when there were none).
    pub arguments: Map<String, Value>,
}

type StubFn = Arc<dyn Fn(Map<String, Value>) -> Result<Value, CommandError> + Send + Sync>;

#[derive(Clone)]
struct Stub {
    flags: Flags,
    answer: StubFn,
}

#[derive(Default)]
struct State {
    stubs: HashMap<String, Stub>,
    calls: Vec<Call>,
    /// Events sent when a command runs, before its reply (as QEMU sends `STOP` before `stop`'s reply).
    after: HashMap<String, Vec<(String, Value)>>,
    /// Set once the server is built (the resolver is made before it).
    emitter: Option<Emitter>,
}

/// A mock QEMU listening on a unix socket. Commands without a stub answer `CommandNotFound`, as QEMU answers
/// commands it does not have; `query-version`, `query-commands` and `query-qmp-schema` are the server's own.
/// Dropping the mock stops it.
pub struct Mock {
    server: Server,
    state: Arc<Mutex<State>>,
    timers: Mutex<Vec<JoinHandle<()>>>,
    listening: Listening,
    _dir: tempfile::TempDir,
}

/// The mock's state stays usable after a stub panicked.
fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Mock {
    /// Starts a mock announcing QEMU 9.2.4 (the version of the committed bindings) and offering `oob`.
    pub async fn start() -> io::Result<Mock> {
        Mock::start_with(Server::builder().version(9, 2, 4, "qmp-server mock")).await
    }

    /// Starts a mock configured by `builder` (version, capabilities, limits, typed commands of its own).
    pub async fn start_with(builder: ServerBuilder) -> io::Result<Mock> {
        let state = Arc::new(Mutex::new(State::default()));
        let resolver_state = state.clone();
        let server = builder
            .resolver(Arc::new(move |name: &str| {
                Some(resolve(&resolver_state, name))
            }))
            .build();
        lock(&state).emitter = Some(server.emitter());
        let dir = tempfile::tempdir()?;
        let listening = server.listen_unix(dir.path().join("qmp.sock")).await?;
        Ok(Mock {
            server,
            state,
            timers: Mutex::new(Vec::new()),
            listening,
            _dir: dir,
        })
    }

    /// The socket to connect to.
    pub fn path(&self) -> &Path {
        self.listening
            .unix_path()
            .expect("the mock listens on a unix socket")
    }

    /// The server the mock runs: to emit events (`emit_raw`), for instance.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Answers `name` with a closure over its JSON arguments.
    pub fn stub_with<F>(&self, name: &str, flags: Flags, answer: F)
    where
        F: Fn(Map<String, Value>) -> Result<Value, CommandError> + Send + Sync + 'static,
    {
        let stub = Stub {
            flags,
            answer: Arc::new(answer),
        };
        lock(&self.state).stubs.insert(name.to_owned(), stub);
    }

    /// Answers `name` with `value` every time.
    pub fn stub_value(&self, name: &str, value: Value) {
        self.stub_value_with(name, Flags::default(), value);
    }

    pub(crate) fn stub_value_with(&self, name: &str, flags: Flags, value: Value) {
        self.stub_with(name, flags, move |_| Ok(value.clone()));
    }

    /// Fails `name` with `error` every time.
    pub fn stub_error(&self, name: &str, error: CommandError) {
        self.stub_error_with(name, Flags::default(), error);
    }

    pub(crate) fn stub_error_with(&self, name: &str, flags: Flags, error: CommandError) {
        self.stub_with(name, flags, move |_| Err(error.clone()));
    }

    /// Every call received so far, stubbed or not, in order (the server's own commands excepted).
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.state).calls.clone()
    }

    /// How many times `name` was called.
    pub fn call_count(&self, name: &str) -> usize {
        lock(&self.state)
            .calls
            .iter()
            .filter(|c| c.name == name)
            .count()
    }

    /// Forgets the calls received so far.
    pub fn clear_calls(&self) {
        lock(&self.state).calls.clear();
    }

    /// Sends event `event` with `data` each time `command` runs, before its reply.
    pub fn emit_after(&self, command: &str, event: &str, data: Value) {
        lock(&self.state)
            .after
            .entry(command.to_owned())
            .or_default()
            .push((event.to_owned(), data));
    }

    /// Sends event `name` with `data` (`null` for none) now.
    pub fn emit_raw(&self, name: &str, data: Value) {
        self.server.emit_raw(name, data);
    }

    /// Sends event `name` every `period` until the mock is dropped.
    pub fn emit_every(&self, period: Duration, name: &str, data: Value) {
        let server = self.server.clone();
        let name = name.to_owned();
        let timer = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                server.emit_raw(&name, data.clone());
            }
        });
        self.timers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(timer);
    }

    /// Sends event `name` once, after `delay`.
    pub fn emit_in(&self, delay: Duration, name: &str, data: Value) {
        let server = self.server.clone();
        let name = name.to_owned();
        let timer = tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            server.emit_raw(&name, data);
        });
        self.timers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(timer);
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        for timer in self
            .timers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            timer.abort();
        }
    }
}

/// The entry for any command the mock is asked to run: records the call, sends the scripted events, answers
/// from the stub or with `CommandNotFound`.
fn resolve(state: &Arc<Mutex<State>>, name: &str) -> Entry {
    let stub = lock(state).stubs.get(name).cloned();
    let flags = stub.as_ref().map_or_else(Flags::default, |s| s.flags);
    let name = name.to_owned();
    let state = state.clone();
    Entry::new(flags, move |arguments| {
        let state = state.clone();
        let stub = stub.clone();
        let name = name.clone();
        async move { answer(&state, &name, stub, arguments) }
    })
}

fn answer(
    state: &Mutex<State>,
    name: &str,
    stub: Option<Stub>,
    arguments: Map<String, Value>,
) -> Result<Value, CommandError> {
    let (emitter, events) = {
        let mut state = lock(state);
        state.calls.push(Call {
            name: name.to_owned(),
            arguments: arguments.clone(),
        });
        (
            state.emitter.clone(),
            state.after.get(name).cloned().unwrap_or_default(),
        )
    };
    if let Some(emitter) = emitter {
        for (event, data) in events {
            emitter.emit_raw(&event, data);
        }
    }
    match stub {
        Some(stub) => (stub.answer)(arguments),
        None => Err(CommandError::command_not_found(name)),
    }
}
