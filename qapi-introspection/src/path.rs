//! Paths into a `query-qmp-schema` reply, in libvirt's syntax (`virQEMUQAPISchemaPathGet`), and their typed form.
//!
//! `blockdev-add/arg-type/+file/aio/^io_uring`: starting from a command or an event, `arg-type` or `ret-type`
//! enters its arguments or returns; a plain name selects an object member (`*name`: one that must be optional);
//! `+case` selects a union branch; `^value` asks for an enum value, `!json-type` for a built-in's JSON type
//! (`string`, `int`, `number`, `boolean`, `null`, `value`), `$feature` for a feature of what is selected (also of
//! an enum value: `.../^value/$feature`). Arrays are entered as their element; alternates are tried branch by
//! branch until one matches. A component whose name starts with something other than a letter is written after
//! one space.

use std::fmt;
use std::str::FromStr;

use crate::reply::{Introspection, Meta, SchemaInfo};

/// One component of a [`SchemaPath`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An object member, or a command's or event's `arg-type`/`ret-type`.
    Member(String),
    /// An object member that must be optional (`*name`).
    OptionalMember(String),
    /// A union branch by its tag value (`+case`).
    Branch(String),
    /// An enum value (`^value`); may only be followed by a [`Step::Feature`].
    EnumValue(String),
    /// A built-in's JSON type (`!string`); last.
    JsonType(String),
    /// A feature of what is selected (`$feature`); last.
    Feature(String),
}

/// A path from a command or an event into its arguments or returns: what a QEMU must accept or say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaPath {
    /// The command or event.
    pub root: String,
    /// The steps from it, in order.
    pub steps: Vec<Step>,
}

/// A path that is not well formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// The path as written.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "schema path '{}': {}", self.path, self.message)
    }
}

impl std::error::Error for PathError {}

impl SchemaPath {
    /// The path of a command or an event by name.
    pub fn new(root: impl Into<String>) -> SchemaPath {
        SchemaPath {
            root: root.into(),
            steps: Vec::new(),
        }
    }

    /// The path of a generated command.
    pub fn command<C: qmp_client::Command>() -> SchemaPath {
        SchemaPath::new(C::NAME)
    }

    /// The path of a generated event.
    pub fn event<E: qmp_client::Event>() -> SchemaPath {
        SchemaPath::new(E::NAME)
    }

    fn step(mut self, step: Step) -> SchemaPath {
        self.steps.push(step);
        self
    }

    /// Into the command's arguments (`arg-type`) or the event's data.
    pub fn arg_type(self) -> SchemaPath {
        self.step(Step::Member("arg-type".into()))
    }

    /// Into the command's returns (`ret-type`).
    pub fn ret_type(self) -> SchemaPath {
        self.step(Step::Member("ret-type".into()))
    }

    /// The member `name`.
    pub fn member(self, name: impl Into<String>) -> SchemaPath {
        self.step(Step::Member(name.into()))
    }

    /// The member `name`, which must be optional (`*name`).
    pub fn optional_member(self, name: impl Into<String>) -> SchemaPath {
        self.step(Step::OptionalMember(name.into()))
    }

    /// The union branch for tag value `case` (`+case`).
    pub fn branch(self, case: impl Into<String>) -> SchemaPath {
        self.step(Step::Branch(case.into()))
    }

    /// The enum value `value` (`^value`).
    pub fn enum_value(self, value: impl Into<String>) -> SchemaPath {
        self.step(Step::EnumValue(value.into()))
    }

    /// A built-in of JSON type `json_type` (`!string`), for an alternate's branches.
    pub fn json_type(self, json_type: impl Into<String>) -> SchemaPath {
        self.step(Step::JsonType(json_type.into()))
    }

    /// The feature `name` of what the path selects so far (`$feature`).
    pub fn feature(self, name: impl Into<String>) -> SchemaPath {
        self.step(Step::Feature(name.into()))
    }

    /// Whether `reply` has what the path names.
    pub fn exists_in(&self, reply: &Introspection) -> bool {
        self.exists_with(&|name| reply.entries.iter().find(|e| e.name == name))
    }

