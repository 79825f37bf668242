//! Where the reference material is: the shared directory beside the project, QEMU's schema test suite and
//! every release's schemas in it.

use std::path::{Path, PathBuf};

use crate::missing::require;

/// The reference material (`../shared` beside the project root), or `$QAPI_SHARED_DIR`.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("QAPI_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

/// `rel` under the shared directory when it exists; otherwise says it is missing (see [`require`]).
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    require(&shared_dir().join(rel), rel)
}

/// QEMU 9.2.4's schema test suite (the front end's tests of 9.2's rules): `$QAPI_SCHEMA_SUITE`, or the 9.2.4
/// copy in the shared directory.
pub fn schema_suite_dir() -> PathBuf {
    match std::env::var_os("QAPI_SCHEMA_SUITE") {
        Some(dir) => PathBuf::from(dir),
        None => shared_dir().join("qemu/9.2.4/tests/qapi-schema"),
    }
}

/// The schema test suite of QEMU `release` (`"10.2.0"`) in the shared directory.
pub fn release_suite_dir(release: &str) -> PathBuf {
    shared_dir()
        .join("qemu")
        .join(release)
        .join("tests/qapi-schema")
}

/// Every QEMU release's schemas in the shared directory: `(label, path)` for the QMP, guest-agent and
/// storage-daemon schema of each release present, oldest release first. Where each lives moved over time: the QMP
/// schema was `qapi-schema.json` at the top until 2.x moved it to `qapi/`, and the guest agent's was
/// `qapi-schema-guest.json` at the top before it moved to `qga/`.
pub fn release_schemas(shared: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(shared.join("qemu")) else {
        return out;
    };
    let mut versions: Vec<_> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .collect();
    versions.sort_by_key(|v| release_key(v));
    for v in versions {
        for (kind, places) in [
            ("qmp", &["qapi/qapi-schema.json", "qapi-schema.json"][..]),
            (
                "qga",
                &["qga/qapi-schema.json", "qapi-schema-guest.json"][..],
            ),
            (
                "storage-daemon",
                &["storage-daemon/qapi/qapi-schema.json"][..],
            ),
        ] {
            let dir = shared.join("qemu").join(&v);
            if let Some(p) = places.iter().map(|rel| dir.join(rel)).find(|p| p.exists()) {
                out.push((format!("{v} {kind}"), p));
            }
        }
    }
    out
}

/// A release's numbers, for ordering `9.2.4` before `10.2.0`.
fn release_key(version: &str) -> Vec<u32> {
    version
        .split('.')
        .map(|n| n.parse().unwrap_or(u32::MAX))
        .collect()
}
