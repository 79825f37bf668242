//! Bindings from a running QEMU's `query-qmp-schema` reply: the captured replies in
//! `../shared/qemu/introspection` generate readable, stable names and crates that compile clippy-clean under
//! `#![deny(warnings)]`; the storage daemon's bindings decode a live qemu-storage-daemon's replies.
//!
//! One cargo run over a workspace of the crates (and a small client program) in a target directory kept between
//! runs. `QAPI_SKIP_CRATE_BUILD=1` skips the builds, keeping generation.

use std::path::Path;
use std::process::Command;

use qapi_gen::ir::{Api, Args, Kind, TypeExpr};
use qapi_gen::{CrateOptions, Layout, Options};
use qapi_introspection::Introspection;
use qapi_tests::{shared_file, Server};

mod support {
    pub mod scratch;
}
use support::scratch::Scratch;

fn reply(name: &str) -> Option<Introspection> {
    let path = shared_file(&format!("qemu/introspection/{name}"))?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    Some(Introspection::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}")))
}

const REPLIES: [&str; 3] = [
    "qemu-storage-daemon-10.0.2.json",
    "qemu-storage-daemon-7.2.22.json",
    "qemu-system-x86_64-10.0.2.json",
];

fn definition<'a>(api: &'a Api, name: &str) -> &'a Kind {
    &api.definitions
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no definition {name}"))
        .kind
}

#[test]
fn types_are_named_after_where_they_are_used() {
    let Some(reply) = reply("qemu-storage-daemon-10.0.2.json") else {
        return;
    };
    let api = Api::from_introspection(&reply).unwrap();
    // blockdev-add takes a union: a named type, its tag an enum named after the member.
    let Kind::Command(add) = definition(&api, "blockdev-add") else {
        panic!()
    };
    assert!(matches!(&add.args, Args::Named(n) if n == "BlockdevAddArg"));
    let Kind::Union(options) = definition(&api, "BlockdevAddArg") else {
        panic!()
    };
    assert_eq!(options.discriminator, "driver");
    assert_eq!(options.tag_enum, "BlockdevAddArgDriver");
    let Kind::Enum(drivers) = definition(&api, "BlockdevAddArgDriver") else {
        panic!()
    };
    assert!(drivers.iter().any(|v| v.name == "qcow2"));
    let qcow2 = options.branches.iter().find(|b| b.name == "qcow2").unwrap();
    assert_eq!(qcow2.ty.as_deref(), Some("BlockdevAddArgQcow2"));
    // A plain argument object is the command's own struct; its members' types take the `<Command>Arg` prefix.
    let Kind::Command(resize) = definition(&api, "block_resize") else {
        panic!()
    };
    assert!(matches!(&resize.args, Args::Inline(m) if m.iter().any(|m| m.name == "size")));
    // Returns: a list's element is named as the list.
    let Kind::Command(query_block) = definition(&api, "query-block") else {
        panic!()
    };
    assert_eq!(
        query_block.returns,
        Some(TypeExpr::Array(Box::new(TypeExpr::Named(
            "QueryBlockRet".into()
        ))))
    );
    assert!(matches!(definition(&api, "QueryBlockRet"), Kind::Struct(_)));
    // Events.
    // Events: a type met before keeps the name of its first use (query-jobs returns JobStatus before the event).
    let Kind::Event(job) = definition(&api, "JOB_STATUS_CHANGE") else {
        panic!()
    };
    let Args::Inline(members) = &job.data else {
        panic!()
    };
    let status = members.iter().find(|m| m.name == "status").unwrap();
    assert_eq!(status.ty, TypeExpr::Named("QueryJobsRetStatus".into()));
    assert!(matches!(
        definition(&api, "QueryJobsRetStatus"),
        Kind::Enum(_)
    ));
    // Every name is unique, and the same reply always gives the same names.
    let mut names: Vec<&str> = api.definitions.iter().map(|d| d.name.as_str()).collect();
    let again = Api::from_introspection(&reply).unwrap();
    assert!(names
        .iter()
        .zip(&again.definitions)
        .all(|(a, b)| *a == b.name));
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), api.definitions.len());
}

