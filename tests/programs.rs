//! Finding a QEMU program: the user's own build named by an environment variable, else the installed one.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::missing::missing;

/// The path of `program`: `$QEMU_…` (see `override_var`) when set, else the first on `PATH`, `/usr/sbin` or
/// `/usr/bin` (`qemu-ga` lives in `/usr/sbin`, often not on a user's `PATH`). `None` after [`missing`] said so.
pub fn program(program: &str) -> Option<PathBuf> {
    let chosen = std::env::var_os(override_var(program));
    locate(program, chosen).map_err(|what| missing(&what)).ok()
}

/// The variable that names a build of `program` to use instead of the installed one: `QEMU_STORAGE_DAEMON` for
/// `qemu-storage-daemon`, `QEMU_SYSTEM_X86_64`, `QEMU_GA`, `QEMU_IMG`.
fn override_var(program: &str) -> String {
    program.to_ascii_uppercase().replace('-', "_")
}

/// The program the user `chose`, or the installed one; else what is missing.
fn locate(program: &str, chosen: Option<OsString>) -> Result<PathBuf, String> {
    let var = override_var(program);
    if let Some(path) = chosen.map(PathBuf::from) {
        return match path.is_file() {
            true => Ok(path),
            false => Err(format!("${var} names {}, which is no file", path.display())),
        };
    }
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/bin"].map(PathBuf::from));
    dirs.iter()
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!("{program} is not installed (.ci/install-qemu installs QEMU 10.0.2; or set ${var} to your own build)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_program_has_its_own_variable() {
        assert_eq!(override_var("qemu-storage-daemon"), "QEMU_STORAGE_DAEMON");
        assert_eq!(override_var("qemu-system-x86_64"), "QEMU_SYSTEM_X86_64");
        assert_eq!(override_var("qemu-ga"), "QEMU_GA");
    }

    #[test]
    fn the_users_choice_comes_first_and_must_exist() {
        let mine = std::env::current_exe().unwrap();
        assert_eq!(locate("sh", Some(mine.clone().into())), Ok(mine));
        let err = locate("qemu-ga", Some("/nonexistent/qemu-ga".into())).unwrap_err();
        assert!(err.contains("$QEMU_GA names /nonexistent/qemu-ga"), "{err}");
    }

    #[test]
    fn otherwise_the_installed_one_or_what_is_missing() {
        assert!(locate("sh", None).unwrap().ends_with("sh"));
        let err = locate("qapi-tests-no-such-program", None).unwrap_err();
        assert!(err.contains("set $QAPI_TESTS_NO_SUCH_PROGRAM"), "{err}");
    }
}
