//! Every QEMU release's schemas in `../shared/qemu` (QMP, guest agent, storage daemon) load in the tolerant mode,
//! the mode all code generation uses, each era's forms read as that release's generator read them and reported as
//! warnings; the test prints the warnings of each schema counted per kind. The newest release's schemas load under
//! the newest rules, and 9.2.4's under 9.2's, without warnings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use qapi_schema::{load, Options, Rules, Schema};
use qapi_tests::{release_schemas, require, shared_dir};

/// Each schema's warnings, counted per kind, most frequent first.
fn warnings_per_kind(schema: &Schema) -> Vec<(String, usize)> {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for warning in schema.warnings() {
        *kinds.entry(warning.kind()).or_default() += 1;
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    kinds
}

#[test]
fn every_release_schema_loads_tolerantly() {
    let Some(shared) = require(&shared_dir(), "the shared reference directory") else {
        return;
    };
    let schemas = release_schemas(&shared);
    // 1.2.0 QMP; 2.1.0 to 8.2.0 QMP and guest agent; 9.2.4 and 10.2.0 with the storage daemon too.
    assert!(
        schemas.len() >= 17,
        "expected the schemas of 8 releases (17 in all), found {}",
        schemas.len()
    );
    let mut failures = Vec::new();
    let mut report = String::new();
    let mut kinds_of: BTreeMap<&str, Vec<(String, usize)>> = BTreeMap::new();
    for (label, path) in &schemas {
        match load(path, &Options::default()) {
            Ok(schema) => {
                let kinds = warnings_per_kind(&schema);
                let _ = writeln!(
                    report,
                    "{label}: {} files, {} definitions, {} warnings",
                    schema.sources().len(),
                    schema.entities().len(),
                    schema.warnings().len()
                );
                for (kind, n) in &kinds {
                    let _ = writeln!(report, "    {n:5} x {kind}");
                }
                kinds_of.insert(label, kinds);
            }
            Err(err) => failures.push(format!("{label}: {err}")),
        }
    }
    eprint!("{report}");
    assert!(
        failures.is_empty(),
        "schemas that do not load:\n{}",
        failures.join("\n")
    );
    // The era forms are read, and said: each release's own form gives its warning.
    let has = |label: &str, kind: &str| {
        kinds_of
            .get(label)
            .is_some_and(|kinds| kinds.iter().any(|(k, _)| k.starts_with(kind)))
    };
    for (label, kind) in [
        ("1.2.0 qmp", "missing '…' before this"),
        ("1.2.0 qmp", "'…' after the last member or item"),
        ("1.2.0 qmp", "type '…' is QEMU's name before 2.5 for '…'"),
        (
            "2.1.0 qmp",
            "'…' member '…' uses '…', which QEMU allowed in names before 2.5",
        ),
        ("2.1.0 qga", "command's '…' cannot take"),
    ] {
        if kinds_of.contains_key(label) {
            assert!(has(label, kind), "{label}: no warning '{kind}...'");
        }
    }
    // The newest releases write what the newest rules want.
    for label in [
        "9.2.4 qmp",
        "10.2.0 qmp",
        "10.2.0 qga",
        "10.2.0 storage-daemon",
    ] {
        if let Some(kinds) = kinds_of.get(label) {
            assert!(kinds.is_empty(), "{label}: warnings {kinds:?}");
        }
    }
}

/// The schemas of `release`, each loaded with `options`: no error, no warning.
fn load_strictly(release: &str, options: &Options, count: usize) {
    let Some(shared) = require(&shared_dir(), "the shared reference directory") else {
        return;
    };
    let schemas: Vec<_> = release_schemas(&shared)
        .into_iter()
        .filter(|(label, _)| label.split(' ').next() == Some(release))
        .collect();
    assert_eq!(
        schemas.len(),
        count,
        "{release} ships QMP, guest-agent and storage-daemon schemas"
    );
    for (label, path) in &schemas {
        let schema = load(path, options).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert!(
            schema.warnings().is_empty(),
            "{label}: strict mode gives no warnings"
        );
        assert_eq!(schema.rules(), options.rules());
    }
}

#[test]
fn qemu_10_2_0_schemas_load_under_the_newest_rules() {
    load_strictly("10.2.0", &Options::strict(), 3);
}

#[test]
fn qemu_9_2_4_schemas_load_under_9_2_rules() {
    load_strictly("9.2.4", &Options::strict_as(Rules::V9_2), 3);
}

/// 9.2's rules refuse what 10.2 wrote: its headings are rST underlines, which 9.2 took for misplaced `=` headings.
#[test]
fn qemu_10_2_0_schema_is_refused_under_9_2_rules() {
    let Some(shared) = require(&shared_dir(), "the shared reference directory") else {
        return;
    };
    let Some((_, path)) = release_schemas(&shared)
        .into_iter()
        .find(|(label, _)| label == "10.2.0 qmp")
    else {
        return;
    };
    let err = load(&path, &Options::strict_as(Rules::V9_2)).expect_err("9.2 refuses it");
    assert_eq!(
        err.diagnostic.message,
        "'=' heading must come first in a comment block"
    );
}
