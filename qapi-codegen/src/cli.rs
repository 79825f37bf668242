//! The `qapi-gen` command line: argument parsing and the front-end commands (`check`, `dump`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use qapi_schema::{Diagnostic, Mode, Options, SourceMap};

/// Generate Rust from QEMU QAPI schemas, check schemas, dump the checked model.
///
/// `qapi-gen SCHEMA -o DIR` writes one Rust file per schema module (`mod.rs` at the root);
/// `qapi-gen SCHEMA --crate NAME -o DIR` writes a complete crate with a cargo feature per schema module.
#[derive(Parser, Debug)]
#[command(name = "qapi-gen", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// `check`, `dump` or `diff`; none to generate.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The arguments of generation (no subcommand).
    #[command(flatten)]
    pub generate: GenerateArgs,
}

/// `qapi-gen SCHEMA ...`: what to generate, and where.
#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// The main schema file (e.g. qapi/qapi-schema.json), a saved `query-qmp-schema` reply, or a QMP socket: bindings
    /// for exactly the QEMU that answered.
    pub schema: Option<PathBuf>,
    /// The output directory.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Write a complete crate of this name (Cargo.toml, src/lib.rs, a module and a cargo feature per schema module).
    #[arg(long = "crate", value_name = "NAME")]
    pub crate_name: Option<String>,
    /// Where a crate written with --crate finds `qapi-runtime`: a directory (a checkout of this project: written
    /// as a path, with the version), or a TOML value (`{ git = "..." }`). Default: the published qapi-runtime of
    /// this qapi-gen's version.
    #[arg(long, value_name = "DIR|TOML", requires = "crate_name")]
    pub runtime: Option<String>,
    /// The version of a crate written with --crate, e.g. `0.1.0+qemu-10.2.0` to name the QEMU release.
    #[arg(long, value_name = "VERSION", requires = "crate_name")]
    pub crate_version: Option<String>,
    /// Leave the schema's doc comments out of the generated code.
    #[arg(long)]
    pub no_docs: bool,
    /// Link every item's docs to this URL; `{name}`, `{kind}` (command, event, enum, alternate, object) and `{module}`
    /// (the schema file's stem) are filled in, as in `https://www.qemu.org/docs/master/interop/qemu-qmp-ref.html#{kind}-QMP-{module}.{name}`.
    /// Or QEMU's own manuals by name: `qmp`, `qsd` (storage daemon), `qga` (guest agent) for the master manual,
    /// `qmp@10.2.0` for a release's (on Read the Docs).
    #[arg(long, value_name = "URL|qmp|qsd|qga[@RELEASE]")]
    pub doc_url: Option<String>,
    /// The oldest QEMU release (`10.0`) whose replies and events the bindings must decode: a required member
    /// of what QEMU sends that the schema's docs say a later release added (`(since 10.1)`) becomes optional.
    #[arg(long, value_name = "RELEASE")]
    pub oldest_qemu: Option<crate::Release>,
    /// What `'if'` conditions become: `docs` (every item generated, the condition documented), `cfg`
    /// (`#[cfg(CONFIG_X)]`) or `feature` (`#[cfg(feature = "CONFIG_X")]`).
    #[arg(long, value_enum, default_value = "docs")]
    pub conditions: ConditionsArg,
    /// Do not write: exit with status 1 when a file in DIR differs from what would be written.
    #[arg(long)]
    pub check: bool,
    /// Apply the newest QEMU release's exact rules instead of the tolerant default.
    #[arg(long)]
    pub strict: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--conditions`: what `'if'` conditions become (`docs`, `cfg` or `feature`).
// clap would print variant docs in --help beside the option's own, which already says what each value does.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConditionsArg {
    Docs,
    Cfg,
    Feature,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load and check a schema; exit 0 when it is valid. Tolerant of older QEMU releases' forms unless --strict.
    Check(CheckArgs),
    /// Print the checked model in the format of QEMU's tests/qapi-schema `.out` files (the exact rules of the newest
    /// QEMU release, or of --rules).
    Dump(DumpArgs),
    /// Compare two schemas as a client sees them on the wire: schema files, saved `query-qmp-schema` replies or
    /// live QMP sockets. Each change is classified by QEMU's compatibility rules.
    Diff(qapi_diff::cli::DiffArgs),
}

/// `qapi-gen check SCHEMA`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The main schema file (e.g. qapi/qapi-schema.json).
    pub schema: PathBuf,
    /// Apply the newest QEMU release's exact rules instead of the tolerant default.
    #[arg(long)]
    pub strict: bool,
    /// Apply this QEMU release's exact rules (9.2 or 10.2; implies --strict).
    #[arg(long, value_name = "RELEASE")]
    pub rules: Option<qapi_schema::Rules>,
    /// How to print errors: `human` adds a source snippet; `plain` is `file:line[:col]: message` as QEMU prints.
    /// Default: human on a terminal, plain otherwise.
    #[arg(long, value_enum)]
    pub message_format: Option<MessageFormat>,
    /// Do not print warnings.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print every warning (by default, the first few and a count of each kind).
    #[arg(long)]
    pub all_warnings: bool,
}

/// How many warnings `check` prints in full before it only counts them.
const WARNINGS_SHOWN: usize = 10;

/// `qapi-gen dump SCHEMA`.
#[derive(Args, Debug)]
pub struct DumpArgs {
    /// The main schema file.
    pub schema: PathBuf,
    /// The QEMU release whose exact rules apply (9.2 or 10.2); the newest by default.
    #[arg(long, value_name = "RELEASE")]
    pub rules: Option<qapi_schema::Rules>,
}

/// `--message-format` of `check`: `human` (with a source snippet) or `plain` (QEMU's `file:line: message`).
// clap would print variant docs in --help beside the option's own, which already says what each value does.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Plain,
}

/// What generation reads from `path`: a schema file (its errors reported as the parser gives them), a saved
/// `query-qmp-schema` reply, or a running QEMU's QMP socket; `None` after reporting why not.
fn load_api(path: &Path, options: &Options) -> Option<crate::ir::Api> {
    use qapi_introspection::Input;
    match Input::open(path) {
        Ok(Input::SchemaFile(path)) => match qapi_schema::load(&path, options) {
            Ok(schema) => Some(crate::ir::Api::from_schema(&schema)),
            Err(err) => {
                report(
                    std::slice::from_ref(&err.diagnostic),
                    &err.sources,
                    default_format(),
                );
                None
            }
        },
        Ok(Input::Introspection(reply)) => match crate::ir::Api::from_introspection(&reply) {
            Ok(api) => Some(api),
            Err(err) => {
                eprintln!("qapi-gen: {}: {err}", path.display());
                None
            }
        },
        Err(err) => {
            eprintln!("qapi-gen: {err}");
            None
        }
    }
}

/// Run the command line; the binary's `main` is only this.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check(args)) => check(&args),
        Some(Command::Dump(args)) => dump(&args),
        Some(Command::Diff(args)) => qapi_diff::cli::run_diff(&args),
        None => generate(&cli.generate),
    }
}

fn generate(args: &GenerateArgs) -> ExitCode {
    let (Some(schema_path), Some(out_dir)) = (&args.schema, &args.output) else {
        eprintln!(
            "qapi-gen: give a schema and an output directory: qapi-gen SCHEMA -o DIR (see --help)"
        );
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let parser_options = Options {
        mode: if args.strict {
            Mode::Strict
        } else {
            Mode::Tolerant
        },
    };
    // A schema file, a saved `query-qmp-schema` reply, or a live QMP socket.
    let Some(api) = load_api(schema_path, &parser_options) else {
        return ExitCode::FAILURE;
    };
    let mut options = crate::Options::new()
        .docs(!args.no_docs)
        .conditions(match args.conditions {
            ConditionsArg::Docs => crate::Conditions::Docs,
            ConditionsArg::Cfg => crate::Conditions::Cfg,
            ConditionsArg::Feature => crate::Conditions::Feature,
        });
    if let Some(url) = &args.doc_url {
        options = options.doc_url(url.clone());
    }
    if let Some(release) = args.oldest_qemu {
        options = options.oldest_qemu(release);
    }
    let layout = match &args.crate_name {
        Some(name) => {
            let mut krate = crate::CrateOptions::new(name.clone());
            if let Some(runtime) = &args.runtime {
                krate.runtime = crate::Runtime::parse(runtime);
            }
            if let Some(version) = &args.crate_version {
                krate.version = version.clone();
            }
            crate::Layout::Crate {
                krate,
                out_dir: out_dir.clone(),
            }
        }
        None => crate::Layout::Modules,
    };
    let files = match crate::generate_files(&api, &options, &layout) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("qapi-gen: {err}");
            return ExitCode::FAILURE;
        }
    };
    let summary = crate::Summary::of(&api);
    let total = files.len();
    if args.check {
        return check_output(out_dir, &files, args.quiet);
    }
    let written = match crate::write_files(out_dir, files) {
        Ok(written) => written,
        Err(err) => {
            eprintln!("qapi-gen: cannot write to {}: {err}", out_dir.display());
            return ExitCode::FAILURE;
        }
    };
    if !args.quiet {
        eprintln!(
            "qapi-gen: {} types, {} commands, {} events in {} ms; {total} files in {}, {} changed",
            summary.types,
            summary.commands,
            summary.events,
            start.elapsed().as_millis(),
            out_dir.display(),
            written.len(),
        );
    }
    ExitCode::SUCCESS
}

/// `--check`: exit 1, naming them, when files in `out_dir` differ from `files` or are left from an earlier run.
fn check_output(out_dir: &Path, files: &[(PathBuf, String)], quiet: bool) -> ExitCode {
    let total = files.len();
    let leftovers = crate::package::leftover_files(out_dir, files);
    let stale: Vec<_> = files
        .iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(out_dir.join(path)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(path, _)| out_dir.join(path))
        .collect();
    for path in &stale {
        eprintln!("qapi-gen: stale: {}", path.display());
    }
    for path in &leftovers {
        eprintln!("qapi-gen: stale: {} is no longer generated", path.display());
    }
    let stale = [stale, leftovers].concat();
    if !stale.is_empty() {
        eprintln!(
            "qapi-gen: {} of {total} files in {} are stale; run without --check",
            stale.len(),
            out_dir.display()
        );
        return ExitCode::FAILURE;
    }
    if !quiet {
        eprintln!(
            "qapi-gen: {} is up to date ({total} files)",
            out_dir.display()
        );
    }
    ExitCode::SUCCESS
}

fn default_format() -> MessageFormat {
    if std::io::stderr().is_terminal() {
        MessageFormat::Human
    } else {
        MessageFormat::Plain
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let options = Options {
        mode: match args.rules {
            Some(rules) => Mode::StrictAs(rules),
            None if args.strict => Mode::Strict,
            None => Mode::Tolerant,
        },
    };
    let format = args.message_format.unwrap_or_else(default_format);
    match qapi_schema::load(&args.schema, &options) {
        Ok(schema) => {
            if !args.quiet {
                report_warnings(
                    schema.warnings(),
                    schema.sources(),
                    format,
                    args.all_warnings,
                );
                eprintln!(
                    "{}: valid, {} warning(s)",
                    args.schema.display(),
                    schema.warnings().len()
                );
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            if !args.quiet {
                report_warnings(&err.warnings, &err.sources, format, args.all_warnings);
            }
            report(std::slice::from_ref(&err.diagnostic), &err.sources, format);
            ExitCode::FAILURE
        }
    }
}

fn dump(args: &DumpArgs) -> ExitCode {
    let options = args.rules.map_or_else(Options::strict, Options::strict_as);
    match qapi_schema::load(&args.schema, &options) {
        Ok(schema) => {
            let text = qapi_schema::dump::dump(&schema);
            let mut out = std::io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            // dump is for tools and QEMU's test suite: always QEMU's plain form.
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

/// Print warnings: all of them, or the first few and then a count of each kind. Older QEMU releases' schemas give
/// hundreds of doc-markup warnings under 9.2's rules; a summary says more than a wall of them.
fn report_warnings(warnings: &[Diagnostic], sources: &SourceMap, format: MessageFormat, all: bool) {
    if all || warnings.len() <= WARNINGS_SHOWN {
        return report(warnings, sources, format);
    }
    report(&warnings[..WARNINGS_SHOWN], sources, format);
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for w in warnings {
        let kind = w.kind();
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    kinds.sort_by_key(|kind| std::cmp::Reverse(kind.1));
    eprintln!(
        "... {} more warnings (--all-warnings lists them); in all:",
        warnings.len() - WARNINGS_SHOWN
    );
    for (kind, n) in kinds {
        eprintln!("{n:6} × {kind}");
    }
}

/// Print diagnostics to stderr in the chosen format.
pub fn report(diagnostics: &[Diagnostic], sources: &SourceMap, format: MessageFormat) {
    match format {
        MessageFormat::Plain => {
            for d in diagnostics {
                eprintln!("{}", d.display(sources));
            }
        }
        MessageFormat::Human => {
            let color =
                if std::env::var_os("NO_COLOR").is_some() || !std::io::stderr().is_terminal() {
                    ColorChoice::Never
                } else {
                    ColorChoice::Auto
                };
            let mut stream = StandardStream::stderr(color);
            for d in diagnostics {
                if d.emit_terminal(sources, &mut stream).is_err() {
                    eprintln!("{}", d.display(sources));
                }
            }
        }
    }
}
