//! Decoding and encoding of QAPI values, straight between JSON text and the generated types.
//!
//! Generated types do not derive serde's traits: a derived `Deserialize` is a large generic visitor per type,
//! and rustc spends most of a bindings crate's build time on such code. Instead each generated type implements
//! [`Decode`] and [`Encode`], one small non-generic function each over the concrete [`Reader`] and [`Writer`],
//! and object types implement [`ObjectType`], which reads and writes their members in an object shared with a
//! base or a union's branch. [`impl_serde!`](crate::impl_serde) then gives every type serde impls on top.
//!
//! What QEMU accepts is what this module accepts: integers must be integers in range (`uint64` and `size` also
//! take a negative `int64`, reinterpreted, as QEMU's input visitor does), `number` takes any number, members a
//! newer QEMU added are skipped without being built, and an optional member is absent rather than `null`.
//! Errors name the JSON path and the byte offset.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

use crate::read::{Members, Num, Reader, Token};
use crate::write::Writer;

/// A JSON object: the members of a struct, a union, a command's arguments or an event's data.
pub type Object = Map<String, Value>;

/// A value that could not be decoded, and where in the JSON it was.
///
/// Boxed: one pointer, so that the decoders' `Result`s stay small (most come back in registers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(Box<ErrorInner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct ErrorInner {
    /// Innermost segment first (segments are added while the error travels outwards).
    path: Vec<Segment>,
    message: String,
    /// Byte offset in the decoded text, when the error came from reading one.
    offset: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Member(String),
    Index(usize),
}

impl DecodeError {
    /// An error saying `message`, at the top-level value, with no offset yet.
    #[cold]
    pub fn new(message: impl Into<String>) -> DecodeError {
        DecodeError(Box::new(ErrorInner {
            path: Vec::new(),
            message: message.into(),
            offset: None,
        }))
    }

    /// The error happened at byte `offset` of the decoded text.
    pub fn at(mut self, offset: usize) -> DecodeError {
        self.0.offset = Some(offset);
        self
    }

    /// The byte offset in the decoded text where decoding stopped.
    pub fn offset(&self) -> Option<usize> {
        self.0.offset
    }

    /// The error happened inside member `name` of an object.
    pub fn in_member(mut self, name: &str) -> DecodeError {
        self.0.path.push(Segment::Member(name.to_owned()));
        self
    }

    /// The error happened inside element `index` of an array.
    pub fn in_index(mut self, index: usize) -> DecodeError {
        self.0.path.push(Segment::Index(index));
        self
    }

    /// The JSON path of the value that failed, such as `members[3].name`; empty for the top-level value.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.0.path.iter().rev() {
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
        &self.0.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.path.is_empty() {
            write!(f, "at `{}`: ", self.path())?;
        }
        f.write_str(&self.0.message)?;
        match self.0.offset {
            Some(offset) => write!(f, " (byte {offset})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A type that can be read from JSON text.
pub trait Decode: Sized {
    /// Reads one value at the reader's cursor, leaving the cursor after it.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

/// A type that can be written as JSON text.
pub trait Encode {
    /// Appends the value to the writer's text.
    fn encode(&self, writer: &mut Writer);
}

/// A QAPI object type (struct, union, command arguments, event data): its members live in a JSON object that a
/// struct shares with its base, and a union with its branch.
pub trait ObjectType: Sized {
    /// Reads this type's members; members it does not know are skipped.
    fn decode_members(members: &mut Members<'_, '_>) -> Result<Self, DecodeError>;
    /// Writes this type's members into the open object.
    fn encode_members(&self, writer: &mut Writer);
}

impl<T: ObjectType> Decode for T {
    #[inline]
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.object(T::decode_members)
    }
}

impl<T: ObjectType> Encode for T {
    #[inline]
    fn encode(&self, writer: &mut Writer) {
        writer.begin_object();
        self.encode_members(writer);
        writer.end_object();
    }
}

impl Decode for String {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.str().map(Cow::into_owned)
    }
}

impl Encode for String {
    fn encode(&self, writer: &mut Writer) {
        writer.str_inline(self);
    }
}

impl Encode for str {
    fn encode(&self, writer: &mut Writer) {
        writer.str_inline(self);
    }
}

impl Decode for bool {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.bool()
    }
}

impl Encode for bool {
    fn encode(&self, writer: &mut Writer) {
        writer.bool(*self);
    }
}

impl Decode for f64 {
    /// `number`: any JSON number, integers included.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match reader.number()?.0 {
            Num::Unsigned(u) => u as f64,
            Num::Signed(i) => i as f64,
            Num::Float(f) => f,
        })
    }
}

