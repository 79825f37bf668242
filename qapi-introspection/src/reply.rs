//! A `query-qmp-schema` reply, read into plain data: what a running QEMU says its schema is.
//!
//! The reply is a list of `SchemaInfo` objects (QEMU's `qapi/introspect.json`). Names of commands and events
//! are real; names of enum, object and alternate types are masked as numbers, arrays are `[ELEMENT]`, and the
//! built-ins are `str`, `int` (every integer type), `number`, `bool`, `null` and `any`. Conditions never appear:
//! a QEMU lists what it was built with. Unknown keys are ignored, so replies of later QEMUs still read.

use std::fmt;

use qapi_schema::schema::JsonType;
use serde_json::{Map, Value};

/// A whole reply, entries in the order QEMU sent them (commands and events in schema order, then types in order
/// of first use).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Introspection {
    /// The entries, in the reply's order.
    pub entries: Vec<SchemaInfo>,
}

/// One entry of the reply: a command, event or type.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaInfo {
    /// The name: real for commands, events and built-ins, masked (a number) for other types, `[ELEMENT]` for arrays.
    pub name: String,
    /// The entry's features.
    pub features: Vec<String>,
    /// The `meta-type` and its keys.
    pub meta: Meta,
}

/// An entry's `meta-type` and what introspection says about it.
#[derive(Clone, Debug, PartialEq)]
pub enum Meta {
    /// `json-type`: `string`, `number`, `int`, `boolean`, `null`, `object`, `array` or `value`.
    Builtin {
        /// `json-type`.
        json_type: JsonType,
    },
    /// `enum`.
    Enum {
        /// The values, in schema order.
        values: Vec<EnumMember>,
    },
    /// `array`.
    Array {
        /// `element-type`.
        element: String,
    },
    /// `object`: a struct or a union.
    Object {
        /// The members, base members first.
        members: Vec<ObjectMember>,
        /// The discriminator of a union.
        tag: Option<String>,
        /// `(case, type)` for every tag value, empty branches included.
        variants: Vec<(String, String)>,
    },
    /// The branch types.
    Alternate {
        /// `members`: each branch's type.
        members: Vec<String>,
    },
    /// `command`.
    Command {
        /// `arg-type`: an object.
        arg_type: String,
        /// `ret-type`.
        ret_type: String,
        /// `allow-oob`.
        allow_oob: bool,
    },
    /// `event`.
    Event {
        /// `arg-type`: an object.
        arg_type: String,
    },
}

/// One value of an enum entry.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumMember {
    /// The value.
    pub name: String,
    /// The value's features.
    pub features: Vec<String>,
}

/// One member of an object entry.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectMember {
    /// The member's name.
    pub name: String,
    /// The member's `type` (a masked name, an array or a built-in).
    pub ty: String,
    /// Introspection says `"default": null` for an optional member.
    pub optional: bool,
    /// The member's features.
    pub features: Vec<String>,
}

/// A reply that is not a list of `SchemaInfo`: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrospectionError {
    /// The index of the entry at fault, if one is.
    pub entry: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for IntrospectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.entry {
            Some(i) => write!(f, "query-qmp-schema entry {i}: {}", self.message),
            None => write!(f, "query-qmp-schema reply: {}", self.message),
        }
    }
}

impl std::error::Error for IntrospectionError {}

/// The list of entries in a reply as saved: the list itself, or a QMP response `{"return": [...]}`.
pub fn reply_entries(value: &Value) -> Option<&Vec<Value>> {
    match value {
        Value::Array(list) => Some(list),
        Value::Object(map) => map.get("return").and_then(Value::as_array),
        _ => None,
    }
}

