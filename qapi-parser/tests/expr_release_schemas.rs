//! Every QEMU release schema in the shared reference directory passes the parser and the expression checker in
//! tolerant mode; 9.2.4's pass in strict mode too, without warnings.

mod expr_support;

use expr_support::{check_file, require_shared};
use qapi_schema::definition::{DefinitionKind, Item};
use qapi_schema::{Mode, Options, Rules};
use qapi_tests::release_schemas;

#[test]
fn every_release_schema_passes_tolerantly() {
    let Some(shared) = require_shared() else {
        return;
    };
    let schemas = release_schemas(&shared);
    assert!(
        schemas.len() >= 11,
        "found only {} release schemas",
        schemas.len()
    );
    let mut failures = Vec::new();
    for (label, path) in &schemas {
        let (dir, file) = (
            path.parent().expect("a directory"),
            path.file_name().expect("a file name"),
        );
        match check_file(
            dir,
            &file.to_string_lossy(),
            &Options {
                mode: Mode::Tolerant,
            },
        ) {
            Ok((items, warnings)) => {
                let definitions = items
                    .iter()
                    .filter(|i| matches!(i, Item::Definition(_)))
                    .count();
                eprintln!(
                    "{label}: {definitions} definitions, {} warnings",
                    warnings.len()
                );
                assert!(definitions > 20, "{label}: only {definitions} definitions");
            }
            Err(err) => failures.push(format!("{label}: {err}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join(""));
}

#[test]
fn qemu_9_2_schemas_pass_strictly() {
    let Some(shared) = require_shared() else {
        return;
    };
    for (label, path) in release_schemas(&shared)
        .iter()
        .filter(|(label, _)| label.starts_with("9.2"))
    {
        let (dir, file) = (
            path.parent().expect("a directory"),
            path.file_name().expect("a file name"),
        );
        let (items, warnings) = check_file(
            dir,
            &file.to_string_lossy(),
            &Options::strict_as(Rules::V9_2),
        )
        .unwrap_or_else(|err| panic!("{label}: {err}"));
        assert!(warnings.is_empty(), "{label}: {warnings:?}");
        // 9.2 has no simple unions left: every union is flat.
        for item in &items {
            if let Item::Definition(def) = item {
                if let DefinitionKind::Union(union) = &def.kind {
                    assert!(
                        union.base.is_some() && union.discriminator.is_some(),
                        "{}",
                        def.name.name
                    );
                }
            }
        }
    }
}

#[test]
fn qemu_4_2_simple_unions_and_c_conditions_are_read() {
    let Some(shared) = require_shared() else {
        return;
    };
    let path = shared.join("qemu/4.2.0/qapi");
    let (items, _) = check_file(&path, "qapi-schema.json", &Options::default()).expect("4.2 loads");
    let find = |name: &str| {
        items.iter().find_map(|item| match item {
            Item::Definition(def) if def.name.name == name => Some(def.clone()),
            _ => None,
        })
    };
    let key_value = find("KeyValue").expect("KeyValue is defined");
    let DefinitionKind::Union(union) = &key_value.kind else {
        panic!("KeyValue is a union")
    };
    assert!(
        union.discriminator.is_none() && union.base.is_none(),
        "KeyValue is a simple union in 4.2"
    );
    let spice = find("SpiceInfo").expect("SpiceInfo is defined");
    assert_eq!(
        spice.cond,
        Some(qapi_schema::definition::Cond::Name(
            "CONFIG_SPICE".to_string()
        ))
    );
}
