//! Checking arguments against the live schema before they are sent, so a mistake gets a precise message (unknown
//! argument, missing argument, wrong JSON type, bad enum value) instead of QEMU's first complaint.

use serde_json::{Map, Value};

use crate::qmp_shell::command_line::Loose;
pub use crate::qmp_shell::suggest::did_you_mean;
use qapi_introspection::reply::{EnumMember, Meta};

use crate::shared::schema::{JsonType, Schema};

/// What checking found: problems stop the command; warnings (deprecated or unstable parts) do not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// What stops the command, one message each.
    pub problems: Vec<String>,
    /// What is deprecated or unstable in it, one message each.
    pub warnings: Vec<String>,
}

impl Report {
    /// Whether nothing stops the command.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Where in the arguments a value is: empty at the top.
#[derive(Clone, Debug, Default)]
struct Path(String);

impl Path {
    fn member(&self, name: &str) -> Path {
        if self.0.is_empty() {
            Path(name.to_owned())
        } else {
            Path(format!("{}.{name}", self.0))
        }
    }

    fn index(&self, i: usize) -> Path {
        Path(format!("{}[{i}]", self.0))
    }

    /// `'a.b': ` or nothing at the top.
    fn prefix(&self) -> String {
        if self.0.is_empty() {
            String::new()
        } else {
            format!("'{}': ", self.0)
        }
    }

    /// "argument" at the top level, "member" below.
    fn what(&self) -> &'static str {
        if self.0.is_empty() {
            "argument"
        } else {
            "member"
        }
    }
}

/// Checks `value` against the schema type `type_name`.
pub fn check(schema: &Schema, type_name: &str, value: &Value) -> Report {
    let mut report = Report::default();
    Checker {
        schema,
        report: &mut report,
    }
    .value(type_name, value, &Path::default(), 0);
    report
}

/// Checks a command's arguments, with its own deprecation noted.
pub fn check_command(schema: &Schema, command: &str, args: &Map<String, Value>) -> Report {
    let Some(info) = schema.command(command) else {
        let mut report = Report::default();
        let known: Vec<&str> = schema.command_names().collect();
        report.problems.push(format!(
            "unknown command '{command}'{}",
            did_you_mean(command, known.iter().copied())
        ));
        return report;
    };
    let mut report = check(schema, info.arg_type, &Value::Object(args.clone()));
    for feature in info.features {
        if feature == "deprecated" || feature == "unstable" {
            report
                .warnings
                .push(format!("command '{command}' is {feature}"));
        }
    }
    report
}

struct Checker<'a> {
    schema: &'a Schema,
    report: &'a mut Report,
}

