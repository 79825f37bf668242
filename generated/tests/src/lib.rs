//! What the tests of the committed QEMU bindings share: how each crate in `generated/` is generated (the same
//! arguments as `generated/regenerate.sh`) and where the schemas are. The QEMU programs they run against, and
//! what a test does when something is missing, come from `qapi_tests`.

use std::path::{Path, PathBuf};

pub mod freshness;

/// One committed crate: how `regenerate.sh` writes it.
#[derive(Clone, Copy, Debug)]
pub struct Bindings {
    /// The package name and directory under `generated/`.
    pub name: &'static str,
    /// The main schema file, relative to `shared/qemu/10.2.0/`.
    pub schema: &'static str,
    /// `--doc-url`.
    pub doc_url: &'static str,
}

/// `--runtime` of every crate: the workspace's `qapi-runtime`, seen from `generated/NAME/`.
/// The committed crates' version: ours, with the QEMU release they were generated from as build metadata.
pub const CRATE_VERSION: &str = "0.1.0+qemu-10.2.0";

/// `--oldest-qemu` of every crate: the bindings decode what QEMU 6.2 (Ubuntu 22.04's) and later send; members a
/// later release made required are optional (see `qapi_gen::Options::oldest_qemu`).
pub const OLDEST_QEMU: &str = "6.2";

pub const RUNTIME: &str = r#"{ version = "0.1.0", path = "../../qapi-runtime" }"#;

/// QEMU's reference manuals of the release the bindings come from (qapi-gen's shorthand for
/// `https://qemu.readthedocs.io/en/v10.2.0/interop/qemu-qmp-ref.html#{kind}-QMP-{module}.{name}`).
pub const QMP_DOC: &str = "qmp@10.2.0";
pub const QSD_DOC: &str = "qsd@10.2.0";
pub const QGA_DOC: &str = "qga@10.2.0";

/// The three crates, as `regenerate.sh` writes them.
pub const BINDINGS: [Bindings; 3] = [
    Bindings {
        name: "qemu-qmp",
        schema: "qapi/qapi-schema.json",
        doc_url: QMP_DOC,
    },
    Bindings {
        name: "qemu-storage-daemon-qmp",
        schema: "storage-daemon/qapi/qapi-schema.json",
        doc_url: QSD_DOC,
    },
    Bindings {
        name: "qemu-qga",
        schema: "qga/qapi-schema.json",
        doc_url: QGA_DOC,
    },
];

/// `generated/`.
pub fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// QEMU 10.2.0's tree in the shared directory.
pub fn qemu_10_2_0() -> PathBuf {
    qapi_tests::shared_dir().join("qemu/10.2.0")
}

/// The snippets of the READMEs that show the bindings in use, compiled as doctests (`no_run`: they need a QEMU).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct GeneratedReadme;

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct RootReadme;

/// qmp-client's README: typed commands and events come from bindings, so its snippet is compiled here.
#[cfg(doctest)]
#[doc = include_str!("../../../qmp-client/README.md")]
pub struct QmpClientReadme;

/// qapi-macros' README: the macro reads QEMU's schema through `$QEMU_SRC`, and the build.rs snippet includes the
/// `OUT_DIR/qapi.rs` that this crate's build script writes with `qapi_gen::Config`'s generator (`build.rs`).
#[cfg(doctest)]
#[doc = include_str!("../../../qapi-macros/README.md")]
pub struct QapiMacrosReadme;
