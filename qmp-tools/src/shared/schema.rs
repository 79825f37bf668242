//! The live server's schema, as `query-qmp-schema` reports it (QEMU's SchemaInfo entries).
//!
//! Type names other than builtins are masked (`"58"`, `"[448]"`), so everything here is looked up by the names the
//! server used; nothing assumes a particular QEMU version. Entries of a meta-type this code does not know are kept
//! out of the way rather than refused, so a newer server still works.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

/// The JSON type a builtin stands for (`json-type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    String,
    Int,
    Number,
    Boolean,
    Null,
    Object,
    Array,
    /// `any`: every JSON value.
    Value,
}

impl JsonType {
    fn parse(text: &str) -> Option<JsonType> {
        Some(match text {
            "string" => JsonType::String,
            "int" => JsonType::Int,
            "number" => JsonType::Number,
            "boolean" => JsonType::Boolean,
            "null" => JsonType::Null,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "value" => JsonType::Value,
            _ => return None,
        })
    }
}

/// One member of a struct or union (its name, type and whether it may be left out).
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub type_name: String,
    pub optional: bool,
    pub features: Vec<String>,
}

/// One branch of a union: the tag value and the type whose members the branch adds.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub case: String,
    pub type_name: String,
}

/// A type of the schema, by meta-type.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Builtin(JsonType),
    Enum {
        values: Vec<String>,
    },
    Array {
        element: String,
    },
    /// A struct, or a union when `tag` is set.
    Object {
        members: Vec<Member>,
        tag: Option<String>,
        branches: Vec<Branch>,
    },
    /// The branch types of an alternate.
    Alternate {
        branches: Vec<String>,
    },
}

/// A command: the type of its arguments and what it returns.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandInfo {
    pub name: String,
    pub arg_type: String,
    pub ret_type: String,
    pub allow_oob: bool,
    pub features: Vec<String>,
}

/// The introspected schema of one server.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    types: HashMap<String, Type>,
    commands: BTreeMap<String, CommandInfo>,
    events: BTreeMap<String, String>,
}

fn text(entry: &Value, key: &str) -> Option<String> {
    entry.get(key)?.as_str().map(str::to_owned)
}

