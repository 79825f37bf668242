//! The live server's schema as the tools use it: `qapi-introspection`'s reading of `query-qmp-schema`, with the
//! questions a shell asks of it (the members an object may have given its value, a short description of a type,
//! the actions of `transaction`).
//!
//! Type names other than built-ins are masked (`"58"`, `"[448]"`), so everything here is looked up by the names
//! the server used; nothing assumes a particular QEMU version. Entries the reader cannot take (a later QEMU's
//! meta-type, say) are left out rather than refused, so a newer server still works.

use qapi_introspection::reply::{Meta, ObjectMember};
use qapi_introspection::{Capabilities, Introspection};
use serde_json::Value;

pub use qapi_introspection::wire::JsonType;

/// A command: the type of its arguments and what it returns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CommandInfo<'a> {
    /// The command's name.
    pub name: &'a str,
    /// The (masked) name of its arguments' object type.
    pub arg_type: &'a str,
    /// The (masked) name of the type it returns.
    pub ret_type: &'a str,
    /// Whether it may run out of band (`exec-oob`).
    pub allow_oob: bool,
    /// Its features (`deprecated`, `unstable`, ...).
    pub features: &'a [String],
}

/// The introspected schema of one server, indexed by name.
#[derive(Clone, Debug)]
pub struct Schema {
    index: Capabilities,
    /// Command and event names, sorted (for completion and suggestions).
    commands: Vec<String>,
    events: Vec<String>,
}

impl Schema {
    /// Reads the reply of `query-qmp-schema` leniently: entries that do not read are left out; only a reply that
    /// is not a list at all is refused.
    pub fn from_introspection(reply: &Value) -> Result<Schema, String> {
        let (reply, _skipped) =
            Introspection::from_value_lenient(reply).map_err(|e| e.to_string())?;
        let sorted = |names: Vec<&str>| {
            let mut names: Vec<String> = names.into_iter().map(str::to_owned).collect();
            names.sort_unstable();
            names.dedup();
            names
        };
        let commands = sorted(reply.commands().map(|e| e.name.as_str()).collect());
        let events = sorted(reply.events().map(|e| e.name.as_str()).collect());
        Ok(Schema {
            index: Capabilities::new(reply, None),
            commands,
            events,
        })
    }

    /// The command called `name`.
    pub fn command(&self, name: &str) -> Option<CommandInfo<'_>> {
        let entry = self.index.entry(name)?;
        match &entry.meta {
            Meta::Command {
                arg_type,
                ret_type,
                allow_oob,
            } => Some(CommandInfo {
                name: &entry.name,
                arg_type,
                ret_type,
                allow_oob: *allow_oob,
                features: &entry.features,
            }),
            _ => None,
        }
    }

    /// Command names, sorted.
    pub fn command_names(&self) -> impl Iterator<Item = &str> {
        self.commands.iter().map(String::as_str)
    }

    /// Event names, sorted.
    pub fn event_names(&self) -> impl Iterator<Item = &str> {
        self.events.iter().map(String::as_str)
    }

    /// The type named `type_name` (commands and events are not types).
    pub fn lookup(&self, type_name: &str) -> Option<&Meta> {
        self.index
            .lookup(type_name)
            .filter(|meta| !matches!(meta, Meta::Command { .. } | Meta::Event { .. }))
    }

    /// The JSON type of a built-in type.
    pub fn builtin(&self, type_name: &str) -> Option<JsonType> {
        match self.lookup(type_name)? {
            Meta::Builtin { json_type } => Some(*json_type),
            _ => None,
        }
    }

    /// The members an object of this type may have when its value is `value` (a union's branch is chosen by
    /// the tag's value there): the common members, then the branch's.
    pub fn members_for<'a>(
        &'a self,
        type_name: &str,
        value: Option<&Value>,
    ) -> Vec<&'a ObjectMember> {
        let mut out = Vec::new();
        self.collect_members(type_name, value, &mut out, 0);
        out
    }

    fn collect_members<'a>(
        &'a self,
        type_name: &str,
        value: Option<&Value>,
        out: &mut Vec<&'a ObjectMember>,
        depth: usize,
    ) {
        // Branch types are objects too and may be unions themselves; a malformed schema must not loop.
        if depth > 16 {
            return;
        }
        let Some(Meta::Object {
            members,
            tag,
            variants,
        }) = self.lookup(type_name)
        else {
            return;
        };
        out.extend(members.iter());
        let Some(tag) = tag else { return };
        let chosen = value.and_then(|v| v.get(tag)).and_then(Value::as_str);
        if let Some((_, branch)) = chosen.and_then(|c| variants.iter().find(|(case, _)| case == c))
        {
            self.collect_members(branch, value, out, depth + 1);
        }
    }

    /// The branch type of a union chosen by `case`.
    pub fn branch_type(&self, union: &str, case: &str) -> Option<&str> {
        match self.lookup(union)? {
            Meta::Object { variants, .. } => variants
                .iter()
                .find(|(c, _)| c == case)
                .map(|(_, ty)| ty.as_str()),
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
            Some(Meta::Builtin { .. }) => type_name.to_owned(),
            Some(Meta::Enum { values }) => {
                let shown: Vec<&str> = values.iter().take(6).map(|v| v.name.as_str()).collect();
                let more = if values.len() > shown.len() {
                    ", …"
                } else {
                    ""
                };
                format!("enum ({}{more})", shown.join(", "))
            }
            Some(Meta::Array { element }) => {
                format!("array of {}", self.describe_at(element, depth + 1))
            }
            Some(Meta::Object { tag: Some(t), .. }) => format!("object (union on '{t}')"),
            Some(Meta::Object { .. }) => "object".to_owned(),
            Some(Meta::Alternate { members }) => {
                let kinds: Vec<String> = members
                    .iter()
                    .map(|b| self.describe_at(b, depth + 1))
                    .collect();
                kinds.join(" or ")
            }
            Some(Meta::Command { .. } | Meta::Event { .. }) | None => format!("type {type_name}"),
        }
    }

    /// The transaction action union: the element type of `transaction`'s `actions` member.
    pub fn transaction_action_type(&self) -> Option<&str> {
        let cmd = self.command("transaction")?;
        let actions = self
            .members_for(cmd.arg_type, None)
            .into_iter()
            .find(|m| m.name == "actions")?;
        match self.lookup(&actions.ty)? {
            Meta::Array { element } => Some(element),
            _ => None,
        }
    }

    /// The action names a transaction accepts.
    pub fn transaction_actions(&self) -> Vec<&str> {
        let Some(union) = self.transaction_action_type() else {
            return Vec::new();
        };
        match self.lookup(union) {
            Some(Meta::Object { variants, .. }) => {
                variants.iter().map(|(case, _)| case.as_str()).collect()
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
            .map(|m| m.ty.as_str())
    }
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
            Some(&Meta::Array {
                element: "int".into()
            })
        );
        assert_eq!(s.builtin("number"), Some(JsonType::Number));
        assert_eq!(s.lookup("query-status"), None, "commands are not types");
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
