//! Every QEMU release schema in `../shared` builds in tolerant mode (9.2.4's in strict mode too), and the model
//! that comes out is consistent: every reference resolves to the right kind of type, every entity sits in its
//! module, lookup finds every definition, legacy simple unions are desugared.

use std::path::PathBuf;

use qapi_schema::schema::{EntityKind, Model, TypeId};
use qapi_schema::{load, Mode, Options, Rules};

/// The shared reference directory, or `None` after saying it is missing (a failure under `CI=true`).
fn shared_dir() -> Option<PathBuf> {
    qapi_tests::require(&qapi_tests::shared_dir(), "the shared reference directory")
}

fn is_object(model: &Model, ty: TypeId) -> bool {
    model.get_type(ty).as_object().is_some()
}

/// Every reference of the model points at the kind of type the language allows there.
fn check_consistent(label: &str, model: &Model) {
    for (id, entity) in model.iter() {
        let module = model.module(entity.module);
        assert!(
            module.entities.contains(&id),
            "{label}: {} missing from module {}",
            entity.name,
            module.name
        );
        if entity.is_type() || matches!(entity.kind, EntityKind::Command(_) | EntityKind::Event(_))
        {
            assert_eq!(
                model.lookup(&entity.name),
                Some(id),
                "{label}: lookup of {}",
                entity.name
            );
        }
        match &entity.kind {
            EntityKind::Array(a) => {
                assert!(
                    model.get_type(a.element).as_array().is_none(),
                    "{label}: array of arrays {}",
                    entity.name
                );
                assert_eq!(
                    entity.cond,
                    model.get_type(a.element).cond,
                    "{label}: condition of {}",
                    entity.name
                );
            }
            EntityKind::Object(o) => {
                if let Some(base) = o.base {
                    let base = model.get_type(base).as_object().expect("base is an object");
                    assert!(!base.is_union(), "{label}: union base of {}", entity.name);
                    assert_eq!(
                        o.members[..base.members.len()],
                        base.members[..],
                        "{label}: {} flattening",
                        entity.name
                    );
                }
                assert!(
                    o.members.ends_with(&o.local_members),
                    "{label}: {} local members",
                    entity.name
                );
                if let Some(v) = &o.variants {
                    assert!(
                        o.members.iter().any(|m| m.name == v.tag_name),
                        "{label}: {} tag",
                        entity.name
                    );
                    let tag = model
                        .get_type(v.tag_type)
                        .as_enum()
                        .expect("tag is an enum");
                    assert_eq!(
                        tag.values.len(),
                        v.branches.len(),
                        "{label}: {} branches",
                        entity.name
                    );
                    assert!(
                        v.branches.iter().all(|b| is_object(model, b.ty)),
                        "{label}: {} branch",
                        entity.name
                    );
                }
            }
            EntityKind::Command(c) => {
                assert!(
                    c.arg_type.is_none_or(|t| is_object(model, t)),
                    "{label}: {} arguments",
                    entity.name
                );
            }
            EntityKind::Event(e) => {
                assert!(
                    e.arg_type.is_none_or(|t| is_object(model, t)),
                    "{label}: {} data",
                    entity.name
                );
            }
            _ => {}
        }
    }
}

#[test]
fn every_release_schema_builds_tolerantly() {
    let Some(shared) = shared_dir() else { return };
    let all = qapi_tests::release_schemas(&shared);
    assert!(!all.is_empty());
    for (label, path) in all {
        let schema = match load(
            &path,
            &Options {
                mode: Mode::Tolerant,
            },
        ) {
            Ok(schema) => schema,
            Err(err) => panic!("{label}: {err}"),
        };
        check_consistent(&label, schema.model());
        if label == "4.2.0 qmp" {
            let legacy = schema
                .entities()
                .iter()
                .filter_map(|e| e.as_object())
                .filter(|o| o.legacy_simple_union);
            assert!(
                legacy.count() >= 5,
                "{label}: simple unions were not desugared"
            );
            assert!(schema.lookup_type("q_obj_int-wrapper").is_some());
        }
    }
}

#[test]
fn qemu_9_2_schemas_build_strictly_without_warnings() {
    let Some(shared) = shared_dir() else { return };
    for (label, path) in qapi_tests::release_schemas(&shared)
        .into_iter()
        .filter(|(label, _)| label.starts_with("9.2.4"))
    {
        let schema = match load(&path, &Options::strict_as(Rules::V9_2)) {
            Ok(schema) => schema,
            Err(err) => panic!("{label}: {err}"),
        };
        assert!(
            schema.warnings().is_empty(),
            "{label}: {} warnings",
            schema.warnings().len()
        );
        check_consistent(&label, schema.model());
        // Every member of every documented definition is described, by the doc or as appended by QEMU's rules.
        for entity in schema.entities() {
            let (Some(doc), Some(object)) = (entity.doc, entity.as_object()) else {
                continue;
            };
            let doc = schema.doc(doc);
            for m in &object.local_members {
                assert!(
                    doc.arg(&m.name).is_some(),
                    "{label}: {}.{} undescribed",
                    entity.name,
                    m.name
                );
            }
        }
    }
}
