//! Text → AST, as QEMU's `scripts/qapi/parser.py` reads a schema.
//!
//! The top-level loop is written by hand, like QEMU's: it skips whitespace and comments, hands each `##` doc
//! block to the doc-comment parser, and has pest ([`crate::grammar`]) parse each top-level value. It then handles
//! the `include` and `pragma` directives and attaches each definition doc to the definition that follows it.
//! Files are read recursively where they are included, so expressions and docs come out in QEMU's order.

mod include;
mod lexer;
mod pragma;
mod tree;
mod value;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::ast::{DefinitionExpr, Expression, Object, ParsedSchema};
use crate::diagnostic::Diagnostic;
use crate::doc_parser::parse_doc_block;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::{Mode, Options};

pub use include::MAX_INCLUDE_DEPTH;
pub use value::MAX_NESTING;

/// Read the main schema file and everything it includes.
pub fn parse_file(
    path: &Path,
    sources: &mut SourceMap,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ParsedSchema, Diagnostic> {
    let name = path.to_string_lossy().into_owned();
    let text = include::read_source(path)
        .map_err(|reason| Diagnostic::bare(format!("can't read schema file '{name}': {reason}")))?;
    let mut loader = Loader::new(sources, options, warnings);
    let id = loader.add_file(name, path.to_path_buf(), text, None);
    loader.parse(id)?;
    Ok(loader.schema)
}

/// Parse a main schema held in memory; includes are read relative to `name`.
pub fn parse_str(
    name: &str,
    text: &str,
    sources: &mut SourceMap,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ParsedSchema, Diagnostic> {
    let mut loader = Loader::new(sources, options, warnings);
    let id = loader.add_file(
        name.to_owned(),
        PathBuf::from(name),
        include::normalize_newlines(text.to_owned()),
        None,
    );
    loader.parse(id)?;
    Ok(loader.schema)
}

/// State shared by all files of one schema.
struct Loader<'a> {
    sources: &'a mut SourceMap,
    options: &'a Options,
    warnings: &'a mut Vec<Diagnostic>,
    schema: ParsedSchema,
    /// Identity of each file read, to spot repeated includes and inclusion loops.
    file_keys: HashMap<FileId, include::FileKey>,
    files_by_key: HashMap<include::FileKey, FileId>,
    /// Reused for every expression, so that its stacks are allocated once.
    builder: tree::Builder,
}

impl<'a> Loader<'a> {
    fn new(
        sources: &'a mut SourceMap,
        options: &'a Options,
        warnings: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Loader {
            sources,
            options,
            warnings,
            schema: ParsedSchema::default(),
            file_keys: HashMap::new(),
            files_by_key: HashMap::new(),
            builder: tree::Builder::default(),
        }
    }

    fn tolerant(&self) -> bool {
        self.options.mode == Mode::Tolerant
    }

    fn add_file(
        &mut self,
        name: String,
        path: PathBuf,
        text: String,
        included_from: Option<Span>,
    ) -> FileId {
        let key = include::file_key(&path);
        let id = self
            .sources
            .add(SourceFile::new(name, path, text, included_from));
        self.file_keys.insert(id, key.clone());
        self.files_by_key.entry(key).or_insert(id);
        id
    }

    /// Parse one file; included files are parsed where their `include` directive stands.
    fn parse(&mut self, id: FileId) -> Result<(), Diagnostic> {
        let file: Arc<SourceFile> = Arc::clone(self.sources.get(id));
        let text = file.text.as_str();
        let mut pos = 0;
        // The doc block read last, while nothing has followed it yet.
        let mut cur_doc: Option<usize> = None;
        loop {
            pos = lexer::skip_trivia(text, pos);
            if pos >= text.len() {
                break;
            }
            if text[pos..].starts_with("##") {
                self.reject_expr_doc(cur_doc)?;
                let (doc, end) = parse_doc_block(&file, id, pos, self.options, self.warnings)?;
                self.schema.docs.push(doc);
                cur_doc = Some(self.schema.docs.len() - 1);
                pos = end.max(pos + 2);
                continue;
            }
            let (value, end) = value::parse_value(&mut self.builder, text, pos, id)?;
            pos = end;
            // QEMU has already lexed the next token when it looks at the expression.
            let next = lexer::skip_trivia(text, pos);
            if next < text.len() {
                lexer::lex_token(text, next)
                    .map_err(|e| Diagnostic::parse(Span::new(id, e.pos, e.pos), e.message))?;
            }
            let span = value.span;
            let crate::ast::ValueKind::Object(object) = value.kind else {
                return Err(Diagnostic::semantic(
                    span,
                    "top-level expression must be an object",
                ));
            };
            if object.contains_key("include") {
                self.reject_expr_doc(cur_doc)?;
                self.include(&file, object, span)?;
            } else if object.contains_key("pragma") {
                self.reject_expr_doc(cur_doc)?;
                pragma::apply(
                    &object,
                    span,
                    self.options,
                    &mut self.schema.pragmas,
                    self.warnings,
                )?;
            } else {
                self.definition(object, span, cur_doc)?;
            }
            cur_doc = None;
        }
        self.reject_expr_doc(cur_doc)
    }

    fn definition(
        &mut self,
        object: Object,
        span: Span,
        cur_doc: Option<usize>,
    ) -> Result<(), Diagnostic> {
        let mut doc = cur_doc;
        if let Some(index) = cur_doc {
            let d = &self.schema.docs[index];
            if d.symbol.is_none() {
                let diag =
                    Diagnostic::semantic(d.span.start_point(), "definition documentation required");
                if !self.tolerant() {
                    return Err(diag);
                }
                // Older schemas put free-form text right before definitions: keep it as free-form.
                self.warnings.push(diag.as_warning());
                doc = None;
            }
        }
        self.schema
            .expressions
            .push(Expression::Definition(DefinitionExpr { span, object, doc }));
        Ok(())
    }

    /// A definition doc must be followed by its definition, not by a directive, another doc or the end.
    fn reject_expr_doc(&mut self, cur_doc: Option<usize>) -> Result<(), Diagnostic> {
        let Some(doc) = cur_doc.map(|i| &self.schema.docs[i]) else {
            return Ok(());
        };
        let Some(symbol) = &doc.symbol else {
            return Ok(());
        };
        let diag = Diagnostic::semantic(
            doc.span.start_point(),
            format!("documentation for '{symbol}' is not followed by the definition"),
        );
        if self.tolerant() {
            self.warnings.push(diag.as_warning());
            Ok(())
        } else {
            Err(diag)
        }
    }
}
