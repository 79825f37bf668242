//! The committed crates are exactly what the current generator writes from QEMU 10.2.0's schemas in `../shared`:
//! a change to the generator or to the schemas without `generated/regenerate.sh` fails here.

use qapi_tests::missing;
use qemu_bindings_tests::freshness::staleness;
use qemu_bindings_tests::{generated_dir, qemu_10_2_0, BINDINGS};

#[test]
fn committed_crates_are_what_the_generator_writes() {
    let root = qemu_10_2_0();
    if !root.exists() {
        missing(&format!("QEMU 10.2.0's schemas at {}", root.display()));
        return;
    }
    let mut stale = Vec::new();
    for b in BINDINGS {
        let dir = generated_dir().join(b.name);
        let s = staleness(&b, &root, &dir).unwrap_or_else(|e| panic!("{}: {e}", b.name));
        for path in s.changed {
            stale.push(format!(
                "{}/{}: differs from the generator's output",
                b.name,
                path.display()
            ));
        }
        for path in s.extra {
            stale.push(format!(
                "{}/{}: no longer generated",
                b.name,
                path.display()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "generated/ is stale; run generated/regenerate.sh\n{}",
        stale.join("\n")
    );
}

/// `regenerate.sh` and this crate's [`BINDINGS`] describe the same crates with the same arguments.
#[test]
fn regenerate_script_matches_the_checked_configuration() {
    let script = std::fs::read_to_string(generated_dir().join("regenerate.sh")).unwrap();
    for b in BINDINGS {
        for needle in [b.name, b.schema, b.doc_url] {
            assert!(
                script.contains(needle),
                "regenerate.sh does not mention {needle:?}"
            );
        }
    }
    assert!(script.contains(qemu_bindings_tests::RUNTIME));
    assert!(script.contains("--no-docs"));
    assert!(script.contains(&format!(
        "--oldest-qemu {}",
        qemu_bindings_tests::OLDEST_QEMU
    )));
}

/// The check sees a change: one byte more in a committed file, or a stray module, makes the crate stale.
#[test]
fn a_modified_copy_is_stale() {
    let root = qemu_10_2_0();
    if !root.exists() {
        missing(&format!("QEMU 10.2.0's schemas at {}", root.display()));
        return;
    }
    let b = BINDINGS[2];
    let copy = tempfile::tempdir().unwrap();
    let from = generated_dir().join(b.name);
    std::fs::create_dir(copy.path().join("src")).unwrap();
    for entry in std::fs::read_dir(from.join("src")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            copy.path().join("src").join(entry.file_name()),
        )
        .unwrap();
    }
    std::fs::copy(from.join("Cargo.toml"), copy.path().join("Cargo.toml")).unwrap();
    let fresh = staleness(&b, &root, &from).unwrap();
    assert!(fresh.is_fresh(), "{fresh:?}");

    let lib = copy.path().join("src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push('\n');
    std::fs::write(&lib, text).unwrap();
    std::fs::write(copy.path().join("src/old_module.rs"), "").unwrap();
    let s = staleness(&b, &root, copy.path()).unwrap();
    assert!(s.changed.iter().any(|p| p.ends_with("lib.rs")), "{s:?}");
    assert_eq!(s.extra, [std::path::Path::new("src/old_module.rs")]);
}
