//! The entities of the checked model: what code generation, introspection and schema diffing read.
//!
//! Every type reference is a resolved [`TypeId`]; every entity sits in one arena, in QEMU's definition order.

use crate::definition::Cond;
use crate::source::Span;

/// Index of an entity in the model's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(pub u32);

/// Index of a type in the model's arena (the same index space as [`EntityId`]; only ever names a type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// Index of a module (a schema file, or `./builtin`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub u32);

/// Index of a doc block in the model's docs (source order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(pub u32);

impl TypeId {
    /// The same index, as an entity.
    pub fn entity(self) -> EntityId {
        EntityId(self.0)
    }
}

impl EntityId {
    /// The position in the arena.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// How a value of a type travels on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonType {
    /// A JSON string (`str`, enums).
    String,
    /// A JSON number (`number`).
    Number,
    /// A JSON number without fraction (`int` and its sized forms, `size`).
    Int,
    /// `true` or `false` (`bool`).
    Boolean,
    /// `null` (the built-in `null`).
    Null,
    /// A JSON object (structs, unions).
    Object,
    /// A JSON array (`['T']`).
    Array,
    /// Any JSON value (`any`, and alternates).
    Value,
}

impl JsonType {
    /// The JSON class a value is told by, as an alternate's branches are: an integer is a number.
    pub fn class(self) -> JsonType {
        match self {
            JsonType::Int => JsonType::Number,
            other => other,
        }
    }

    /// The JSON type introspection calls `name`.
    pub fn from_name(name: &str) -> Option<JsonType> {
        JsonType::ALL.into_iter().find(|j| j.as_str() == name)
    }

    const ALL: [JsonType; 8] = [
        JsonType::String,
        JsonType::Number,
        JsonType::Int,
        JsonType::Boolean,
        JsonType::Null,
        JsonType::Object,
        JsonType::Array,
        JsonType::Value,
    ];

    /// The name introspection uses (`json-type` of a built-in).
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Int => "int",
            JsonType::Boolean => "boolean",
            JsonType::Null => "null",
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::Value => "value",
        }
    }
}

/// An integer built-in's width and signedness: `int8` … `uint64`; `int` is `int64` and `size` is `uint64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IntType {
    /// The width: 8, 16, 32 or 64.
    pub bits: u8,
    /// Whether negative values are accepted (`intN` rather than `uintN`).
    pub signed: bool,
}

impl IntType {
    /// `int8`.
    pub const INT8: IntType = IntType::new(8, true);
    /// `int16`.
    pub const INT16: IntType = IntType::new(16, true);
    /// `int32`.
    pub const INT32: IntType = IntType::new(32, true);
    /// `int64` (and `int`).
    pub const INT64: IntType = IntType::new(64, true);
    /// `uint8`.
    pub const UINT8: IntType = IntType::new(8, false);
    /// `uint16`.
    pub const UINT16: IntType = IntType::new(16, false);
    /// `uint32`.
    pub const UINT32: IntType = IntType::new(32, false);
    /// `uint64` (and `size`).
    pub const UINT64: IntType = IntType::new(64, false);

    const fn new(bits: u8, signed: bool) -> IntType {
        IntType { bits, signed }
    }

    /// The values the type accepts, inclusive.
    pub fn range(self) -> (i128, i128) {
        let bits = u32::from(self.bits);
        if self.signed {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        }
    }

    /// The schema's name with the width spelled out: `int8` … `uint64`.
    pub fn name(self) -> &'static str {
        match (self.signed, self.bits) {
            (true, 8) => "int8",
            (true, 16) => "int16",
            (true, 32) => "int32",
            (true, _) => "int64",
            (false, 8) => "uint8",
            (false, 16) => "uint16",
            (false, 32) => "uint32",
            (false, _) => "uint64",
        }
    }
}

/// What a built-in type is. Every stage after the parser reads this instead of the built-in's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuiltinKind {
    /// `str`.
    Str,
    /// `number`: a double.
    Number,
    /// `int`, `intN`, `uintN` and `size`, with their width.
    Int(IntType),
    /// `bool`.
    Bool,
    /// `null`.
    Null,
    /// `any`: whatever JSON value.
    Any,
}

