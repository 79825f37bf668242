//! The `diff` subcommand's entry point: formats, exit statuses, errors.

mod common;

use std::path::PathBuf;

use clap::Parser;
use common::data;
use qapi_diff::cli::{run_diff_to, ColorChoice, DiffArgs, DiffFormat, FailOn};

fn args(old: &str, new: &str) -> DiffArgs {
    DiffArgs {
        old: data(old),
        new: data(new),
        format: DiffFormat::Human,
        fail_on: FailOn::Never,
        strict: false,
        color: ColorChoice::Never,
    }
}

fn run(args: &DiffArgs, color: bool) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_diff_to(args, color, &mut out, &mut err);
    (
        status,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn human_output_groups_by_command_and_sums_up() {
    let (status, out, err) = run(&args("rules-old.json", "rules-new.json"), false);
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("command set\n"), "{out}");
    assert!(
        out.contains("  + breaking    arguments.level: mandatory member added\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "  - breaking    arguments.info.hint: optional member removed (also in get, CHANGED)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "event OBSOLETE\n  - compatible  event removed (no longer sent) (was deprecated)\n"
        ),
        "{out}"
    );
    let summary = out.lines().last().unwrap();
    assert!(
        summary.starts_with("27 changes: 13 breaking, 10 compatible, 4 outside the stable API; commands: 1 added, 2 removed"),
        "{summary}"
    );
    assert!(!out.contains('\x1b'));
    let (_, colored, _) = run(&args("rules-old.json", "rules-new.json"), true);
    assert!(colored.contains("\x1b[31mbreaking"), "{colored}");
}

#[test]
fn no_changes_says_so() {
    let (status, out, _) = run(&args("rules-old.json", "rules-old.json"), false);
    assert_eq!((status, out.as_str()), (0, "no changes\n"));
}

#[test]
fn json_output() {
    let mut a = args("refactor-old.json", "refactor-new.json");
    a.format = DiffFormat::Json;
    let (status, out, _) = run(&a, false);
    assert_eq!(status, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["changes"], 2);
    assert_eq!(v["summary"]["types-renamed"], 2);
    let first = &v["changes"][0];
    assert_eq!(first["meta"], "type");
    assert_eq!(first["name"], "Colour");
    assert_eq!(first["kind"], "type-renamed");
    assert_eq!(first["old"], "Color");
    assert_eq!(first["class"], "compatible");

    let mut a = args("rules-old.json", "rules-new.json");
    a.format = DiffFormat::Json;
    let (_, out, _) = run(&a, false);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let level = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "set" && c["path"] == ".level")
        .unwrap();
    assert_eq!(level["part"], "arguments");
    assert_eq!(level["kind"], "member-added");
    assert_eq!(level["optional"], false);
    assert_eq!(level["class"], "breaking");
    assert_eq!(level["directions"], serde_json::json!(["send"]));
}

#[test]
fn fail_on_sets_the_exit_status() {
    let mut a = args("rules-old.json", "rules-new.json");
    for (fail_on, status) in [(FailOn::Never, 0), (FailOn::Breaking, 1), (FailOn::Any, 1)] {
        a.fail_on = fail_on;
        assert_eq!(run(&a, false).0, status, "{fail_on:?}");
    }
    let mut a = args("refactor-old.json", "refactor-new.json");
    a.fail_on = FailOn::Breaking;
    assert_eq!(run(&a, false).0, 0);
    a.fail_on = FailOn::Any;
    assert_eq!(run(&a, false).0, 1);
}

#[test]
fn load_errors_exit_2_with_the_file_named() {
    let mut a = args("rules-old.json", "rules-old.json");
    a.new = PathBuf::from("/nonexistent/schema.json");
    let (status, out, err) = run(&a, false);
    assert_eq!(status, 2);
    assert!(out.is_empty());
    assert!(err.contains("/nonexistent/schema.json"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[{\"name\": \"x\", \"meta-type\": \"command\"}]").unwrap();
    a.new = bad;
    let (status, _, err) = run(&a, false);
    assert_eq!(status, 2);
    assert!(err.contains("entry 0: 'arg-type' is missing"), "{err}");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ 'command': 'x', 'data': 'Missing' }\n").unwrap();
    a.new = broken;
    let (status, _, err) = run(&a, false);
    assert_eq!(status, 2);
    assert!(err.contains("broken.json:1"), "{err}");
}

/// The arguments parse as the `qapi-gen diff` subcommand will parse them.
#[test]
fn arguments_parse() {
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        diff: DiffArgs,
    }
    let cli = Cli::try_parse_from([
        "diff",
        "a.json",
        "b.sock",
        "--format",
        "json",
        "--fail-on",
        "breaking",
        "--strict",
    ])
    .unwrap();
    assert_eq!(cli.diff.format, DiffFormat::Json);
    assert_eq!(cli.diff.fail_on, FailOn::Breaking);
    assert!(cli.diff.strict);
    let cli = Cli::try_parse_from(["diff", "a.json", "b.json"]).unwrap();
    assert_eq!(
        (cli.diff.format, cli.diff.fail_on),
        (DiffFormat::Human, FailOn::Never)
    );
    assert!(Cli::try_parse_from(["diff", "a.json"]).is_err());
}
