//! What the tests share: where the reference material is, loading, and finding changes in a diff.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use qapi_diff::{diff, Change, ChangeKind, Class, Diff, Part, Root, WireSchema};

/// The reference material (`../shared` beside the project root), or `$QAPI_SHARED_DIR`.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("QAPI_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `Some(path)` when the shared file exists; otherwise says so, and fails when `CI=true`.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = shared_dir().join(rel);
    if path.exists() {
        return Some(path);
    }
    let msg = format!(
        "{} not found (set QAPI_SHARED_DIR or place ../shared beside the project)",
        path.display()
    );
    assert!(!ci(), "{msg}; CI=true, so this is a failure");
    eprintln!("SKIPPED: {msg}");
    None
}

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The wire view of a schema file, a saved reply or a socket.
pub fn wire(path: &Path) -> WireSchema {
    let loaded = qapi_diff::load(path, &qapi_parser::Options::default())
        .unwrap_or_else(|e| panic!("{} does not load: {e}", path.display()));
    loaded
        .wire()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn diff_files(old: &Path, new: &Path) -> Diff {
    diff(&wire(old), &wire(new))
}

/// The one change under `root` at `part`+`path` whose kind satisfies `pred`; panics listing the root's changes
/// when there is none or more than one.
pub fn find<'a>(
    d: &'a Diff,
    root: &Root,
    part: Option<Part>,
    path: &str,
    pred: impl Fn(&ChangeKind) -> bool,
) -> &'a Change {
    let found: Vec<&Change> = d
        .under(root)
        .filter(|c| c.part == part && c.path == path && pred(&c.kind))
        .collect();
    if found.len() != 1 {
        let listing: Vec<String> = d.under(root).map(|c| c.to_string()).collect();
        panic!(
            "{} matching changes under {root} at {path:?}; its changes:\n{}",
            found.len(),
            listing.join("\n")
        );
    }
    found[0]
}

pub fn command(name: &str) -> Root {
    Root::Command(name.to_string())
}

pub fn event(name: &str) -> Root {
    Root::Event(name.to_string())
}

/// The class of the command's or event's own change of `kind` (added, removed, ...).
pub fn whole(d: &Diff, root: &Root, pred: impl Fn(&ChangeKind) -> bool) -> Class {
    find(d, root, None, "", pred).class
}
