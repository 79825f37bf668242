//! Definitions → the checked schema model. (Stub: being written.)

use std::ops::Deref;

use crate::ast::Pragmas;
use crate::definition::Item;
use crate::diagnostic::Diagnostic;
use crate::doc::Doc;
use crate::source::SourceMap;
use crate::Options;

/// The checked model: what code generation reads, with nothing left to check.
#[derive(Debug)]
pub struct Model {}

impl Model {
    pub fn build(
        items: Vec<Item>,
        docs: Vec<Doc>,
        pragmas: Pragmas,
        sources: &SourceMap,
        options: &Options,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<Model, Diagnostic> {
        let _ = (items, docs, pragmas, sources, options, warnings);
        Err(Diagnostic::bare("schema model not written yet"))
    }
}

/// A loaded schema: the checked model, the files it was read from, and the warnings issued.
#[derive(Debug)]
pub struct Schema {
    model: Model,
    sources: SourceMap,
    warnings: Vec<Diagnostic>,
}

impl Schema {
    pub fn new(model: Model, sources: SourceMap, warnings: Vec<Diagnostic>) -> Schema {
        Schema { model, sources, warnings }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Every file read, main file first: what a build script must watch.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

impl Deref for Schema {
    type Target = Model;
    fn deref(&self) -> &Model {
        &self.model
    }
}
