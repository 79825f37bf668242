//! The build.rs front, in the style of prost-build:
//!
//! ```no_run
//! // build.rs
//! qapi_gen::Config::new().schema("qemu/qapi/qapi-schema.json").generate_to_out_dir()?;
//! # Ok::<(), qapi_gen::ConfigError>(())
//! // src/lib.rs: include!(concat!(env!("OUT_DIR"), "/qapi.rs"));
//! ```
//!
//! It prints `cargo:rerun-if-changed` for the schema and every file it includes, declares condition names for
//! `check-cfg` when conditions map to `cfg`, and rewrites the output only when it changed (so that an unchanged
//! schema does not rebuild the crate).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::ir::Api;
use crate::options::{Conditions, Options};

/// Why [`Config::generate`] failed.
#[derive(Debug)]
pub enum ConfigError {
    /// The schema did not load.
    Load(Box<qapi_schema::LoadError>),
    /// The options do not fit the schema (an unknown module).
    Generate(crate::Error),
    /// No schema path was given.
    NoSchema,
    /// Neither an output directory nor `OUT_DIR`.
    NoOutDir,
    /// Reading the schema or writing the output failed.
    Io(io::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Load(e) => e.fmt(f),
            ConfigError::Generate(e) => e.fmt(f),
            ConfigError::NoSchema => f.write_str("no schema given: call Config::schema"),
            ConfigError::NoOutDir => f.write_str(
                "no output directory: call Config::out_dir, or run from build.rs (OUT_DIR)",
            ),
            ConfigError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ConfigError {}

impl From<io::Error> for ConfigError {
    fn from(e: io::Error) -> ConfigError {
        ConfigError::Io(e)
    }
}

/// Generation from a build script, in the style of prost-build: a schema's bindings written to `OUT_DIR/qapi.rs`,
/// rewritten only when they change, with `cargo:rerun-if-changed` for every schema file read.
#[derive(Clone, Debug, Default)]
pub struct Config {
    schema: Option<PathBuf>,
    out_dir: Option<PathBuf>,
    file_name: Option<String>,
    options: Options,
    parser: qapi_schema::Options,
    cargo_messages: Option<bool>,
}

impl Config {
    /// No schema yet; docs on, tolerant front end, output to `OUT_DIR/qapi.rs`.
    pub fn new() -> Config {
        Config::default()
    }

    /// The schema's main file.
    pub fn schema(&mut self, path: impl Into<PathBuf>) -> &mut Config {
        self.schema = Some(path.into());
        self
    }

    /// Where to write; default `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Config {
        self.out_dir = Some(dir.into());
        self
    }

    /// The output file's name; default `qapi.rs`.
    pub fn file_name(&mut self, name: impl Into<String>) -> &mut Config {
        self.file_name = Some(name.into());
        self
    }

    /// All generation options at once (replaces those set before).
    pub fn options(&mut self, options: Options) -> &mut Config {
        self.options = options;
        self
    }

    /// Rustdoc from the schema's doc comments (default on).
    pub fn docs(&mut self, on: bool) -> &mut Config {
        self.options.docs = on;
        self
    }

    /// What `'if'` conditions become.
    pub fn conditions(&mut self, conditions: Conditions) -> &mut Config {
        self.options.conditions = conditions;
        self
    }

    /// The oldest QEMU release whose replies and events the bindings must decode (see
    /// [`Options::oldest_qemu`](Options#structfield.oldest_qemu)).
    pub fn oldest_qemu(&mut self, release: crate::Release) -> &mut Config {
        self.options.oldest_qemu = Some(release);
        self
    }

    /// Front-end options (strict or tolerant; tolerant by default).
    pub fn parser_options(&mut self, options: qapi_schema::Options) -> &mut Config {
        self.parser = options;
        self
    }

    /// Print `cargo:` directives (default: when run by Cargo, i.e. when `OUT_DIR` is set).
    pub fn cargo_messages(&mut self, on: bool) -> &mut Config {
        self.cargo_messages = Some(on);
        self
    }

    /// Generates into `OUT_DIR` (or the configured directory). Gives the file written.
    pub fn generate_to_out_dir(&self) -> Result<PathBuf, ConfigError> {
        self.generate()
    }

    /// Loads, generates, and writes if changed. Gives the output file.
    pub fn generate(&self) -> Result<PathBuf, ConfigError> {
        let schema_path = self.schema.as_ref().ok_or(ConfigError::NoSchema)?;
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(ConfigError::NoOutDir)?,
        };
        let cargo = self
            .cargo_messages
            .unwrap_or_else(|| std::env::var_os("OUT_DIR").is_some());
        let loaded = qapi_schema::load(schema_path, &self.parser);
        if cargo {
            // Watch the main file even when it failed to load, so that fixing it reruns the build script.
            println!("cargo:rerun-if-changed={}", schema_path.display());
        }
        let schema = loaded.map_err(|e| {
            if cargo {
                for (_, file) in e.sources.files() {
                    println!("cargo:rerun-if-changed={}", file.path.display());
                }
            }
            ConfigError::Load(Box::new(e))
        })?;
        if cargo {
            for (_, file) in schema.sources().files() {
                println!("cargo:rerun-if-changed={}", file.path.display());
            }
        }
        let api = Api::from_schema(&schema);
        if cargo && self.options.conditions == Conditions::Cfg {
            for name in condition_names(&api) {
                println!("cargo::rustc-check-cfg=cfg({name})");
            }
        }
        let text = crate::generate(&api, &self.options).map_err(ConfigError::Generate)?;
        let path = out_dir.join(self.file_name.as_deref().unwrap_or("qapi.rs"));
        write_if_changed(&path, &text)?;
        Ok(path)
    }
}

/// Every condition name the schema uses.
pub(crate) fn condition_names(api: &Api) -> Vec<String> {
    let mut names: Vec<&str> = Vec::new();
    fn add<'a>(names: &mut Vec<&'a str>, c: Option<&'a crate::ir::Cond>) {
        if let Some(c) = c {
            crate::cfg::names(c, names);
        }
    }
    let mut add = |c| add(&mut names, c);
    for d in &api.definitions {
        add(d.cond.as_ref());
        d.features.iter().for_each(|f| add(f.cond.as_ref()));
        match &d.kind {
            crate::ir::Kind::Enum(values) => values.iter().for_each(|v| add(v.cond.as_ref())),
            crate::ir::Kind::Struct(s) => s.members.iter().for_each(|m| add(m.cond.as_ref())),
            crate::ir::Kind::Union(u) => {
                u.members.iter().for_each(|m| add(m.cond.as_ref()));
                u.branches.iter().for_each(|b| add(b.cond.as_ref()));
            }
            crate::ir::Kind::Alternate(b) | crate::ir::Kind::SimpleUnion(b) => {
                b.iter().for_each(|b| add(b.cond.as_ref()))
            }
            crate::ir::Kind::Command(c) => {
                if let crate::ir::Args::Inline(m) = &c.args {
                    m.iter().for_each(|m| add(m.cond.as_ref()));
                }
            }
            crate::ir::Kind::Event(e) => {
                if let crate::ir::Args::Inline(m) = &e.data {
                    m.iter().for_each(|m| add(m.cond.as_ref()));
                }
            }
        }
    }
    names.into_iter().map(String::from).collect()
}

/// Writes `text` to `path` unless the file already holds exactly that. Gives whether it wrote.
pub(crate) fn write_if_changed(path: &Path, text: &str) -> io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)?;
    Ok(true)
}
