//! QEMU's own schema test suite (`tests/qapi-schema`), run through our front end in strict mode: 10.2.0's under
//! the newest rules (the default), 9.2.4's under 9.2's (`Mode::StrictAs(Rules::V9_2)`, `qapi-gen dump --rules 9.2`).
//!
//! A case whose `.err` is empty must load and dump exactly its `.out`; any other case must be rejected with the
//! error at the same file and line as its `.err`. We also count exact `.err` matches. Read from `../shared` (or
//! `$QAPI_SCHEMA_SUITE`), never copied into the project.

use std::fmt::Write as _;
use std::path::Path;

use qapi_schema::{dump::dump, load, Options, Rules};
use qapi_tests::{release_suite_dir, require};

/// Cases allowed to miss, each with the reason. Every entry is a defect to fix.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

struct Tally {
    cases: usize,
    verdicts: usize,
    locations: usize,
    exact_errors: usize,
    dumps: usize,
    positives: usize,
    failures: Vec<(String, String)>,
}

fn run_case(suite: &Path, case: &str, options: &Options, tally: &mut Tally) {
    let base = case.trim_end_matches(".json");
    let read = |ext: &str| {
        std::fs::read_to_string(suite.join(format!("{base}.{ext}"))).unwrap_or_default()
    };
    let (want_err, want_out) = (read("err"), read("out"));
    let should_fail = !want_err.trim().is_empty();
    let prefix = format!("{}/", suite.display());
    let result = load(suite.join(case), options);
    tally.cases += 1;
    let mut fail = |why: String| tally.failures.push((case.to_string(), why));
    match result {
        Ok(schema) if !should_fail => {
            tally.verdicts += 1;
            tally.positives += 1;
            let got = dump(&schema);
            if got == want_out {
                tally.dumps += 1;
            } else {
                fail(format!(
                    "dump differs from .out:\n{}",
                    first_difference(&want_out, &got)
                ));
            }
        }
        Ok(_) => fail(format!("accepted, but QEMU rejects it with:\n{want_err}")),
        Err(_) if !should_fail => {
            tally.positives += 1;
            fail("rejected, but QEMU accepts it".to_string());
        }
        Err(err) => {
            tally.verdicts += 1;
            let got = format!("{err}\n").replace(&prefix, "");
            if last_location(&got) == last_location(&want_err) {
                tally.locations += 1;
            } else {
                fail(format!(
                    "error at {:?}, QEMU's at {:?}:\n{got}",
                    last_location(&got),
                    last_location(&want_err)
                ));
            }
            if got.trim() == want_err.trim() {
                tally.exact_errors += 1;
            } else {
                fail(format!(
                    "error differs from .err:\n{}",
                    first_difference(&want_err, &got)
                ));
            }
        }
    }
}

/// `(file, line)` of the last `file:line[:col]: ` in an error text: where the error itself is reported.
fn last_location(text: &str) -> Option<(String, String)> {
    text.lines().rev().find_map(|line| {
        let (file, rest) = line.split_once(".json:")?;
        let line_no: String = rest.chars().take_while(char::is_ascii_digit).collect();
        (!line_no.is_empty() && !file.contains(' ')).then(|| (format!("{file}.json"), line_no))
    })
}

fn first_difference(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}: want {w:?}\n        got  {g:?}", i + 1);
        }
    }
    format!(
        "lengths differ: want {} lines, got {}",
        want.lines().count(),
        got.lines().count()
    )
}

#[test]
fn qemu_10_2_suite_under_the_newest_rules() {
    run_suite("10.2.0", &Options::strict());
}

#[test]
fn qemu_9_2_4_suite_under_9_2_rules() {
    run_suite("9.2.4", &Options::strict_as(Rules::V9_2));
}

/// Every case of QEMU `release`'s suite; fails unless all pass.
fn run_suite(release: &str, options: &Options) {
    let what = format!("QEMU {release}'s tests/qapi-schema suite");
    let Some(suite) = require(&release_suite_dir(release), &what) else {
        return;
    };
    let cases = std::fs::read_to_string(suite.join("CASES")).expect("CASES lists the cases");
    let mut tally = Tally {
        cases: 0,
        verdicts: 0,
        locations: 0,
        exact_errors: 0,
        dumps: 0,
        positives: 0,
        failures: Vec::new(),
    };
    for case in cases.lines().map(str::trim).filter(|c| !c.is_empty()) {
        run_case(&suite, case, options, &mut tally);
    }
    let negatives = tally.cases - tally.positives;
    eprintln!(
        "QEMU {release} schema suite: {} cases; verdicts {}/{}, error locations {}/{}, exact .err {}/{}, .out dumps {}/{}",
        tally.cases, tally.verdicts, tally.cases, tally.locations, negatives, tally.exact_errors, negatives,
        tally.dumps, tally.positives
    );
    let unexpected: Vec<_> = tally
        .failures
        .iter()
        .filter(|(case, _)| !KNOWN_FAILURES.iter().any(|(k, _)| k == case))
        .collect();
    let mut report = String::new();
    for (case, why) in &unexpected {
        let _ = writeln!(report, "--- {case}: {why}");
    }
    eprintln!(
        "{} passed, {} failed",
        tally.cases - tally.failures.len(),
        tally.failures.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} cases fail:\n{report}",
        unexpected.len()
    );
}
