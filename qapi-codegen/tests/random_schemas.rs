//! Any schema at all: random valid schemas (`support/random_schema.rs`) load, generate, compile clippy-clean
//! under `#![deny(warnings)]`, and random JSON conforming to each of their types (`support/json_values.rs`)
//! decodes with the generated code, re-encodes, decodes to the same value, and re-encodes to the same bytes.
//!
//! All schemas of a run are modules of ONE scratch crate, so rustc starts once; a small program in that crate
//! runs the round trips over a file of `seed<TAB>definition<TAB>json` lines. The run takes the seeds in
//! `support/random_schema_seeds.txt` (failures found before, always re-run) and `QAPI_RANDOM_SCHEMAS` (default
//! 200) more from `QAPI_RANDOM_SEED` (default: one from the clock, printed). A failure names its seed: add it to
//! the seeds file. `QAPI_SKIP_CRATE_BUILD=1` keeps loading and generation and skips the build.

use std::fmt::Write as _;
use std::path::Path;

use qapi_gen::ir::{Api, Kind};
use qapi_gen::names::Names;
use qapi_gen::Options;

mod support {
    pub mod json_values;
    pub mod random_schema;
    pub mod scratch;
}
use support::json_values::{Gen, Rng};
use support::scratch::Scratch;

/// Random values per definition.
const VALUES: u64 = 12;

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text}: not a number")),
    )
}

/// The regression seeds, then this run's.
fn seeds() -> Vec<u64> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/random_schema_seeds.txt");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut seeds: Vec<u64> = text
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.parse()
                .unwrap_or_else(|_| panic!("{}: bad seed {l:?}", file.display()))
        })
        .collect();
    let count = env_u64("QAPI_RANDOM_SCHEMAS").unwrap_or(200);
    let base = env_u64("QAPI_RANDOM_SEED").unwrap_or_else(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map(|d| d.as_secs() % 1_000_000 * 1000).unwrap_or(1)
    });
    eprintln!("random schemas: QAPI_RANDOM_SEED={base} QAPI_RANDOM_SCHEMAS={count}");
    for seed in base..base + count {
        if !seeds.contains(&seed) {
            seeds.push(seed);
        }
    }
    seeds
}

/// The schema of `seed`, loaded and reduced; a load error fails the test with the seed and the text.
fn api(seed: u64) -> Api {
    let text = support::random_schema::schema(seed);
    let name = format!("random-{seed}.json");
    match qapi_schema::load_str(&name, &text, &qapi_schema::Options::default()) {
        Ok(schema) => Api::from_schema(&schema),
        Err(e) => panic!("seed {seed}: the random schema does not load: {e}\n{text}"),
    }
}

/// One match arm per definition of schema `seed`: its Rust type's round trip.
fn check_arms(seed: u64, api: &Api, arms: &mut String) {
    let names = Names::new(api);
    for (i, d) in api.definitions.iter().enumerate() {
        if let Kind::Enum(_) | Kind::Struct(_) | Kind::Union(_) | Kind::Alternate(_) = d.kind {
            if d.module == 0 {
                continue; // QType, checked by round_trip.rs
            }
        }
        let rust = &names.definitions[i];
        let _ = writeln!(
            arms,
            "        ({seed}, {:?}) => round_trip::<crate::s{seed}::{rust}>(json),",
            d.name
        );
    }
}

