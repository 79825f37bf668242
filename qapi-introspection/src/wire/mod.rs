//! The wire view of a schema: what a client sends and receives, reached from commands and events.
//!
//! Type names are not on the wire, so a type here is its shape: members flattened (base members included), union
//! branches by tag value, alternate branches by JSON type. A schema file gives the real names as well (they let
//! a diff tell a rename), conditions and integer widths; a `query-qmp-schema` reply gives masked names, no
//! conditions, and `int` for every integer type. Only types reachable from a command or an event are present,
//! as in introspection.

mod from_introspection;
mod from_model;

use qapi_schema::definition::Cond;
pub use qapi_schema::schema::{BuiltinKind, IntType, JsonType};

/// Index of a type in a [`WireSchema`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeIdx(pub u32);

impl TypeIdx {
    /// The position in [`WireSchema::types`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a wire view came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A schema file: real type names, conditions, integer widths, `allow-preconfig`.
    Schema,
    /// A `query-qmp-schema` reply: masked type names, no conditions, one integer type.
    Introspection,
}

/// A schema's wire view: its commands and events and every type they reach.
#[derive(Clone, Debug)]
pub struct WireSchema {
    /// A schema file or a `query-qmp-schema` reply.
    pub origin: Origin,
    /// Every type reachable from a command or an event; [`TypeIdx`] indexes it.
    pub types: Vec<WireType>,
    /// In schema order.
    pub commands: Vec<WireCommand>,
    /// In schema order.
    pub events: Vec<WireEvent>,
    /// The object without members: what a command without arguments takes, or one without returns gives.
    pub empty: TypeIdx,
}

/// A type as it travels: its shape, and its name where known.
#[derive(Clone, Debug)]
pub struct WireType {
    /// The schema name when known (not from introspection, which masks it).
    pub name: Option<String>,
    /// QEMU made the type up (`q_obj_*`, `q_empty`, arrays, built-ins): its name says nothing.
    pub implicit: bool,
    /// The type's features.
    pub features: Vec<WireFeature>,
    /// The type's shape.
    pub kind: WireKind,
}

/// The shape of a type on the wire.
#[derive(Clone, Debug)]
pub enum WireKind {
    /// A built-in.
    Builtin(Builtin),
    /// An enum: its values.
    Enum(Vec<WireEnumValue>),
    /// An array of the element type.
    Array(TypeIdx),
    /// An object: members flattened, and union branches.
    Object(WireObject),
    /// Branch types; on the wire, the value's JSON type selects one.
    Alternate(Vec<WireBranch>),
}

/// The built-in types as they travel. Integer types all travel as JSON numbers; the width is known only from a
/// schema file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `str`: a JSON string.
    Str,
    /// An integer: its width and sign from a schema file, `None` from a reply (`int`).
    Int(Option<IntType>),
    /// `number`: a double.
    Number,
    /// `bool`.
    Bool,
    /// `null`.
    Null,
    /// `any`: whatever JSON value.
    Any,
}

impl Builtin {
    /// The name introspection uses.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Str => "str",
            Builtin::Int(_) => "int",
            Builtin::Number => "number",
            Builtin::Bool => "bool",
            Builtin::Null => "null",
            Builtin::Any => "any",
        }
    }

    /// What a schema file's built-in is on the wire: everything, width included.
    pub fn from_kind(kind: BuiltinKind) -> Builtin {
        match kind {
            BuiltinKind::Str => Builtin::Str,
            BuiltinKind::Number => Builtin::Number,
            BuiltinKind::Int(int) => Builtin::Int(Some(int)),
            BuiltinKind::Bool => Builtin::Bool,
            BuiltinKind::Null => Builtin::Null,
            BuiltinKind::Any => Builtin::Any,
        }
    }

    /// What a reply's `json-type` says: every integer is `int`, of unknown width.
    pub fn from_json_type(json_type: JsonType) -> Builtin {
        match json_type {
            JsonType::String => Builtin::Str,
            JsonType::Int => Builtin::Int(None),
            JsonType::Number => Builtin::Number,
            JsonType::Boolean => Builtin::Bool,
            JsonType::Null => Builtin::Null,
            _ => Builtin::Any,
        }
    }

    /// How the built-in's values travel.
    pub fn json_type(self) -> JsonType {
        match self {
            Builtin::Str => JsonType::String,
            Builtin::Int(_) => JsonType::Int,
            Builtin::Number => JsonType::Number,
            Builtin::Bool => JsonType::Boolean,
            Builtin::Null => JsonType::Null,
            Builtin::Any => JsonType::Value,
        }
    }
}

