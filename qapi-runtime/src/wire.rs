//! Decoding and encoding of QAPI values, as QEMU puts them on the wire.
//!
//! Generated types do not derive serde's traits: a derived `Deserialize` is a large generic visitor per type,
//! and rustc spends most of a bindings crate's build time on such code. Instead each generated type implements
//! [`Decode`] and [`Encode`] (small, non-generic functions over [`serde_json::Value`]), and object types implement
//! [`ObjectType`], which reads and writes their members in an object shared with a base or a union's branch.
//! [`impl_serde!`](crate::impl_serde) then gives every type one-line serde impls that go through a `Value`.
//!
//! What QEMU accepts is what this module accepts: integers must be integers in range (`uint64` and `size` also
//! take a negative `int64`, reinterpreted, as QEMU's input visitor does), `number` takes any number, members a
//! newer QEMU added are ignored, and an optional member is absent rather than `null`. Errors name the JSON path.

use std::fmt;

use serde_json::{Map, Number, Value};

/// A JSON object: the members of a struct, a union, a command's arguments or an event's data.
pub type Object = Map<String, Value>;

/// A value that could not be decoded, and where in the JSON it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Innermost segment first (segments are added while the error travels outwards).
    path: Vec<Segment>,
    message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Member(String),
    Index(usize),
}

impl DecodeError {
    pub fn new(message: impl Into<String>) -> DecodeError {
        DecodeError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// "expected X, found Y" for a value of the wrong JSON type.
    pub fn invalid_type(expected: &str, found: &Value) -> DecodeError {
        DecodeError::new(format!("expected {expected}, found {}", describe(found)))
    }

    /// The error happened inside member `name` of an object.
    pub fn in_member(mut self, name: &str) -> DecodeError {
        self.path.push(Segment::Member(name.to_owned()));
        self
    }

    /// The error happened inside element `index` of an array.
    pub fn in_index(mut self, index: usize) -> DecodeError {
        self.path.push(Segment::Index(index));
        self
    }

    /// The JSON path of the value that failed, such as `members[3].name`; empty for the top-level value.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Member(name) if out.is_empty() => out.push_str(name),
                Segment::Member(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// What went wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{}`: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) if s.len() <= 40 => format!("string {s:?}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// A type that can be read from its JSON value.
pub trait Decode: Sized {
    fn decode(value: Value) -> Result<Self, DecodeError>;
}

/// A type that can be written as its JSON value.
pub trait Encode {
    fn encode(&self) -> Value;
}

/// A QAPI object type (struct, union, command arguments, event data): its members live in a JSON object that a
/// struct shares with its base, and a union with its branch.
pub trait ObjectType: Sized {
    /// Takes this type's members out of `object`; members it does not know are left there.
    fn decode_members(object: &mut Object) -> Result<Self, DecodeError>;
    /// Adds this type's members to `object`.
    fn encode_members(&self, object: &mut Object);
}

impl<T: ObjectType> Decode for T {
    fn decode(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Object(mut object) => T::decode_members(&mut object),
            other => Err(DecodeError::invalid_type("an object", &other)),
        }
    }
}

impl<T: ObjectType> Encode for T {
    fn encode(&self) -> Value {
        let mut object = Object::new();
        self.encode_members(&mut object);
        Value::Object(object)
    }
}

/// Takes the required member `name` out of `object` and decodes it.
pub fn take<T: Decode>(object: &mut Object, name: &str) -> Result<T, DecodeError> {
    match object.remove(name) {
        Some(value) => T::decode(value).map_err(|e| e.in_member(name)),
        None => Err(DecodeError::new(format!("missing member `{name}`"))),
    }
}

/// Takes the optional member `name` out of `object`: `None` when absent. A present `null` is decoded as a value
/// (QEMU treats it so: only an alternate with a `null` branch accepts it).
pub fn take_opt<T: Decode>(object: &mut Object, name: &str) -> Result<Option<T>, DecodeError> {
    match object.remove(name) {
        Some(value) => T::decode(value).map(Some).map_err(|e| e.in_member(name)),
        None => Ok(None),
    }
}

/// Takes a union's discriminator (a string) out of `object`.
pub fn take_tag(object: &mut Object, name: &str) -> Result<String, DecodeError> {
    take::<String>(object, name)
}

/// [`take`] for a member that is boxed to break a recursion.
pub fn take_box<T: Decode>(object: &mut Object, name: &str) -> Result<Box<T>, DecodeError> {
    take(object, name).map(Box::new)
}

/// [`take_opt`] for a member that is boxed to break a recursion.
pub fn take_opt_box<T: Decode>(
    object: &mut Object,
    name: &str,
) -> Result<Option<Box<T>>, DecodeError> {
    take_opt(object, name).map(|v| v.map(Box::new))
}

/// Adds member `name`.
pub fn put<T: Encode + ?Sized>(object: &mut Object, name: &str, value: &T) {
    object.insert(name.to_owned(), value.encode());
}

/// Adds member `name` when it is `Some`.
pub fn put_opt<T: Encode>(object: &mut Object, name: &str, value: &Option<T>) {
    if let Some(value) = value {
        object.insert(name.to_owned(), value.encode());
    }
}

/// [`put_opt`] for a member that is boxed to break a recursion.
pub fn put_opt_box<T: Encode>(object: &mut Object, name: &str, value: &Option<Box<T>>) {
    if let Some(value) = value {
        object.insert(name.to_owned(), value.encode());
    }
}

/// The object of a value that must be one.
pub fn expect_object(value: Value) -> Result<Object, DecodeError> {
    match value {
        Value::Object(object) => Ok(object),
        other => Err(DecodeError::invalid_type("an object", &other)),
    }
}

/// Reads an enum value's wire name.
pub fn expect_str(value: Value) -> Result<String, DecodeError> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(DecodeError::invalid_type("a string", &other)),
    }
}

