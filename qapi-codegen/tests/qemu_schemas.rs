//! Every QEMU schema in `../shared/qemu` (QMP, guest agent, storage daemon of each release there) generates as a
//! crate that compiles clippy-clean under `#![deny(warnings)]`.
//!
//! One cargo run over a workspace of all the crates, in a target directory kept between runs (slow the first
//! time: about a minute and a half here). `QAPI_SKIP_CRATE_BUILD=1` skips the build, keeping generation.

use std::path::{Path, PathBuf};
use std::time::Instant;

use qapi_gen::{CrateOptions, Options};
use serde_json::Value;

mod support {
    pub mod examples;
    pub mod scratch;
}
use support::examples;
use support::scratch::Scratch;

use qapi_tests::{missing, release_schemas, shared_dir};

/// (crate name, schema path) for every schema there: `qemu-qmp-1-2-0`, `qemu-ga-2-1-0`, `qemu-sd-10-2-0`, ...
fn schemas() -> Vec<(String, PathBuf)> {
    release_schemas(&shared_dir())
        .into_iter()
        .map(|(label, path)| {
            let (version, kind) = label.split_once(' ').expect("'VERSION KIND'");
            let kind = match kind {
                "qga" => "ga",
                "storage-daemon" => "sd",
                other => other,
            };
            (format!("qemu-{kind}-{}", version.replace('.', "-")), path)
        })
        .collect()
}

#[test]
fn every_qemu_schema_compiles_clippy_clean() {
    let schemas = schemas();
    if schemas.is_empty() {
        missing(&format!("QEMU schemas under {}", shared_dir().display()));
        return;
    }
    let scratch = Scratch::new("qemu-crates");
    let mut members = Vec::new();
    let mut example_list: Vec<Value> = Vec::new();
    let mut incomplete = Vec::new();
    let mut checker = String::from(examples::CHECKER_MAIN);
    let mut checker_deps = String::new();
    let mut dispatch_commands = String::new();
    let mut dispatch_events = String::new();
    for (name, schema_path) in &schemas {
        let start = Instant::now();
        let schema = qapi_schema::load(schema_path, &qapi_schema::Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display()));
        let krate = CrateOptions {
            runtime: qapi_gen::Runtime::Toml(Scratch::runtime_dependency()),
            standalone: false,
            ..CrateOptions::new(name.clone())
        };
        let dir = scratch.root.join(name);
        qapi_gen::write_crate(&schema, &Options::default(), &krate, &dir).unwrap();
        Scratch::deny_warnings(&dir);
        let summary = qapi_gen::Summary::of(&qapi_gen::Api::from_schema(&schema));
        eprintln!("{name}: {summary:?} generated in {:?}", start.elapsed());
        members.push(name.clone());
        if name.ends_with("9-2-4") {
            // The doc examples of the current release, checked against its bindings below.
            let api = qapi_gen::ir::Api::from_schema(&schema);
            let found = examples::extract(&api);
            example_list.extend(examples::to_json(name, &found.examples));
            incomplete.extend(
                found
                    .incomplete
                    .into_iter()
                    .map(|(d, m)| format!("{name} {d}: {m}")),
            );
            checker.push_str(&examples::dispatch(&api, name));
            checker_deps.push_str(&format!("{name} = {{ path = \"../{name}\" }}\n"));
            let module = name.replace('-', "_");
            dispatch_commands.push_str(&format!(
                "        {name:?} => command_{module}(name, args, ret),\n"
            ));
            dispatch_events.push_str(&format!(
                "        {name:?} => event_{module}(name, data),\n"
            ));
        }
    }
    write_checker(
        &scratch.root,
        &mut members,
        &checker,
        &checker_deps,
        &dispatch_commands,
        &dispatch_events,
    );
    scratch.write_manifest(&members);
    if Scratch::skip_builds() {
        return;
    }
    scratch.run(
        &["clippy", "--workspace", "--quiet", "--", "-D", "warnings"],
        "the generated crates do not pass clippy (see above)",
    );
    check_examples(&scratch, example_list, &incomplete);
    // And the current release's crates build.
    let mut build = vec!["build", "--quiet"];
    for (name, _) in schemas.iter().filter(|(n, _)| n.ends_with("9-2-4")) {
        build.extend(["-p", name]);
    }
    scratch.run(&build, "the 9.2.4 crates do not build (see above)");
}

/// The checker crate: a binary over the 9.2.4 bindings that decodes and re-encodes example messages.
fn write_checker(
    root: &Path,
    members: &mut Vec<String>,
    main: &str,
    deps: &str,
    commands: &str,
    events: &str,
) {
    let dir = root.join("example-check");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"example-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nserde = \"1\"\nserde_json = \"1\"\nqapi-runtime = {}\n{deps}",
        Scratch::runtime_dependency()
    );
    let main = format!(
        "{main}\nfn commands(krate: &str, name: &str, args: Value, ret: Option<Value>) -> Result<(), String> {{\n    \
         match krate {{\n{commands}        _ => Err(krate.into()),\n    }}\n}}\n\
         fn events(krate: &str, name: &str, data: Value) -> Result<(), String> {{\n    match krate {{\n{events}        \
         _ => Err(krate.into()),\n    }}\n}}\n"
    );
    // Written only when changed, so that an unchanged check crate is not rebuilt.
    for (path, text) in [("Cargo.toml", manifest), ("src/main.rs", main)] {
        let path = dir.join(path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
    }
    members.push("example-check".into());
}

