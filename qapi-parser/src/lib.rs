//! Reads QEMU QAPI schemas exactly as QEMU's own generator (`scripts/qapi`) reads them.
//!
//! The pipeline is text → AST ([`parser`]) → checked definitions ([`expr`]) → checked model ([`schema`]); each
//! stage reads only the previous stage's plain output. [`dump`] prints the model in the format of QEMU's schema
//! test suite.
//!
//! ```no_run
//! let schema = qapi_schema::load("qapi/qapi-schema.json", &qapi_schema::Options::default())?;
//! println!("{} files read", schema.sources().len());
//! # Ok::<(), qapi_schema::LoadError>(())
//! ```
//!
//! Included files are scanned on spare cores while one thread walks them in QEMU's depth-first order
//! ([`parser`]), so that a large schema loads in the time of its largest files; a schema whose main file has fewer
//! than four `include` directives stays on one thread. What that buys, and where the time goes, is measured in
//! `benches/README.md`.
#![warn(missing_docs)]
// A front end reports one error and stops, as QEMU does: the error path is cold, so a large error type costs
// nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod ast;
pub mod definition;
pub mod diagnostic;
pub mod doc;
pub mod doc_parser;
mod doc_style;
pub mod dump;
pub mod expr;
pub mod grammar;
pub mod parser;
pub mod schema;
pub mod source;

use std::fmt;
use std::path::Path;

pub use diagnostic::{Diagnostic, Severity};
pub use schema::Schema;

pub use source::{FileId, SourceFile, SourceMap, Span};

/// Which rules apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// The newest QEMU release's rules ([`Rules::NEWEST`]), exactly: what `qapi-gen dump` and QEMU's test suite
    /// use.
    Strict,
    /// An older QEMU release's rules, exactly: for a fork pinned to that release (`qapi-gen check --rules 9.2`).
    StrictAs(Rules),
    /// Any QEMU release's schema since 1.0, or a downstream fork's, loads: older spellings (simple unions, `'type'`
    /// for struct, C-expression conditions, old pragma names, members without commas) are understood, and rules
    /// that concern only doc-comment markup become warnings. Real semantic errors stay errors.
    #[default]
    Tolerant,
}

/// A QEMU release whose schema-language rules strict mode applies: the releases whose test suite this crate
/// passes. Rules changed between them in doc comments only (and a limit on feature names); see each variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rules {
    /// QEMU 9.2: `=` headings in free-form doc comments (first line of a block only), and `section=None` /
    /// `TODO` in the suite's dump.
    V9_2,
    /// QEMU 10.2: headings are plain rST, doc lines are at most 70 characters with two spaces between sentences
    /// (outside literal blocks), at most 64 feature names in a schema.
    V10_2,
}

impl Rules {
    /// The rules of the newest release supported: what strict mode applies.
    pub const NEWEST: Rules = Rules::V10_2;
    /// Every rule set, oldest first, with the release it is named for.
    pub const ALL: [(Rules, &'static str); 2] = [(Rules::V9_2, "9.2"), (Rules::V10_2, "10.2")];

    /// The release's `MAJOR.MINOR` (`"9.2"`).
    pub fn release(self) -> &'static str {
        Rules::ALL
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("?", |(_, name)| name)
    }
}

impl std::str::FromStr for Rules {
    type Err = String;

    /// `9.2`, `9.2.4`, `10.2`, `10.2.0`: a release whose rules are known.
    fn from_str(text: &str) -> Result<Rules, String> {
        let mut parts = text.trim().splitn(3, '.');
        let major_minor = match (parts.next(), parts.next(), parts.next()) {
            (Some(major), Some(minor), patch)
                if patch.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) =>
            {
                format!("{major}.{minor}")
            }
            _ => String::new(),
        };
        Rules::ALL
            .iter()
            .find(|(_, name)| *name == major_minor)
            .map(|(rules, _)| *rules)
            .ok_or_else(|| {
                let known: Vec<_> = Rules::ALL.iter().map(|(_, name)| *name).collect();
                format!(
                    "no rules for QEMU release '{text}': known releases are {}",
                    known.join(", ")
                )
            })
    }
}

impl fmt::Display for Rules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.release())
    }
}

/// How a schema is read: see [`Mode`].
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Tolerant (the default), strict, or strict with one release's rules.
    pub mode: Mode,
}

impl Options {
    /// The newest release's rules, exactly.
    pub fn strict() -> Options {
        Options { mode: Mode::Strict }
    }

    /// `rules`, exactly.
    pub fn strict_as(rules: Rules) -> Options {
        Options {
            mode: Mode::StrictAs(rules),
        }
    }

    /// Whether the schema is read tolerantly (any release's schema, deviations reported as warnings).
    pub fn is_tolerant(&self) -> bool {
        self.mode == Mode::Tolerant
    }

    /// The release whose rules apply: tolerant mode reads with the newest release's, relaxed.
    pub fn rules(&self) -> Rules {
        match self.mode {
            Mode::StrictAs(rules) => rules,
            Mode::Strict | Mode::Tolerant => Rules::NEWEST,
        }
    }

    /// Whether the rules are at least `release`'s and apply exactly (strict mode).
    pub(crate) fn strict_since(&self, release: Rules) -> bool {
        !self.is_tolerant() && self.rules() >= release
    }
}

/// A schema that failed to load: the first error, as QEMU reports only the first, with the files read so far.
#[derive(Debug)]
pub struct LoadError {
    /// The error.
    pub diagnostic: Diagnostic,
    /// The files read up to the error, to print the error against.
    pub sources: SourceMap,
    /// Warnings issued before the error (tolerant mode).
    pub warnings: Vec<Diagnostic>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.display(&self.sources).fmt(f)
    }
}

impl std::error::Error for LoadError {}

/// Load, check and model the schema whose main file is `path`. Included files are read relative to the file
/// that includes them.
pub fn load(path: impl AsRef<Path>, options: &Options) -> Result<Schema, LoadError> {
    let mut sources = SourceMap::new();
    let mut warnings = Vec::new();
    let result = (|| {
        let parsed = parser::parse_file(path.as_ref(), &mut sources, options, &mut warnings)?;
        run_checks(parsed, &sources, options, &mut warnings)
    })();
    finish(result, sources, warnings)
}

/// Like [`load`], for a schema held in memory. `name` is the name errors give the file; `include` directives are
/// read from the file system, relative to `name`.
pub fn load_str(name: &str, text: &str, options: &Options) -> Result<Schema, LoadError> {
    let mut sources = SourceMap::new();
    let mut warnings = Vec::new();
    let result = (|| {
        let parsed = parser::parse_str(name, text, &mut sources, options, &mut warnings)?;
        run_checks(parsed, &sources, options, &mut warnings)
    })();
    finish(result, sources, warnings)
}

fn run_checks(
    parsed: ast::ParsedSchema,
    sources: &SourceMap,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<schema::Model, Diagnostic> {
    let ast::ParsedSchema {
        expressions,
        docs,
        pragmas,
    } = parsed;
    // The definitions take their names out of the expressions, which are not needed afterwards.
    let items = expr::check_owned(expressions, &docs, &pragmas, options, warnings)?;
    schema::Model::build(items, docs, pragmas, sources, options, warnings)
}

fn finish(
    result: Result<schema::Model, Diagnostic>,
    sources: SourceMap,
    warnings: Vec<Diagnostic>,
) -> Result<Schema, LoadError> {
    match result {
        Ok(model) => Ok(Schema::new(model, sources, warnings)),
        Err(diagnostic) => Err(LoadError {
            diagnostic,
            sources,
            warnings,
        }),
    }
}

/// The README's snippets, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
