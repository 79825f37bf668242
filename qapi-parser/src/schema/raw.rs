//! Entities as defined, before checking: type references are still names.
//!
//! The definition pass fills these in QEMU's order; the check pass walks them and produces the public entities.

use crate::definition::Cond;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

use super::entity::{BuiltinKind, DocId, EnumValue, Feature, JsonType, ModuleId};

/// QEMU's source info of a definition: where it is and which definition it belongs to (for the
/// `file: In struct 'X':` line). Implicit entities share the info of the expression that made them.
#[derive(Clone, Debug)]
pub(crate) struct Info {
    pub span: Span,
    pub meta: &'static str,
    pub defn: String,
}

impl Info {
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::semantic(self.span, message).with_context(self.meta, self.defn.clone())
    }
}

/// Index into the builder's infos.
pub(crate) type InfoId = u32;

/// A type name as written, with where it was written.
#[derive(Clone, Debug)]
pub(crate) struct TypeName {
    pub name: String,
    /// `None` for the element of a built-in array.
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub(crate) struct RawMember {
    pub name: String,
    pub span: Span,
    pub ty: TypeName,
    pub optional: bool,
    pub cond: Option<Cond>,
    pub features: Vec<Feature>,
}

#[derive(Clone, Debug)]
pub(crate) struct RawBranch {
    pub name: String,
    pub span: Span,
    pub ty: TypeName,
    pub cond: Option<Cond>,
}

#[derive(Clone, Debug)]
pub(crate) struct CommandFlags {
    pub boxed: bool,
    pub gen: bool,
    pub success_response: bool,
    pub allow_oob: bool,
    pub allow_preconfig: bool,
    pub coroutine: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum RawKind {
    Include(ModuleId),
    Builtin(BuiltinKind),
    Enum {
        values: Vec<EnumValue>,
        prefix: Option<String>,
        /// A legacy union's `<Union>Kind`: its values are that union's branches.
        union_kind: bool,
    },
    Array(TypeName),
    Object {
        base: Option<TypeName>,
        members: Vec<RawMember>,
        /// The tag name and the explicit branches of a union.
        branches: Option<(String, Vec<RawBranch>)>,
        legacy_simple_union: bool,
        /// A `q_obj_<Type>-wrapper`: its condition is the wrapped type's.
        wraps: Option<TypeName>,
    },
    Alternate(Vec<RawBranch>),
    Command {
        arg: Option<TypeName>,
        ret: Option<TypeName>,
        flags: CommandFlags,
    },
    Event {
        arg: Option<TypeName>,
        boxed: bool,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct RawEntity {
    pub name: String,
    /// `None` for built-ins, their arrays and the other predefined types.
    pub info: Option<InfoId>,
    pub doc: Option<DocId>,
    pub cond: Option<Cond>,
    pub features: Vec<Feature>,
    pub implicit: bool,
    pub kind: RawKind,
}

impl RawEntity {
    pub fn is_type(&self) -> bool {
        !matches!(
            self.kind,
            RawKind::Include(_) | RawKind::Command { .. } | RawKind::Event { .. }
        )
    }

    /// QEMU's meta word, as in error messages.
    pub fn meta(&self) -> &'static str {
        match &self.kind {
            RawKind::Include(_) => "include",
            RawKind::Builtin(_) => "built-in",
            RawKind::Enum { .. } => "enum",
            RawKind::Array(_) => "array",
            RawKind::Object {
                branches: Some(_), ..
            } => "union",
            RawKind::Object { .. } => "struct",
            RawKind::Alternate(_) => "alternate",
            RawKind::Command { .. } => "command",
            RawKind::Event { .. } => "event",
        }
    }

    /// QEMU's description: `struct type 'X'`, `array type ['int']`, `command 'x'`.
    pub fn describe(&self) -> String {
        match &self.kind {
            RawKind::Array(elem) => format!("array type ['{}']", elem.name),
            RawKind::Command { .. } | RawKind::Event { .. } | RawKind::Include(_) => {
                format!("{} '{}'", self.meta(), self.name)
            }
            _ => format!("{} type '{}'", self.meta(), self.name),
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.kind, RawKind::Object { .. })
    }

    pub fn is_union(&self) -> bool {
        matches!(
            self.kind,
            RawKind::Object {
                branches: Some(_),
                ..
            }
        )
    }

    pub fn json_type(&self) -> Option<JsonType> {
        match &self.kind {
            RawKind::Builtin(b) => Some(b.json_type()),
            RawKind::Enum { .. } => Some(JsonType::String),
            RawKind::Array(_) => Some(JsonType::Array),
            RawKind::Object { .. } => Some(JsonType::Object),
            RawKind::Alternate(_) => Some(JsonType::Value),
            _ => None,
        }
    }
}