/// Examples of QEMU 9.2.4 that are wrong in QEMU's own docs: (definition, what the bindings report, why).
const QEMU_DOC_MISTAKES: &[(&str, &str, &str)] = &[
    (
        "query-block",
        "missing member `cache`",
        "the example omits BlockDeviceInfo's required `cache` (stale since 2.3)",
    ),
    (
        "query-named-block-nodes",
        "missing member `cache`",
        "the example omits BlockDeviceInfo's required `cache`",
    ),
    (
        "query-migrate",
        "missing member `dirty-pages-rate`",
        "the examples omit MigrationStats' required `dirty-pages-rate`",
    ),
    (
        "migrate",
        "found string \"0x1000\"",
        "the example gives the int `offset` as the string \"0x1000\"",
    ),
    (
        "set-vcpu-dirty-limit",
        "missing member `dirty-rate`",
        "the example closes the request before its `arguments`",
    ),
    (
        "dumpdtb",
        "missing member `filename`",
        "the example closes the request before its `arguments`",
    ),
    (
        "trace-event-get-state",
        "re-encodes differently",
        "the example's reply has `vcpu`, removed from TraceEventInfo in 9.0",
    ),
    (
        "query-iothreads",
        "missing member `poll-max-ns`",
        "the example omits IOThreadInfo's required poll members",
    ),
    (
        "RTC_CHANGE",
        "missing member `qom-path`",
        "the example omits the required `qom-path` (added in 9.1)",
    ),
    (
        "query-sev",
        "missing member `sev-type`",
        "the example omits SevInfo's required `sev-type` (added in 9.1)",
    ),
    (
        "query-sgx-capabilities",
        "missing member `sections`",
        "the example omits SgxInfo's required `sections`",
    ),
    (
        "query-pci",
        "missing member `irq_pin`",
        "the example omits PciDeviceInfo's required `irq_pin`",
    ),
    (
        "x-query-virtio-status",
        "missing member `disable-legacy-check`",
        "the example omits a required member",
    ),
];

/// Every complete example of the 9.2.4 schemas, and every `query-qmp-schema` reply in `introspection/`, decodes
/// into the generated types and re-encodes to the same JSON.
fn check_examples(scratch: &Scratch, mut list: Vec<Value>, incomplete: &[String]) {
    let mut introspection = Vec::new();
    if let Ok(dir) = std::fs::read_dir(shared_dir().join("qemu/introspection")) {
        for entry in dir.flatten() {
            let reply: Value =
                serde_json::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            introspection.push(name.clone());
            list.push(serde_json::json!({"crate": "introspection", "kind": "introspection", "name": name, "message": reply}));
        }
    }
    let file = scratch.root.join("examples.json");
    std::fs::write(&file, serde_json::to_string(&list).unwrap()).unwrap();
    let output = scratch
        .cargo(&["run", "--quiet", "-p", "example-check", "--"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), list.len());
    let mut failures = Vec::new();
    let mut doc_mistakes = Vec::new();
    let (mut examples, mut passed) = (0, 0);
    for (example, result) in list.iter().zip(&results) {
        let ok = result["ok"] == true;
        if example["crate"] == "introspection" {
            assert!(
                ok,
                "introspection {}: {}",
                example["name"], result["reason"]
            );
            continue;
        }
        examples += 1;
        if ok {
            passed += 1;
            continue;
        }
        let reason = result["reason"].as_str().unwrap_or("");
        let line = format!(
            "{} {} ({} {}): {reason}",
            example["crate"], example["definition"], example["kind"], example["name"]
        );
        let known = QEMU_DOC_MISTAKES
            .iter()
            .find(|(d, r, _)| example["definition"] == *d && reason.contains(r));
        match known {
            Some((_, _, why)) => {
                doc_mistakes.push(format!("{line}\n      QEMU doc mistake: {why}"))
            }
            None => failures.push(line),
        }
    }
    eprintln!(
        "doc examples: {passed} of {examples} complete examples decode and re-encode unchanged"
    );
    for f in &doc_mistakes {
        eprintln!("  not passed: {f}");
    }
    for f in &failures {
        eprintln!("  FAILED {f}");
    }
    eprintln!(
        "{} incomplete examples (elided with `...` or not JSON) not checked",
        incomplete.len()
    );
    eprintln!(
        "introspection replies decoded: {}",
        introspection.join(", ")
    );
    assert!(
        passed * 100 >= examples * 95,
        "below 95% of complete examples: {passed}/{examples}"
    );
    assert!(
        failures.is_empty(),
        "examples fail for reasons other than known QEMU doc mistakes"
    );
}
