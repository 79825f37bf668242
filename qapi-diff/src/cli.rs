//! `qapi-gen diff OLD NEW`: the arguments and the run, for the `qapi-gen` command line to mount as a subcommand.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::render::{self, Style};
use crate::{diff, Class, Diff};
use qapi_introspection::input::{self, Loaded};
use qapi_introspection::wire::WireSchema;

/// Compare two schemas as clients see them on the wire: commands, events, their members, enum values,
/// branches, features and conditions, each change classified by QEMU's compatibility rules for the direction it
/// travels in (breaking, compatible, or outside the stable API).
///
/// OLD and NEW are each a schema file (qapi/qapi-schema.json), a saved query-qmp-schema reply (a JSON list,
/// or {"return": [...]}), or the QMP unix socket of a running QEMU, which is asked.
#[derive(Args, Debug, Clone)]
pub struct DiffArgs {
    /// The old schema: schema file, saved query-qmp-schema reply, or QMP socket.
    pub old: PathBuf,
    /// The new schema: schema file, saved query-qmp-schema reply, or QMP socket.
    pub new: PathBuf,
    /// `human`: grouped by command and event, one line a change, then a summary; `json`: for tools.
    #[arg(long, value_enum, default_value = "human")]
    pub format: DiffFormat,
    /// Exit with status 1 when there is a breaking change (`breaking`), any change (`any`), or never.
    #[arg(long, value_enum, default_value = "never")]
    pub fail_on: FailOn,
    /// Load schema files with QEMU 9.2.4's exact rules instead of the tolerant default.
    #[arg(long)]
    pub strict: bool,
    /// Colour the human format: `auto` (on a terminal, unless NO_COLOR is set), `always` or `never`.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

/// `--format`: grouped by command and event for people (`human`), or one JSON document for tools (`json`).
// clap would print variant docs in --help beside the option's own, which already says what each value does.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
}

/// `--fail-on`: which changes make the exit status 1 (`breaking`, `any`, or `never`).
// clap would print variant docs in --help beside the option's own, which already says what each value does.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Breaking,
    Any,
    Never,
}

/// `--color`: colour the human format `auto` (on a terminal, unless NO_COLOR is set), `always` or `never`.
// clap would print variant docs in --help beside the option's own, which already says what each value does.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Status 2: a schema could not be loaded.
pub const EXIT_ERROR: u8 = 2;

/// Runs `diff`, printing to stdout (the diff) and stderr (errors): 0 when nothing fails `--fail-on`, 1 when
/// something does, 2 when a schema cannot be loaded.
pub fn run_diff(args: &DiffArgs) -> ExitCode {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let status = run_diff_to(
        args,
        color,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(status)
}

/// [`run_diff`] with the streams and colour given: what tests call.
pub fn run_diff_to(args: &DiffArgs, color: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let options = qapi_schema::Options {
        mode: if args.strict {
            qapi_schema::Mode::Strict
        } else {
            qapi_schema::Mode::Tolerant
        },
    };
    let load = |path: &PathBuf, err: &mut dyn Write| -> Option<WireSchema> {
        let loaded = input::load(path, &options).map_err(|e| {
            let _ = writeln!(err, "qapi-gen diff: {e}");
        });
        let loaded: Loaded = loaded.ok()?;
        loaded
            .wire()
            .map_err(|e| {
                let _ = writeln!(err, "qapi-gen diff: {}: {e}", path.display());
            })
            .ok()
    };
    let (Some(old), Some(new)) = (load(&args.old, err), load(&args.new, err)) else {
        return EXIT_ERROR;
    };
    let result = diff(&old, &new);
    let text = match args.format {
        DiffFormat::Human => {
            let style = if color {
                Style::colored()
            } else {
                Style::plain()
            };
            render::human(&result, style)
        }
        DiffFormat::Json => {
            let value = render::json(
                &result,
                &args.old.display().to_string(),
                &args.new.display().to_string(),
            );
            format!("{value:#}\n")
        }
    };
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return EXIT_ERROR;
    }
    u8::from(fails(&result, args.fail_on))
}

/// Whether the diff fails `--fail-on`.
pub fn fails(diff: &Diff, fail_on: FailOn) -> bool {
    match fail_on {
        FailOn::Breaking => diff.count(Class::Breaking) > 0,
        FailOn::Any => !diff.is_empty(),
        FailOn::Never => false,
    }
}