impl Checker<'_> {
    fn problem(&mut self, path: &Path, message: String) {
        self.report
            .problems
            .push(format!("{}{message}", path.prefix()));
    }

    fn value(&mut self, type_name: &str, value: &Value, path: &Path, depth: usize) {
        // Introspected types may be recursive (a value nests as deep as the user wrote it); bound it anyway.
        if depth > 64 {
            return;
        }
        let Some(ty) = self.schema.lookup(type_name) else {
            return; // A type the server did not describe: nothing to check against.
        };
        match ty {
            Meta::Builtin { json_type: json } => {
                if !json_type_accepts(*json, value) {
                    let expected = json_type_name(*json);
                    self.problem(
                        path,
                        format!("expected {expected}, got {}", describe_value(value)),
                    );
                }
            }
            Meta::Enum { values } => self.enumeration(values, value, path),
            Meta::Array { element } => match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.value(element, item, &path.index(i), depth + 1);
                    }
                }
                _ => self.problem(
                    path,
                    format!("expected a list, got {}", describe_value(value)),
                ),
            },
            Meta::Object { .. } => match value {
                Value::Object(map) => self.object(type_name, map, value, path, depth),
                _ => self.problem(
                    path,
                    format!("expected an object, got {}", describe_value(value)),
                ),
            },
            Meta::Alternate { members } => {
                match members.iter().find(|b| self.accepts_kind(b, value)) {
                    Some(branch) => self.value(branch, value, path, depth + 1),
                    None => {
                        let expected = self.schema.describe(type_name);
                        self.problem(
                            path,
                            format!("expected {expected}, got {}", describe_value(value)),
                        );
                    }
                }
            }
            // `lookup` gives types only.
            Meta::Command { .. } | Meta::Event { .. } => {}
        }
    }

    fn enumeration(&mut self, values: &[EnumMember], value: &Value, path: &Path) {
        let Value::String(text) = value else {
            self.problem(
                path,
                format!(
                    "expected one of {}, got {}",
                    list_values(values),
                    describe_value(value)
                ),
            );
            return;
        };
        if !values.iter().any(|v| &v.name == text) {
            let hint = did_you_mean(text, values.iter().map(|v| v.name.as_str()));
            self.problem(
                path,
                format!("'{text}' is not one of {}{hint}", list_values(values)),
            );
        }
    }

    fn object(
        &mut self,
        type_name: &str,
        map: &Map<String, Value>,
        whole: &Value,
        path: &Path,
        depth: usize,
    ) {
        let members = self.schema.members_for(type_name, Some(whole));
        for (key, value) in map {
            match members.iter().find(|m| &m.name == key) {
                Some(member) => {
                    let here = path.member(key);
                    for f in &member.features {
                        if f == "deprecated" || f == "unstable" {
                            self.report.warnings.push(format!("'{}' is {f}", here.0));
                        }
                    }
                    self.value(&member.ty, value, &here, depth + 1);
                }
                None if members.is_empty() => {
                    let (what, key) = (path.what(), path.member(key).0);
                    self.report
                        .problems
                        .push(format!("unknown {what} '{key}' (there are none)"));
                }
                None => {
                    let hint = did_you_mean(key, members.iter().map(|m| m.name.as_str()));
                    let (what, key) = (path.what(), path.member(key).0);
                    self.report
                        .problems
                        .push(format!("unknown {what} '{key}'{hint}"));
                }
            }
        }
        for member in members.iter().filter(|m| !m.optional) {
            if !map.contains_key(&member.name) {
                let ty = self.schema.describe(&member.ty);
                let (what, name) = (path.what(), path.member(&member.name).0);
                self.report
                    .problems
                    .push(format!("missing required {what} '{name}' ({ty})"));
            }
        }
    }

    /// Whether an alternate's branch takes values of this JSON kind (QAPI alternates have one branch per kind).
    fn accepts_kind(&self, branch: &str, value: &Value) -> bool {
        match self.schema.lookup(branch) {
            Some(Meta::Builtin { json_type }) => json_type_accepts(*json_type, value),
            Some(Meta::Enum { .. }) => value.is_string(),
            Some(Meta::Array { .. }) => value.is_array(),
            Some(Meta::Object { .. }) => value.is_object(),
            Some(Meta::Alternate { .. } | Meta::Command { .. } | Meta::Event { .. }) | None => {
                false
            }
        }
    }
}

fn json_type_accepts(json: JsonType, value: &Value) -> bool {
    match json {
        JsonType::String => value.is_string(),
        JsonType::Int => value.is_i64() || value.is_u64(),
        JsonType::Number => value.is_number(),
        JsonType::Boolean => value.is_boolean(),
        JsonType::Null => value.is_null(),
        JsonType::Object => value.is_object(),
        JsonType::Array => value.is_array(),
        JsonType::Value => true,
    }
}

fn json_type_name(json: JsonType) -> &'static str {
    match json {
        JsonType::String => "a string",
        JsonType::Int => "an integer",
        JsonType::Number => "a number",
        JsonType::Boolean => "a boolean (true or false)",
        JsonType::Null => "null",
        JsonType::Object => "an object",
        JsonType::Array => "a list",
        JsonType::Value => "any value",
    }
}

/// A value as a message shows it: `the string "yes"`, `the number 3`...
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string {}", Value::String(s.clone())),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("{b}"),
        Value::Null => "null".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn list_values(values: &[EnumMember]) -> String {
    const SHOWN: usize = 12;
    let shown: Vec<&str> = values.iter().take(SHOWN).map(|v| v.name.as_str()).collect();
    if values.len() > SHOWN {
        format!(
            "{}, … ({} in all; Tab completes them)",
            shown.join(", "),
            values.len()
        )
    } else {
        shown.join(", ")
    }
}

