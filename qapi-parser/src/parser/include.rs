//! The `include` directive, and reading schema files the way QEMU's Python does.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::remap::remap;
use super::Loader;
use crate::ast::{Expression, Include, Object};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

/// Files nest through `include` at most this deep.
pub const MAX_INCLUDE_DEPTH: usize = 100;

impl Loader<'_> {
    /// `{ 'include': 'path' }`: record the directive, then parse the file unless it was read before.
    pub(super) fn include(
        &mut self,
        includer: &SourceFile,
        object: Object,
        span: Span,
    ) -> Result<(), Diagnostic> {
        if object.members.len() != 1 {
            return Err(Diagnostic::semantic(span, "invalid 'include' directive"));
        }
        let Some(path) = object.get("include").and_then(|v| v.as_str()) else {
            return Err(Diagnostic::semantic(
                span,
                "value of 'include' must be a string",
            ));
        };
        let name = include_name(&includer.name, path);
        let key = file_key(Path::new(&name));

        // A file on the current include chain (the includer itself included) would include itself again.
        let mut on_chain = Some(span.file);
        let mut depth = 0;
        while let Some(id) = on_chain {
            if self.file_keys.get(&id) == Some(&key) {
                return Err(Diagnostic::semantic(
                    span,
                    format!("inclusion loop for {path}"),
                ));
            }
            on_chain = self.sources.get(id).included_from.map(|s| s.file);
            depth += 1;
        }

        if let Some(&file) = self.files_by_key.get(&key) {
            // Included before: QEMU records the directive but reads nothing.
            self.schema
                .expressions
                .push(Expression::Include(Include { span, name, file }));
            return Ok(());
        }
        if depth >= MAX_INCLUDE_DEPTH {
            // Each level is a nested parse; QEMU's Python gives up a few hundred deep (its recursion limit).
            let message = format!("includes nested too deep (more than {MAX_INCLUDE_DEPTH} files)");
            return Err(Diagnostic::semantic(span, message));
        }
        let scanned = self.prefetch.and_then(|prefetch| prefetch.take(&key));
        let (text, items) = match scanned {
            Some(scanned) => (scanned.text, Some((scanned.id, scanned.items))),
            None => (self.read_include(&name, span)?, None),
        };
        let file = self.add_file(name.clone(), PathBuf::from(&name), text, Some(span), key);
        self.schema
            .expressions
            .push(Expression::Include(Include { span, name, file }));
        match items {
            Some((id, mut items)) => {
                if id != file {
                    remap(&mut items, file);
                }
                self.walk(file, &mut items.into_iter())
            }
            None => self.scan_and_walk(file),
        }
    }

    fn read_include(&self, name: &str, span: Span) -> Result<String, Diagnostic> {
        read_source(Path::new(name)).map_err(|reason| {
            Diagnostic::semantic(span, format!("can't read include file '{name}': {reason}"))
        })
    }
}

/// The name QEMU gives a file included as `path` by the file named `includer`.
pub(super) fn include_name(includer: &str, path: &str) -> String {
    py_join(py_dirname(includer), path)
}

/// Read a schema file as Python's `open(..., 'r', encoding='utf-8')` does (universal newlines). The error is the
/// text QEMU prints after the file name: the C library's `strerror`.
pub(super) fn read_source(path: &Path) -> Result<String, String> {
    let bytes = fs::read(path).map_err(|e| strerror(&e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!(
            "'utf-8' codec can't decode byte {:#04x} in position {at}: invalid UTF-8",
            e.as_bytes()[at]
        )
    })?;
    Ok(normalize_newlines(text))
}

/// Python reads text files with universal newlines: `\r\n` and a lone `\r` become `\n`.
pub(super) fn normalize_newlines(text: String) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// `io::Error`'s text without Rust's ` (os error N)` suffix, which is what Python prints as `strerror`.
fn strerror(err: &io::Error) -> String {
    let text = err.to_string();
    match (err.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(cut)) => text[..cut].to_owned(),
        _ => text,
    }
}

/// What makes two names the same file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum FileKey {
    /// Device and inode: one `stat`, and right through symlinks, `..` and hard links.
    Inode(u64, u64),
    /// The canonical (else absolute) path, for a file that cannot be stat'ed, such as an in-memory main file.
    Path(PathBuf),
}

pub(super) fn file_key(path: &Path) -> FileKey {
    #[cfg(unix)]
    if let Ok(meta) = fs::metadata(path) {
        use std::os::unix::fs::MetadataExt;
        return FileKey::Inode(meta.dev(), meta.ino());
    }
    let path = fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    FileKey::Path(path)
}

/// The key of a regular file, the only kind read ahead of the walk: a FIFO or a device could block or never end
/// where the walk might never go. `None` otherwise, or when the file cannot be stat'ed.
pub(super) fn regular_file_key(path: &Path) -> Option<FileKey> {
    let meta = fs::metadata(path).ok().filter(|meta| meta.is_file())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(FileKey::Inode(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Some(file_key(path))
    }
}

/// Python's `os.path.dirname`.
fn py_dirname(path: &str) -> &str {
    let head = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    if head.bytes().all(|b| b == b'/') {
        head
    } else {
        head.trim_end_matches('/')
    }
}

/// Python's `os.path.join` of two parts.
fn py_join(dir: &str, path: &str) -> String {
    if path.starts_with('/') || dir.is_empty() {
        path.to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}{path}")
    } else {
        format!("{dir}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_joined_like_python() {
        assert_eq!(py_join(py_dirname("main.json"), "sub.json"), "sub.json");
        assert_eq!(
            py_join(py_dirname("qapi/main.json"), "sub.json"),
            "qapi/sub.json"
        );
        assert_eq!(
            py_join(py_dirname("qapi//main.json"), "inc/sub.json"),
            "qapi/inc/sub.json"
        );
        assert_eq!(py_join(py_dirname("/main.json"), "sub.json"), "/sub.json");
        assert_eq!(
            py_join(py_dirname("a/main.json"), "/abs/sub.json"),
            "/abs/sub.json"
        );
        assert_eq!(
            py_join(py_dirname("../up/main.json"), "../x.json"),
            "../up/../x.json"
        );
    }

    #[test]
    fn read_errors_read_like_strerror() {
        let missing = read_source(Path::new("/nonexistent/qapi-parser-test.json")).unwrap_err();
        assert_eq!(missing, "No such file or directory");
        let dir = read_source(Path::new("/")).unwrap_err();
        assert_eq!(dir, "Is a directory");
    }

    #[test]
    fn newlines_are_universal() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n".to_owned()), "a\nb\nc\n");
    }
}
