//! Reading and scanning included files ahead of the walk, on a few threads.
//!
//! Each scanned file names the files it includes; those not seen before (by [`FileKey`]) are queued for a scan.
//! The walk asks for a file when it reaches its `include` directive and waits for it, or scans it itself when no
//! worker has started it. A file the prefetch could not read, or never saw (QEMU names an included file after the
//! first includer in reading order, which can resolve differently through symlinks), is left to the walk, which
//! then reads it as the sequential loader does: so errors and names stay exactly the sequential ones. Only
//! regular files are read ahead.

use std::collections::{HashMap, VecDeque};
use std::panic;
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::source::{FileId, SourceFile};
use crate::Options;

use super::include::{self, FileKey};
use super::scan::{self, Item, Scanner};

/// A file read and scanned ahead, under the id `id`, a guess the walk corrects.
pub(super) struct Scanned {
    pub(super) text: String,
    pub(super) id: FileId,
    pub(super) items: Vec<Item>,
}

struct Job {
    key: FileKey,
    name: String,
    id: FileId,
}

enum Entry {
    Queued,
    Running,
    Done(Scanned),
    /// Unreadable, or handed to the walk already.
    Gone,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    entries: HashMap<FileKey, Entry>,
    next_id: u32,
    /// Jobs being run; while any runs, more may be queued.
    running: usize,
    stop: bool,
}

pub(super) struct Prefetch<'o> {
    state: Mutex<State>,
    changed: Condvar,
    options: &'o Options,
}

impl<'o> Prefetch<'o> {
    /// An empty prefetch; the files it meets get guessed ids from `first_id` on.
    pub(super) fn new(options: &'o Options, first_id: u32) -> Self {
        let state = State {
            next_id: first_id,
            ..State::default()
        };
        Prefetch {
            state: Mutex::new(state),
            changed: Condvar::new(),
            options,
        }
    }

    /// Queue the files that `items` of the file named `includer` include.
    pub(super) fn discover(&self, includer: &str, items: &[Item]) {
        // Each key costs a `stat`: outside the lock. Files left out are read by the walk, if it gets there.
        let found: Vec<(FileKey, String)> = scan::include_paths(items)
            .filter_map(|path| {
                let name = include::include_name(includer, path);
                Some((include::regular_file_key(Path::new(&name))?, name))
            })
            .collect();
        let mut state = self.lock();
        for (key, name) in found {
            if !state.entries.contains_key(&key) {
                let id = FileId(state.next_id);
                state.next_id += 1;
                state.entries.insert(key.clone(), Entry::Queued);
                state.queue.push_back(Job { key, name, id });
            }
        }
        self.changed.notify_all();
    }

    /// A worker: run queued jobs until none is left and none running could queue more, or until stopped.
    pub(super) fn work(&self) {
        let mut state = self.lock();
        loop {
            if state.stop || (state.queue.is_empty() && state.running == 0) {
                self.changed.notify_all();
                return;
            }
            let Some(job) = state.queue.pop_front() else {
                state = self.wait(state);
                continue;
            };
            state = self.run(state, job);
        }
    }

    /// No more scans are wanted: the walk is over.
    pub(super) fn stop(&self) {
        self.lock().stop = true;
        self.changed.notify_all();
    }

    /// The scan of the file `key`, waiting for it if it runs; `None` when the walk must read it itself. While
    /// waiting, the walk's thread runs queued jobs too.
    pub(super) fn take(&self, key: &FileKey) -> Option<Scanned> {
        let mut state = self.lock();
        loop {
            match state.entries.get(key) {
                None | Some(Entry::Gone) => return None,
                Some(Entry::Done(_)) => {
                    return match state.entries.insert(key.clone(), Entry::Gone) {
                        Some(Entry::Done(scanned)) => Some(scanned),
                        _ => None,
                    };
                }
                Some(Entry::Queued) => {
                    let at = state.queue.iter().position(|job| &job.key == key);
                    match at.and_then(|at| state.queue.remove(at)) {
                        Some(job) => state = self.run(state, job),
                        None => return None,
                    }
                }
                Some(Entry::Running) => match state.queue.pop_front() {
                    Some(job) => state = self.run(state, job),
                    None => state = self.wait(state),
                },
            }
        }
    }

    /// Run one job outside the lock and store its outcome.
    fn run<'s>(&'s self, mut state: MutexGuard<'s, State>, job: Job) -> MutexGuard<'s, State> {
        state.entries.insert(job.key.clone(), Entry::Running);
        state.running += 1;
        drop(state);
        // A scan that panics (a bug) must not leave the walk waiting: the walk then scans the file itself and
        // panics where the sequential loader would have.
        let scan = panic::AssertUnwindSafe(|| self.read_and_scan(&job));
        let outcome = panic::catch_unwind(scan).ok().flatten();
        let mut state = self.lock();
        state.running -= 1;
        let entry = outcome.map_or(Entry::Gone, Entry::Done);
        state.entries.insert(job.key, entry);
        self.changed.notify_all();
        state
    }

    fn read_and_scan(&self, job: &Job) -> Option<Scanned> {
        let text = include::read_source(Path::new(&job.name)).ok()?;
        // Only the text matters to a scan; the walk gives the file its name and includer.
        let mut file = SourceFile::new(String::new(), Default::default(), text, None);
        // About one item per 200 bytes in QEMU's schemas: reserved once rather than regrown (items are large).
        let mut items = Vec::with_capacity(file.text.len() / 200 + 1);
        items.extend(Scanner::new(&file, job.id, self.options));
        self.discover(&job.name, &items);
        Some(Scanned {
            text: std::mem::take(&mut file.text),
            id: job.id,
            items,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked leaves no broken invariant worse than a lost scan, which the walk redoes.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wait<'s>(&'s self, state: MutexGuard<'s, State>) -> MutexGuard<'s, State> {
        self.changed.wait(state).unwrap_or_else(|e| e.into_inner())
    }
}
