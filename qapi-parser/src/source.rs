//! Source files and spans.
//!
//! Every AST node carries a [`Span`]: a byte range in one file of the [`SourceMap`]. Positions are turned into
//! lines and columns only when a diagnostic is printed, so the hot path stores two integers per node.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// The first byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The range `start..end` of `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The empty span at this span's start.
    pub fn start_point(self) -> Span {
        Span {
            end: self.start,
            ..self
        }
    }
}

/// One schema file, as read.
#[derive(Debug)]
pub struct SourceFile {
    /// The name QEMU prints for this file: the main schema as named on the command line, an included file as the
    /// including file's directory joined with the include path (not normalized, as QEMU does).
    pub name: String,
    /// The path the file was read from.
    pub path: PathBuf,
    /// The file's text; a final `\n` is added if missing, as QEMU does.
    pub text: String,
    /// Where this file was included from: the span of the `include` directive. `None` for the main file.
    pub included_from: Option<Span>,
    /// Built on first use: loading a valid schema never needs it; diagnostics do.
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceFile {
    /// A file as read: `name` as QEMU prints it, the `path` it was read from, its `text` (a final newline added if missing) and the `include` directive that brought it in.
    pub fn new(
        name: String,
        path: PathBuf,
        mut text: String,
        included_from: Option<Span>,
    ) -> SourceFile {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        SourceFile {
            name,
            path,
            text,
            included_from,
            line_starts: OnceLock::new(),
        }
    }

    /// Byte offsets where lines start, the first being 0 (read-only view for scanners that walk line by line).
    pub fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            // memchr finds newlines many bytes at a time; `match_indices` costs several instructions per byte.
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i as u32 + 1));
            starts
        })
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: u32) -> u32 {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// Byte offset where the line holding `offset` starts.
    pub fn line_start(&self, offset: u32) -> u32 {
        self.line_starts()[self.line(offset) as usize - 1]
    }

    /// The column QEMU prints for a parse error at `offset`: 1-based, counting characters, where a TAB maps
    /// `col` to `(col + 7) % 8 + 1`. That is not real tab expansion, but it is what QEMU prints.
    pub fn qemu_column(&self, offset: u32) -> u32 {
        let start = self.line_start(offset) as usize;
        let mut col = 1;
        for ch in self.text[start..offset as usize].chars() {
            col = if ch == '\t' {
                (col + 7) % 8 + 1
            } else {
                col + 1
            };
        }
        col
    }

    /// 1-based (line, column) with columns counted in characters, for people and editors.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let start = self.line_start(offset) as usize;
        let col = self.text[start..offset as usize].chars().count() as u32 + 1;
        (self.line(offset), col)
    }
}

/// All files read for one schema, main file first, in the order they were first read.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    /// No files.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file read, giving its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(Arc::new(file));
        FileId(self.files.len() as u32 - 1)
    }

    /// The file with id `id` (of this map).
    pub fn get(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id.0 as usize]
    }

    /// Every file with its id, in the order they were read.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &Arc<SourceFile>)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// How many files were read.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file was read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
