//! The one policy for a test whose program or reference file is missing: say so loudly and skip, except under
//! `CI=true`, where a test must never pass without having run.

use std::path::{Path, PathBuf};

/// Whether this is a CI run (`CI=true`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Says that `what` is missing and the test is skipped; panics instead under `CI=true`.
pub fn missing(what: &str) {
    report(what, in_ci());
}

fn report(what: &str, ci: bool) {
    report_to(what, ci, &mut std::io::stderr());
}

/// Writes to `out` (stderr: not through the test harness's capture, so it shows even though the test passes).
fn report_to(what: &str, ci: bool, out: &mut dyn std::io::Write) {
    let msg = format!("MISSING: {what}; test skipped\n");
    if ci {
        panic!("{msg}under CI=true this is a failure");
    }
    let _ = out.write_all(msg.as_bytes());
}

/// `Some(path)` when `path` exists; otherwise [`missing`] says so and gives `None`.
pub fn require(path: &Path, what: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path.to_path_buf());
    }
    missing(&format!(
        "{what} not found at {} (set QAPI_SHARED_DIR or place ../shared beside the project)",
        path.display()
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_skips_but_fails_under_ci() {
        let mut said = Vec::new();
        report_to("the thing", false, &mut said);
        assert_eq!(said, b"MISSING: the thing; test skipped\n");
        let failed = std::panic::catch_unwind(|| report("the thing", true));
        let message = failed.unwrap_err();
        let message = message.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("under CI=true this is a failure"),
            "{message}"
        );
    }
}
