//! Small schemas: a refactoring invisible on the wire, and one change per compatibility rule.

mod common;

use common::{command, data, diff_files, event, find, whole};
use qapi_diff::{ChangeKind as K, Class, Direction, Part, Relation, Root};

#[test]
fn a_refactoring_that_keeps_the_wire_shows_only_renames() {
    let d = diff_files(&data("refactor-old.json"), &data("refactor-new.json"));
    let lines: Vec<String> = d.changes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        lines,
        [
            "type Colour: type Color renamed to Colour [compatible]",
            "type ShapeInfo: type Shape renamed to ShapeInfo [compatible]",
        ],
        "{lines:#?}"
    );
    // Back the other way, the same renames.
    let back = diff_files(&data("refactor-new.json"), &data("refactor-old.json"));
    assert_eq!(back.changes.len(), 2);
    assert!(back
        .changes
        .iter()
        .all(|c| matches!(&c.kind, K::TypeRenamed { .. })));
}

#[test]
fn a_schema_against_itself_is_empty() {
    for name in ["refactor-old.json", "rules-old.json", "rules-new.json"] {
        let d = diff_files(&data(name), &data(name));
        assert!(d.is_empty(), "{name}: {:?}", d.changes);
    }
}

#[test]
fn commands_and_events_as_wholes() {
    let d = diff_files(&data("rules-old.json"), &data("rules-new.json"));
    assert_eq!(
        whole(&d, &command("gone"), |k| matches!(
            k,
            K::CommandRemoved { .. }
        )),
        Class::Breaking
    );
    assert_eq!(
        whole(&d, &command("new"), |k| *k == K::CommandAdded),
        Class::Compatible
    );
    assert_eq!(
        whole(&d, &command("x-experiment"), |k| matches!(
            k,
            K::CommandRemoved { .. }
        )),
        Class::Unstable
    );
    assert_eq!(
        whole(&d, &command("oob"), |k| *k == K::AllowOob { now: false }),
        Class::Breaking
    );
    assert_eq!(
        whole(&d, &event("ARRIVED"), |k| *k == K::EventAdded),
        Class::Compatible
    );
    // QEMU: removing events that can no longer be triggered makes no difference to clients.
    assert_eq!(
        whole(&d, &event("OBSOLETE"), |k| *k
            == K::EventRemoved { deprecated: true }),
        Class::Compatible
    );
}

#[test]
fn send_direction_rules() {
    let d = diff_files(&data("rules-old.json"), &data("rules-new.json"));
    let set = command("set");
    let args = Some(Part::Arguments);
    let class = |path: &str, pred: &dyn Fn(&K) -> bool| find(&d, &set, args, path, pred).class;
    assert_eq!(
        class(".level", &|k| *k == K::MemberAdded { optional: false }),
        Class::Breaking
    );
    assert_eq!(
        class(".extra", &|k| *k == K::MemberAdded { optional: true }),
        Class::Compatible
    );
    assert_eq!(
        class(".hint", &|k| matches!(
            k,
            K::MemberRemoved { optional: true, .. }
        )),
        Class::Breaking
    );
    assert_eq!(
        class(".note", &|k| *k == K::MemberNowMandatory),
        Class::Breaking
    );
    assert_eq!(
        class(".size", &|k| *k == K::MemberNowOptional),
        Class::Compatible
    );
    assert_eq!(
        class(".count", &|k| matches!(
            k,
            K::TypeChanged {
                relation: Relation::Widened,
                ..
            }
        )),
        Class::Compatible
    );
    assert_eq!(
        class(
            ".mode",
            &|k| matches!(k, K::ValueRemoved { value, .. } if value == "slow")
        ),
        Class::Breaking
    );
    assert_eq!(
        class(".target", &|k| matches!(k, K::AlternateBranchAdded { .. })),
        Class::Compatible
    );
    assert_eq!(
        class(
            ".node",
            &|k| matches!(k, K::FeatureAdded { feature, .. } if feature == "deprecated")
        ),
        Class::Compatible
    );
    // `Info` travels both ways: a new mandatory member breaks senders, and is listed under the sender.
    let extra = find(&d, &set, args, ".info.extra", |k| {
        *k == K::MemberAdded { optional: false }
    });
    assert_eq!(extra.class, Class::Breaking);
    assert_eq!(extra.directions, [Direction::Send, Direction::Receive]);
    assert_eq!(extra.also, [command("get"), event("CHANGED")]);
}

#[test]
fn receive_direction_rules() {
    let d = diff_files(&data("rules-old.json"), &data("rules-new.json"));
    let get = command("get");
    let returns = Some(Part::Returns);
    let class = |path: &str, pred: &dyn Fn(&K) -> bool| find(&d, &get, returns, path, pred).class;
    assert_eq!(
        class(".size", &|k| *k == K::MemberNowOptional),
        Class::Breaking
    );
    assert_eq!(
        class(".count", &|k| matches!(
            k,
            K::TypeChanged {
                relation: Relation::Widened,
                ..
            }
        )),
        Class::Breaking
    );
    assert_eq!(
        class(
            ".ratio",
            &|k| matches!(k, K::TypeChanged { old, new, .. } if old == "int64" && new == "number")
        ),
        Class::Breaking
    );
    assert_eq!(
        class(
            ".mode",
            &|k| matches!(k, K::ValueAdded { value } if value == "eco")
        ),
        Class::Compatible
    );
    assert_eq!(
        class(
            "",
            &|k| matches!(k, K::FeatureAdded { feature, .. } if feature == "fancy")
        ),
        Class::Compatible
    );
    let removed = find(&d, &event("CHANGED"), Some(Part::Data), ".old", |k| {
        matches!(
            k,
            K::MemberRemoved {
                optional: false,
                ..
            }
        )
    });
    assert_eq!(removed.class, Class::Breaking);
}

#[test]
fn unstable_items_are_outside_the_stable_api() {
    let d = diff_files(&data("rules-old.json"), &data("rules-new.json"));
    let get = command("get");
    let warp = find(
        &d,
        &get,
        Some(Part::Returns),
        ".mode",
        |k| matches!(k, K::ValueAdded { value } if value == "x-warp"),
    );
    assert_eq!(
        (warp.class, warp.verdict),
        (Class::Unstable, Class::Compatible)
    );
    let debug = find(&d, &get, Some(Part::Returns), ".x-debug", |k| {
        matches!(k, K::MemberAdded { .. })
    });
    assert_eq!(debug.class, Class::Unstable);
    // A change inside an `unstable` command: breaking by the rules, but no promise was made.
    let trial = find(
        &d,
        &command("trial"),
        Some(Part::Arguments),
        ".level",
        |k| matches!(k, K::TypeChanged { .. }),
    );
    assert_eq!(
        (trial.class, trial.verdict),
        (Class::Unstable, Class::Breaking)
    );
}

#[test]
fn summary_counts() {
    let d = diff_files(&data("rules-old.json"), &data("rules-new.json"));
    let s = d.summary();
    assert_eq!((s.commands_added, s.commands_removed), (1, 2));
    assert_eq!(
        (s.events_added, s.events_removed, s.events_changed),
        (1, 1, 1)
    );
    assert_eq!(s.breaking + s.compatible + s.unstable, d.changes.len());
    assert!(d.under(&Root::Command("set".into())).count() >= 10);
}