impl BuiltinKind {
    /// The schema language's built-in types by name, in QEMU's order: the one table from names to kinds.
    pub const ALL: [(&'static str, BuiltinKind); 15] = [
        ("str", BuiltinKind::Str),
        ("number", BuiltinKind::Number),
        ("int", BuiltinKind::Int(IntType::INT64)),
        ("int8", BuiltinKind::Int(IntType::INT8)),
        ("int16", BuiltinKind::Int(IntType::INT16)),
        ("int32", BuiltinKind::Int(IntType::INT32)),
        ("int64", BuiltinKind::Int(IntType::INT64)),
        ("uint8", BuiltinKind::Int(IntType::UINT8)),
        ("uint16", BuiltinKind::Int(IntType::UINT16)),
        ("uint32", BuiltinKind::Int(IntType::UINT32)),
        ("uint64", BuiltinKind::Int(IntType::UINT64)),
        ("size", BuiltinKind::Int(IntType::UINT64)),
        ("bool", BuiltinKind::Bool),
        ("any", BuiltinKind::Any),
        ("null", BuiltinKind::Null),
    ];

    /// The built-in called `name` in a schema (`QType` is an enum, not a built-in).
    pub fn from_name(name: &str) -> Option<BuiltinKind> {
        BuiltinKind::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, kind)| kind)
    }

    /// How its values travel.
    pub fn json_type(self) -> JsonType {
        match self {
            BuiltinKind::Str => JsonType::String,
            BuiltinKind::Number => JsonType::Number,
            BuiltinKind::Int(_) => JsonType::Int,
            BuiltinKind::Bool => JsonType::Boolean,
            BuiltinKind::Null => JsonType::Null,
            BuiltinKind::Any => JsonType::Value,
        }
    }
}

/// A feature of a definition, member or enum value.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    /// The feature's name (`deprecated`, `unstable`, or one of the schema's own).
    pub name: String,
    /// Where the feature is named in the source.
    pub span: Span,
    /// The feature's `'if'` condition.
    pub cond: Option<Cond>,
}

/// Feature names every schema knows; QEMU's tooling treats them specially.
pub const SPECIAL_FEATURES: [&str; 2] = ["deprecated", "unstable"];

impl Feature {
    /// `deprecated` or `unstable`.
    pub fn is_special(&self) -> bool {
        SPECIAL_FEATURES.contains(&self.name.as_str())
    }
}

/// One definition (or include directive) of the schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// The definition's name. For an include, the name of the included module.
    pub name: String,
    /// The defining expression. For an implicit type, the expression that caused it; `None` for built-ins and
    /// their arrays.
    pub span: Option<Span>,
    /// The module (schema file) that holds the definition.
    pub module: ModuleId,
    /// The doc comment block of the definition, if any.
    pub doc: Option<DocId>,
    /// The condition. An array's is its element type's; a legacy union wrapper's is its wrapped type's.
    pub cond: Option<Cond>,
    /// The definition's features, in source order.
    pub features: Vec<Feature>,
    /// Built-ins, arrays, `q_empty`, `QType`, `q_obj_*` objects and legacy `<Union>Kind` enums.
    pub implicit: bool,
    /// What the definition is, with its kind's data.
    pub kind: EntityKind,
}

/// What an entity is: one arm per QAPI meta-type, plus `include` directives.
#[derive(Clone, Debug, PartialEq)]
pub enum EntityKind {
    /// An `include` directive: where it sits is the entity's module, what it names is this.
    Include(ModuleId),
    /// A built-in type (`str`, `int`, …).
    Builtin(BuiltinType),
    /// An enum, explicit or implicit.
    Enum(EnumType),
    /// An array of another type (`['T']`).
    Array(ArrayType),
    /// A struct, a union, or an implicit object.
    Object(ObjectType),
    /// An alternate.
    Alternate(AlternateType),
    /// A command.
    Command(Command),
    /// An event.
    Event(Event),
}

/// A built-in type: which one.
#[derive(Clone, Debug, PartialEq)]
pub struct BuiltinType {
    /// Which built-in.
    pub kind: BuiltinKind,
}

impl BuiltinType {
    /// How its values travel.
    pub fn json_type(&self) -> JsonType {
        self.kind.json_type()
    }
}

/// An enum: its values and C prefix.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumType {
    /// The values, in schema order.
    pub values: Vec<EnumValue>,
    /// The `prefix` the schema gives the C enum constants, if any.
    pub prefix: Option<String>,
}