/// The schema type of the value at `path` (member names) inside a value of type `type_name`; union branches are
/// chosen by the tags already present in `whole`.
pub fn type_at<'a>(
    schema: &'a Schema,
    type_name: &'a str,
    whole: &Value,
    path: &[String],
) -> Option<&'a str> {
    let mut ty = type_name;
    let mut value = Some(whole);
    for part in path {
        let member = schema
            .members_for(object_branch(schema, ty)?, value)
            .into_iter()
            .find(|m| &m.name == part)?;
        ty = &member.ty;
        value = value.and_then(|v| v.get(part));
    }
    Some(ty)
}

/// The object type to look into: the type itself, or an alternate's object branch.
pub fn object_branch<'a>(schema: &'a Schema, ty: &'a str) -> Option<&'a str> {
    match schema.lookup(ty)? {
        Meta::Object { .. } => Some(ty),
        Meta::Alternate { members } => members
            .iter()
            .find(|b| matches!(schema.lookup(b), Some(Meta::Object { .. })))
            .map(String::as_str),
        _ => None,
    }
}

/// Where the schema wants a string and the user typed an unquoted number or boolean (`node-name=123`), sends the
/// text as typed.
pub fn coerce_loose(
    schema: &Schema,
    type_name: &str,
    args: &mut Map<String, Value>,
    loose: &[Loose],
) {
    for leaf in loose {
        let whole = Value::Object(args.clone());
        let Some(ty) = type_at(schema, type_name, &whole, &leaf.path) else {
            continue;
        };
        if wants_string_only(schema, ty) {
            if let Some(slot) = pointer_mut(args, &leaf.path) {
                *slot = Value::String(leaf.text.clone());
            }
        }
    }
}

/// A string type, or an alternate that has a string branch but none for numbers, booleans or null.
fn wants_string_only(schema: &Schema, ty: &str) -> bool {
    let is_string = |t: &str| {
        schema.builtin(t) == Some(JsonType::String)
            || matches!(schema.lookup(t), Some(Meta::Enum { .. }))
    };
    match schema.lookup(ty) {
        Some(Meta::Alternate { members }) => {
            members.iter().any(|b| is_string(b))
                && !members.iter().any(|b| {
                    matches!(
                        schema.builtin(b),
                        Some(
                            JsonType::Int
                                | JsonType::Number
                                | JsonType::Boolean
                                | JsonType::Null
                                | JsonType::Value
                        )
                    )
                })
        }
        _ => is_string(ty),
    }
}

