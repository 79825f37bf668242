//! AST → checked, desugared definitions: QEMU's context-free expression checks (`scripts/qapi/expr.py`).
//!
//! Each definition is checked on its own, in source order, and the first error stops the run, as in QEMU. Errors
//! are reported at the line where the expression starts; once the definition's name is known they also carry the
//! definition context (`file: In struct 'X':`). In [`Mode::Tolerant`] the older spellings of earlier QEMU releases
//! are understood (`'type'` for `'struct'`, simple and anonymous unions, anonymous nested structs, C-expression
//! conditions, `'gen': 'no'`), and rules that only concern how names or doc comments are written become warnings.

mod alternates;
mod commands;
mod doc;
mod enums;
mod events;
mod features;
mod ifcond;
mod keys;
mod members;
mod names;
mod structs;
#[cfg(test)]
mod tests;
mod unions;

use std::fmt;

use crate::ast::{DefinitionExpr, Expression, Object, ParsedSchema, Pragmas, Value, ValueKind};
use crate::definition::{Definition, Item, Name};
use crate::diagnostic::Diagnostic;
use crate::doc::Doc;
use crate::source::Span;
use crate::{Mode, Options};

type Check<T> = Result<T, Diagnostic>;

/// How a message names what is being checked (`'data'`, `'data' member 'a'`, `struct`, ...). Not a string: the
/// text is needed only when there is something to report, which is rare, so it is written out only then.
type Source<'a> = &'a dyn fmt::Display;

/// A [`Source`] made of parts, joined when written: `Joined([outer, &" member '", &name, &"'"])`.
struct Joined<'a, const N: usize>([&'a dyn fmt::Display; N]);

impl<const N: usize> fmt::Display for Joined<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|part| part.fmt(f))
    }
}

/// The six meta keys, in the order QEMU's error message lists them.
const METAS: [&str; 6] = ["enum", "struct", "union", "alternate", "command", "event"];

/// Check every definition of `parsed` and desugar it. `Item::Include` entries stay where they were.
pub fn check(
    parsed: &ParsedSchema,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Item>, Diagnostic> {
    check_owned(
        parsed.expressions.clone(),
        &parsed.docs,
        &parsed.pragmas,
        options,
        warnings,
    )
}

/// [`check`], consuming the expressions: the names the definitions keep are moved out of them, not copied.
pub fn check_owned(
    expressions: Vec<Expression>,
    docs: &[Doc],
    pragmas: &Pragmas,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Item>, Diagnostic> {
    let mut items = Vec::with_capacity(expressions.len());
    for expression in expressions {
        match expression {
            Expression::Include(include) => items.push(Item::Include(include)),
            Expression::Definition(mut expr) => {
                let mut ctx = Ctx::new(expr.span, options, pragmas, warnings);
                let definition = check_definition(&mut ctx, docs, &mut expr)?;
                items.extend(ctx.implicit.drain(..).map(Item::Definition));
                items.push(Item::Definition(definition));
            }
        }
    }
    Ok(items)
}

/// What the checks of one expression share: where to report, the definition context once known, the mode, the
/// pragmas, and where warnings go.
struct Ctx<'a> {
    /// The whole expression: QEMU reports every error of the expression at its first line.
    span: Span,
    /// `(meta, name)` once QEMU would have called `info.set_defn()`.
    defn: Option<(&'static str, String)>,
    mode: Mode,
    pragmas: &'a Pragmas,
    /// Structs made from anonymous nested structs (tolerant mode), to be defined before this definition.
    implicit: Vec<Definition>,
    warnings: &'a mut Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    fn new(
        span: Span,
        options: &Options,
        pragmas: &'a Pragmas,
        warnings: &'a mut Vec<Diagnostic>,
    ) -> Ctx<'a> {
        Ctx {
            span,
            defn: None,
            mode: options.mode,
            pragmas,
            implicit: Vec::new(),
            warnings,
        }
    }

    fn tolerant(&self) -> bool {
        self.mode == Mode::Tolerant
    }

    /// An error of this expression, pointing at `at` for snippets.
    fn error(&self, at: Span, message: impl Into<String>) -> Diagnostic {
        let diag = Diagnostic::semantic(self.span, message).with_label(at);
        match &self.defn {
            Some((meta, name)) => diag.with_context(*meta, name.as_str()),
            None => diag,
        }
    }

    /// A rule that an earlier QEMU release did not enforce: an error in strict mode, a warning in tolerant mode.
    fn lenient(&mut self, at: Span, message: impl Into<String>) -> Check<()> {
        let diag = self.error(at, message);
        self.relax(diag)
    }

    /// `diag` is an error in strict mode, a warning in tolerant mode.
    fn relax(&mut self, diag: Diagnostic) -> Check<()> {
        if self.tolerant() {
            self.warnings.push(diag.as_warning());
            Ok(())
        } else {
            Err(diag)
        }
    }
}

