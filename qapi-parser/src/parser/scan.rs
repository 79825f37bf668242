//! One file's items, read without any state of other files: what can run on several threads at once.
//!
//! A scan stops at the file's first syntax error, exactly where the sequential loader would have stopped. What
//! depends on other files or on order (includes, pragmas, attaching docs to definitions, the first error in QEMU's
//! order) is left to the walk in [`super::Loader`].

use crate::ast::{Object, ValueKind};
use crate::diagnostic::Diagnostic;
use crate::doc::Doc;
use crate::doc_parser::parse_doc_block;
use crate::source::{FileId, SourceFile, Span};
use crate::Options;

use super::{commas, lexer, tree, value};

/// A top-level item of a file, in source order.
pub(super) enum Item {
    /// A `##` block, with the warnings it gave (tolerant mode), which the walk reports after its own.
    Doc { doc: Doc, warnings: Vec<Diagnostic> },
    /// A `##` block that failed after the warnings it gave; the file's last item.
    DocError {
        warnings: Vec<Diagnostic>,
        error: Diagnostic,
    },
    /// A top-level object: a directive or a definition.
    Expr { object: Object, span: Span },
    /// A syntax error outside doc blocks; the file's last item.
    Error(Diagnostic),
    /// A warning about the next expression's syntax (tolerant mode: an older release's form).
    Warning(Diagnostic),
}

/// The items of one file, read as they are asked for: the walk of a file read on its own thread takes them
/// straight away, a prefetch collects them.
pub(super) struct Scanner<'f> {
    file: &'f SourceFile,
    id: FileId,
    options: &'f Options,
    builder: tree::Builder,
    pos: usize,
    /// Set after the file's end or its first error.
    done: bool,
    /// Items found with the last one, to be taken before the next is read (last first).
    pending: Vec<Item>,
}

impl<'f> Scanner<'f> {
    /// Read `file`, whose id is `id`.
    pub(super) fn new(file: &'f SourceFile, id: FileId, options: &'f Options) -> Self {
        Scanner {
            file,
            id,
            options,
            builder: tree::Builder::default(),
            pos: 0,
            done: false,
            pending: Vec::new(),
        }
    }

    fn doc(&mut self) -> Item {
        let mut warnings = Vec::new();
        match parse_doc_block(self.file, self.id, self.pos, self.options, &mut warnings) {
            Ok((doc, end)) => {
                self.pos = end.max(self.pos + 2);
                Item::Doc { doc, warnings }
            }
            Err(error) => {
                self.done = true;
                Item::DocError { warnings, error }
            }
        }
    }
}

impl Iterator for Scanner<'_> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if let Some(item) = self.pending.pop() {
            return Some(item);
        }
        if self.done {
            return None;
        }
        let text = self.file.text.as_str();
        self.pos = lexer::skip_trivia(text, self.pos);
        if self.pos >= text.len() {
            self.done = true;
            return None;
        }
        if text[self.pos..].starts_with("##") {
            return Some(self.doc());
        }
        Some(
            match expression(&mut self.builder, text, self.pos, self.id, self.options) {
                Ok((object, span, end, warnings)) => {
                    self.pos = end;
                    self.pending.push(Item::Expr { object, span });
                    self.pending
                        .extend(warnings.into_iter().rev().map(Item::Warning));
                    self.pending.pop()?
                }
                Err(error) => {
                    self.done = true;
                    Item::Error(error)
                }
            },
        )
    }
}

/// One top-level value, which must be an object, with the warnings its syntax gave (tolerant mode).
fn expression(
    builder: &mut tree::Builder,
    text: &str,
    pos: usize,
    id: FileId,
    options: &Options,
) -> Result<(Object, Span, usize, Vec<Diagnostic>), Diagnostic> {
    let (value, end, warnings) = match value::parse_value(builder, text, pos, id) {
        Ok((value, end)) => (value, end, Vec::new()),
        Err(error) if options.is_tolerant() => {
            commas::parse_with_commas_supplied(builder, text, pos, id, &error).ok_or(error)?
        }
        Err(error) => return Err(error),
    };
    // QEMU has already lexed the next token when it looks at the expression.
    let next = lexer::skip_trivia(text, end);
    if next < text.len() {
        lexer::lex_token(text, next)
            .map_err(|e| Diagnostic::parse(Span::new(id, e.pos, e.pos), e.message))?;
    }
    let span = value.span;
    let ValueKind::Object(object) = value.kind else {
        return Err(Diagnostic::semantic(
            span,
            "top-level expression must be an object",
        ));
    };
    Ok((object, span, end, warnings))
}

/// The paths of the well-formed `include` directives among `items`, as written: what a prefetch may read.
pub(super) fn include_paths(items: &[Item]) -> impl Iterator<Item = &str> {
    items.iter().filter_map(|item| match item {
        Item::Expr { object, .. } if object.members.len() == 1 => {
            object.get("include").and_then(|v| v.as_str())
        }
        _ => None,
    })
}