impl Encode for f64 {
    fn encode(&self, writer: &mut Writer) {
        writer.f64(*self);
    }
}

/// An integer; `Err` holds the number's text when it is not one.
fn integer(reader: &mut Reader<'_>) -> Result<(Num, usize), DecodeError> {
    let (n, text) = reader.number_as("an integer")?;
    let offset = reader.offset() - text.len();
    match n {
        Num::Float(_) => {
            Err(DecodeError::new(format!("expected an integer, found number `{text}`")).at(offset))
        }
        n => Ok((n, offset)),
    }
}

#[cold]
fn out_of_range(n: Num, ty: &str, offset: usize) -> DecodeError {
    let text = match n {
        Num::Unsigned(u) => u.to_string(),
        Num::Signed(i) => i.to_string(),
        Num::Float(f) => f.to_string(),
    };
    DecodeError::new(format!("integer {text} out of range for {ty}")).at(offset)
}

macro_rules! integers {
    ($($t:ty => $write:ident),*) => {$(
        impl Decode for $t {
            fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
                let (n, offset) = integer(reader)?;
                let value = match n {
                    Num::Unsigned(u) => <$t>::try_from(u).ok(),
                    Num::Signed(i) => <$t>::try_from(i).ok(),
                    Num::Float(_) => None,
                };
                value.ok_or_else(|| out_of_range(n, stringify!($t), offset))
            }
        }
        impl Encode for $t {
            fn encode(&self, writer: &mut Writer) {
                writer.$write((*self).into());
            }
        }
    )*};
}

integers!(i8 => i64, i16 => i64, i32 => i64, i64 => i64, u8 => u64, u16 => u64, u32 => u64);

impl Decode for u64 {
    /// `uint64` and `size`: like QEMU's input visitor, a negative `int64` is accepted and reinterpreted as two's
    /// complement (QEMU keeps this for backward compatibility).
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match integer(reader)?.0 {
            Num::Unsigned(u) => Ok(u),
            Num::Signed(i) => Ok(i as u64),
            Num::Float(_) => unreachable!("integer() gives integers"),
        }
    }
}

impl Encode for u64 {
    fn encode(&self, writer: &mut Writer) {
        writer.u64(*self);
    }
}

impl Decode for Value {
    /// `any`.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.value()
    }
}

impl Encode for Value {
    fn encode(&self, writer: &mut Writer) {
        writer.value(self);
    }
}

impl Decode for Object {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.object(|o| o.rest())
    }
}

impl Encode for Object {
    fn encode(&self, writer: &mut Writer) {
        writer.begin_object();
        writer.members(self);
        writer.end_object();
    }
}

impl Decode for () {
    /// `null`.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.null()
    }
}

impl Encode for () {
    fn encode(&self, writer: &mut Writer) {
        writer.null();
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.array()
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, writer: &mut Writer) {
        self.as_slice().encode(writer);
    }
}

impl<T: Encode> Encode for [T] {
    fn encode(&self, writer: &mut Writer) {
        writer.begin_array();
        for item in self {
            writer.element();
            item.encode(writer);
        }
        writer.end_array();
    }
}

/// What a command without `returns` gives back (QEMU replies `{}`), and the arguments of a command without
/// `data`. Any object decodes to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Empty;

impl ObjectType for Empty {
    fn decode_members(_: &mut Members<'_, '_>) -> Result<Self, DecodeError> {
        Ok(Empty)
    }
    fn encode_members(&self, _: &mut Writer) {}
}

crate::impl_serde!(Empty);

/// Decodes a `T` from JSON text: the whole text must be one value.
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut reader = Reader::new(bytes);
    let value = T::decode(&mut reader)?;
    reader.end()?;
    Ok(value)
}

/// [`from_slice`] for text.
pub fn from_str<T: Decode>(text: &str) -> Result<T, DecodeError> {
    from_slice(text.as_bytes())
}

