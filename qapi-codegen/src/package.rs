//! `qapi-gen --crate NAME -o DIR`: a complete crate, `Cargo.toml` and one source file per schema module, each
//! module behind a cargo feature of its name (all on by default).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use crate::code::Code;
use crate::context::Context;
use crate::ir::Api;
use crate::options::{check_modules, Conditions, Options};
use crate::{builder, Error, HEADER};

/// How the crate is named and where it finds `qapi-runtime`.
#[derive(Clone, Debug)]
pub struct CrateOptions {
    /// The package name, e.g. `qemu-qmp`.
    pub name: String,
    /// The package version, e.g. `0.1.0+qemu-10.2.0`; default `0.1.0`.
    pub version: String,
    /// Where the crate finds `qapi-runtime`. Default: [`Runtime::Published`].
    pub runtime: Runtime,
    /// Add an empty `[workspace]` table, so that the crate builds on its own even inside another workspace's
    /// directory.
    pub standalone: bool,
    /// The package `description`; default: one naming the schema.
    pub description: Option<String>,
}

impl CrateOptions {
    /// A crate called `name`, version `0.1.0`, on the published `qapi-runtime`, standalone.
    pub fn new(name: impl Into<String>) -> CrateOptions {
        CrateOptions {
            name: name.into(),
            version: "0.1.0".into(),
            runtime: Runtime::Published,
            standalone: true,
            description: None,
        }
    }
}

/// Where a written crate finds `qapi-runtime`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// The published `qapi-runtime` of this generator's version (`qapi-runtime = "0.1.0"`).
    Published,
    /// A `qapi-runtime` directory (a checkout of this workspace): written relative to the crate when it can be,
    /// with the version too, so that the crate still packages.
    Path(PathBuf),
    /// The dependency's TOML value as given, e.g. `{ git = "..." }`.
    Toml(String),
}

impl Runtime {
    /// `qapi-gen --runtime VALUE`: a TOML value when it starts with `{` or `"`, a directory otherwise.
    pub fn parse(value: &str) -> Runtime {
        match value.trim_start().chars().next() {
            Some('{' | '"') => Runtime::Toml(value.to_owned()),
            _ => Runtime::Path(PathBuf::from(value)),
        }
    }

    fn toml(&self, out_dir: &Path) -> String {
        let version = env!("CARGO_PKG_VERSION");
        match self {
            Runtime::Published => format!("{version:?}"),
            Runtime::Path(dir) => {
                let dir = dir.canonicalize().unwrap_or_else(|_| dir.clone());
                let path = relative(out_dir, &dir).unwrap_or(dir);
                format!(
                    "{{ version = {version:?}, path = {:?} }}",
                    path.display().to_string()
                )
            }
            Runtime::Toml(value) => value.clone(),
        }
    }
}

/// The `qapi-runtime` versions whose generated code this generator writes, as semver groups them (`0.1`, or `1`
/// from 1.0 on): generated code asks the runtime for it with `require_runtime!`, which fails to compile, naming both
/// versions, in a runtime that does not run such code.
pub(crate) fn runtime_version() -> String {
    let mut parts = env!("CARGO_PKG_VERSION").split('.');
    let major = parts.next().unwrap_or("0");
    let minor = parts.next().unwrap_or("0");
    // Semver: below 1.0 the minor version breaks, from 1.0 on the major.
    if major == "0" {
        format!("0.{minor}")
    } else {
        major.to_owned()
    }
}

/// What [`crate::generate_files`] writes.
#[derive(Clone, Debug)]
pub enum Layout {
    /// `qapi-gen SCHEMA -o DIR`: `mod.rs` (the root: re-exports, `Commands`, `AnyEvent`) and one file per schema
    /// module.
    Modules,
    /// `qapi-gen SCHEMA --crate NAME -o DIR`: `Cargo.toml`, `src/lib.rs` and one file per schema module, each
    /// behind a cargo feature. `out_dir` is where the crate goes, for the path to `qapi-runtime`.
    Crate {
        /// The crate's name, version and runtime.
        krate: CrateOptions,
        /// The directory the crate is written to.
        out_dir: PathBuf,
    },
}

pub(crate) fn files(
    api: &Api,
    options: &Options,
    layout: &Layout,
) -> Result<Vec<(PathBuf, String)>, Error> {
    match layout {
        Layout::Modules => {
            let ctx = Context::new(api, options);
            check_modules(&ctx)?;
            Ok(source_files(&ctx, "mod.rs", ""))
        }
        Layout::Crate { krate, out_dir } => crate_files(api, options, krate, out_dir),
    }
}

/// The files of the crate, as (path relative to the crate root, contents).
fn crate_files(
    api: &Api,
    options: &Options,
    krate: &CrateOptions,
    out_dir: &Path,
) -> Result<Vec<(PathBuf, String)>, Error> {
    let options = Options {
        module_features: true,
        ..options.clone()
    };
    let ctx = Context::new(api, &options);
    check_modules(&ctx)?;
    let mut files = source_files(&ctx, "lib.rs", "src/");
    let features = crate::output::module_features(&ctx);
    let mut conditions: Vec<String> = Vec::new();
    if options.conditions == Conditions::Feature {
        conditions = builder::condition_names(api);
    }
    files.push((
        PathBuf::from("Cargo.toml"),
        manifest(krate, &features, &conditions, out_dir),
    ));
    Ok(files)
}

