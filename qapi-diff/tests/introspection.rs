//! Replies of running QEMUs (`../shared/qemu/introspection`, captured from `query-qmp-schema`) against each other
//! and against schema files.

mod common;

use common::{command, diff_files, event, find, wire};
use qapi_diff::{diff, ChangeKind as K, Class, Part, Relation};
use qapi_tests::shared_file;

#[test]
fn every_reply_against_itself_is_empty() {
    for name in [
        "qemu-storage-daemon-10.0.2.json",
        "qemu-storage-daemon-7.2.22.json",
        "qemu-system-x86_64-10.0.2.json",
    ] {
        let Some(path) = shared_file(&format!("qemu/introspection/{name}")) else {
            continue;
        };
        let w = wire(&path);
        assert!(w.commands.len() > 70, "{name}");
        let d = diff(&w, &w);
        assert!(d.is_empty(), "{name}: {:?}", d.changes.first());
    }
}

/// What QEMU 10.0 added to the storage daemon, seen from the 9.2.4 schema.
#[test]
fn storage_daemon_schema_9_2_against_the_10_0_reply() {
    let (Some(schema), Some(reply)) = (
        shared_file("qemu/9.2.4/storage-daemon/qapi/qapi-schema.json"),
        shared_file("qemu/introspection/qemu-storage-daemon-10.0.2.json"),
    ) else {
        return;
    };
    let d = diff_files(&schema, &reply);
    let added = find(&d, &command("blockdev-set-active"), None, "", |k| {
        *k == K::CommandAdded
    });
    assert_eq!(added.class, Class::Compatible);
    let args = Some(Part::Arguments);
    for (name, path) in [
        ("block-export-add", ".allow-inactive"),
        ("nbd-server-start", ".handshake-max-seconds"),
        ("blockdev-add", ".active"),
    ] {
        let c = find(&d, &command(name), args, path, |k| {
            *k == K::MemberAdded { optional: true }
        });
        assert_eq!(c.class, Class::Compatible, "{name}");
    }
    find(
        &d,
        &command("chardev-add"),
        args,
        ".backend",
        |k| matches!(k, K::BranchAdded { case } if case == "hub"),
    );
    let active = find(
        &d,
        &command("query-block"),
        Some(Part::Returns),
        "[].inserted.active",
        |k| *k == K::MemberAdded { optional: false },
    );
    assert_eq!(active.class, Class::Compatible);
    // What the schema makes conditional and this build left out is marked as such.
    let io_uring = find(
        &d,
        &command("blockdev-add"),
        args,
        ".driver",
        |k| matches!(k, K::ValueRemoved { value, .. } if value == "io_uring"),
    );
    assert_eq!(io_uring.condition.as_deref(), Some("CONFIG_BLKIO"));
    // Nothing is renamed: a reply has no type names to compare.
    assert_eq!(d.summary().types_renamed, 0);
    // The other way round, the additions are removals; those from commands break senders.
    let back = diff_files(&reply, &schema);
    let gone = find(&back, &command("blockdev-set-active"), None, "", |k| {
        matches!(k, K::CommandRemoved { .. })
    });
    assert_eq!(gone.class, Class::Breaking);
}

#[test]
fn storage_daemon_replies_7_2_to_10_0() {
    let (Some(old), Some(new)) = (
        shared_file("qemu/introspection/qemu-storage-daemon-7.2.22.json"),
        shared_file("qemu/introspection/qemu-storage-daemon-10.0.2.json"),
    ) else {
        return;
    };
    let d = diff_files(&old, &new);
    // BlockJobInfo became a union on its `type`, which became an enum.
    let ty = find(
        &d,
        &command("query-block-jobs"),
        Some(Part::Returns),
        "[].type",
        |k| matches!(k, K::TypeChanged { relation: Relation::Narrowed, old, new } if old == "str" && new == "enum"),
    );
    assert_eq!(ty.class, Class::Compatible);
    find(
        &d,
        &event("BLOCK_IO_ERROR"),
        Some(Part::Data),
        ".qom-path",
        |k| *k == K::MemberAdded { optional: false },
    );
    assert_eq!(
        find(&d, &command("blockdev-set-active"), None, "", |k| *k
            == K::CommandAdded)
        .class,
        Class::Compatible
    );
}

/// The wire view of a schema file matches what a QEMU built from it reports: the 7.2 storage daemon's modules
/// against the 7.2.22 daemon's reply differ only in what that build left out.
#[test]
fn schema_wire_view_matches_introspection() {
    let (Some(qapi), Some(reply)) = (
        shared_file("qemu/7.2.0/qapi"),
        shared_file("qemu/introspection/qemu-storage-daemon-7.2.22.json"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("{ 'pragma': { 'doc-required': false } }\n");
    // The storage daemon's module list (storage-daemon/qapi/qapi-schema.json), by absolute path.
    for module in [
        "pragma",
        "common",
        "sockets",
        "crypto",
        "job",
        "block-core",
        "block-export",
        "char",
        "authz",
        "transaction",
        "control",
        "introspect",
        "qom",
    ] {
        let path = qapi.join(format!("{module}.json"));
        text.push_str(&format!("{{ 'include': '{}' }}\n", path.display()));
    }
    let schema = dir.path().join("qsd-7.2.json");
    std::fs::write(&schema, text).unwrap();
    let d = diff_files(&schema, &reply);
    assert!(!d.is_empty());
    for c in &d.changes {
        assert!(
            matches!(c.kind, K::ValueRemoved { .. } | K::BranchRemoved { .. }),
            "{c}"
        );
        assert_eq!(c.condition.as_deref(), Some("CONFIG_BLKIO"), "{c}");
    }
}
