//! Cases of QEMU 9.2.4's schema test suite whose schema-stage errors carry more than one line: the definition's
//! context and the previous definition. (The whole suite, case by case, is the workspace's
//! `tests/qapi_schema_suite.rs`.)

use std::path::{Path, PathBuf};

use qapi_schema::dump::dump;
use qapi_schema::{load, Options, Rules};

/// QEMU's schema test suite, or `None` after saying it is missing (a failure under `CI=true`).
fn suite_dir() -> Option<PathBuf> {
    qapi_tests::require(&qapi_tests::schema_suite_dir(), "QEMU's schema test suite")
}

/// `(.out, .err)` as QEMU's harness produces them: the error text gets the suite directory stripped.
fn run(suite: &Path, case: &str) -> (String, String) {
    match load(suite.join(case), &Options::strict_as(Rules::V9_2)) {
        Ok(schema) => (dump(&schema), String::new()),
        Err(err) => (
            String::new(),
            format!("{err}\n").replace(&format!("{}/", suite.display()), ""),
        ),
    }
}

#[test]
fn schema_stage_errors_carry_context_and_previous_definition() {
    let Some(suite) = suite_dir() else { return };
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