impl Introspection {
    /// Reads a reply: the list of entries, or a whole QMP response `{"return": [...]}`.
    pub fn from_value(value: &Value) -> Result<Introspection, IntrospectionError> {
        let list = reply_entries(value).ok_or_else(not_a_list)?;
        let entries = list
            .iter()
            .enumerate()
            .map(|(i, v)| {
                schema_info(v).map_err(|message| IntrospectionError {
                    entry: Some(i),
                    message,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Introspection { entries })
    }

    /// Reads what can be read of a reply, for tools that should keep working with a QEMU that says something
    /// unexpected: entries that do not read are left out and returned as errors beside the rest. Only a reply
    /// that is not a list at all is an error.
    pub fn from_value_lenient(
        value: &Value,
    ) -> Result<(Introspection, Vec<IntrospectionError>), IntrospectionError> {
        let list = reply_entries(value).ok_or_else(not_a_list)?;
        let mut entries = Vec::with_capacity(list.len());
        let mut skipped = Vec::new();
        for (i, v) in list.iter().enumerate() {
            match schema_info(v) {
                Ok(info) => entries.push(info),
                Err(message) => skipped.push(IntrospectionError {
                    entry: Some(i),
                    message,
                }),
            }
        }
        Ok((Introspection { entries }, skipped))
    }

    /// Reads a reply from JSON text.
    pub fn from_json(text: &str) -> Result<Introspection, IntrospectionError> {
        let value: Value = serde_json::from_str(text).map_err(|e| IntrospectionError {
            entry: None,
            message: format!("not JSON: {e}"),
        })?;
        Introspection::from_value(&value)
    }

    /// The `command` entries, in the reply's order.
    pub fn commands(&self) -> impl Iterator<Item = &SchemaInfo> {
        self.entries
            .iter()
            .filter(|e| matches!(e.meta, Meta::Command { .. }))
    }

    /// The `event` entries, in the reply's order.
    pub fn events(&self) -> impl Iterator<Item = &SchemaInfo> {
        self.entries
            .iter()
            .filter(|e| matches!(e.meta, Meta::Event { .. }))
    }
}

fn not_a_list() -> IntrospectionError {
    IntrospectionError {
        entry: None,
        message: "expected a list of SchemaInfo, or {\"return\": [...]}".into(),
    }
}

fn schema_info(value: &Value) -> Result<SchemaInfo, String> {
    let map = value.as_object().ok_or("expected an object")?;
    let name = string(map, "name")?;
    let meta_type = string(map, "meta-type")?;
    let meta = match meta_type.as_str() {
        "builtin" => {
            let json_type = string(map, "json-type")?;
            Meta::Builtin {
                json_type: JsonType::from_name(&json_type)
                    .ok_or_else(|| format!("'{name}' has unknown json-type '{json_type}'"))?,
            }
        }
        "enum" => Meta::Enum {
            values: enum_members(map)?,
        },
        "array" => Meta::Array {
            element: string(map, "element-type")?,
        },
        "object" => object(map)?,
        "alternate" => Meta::Alternate {
            members: list(map, "members")?
                .iter()
                .map(|m| m.as_object().ok_or("an alternate member is not an object"))
                .map(|m| {
                    m.and_then(|m| string(m, "type").map_err(|_| "an alternate member has no type"))
                })
                .collect::<Result<_, _>>()?,
        },
        "command" => Meta::Command {
            arg_type: string(map, "arg-type")?,
            ret_type: string(map, "ret-type")?,
            allow_oob: map
                .get("allow-oob")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        "event" => Meta::Event {
            arg_type: string(map, "arg-type")?,
        },
        other => return Err(format!("'{name}' has unknown meta-type '{other}'")),
    };
    Ok(SchemaInfo {
        name,
        features: features(map)?,
        meta,
    })
}

fn object(map: &Map<String, Value>) -> Result<Meta, String> {
    let members = list(map, "members")?
        .iter()
        .map(|m| {
            let m = m.as_object().ok_or("a member is not an object")?;
            Ok(ObjectMember {
                name: string(m, "name")?,
                ty: string(m, "type")?,
                optional: m.contains_key("default"),
                features: features(m)?,
            })
        })
        .collect::<Result<_, String>>()?;
    let tag = match map.get("tag") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("'tag' is not a string".into()),
        None => None,
    };
    let variants = match map.get("variants") {
        Some(_) => list(map, "variants")?
            .iter()
            .map(|v| {
                let v = v.as_object().ok_or("a variant is not an object")?;
                Ok((string(v, "case")?, string(v, "type")?))
            })
            .collect::<Result<_, String>>()?,
        None => Vec::new(),
    };
    Ok(Meta::Object {
        members,
        tag,
        variants,
    })
}

/// Enum values: `members` since QEMU 6.0, the older `values` list before.
fn enum_members(map: &Map<String, Value>) -> Result<Vec<EnumMember>, String> {
    if map.contains_key("members") {
        return list(map, "members")?
            .iter()
            .map(|m| {
                let m = m.as_object().ok_or("an enum member is not an object")?;
                Ok(EnumMember {
                    name: string(m, "name")?,
                    features: features(m)?,
                })
            })
            .collect();
    }
    list(map, "values")?
        .iter()
        .map(|v| match v {
            Value::String(s) => Ok(EnumMember {
                name: s.clone(),
                features: Vec::new(),
            }),
            _ => Err("an enum value is not a string".to_string()),
        })
        .collect()
}

fn string(map: &Map<String, Value>, key: &str) -> Result<String, String> {
    match map.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("'{key}' is not a string")),
        None => Err(format!("'{key}' is missing")),
    }
}

fn list<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a Vec<Value>, String> {
    match map.get(key) {
        Some(Value::Array(l)) => Ok(l),
        Some(_) => Err(format!("'{key}' is not a list")),
        None => Err(format!("'{key}' is missing")),
    }
}

fn features(map: &Map<String, Value>) -> Result<Vec<String>, String> {
    match map.get("features") {
        None => Ok(Vec::new()),
        Some(Value::Array(l)) => l
            .iter()
            .map(|f| {
                f.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| "a feature is not a string".to_string())
            })
            .collect(),
        Some(_) => Err("'features' is not a list".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_meta_type() {
        let text = r#"{"return": [
          {"name": "query-x", "meta-type": "command", "arg-type": "0", "ret-type": "[1]", "allow-oob": true,
           "features": ["unstable"]},
          {"name": "EV", "meta-type": "event", "arg-type": "0"},
          {"name": "0", "meta-type": "object", "members": [{"name": "a", "type": "int", "default": null,
           "features": ["deprecated"]}], "tag": "a", "variants": [{"case": "x", "type": "0"}]},
          {"name": "[1]", "meta-type": "array", "element-type": "1"},
          {"name": "1", "meta-type": "enum", "members": [{"name": "v"}], "values": ["v"]},
          {"name": "2", "meta-type": "enum", "values": ["old"]},
          {"name": "3", "meta-type": "alternate", "members": [{"type": "str"}, {"type": "0"}]},
          {"name": "int", "meta-type": "builtin", "json-type": "int"}
        ]}"#;
        let reply = Introspection::from_json(text).unwrap();
        assert_eq!(reply.entries.len(), 8);
        assert_eq!(
            reply.entries[0].meta,
            Meta::Command {
                arg_type: "0".into(),
                ret_type: "[1]".into(),
                allow_oob: true
            }
        );
        assert_eq!(reply.entries[0].features, ["unstable"]);
        let Meta::Object {
            members,
            tag,
            variants,
        } = &reply.entries[2].meta
        else {
            panic!("not an object")
        };
        assert!(members[0].optional);
        assert_eq!(members[0].features, ["deprecated"]);
        assert_eq!(tag.as_deref(), Some("a"));
        assert_eq!(variants, &[("x".to_string(), "0".to_string())]);
        assert_eq!(
            reply.entries[5].meta,
            Meta::Enum {
                values: vec![EnumMember {
                    name: "old".into(),
                    features: vec![]
                }]
            }
        );
    }