    /// Whether the entries `lookup` finds by name have what the path names.
    pub(crate) fn exists_with<'r>(&self, lookup: &dyn Fn(&str) -> Option<&'r SchemaInfo>) -> bool {
        let Some(root) = lookup(&self.root) else {
            return false;
        };
        if !matches!(root.meta, Meta::Command { .. } | Meta::Event { .. }) {
            return false;
        }
        Walk { lookup, hops: 0 }.entry(root, &self.steps)
    }
}

/// How many arrays and alternates a walk may enter without taking a step (a reply with a cycle of them ends).
const MAX_HOPS: usize = 64;

struct Walk<'l, 'r> {
    lookup: &'l dyn Fn(&str) -> Option<&'r SchemaInfo>,
    hops: usize,
}

impl<'r> Walk<'_, 'r> {
    fn named(&mut self, name: &str, steps: &[Step]) -> bool {
        match (self.lookup)(name) {
            Some(entry) => self.entry(entry, steps),
            None => false,
        }
    }

    fn entry(&mut self, entry: &'r SchemaInfo, steps: &[Step]) -> bool {
        let Some((step, rest)) = steps.split_first() else {
            return true;
        };
        if let Step::Feature(f) = step {
            return entry.features.iter().any(|x| x == f);
        }
        match (&entry.meta, step) {
            (Meta::Command { arg_type, .. }, Step::Member(m)) if m == "arg-type" => {
                self.named(arg_type, rest)
            }
            (Meta::Command { ret_type, .. }, Step::Member(m)) if m == "ret-type" => {
                self.named(ret_type, rest)
            }
            (Meta::Event { arg_type }, Step::Member(m)) if m == "arg-type" => {
                self.named(arg_type, rest)
            }
            (Meta::Object { members, .. }, Step::Member(name) | Step::OptionalMember(name)) => {
                let must_be_optional = matches!(step, Step::OptionalMember(_));
                members
                    .iter()
                    .find(|m| &m.name == name)
                    .filter(|m| m.optional || !must_be_optional)
                    .is_some_and(|m| self.named(&m.ty, rest))
            }
            (Meta::Object { variants, .. }, Step::Branch(case)) => variants
                .iter()
                .find(|(c, _)| c == case)
                .is_some_and(|(_, ty)| self.named(ty, rest)),
            (Meta::Enum { values }, Step::EnumValue(v)) => values
                .iter()
                .find(|x| &x.name == v)
                .is_some_and(|x| match rest {
                    [] => true,
                    [Step::Feature(f)] => x.features.iter().any(|y| y == f),
                    _ => false,
                }),
            (Meta::Builtin { json_type }, Step::JsonType(t)) => json_type.as_str() == t,
            (Meta::Array { element }, _) => self.hop(|w| w.named(element, steps)),
            (Meta::Alternate { members }, _) => {
                self.hop(|w| members.iter().any(|ty| w.named(ty, steps)))
            }
            _ => false,
        }
    }

    /// Enters an array or an alternate without taking a step.
    fn hop(&mut self, f: impl FnOnce(&mut Self) -> bool) -> bool {
        if self.hops >= MAX_HOPS {
            return false;
        }
        self.hops += 1;
        let found = f(self);
        self.hops -= 1;
        found
    }
}

impl FromStr for SchemaPath {
    type Err = PathError;

    fn from_str(text: &str) -> Result<SchemaPath, PathError> {
        let error = |message: String| PathError {
            path: text.to_owned(),
            message,
        };
        let mut parts = text.split('/');
        let root = unspaced(parts.next().unwrap_or_default());
        if root.is_empty() {
            return Err(error("no command or event".into()));
        }
        let mut path = SchemaPath::new(root);
        for part in parts {
            if let Some(last) = path.steps.last() {
                let follows_value = matches!(last, Step::EnumValue(_));
                let terminal = matches!(last, Step::JsonType(_) | Step::Feature(_));
                if terminal || (follows_value && !part.starts_with('$')) {
                    return Err(error(format!("'{part}' follows a final component")));
                }
            }
            let (sigil, name) = match part.chars().next() {
                Some(c @ ('*' | '+' | '^' | '!' | '$')) => (Some(c), &part[1..]),
                _ => (None, unspaced(part)),
            };
            if name.is_empty() {
                return Err(error("an empty component".into()));
            }
            let name = name.to_owned();
            path.steps.push(match sigil {
                Some('*') => Step::OptionalMember(name),
                Some('+') => Step::Branch(name),
                Some('^') => Step::EnumValue(name),
                Some('!') => Step::JsonType(name),
                Some('$') => Step::Feature(name),
                _ => Step::Member(name),
            });
        }
        Ok(path)
    }
}

