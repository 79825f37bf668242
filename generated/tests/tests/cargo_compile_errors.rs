//! Compile errors that trybuild cannot show, because they depend on a dependency's features or version: each case
//! is a crate under `target/tmp/cargo-ui` built with cargo, and its errors are compared with
//! `tests/cargo-ui/NAME.stderr` (`CARGO_UI=overwrite` rewrites them after an intended change).
//!
//! - `feature_off`: a user crate calls `stop` on `qemu-qmp` built without its cargo feature `misc`; rustc names
//!   the feature (the generator's `__feature_needed` traits).
//! - `runtime_mismatch`: the committed `qemu-qga` (generated for `qapi-runtime` 0.1) built against a
//!   `qapi-runtime` 0.2, as `qapi-gen --crate --runtime DIR` writes it for a newer runtime's checkout; rustc names
//!   the runtime version the code needs.
//!
//! Paths are written as `$WORKSPACE` and `$DIR`, and line numbers are dropped, so the files read the same on every
//! machine and survive regenerating the bindings. The cases build offline, with the workspace's `Cargo.lock`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace")
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cargo-ui")
}

/// Writes `text` to `path` unless it holds it already, so that cargo sees unchanged files as unchanged.
fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a file in a directory"))
        .expect("creating the directory");
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            write(
                &target,
                &std::fs::read_to_string(entry.path()).expect("a text file"),
            );
        }
    }
}

/// Builds the crate in `dir` (its own workspace) and gives its compiler output, normalized.
fn build_errors(dir: &Path) -> String {
    write(
        &dir.join("Cargo.lock"),
        &std::fs::read_to_string(workspace().join("Cargo.lock")).expect("Cargo.lock"),
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--offline", "--color=never"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", cases_dir().join("target"))
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .output()
        .expect("running cargo");
    assert!(
        !out.status.success(),
        "{} built, but must not",
        dir.display()
    );
    normalize(&String::from_utf8_lossy(&out.stderr), dir)
}

/// Paths as `$DIR` (the case's crate), `$CASES` (beside it) and `$WORKSPACE`, no line or column numbers, and
/// nothing before the first diagnostic.
fn normalize(stderr: &str, dir: &Path) -> String {
    let path = |p: &Path| p.canonicalize().expect("a directory").display().to_string();
    let text = stderr
        .replace(&path(dir), "$DIR")
        .replace(&path(&cases_dir()), "$CASES")
        .replace(&path(&workspace()), "$WORKSPACE");
    let start = text.find("error").unwrap_or(0);
    let mut out = String::new();
    for line in text[start..].lines() {
        let place = line.split_once("--> ").or_else(|| line.split_once("::: "));
        let line = match place {
            // ` --> src/lib.rs:6:17` → ` --> src/lib.rs`
            Some((arrow, place)) => {
                let marker = &line[arrow.len()..arrow.len() + 4];
                format!(
                    "{arrow}{marker}{}",
                    place.split(':').next().unwrap_or(place)
                )
            }
            // `6 |     code` → `  |     code`, and the same for the `6 - ` and `6 + ` of a suggested edit.
            None => {
                let gutter = line.len()
                    - line
                        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ')
                        .len();
                let numbered = line[..gutter].trim().parse::<u32>().is_ok();
                if numbered && line[gutter..].starts_with(['|', '-', '+']) {
                    format!("{}{}", " ".repeat(gutter), &line[gutter..])
                } else {
                    line.to_owned()
                }
            }
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn check(name: &str, actual: &str) {
    let expected =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/cargo-ui/{name}.stderr"));
    if std::env::var("CARGO_UI").as_deref() == Ok("overwrite") {
        write(&expected, actual);
        return;
    }
    let wanted = std::fs::read_to_string(&expected).unwrap_or_default();
    assert!(
        wanted == actual,
        "{name}: the compiler said\n{actual}\nnot what {} holds:\n{wanted}\n(CARGO_UI=overwrite rewrites it)",
        expected.display()
    );
}

#[test]
fn a_command_behind_a_disabled_feature_names_the_feature() {
    let dir = cases_dir().join("feature_off");
    let bindings = workspace().join("generated/qemu-qmp");
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"feature-off\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nqemu-qmp = {{ path = {:?}, default-features = false, features = [\"control\"] }}\n\
             qmp-client = {{ path = {:?} }}\n\n[workspace]\n",
            bindings.display().to_string(),
            workspace().join("qmp-client").display().to_string()
        ),
    );
    let user = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cargo-ui/feature_off.rs"),
    )
    .expect("the case's source");
    write(&dir.join("src/lib.rs"), &user);
    let errors = build_errors(&dir);
    assert!(
        errors.contains("this command needs the cargo feature `misc`"),
        "{errors}"
    );
    check("feature_off", &errors);
}

#[test]
fn bindings_for_another_runtime_version_name_the_version_they_need() {
    let dir = cases_dir().join("runtime_mismatch");
    // `qapi-runtime` 0.2: this runtime's source under the next version, its check renamed as a 0.2 would name it.
    let runtime = workspace().join("qapi-runtime");
    let fake = dir.join("qapi-runtime-0.2");
    copy_dir(&runtime.join("src"), &fake.join("src"));
    let lib = std::fs::read_to_string(runtime.join("src/lib.rs")).expect("the runtime's lib.rs");
    let accepted = "(\"0.1\") => {};";
    assert!(lib.contains(accepted), "the runtime's check moved");
    write(
        &fake.join("src/lib.rs"),
        &lib.replace(accepted, "(\"0.2\") => {};")
            .replace("qapi-runtime 0.1: depend", "qapi-runtime 0.2: depend")
            .replace("qapi-gen 0.1)", "qapi-gen 0.2)"),
    );
    // The runtime's dependencies, as its Cargo.toml lists them.
    write(
        &fake.join("Cargo.toml"),
        "[package]\nname = \"qapi-runtime\"\nversion = \"0.2.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nserde = { version = \"1\", default-features = false, features = [\"std\"] }\n\
         serde_json = { version = \"1\", features = [\"raw_value\"] }\nitoa = \"1\"\nserde_path_to_error = \"0.1\"\n",
    );
    // The committed guest-agent bindings, their runtime dependency as `--runtime` writes it for that checkout.
    let qga = workspace().join("generated/qemu-qga");
    let crate_dir = dir.join("qemu-qga");
    copy_dir(&qga.join("src"), &crate_dir.join("src"));
    let manifest = std::fs::read_to_string(qga.join("Cargo.toml")).expect("qemu-qga's manifest");
    let runtime_line = manifest
        .lines()
        .find(|l| l.starts_with("qapi-runtime = "))
        .expect("qemu-qga depends on qapi-runtime");
    write(
        &crate_dir.join("Cargo.toml"),
        &manifest.replace(
            runtime_line,
            "qapi-runtime = { version = \"0.2.0\", path = \"../qapi-runtime-0.2\" }",
        ),
    );
    let errors = build_errors(&crate_dir);
    assert!(
        errors.contains(
            "this code was generated for qapi-runtime 0.1, but it is built against qapi-runtime 0.2"
        ),
        "{errors}"
    );
    check("runtime_mismatch", &errors);
}
