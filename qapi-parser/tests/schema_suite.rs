//! QEMU 9.2.4's schema test suite through the whole front end in strict mode: every case must give exactly its
//! `.out` (the model dump) and its `.err` (the first error, as QEMU prints it), as QEMU's `test-qapi.py` checks.

use std::path::{Path, PathBuf};

use qapi_parser::dump::dump;
use qapi_parser::{load, Options};

fn suite_dir() -> Option<PathBuf> {
    let dir = match (
        std::env::var_os("QAPI_SCHEMA_SUITE"),
        std::env::var_os("QAPI_SHARED_DIR"),
    ) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Some(shared)) => Path::new(&shared).join("qemu/9.2.4/tests/qapi-schema"),
        (None, None) => {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/qemu/9.2.4/tests/qapi-schema")
        }
    };
    if dir.exists() {
        return Some(dir);
    }
    let msg = format!(
        "QEMU's schema test suite not found at {} (set QAPI_SHARED_DIR)",
        dir.display()
    );
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "{msg}; CI=true, so this is a failure"
    );
    eprintln!("SKIPPED: {msg}");
    None
}

/// `(.out, .err)` as QEMU's harness produces them: the error text gets the suite directory stripped.
fn run(suite: &Path, case: &str) -> (String, String) {
    match load(suite.join(case), &Options::strict()) {
        Ok(schema) => (dump(&schema), String::new()),
        Err(err) => (
            String::new(),
            format!("{err}\n").replace(&format!("{}/", suite.display()), ""),
        ),
    }
}

/// A front stage that is still a stub says so; there is nothing to compare then.
fn front_end_missing(suite: &Path) -> bool {
    let (_, err) = run(suite, "empty.json");
    if err.contains("not written yet") {
        eprintln!("SKIPPED: the front end is not complete yet: {err}");
        return true;
    }
    false
}

#[test]
fn every_case_matches_qemu_exactly() {
    let Some(suite) = suite_dir() else { return };
    if front_end_missing(&suite) {
        return;
    }
    let cases = std::fs::read_to_string(suite.join("CASES")).expect("CASES");
    let mut failures = Vec::new();
    let mut count = 0;
    for case in cases.split_whitespace() {
        count += 1;
        let base = case.trim_end_matches(".json");
        let read = |ext: &str| {
            std::fs::read_to_string(suite.join(format!("{base}.{ext}"))).unwrap_or_default()
        };
        let (out, err) = run(&suite, case);
        if out != read("out") || err != read("err") {
            failures.push(format!(
                "{base}:\n  want: {:?}\n  got:  {err:?}",
                read("err")
            ));
        }
    }
    assert!(count >= 200, "only {count} cases listed");
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn schema_stage_errors_carry_context_and_previous_definition() {
    let Some(suite) = suite_dir() else { return };
    if front_end_missing(&suite) {
        return;
    }
    let (_, err) = run(&suite, "redefined-event.json");
    assert_eq!(
        err,
        "redefined-event.json: In event 'EVENT_A':\nredefined-event.json:3: 'EVENT_A' is already defined\n\
         redefined-event.json: In event 'EVENT_A':\nredefined-event.json:2: previous definition\n"
    );
    let (_, err) = run(&suite, "doc-bad-union-member.json");
    assert_eq!(
        err,
        "doc-bad-union-member.json:5: documented members 'a', 'b' do not exist\n"
    );
}
