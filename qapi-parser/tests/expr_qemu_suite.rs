//! QEMU 9.2.4's schema test suite (`tests/qapi-schema`) through the parser and the expression checker, in strict
//! mode. The cases whose error QEMU's `expr.py` raises (listed in `docs/qapi-schema-tests-by-theme.txt` of the
//! shared reference directory) must fail here with QEMU's `.err` text, byte for byte; every other case that
//! parses must pass this stage, its error (if any) being the schema stage's.

mod expr_support;

use expr_support::{check_file, expr_raised_cases, require_shared};
use qapi_schema::{Options, Rules};

#[test]
fn expr_errors_match_qemu_exactly() {
    let Some(shared) = require_shared() else {
        return;
    };
    let suite = shared.join("qemu/9.2.4/tests/qapi-schema");
    let cases = expr_raised_cases(&shared);
    assert!(
        cases.len() >= 70,
        "expected the ~78 expr.py cases, found {}",
        cases.len()
    );
    let mut misses = Vec::new();
    for case in &cases {
        let want = std::fs::read_to_string(suite.join(format!("{case}.err"))).unwrap_or_default();
        match check_file(
            &suite,
            &format!("{case}.json"),
            &Options::strict_as(Rules::V9_2),
        ) {
            Ok(_) => misses.push(format!("--- {case}: accepted, QEMU says:\n{want}")),
            Err(got) if got == want => {}
            Err(got) => misses.push(format!("--- {case}:\nwant: {want}got:  {got}")),
        }
    }
    eprintln!(
        "expr.py cases: {} of {} match QEMU's .err exactly",
        cases.len() - misses.len(),
        cases.len()
    );
    assert!(
        misses.is_empty(),
        "{} cases differ:\n{}",
        misses.len(),
        misses.join("")
    );
}

#[test]
fn other_cases_pass_the_expression_checker() {
    let Some(shared) = require_shared() else {
        return;
    };
    let suite = shared.join("qemu/9.2.4/tests/qapi-schema");
    let expr_cases = expr_raised_cases(&shared);
    let all = std::fs::read_to_string(suite.join("CASES")).expect("CASES lists the cases");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for case in all.lines().map(str::trim).filter(|c| !c.is_empty()) {
        let base = case.trim_end_matches(".json");
        if expr_cases.iter().any(|c| c == base) {
            continue;
        }
        match expr_support::parse_then_check(&suite, case, &Options::strict_as(Rules::V9_2)) {
            // The parser rejects it: nothing for this stage to say.
            None => {}
            Some(Ok(())) => checked += 1,
            Some(Err(got)) => wrong.push(format!(
                "--- {base}: rejected by the expression checker:\n{got}"
            )),
        }
    }
    eprintln!("{checked} cases that QEMU's expr.py accepts pass the expression checker");
    assert!(checked >= 60, "only {checked} cases parsed");
    assert!(wrong.is_empty(), "{}", wrong.join(""));
}
