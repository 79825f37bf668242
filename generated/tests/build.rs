//! Writes, for each crate in `generated/`, the schema's commands and events and the queries to call, as a
//! `known!` invocation that the tests expand: every name is a path into the crate (so a missing item fails to
//! compile) beside the wire name the 10.2.0 schema gives it. The names come from the schema in `../shared`, read
//! by the front end; the Rust names from the generator's naming rules.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use qapi_gen::ir::{Api, Args, Kind};
use qapi_gen::names::Names;

const CRATES: [(&str, &str); 3] = [
    ("qemu_qmp", "qapi/qapi-schema.json"),
    (
        "qemu_storage_daemon_qmp",
        "storage-daemon/qapi/qapi-schema.json",
    ),
    ("qemu_qga", "qga/qapi-schema.json"),
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    println!("cargo::rerun-if-env-changed=QAPI_SHARED_DIR");
    let shared = match std::env::var_os("QAPI_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest.join("../../../shared"),
    };
    let root = shared.join("qemu/10.2.0");
    for dir in ["qapi", "qga", "storage-daemon"] {
        println!("cargo::rerun-if-changed={}", root.join(dir).display());
    }
    for (krate, schema) in CRATES {
        let text = known(krate, &root.join(schema));
        std::fs::write(out.join(format!("known_{krate}.rs")), text).expect("writing to OUT_DIR");
    }
    readme_doctests(&root, &out);
}

/// What the doctests of qapi-macros' README need (`src/lib.rs`): `$QEMU_SRC` for its `include_qapi!` snippet,
/// and the `OUT_DIR/qapi.rs` that its build.rs snippet has `Config` write (module `control` only, to compile
/// fast; empty without the schema).
fn readme_doctests(root: &Path, out: &Path) {
    println!("cargo::rustc-env=QEMU_SRC={}", root.display());
    let options = qapi_gen::Options::new()
        .docs(false)
        .only_modules(["control"]);
    let text = qapi_schema::load(
        root.join("qapi/qapi-schema.json"),
        &qapi_schema::Options::default(),
    )
    .ok()
    .and_then(|schema| qapi_gen::generate(&Api::from_schema(&schema), &options).ok())
    .unwrap_or_default();
    std::fs::write(out.join("qapi.rs"), text).expect("writing to OUT_DIR");
}

/// The `known!` invocation for one crate; without the schema, `available: false` and empty lists (the tests
/// then report the schema missing).
fn known(krate: &str, schema_path: &Path) -> String {
    let options = qapi_schema::Options::default();
    let Ok(schema) = qapi_schema::load(schema_path, &options) else {
        return format!(
            "known! {{ krate: {krate}, available: false, commands: [], events: [], queries: [] }}\n"
        );
    };
    let api = Api::from_schema(&schema);
    let names = Names::new(&api);
    let (mut commands, mut events, mut queries) = (String::new(), String::new(), String::new());
    for (i, def) in api.definitions.iter().enumerate() {
        let rust = &names.definitions[i];
        match &def.kind {
            Kind::Command(c) => {
                let _ = write!(commands, "({:?}, {rust}), ", def.name);
                if no_required_args(&c.args) && reads_state(&def.name) {
                    let method = &names.methods[&i];
                    // A method takes arguments unless the command has none: all absent is `Default`.
                    let args = if matches!(c.args, Args::None) {
                        ""
                    } else {
                        "default"
                    };
                    let _ = write!(queries, "({:?}, {method}, [{args}]), ", def.name);
                }
            }
            Kind::Event(_) => {
                let _ = write!(events, "({:?}, {rust}), ", def.name);
            }
            _ => {}
        }
    }
    format!(
        "known! {{ krate: {krate}, available: true, commands: [{commands}], events: [{events}], \
         queries: [{queries}] }}\n"
    )
}

/// A command that can be sent with every argument absent.
fn no_required_args(args: &Args) -> bool {
    match args {
        Args::None => true,
        Args::Inline(members) => members.iter().all(|m| m.optional),
        Args::Named(_) => false,
    }
}

/// Commands that only read state, by QEMU's naming: queries, and the guest agent's getters.
fn reads_state(name: &str) -> bool {
    const PREFIXES: [&str; 4] = ["query-", "x-query-", "guest-get-", "guest-network-get-"];
    const OTHERS: [&str; 4] = [
        "qom-list-types",
        "guest-info",
        "guest-ping",
        "guest-fsfreeze-status",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p)) || OTHERS.contains(&name)
}
