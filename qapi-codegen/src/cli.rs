//! The `qapi-gen` command line: argument parsing and the front-end commands (`check`, `dump`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use qapi_parser::{Diagnostic, LoadError, Mode, Options, SourceMap};

/// Generate Rust from QEMU QAPI schemas, check schemas, dump the checked model.
#[derive(Parser, Debug)]
#[command(name = "qapi-gen", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load and check a schema; exit 0 when it is valid. Tolerant of older QEMU releases' forms unless --strict.
    Check(CheckArgs),
    /// Print the checked model in the format of QEMU's tests/qapi-schema `.out` files (QEMU 9.2.4's exact rules).
    Dump(DumpArgs),
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The main schema file (e.g. qapi/qapi-schema.json).
    pub schema: PathBuf,
    /// Apply QEMU 9.2.4's exact rules instead of the tolerant default.
    #[arg(long)]
    pub strict: bool,
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

#[derive(Args, Debug)]
pub struct DumpArgs {
    /// The main schema file.
    pub schema: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Plain,
}

/// Run the command line; the binary's `main` is only this.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check(args)) => check(&args),
        Some(Command::Dump(args)) => dump(&args),
        None => {
            eprintln!("qapi-gen: code generation is not available yet; use `qapi-gen check` or `qapi-gen dump`");
            ExitCode::from(2)
        }
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let options = Options {
        mode: if args.strict {
            Mode::Strict
        } else {
            Mode::Tolerant
        },
    };
    let format = args
        .message_format
        .unwrap_or(if std::io::stderr().is_terminal() {
            MessageFormat::Human
        } else {
            MessageFormat::Plain
        });
    match qapi_parser::load(&args.schema, &options) {
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
    match qapi_parser::load(&args.schema, &Options::strict()) {
        Ok(schema) => {
            let text = qapi_parser::dump::dump(&schema);
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
            print_plain(&err);
            ExitCode::FAILURE
        }
    }
}

fn print_plain(err: &LoadError) {
    eprintln!("{err}");
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
        let kind = message_kind(&w.message);
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    kinds.sort_by(|a, b| b.1.cmp(&a.1));
    eprintln!(
        "... {} more warnings (--all-warnings lists them); in all:",
        warnings.len() - WARNINGS_SHOWN
    );
    for (kind, n) in kinds {
        eprintln!("{n:6} × {kind}");
    }
}

/// A warning's message with the quoted names (`'x'`, no spaces inside) blanked out, so that warnings of one kind
/// group together.
fn message_kind(message: &str) -> String {
    let mut rest = message.lines().next().unwrap_or_default();
    let mut out = String::new();
    while let Some(open) = rest.find('\'') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        match rest.find('\'') {
            Some(close) if !rest[..close].contains(' ') => {
                out.push_str("…'");
                rest = &rest[close + 1..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
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
