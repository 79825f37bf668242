//! Where the schema is: `$VAR` / `${VAR}` expanded from the environment, then relative to the calling crate's
//! `CARGO_MANIFEST_DIR`, as `include_str!` users expect of a path (a proc macro sees no caller file).
//!
//! Files are read through the absolute path, but errors name them as the macro call spelled the path, so that
//! a message reads `qapi/block.json:12:3: ...` like `qapi-gen check` run from the crate's directory, and carries
//! no machine-specific directory.

use std::path::{Path, PathBuf};

/// A schema path resolved for reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Where to read the main file.
    pub path: PathBuf,
    /// The environment variables the path used, for rebuild tracking.
    pub env_vars: Vec<String>,
    /// The directory prefix of the absolute path, and what errors show in its place.
    rename: Option<(String, String)>,
}

impl Resolved {
    /// `text` with the absolute directory replaced by the spelling of the macro call.
    pub fn display(&self, text: &str) -> String {
        match &self.rename {
            Some((from, to)) if !from.is_empty() => text.replace(from.as_str(), to),
            _ => text.to_owned(),
        }
    }
}

/// Resolves `written` against the environment and the manifest directory (`None`: the compiler's working
/// directory, as when rustc runs without Cargo). `env` reads a variable.
pub fn resolve(
    written: &str,
    manifest_dir: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, String> {
    let (expanded, env_vars) = expand_env(written, env)?;
    let path = match manifest_dir {
        Some(dir) if Path::new(&expanded).is_relative() => dir.join(&expanded),
        _ => PathBuf::from(&expanded),
    };
    // The main file's directory as read, and as written: every included file's name starts with it.
    let read_dir = directory_prefix(&path.to_string_lossy());
    let written_dir = directory_prefix(written);
    let rename = (read_dir != written_dir).then_some((read_dir, written_dir));
    Ok(Resolved {
        path,
        env_vars,
        rename,
    })
}

/// Everything up to and including the last `/` (empty when there is none).
fn directory_prefix(path: &str) -> String {
    path.rfind('/')
        .map_or_else(String::new, |i| path[..=i].to_owned())
}

/// Replaces `$NAME` and `${NAME}` by the variables' values; `$$` is a literal `$`.
fn expand_env(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(String, Vec<String>), String> {
    let mut out = String::new();
    let mut vars = Vec::new();
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (name, after) = if let Some(braced) = rest.strip_prefix('{') {
            let close = braced
                .find('}')
                .ok_or_else(|| format!("unclosed `${{` in schema path \"{text}\""))?;
            (&braced[..close], &braced[close + 1..])
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        if name.is_empty() {
            return Err(format!(
                "`$` without a variable name in schema path \"{text}\" (write `$$` for a `$`)"
            ));
        }
        let value = env(name).ok_or_else(|| {
            format!("environment variable `{name}` (used in the schema path) is not set")
        })?;
        out.push_str(&value);
        if !vars.iter().any(|v| v == name) {
            vars.push(name.to_owned());
        }
        rest = after;
    }
    out.push_str(rest);
    Ok((out, vars))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "QEMU" => Some("/src/qemu".into()),
            "OUT_DIR" => Some("/t/out".into()),
            _ => None,
        }
    }

    #[test]
    fn relative_to_the_manifest_directory() {
        let r = resolve("qapi/qapi-schema.json", Some(Path::new("/c/crate")), &env).unwrap();
        assert_eq!(r.path, Path::new("/c/crate/qapi/qapi-schema.json"));
        assert!(r.env_vars.is_empty());
        assert_eq!(
            r.display("/c/crate/qapi/block.json:3:1: bad"),
            "qapi/block.json:3:1: bad"
        );
        let r = resolve("schema.json", Some(Path::new("/c/crate")), &env).unwrap();
        assert_eq!(
            r.display("/c/crate/schema.json:1:1: x"),
            "schema.json:1:1: x"
        );
    }

    #[test]
    fn absolute_paths_stay() {
        let r = resolve("/abs/s.json", Some(Path::new("/c")), &env).unwrap();
        assert_eq!(r.path, Path::new("/abs/s.json"));
        assert_eq!(r.display("/abs/s.json:1:1: x"), "/abs/s.json:1:1: x");
    }

    #[test]
    fn environment_variables_expand_and_errors_keep_them() {
        let r = resolve("${QEMU}/qapi/qapi-schema.json", Some(Path::new("/c")), &env).unwrap();
        assert_eq!(r.path, Path::new("/src/qemu/qapi/qapi-schema.json"));
        assert_eq!(r.env_vars, ["QEMU"]);
        assert_eq!(
            r.display("/src/qemu/qapi/x.json:2:1: y"),
            "${QEMU}/qapi/x.json:2:1: y"
        );
        let r = resolve("$OUT_DIR/s$$.json", None, &env).unwrap();
        assert_eq!(r.path, Path::new("/t/out/s$.json"));
        assert_eq!(r.env_vars, ["OUT_DIR"]);
    }

    #[test]
    fn bad_variables_are_errors() {
        let err = |p| resolve(p, None, &env).unwrap_err();
        assert!(err("$NOPE/a.json").contains("`NOPE`"));
        assert!(err("${QEMU/a.json").contains("unclosed"));
        assert!(err("$/a.json").contains("without a variable name"));
    }
}
