//! Whether a committed crate is what the current generator writes from the schema in `../shared`: the same files
//! `qapi-gen SCHEMA --crate NAME -o DIR --no-docs --doc-url URL --runtime TOML` writes, computed in-process.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use qapi_gen::{generate_files, CrateOptions, Layout, Options};
use qapi_schema::Mode;

use crate::{Bindings, CRATE_VERSION, RUNTIME};

/// What differs between the committed crate and the generator's output.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    /// Files whose contents differ, or that the generator writes and are not committed.
    pub changed: Vec<PathBuf>,
    /// Files under `src/` that the generator no longer writes.
    pub extra: Vec<PathBuf>,
}

impl Staleness {
    pub fn is_fresh(&self) -> bool {
        self.changed.is_empty() && self.extra.is_empty()
    }
}

/// The generator's files for `bindings` (as the CLI computes them), as (path in the crate, contents).
pub fn expected_files(
    bindings: &Bindings,
    schema_root: &Path,
    crate_dir: &Path,
) -> Result<Vec<(PathBuf, String)>, String> {
    let schema_path = schema_root.join(bindings.schema);
    let parser_options = qapi_schema::Options {
        mode: Mode::Tolerant,
    };
    let schema = qapi_schema::load(&schema_path, &parser_options)
        .map_err(|e| format!("{}: {}", schema_path.display(), e.diagnostic.message))?;
    let options = Options::new()
        .docs(false)
        .doc_url(bindings.doc_url)
        .oldest_qemu(crate::OLDEST_QEMU.parse().expect("a release"));
    let mut krate = CrateOptions::new(bindings.name);
    krate.runtime = qapi_gen::Runtime::parse(RUNTIME);
    krate.version = CRATE_VERSION.to_owned();
    let api = qapi_gen::ir::Api::from_schema(&schema);
    let layout = Layout::Crate {
        krate,
        out_dir: crate_dir.to_owned(),
    };
    generate_files(&api, &options, &layout).map_err(|e| e.to_string())
}

/// Compares the crate in `crate_dir` with what the generator writes.
pub fn staleness(
    bindings: &Bindings,
    schema_root: &Path,
    crate_dir: &Path,
) -> Result<Staleness, String> {
    let files = expected_files(bindings, schema_root, crate_dir)?;
    let mut result = Staleness::default();
    for (path, text) in &files {
        let committed = std::fs::read_to_string(crate_dir.join(path)).ok();
        if committed.as_deref() != Some(text.as_str()) {
            result.changed.push(path.clone());
        }
    }
    let written: BTreeSet<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
    let src = crate_dir.join("src");
    let entries = std::fs::read_dir(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    for entry in entries.flatten() {
        let path = Path::new("src").join(entry.file_name());
        if !written.contains(path.as_path()) {
            result.extra.push(path);
        }
    }
    result.extra.sort();
    Ok(result)
}
