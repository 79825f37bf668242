//! What generation reads: the checked model reduced to what the wire and the docs need.
//!
//! Implicit types are folded in where QEMU uses them (a command's argument object becomes the command's own
//! struct, a union's inline base becomes the union's members), base members are listed on the derived type, and
//! every enum value of a union's discriminator has a branch (possibly empty). Names are schema names; Rust names
//! are chosen by [`crate::names`].

pub use qapi_schema::definition::Cond;
/// The model's built-in types: kind, width and signedness.
pub use qapi_schema::schema::{BuiltinKind as Builtin, IntType};

/// A whole schema, in definition order.
#[derive(Clone, Debug, Default)]
pub struct Api {
    /// Schema modules (files) in first-seen order; the built-in module (`QType`) first.
    pub modules: Vec<Module>,
    pub definitions: Vec<Definition>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    /// The file as the schema names it, relative to the main file's directory: `qapi/block-core.json`.
    /// `./builtin` for the built-in module.
    pub path: String,
    /// The module's doc heading (`= Block devices`), when the file starts with one.
    pub title: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Definition {
    /// The schema name.
    pub name: String,
    /// Index into [`Api::modules`].
    pub module: usize,
    pub doc: Option<Doc>,
    pub cond: Option<Cond>,
    pub features: Vec<Feature>,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Enum(Vec<EnumValue>),
    Struct(Struct),
    Union(Union),
    /// A union of a schema older than QEMU 6.0: `{"type": BRANCH, "data": VALUE}` on the wire.
    SimpleUnion(Vec<Branch>),
    Alternate(Vec<Branch>),
    Command(Command),
    Event(Event),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    pub name: String,
    pub cond: Option<Cond>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    pub name: String,
    pub cond: Option<Cond>,
    pub features: Vec<Feature>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub optional: bool,
    pub ty: TypeExpr,
    pub cond: Option<Cond>,
    pub features: Vec<Feature>,
    /// Set when the member is required in the schema but optional here, because an older QEMU the bindings
    /// serve does not send it: the release that added it (`10.1`). See [`crate::Options::oldest_qemu`].
    pub required_since: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Struct {
    /// The named base struct, if any; its members (and its base's) come first in `members`.
    pub base: Option<String>,
    /// All members, base members first, in wire order.
    pub members: Vec<Member>,
}

#[derive(Clone, Debug)]
pub struct Union {
    /// The named base struct; `None` when the base was given inline.
    pub base: Option<String>,
    /// The base members, discriminator included.
    pub members: Vec<Member>,
    /// The discriminator member's name.
    pub discriminator: String,
    /// The discriminator's enum type.
    pub tag_enum: String,
    /// One per discriminator value, in enum order; `ty: None` for a value without a branch.
    pub branches: Vec<UnionBranch>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnionBranch {
    /// The discriminator value.
    pub name: String,
    /// The branch's object type; `None` when the value has no branch (QEMU's implicit `q_empty`).
    pub ty: Option<String>,
    pub cond: Option<Cond>,
}

/// A branch of an alternate or of a legacy simple union.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub name: String,
    pub ty: TypeExpr,
    pub cond: Option<Cond>,
}

#[derive(Clone, Debug)]
pub struct Command {
    pub args: Args,
    /// `None`: the command returns `{}`.
    pub returns: Option<TypeExpr>,
    pub boxed: bool,
    /// `gen: false`: QEMU's handler is written by hand and takes arguments beyond those listed (`device_add`).
    pub gen: bool,
    pub success_response: bool,
    pub allow_oob: bool,
    pub allow_preconfig: bool,
    pub coroutine: bool,
}

#[derive(Clone, Debug)]
pub struct Event {
    pub data: Args,
    pub boxed: bool,
}

/// A command's arguments or an event's data.
#[derive(Clone, Debug)]
pub enum Args {
    None,
    /// Members given inline (QEMU's implicit `q_obj_<name>-arg`).
    Inline(Vec<Member>),
    /// A named struct or union.
    Named(String),
}

/// A reference to a type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    Builtin(Builtin),
    /// QEMU's `q_empty`: an object without members.
    Empty,
    /// A user-defined (or built-in `QType`) enum, struct, union or alternate.
    Named(String),
    Array(Box<TypeExpr>),
}

/// A definition's doc comment, as text sections.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub body: String,
    /// `@member:` descriptions (members, enum values, branches).
    pub args: Vec<(String, String)>,
    /// `@feature:` descriptions.
    pub features: Vec<(String, String)>,
    /// Tagged (`Returns`, `Errors`, `Since`, ...) and untagged (`None`) sections in source order.
    pub sections: Vec<(Option<String>, String)>,
}

impl Doc {
    pub fn since(&self) -> Option<&str> {
        let (_, text) = self
            .sections
            .iter()
            .find(|(tag, _)| tag.as_deref() == Some("Since"))?;
        text.lines().next().map(str::trim)
    }

    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.as_str())
            .filter(|t| !t.trim().is_empty())
    }

    pub fn feature(&self, name: &str) -> Option<&str> {
        self.features
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.as_str())
    }
}

impl Definition {
    pub fn has_feature(&self, name: &str) -> bool {
        self.features.iter().any(|f| f.name == name)
    }

    pub fn since(&self) -> Option<&str> {
        self.doc.as_ref().and_then(Doc::since)
    }

    pub fn meta(&self) -> &'static str {
        match self.kind {
            Kind::Enum(_) => "enum",
            Kind::Struct(_) => "struct",
            Kind::Union(_) | Kind::SimpleUnion(_) => "union",
            Kind::Alternate(_) => "alternate",
            Kind::Command(_) => "command",
            Kind::Event(_) => "event",
        }
    }

    /// An object type: its members can be embedded in a union or a command's arguments.
    pub fn is_object(&self) -> bool {
        matches!(self.kind, Kind::Struct(_) | Kind::Union(_))
    }
}

impl Member {
    pub fn has_feature(&self, name: &str) -> bool {
        self.features.iter().any(|f| f.name == name)
    }
}

impl EnumValue {
    pub fn has_feature(&self, name: &str) -> bool {
        self.features.iter().any(|f| f.name == name)
    }
}