/// A feature of a type, member, enum value, command or event.
#[derive(Clone, Debug)]
pub struct WireFeature {
    /// The feature's name.
    pub name: String,
    /// Its `'if'` condition (schema files only).
    pub cond: Option<Cond>,
}

/// One value of an enum.
#[derive(Clone, Debug)]
pub struct WireEnumValue {
    /// The value as it travels.
    pub name: String,
    /// The value's features.
    pub features: Vec<WireFeature>,
    /// Its `'if'` condition (schema files only).
    pub cond: Option<Cond>,
}

/// An object's members and, for a union, its branches.
#[derive(Clone, Debug)]
pub struct WireObject {
    /// All members, base members first.
    pub members: Vec<WireMember>,
    /// The branches, for a union.
    pub variants: Option<WireVariants>,
}

/// A member of an object.
#[derive(Clone, Debug)]
pub struct WireMember {
    /// The member's name on the wire.
    pub name: String,
    /// The member's type.
    pub ty: TypeIdx,
    /// Whether the member may be absent.
    pub optional: bool,
    /// The member's features.
    pub features: Vec<WireFeature>,
    /// Its `'if'` condition (schema files only).
    pub cond: Option<Cond>,
}

/// A union's branches, by tag value.
#[derive(Clone, Debug)]
pub struct WireVariants {
    /// The discriminator member.
    pub tag: String,
    /// A branch per tag value, empty ones included.
    pub branches: Vec<WireBranch>,
}

/// A union branch (`name` is the tag value) or an alternate branch (`name` is the branch name when known from a
/// schema file, else the JSON type).
#[derive(Clone, Debug)]
pub struct WireBranch {
    /// The tag value or branch name.
    pub name: String,
    /// The branch's type: for a union an object whose members travel beside the base's.
    pub ty: TypeIdx,
    /// Its `'if'` condition (schema files only).
    pub cond: Option<Cond>,
}

/// A command: what it takes and gives.
#[derive(Clone, Debug)]
pub struct WireCommand {
    /// The command's name.
    pub name: String,
    /// The arguments: an object ([`WireSchema::empty`] for none).
    pub args: TypeIdx,
    /// The return type ([`WireSchema::empty`] for `{}`).
    pub returns: TypeIdx,
    /// The command's features.
    pub features: Vec<WireFeature>,
    /// Its `'if'` condition (schema files only).
    pub cond: Option<Cond>,
    /// Whether the command may run out-of-band.
    pub allow_oob: bool,
    /// Known only from a schema file.
    pub allow_preconfig: Option<bool>,
}

/// An event: what it carries.
#[derive(Clone, Debug)]
pub struct WireEvent {
    /// The event's name.
    pub name: String,
    /// The data: an object ([`WireSchema::empty`] for none).
    pub data: TypeIdx,
    /// The event's features.
    pub features: Vec<WireFeature>,
    /// Its `'if'` condition (schema files only).
    pub cond: Option<Cond>,
}

impl WireSchema {
    /// The type at `ty`.
    pub fn get(&self, ty: TypeIdx) -> &WireType {
        &self.types[ty.index()]
    }

    /// The command called `name`.
    pub fn command(&self, name: &str) -> Option<&WireCommand> {
        self.commands.iter().find(|c| c.name == name)
    }

    /// The event called `name`.
    pub fn event(&self, name: &str) -> Option<&WireEvent> {
        self.events.iter().find(|e| e.name == name)
    }

    /// The JSON class of a type's values, as an alternate's branches are told apart (an integer is a number).
    pub fn json_class(&self, ty: TypeIdx) -> JsonType {
        match &self.get(ty).kind {
            WireKind::Builtin(b) => b.json_type().class(),
            WireKind::Enum(_) => JsonType::String,
            WireKind::Alternate(_) => JsonType::Value,
            WireKind::Object(_) => JsonType::Object,
            WireKind::Array(_) => JsonType::Array,
        }
    }

    /// No members and no branches.
    pub fn is_empty_object(&self, ty: TypeIdx) -> bool {
        matches!(&self.get(ty).kind, WireKind::Object(o) if o.members.is_empty() && o.variants.is_none())
    }

