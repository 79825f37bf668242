//! The one error type of the front end, and its two renderings.
//!
//! Stages build a [`Diagnostic`] from spans alone; the loader pairs it with the [`SourceMap`]. The plain rendering
//! ([`Diagnostic::display`]) reproduces QEMU's text byte for byte (include chain, `file: In struct 'X':`,
//! `file:line[:col]: message`), so a `.err` file from QEMU's test suite compares whole. The terminal rendering
//! ([`Diagnostic::emit_terminal`]) adds a source snippet.

use std::fmt;
use std::io;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;

use crate::source::{FileId, SourceMap, Span};

/// Whether a diagnostic stops the load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The schema is rejected.
    Error,
    /// Accepted in tolerant mode, reported (QEMU's own generator would reject it).
    Warning,
}

/// The definition an error belongs to: QEMU prints `file: In <meta> '<name>':` before the error line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefnContext {
    /// `struct`, `enum`, `union`, `alternate`, `command` or `event`.
    pub meta: String,
    /// The definition's name.
    pub name: String,
}

/// An error or warning about a schema, with where QEMU reports it.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The message. May hold more lines (QEMU's `Valid keys are ...`).
    pub message: String,
    /// Where QEMU reports the error: the line of `span.start` (for semantic errors, the start of the top-level
    /// expression, as QEMU's source info does). `None` for errors without a place (a missing main file).
    pub span: Option<Span>,
    /// Print the column of `span.start` too (QEMU does for parse errors only).
    pub column: bool,
    /// The precise place, when it is narrower than `span` (a member inside the expression): used for snippets.
    pub label: Option<Span>,
    /// The definition the message is about (QEMU's `In struct 'X':` line).
    pub context: Option<DefnContext>,
    /// Further located notes printed after the error, such as QEMU's `previous definition`.
    pub related: Vec<Diagnostic>,
}

impl Diagnostic {
    /// A parse error: QEMU prints its line and column.
    pub fn parse(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: Some(span),
            column: true,
            label: None,
            context: None,
            related: Vec::new(),
        }
    }

    /// A semantic error reported at `span`'s line (QEMU prints no column).
    pub fn semantic(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            column: false,
            ..Diagnostic::parse(span, message)
        }
    }

    /// An error with no place in a file.
    pub fn bare(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span: None,
            column: false,
            ..Diagnostic::parse(Span::new(FileId(0), 0, 0), message)
        }
    }

    /// Narrows the place shown in snippets to `label`.
    pub fn with_label(mut self, label: Span) -> Diagnostic {
        self.label = Some(label);
        self
    }

    /// Names the definition the message is about (`meta`: `struct`, `command`, ...).
    pub fn with_context(mut self, meta: impl Into<String>, name: impl Into<String>) -> Diagnostic {
        self.context = Some(DefnContext {
            meta: meta.into(),
            name: name.into(),
        });
        self
    }

    /// Adds a located note printed after the message (QEMU's `previous definition`).
    pub fn with_related(mut self, related: Diagnostic) -> Diagnostic {
        self.related.push(related);
        self
    }

    /// The same message as a warning.
    pub fn as_warning(mut self) -> Diagnostic {
        self.severity = Severity::Warning;
        self
    }

    /// The kind of message: its first line with the quoted names (`'x'`, no spaces inside) blanked out, so that
    /// diagnostics of one kind group together (`'…' is already defined`).
    pub fn kind(&self) -> String {
        let mut rest = self.message.lines().next().unwrap_or_default();
        let mut out = String::new();
        while let Some(open) = rest.find('\'') {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            match rest.find('\'') {
                Some(close) if !rest[..close].contains(' ') => {
                    out.push_str("…'");
                    rest = &rest[close + 1..];
                }
                _ => {}
            }
        }
        out.push_str(rest);
        out
    }

    /// The plain, QEMU-compatible rendering.
    pub fn display<'a>(&'a self, sources: &'a SourceMap) -> impl fmt::Display + 'a {
        Plain {
            diag: self,
            sources,
        }
    }

    /// `(file name, line, column)` of the reported place, column as people count it.
    pub fn location(&self, sources: &SourceMap) -> Option<(String, u32, u32)> {
        let span = self.label.or(self.span)?;
        let file = sources.get(span.file);
        let (line, col) = file.line_col(span.start);
        Some((file.name.clone(), line, col))
    }

    /// Render with a source snippet (codespan-reporting), in colour when the stream supports it.
    pub fn emit_terminal(
        &self,
        sources: &SourceMap,
        writer: &mut dyn term::termcolor::WriteColor,
    ) -> io::Result<()> {
        let config = term::Config::default();
        term::emit(
            writer,
            &config,
            &Snippets(sources),
            &self.to_codespan(sources),
        )
        .map_err(|e| io::Error::other(e.to_string()))
    }

    fn to_codespan(&self, sources: &SourceMap) -> cs::Diagnostic<FileId> {
        let mut out = match self.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
        };
        let mut lines = self.message.lines();
        out = out.with_message(lines.next().unwrap_or_default());
        let mut notes: Vec<String> = lines.map(str::to_owned).collect();
        let mut labels = Vec::new();
        if let Some(span) = self.label.or(self.span) {
            let span = if self.label.is_none() && !self.column {
                // A semantic error without a precise place: point at the start of the expression.
                let file = sources.get(span.file);
                let end = file.text[span.start as usize..]
                    .find('\n')
                    .map_or(span.end, |n| span.start + n as u32);
                Span {
                    end: end.min(span.end.max(span.start + 1)),
                    ..span
                }
            } else {
                span
            };
            let mut label = cs::Label::primary(span.file, span.start as usize..span.end as usize);
            if let Some(ctx) = &self.context {
                label = label.with_message(format!("in {} '{}'", ctx.meta, ctx.name));
            }
            labels.push(label);
            let mut parent = sources.get(span.file).included_from;
            while let Some(inc) = parent {
                labels.push(
                    cs::Label::secondary(inc.file, inc.start as usize..inc.end as usize)
                        .with_message("included from here"),
                );
                parent = sources.get(inc.file).included_from;
            }
        }
        for rel in &self.related {
            if let Some(span) = rel.label.or(rel.span) {
                let end = span.end.max(span.start);
                labels.push(
                    cs::Label::secondary(span.file, span.start as usize..end as usize)
                        .with_message(&rel.message),
                );
            } else {
                notes.push(rel.message.clone());
            }
        }
        out.with_labels(labels).with_notes(notes)
    }
}