/// Every reply generates a crate; all compile clippy-clean under `deny(warnings)`, and the 10.0.2 storage
/// daemon's decodes a live daemon's replies.
#[test]
fn replies_generate_crates_that_compile_and_decode() {
    let scratch = Scratch::new("introspection-crates");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap();
    let mut members = Vec::new();
    for name in REPLIES {
        let Some(reply) = reply(name) else { return };
        let api = Api::from_introspection(&reply).unwrap();
        let crate_name = format!("live-{}", name.trim_end_matches(".json").replace('.', "-"));
        let krate = CrateOptions {
            runtime: qapi_gen::Runtime::Toml(Scratch::runtime_dependency()),
            standalone: false,
            ..CrateOptions::new(crate_name.clone())
        };
        let dir = scratch.root.join(&crate_name);
        let layout = Layout::Crate {
            krate,
            out_dir: dir.clone(),
        };
        let files = qapi_gen::generate_files(&api, &Options::default(), &layout).unwrap();
        qapi_gen::write_files(&dir, files).unwrap();
        Scratch::deny_warnings(&dir);
        members.push(crate_name);
    }
    write_client(&scratch.root, &workspace);
    members.push("client".into());
    scratch.write_manifest(&members);
    if Scratch::skip_builds() {
        return;
    }
    scratch.run(
        &["clippy", "--workspace", "--quiet", "--", "-D", "warnings"],
        "the generated crates do not pass clippy (see above)",
    );
    scratch.run(
        &["build", "--quiet", "-p", "client"],
        "the client does not build (see above)",
    );
    let Some(live) = Server::storage_daemon(&[]) else {
        return;
    };
    let output = Command::new(scratch.binary("client"))
        .arg(live.socket())
        .output()
        .unwrap();
    drop(live);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("decoded"), "{stdout}");
}

/// A program using the 10.0.2 storage daemon's generated bindings through qmp-client.
fn write_client(root: &Path, workspace: &Path) {
    let dir = root.join("client");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"client\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nlive-qemu-storage-daemon-10-0-2 = {{ path = \"../live-qemu-storage-daemon-10-0-2\" }}\n\
         qmp-client = {{ path = {:?} }}\nserde_json = \"1\"\n",
        workspace.join("qmp-client").display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let main = r#"//! Decodes a live qemu-storage-daemon's replies with bindings generated from its query-qmp-schema reply.
use live_qemu_storage_daemon_10_0_2 as qsd;

fn main() {
    let socket = std::env::args().nth(1).expect("a QMP socket path");
    let qmp = qmp_client::blocking::Client::connect_unix(&socket).expect("connects");
    let node = serde_json::json!({"driver": "null-co", "node-name": "null0", "size": 1048576});
    qmp.execute_raw("blockdev-add", node).expect("blockdev-add");
    let nodes = qmp.execute(qsd::QueryNamedBlockNodes::new()).expect("query-named-block-nodes");
    assert!(format!("{nodes:?}").contains("null0"), "{nodes:?}");
    let stats = qmp.execute(qsd::QueryBlockstats::new().with_query_nodes(true)).expect("query-blockstats");
    assert!(!stats.is_empty());
    let schema = qmp.execute(qsd::QueryQmpSchema::new()).expect("query-qmp-schema");
    assert!(schema.len() > 400, "{}", schema.len());
    let jobs = qmp.execute(qsd::QueryJobs::new()).expect("query-jobs");
    let block_jobs = qmp.execute(qsd::QueryBlockJobs::new()).expect("query-block-jobs");
    let version = qmp.execute(qsd::QueryVersion::new()).expect("query-version");
    assert_eq!(version.qemu.major, 10, "{version:?}");
    let exports = qmp.execute(qsd::QueryBlockExports::new()).expect("query-block-exports");
    qmp.execute(qsd::BlockdevDel::new("null0")).expect("blockdev-del");
    println!(
        "decoded {} nodes, {} stats, {} schema entries, {} jobs, {} block jobs, {} exports",
        nodes.len(), stats.len(), schema.len(), jobs.len(), block_jobs.len(), exports.len()
    );
}
"#;
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
}