fn features(entry: &Value) -> Vec<String> {
    entry
        .get("features")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn list<'a>(entry: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    entry
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

impl Schema {
    /// Reads the reply of `query-qmp-schema`. Entries that are malformed or of unknown meta-type are skipped;
    /// only a reply that is not a list at all is refused.
    pub fn from_introspection(reply: &Value) -> Result<Schema, String> {
        let entries = reply
            .as_array()
            .ok_or("the reply to query-qmp-schema is not a list")?;
        let mut schema = Schema::default();
        for entry in entries {
            schema.add_entry(entry);
        }
        Ok(schema)
    }

    fn add_entry(&mut self, entry: &Value) {
        let (Some(name), Some(meta)) = (text(entry, "name"), text(entry, "meta-type")) else {
            return;
        };
        let ty = match meta.as_str() {
            "builtin" => match text(entry, "json-type")
                .as_deref()
                .and_then(JsonType::parse)
            {
                Some(json) => Type::Builtin(json),
                None => return,
            },
            "enum" => Type::Enum {
                values: enum_values(entry),
            },
            "array" => match text(entry, "element-type") {
                Some(element) => Type::Array { element },
                None => return,
            },
            "object" => Type::Object {
                members: list(entry, "members").filter_map(member).collect(),
                tag: text(entry, "tag"),
                branches: list(entry, "variants")
                    .filter_map(|v| {
                        Some(Branch {
                            case: text(v, "case")?,
                            type_name: text(v, "type")?,
                        })
                    })
                    .collect(),
            },
            "alternate" => Type::Alternate {
                branches: list(entry, "members")
                    .filter_map(|m| text(m, "type"))
                    .collect(),
            },
            "command" => {
                let info = CommandInfo {
                    name: name.clone(),
                    arg_type: text(entry, "arg-type").unwrap_or_default(),
                    ret_type: text(entry, "ret-type").unwrap_or_default(),
                    allow_oob: entry.get("allow-oob").and_then(Value::as_bool) == Some(true),
                    features: features(entry),
                };
                self.commands.insert(name, info);
                return;
            }
            "event" => {
                self.events
                    .insert(name, text(entry, "arg-type").unwrap_or_default());
                return;
            }
            _ => return,
        };
        self.types.insert(name, ty);
    }

    pub fn command(&self, name: &str) -> Option<&CommandInfo> {
        self.commands.get(name)
    }

    /// Command names, sorted.
    pub fn command_names(&self) -> impl Iterator<Item = &str> {
        self.commands.keys().map(String::as_str)
    }

    /// Event names, sorted.
    pub fn event_names(&self) -> impl Iterator<Item = &str> {
        self.events.keys().map(String::as_str)
    }

    pub fn lookup(&self, type_name: &str) -> Option<&Type> {
        self.types.get(type_name)
    }

    /// The members an object of this type may have when its value is `value` (a union's branch is chosen by
    /// the tag's value there): the common members, then the branch's.
    pub fn members_for<'a>(&'a self, type_name: &str, value: Option<&Value>) -> Vec<&'a Member> {
        let mut out = Vec::new();
        self.collect_members(type_name, value, &mut out, 0);
        out
    }

    fn collect_members<'a>(
        &'a self,
        type_name: &str,
        value: Option<&Value>,
        out: &mut Vec<&'a Member>,
        depth: usize,
    ) {
        // Branch types are objects too and may be unions themselves; a malformed schema must not loop.
        if depth > 16 {
            return;
        }
        let Some(Type::Object {
            members,
            tag,
            branches,
        }) = self.lookup(type_name)
        else {
            return;
        };
        out.extend(members.iter());
        let Some(tag) = tag else { return };
        let chosen = value.and_then(|v| v.get(tag)).and_then(Value::as_str);
        if let Some(branch) = chosen.and_then(|c| branches.iter().find(|b| b.case == c)) {
            self.collect_members(&branch.type_name, value, out, depth + 1);
        }
    }

    /// The branch type of a union chosen by `case`.
    pub fn branch_type(&self, union: &str, case: &str) -> Option<&str> {
        match self.lookup(union)? {
            Type::Object { branches, .. } => branches
                .iter()
                .find(|b| b.case == case)
                .map(|b| b.type_name.as_str()),
            _ => None,
        }
    }

    /// A short human name for a type: builtins by name, `array of X`, `enum (a, b, …)`, `object`...
    pub fn describe(&self, type_name: &str) -> String {
        self.describe_at(type_name, 0)
    }

    fn describe_at(&self, type_name: &str, depth: usize) -> String {
        match self.lookup(type_name) {
            _ if depth > 8 => "value".to_owned(),
            Some(Type::Builtin(_)) => type_name.to_owned(),
            Some(Type::Enum { values }) => {
                let shown: Vec<&str> = values.iter().take(6).map(String::as_str).collect();
                let more = if values.len() > shown.len() {
                    ", …"
                } else {
                    ""
                };
                format!("enum ({}{more})", shown.join(", "))
            }
            Some(Type::Array { element }) => {
                format!("array of {}", self.describe_at(element, depth + 1))
            }
            Some(Type::Object { tag: Some(t), .. }) => format!("object (union on '{t}')"),
            Some(Type::Object { .. }) => "object".to_owned(),
            Some(Type::Alternate { branches }) => {
                let kinds: Vec<String> = branches
                    .iter()
                    .map(|b| self.describe_at(b, depth + 1))
                    .collect();
                kinds.join(" or ")
            }
            None => format!("type {type_name}"),
        }
    }

    /// The transaction action union: the element type of `transaction`'s `actions` member.
    pub fn transaction_action_type(&self) -> Option<&str> {
        let cmd = self.command("transaction")?;
        let actions = self
            .members_for(&cmd.arg_type, None)
            .into_iter()
            .find(|m| m.name == "actions")?;
        match self.lookup(&actions.type_name)? {
            Type::Array { element } => Some(element),
            _ => None,
        }
    }

    /// The action names a transaction accepts.
    pub fn transaction_actions(&self) -> Vec<&str> {
        let Some(union) = self.transaction_action_type() else {
            return Vec::new();
        };
        match self.lookup(union) {
            Some(Type::Object { branches, .. }) => {
                branches.iter().map(|b| b.case.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The type of one action's `data`: the action's branch type has a single member `data`.
    pub fn transaction_data_type(&self, action: &str) -> Option<&str> {
        let branch = self.branch_type(self.transaction_action_type()?, action)?;
        self.members_for(branch, None)
            .into_iter()
            .find(|m| m.name == "data")
            .map(|m| m.type_name.as_str())
    }
}

fn enum_values(entry: &Value) -> Vec<String> {
    // Newer servers list `members` (with features); all of them still send the plain `values`.
    let from_members: Vec<String> = list(entry, "members")
        .filter_map(|m| text(m, "name"))
        .collect();
    if !from_members.is_empty() {
        return from_members;
    }
    list(entry, "values")
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn member(entry: &Value) -> Option<Member> {
    Some(Member {
        name: text(entry, "name")?,
        type_name: text(entry, "type")?,
        // Introspection marks an optional member by a `default` key (always null so far).
        optional: entry.get("default").is_some(),
        features: features(entry),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// A small schema in the form QEMU's introspection gives, masked names and all.
    pub(crate) fn sample() -> Schema {
        let reply = json!([
            {"name": "str", "meta-type": "builtin", "json-type": "string"},
            {"name": "int", "meta-type": "builtin", "json-type": "int"},
            {"name": "bool", "meta-type": "builtin", "json-type": "boolean"},
            {"name": "number", "meta-type": "builtin", "json-type": "number"},
            {"name": "any", "meta-type": "builtin", "json-type": "value"},
            {"name": "null", "meta-type": "builtin", "json-type": "null"},
            {"name": "0", "meta-type": "object", "members": []},
            {"name": "query-status", "meta-type": "command", "arg-type": "0", "ret-type": "1"},
            {"name": "stop", "meta-type": "command", "arg-type": "0", "ret-type": "0"},
            {"name": "1", "meta-type": "object", "members": [
                {"name": "running", "type": "bool"}, {"name": "status", "type": "2"}]},
            {"name": "2", "meta-type": "enum", "values": ["running", "paused"],
             "members": [{"name": "running"}, {"name": "paused"}]},
            {"name": "blockdev-add", "meta-type": "command", "arg-type": "10", "ret-type": "0"},
            {"name": "10", "meta-type": "object", "tag": "driver",
             "members": [
                {"name": "driver", "type": "11"},
                {"name": "node-name", "type": "str", "default": null},
                {"name": "read-only", "type": "bool", "default": null},
                {"name": "cache", "type": "12", "default": null},
                {"name": "discard", "type": "13", "default": null}],
             "variants": [{"case": "file", "type": "14"}, {"case": "null-co", "type": "15"}]},
            {"name": "11", "meta-type": "enum", "values": ["file", "null-co", "qcow2"]},
            {"name": "12", "meta-type": "object", "members": [
                {"name": "direct", "type": "bool", "default": null},
                {"name": "no-flush", "type": "bool", "default": null}]},
            {"name": "13", "meta-type": "enum", "values": ["ignore", "unmap"]},
            {"name": "14", "meta-type": "object", "members": [
                {"name": "filename", "type": "str"},
                {"name": "aio", "type": "16", "default": null},
                {"name": "x-old", "type": "int", "default": null, "features": ["deprecated"]}]},
            {"name": "15", "meta-type": "object", "members": [
                {"name": "size", "type": "int", "default": null},
                {"name": "latency-ns", "type": "int", "default": null}]},
            {"name": "16", "meta-type": "enum", "values": ["threads", "native"]},
            {"name": "qom-set", "meta-type": "command", "arg-type": "20", "ret-type": "0"},
            {"name": "20", "meta-type": "object", "members": [
                {"name": "path", "type": "str"}, {"name": "property", "type": "str"},
                {"name": "value", "type": "any"}]},
            {"name": "set-things", "meta-type": "command", "arg-type": "30", "ret-type": "0",
             "features": ["unstable"]},
            {"name": "30", "meta-type": "object", "members": [
                {"name": "ids", "type": "[int]"},
                {"name": "ratio", "type": "number", "default": null},
                {"name": "ref", "type": "31", "default": null}]},
            {"name": "[int]", "meta-type": "array", "element-type": "int"},
            {"name": "31", "meta-type": "alternate", "members": [{"type": "12"}, {"type": "str"}, {"type": "null"}]},
            {"name": "transaction", "meta-type": "command", "arg-type": "40", "ret-type": "0"},
            {"name": "40", "meta-type": "object", "members": [{"name": "actions", "type": "[41]"}]},
            {"name": "[41]", "meta-type": "array", "element-type": "41"},
            {"name": "41", "meta-type": "object", "tag": "type",
             "members": [{"name": "type", "type": "42"}],
             "variants": [{"case": "abort", "type": "43"}, {"case": "block-dirty-bitmap-add", "type": "44"}]},
            {"name": "42", "meta-type": "enum", "values": ["abort", "block-dirty-bitmap-add"]},
            {"name": "43", "meta-type": "object", "members": [{"name": "data", "type": "0"}]},
            {"name": "44", "meta-type": "object", "members": [{"name": "data", "type": "45"}]},
            {"name": "45", "meta-type": "object", "members": [
                {"name": "node", "type": "str"}, {"name": "name", "type": "str"},
                {"name": "granularity", "type": "int", "default": null}]},
            {"name": "STOP", "meta-type": "event", "arg-type": "0"},
            {"name": "x-future", "meta-type": "something-new"}
        ]);
        Schema::from_introspection(&reply).expect("sample schema")
    }

    #[test]
    fn reads_commands_types_and_events() {
        let s = sample();
        let names: Vec<&str> = s.command_names().collect();
        assert!(names.contains(&"blockdev-add") && names.contains(&"query-status"));
        assert_eq!(s.event_names().collect::<Vec<_>>(), ["STOP"]);
        assert_eq!(s.command("set-things").unwrap().features, ["unstable"]);
        assert_eq!(
            s.lookup("[int]"),
            Some(&Type::Array {
                element: "int".into()
            })
        );
        assert_eq!(s.lookup("x-future"), None);
    }

    #[test]
    fn union_members_follow_the_tag() {
        let s = sample();
        let names = |v: Option<&Value>| -> Vec<String> {
            s.members_for("10", v)
                .iter()
                .map(|m| m.name.clone())
                .collect()
        };
        assert_eq!(names(None).len(), 5);
        let file = json!({"driver": "file"});
        assert!(names(Some(&file)).contains(&"filename".to_owned()));
        let null = json!({"driver": "null-co"});
        assert!(names(Some(&null)).contains(&"latency-ns".to_owned()));
        let optional = s.members_for("10", None)[1].optional;
        assert!(optional);
        assert!(!s.members_for("10", None)[0].optional);
    }

    #[test]
    fn transaction_actions_and_their_data() {
        let s = sample();
        assert_eq!(s.transaction_actions(), ["abort", "block-dirty-bitmap-add"]);
        assert_eq!(
            s.transaction_data_type("block-dirty-bitmap-add"),
            Some("45")
        );
        assert_eq!(s.transaction_data_type("nope"), None);
    }

    #[test]
    fn describes_types() {
        let s = sample();
        assert_eq!(s.describe("[int]"), "array of int");
        assert_eq!(s.describe("13"), "enum (ignore, unmap)");
        assert_eq!(s.describe("31"), "object or str or null");
        assert_eq!(s.describe("10"), "object (union on 'driver')");
    }

    #[test]
    fn refuses_only_a_non_list() {
        assert!(Schema::from_introspection(&json!({"a": 1})).is_err());
        let s =
            Schema::from_introspection(&json!([1, {"name": 3}, {"meta-type": "enum"}])).unwrap();
        assert_eq!(s.command_names().count(), 0);
    }
}