/// Encodes `value` as compact JSON text.
pub fn to_vec<T: Encode + ?Sized>(value: &T) -> Vec<u8> {
    let mut writer = Writer::from_vec(Vec::with_capacity(128));
    value.encode(&mut writer);
    writer.into_vec()
}

/// [`to_vec`] as a `String`.
pub fn to_string<T: Encode + ?Sized>(value: &T) -> String {
    // The writer writes only UTF-8: strings as given, everything else ASCII.
    String::from_utf8(to_vec(value))
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Decodes a `T` from a JSON value (for serde users holding a `Value`).
pub fn from_value<T: Decode>(value: &Value) -> Result<T, DecodeError> {
    from_slice(&serde_json::to_vec(value).unwrap_or_default())
}

/// Encodes `value` as a JSON value.
pub fn to_value<T: Encode + ?Sized>(value: &T) -> Value {
    // What the writer writes is JSON, which serde_json reads back.
    serde_json::from_slice(&to_vec(value)).unwrap_or(Value::Null)
}

/// Decodes an event's `data` (`null` for an event without data is taken as `{}`) for `EventSet::from_parts`.
pub fn event_data<T: Decode>(data: &[u8]) -> Result<T, DecodeError> {
    let mut reader = Reader::new(data);
    let data = if reader.peek().ok() == Some(Token::Null) {
        &b"{}"[..]
    } else {
        data
    };
    from_slice(data).map_err(|e| e.in_member("data"))
}

/// serde's `Serialize` through [`Encode`]: what [`impl_serde!`](crate::impl_serde) expands to. The value is
/// encoded as JSON text, which serde_json's serializers take as it is (as a raw value) and any other serializer
/// is fed value by value from the text (no `Value` tree in between).
pub fn serialize<T: Encode + ?Sized, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serialize_text(&to_string(value), serializer)
}

/// JSON text (one value) through serde: as a raw value for serde_json's serializers, else
/// [`transcode`](crate::read::transcode)d.
pub fn serialize_text<S: serde::Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    if takes_raw_json::<S>() {
        use serde::ser::SerializeStruct;
        let mut raw = serializer.serialize_struct(RAW_VALUE_TOKEN, 1)?;
        raw.serialize_field(RAW_VALUE_TOKEN, text)?;
        return raw.end();
    }
    crate::read::transcode(text.as_bytes(), serializer)
}

/// Whether `S` is one of serde_json's serializers, which write a raw value's text as it is (serde gives no other
/// way to ask; any other serializer is fed the value piece by piece).
fn takes_raw_json<S>() -> bool {
    let name = std::any::type_name::<S>();
    let name = name.strip_prefix("&mut ").unwrap_or(name);
    name.starts_with("serde_json::ser::Serializer<") || name == "serde_json::value::ser::Serializer"
}

/// serde's `Deserialize` through [`Decode`]: what [`impl_serde!`](crate::impl_serde) expands to. With
/// serde_json's deserializers the codec reads the value's text itself (serde_json hands it over as a raw value);
/// any other format goes through a `Value`.
pub fn deserialize<'de, T: Decode, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, Raw(std::marker::PhantomData))
}

/// The name under which serde_json hands a value over as its text (its `RawValue`).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

struct Raw<T>(std::marker::PhantomData<T>);

impl<'de, T: Decode> serde::de::Visitor<'de> for Raw<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    /// serde_json: a map of one member, the token, whose value is the text.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        use serde::de::Error;
        let Some(key) = map.next_key::<String>()? else {
            return from_value(&Value::Object(Map::new())).map_err(A::Error::custom);
        };
        if key == RAW_VALUE_TOKEN {
            let text = map.next_value::<Text<'de>>()?;
            return from_str(&text.0).map_err(A::Error::custom);
        }
        // Another format that gave the map itself.
        let mut object = Map::new();
        object.insert(key, map.next_value()?);
        while let Some((k, v)) = map.next_entry()? {
            object.insert(k, v);
        }
        from_value(&Value::Object(object)).map_err(A::Error::custom)
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        let value = <Value as serde::Deserialize>::deserialize(d)?;
        from_value(&value).map_err(serde::de::Error::custom)
    }
}

/// A string, borrowed from the input when the deserializer can.
struct Text<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("JSON text")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
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
mod tests;