    #[test]
    fn bad_replies_say_where() {
        let err =
            Introspection::from_json(r#"[{"name": "x", "meta-type": "command"}]"#).unwrap_err();
        assert_eq!(err.entry, Some(0));
        assert!(err.to_string().contains("'arg-type' is missing"), "{err}");
        let err = Introspection::from_json(r#"{"error": {}}"#).unwrap_err();
        assert_eq!(err.entry, None);
        let err =
            Introspection::from_json(r#"[{"name": "x", "meta-type": "gadget"}]"#).unwrap_err();
        assert!(err.message.contains("unknown meta-type 'gadget'"));
        assert!(Introspection::from_json("not json").is_err());
    }

    #[test]
    fn lenient_reading_skips_what_it_cannot_read() {
        let value: Value = serde_json::from_str(
            r#"[{"name": "x", "meta-type": "command"},
                {"name": "EV", "meta-type": "event", "arg-type": "0"},
                {"name": "y", "meta-type": "gadget"}]"#,
        )
        .unwrap();
        let (reply, skipped) = Introspection::from_value_lenient(&value).unwrap();
        assert_eq!(reply.entries.len(), 1);
        assert_eq!(reply.entries[0].name, "EV");
        let at: Vec<_> = skipped.iter().map(|e| e.entry).collect();
        assert_eq!(at, [Some(0), Some(2)]);
        assert!(Introspection::from_value(&value).is_err());
        assert!(Introspection::from_value_lenient(&serde_json::json!({"a": 1})).is_err());
    }
}
