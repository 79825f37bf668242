//! The `qapi-gen` command line: exit codes, QEMU-format errors, the model dump, generation and `--check`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn qapi_gen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qapi-gen"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("qapi-gen runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qapi-gen-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const GOOD: &str = "\
##
# @Color:
#
# @red: warm
#
# @blue: cold
##
{ 'enum': 'Color', 'data': [ 'red', 'blue' ] }

##
# @paint:
#
# @color: the colour
#
# Since: 1.0
##
{ 'command': 'paint', 'data': { 'color': 'Color' } }
";

#[test]
fn check_accepts_a_valid_schema_and_dump_prints_the_model() {
    let dir = temp_dir("good");
    std::fs::write(dir.join("good.json"), GOOD).unwrap();
    let out = qapi_gen(&["check", "good.json"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = qapi_gen(&["dump", "good.json"], &dir);
    assert!(out.status.success());
    let dump = String::from_utf8(out.stdout).unwrap();
    assert!(dump.starts_with("module ./builtin\n"), "{dump}");
    assert!(
        dump.contains("enum Color\n    member red\n    member blue\n"),
        "{dump}"
    );
    assert!(
        dump.contains("command paint q_obj_paint-arg -> None\n"),
        "{dump}"
    );
}

#[test]
fn errors_are_reported_in_qemus_plain_form_with_exit_status_1() {
    let dir = temp_dir("bad");
    std::fs::write(dir.join("main.json"), "{ 'include': 'sub.json' }\n").unwrap();
    std::fs::write(
        dir.join("sub.json"),
        "\n{ 'struct': 'Foo', 'data': { 'a': 'Nope' } }\n",
    )
    .unwrap();
    for args in [
        &["check", "--message-format", "plain", "main.json"][..],
        &["dump", "main.json"],
    ] {
        let out = qapi_gen(args, &dir);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            err,
            "In file included from main.json:1:\nsub.json: In struct 'Foo':\nsub.json:2: member 'a' uses unknown type 'Nope'\n"
        );
    }
    // The human form points at the unknown type itself, with line and column.
    let out = qapi_gen(&["check", "--message-format", "human", "main.json"], &dir);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("sub.json:2:35"), "{err}");
}

#[test]
fn a_missing_schema_is_an_error_not_a_panic() {
    let dir = temp_dir("missing");
    let out = qapi_gen(&["check", "nope.json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("can't read schema file 'nope.json'"));
}

#[test]
fn generation_writes_modules_and_check_detects_stale_output() {
    let dir = temp_dir("gen");
    std::fs::write(dir.join("good.json"), GOOD).unwrap();
    let out = qapi_gen(&["good.json", "-o", "out"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(summary.contains("1 commands, 0 events"), "{summary}");
    assert!(dir.join("out/mod.rs").exists());
    let out = qapi_gen(&["good.json", "-o", "out", "--check"], &dir);
    assert!(out.status.success(), "fresh output is up to date");
    let file = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n != "mod.rs"))
        .expect("a module file");
    std::fs::write(&file, "// edited by hand\n").unwrap();
    let out = qapi_gen(&["good.json", "-o", "out", "--check"], &dir);
    assert_eq!(out.status.code(), Some(1), "an edited file is stale");
    assert!(String::from_utf8_lossy(&out.stderr).contains("stale"));
}

/// A module the schema no longer has (its file removed or renamed) is stale for `--check` and removed by the
/// next generation; a file the generator did not write stays.
#[test]
fn modules_no_longer_generated_are_stale_and_removed() {
    let dir = temp_dir("leftover");
    std::fs::write(dir.join("good.json"), GOOD).unwrap();
    assert!(qapi_gen(&["good.json", "-o", "out"], &dir).status.success());
    let mod_rs = std::fs::read_to_string(dir.join("out/mod.rs")).unwrap();
    let old_module = dir.join("out/removed_module.rs");
    std::fs::write(&old_module, &mod_rs).unwrap();
    let own_file = dir.join("out/handwritten.rs");
    std::fs::write(&own_file, "// mine\n").unwrap();
    let out = qapi_gen(&["good.json", "-o", "out", "--check"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("removed_module.rs is no longer generated"),
        "{stderr}"
    );
    assert!(!stderr.contains("handwritten"), "{stderr}");
    let out = qapi_gen(&["good.json", "-o", "out"], &dir);
    assert!(out.status.success());
    assert!(!old_module.exists(), "the leftover module is removed");
    assert!(
        own_file.exists(),
        "a file the generator did not write stays"
    );
    let out = qapi_gen(&["good.json", "-o", "out", "--check"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn usage_errors_exit_with_status_2() {
    let dir = temp_dir("usage");
    assert_eq!(qapi_gen(&[], &dir).status.code(), Some(2));
    assert_eq!(qapi_gen(&["check"], &dir).status.code(), Some(2));
}

/// `--rules` picks the QEMU release whose exact rules apply: 10.2 (the default) wants doc lines of at most 70
/// characters and dumps an untagged section as `Plain`; 9.2 did neither.
#[test]
fn rules_pick_the_release() {
    let dir = temp_dir("rules");
    let long = "x".repeat(70);
    let schema = format!(
        "##\n# @Color:\n#\n# Hue.\n#\n# {long}\n#\n# @red: warm\n##\n{{ 'enum': 'Color', 'data': [ 'red' ] }}\n"
    );
    std::fs::write(dir.join("s.json"), schema).unwrap();
    let out = qapi_gen(&["check", "--strict", "s.json"], &dir);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "s.json:6:1: documentation line longer than 70 characters"
    );
    let out = qapi_gen(&["check", "--rules", "9.2", "s.json"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Tolerant mode does not apply QEMU's own style rules.
    assert!(qapi_gen(&["check", "s.json"], &dir).status.success());
    std::fs::write(
        dir.join("t.json"),
        GOOD.replace("# Since: 1.0", "# Text.\n#\n# Since: 1.0"),
    )
    .unwrap();
    let dump = |args: &[&str]| String::from_utf8(qapi_gen(args, &dir).stdout).unwrap();
    assert!(dump(&["dump", "t.json"]).contains("    section=Plain\nText.\n"));
    assert!(dump(&["dump", "--rules", "9.2.4", "t.json"]).contains("    section=None\nText.\n"));
    let out = qapi_gen(&["dump", "--rules", "8.0", "t.json"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("no rules for QEMU release '8.0': known releases are 9.2, 10.2"));
}
