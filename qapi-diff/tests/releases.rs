//! Diffs of QEMU's own releases (../shared/qemu), with assertions on changes QEMU really made.

mod common;

use common::{command, diff_files, event, find, whole};
use qapi_diff::{ChangeKind as K, Class, Diff, Part, Relation, Root};
use qapi_tests::shared_file;

fn releases(old: &str, new: &str) -> Option<Diff> {
    let old = shared_file(&format!("qemu/{old}/qapi/qapi-schema.json"))?;
    let new = shared_file(&format!("qemu/{new}/qapi/qapi-schema.json"))?;
    Some(diff_files(&old, &new))
}

#[test]
fn every_release_schema_against_itself_is_empty() {
    for release in ["4.2.0", "6.2.0", "7.2.0", "8.2.0", "9.2.4"] {
        for schema in [
            "qapi/qapi-schema.json",
            "qga/qapi-schema.json",
            "storage-daemon/qapi/qapi-schema.json",
        ] {
            let rel = format!("qemu/{release}/{schema}");
            if schema.starts_with("storage") && release != "9.2.4" {
                continue;
            }
            let Some(path) = shared_file(&rel) else {
                continue;
            };
            let d = diff_files(&path, &path);
            assert!(d.is_empty(), "{rel}: {:?}", d.changes.first());
        }
    }
}

#[test]
fn from_4_2_to_6_2() {
    let Some(d) = releases("4.2.0", "6.2.0") else {
        return;
    };
    for name in ["query-cpus", "cpu-add", "change", "migrate_set_speed"] {
        let class = whole(&d, &command(name), |k| {
            matches!(k, K::CommandRemoved { .. })
        });
        assert_eq!(class, Class::Breaking, "{name}");
    }
    assert_eq!(
        whole(&d, &command("x-blockdev-reopen"), |k| matches!(
            k,
            K::CommandRemoved { .. }
        )),
        Class::Unstable
    );
    assert_eq!(
        whole(&d, &command("blockdev-reopen"), |k| *k == K::CommandAdded),
        Class::Compatible
    );
    let args = Some(Part::Arguments);
    // object-add lost its `props` bag when it became a union over the object types.
    let props = find(&d, &command("object-add"), args, ".props", |k| {
        matches!(k, K::MemberRemoved { optional: true, .. })
    });
    assert_eq!(props.class, Class::Breaking);
    let qom_type = find(
        &d,
        &command("object-add"),
        args,
        ".qom-type",
        |k| matches!(k, K::TypeChanged { relation: Relation::Narrowed, old, new } if old == "str" && new == "enum ObjectType"),
    );
    assert_eq!(qom_type.class, Class::Breaking);
    // migrate-set-parameters: compress-level narrowed from int to uint8.
    let level = find(
        &d,
        &command("migrate-set-parameters"),
        args,
        ".compress-level",
        |k| {
            matches!(
                k,
                K::TypeChanged {
                    relation: Relation::Narrowed,
                    ..
                }
            )
        },
    );
    assert_eq!(level.class, Class::Breaking);
    // The sheepdog block driver went: breaking for senders, listed once with the other commands reaching it.
    let sheepdog = find(
        &d,
        &command("blockdev-add"),
        args,
        ".driver",
        |k| matches!(k, K::ValueRemoved { value, .. } if value == "sheepdog"),
    );
    assert_eq!(sheepdog.class, Class::Breaking);
    assert!(
        sheepdog.also.contains(&command("blockdev-create")),
        "{sheepdog}"
    );
    let branch = find(
        &d,
        &command("blockdev-add"),
        args,
        "",
        |k| matches!(k, K::BranchRemoved { case } if case == "sheepdog"),
    );
    assert_eq!(branch.class, Class::Breaking);
    assert_eq!(
        find(&d, &command("block-commit"), args, ".on-error", |k| *k
            == K::MemberAdded { optional: true })
        .class,
        Class::Compatible
    );
    // A run state clients can no longer receive.
    let preconfig = find(
        &d,
        &command("query-status"),
        Some(Part::Returns),
        ".status",
        |k| matches!(k, K::ValueRemoved { value, .. } if value == "preconfig"),
    );
    assert_eq!(preconfig.class, Class::Compatible);
    // QEMU renamed NbdServerRemoveMode when nbd-server-remove grew into block-export-del.
    find(
        &d,
        &Root::Type("BlockExportRemoveMode".into()),
        None,
        "",
        |k| matches!(k, K::TypeRenamed { old, .. } if old == "NbdServerRemoveMode"),
    );
}

