//! Text → AST, as QEMU's `scripts/qapi/parser.py` reads a schema.
//!
//! The top-level loop is written by hand, like QEMU's: it skips whitespace and comments, hands each `##` doc
//! block to the doc-comment parser, and reads each top-level value: a plain object by hand (`tree::plain`),
//! anything else with pest ([`crate::grammar`]), which also explains every syntax error. It then handles the
//! `include` and `pragma` directives and attaches each definition doc to the definition that follows it.
//! Files are walked recursively where they are included, so expressions and docs come out in QEMU's order.
//!
//! Each file is first scanned on its own (`scan`: doc blocks and values, up to its first syntax error); the walk
//! then does everything that depends on order. That split lets included files be scanned on other threads
//! (`prefetch`) while the walk proceeds, with exactly the sequential result.

mod commas;
mod include;
mod lexer;
mod pragma;
mod prefetch;
mod remap;
mod scan;
mod tree;
mod value;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::ast::{DefinitionExpr, Expression, Object, ParsedSchema};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::{Mode, Options};

use memchr::memmem;
use prefetch::Prefetch;
use scan::{Item, Scanner};

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
    parse_main(name, path.to_path_buf(), text, sources, options, warnings)
}

/// Parse a main schema held in memory; includes are read relative to `name`.
pub fn parse_str(
    name: &str,
    text: &str,
    sources: &mut SourceMap,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ParsedSchema, Diagnostic> {
    let text = include::normalize_newlines(text.to_owned());
    parse_main(
        name.to_owned(),
        PathBuf::from(name),
        text,
        sources,
        options,
        warnings,
    )
}

/// Parse the main file, then walk it; its included files are scanned on other threads meanwhile when there are
/// several of them and cores to spare.
fn parse_main(
    name: String,
    path: PathBuf,
    text: String,
    sources: &mut SourceMap,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ParsedSchema, Diagnostic> {
    let mut loader = Loader::new(sources, options, warnings);
    let key = include::file_key(&path);
    let id = loader.add_file(name, path, text, None, key);
    let file = Arc::clone(loader.sources.get(id));
    // A cheap look first: most schemas (QEMU's test cases) include nothing.
    // (A searcher costs more to build than a small file to search: build it once.)
    static INCLUDE: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    let finder = INCLUDE.get_or_init(|| memmem::Finder::new("include"));
    let mentions = finder.find_iter(file.text.as_bytes());
    if mentions.take(MIN_PREFETCH).count() < MIN_PREFETCH || spare_cores() == 0 {
        loader.scan_and_walk(id)?;
        return Ok(loader.schema);
    }
    let items: Vec<Item> = Scanner::new(&file, id, options).collect();
    if scan::include_paths(&items).take(MIN_PREFETCH).count() < MIN_PREFETCH {
        loader.walk(id, &mut items.into_iter())?;
        return Ok(loader.schema);
    }
    let prefetch = Prefetch::new(options, loader.sources.len() as u32);
    prefetch.discover(&file.name, &items);
    std::thread::scope(|threads| {
        for _ in 0..spare_cores() {
            // A main thread's stack, so that a file parses the same on any thread; a worker that cannot start
            // leaves its share to the walk.
            let worker = std::thread::Builder::new().stack_size(WORKER_STACK);
            let _ = worker.spawn_scoped(threads, || prefetch.work());
        }
        loader.prefetch = Some(&prefetch);
        let walked = loader.walk(id, &mut items.into_iter());
        prefetch.stop();
        walked
    })?;
    Ok(loader.schema)
}

/// A main file with fewer `include` directives is read on one thread: its few files are read faster than a
/// thread starts (QEMU's test cases).
const MIN_PREFETCH: usize = 4;

/// The stack of a prefetch thread: Linux's usual main-thread stack.
const WORKER_STACK: usize = 8 << 20;

/// Cores besides the walk's own. Asked once: on Linux the answer reads cgroup files.
fn spare_cores() -> usize {
    static SPARE: OnceLock<usize> = OnceLock::new();
    *SPARE.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()) - 1)
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
    /// Included files scanned ahead, if any.
    prefetch: Option<&'a Prefetch<'a>>,
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
            prefetch: None,
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
        key: include::FileKey,
    ) -> FileId {
        let id = self
            .sources
            .add(SourceFile::new(name, path, text, included_from));
        self.file_keys.insert(id, key.clone());
        self.files_by_key.entry(key).or_insert(id);
        id
    }

    /// Read a file on the walk's own thread, walking each item as it is read.
    fn scan_and_walk(&mut self, id: FileId) -> Result<(), Diagnostic> {
        let file: Arc<SourceFile> = Arc::clone(self.sources.get(id));
        let options = self.options;
        self.walk(id, &mut Scanner::new(&file, id, options))
    }

    /// Take one file's items in order; included files are walked where their `include` directive stands.
    fn walk(
        &mut self,
        id: FileId,
        items: &mut dyn Iterator<Item = Item>,
    ) -> Result<(), Diagnostic> {
        // The doc block read last, while nothing has followed it yet.
        let mut cur_doc: Option<usize> = None;
        for item in items {
            match item {
                Item::Doc { doc, warnings } => {
                    self.reject_expr_doc(cur_doc)?;
                    self.warnings.extend(warnings);
                    self.schema.docs.push(doc);
                    cur_doc = Some(self.schema.docs.len() - 1);
                }
                Item::DocError { warnings, error } => {
                    self.reject_expr_doc(cur_doc)?;
                    self.warnings.extend(warnings);
                    return Err(error);
                }
                Item::Error(error) => return Err(error),
                Item::Warning(warning) => self.warnings.push(warning),
                Item::Expr { object, span } => {
                    self.expression(id, object, span, cur_doc)?;
                    cur_doc = None;
                }
            }
        }
        self.reject_expr_doc(cur_doc)
    }

    fn expression(
        &mut self,
        id: FileId,
        object: Object,
        span: Span,
        cur_doc: Option<usize>,
    ) -> Result<(), Diagnostic> {
        if object.contains_key("include") {
            self.reject_expr_doc(cur_doc)?;
            let includer = Arc::clone(self.sources.get(id));
            self.include(&includer, object, span)
        } else if object.contains_key("pragma") {
            self.reject_expr_doc(cur_doc)?;
            pragma::apply(
                &object,
                span,
                self.options,
                &mut self.schema.pragmas,
                self.warnings,
            )
        } else {
            self.definition(object, span, cur_doc)
        }
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
