//! What the compiler says when a command's arguments are left out (`tests/ui/*.stderr`; `TRYBUILD=overwrite`
//! rewrites them after an intended change).

#[test]
fn arguments_cannot_be_left_out() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