    /// A short description for messages: `str`, `int64`, `enum BlockdevDriver`, `[str]`, `object`.
    pub fn describe(&self, ty: TypeIdx) -> String {
        let t = self.get(ty);
        let named = |meta: &str| match (&t.name, t.implicit) {
            (Some(name), false) => format!("{meta} {name}"),
            _ => meta.to_string(),
        };
        match &t.kind {
            WireKind::Builtin(Builtin::Int(Some(k))) => k.name().to_string(),
            WireKind::Builtin(b) => b.name().to_string(),
            WireKind::Enum(_) => named("enum"),
            WireKind::Array(e) => format!("[{}]", self.describe(*e)),
            WireKind::Object(o) if o.variants.is_some() => named("union"),
            WireKind::Object(_) => named("object"),
            WireKind::Alternate(_) => named("alternate"),
        }
    }

    /// Every user type's real name, when known (for telling renames).
    pub fn named_types(&self) -> impl Iterator<Item = &str> {
        self.types
            .iter()
            .filter(|t| !t.implicit)
            .filter_map(|t| t.name.as_deref())
    }
}

/// An `x-` name (also after a downstream `__RFQDN_` prefix): outside the stable API by QEMU's naming rules.
pub fn is_experimental_name(name: &str) -> bool {
    if name.starts_with("x-") {
        return true;
    }
    // `__com.redhat_x-foo`: the downstream prefix ends at the first `_` after `__`.
    name.strip_prefix("__")
        .and_then(|rest| rest.split_once('_'))
        .is_some_and(|(_, rest)| rest.starts_with("x-"))
}

/// Whether `features` has one called `name`.
pub fn has_feature(features: &[WireFeature], name: &str) -> bool {
    features.iter().any(|f| f.name == name)
}

/// `x-` named or marked `unstable`.
pub fn is_unstable(name: &str, features: &[WireFeature]) -> bool {
    is_experimental_name(name) || has_feature(features, "unstable")
}

/// A condition as QEMU's documentation writes it: `CONFIG_X`, `A && B`, `A || B`, `!A`.
pub fn cond_text(cond: &Cond) -> String {
    fn inner(cond: &Cond, top: bool) -> String {
        let join = |conds: &[Cond], op: &str| {
            let text = conds
                .iter()
                .map(|c| inner(c, false))
                .collect::<Vec<_>>()
                .join(op);
            if top {
                text
            } else {
                format!("({text})")
            }
        };
        match cond {
            Cond::Name(n) | Cond::Raw(n) => n.clone(),
            Cond::All(c) => join(c, " && "),
            Cond::Any(c) => join(c, " || "),
            Cond::Not(c) => format!("!{}", inner(c, false)),
        }
    }
    inner(cond, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn experimental_names() {
        assert!(is_experimental_name("x-query-rdma"));
        assert!(is_experimental_name("__com.redhat_x-thing"));
        assert!(!is_experimental_name("__com.redhat_thing"));
        assert!(!is_experimental_name("query-x"));
    }

    #[test]
    fn conditions_read_as_in_docs() {
        let c = Cond::All(vec![
            Cond::Name("CONFIG_A".into()),
            Cond::Not(Box::new(Cond::Any(vec![
                Cond::Name("B".into()),
                Cond::Name("C".into()),
            ]))),
        ]);
        assert_eq!(cond_text(&c), "CONFIG_A && !(B || C)");
    }
}

#[cfg(test)]
mod reply_tests {
    use super::*;
    use crate::reply::Introspection;

    fn wire(text: &str) -> Result<WireSchema, crate::IntrospectionError> {
        WireSchema::from_introspection(&Introspection::from_json(text).unwrap())
    }

    #[test]
    fn a_reply_resolves_masked_names() {
        let w = wire(
            r#"[{"name": "q", "meta-type": "command", "arg-type": "0", "ret-type": "[1]"},
                {"name": "0", "meta-type": "object", "members": []},
                {"name": "[1]", "meta-type": "array", "element-type": "1"},
                {"name": "1", "meta-type": "enum", "members": [{"name": "a"}]}]"#,
        )
        .unwrap();
        let q = w.command("q").unwrap();
        assert_eq!(q.args, w.empty);
        assert_eq!(w.describe(q.returns), "[enum]");
        assert_eq!(w.json_class(q.returns), JsonType::Array);
    }

    #[test]
    fn bad_references_and_array_cycles_are_errors() {
        let err = wire(r#"[{"name": "q", "meta-type": "event", "arg-type": "7"}]"#).unwrap_err();
        assert!(err.message.contains("does not define"), "{err}");
        let err = wire(
            r#"[{"name": "q", "meta-type": "event", "arg-type": "[x]"},
                {"name": "[x]", "meta-type": "array", "element-type": "[x]"}]"#,
        )
        .unwrap_err();
        assert!(err.message.contains("contains itself"), "{err}");
    }
}
