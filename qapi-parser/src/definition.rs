//! Definitions as the expression checker leaves them: shape-checked, desugared, typed, but not yet resolved
//! (type names are still names). This is the contract between `expr` (which makes them) and `schema` (which
//! resolves and cross-checks them).

use crate::source::Span;

/// A name with the span of the string that spelled it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The name as written, without quotes.
    pub name: String,
    /// Where the string is in the source.
    pub span: Span,
}

/// An `'if'` condition. QEMU 9.2 spells it `'IDENT'`, `{'all': [...]}`, `{'any': [...]}` or `{'not': ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// `defined(IDENT)` in QEMU's C.
    Name(String),
    /// `{'all': [...]}`: every condition holds.
    All(Vec<Cond>),
    /// `{'any': [...]}`: at least one condition holds.
    Any(Vec<Cond>),
    /// `{'not': ...}`: the condition does not hold.
    Not(Box<Cond>),
    /// A C preprocessor expression from an older schema (before QEMU 6.0 conditions were C strings such as
    /// `'defined(CONFIG_SPICE) && !defined(CONFIG_X)'`) that could not be read as the forms above; kept verbatim.
    Raw(String),
}

/// A feature as written in a `features` list.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    /// The feature's name.
    pub name: Name,
    /// The feature's `'if'` condition.
    pub cond: Option<Cond>,
}

/// `'Name'` or `['Name']`.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeRef {
    /// `'Name'`: the type called so.
    Named(Name),
    /// `['Name']`: an array of it.
    Array(Name),
}

impl TypeRef {
    /// Where the type's name is in the source.
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
    /// Whether the member may be absent (it was written `*name`).
    pub optional: bool,
    /// The member's type.
    pub ty: TypeRef,
    /// The member's `'if'` condition.
    pub cond: Option<Cond>,
    /// The member's features.
    pub features: Vec<Feature>,
}

/// One value of an enum, as written.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    /// The value's name.
    pub name: Name,
    /// The value's `'if'` condition.
    pub cond: Option<Cond>,
    /// The value's features.
    pub features: Vec<Feature>,
}

/// A union or alternate branch.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// The branch's name: a tag value of a union, or the name of an alternate's branch.
    pub name: Name,
    /// The branch's type.
    pub ty: TypeRef,
    /// The branch's `'if'` condition.
    pub cond: Option<Cond>,
}

/// Members given inline, or the name of a type that holds them.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// The name of a struct whose members these are.
    Named(Name),
    /// The members, written in place (QEMU makes an implicit `q_obj_*` type of them).
    Inline(Vec<Member>),
}

/// A definition (`enum`, `struct`, `union`, `alternate`, `command` or `event`), checked but not resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// The name of the definition (`struct`, `command`, ... value).
    pub name: Name,
    /// The whole expression: QEMU reports errors about the definition at its first line.
    pub span: Span,
    /// Index into the parsed schema's docs.
    pub doc: Option<usize>,
    /// The definition's `'if'` condition.
    pub cond: Option<Cond>,
    /// The definition's features.
    pub features: Vec<Feature>,
    /// What the definition is, with its meta-type's keys.
    pub kind: DefinitionKind,
}

/// The keys of each meta-type, checked.
#[derive(Clone, Debug, PartialEq)]
pub enum DefinitionKind {
    /// `enum`.
    Enum {
        /// The values, in source order.
        values: Vec<EnumValue>,
        /// The `prefix` for the C enum constants, if given.
        prefix: Option<String>,
    },
    /// `struct`.
    Struct {
        /// The `base` struct, if any.
        base: Option<Name>,
        /// The members of `data`, in source order.
        members: Vec<Member>,
    },
    /// `union`.
    Union(Union),
    /// `alternate`.
    Alternate {
        /// The branches of `data`, in source order.
        branches: Vec<Branch>,
    },
    /// `command`.
    Command(Command),
    /// `event`.
    Event {
        /// The event's `data`, if any.
        data: Option<Data>,
        /// `boxed`: the data is one struct in QEMU's C.
        boxed: bool,
    },
}

/// The keys of a `union`.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// Always set for a flat union; `None` for a legacy simple union.
    pub base: Option<Data>,
    /// Always set for a flat union; `None` for a legacy simple union (QEMU before 6.0), whose implicit tag is
    /// `type` of an implicit enum `<Union>Kind`, each branch wrapped as `{ 'data': T }` on the wire.
    pub discriminator: Option<Name>,
    /// The branches of `data`, in source order.
    pub branches: Vec<Branch>,
}

/// The keys of a `command`.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// The arguments (`data`), if any.
    pub data: Option<Data>,
    /// The `returns` type; `None` when the command returns `{}`.
    pub returns: Option<TypeRef>,
    /// `boxed`: the arguments are one struct in QEMU's C.
    pub boxed: bool,
    /// `gen`: `false` when QEMU's handler is written by hand.
    pub gen: bool,
    /// `success-response`: `false` when QEMU sends no reply on success.
    pub success_response: bool,
    /// `allow-oob`: the command may run out-of-band.
    pub allow_oob: bool,
    /// `allow-preconfig`: the command may run before the machine is created.
    pub allow_preconfig: bool,
    /// `coroutine`: QEMU runs the handler in a coroutine.
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
    /// An `include` directive, where it sits among the definitions.
    Include(crate::ast::Include),
    /// A definition.
    Definition(Definition),
}