#[test]
fn from_8_2_to_9_2() {
    let Some(d) = releases("8.2.0", "9.2.4") else {
        return;
    };
    // Both are marked `unstable` in 9.2.4: additions, so compatible in nature, but outside the stable API.
    for name in ["device-sync-config", "cxl-add-dynamic-capacity"] {
        let added = find(&d, &command(name), None, "", |k| *k == K::CommandAdded);
        assert_eq!(
            (added.class, added.verdict),
            (Class::Unstable, Class::Compatible),
            "{name}"
        );
    }
    assert_eq!(
        whole(&d, &command("request-ebpf"), |k| *k == K::CommandAdded),
        Class::Compatible
    );
    assert_eq!(
        whole(&d, &command("x-query-rdma"), |k| matches!(
            k,
            K::CommandRemoved { .. }
        )),
        Class::Unstable
    );
    assert_eq!(
        whole(&d, &event("RDMA_GID_STATUS_CHANGED"), |k| matches!(
            k,
            K::EventRemoved { .. }
        )),
        Class::Compatible
    );
    let args = Some(Part::Arguments);
    let returns = Some(Part::Returns);
    let migrate = command("migrate");
    let blk = find(&d, &migrate, args, ".blk", |k| {
        matches!(
            k,
            K::MemberRemoved {
                optional: true,
                deprecated: true
            }
        )
    });
    assert_eq!(blk.class, Class::Breaking);
    assert_eq!(
        find(&d, &migrate, args, ".uri", |k| *k == K::MemberNowOptional).class,
        Class::Compatible
    );
    // Deprecated members dropped from what query-migrate returns: the mandatory one breaks readers.
    let skipped = find(
        &d,
        &command("query-migrate"),
        returns,
        ".ram.skipped",
        |k| {
            matches!(
                k,
                K::MemberRemoved {
                    optional: false,
                    ..
                }
            )
        },
    );
    assert_eq!(skipped.class, Class::Breaking);
    let disk = find(&d, &command("query-migrate"), returns, ".disk", |k| {
        matches!(k, K::MemberRemoved { optional: true, .. })
    });
    assert_eq!(disk.class, Class::Compatible);
    // Enum values: migration capabilities lost `compress` and `block`, gained `mapped-ram`.
    let caps = command("migrate-set-capabilities");
    let path = ".capabilities[].capability";
    for (value, class) in [("compress", Class::Breaking), ("block", Class::Breaking)] {
        let c = find(
            &d,
            &caps,
            args,
            path,
            |k| matches!(k, K::ValueRemoved { value: v, .. } if v == value),
        );
        assert_eq!(c.class, class, "{value}");
        assert!(c.also.contains(&command("query-migrate-capabilities")));
    }
    let mapped = find(
        &d,
        &caps,
        args,
        path,
        |k| matches!(k, K::ValueAdded { value } if value == "mapped-ram"),
    );
    assert_eq!(mapped.class, Class::Compatible);
    // Targets QEMU dropped: clients receiving them never see them again.
    let cris = find(
        &d,
        &command("query-cpus-fast"),
        returns,
        "[].target",
        |k| matches!(k, K::ValueRemoved { value, .. } if value == "cris"),
    );
    assert_eq!(cris.class, Class::Compatible);
    // A member moved into a union branch (query-sev grew SEV-SNP).
    let handle = find(&d, &command("query-sev"), returns, ".handle", |k| {
        matches!(
            k,
            K::MemberRemoved {
                optional: false,
                ..
            }
        )
    });
    assert_eq!(handle.class, Class::Breaking);
    find(
        &d,
        &command("query-sev"),
        returns,
        "{sev-type=sev}.handle",
        |k| *k == K::MemberAdded { optional: false },
    );
    // Type renames in 9.1's crypto clean-up, each reported once.
    for (old, new) in [
        ("QCryptoHashAlgorithm", "QCryptoHashAlgo"),
        ("QCryptoCipherAlgorithm", "QCryptoCipherAlgo"),
    ] {
        let renamed = find(
            &d,
            &Root::Type(new.into()),
            None,
            "",
            |k| matches!(k, K::TypeRenamed { old: o, .. } if o == old),
        );
        assert_eq!(renamed.class, Class::Compatible);
    }
    let renames = d
        .changes
        .iter()
        .filter(|c| matches!(c.kind, K::TypeRenamed { .. }))
        .count();
    assert_eq!(renames, d.summary().types_renamed);
}

fn guest_agent(old: &str, new: &str) -> Option<Diff> {
    let old = shared_file(&format!("qemu/{old}/qga/qapi-schema.json"))?;
    let new = shared_file(&format!("qemu/{new}/qga/qapi-schema.json"))?;
    Some(diff_files(&old, &new))
}

#[test]
fn guest_agent_releases() {
    // QEMU's own example of a compatible change: an argument's type turned into an alternate that has it.
    let Some(d) = guest_agent("7.2.0", "8.2.0") else {
        return;
    };
    let capture = find(
        &d,
        &command("guest-exec"),
        Some(Part::Arguments),
        ".capture-output",
        |k| {
            matches!(k, K::TypeChanged { relation: Relation::Widened, old, new }
            if old == "bool" && new == "alternate GuestExecCaptureOutput")
        },
    );
    assert_eq!(capture.class, Class::Compatible);
    assert_eq!(d.changes.len(), 1, "{:?}", d.changes);

    let Some(d) = guest_agent("8.2.0", "9.2.4") else {
        return;
    };
    let route = find(&d, &command("guest-network-get-route"), None, "", |k| {
        *k == K::CommandAdded
    });
    assert_eq!(route.condition.as_deref(), Some("CONFIG_LINUX"));
    let freeze = find(
        &d,
        &command("guest-fsfreeze-freeze"),
        None,
        "",
        |k| matches!(k, K::ConditionChanged { old: None, new: Some(c), .. } if c == "CONFIG_WIN32 || CONFIG_FSFREEZE"),
    );
    assert_eq!(freeze.class, Class::Compatible);
    let ssh = find(
        &d,
        &command("guest-ssh-get-authorized-keys"),
        None,
        "",
        |k| matches!(k, K::ConditionChanged { new: None, .. }),
    );
    assert_eq!(ssh.class, Class::Compatible);
    find(
        &d,
        &command("guest-get-fsinfo"),
        Some(Part::Returns),
        "[].total-bytes-privileged",
        |k| *k == K::MemberAdded { optional: true },
    );
    assert_eq!(d.count(Class::Breaking), 0);
}