impl Decode for String {
    fn decode(value: Value) -> Result<Self, DecodeError> {
        expect_str(value)
    }
}

impl Encode for String {
    fn encode(&self) -> Value {
        Value::String(self.clone())
    }
}

impl Encode for str {
    fn encode(&self) -> Value {
        Value::String(self.to_owned())
    }
}

impl Decode for bool {
    fn decode(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(DecodeError::invalid_type("a boolean", &other)),
        }
    }
}

impl Encode for bool {
    fn encode(&self) -> Value {
        Value::Bool(*self)
    }
}

impl Decode for f64 {
    /// `number`: any JSON number, integers included.
    fn decode(value: Value) -> Result<Self, DecodeError> {
        match &value {
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| DecodeError::invalid_type("a number", &value)),
            _ => Err(DecodeError::invalid_type("a number", &value)),
        }
    }
}

impl Encode for f64 {
    fn encode(&self) -> Value {
        // JSON has no NaN or infinity; QEMU would not send them either.
        Number::from_f64(*self).map_or(Value::Null, Value::Number)
    }
}

fn integer(value: &Value) -> Result<&Number, DecodeError> {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n),
        other => Err(DecodeError::invalid_type("an integer", other)),
    }
}

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode(value: Value) -> Result<Self, DecodeError> {
                let n = integer(&value)?;
                n.as_i64()
                    .and_then(|i| <$t>::try_from(i).ok())
                    .ok_or_else(|| DecodeError::new(format!("integer {n} out of range for {}", stringify!($t))))
            }
        }
        impl Encode for $t {
            fn encode(&self) -> Value {
                Value::Number(Number::from(*self))
            }
        }
    )*};
}

signed!(i8, i16, i32, i64);

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode(value: Value) -> Result<Self, DecodeError> {
                let n = integer(&value)?;
                n.as_u64()
                    .and_then(|i| <$t>::try_from(i).ok())
                    .ok_or_else(|| DecodeError::new(format!("integer {n} out of range for {}", stringify!($t))))
            }
        }
        impl Encode for $t {
            fn encode(&self) -> Value {
                Value::Number(Number::from(*self))
            }
        }
    )*};
}

unsigned!(u8, u16, u32);

impl Decode for u64 {
    /// `uint64` and `size`: like QEMU's input visitor, a negative `int64` is accepted and reinterpreted as two's
    /// complement (QEMU keeps this for backward compatibility).
    fn decode(value: Value) -> Result<Self, DecodeError> {
        let n = integer(&value)?;
        match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Ok(u),
            (None, Some(i)) => Ok(i as u64),
            (None, None) => Err(DecodeError::new(format!(
                "integer {n} out of range for u64"
            ))),
        }
    }
}

impl Encode for u64 {
    fn encode(&self) -> Value {
        Value::Number(Number::from(*self))
    }
}

impl Decode for Value {
    /// `any`.
    fn decode(value: Value) -> Result<Self, DecodeError> {
        Ok(value)
    }
}

impl Encode for Value {
    fn encode(&self) -> Value {
        self.clone()
    }
}

impl Decode for () {
    /// `null`.
    fn decode(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(()),
            other => Err(DecodeError::invalid_type("null", &other)),
        }
    }
}

impl Encode for () {
    fn encode(&self) -> Value {
        Value::Null
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| T::decode(item).map_err(|e| e.in_index(i)))
                .collect(),
            other => Err(DecodeError::invalid_type("an array", &other)),
        }
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self) -> Value {
        Value::Array(self.iter().map(Encode::encode).collect())
    }
}

/// What a command without `returns` gives back (QEMU replies `{}`), and the arguments of a command without
/// `data`. Any object decodes to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Empty;

impl ObjectType for Empty {
    fn decode_members(_: &mut Object) -> Result<Self, DecodeError> {
        Ok(Empty)
    }
    fn encode_members(&self, _: &mut Object) {}
}

crate::impl_serde!(Empty);

/// serde's `Serialize` through [`Encode`]: what [`impl_serde!`](crate::impl_serde) expands to.
pub fn serialize<T: Encode + ?Sized, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&value.encode(), serializer)
}

/// serde's `Deserialize` through [`Decode`]: what [`impl_serde!`](crate::impl_serde) expands to.
pub fn deserialize<'de, T: Decode, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    T::decode(value).map_err(serde::de::Error::custom)
}