/// One value of an enum.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    /// The value as it travels on the wire.
    pub name: String,
    /// `None` for the values of the predefined `QType`.
    pub span: Option<Span>,
    /// The value's `'if'` condition.
    pub cond: Option<Cond>,
    /// The value's features.
    pub features: Vec<Feature>,
}

/// An array type `['T']`.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrayType {
    /// The element type `T`.
    pub element: TypeId,
}

/// A struct, a union, or an implicit object (`q_empty`, `q_obj_<name>-arg`, `q_obj_<name>-base`,
/// `q_obj_<Type>-wrapper`).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectType {
    /// The `base` type, whose members come first.
    pub base: Option<TypeId>,
    /// The members this object declares itself.
    pub local_members: Vec<Member>,
    /// All members, base members first, as they travel on the wire (branch members excluded).
    pub members: Vec<Member>,
    /// The branches, for a union.
    pub variants: Option<Variants>,
    /// A union without `discriminator` (QEMU before 6.0): its tag `type` is a local member of the implicit enum
    /// `<Union>Kind`, each branch a `q_obj_<Type>-wrapper` object with the one member `data`.
    pub legacy_simple_union: bool,
}

impl ObjectType {
    /// Whether this is a union (it has branches).
    pub fn is_union(&self) -> bool {
        self.variants.is_some()
    }

    /// No members and no branches.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.variants.is_none()
    }

    /// Whether any member has an `'if'` condition.
    pub fn has_conditional_members(&self) -> bool {
        self.members.iter().any(|m| m.cond.is_some())
    }
}

/// A member of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The member's name on the wire (without the `*` of an optional member).
    pub name: String,
    /// The member's name in the source; for a member QEMU makes up (a legacy union's `type` and `data`), the
    /// defining expression.
    pub span: Span,
    /// The member's type.
    pub ty: TypeId,
    /// Whether the member may be absent (`*name` in the schema).
    pub optional: bool,
    /// The member's `'if'` condition.
    pub cond: Option<Cond>,
    /// The member's features.
    pub features: Vec<Feature>,
    /// The object that declares the member (a base, for inherited members).
    pub defined_in: TypeId,
}

/// The branches of a union or an alternate.
#[derive(Clone, Debug, PartialEq)]
pub struct Variants {
    /// The tag member: a union's discriminator, or `type` (of `QType`) for an alternate.
    pub tag_name: String,
    /// The tag's enum type.
    pub tag_type: TypeId,
    /// Branches in schema order; for a union, then the implicit empty ones, in enum value order.
    pub branches: Vec<Branch>,
}

/// One branch of a union or an alternate.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// The tag value that selects the branch (a union's enum value, an alternate's branch name).
    pub name: String,
    /// Where the branch is written in the source.
    pub span: Span,
    /// The branch's type: for a union an object whose members are added to the base's.
    pub ty: TypeId,
    /// The branch's `'if'` condition.
    pub cond: Option<Cond>,
    /// How the branch's type travels on the wire; for an alternate this is what selects the branch.
    pub json_type: JsonType,
    /// An empty (`q_empty`) branch QEMU adds for an enum value the union does not cover.
    pub implicit: bool,
}

/// An alternate: a value of one of several types, told apart by its JSON type.
#[derive(Clone, Debug, PartialEq)]
pub struct AlternateType {
    /// The branches; the tag is the implicit `type` of `QType`.
    pub variants: Variants,
}

/// A command: arguments, return type and QEMU's flags.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// `None` without arguments.
    pub arg_type: Option<TypeId>,
    /// `None` when the command returns `{}`.
    pub ret_type: Option<TypeId>,
    /// `boxed`: the arguments are passed to the C handler as one struct.
    pub boxed: bool,
    /// `gen`: whether QEMU generates the marshalling code (`false` for hand-written handlers).
    pub gen: bool,
    /// `success-response`: whether QEMU replies on success (`false` for commands such as `guest-shutdown`).
    pub success_response: bool,
    /// `allow-oob`: the command can run out-of-band.
    pub allow_oob: bool,
    /// `allow-preconfig`: the command runs before machine creation (`--preconfig`).
    pub allow_preconfig: bool,
    /// `coroutine`: QEMU runs the handler in a coroutine.
    pub coroutine: bool,
}

/// An event and its data.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The event's data type; `None` for an event without data.
    pub arg_type: Option<TypeId>,
    /// `boxed`: the data is passed to the C emitter as one struct.
    pub boxed: bool,
}

