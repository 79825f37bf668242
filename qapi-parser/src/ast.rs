//! The syntax tree: JSON-like values with a span on every value and key. Nothing semantic lives here.

use std::borrow::Cow;

use crate::doc::Doc;

/// The text of a string or key. QAPI's own words (`data`, `struct`, `str`, `if`, ...), nearly half of all strings
/// in a schema, are borrowed from a static table instead of allocated one by one.
pub type Text = Cow<'static, str>;
use crate::source::{FileId, Span};

/// A value of the schema language: QAPI has no numbers and no `null`.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// Where the value is in the source.
    pub span: Span,
    /// The value itself.
    pub kind: ValueKind,
}

/// The kinds of value the schema language has.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// A string (single-quoted in the source).
    Str(Text),
    /// `true` or `false`.
    Bool(bool),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Object),
}

/// An object: keys in source order, no duplicates (the parser rejects them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    /// The members, each with its key.
    pub members: Vec<(Key, Value)>,
}

/// An object's key, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key's text.
    pub name: Text,
    /// Where the key is in the source.
    pub span: Span,
}

impl Object {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.members
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The value under `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.members
            .iter_mut()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The key and value under `key`, for errors that point at the key.
    pub fn get_entry(&self, key: &str) -> Option<(&Key, &Value)> {
        self.members
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The keys, in source order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(k, _)| &*k.name)
    }
}

impl Value {
    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if the value is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            ValueKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The elements, if the value is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object, if the value is one.
    pub fn as_object(&self) -> Option<&Object> {
        match &self.kind {
            ValueKind::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The object, if the value is one, to change it.
    pub fn as_object_mut(&mut self) -> Option<&mut Object> {
        match &mut self.kind {
            ValueKind::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The string this value holds, taken out of the tree (left empty), as an owned `String`; empty for a value
    /// that is not a string. For checkers that keep the names they read.
    pub fn take_str(&mut self) -> String {
        match &mut self.kind {
            ValueKind::Str(text) => std::mem::take(text).into_owned(),
            _ => String::new(),
        }
    }
}

/// One top-level expression of a schema file, after `include` and `pragma` have been handled.
#[derive(Clone, Debug, PartialEq)]
pub enum Expression {
    /// An `include` directive. It stays in the list (QEMU's model records where each include sits), even when the
    /// file had been included before and so contributed nothing the second time.
    Include(Include),
    /// A definition: an object whose meta key (`struct`, `command`, ...) the expression checker will find.
    Definition(DefinitionExpr),
}

/// An `include` directive.
#[derive(Clone, Debug, PartialEq)]
pub struct Include {
    /// The whole directive.
    pub span: Span,
    /// The included file, as QEMU names it (`dirname(includer)` joined with the path).
    pub name: String,
    /// The included file, once read.
    pub file: FileId,
}

/// A definition's expression, not yet checked.
#[derive(Clone, Debug, PartialEq)]
pub struct DefinitionExpr {
    /// The whole expression; its start is the line QEMU reports semantic errors at.
    pub span: Span,
    /// The expression's keys and values.
    pub object: Object,
    /// Index into [`ParsedSchema::docs`] of the doc comment directly before this expression, if any.
    pub doc: Option<usize>,
}

/// The pragmas in force. QEMU reads them after all parsing, so in effect they apply to the whole schema; a
/// later pragma with the same name replaces the earlier value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pragmas {
    /// `doc-required`: every definition must have a doc comment.
    pub doc_required: bool,
    /// `command-name-exceptions`: commands allowed names that break the naming rules.
    pub command_name_exceptions: Vec<String>,
    /// `command-returns-exceptions`: commands allowed to return a type other than an object or a list of them.
    pub command_returns_exceptions: Vec<String>,
    /// `documentation-exceptions`: definitions allowed to leave members undocumented.
    pub documentation_exceptions: Vec<String>,
    /// `member-name-exceptions`: types allowed member names that break the naming rules.
    pub member_name_exceptions: Vec<String>,
}

/// What the parser hands to the expression checker: every expression and every doc block, in source order with
/// includes expanded where they appear.
#[derive(Clone, Debug, Default)]
pub struct ParsedSchema {
    /// Every expression, includes expanded where they appear.
    pub expressions: Vec<Expression>,
    /// Every doc comment block, in source order.
    pub docs: Vec<Doc>,
    /// The pragmas in force at the end.
    pub pragmas: Pragmas,
}
