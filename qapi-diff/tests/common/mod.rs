//! What the tests share: their own data, loading, and finding changes in a diff. The reference material is
//! `qapi_tests::shared_file`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use qapi_diff::{diff, Change, ChangeKind, Class, Diff, Part, Root};
use qapi_introspection::WireSchema;

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The wire view of a schema file, a saved reply or a socket.
pub fn wire(path: &Path) -> WireSchema {
    let loaded = qapi_introspection::load(path, &qapi_schema::Options::default())
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