impl Entity {
    /// QEMU's meta word: `built-in`, `enum`, `array`, `struct`, `union`, `alternate`, `command`, `event`,
    /// `include`.
    pub fn meta(&self) -> &'static str {
        self.kind.meta()
    }

    /// Whether the entity is a type (not a command, event or include).
    pub fn is_type(&self) -> bool {
        !matches!(
            self.kind,
            EntityKind::Include(_) | EntityKind::Command(_) | EntityKind::Event(_)
        )
    }

    /// How a value of the type travels; `None` for commands, events and includes.
    pub fn json_type(&self) -> Option<JsonType> {
        match &self.kind {
            EntityKind::Builtin(b) => Some(b.json_type()),
            EntityKind::Enum(_) => Some(JsonType::String),
            EntityKind::Array(_) => Some(JsonType::Array),
            EntityKind::Object(_) => Some(JsonType::Object),
            EntityKind::Alternate(_) => Some(JsonType::Value),
            _ => None,
        }
    }

    /// The enum, if the entity is one.
    pub fn as_enum(&self) -> Option<&EnumType> {
        match &self.kind {
            EntityKind::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// The array, if the entity is one.
    pub fn as_array(&self) -> Option<&ArrayType> {
        match &self.kind {
            EntityKind::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object (struct, union or implicit object), if the entity is one.
    pub fn as_object(&self) -> Option<&ObjectType> {
        match &self.kind {
            EntityKind::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The alternate, if the entity is one.
    pub fn as_alternate(&self) -> Option<&AlternateType> {
        match &self.kind {
            EntityKind::Alternate(a) => Some(a),
            _ => None,
        }
    }

    /// The command, if the entity is one.
    pub fn as_command(&self) -> Option<&Command> {
        match &self.kind {
            EntityKind::Command(c) => Some(c),
            _ => None,
        }
    }

    /// The event, if the entity is one.
    pub fn as_event(&self) -> Option<&Event> {
        match &self.kind {
            EntityKind::Event(e) => Some(e),
            _ => None,
        }
    }
}

impl EntityKind {
    /// QEMU's meta word for this kind (see [`Entity::meta`]).
    pub fn meta(&self) -> &'static str {
        match self {
            EntityKind::Include(_) => "include",
            EntityKind::Builtin(_) => "built-in",
            EntityKind::Enum(_) => "enum",
            EntityKind::Array(_) => "array",
            EntityKind::Object(o) if o.is_union() => "union",
            EntityKind::Object(_) => "struct",
            EntityKind::Alternate(_) => "alternate",
            EntityKind::Command(_) => "command",
            EntityKind::Event(_) => "event",
        }
    }
}

/// One schema file (or `./builtin`) and what it defines, in definition order.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// The path relative to the main schema's directory; `./builtin` for the built-in module.
    pub name: String,
    /// Entities whose definition sits in this module, include directives included, in definition order.
    pub entities: Vec<EntityId>,
}

impl Module {
    /// The name of the module that holds the built-in types.
    pub const BUILTIN: &'static str = "./builtin";

    /// `./builtin` (and any other name QEMU reserves for generated modules).
    pub fn is_system(&self) -> bool {
        self.name.starts_with("./")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_know_their_width_sign_and_json_type() {
        let size = BuiltinKind::from_name("size").unwrap();
        assert_eq!(size, BuiltinKind::Int(IntType::UINT64));
        assert_eq!(size.json_type(), JsonType::Int);
        assert_eq!(
            BuiltinKind::from_name("int"),
            BuiltinKind::from_name("int64")
        );
        assert_eq!(IntType::INT8.range(), (-128, 127));
        assert_eq!(IntType::UINT64.range(), (0, u64::MAX.into()));
        assert_eq!(IntType::INT64.range(), (i64::MIN.into(), i64::MAX.into()));
        for (name, kind) in BuiltinKind::ALL {
            if let BuiltinKind::Int(int) = kind {
                if name != "int" && name != "size" {
                    assert_eq!(int.name(), name);
                }
            }
        }
        assert_eq!(BuiltinKind::from_name("QType"), None);
        assert_eq!(BuiltinKind::Any.json_type(), JsonType::Value);
        assert_eq!(JsonType::Int.class(), JsonType::Number);
        assert_eq!(JsonType::from_name("boolean"), Some(JsonType::Boolean));
        assert_eq!(JsonType::from_name("bool"), None);
    }
}