fn pointer_mut<'a>(args: &'a mut Map<String, Value>, path: &[String]) -> Option<&'a mut Value> {
    let (first, rest) = path.split_first()?;
    let mut here = args.get_mut(first)?;
    for part in rest {
        here = here.get_mut(part)?;
    }
    Some(here)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qmp_shell::command_line::parse_arguments;
    use crate::shared::schema::tests::sample;
    use serde_json::json;

    fn problems(command: &str, args: Value) -> Vec<String> {
        let Value::Object(map) = args else { panic!() };
        check_command(&sample(), command, &map).problems
    }

    #[test]
    fn good_arguments_pass() {
        assert!(problems("query-status", json!({})).is_empty());
        assert!(problems(
            "blockdev-add",
            json!({"driver": "file", "filename": "/x", "cache": {"direct": true}})
        )
        .is_empty());
        assert!(problems(
            "qom-set",
            json!({"path": "/m", "property": "p", "value": [1, {"a": null}]})
        )
        .is_empty());
        assert!(problems(
            "set-things",
            json!({"ids": [1, 2], "ratio": 3, "ref": null})
        )
        .is_empty());
        assert!(problems("set-things", json!({"ids": [], "ref": {"direct": false}})).is_empty());
    }

    #[test]
    fn unknown_and_missing_arguments() {
        assert_eq!(
            problems("query-status", json!({"verbose": true})),
            ["unknown argument 'verbose' (there are none)"]
        );
        assert_eq!(
            problems(
                "blockdev-add",
                json!({"driver": "file", "filename": "/x", "nodename": "a"})
            ),
            ["unknown argument 'nodename' (did you mean 'node-name'?)"]
        );
        assert_eq!(
            problems("blockdev-add", json!({"driver": "file"})),
            ["missing required argument 'filename' (str)"]
        );
        assert_eq!(
            problems("blockdev-add", json!({"node-name": "a"})),
            ["missing required argument 'driver' (enum (file, null-co, qcow2))"]
        );
        assert_eq!(
            problems(
                "blockdev-add",
                json!({"driver": "null-co", "cache": {"drect": true}})
            ),
            ["unknown member 'cache.drect' (did you mean 'direct'?)"]
        );
        assert_eq!(
            problems("no-such", json!({})),
            ["unknown command 'no-such'"]
        );
        assert_eq!(
            problems("query-stat", json!({})),
            ["unknown command 'query-stat' (did you mean 'query-status'?)"]
        );
    }

    #[test]
    fn wrong_types_and_enum_values() {
        assert_eq!(
            problems(
                "blockdev-add",
                json!({"driver": "null-co", "read-only": "yes"})
            ),
            ["'read-only': expected a boolean (true or false), got the string \"yes\""]
        );
        assert_eq!(
            problems("blockdev-add", json!({"driver": "floppy"})),
            ["'driver': 'floppy' is not one of file, null-co, qcow2"]
        );
        assert_eq!(
            problems(
                "blockdev-add",
                json!({"driver": "file", "filename": "f", "aio": "nativ"})
            ),
            ["'aio': 'nativ' is not one of threads, native (did you mean 'native'?)"]
        );
        assert_eq!(
            problems("set-things", json!({"ids": [1, "two"], "ratio": "x"})),
            [
                "'ids[1]': expected an integer, got the string \"two\"",
                "'ratio': expected a number, got the string \"x\""
            ]
        );
        assert_eq!(
            problems("set-things", json!({"ids": [], "ref": 5})),
            ["'ref': expected object or str or null, got the number 5"]
        );
        assert_eq!(
            problems("set-things", json!({"ids": 1.5})),
            ["'ids': expected a list, got the number 1.5"]
        );
    }

    #[test]
    fn deprecated_and_unstable_parts_warn() {
        let s = sample();
        let args = json!({"driver": "file", "filename": "f", "x-old": 1});
        let report = check_command(&s, "blockdev-add", args.as_object().unwrap());
        assert!(report.is_ok());
        assert_eq!(report.warnings, ["'x-old' is deprecated"]);
        let report = check_command(&s, "set-things", json!({"ids": []}).as_object().unwrap());
        assert_eq!(report.warnings, ["command 'set-things' is unstable"]);
    }

    #[test]
    fn loose_text_becomes_a_string_where_one_is_wanted() {
        let s = sample();
        let mut a = parse_arguments([
            "driver=file",
            "filename=123",
            "node-name=true",
            "read-only=true",
        ])
        .unwrap();
        coerce_loose(&s, "10", &mut a.object, &a.loose);
        assert_eq!(
            Value::Object(a.object),
            json!({"driver": "file", "filename": "123", "node-name": "true", "read-only": true})
        );
        let mut a = parse_arguments(["ids=[1]", "ref=12", "ratio=2"]).unwrap();
        coerce_loose(&s, "30", &mut a.object, &a.loose);
        assert_eq!(
            Value::Object(a.object),
            json!({"ids": [1], "ref": 12, "ratio": 2})
        );
    }

    #[test]
    fn type_at_follows_members_branches_and_alternates() {
        let s = sample();
        let args = json!({"driver": "file"});
        assert_eq!(type_at(&s, "10", &args, &["aio".into()]), Some("16"));
        assert_eq!(type_at(&s, "10", &json!({}), &["aio".into()]), None);
        assert_eq!(
            type_at(&s, "10", &args, &["cache".into(), "direct".into()]),
            Some("bool")
        );
        assert_eq!(
            type_at(&s, "30", &json!({}), &["ref".into(), "no-flush".into()]),
            Some("bool")
        );
    }
}