/// Decodes an event's `data` (absent or `null` for an event without data) for `EventSet::from_parts`.
pub fn event_data<T: Decode>(data: Value) -> Result<T, serde_json::Error> {
    let data = if data.is_null() {
        Value::Object(Object::new())
    } else {
        data
    };
    T::decode(data)
        .map_err(|e| <serde_json::Error as serde::de::Error>::custom(e.in_member("data")))
}

/// `Debug` through [`Encode`]: the type's name and its JSON, pretty-printed with `{:#?}`. One line of generated
/// code per type instead of a derived impl per field (what [`impl_traits!`](crate::impl_traits) expands to).
pub fn debug<T: Encode + ?Sized>(value: &T, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let json = value.encode();
    if f.alternate() {
        let pretty = serde_json::to_string_pretty(&json).map_err(|_| fmt::Error)?;
        write!(f, "{name} {pretty}")
    } else {
        write!(f, "{name} {json}")
    }
}

/// `PartialEq` through [`Encode`]: equal when the JSON is (what [`impl_traits!`](crate::impl_traits) expands
/// to). A `number` that is NaN, which JSON cannot carry, equals nothing but another NaN there.
pub fn same<T: Encode + ?Sized>(a: &T, b: &T) -> bool {
    a.encode() == b.encode()
}

/// Decodes `T` from a JSON value: the entry point for a client holding a reply's `return` or an event's `data`.
pub fn from_value<T: Decode>(value: Value) -> Result<T, DecodeError> {
    T::decode(value)
}

/// Implements `Debug`, `PartialEq`, and serde's `Serialize` and `Deserialize` for types that implement
/// [`Encode`] and [`Decode`], all through their JSON: generated object types use this rather than derives,
/// whose per-field code is most of what rustc spends on a bindings crate.
#[macro_export]
macro_rules! impl_traits {
    ($($t:ident),* $(,)?) => {$(
        $crate::impl_serde!($t);
        impl ::core::fmt::Debug for $t {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::wire::debug(self, ::core::stringify!($t), f)
            }
        }
        impl ::core::cmp::PartialEq for $t {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                $crate::wire::same(self, other)
            }
        }
    )*};
}

/// Implements serde's `Serialize` and `Deserialize` for types that implement [`Encode`] and [`Decode`].
#[macro_export]
macro_rules! impl_serde {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::serde::Serialize for $t {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::wire::serialize(self, serializer)
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $t {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::deserialize(deserializer)
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uint64_takes_negative_int64_like_qemu() {
        assert_eq!(u64::decode(json!(-1)), Ok(u64::MAX));
        assert_eq!(u64::decode(json!(u64::MAX)), Ok(u64::MAX));
        assert!(u64::decode(json!(1.5)).is_err());
        assert!(u32::decode(json!(-1)).is_err());
        assert!(u8::decode(json!(256)).is_err());
        assert_eq!(i8::decode(json!(-128)), Ok(-128));
    }

    #[test]
    fn number_takes_integers() {
        assert_eq!(f64::decode(json!(3)), Ok(3.0));
        assert!(i64::decode(json!(3.0)).is_err());
    }

    #[test]
    fn errors_name_the_path() {
        let err = Vec::<Vec<u8>>::decode(json!([[1], [2, "x"]])).unwrap_err();
        assert_eq!(err.path(), "[1][1]");
        let mut object = json!({"a": [true, 3]}).as_object().cloned().unwrap();
        let err = take::<Vec<bool>>(&mut object, "a")
            .unwrap_err()
            .in_member("return");
        assert_eq!(
            err.to_string(),
            "at `return.a[1]`: expected a boolean, found number `3`"
        );
    }

    #[test]
    fn optional_member_absent_is_none_and_null_is_a_value() {
        let mut object = json!({"n": null}).as_object().cloned().unwrap();
        assert_eq!(take_opt::<String>(&mut object, "missing"), Ok(None));
        assert!(take_opt::<String>(&mut object, "n").is_err());
        let mut object = json!({"n": null}).as_object().cloned().unwrap();
        assert_eq!(take_opt::<()>(&mut object, "n"), Ok(Some(())));
    }

    #[test]
    fn debug_and_equality_go_through_json() {
        struct P(i64);
        impl Encode for P {
            fn encode(&self) -> Value {
                json!({"n": self.0})
            }
        }
        struct D<'a>(&'a P);
        impl fmt::Debug for D<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                debug(self.0, "P", f)
            }
        }
        assert_eq!(format!("{:?}", D(&P(1))), r#"P {"n":1}"#);
        assert_eq!(format!("{:#?}", D(&P(1))), "P {\n  \"n\": 1\n}");
        assert!(same(&P(1), &P(1)) && !same(&P(1), &P(2)));
    }

    #[test]
    fn empty_takes_any_object() {
        let e: Empty = serde_json::from_str(r#"{"x": 1}"#).unwrap();
        assert_eq!(serde_json::to_string(&e).unwrap(), "{}");
        assert!(serde_json::from_str::<Empty>("[]").is_err());
    }
}