/// `VALUES` random JSON values of every definition of schema `seed`, as lines.
fn values(seed: u64, api: &Api, lines: &mut String) {
    for d in &api.definitions {
        if d.module == 0 {
            continue;
        }
        for k in 0..VALUES {
            let mut gen = Gen {
                api,
                rng: Rng((seed * 1000 + k).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
                depth: 0,
            };
            let json = gen.named(&d.name);
            let _ = writeln!(lines, "{seed}\t{}\t{json}", d.name);
        }
    }
}

const CHECKS_HEAD: &str = r#"//! The round trip of one value of one definition, by schema seed and name.
#![allow(deprecated)]

use std::fmt::Debug;

use qapi_runtime::{Decode, Encode};

fn round_trip<T: Decode + Encode + PartialEq + Debug>(json: &str) -> Result<(), String> {
    let first: T = qapi_runtime::from_str(json).map_err(|e| format!("decode: {e}"))?;
    let encoded = qapi_runtime::to_vec(&first);
    let text = String::from_utf8_lossy(&encoded).into_owned();
    let second: T =
        qapi_runtime::from_slice(&encoded).map_err(|e| format!("re-decode of {text}: {e}"))?;
    if first != second {
        return Err(format!("{first:?}\n  != {second:?}\n  (encoded: {text})"));
    }
    if qapi_runtime::to_vec(&second) != encoded {
        return Err(format!("encoding is not stable: {text}"));
    }
    Ok(())
}

/// `None`: no such definition.
pub fn check(seed: u64, name: &str, json: &str) -> Option<Result<(), String>> {
    Some(match (seed, name) {
"#;

const MAIN: &str = r#"//! Runs the round trip of every `seed<TAB>name<TAB>json` line of the file given; prints failures.
#![deny(warnings)]
use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::env::args().nth(1).expect("a values file");
    let text = std::fs::read_to_string(&path).expect("the values file");
    let (mut passed, mut failed) = (0, 0);
    for line in text.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(seed), Some(name), Some(json)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("bad line {line:?}");
        };
        let seed: u64 = seed.parse().expect("a seed");
        match random_schemas::checks::check(seed, name, json) {
            Some(Ok(())) => passed += 1,
            Some(Err(e)) => {
                failed += 1;
                println!("FAIL seed {seed}, {name}: {e}\n  json: {json}");
            }
            None => panic!("no check for {name} of seed {seed}"),
        }
    }
    println!("{passed} round trips passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
"#;

#[test]
fn random_schemas_generate_compile_and_round_trip() {
    let scratch = Scratch::new("random-schemas");
    let dir = scratch.root.join("random-schemas");
    let src = dir.join("src");
    // Modules of an earlier run go: the crate is this run's schemas only.
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).unwrap();
    let (mut lib, mut arms, mut lines) = (String::new(), String::new(), String::new());
    lib.push_str("//! Random schemas, one module each.\n#![deny(warnings)]\n\npub mod checks;\n");
    let seeds = seeds();
    let mut code_bytes = 0;
    for &seed in &seeds {
        let api = api(seed);
        eprintln!("seed {seed}: {} definitions", api.definitions.len());
        let code = qapi_gen::generate(&api, &Options::default())
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        code_bytes += code.len();
        std::fs::write(src.join(format!("s{seed}.rs")), code).unwrap();
        let _ = writeln!(lib, "pub mod s{seed};");
        check_arms(seed, &api, &mut arms);
        values(seed, &api, &mut lines);
    }
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let checks = format!("{CHECKS_HEAD}{arms}        _ => return None,\n    }})\n}}\n");
    std::fs::write(src.join("checks.rs"), checks).unwrap();
    std::fs::write(src.join("main.rs"), MAIN).unwrap();
    let manifest = format!(
        "[package]\nname = \"random-schemas\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nqapi-runtime = {}\n",
        Scratch::runtime_dependency()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    scratch.write_manifest(&["random-schemas".to_string()]);
    // No debug info: the crate is large and only run once.
    let workspace = scratch.root.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&workspace).unwrap();
    text.push_str("\n[profile.dev]\ndebug = false\n");
    std::fs::write(&workspace, text).unwrap();
    let values_file = scratch.root.join("values.txt");
    std::fs::write(&values_file, &lines).unwrap();
    if Scratch::skip_builds() {
        return;
    }
    // One pass: the build runs clippy's lints (`deny(warnings)` makes them errors), instead of `cargo clippy`
    // and then `cargo build` type-checking the crate twice.
    let started = std::time::Instant::now();
    let clippy = std::env::var("CLIPPY_DRIVER").unwrap_or_else(|_| "clippy-driver".into());
    let built = scratch
        .cargo(&["build", "--quiet"])
        .env("RUSTC_WORKSPACE_WRAPPER", clippy)
        // Every run's schemas are new: incremental state would only fill the disk (1.3 GB for 300 schemas).
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .expect("cargo runs");
    assert!(
        built.success(),
        "a random schema's bindings do not build clippy-clean (see above; the module sSEED.rs names the seed)"
    );
    eprintln!(
        "{} schemas, {} KB of Rust: built with clippy in {:.1} s",
        seeds.len(),
        code_bytes / 1024,
        started.elapsed().as_secs_f64()
    );
    let output = std::process::Command::new(scratch.binary("random-schemas"))
        .arg(&values_file)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    eprintln!("{}", report.lines().last().unwrap_or_default());
    assert!(
        output.status.success(),
        "round trips failed (add the seeds to tests/support/random_schema_seeds.txt):\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