struct Plain<'a> {
    diag: &'a Diagnostic,
    sources: &'a SourceMap,
}

impl fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_plain(f, self.diag, self.sources)?;
        for rel in &self.diag.related {
            f.write_str("\n")?;
            write_plain(f, rel, self.sources)?;
        }
        Ok(())
    }
}

fn write_plain(f: &mut fmt::Formatter<'_>, diag: &Diagnostic, sources: &SourceMap) -> fmt::Result {
    let Some(span) = diag.span else {
        return f.write_str(&diag.message);
    };
    let file = sources.get(span.file);
    // The include chain, outermost first.
    let mut chain = Vec::new();
    let mut parent = file.included_from;
    while let Some(inc) = parent {
        let pf = sources.get(inc.file);
        chain.push(format!(
            "In file included from {}:{}:\n",
            pf.name,
            pf.line(inc.start)
        ));
        parent = pf.included_from;
    }
    for line in chain.iter().rev() {
        f.write_str(line)?;
    }
    if let Some(ctx) = &diag.context {
        writeln!(f, "{}: In {} '{}':", file.name, ctx.meta, ctx.name)?;
    }
    write!(f, "{}:{}", file.name, file.line(span.start))?;
    if diag.column {
        write!(f, ":{}", file.qemu_column(span.start))?;
    }
    if diag.severity == Severity::Warning {
        f.write_str(": warning")?;
    }
    write!(f, ": {}", diag.message)
}

/// codespan-reporting's view of our files.
struct Snippets<'a>(&'a SourceMap);

impl<'a> Files<'a> for Snippets<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.0.get(id).line(byte_index as u32) as usize - 1)
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        // The file's line table: no scan from the start of the file for every line a snippet shows.
        let file = self.0.get(id);
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len().saturating_sub(1),
        })? as usize;
        let end = starts
            .get(line_index + 1)
            .map_or(file.text.len(), |&e| e as usize);
        Ok(start..end)
    }
}