fn source_files(ctx: &Context, root_name: &str, dir: &str) -> Vec<(PathBuf, String)> {
    let options = ctx.options;
    let file = |m: crate::output::ModuleOutput| format!("{HEADER}{}", m.body);
    let (modules, root) = crate::output::assemble_map(ctx, crate::output::threads(), 0, file);
    let mut files = Vec::new();
    let mut lib = Code::with_capacity(0, root.len() + 64 * modules.len() + 256);
    lib.append(HEADER);
    lib.inner_doc(&crate::crate_docs::root(ctx, options.module_features));
    if root_name == "lib.rs" {
        // docs.rs (`--cfg docsrs`, see the manifest) shows the feature each gated item needs.
        lib.line("#![cfg_attr(docsrs, feature(doc_cfg))]");
        // Every item has docs: the schema's, its link to QEMU's manual, or at least its schema name.
        lib.line("#![warn(missing_docs)]");
    }
    for m in modules {
        lib.attrs(&m.gate);
        lib.line_of(&["pub mod ", &m.name, ";"]);
        files.push((PathBuf::from(format!("{dir}{}.rs", m.name)), m.value));
    }
    lib.append(&root);
    files.push((
        PathBuf::from(format!("{dir}{root_name}")),
        lib.into_string(),
    ));
    files
}

fn manifest(
    krate: &CrateOptions,
    features: &[(String, Vec<String>)],
    conditions: &[String],
    out_dir: &Path,
) -> String {
    let runtime = krate.runtime.toml(out_dir);
    let mut s = String::new();
    let _ = writeln!(s, "# @generated by qapi-gen. Do not edit.\n[package]\nname = {:?}\nversion = {:?}\nedition = \"2021\"", krate.name, krate.version);
    if let Some(d) = &krate.description {
        let _ = writeln!(s, "description = {d:?}");
    }
    let _ = writeln!(
        s,
        "\n[dependencies]\nqapi-runtime = {runtime}\n\n[features]"
    );
    let quoted = |names: &mut dyn Iterator<Item = &String>| {
        names
            .map(|f| format!("{f:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        s,
        "default = [{}]",
        quoted(&mut features.iter().map(|(f, _)| f))
    );
    // A module's feature enables those of the modules it uses (cycles included: Cargo accepts them).
    for (f, needs) in features {
        let _ = writeln!(s, "{f} = [{}]", quoted(&mut needs.iter()));
    }
    for c in conditions {
        let _ = writeln!(s, "{c} = []");
    }
    // docs.rs documents every module and marks each item with the feature it needs.
    s.push_str(
        "\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n\n\
         [lints.rust]\nunexpected_cfgs = { level = \"warn\", check-cfg = [\"cfg(docsrs)\"] }\n",
    );
    if krate.standalone {
        s.push_str("\n[workspace]\n");
    }
    s
}

/// `to` relative to `from` (both made absolute), when they share a root.
fn relative(from: &Path, to: &Path) -> Option<PathBuf> {
    let from = std::path::absolute(from).ok()?;
    let from = from.canonicalize().unwrap_or(from);
    let to = std::path::absolute(to).ok()?;
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for c in to.components().skip(common) {
        out.push(c);
    }
    Some(out)
}

/// Writes the crate for `schema` into `out_dir` (files rewritten only when changed). Gives the files written.
pub fn write_crate(
    schema: &qapi_schema::Schema,
    options: &Options,
    krate: &CrateOptions,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let files = crate_files(&Api::from_schema(schema), options, krate, out_dir)?;
    write_files(out_dir, files).map_err(|error| Error::Io {
        path: out_dir.to_owned(),
        error: error.to_string(),
    })
}

/// Writes the generator's whole output `files` under `out_dir`, each only when its contents changed, and removes
/// the leftover files of an earlier run. Gives the files written or removed.
pub fn write_files(out_dir: &Path, files: Vec<(PathBuf, String)>) -> io::Result<Vec<PathBuf>> {
    let mut changed = leftover_files(out_dir, &files);
    for path in &changed {
        std::fs::remove_file(path)?;
    }
    for (path, text) in files {
        let full = out_dir.join(&path);
        if builder::write_if_changed(&full, &text)? {
            changed.push(full);
        }
    }
    Ok(changed)
}

/// Rust files under `out_dir` that an earlier run wrote and `files` no longer has: the module of a schema file
/// that was removed or renamed. Only files that start with the generator's [`HEADER`], in a directory the
/// generator writes Rust to, count: whatever else a user keeps there stays.
pub(crate) fn leftover_files(out_dir: &Path, files: &[(PathBuf, String)]) -> Vec<PathBuf> {
    let ours: BTreeSet<PathBuf> = files.iter().map(|(p, _)| out_dir.join(p)).collect();
    let dirs: BTreeSet<&Path> = ours
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter_map(|p| p.parent())
        .collect();
    let mut leftovers = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.extension().is_some_and(|e| e == "rs")
                && !ours.contains(&path)
                && starts_with_header(&path)
            {
                leftovers.push(path);
            }
        }
    }
    leftovers.sort();
    leftovers
}

fn starts_with_header(path: &Path) -> bool {
    let mut start = [0; HEADER.len()];
    std::fs::File::open(path)
        .and_then(|mut f| io::Read::read_exact(&mut f, &mut start))
        .is_ok_and(|()| start == *HEADER.as_bytes())
}
