//! Moving a scanned file's items to another [`FileId`].
//!
//! A prefetch scans a file before the walk knows which id the file gets (ids follow QEMU's depth-first reading
//! order, prefetches run breadth-first), so the walk relabels every span of a file whose guess was wrong.

use crate::ast::{Object, Value, ValueKind};
use crate::diagnostic::Diagnostic;
use crate::doc::Doc;
use crate::source::{FileId, Span};

use super::scan::Item;

pub(super) fn remap(items: &mut [Item], to: FileId) {
    for item in items {
        match item {
            Item::Doc { doc, warnings } => {
                remap_doc(doc, to);
                warnings.iter_mut().for_each(|w| remap_diagnostic(w, to));
            }
            Item::DocError { warnings, error } => {
                warnings.iter_mut().for_each(|w| remap_diagnostic(w, to));
                remap_diagnostic(error, to);
            }
            Item::Expr { object, span } => {
                span.file = to;
                remap_object(object, to);
            }
            Item::Error(error) | Item::Warning(error) => remap_diagnostic(error, to),
        }
    }
}

fn remap_object(object: &mut Object, to: FileId) {
    for (key, value) in &mut object.members {
        key.span.file = to;
        remap_value(value, to);
    }
}

// Nesting is bounded by the value parser's MAX_NESTING, so recursion is safe here.
fn remap_value(value: &mut Value, to: FileId) {
    value.span.file = to;
    match &mut value.kind {
        ValueKind::Array(values) => values.iter_mut().for_each(|v| remap_value(v, to)),
        ValueKind::Object(object) => remap_object(object, to),
        ValueKind::Str(_) | ValueKind::Bool(_) => {}
    }
}

fn remap_doc(doc: &mut Doc, to: FileId) {
    doc.span.file = to;
    doc.body.span.file = to;
    let args = doc.args.iter_mut().chain(doc.features.iter_mut());
    args.for_each(|a| a.span.file = to);
    doc.sections.iter_mut().for_each(|s| s.span.file = to);
}

fn remap_diagnostic(diag: &mut Diagnostic, to: FileId) {
    let spans = diag.span.iter_mut().chain(diag.label.iter_mut());
    spans.for_each(|s: &mut Span| s.file = to);
    diag.related
        .iter_mut()
        .for_each(|d| remap_diagnostic(d, to));
}
