//! Definitions as the expression checker leaves them: shape-checked, desugared, typed, but not yet resolved
//! (type names are still names). This is the contract between `expr` (which makes them) and `schema` (which
//! resolves and cross-checks them).

use crate::source::Span;

/// A name with the span of the string that spelled it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub name: String,
    pub span: Span,
}

/// An `'if'` condition. QEMU 9.2 spells it `'IDENT'`, `{'all': [...]}`, `{'any': [...]}` or `{'not': ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// `defined(IDENT)` in QEMU's C.
    Name(String),
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    /// A C preprocessor expression from an older schema (before QEMU 6.0 conditions were C strings such as
    /// `'defined(CONFIG_SPICE) && !defined(CONFIG_X)'`) that could not be read as the forms above; kept verbatim.
    Raw(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    pub name: Name,
    pub cond: Option<Cond>,
}

/// `'Name'` or `['Name']`.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeRef {
    Named(Name),
    Array(Name),
}

impl TypeRef {
    pub fn span(&self) -> Span {
        match self {
            TypeRef::Named(n) | TypeRef::Array(n) => n.span,
        }
    }
}

/// A struct, command-argument, event-data or inline-base member.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Without the `*` of an optional member.
    pub name: Name,
    pub optional: bool,
    pub ty: TypeRef,
    pub cond: Option<Cond>,
    pub features: Vec<Feature>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    pub name: Name,
    pub cond: Option<Cond>,
    pub features: Vec<Feature>,
}

/// A union or alternate branch.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub name: Name,
    pub ty: TypeRef,
    pub cond: Option<Cond>,
}

/// Members given inline, or the name of a type that holds them.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Named(Name),
    Inline(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// The name of the definition (`struct`, `command`, ... value).
    pub name: Name,
    /// The whole expression: QEMU reports errors about the definition at its first line.
    pub span: Span,
    /// Index into the parsed schema's docs.
    pub doc: Option<usize>,
    pub cond: Option<Cond>,
    pub features: Vec<Feature>,
    pub kind: DefinitionKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DefinitionKind {
    Enum {
        values: Vec<EnumValue>,
        prefix: Option<String>,
    },
    Struct {
        base: Option<Name>,
        members: Vec<Member>,
    },
    Union(Union),
    Alternate {
        branches: Vec<Branch>,
    },
    Command(Command),
    Event {
        data: Option<Data>,
        boxed: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// Always set for a flat union; `None` for a legacy simple union.
    pub base: Option<Data>,
    /// Always set for a flat union; `None` for a legacy simple union (QEMU before 6.0), whose implicit tag is
    /// `type` of an implicit enum `<Union>Kind`, each branch wrapped as `{ 'data': T }` on the wire.
    pub discriminator: Option<Name>,
    pub branches: Vec<Branch>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub data: Option<Data>,
    pub returns: Option<TypeRef>,
    pub boxed: bool,
    pub gen: bool,
    pub success_response: bool,
    pub allow_oob: bool,
    pub allow_preconfig: bool,
    pub coroutine: bool,
}

impl DefinitionKind {
    /// The meta key QEMU prints: `enum`, `struct`, `union`, `alternate`, `command`, `event`.
    pub fn meta(&self) -> &'static str {
        match self {
            DefinitionKind::Enum { .. } => "enum",
            DefinitionKind::Struct { .. } => "struct",
            DefinitionKind::Union(_) => "union",
            DefinitionKind::Alternate { .. } => "alternate",
            DefinitionKind::Command(_) => "command",
            DefinitionKind::Event { .. } => "event",
        }
    }
}

/// What the expression checker hands to the schema stage.
#[derive(Clone, Debug)]
pub enum Item {
    Include(crate::ast::Include),
    Definition(Definition),
}
