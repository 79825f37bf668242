//! Compile tests through trybuild, all in one run (one cargo invocation builds every case): crates that use
//! `include_qapi!` and must build and run, and crates that must fail with the expected messages.
//!
//! trybuild compiles the cases in a project of its own under `target/tests/trybuild`, so a path relative to the
//! case's crate means nothing stable. The cases name their schemas through environment variables, which the
//! macro expands: `$QAPI_MACROS_DIR` (this crate's directory, set here) and `$QAPI_SHARED_DIR` (QEMU's reference
//! material, `../shared` beside the workspace unless already set). Errors then name files as
//! `$QAPI_MACROS_DIR/tests/schemas/...`, the same on every machine.
//!
//! `QAPI_UI_QEMU=0` leaves out the cases that compile QEMU's full schemas (the slow part, about a minute here).

#[test]
fn ui() {
    std::env::set_var("QAPI_MACROS_DIR", env!("CARGO_MANIFEST_DIR"));
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
    if std::env::var("QAPI_UI_QEMU").as_deref() == Ok("0") {
        eprintln!("SKIPPED: the QEMU schema cases (QAPI_UI_QEMU=0)");
    } else if qapi_tests::shared_file("qemu/9.2.4/qapi/qapi-schema.json").is_some() {
        // The cases find the schemas through `$QAPI_SHARED_DIR`, made absolute.
        let shared = qapi_tests::shared_dir()
            .canonicalize()
            .expect("the shared directory");
        std::env::set_var("QAPI_SHARED_DIR", shared);
        cases.pass("tests/ui/qemu/*.rs");
    }
}