/// A name written after one space because it starts with something other than a letter.
fn unspaced(part: &str) -> &str {
    part.strip_prefix(' ').unwrap_or(part)
}

impl fmt::Display for SchemaPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spaced = |name: &str| match name.chars().next() {
            Some(c) if !c.is_ascii_alphabetic() => format!(" {name}"),
            _ => name.to_owned(),
        };
        write!(f, "{}", spaced(&self.root))?;
        for step in &self.steps {
            match step {
                Step::Member(n) => write!(f, "/{}", spaced(n))?,
                Step::OptionalMember(n) => write!(f, "/*{n}")?,
                Step::Branch(n) => write!(f, "/+{n}")?,
                Step::EnumValue(n) => write!(f, "/^{n}")?,
                Step::JsonType(n) => write!(f, "/!{n}")?,
                Step::Feature(n) => write!(f, "/${n}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = r#"[
      {"name": "add", "meta-type": "command", "arg-type": "0", "ret-type": "1", "features": ["unstable"]},
      {"name": "EV", "meta-type": "event", "arg-type": "1"},
      {"name": "0", "meta-type": "object", "members": [{"name": "driver", "type": "2"},
        {"name": "node", "type": "str", "default": null}], "tag": "driver",
        "variants": [{"case": "file", "type": "3"}]},
      {"name": "1", "meta-type": "object", "members": []},
      {"name": "2", "meta-type": "enum", "members": [{"name": "file"}]},
      {"name": "3", "meta-type": "object", "members": [{"name": "aio", "type": "[4]"}]},
      {"name": "[4]", "meta-type": "array", "element-type": "5"},
      {"name": "5", "meta-type": "alternate", "members": [{"type": "int"}, {"type": "4"}]},
      {"name": "4", "meta-type": "enum", "members": [{"name": "io_uring", "features": ["deprecated"]}]},
      {"name": "int", "meta-type": "builtin", "json-type": "int"},
      {"name": "str", "meta-type": "builtin", "json-type": "string"}
    ]"#;

    fn has(path: &str) -> bool {
        let reply = Introspection::from_json(REPLY).unwrap();
        path.parse::<SchemaPath>().unwrap().exists_in(&reply)
    }

    #[test]
    fn walks_members_branches_arrays_and_alternates() {
        assert!(has("add"));
        assert!(has("EV/arg-type"));
        assert!(!has("EV/ret-type"));
        assert!(has("add/$unstable"));
        assert!(!has("add/$deprecated"));
        assert!(has("add/arg-type/+file/aio/^io_uring"));
        assert!(has("add/arg-type/+file/aio/^io_uring/$deprecated"));
        assert!(!has("add/arg-type/+file/aio/^threads"));
        assert!(has("add/arg-type/+file/aio/!int"));
        assert!(!has("add/arg-type/+file/aio/!string"));
        assert!(has("add/arg-type/*node/!string"));
        assert!(!has("add/arg-type/*driver"));
        assert!(has("add/arg-type/driver/^file"));
        assert!(!has("add/arg-type/+nfs"));
        assert!(!has("missing"));
        assert!(!has("0/members"));
    }

    #[test]
    fn typed_and_text_paths_are_the_same() {
        let typed = SchemaPath::new("blockdev-add")
            .arg_type()
            .branch("file")
            .member("aio")
            .enum_value("io_uring");
        let text = "blockdev-add/arg-type/+file/aio/^io_uring";
        assert_eq!(text.parse::<SchemaPath>().unwrap(), typed);
        assert_eq!(typed.to_string(), text);
        let spaced: SchemaPath = "x/ 0day".parse().unwrap();
        assert_eq!(spaced.steps, [Step::Member("0day".into())]);
        assert_eq!(spaced.to_string(), "x/ 0day");
    }

    #[test]
    fn malformed_paths_are_errors() {
        for bad in ["", "x/!int/y", "x/$f/y", "x/^v/w", "x//y", "x/+"] {
            let err = bad.parse::<SchemaPath>().unwrap_err();
            assert_eq!(err.path, bad);
        }
        assert!("x/^v/$f".parse::<SchemaPath>().is_ok());
    }
}
