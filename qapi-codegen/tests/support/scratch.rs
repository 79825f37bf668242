//! A scratch cargo workspace for generated crates, in the test's target tmpdir and kept between runs (so only the
//! first run builds the dependencies): crates written as a user gets them, built with warnings as errors.
// Shared by several test crates, each using part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Scratch {
    pub root: PathBuf,
    target: PathBuf,
    cargo: String,
}

impl Scratch {
    /// The workspace `name` (and its target directory `name-target`) under `CARGO_TARGET_TMPDIR`.
    pub fn new(name: &str) -> Scratch {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let root = tmp.join(name);
        std::fs::create_dir_all(&root).unwrap();
        Scratch {
            root,
            target: tmp.join(format!("{name}-target")),
            cargo: std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
        }
    }

    /// The `qapi-runtime` dependency of the generated crates: this workspace's, by absolute path.
    pub fn runtime_dependency() -> String {
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../qapi-runtime")
            .canonicalize()
            .unwrap();
        format!("{{ path = {:?} }}", runtime.display().to_string())
    }

    /// The strictest user: warnings in the crate at `dir` are errors.
    pub fn deny_warnings(dir: &Path) {
        let lib = dir.join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap();
        if !text.contains("#![deny(warnings)]") {
            std::fs::write(&lib, text.replacen('\n', "\n#![deny(warnings)]\n", 1)).unwrap();
        }
    }

    /// The workspace manifest over `members` (directory names).
    pub fn write_manifest(&self, members: &[String]) {
        let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
        let manifest = format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        );
        std::fs::write(self.root.join("Cargo.toml"), manifest).unwrap();
    }

    /// Whether the crate builds are skipped (`QAPI_SKIP_CRATE_BUILD=1`), keeping generation.
    pub fn skip_builds() -> bool {
        std::env::var_os("QAPI_SKIP_CRATE_BUILD").is_some()
    }

    /// `cargo ARGS` in the workspace, with its own target directory and none of the caller's RUSTFLAGS.
    pub fn cargo(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.cargo);
        command
            .args(args)
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("RUSTFLAGS");
        command
    }

    /// Runs `cargo ARGS`; fails the test with `failure` when cargo does.
    pub fn run(&self, args: &[&str], failure: &str) {
        assert!(self.cargo(args).status().unwrap().success(), "{failure}");
    }

    /// A binary built in the workspace.
    pub fn binary(&self, name: &str) -> PathBuf {
        self.target.join("debug").join(name)
    }
}