/// Python's truth value of a JSON value, which some of QEMU's checks use (`if boxed:`, `if not members:`).
fn truthy(value: &Value) -> bool {
    match &value.kind {
        ValueKind::Str(s) => !s.is_empty(),
        ValueKind::Bool(b) => *b,
        ValueKind::Array(a) => !a.is_empty(),
        ValueKind::Object(o) => !o.members.is_empty(),
    }
}

/// The name `value` holds (the caller has checked it is a string), taken out of the tree.
fn take_name(value: &mut Value) -> Name {
    Name {
        span: value.span,
        name: value.take_str(),
    }
}

/// Which meta key the expression has, and the key QEMU's messages call it by.
struct Meta {
    /// `enum`, `struct`, ... as QEMU prints it.
    name: &'static str,
    /// The key as spelled: `type` for a tolerantly read old `struct`.
    key: &'static str,
}

fn find_meta(ctx: &Ctx, object: &Object) -> Check<Meta> {
    let mut found = METAS.iter().copied().filter(|m| object.contains_key(m));
    match (found.next(), found.next()) {
        (Some(meta), None) => Ok(Meta { name: meta, key: meta }),
        // Before QEMU 2.4 a struct was spelled `'type'`.
        (None, _) if ctx.tolerant() && object.contains_key("type") => Ok(Meta { name: "struct", key: "type" }),
        _ => Err(ctx.error(
            ctx.span,
            "expression must have exactly one key 'enum', 'struct', 'union', 'alternate', 'command', 'event'",
        )),
    }
}

fn check_definition(ctx: &mut Ctx, docs: &[Doc], expr: &mut DefinitionExpr) -> Check<Definition> {
    let object = &mut expr.object;
    let meta = find_meta(ctx, object)?;
    let Some(name_value) = object.get_mut(meta.key) else {
        return Err(ctx.error(ctx.span, "expression has no meta key"));
    };
    if name_value.as_str().is_none() {
        return Err(ctx.error(
            name_value.span,
            format!("'{}' requires a string name", meta.name),
        ));
    }
    let name_span = name_value.span;
    let name = name_value.take_str();
    ctx.defn = Some((meta.name, name.clone()));
    names::check_defn_name(ctx, &name, name_span, meta.name)?;
    doc::check_doc(ctx, docs, expr, &name)?;

    let object = &mut expr.object;
    let kind = match meta.name {
        "enum" => enums::check(ctx, object, &name)?,
        "union" => unions::check(ctx, object, &name)?,
        "alternate" => alternates::check(ctx, object)?,
        "struct" => structs::check(ctx, object, &name, meta.key)?,
        "command" => commands::check(ctx, object)?,
        _ => events::check(ctx, object)?,
    };
    let cond = ifcond::check_if(ctx, object, &meta.name)?;
    let features = features::check_features(ctx, object.get_mut("features"))?;
    commands::check_flags(ctx, object)?;
    Ok(Definition {
        name: Name {
            name,
            span: name_span,
        },
        span: expr.span,
        doc: expr.doc,
        cond,
        features,
        kind,
    })
}
