//! Every QEMU release's schemas in `../shared/qemu` (QMP, guest agent, storage daemon) load in the tolerant mode,
//! the mode all code generation uses; and 9.2.4's own load under 9.2.4's strict rules too.

use qapi_parser::{load, Options};
use qapi_tests::{release_schemas, require, shared_dir};

#[test]
fn every_release_schema_loads_tolerantly() {
    let Some(shared) = require(&shared_dir(), "the shared reference directory") else {
        return;
    };
    let schemas = release_schemas(&shared);
    assert!(
        schemas.len() >= 11,
        "expected the QMP and guest-agent schemas of 5 releases and 9.2.4's storage daemon, found {}",
        schemas.len()
    );
    let mut failures = Vec::new();
    for (label, path) in &schemas {
        match load(path, &Options::default()) {
            Ok(schema) => eprintln!(
                "{label}: ok, {} files, {} warnings",
                schema.sources().len(),
                schema.warnings().len()
            ),
            Err(err) => failures.push(format!("{label}: {err}")),
        }
    }
    eprintln!(
        "{} passed, {} failed",
        schemas.len() - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "schemas that do not load:\n{}",
        failures.join("\n")
    );
}

#[test]
fn qemu_9_2_4_schemas_load_strictly() {
    let Some(shared) = require(&shared_dir(), "the shared reference directory") else {
        return;
    };
    let schemas: Vec<_> = release_schemas(&shared)
        .into_iter()
        .filter(|(label, _)| label.starts_with("9.2.4"))
        .collect();
    assert_eq!(
        schemas.len(),
        3,
        "9.2.4 ships QMP, guest-agent and storage-daemon schemas"
    );
    for (label, path) in &schemas {
        let schema = load(path, &Options::strict()).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert!(
            schema.warnings().is_empty(),
            "{label}: strict mode gives no warnings"
        );
    }
}
