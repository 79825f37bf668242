//! Random valid QAPI schemas, as schema text, from a seed: enums, structs with bases, flat unions, alternates,
//! commands and events, with features, `if` conditions, doc comments, names that are awkward once turned into
//! Rust (keywords, `Self`, prelude names, the generated code's own names, leading digits, `x-` and downstream
//! prefixes), deep nesting and recursion through arrays, optional members, alternates and unions.
//!
//! Every value of every type is finite: a required member names an earlier type of a lower nesting level; a
//! later type (or the type itself) only through an array, an optional member, an alternate (which always has a
//! built-in branch) or a union branch (the union then has a value without a branch). Names QEMU would reject
//! as clashing (equal once case, `-` and `_` are ignored, within one namespace) are never given twice.
#![allow(dead_code)]

use std::collections::HashSet;
use std::fmt::Write;

use super::json_values::Rng;

/// Type names that mean something in Rust or in the generated code.
const TYPE_NAMES: &[&str] = &[
    "Self",
    "Option",
    "String",
    "Box",
    "Vec",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Sized",
    "Send",
    "From",
    "Into",
    "Value",
    "Decode",
    "Encode",
    "Commands",
    "AnyEvent",
    "Rt",
    "Core",
    "Std",
    "Type",
    "Crate",
    "Super",
    "Other",
    "Unknown",
    "Fn",
    "Map",
    "Definition",
    "Command",
    "Event",
    "Executor",
    "Error",
    "DecodeError",
    "Branch",
    "Arc",
    "Rc",
    "Cow",
    "HashMap",
    "Debug",
    "Clone",
    "Copy",
    "Eq",
    "Hash",
    "Iterator",
];

/// Member, branch, enum value and feature names that are keywords or common method names.
const LOWER_NAMES: &[&str] = &[
    "type",
    "self",
    "crate",
    "super",
    "match",
    "fn",
    "r",
    "ref",
    "box",
    "async",
    "await",
    "dyn",
    "try",
    "yield",
    "union",
    "loop",
    "mod",
    "use",
    "impl",
    "struct",
    "enum",
    "where",
    "in",
    "as",
    "move",
    "mut",
    "static",
    "const",
    "unsafe",
    "extern",
    "trait",
    "macro",
    "abstract",
    "become",
    "final",
    "override",
    "priv",
    "typeof",
    "unsized",
    "virtual",
    "do",
    "other",
    "data",
    "value",
    "new",
    "default",
    "clone",
    "name",
    "kind",
    "gen",
    "raw",
    "string",
    "option",
    "result",
    "vec",
    "some",
    "none",
    "ok",
    "err",
    "into",
    "from",
    "as-str",
    "from-name",
    "from-wire",
    "with",
    "size",
    "len",
    "deprecated",
    "unstable",
    "x-debug",
    "__org.qemu_extra",
    "base",
    "tag",
    "branch",
    "execute",
    "info",
    "features",
    "condition",
    "module",
    "since",
];

/// Enum values may start with a digit.
const VALUE_NAMES: &[&str] = &[
    "1st", "9p", "x86-64", "x-9p", "0", "2-0", "unknown", "other", "self", "none",
];

const BUILTINS: &[&str] = &[
    "str", "int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "size",
    "number", "bool", "any", "null",
];

const WORDS: &[&str] = &[
    "foo", "bar", "baz", "qux", "node", "block", "dirty", "bitmap", "vnc", "cpu", "x86", "ab",
    "io", "http",
];

/// Types nest at most this deep through required members.
const LEVELS: usize = 4;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Shape {
    Enum,
    Struct,
    Union,
    Alternate,
}

struct Type {
    name: String,
    shape: Shape,
    level: usize,
    /// Member names (with the base's), for structs; enum values, for enums.
    members: Vec<String>,
    /// A struct with a conditional member (its own or its base's): command arguments only when boxed.
    conditional: bool,
}

/// One schema being written.
pub struct SchemaGen {
    rng: Rng,
    text: String,
    docs: bool,
    types: Vec<Type>,
    /// Normalized names taken, per namespace: types, commands, events.
    taken: [HashSet<String>; 3],
    /// Exact definition names.
    exact: HashSet<String>,
    /// Normalized names of union base members (no struct member takes one, so branches never clash with bases).
    union_keys: HashSet<String>,
    /// Normalized names of struct members.
    struct_keys: HashSet<String>,
    /// Types whose members may use upper case and `_` (`member-name-exceptions`).
    exceptions: Vec<String>,
    serial: usize,
    /// Whether the last members written had a condition.
    conditional: bool,
}

/// The name as QEMU compares names for clashes, and stricter: case, `-`, `_` and `.` ignored.
fn key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The schema text for `seed`.
pub fn schema(seed: u64) -> String {
    let mut g = SchemaGen {
        rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
        text: String::new(),
        docs: false,
        types: Vec::new(),
        taken: Default::default(),
        exact: HashSet::new(),
        union_keys: HashSet::new(),
        struct_keys: HashSet::new(),
        exceptions: Vec::new(),
        serial: 0,
        conditional: false,
    };
    g.docs = g.rng.chance(2);
    // The built-in types' names are taken.
    for b in BUILTINS.iter().chain(&["QType"]) {
        g.exact.insert(b.to_string());
        g.taken[0].insert(key(b));
    }
    g.write()
}

impl SchemaGen {
    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[self.rng.below(from.len())]
    }

    fn write(mut self) -> String {
        let count = 3 + self.rng.below(10);
        // Shapes and names first, so that any type can name any other.
        for i in 0..count {
            let shape = match self.rng.below(7) {
                _ if i == 0 => Shape::Enum,
                0 | 1 => Shape::Enum,
                2..=4 => Shape::Struct,
                5 => Shape::Union,
                _ => Shape::Alternate,
            };
            let name = self.type_name();
            self.types.push(Type {
                name,
                shape,
                level: 0,
                members: Vec::new(),
                conditional: false,
            });
        }
        for i in 0..count {
            if self.types[i].shape == Shape::Struct && self.rng.chance(4) {
                self.exceptions.push(self.types[i].name.clone());
            }
        }
        let mut body = String::new();
        for i in 0..count {
            body.push_str(&match self.types[i].shape {
                Shape::Enum => self.enumeration(i),
                Shape::Struct => self.structure(i),
                Shape::Union => self.union(i),
                Shape::Alternate => self.alternate(i),
            });
        }
        for _ in 0..1 + self.rng.below(4) {
            body.push_str(&self.command());
        }
        for _ in 0..self.rng.below(4) {
            body.push_str(&self.event());
        }
        if !self.exceptions.is_empty() {
            let list: Vec<String> = self.exceptions.iter().map(|n| format!("'{n}'")).collect();
            let _ = writeln!(
                self.text,
                "{{ 'pragma': {{ 'member-name-exceptions': [ {} ] }} }}\n",
                list.join(", ")
            );
        }
        if self.docs {
            self.text.push_str("##\n# = Random schema\n##\n\n");
        }
        self.text.push_str(&body);
        self.text
    }

    /// A fresh definition name in namespace `ns` (0 types, 1 commands, 2 events).
    fn fresh(&mut self, ns: usize, make: impl Fn(&mut Self) -> String) -> String {
        loop {
            let name = make(self);
            let k = key(&name);
            if !self.exact.contains(&name) && !self.taken[ns].contains(&k) {
                self.exact.insert(name.clone());
                self.taken[ns].insert(k);
                return name;
            }
        }
    }

    fn type_name(&mut self) -> String {
        self.fresh(0, |g| {
            let base = if g.rng.chance(3) {
                g.pick(TYPE_NAMES).to_string()
            } else {
                let mut s = String::new();
                for _ in 0..1 + g.rng.below(3) {
                    let w = g.pick(WORDS);
                    let upper = g.rng.chance(4);
                    s.push_str(&w[..1].to_ascii_uppercase());
                    s.push_str(&if upper {
                        w[1..].to_ascii_uppercase()
                    } else {
                        w[1..].to_string()
                    });
                }
                if !s[1..].chars().any(|c| c.is_ascii_lowercase()) {
                    s.push('x');
                }
                if g.rng.chance(3) {
                    g.serial += 1;
                    let _ = write!(s, "{}", g.serial);
                }
                s
            };
            match g.rng.below(8) {
                0 => format!("__org.qemu_{base}"),
                1 => format!("__com.example-x_{base}"),
                _ => base,
            }
        })
    }

    /// A lower-case name (`upper`: may also take upper case and `_`).
    fn lower_name(&mut self, upper: bool) -> String {
        let base = if self.rng.chance(2) {
            self.pick(LOWER_NAMES).to_string()
        } else {
            let mut parts = Vec::new();
            for _ in 0..1 + self.rng.below(3) {
                parts.push(self.pick(WORDS).to_string());
            }
            if self.rng.chance(3) {
                self.serial += 1;
                parts.push(self.serial.to_string());
            }
            parts.join("-")
        };
        let base = match self.rng.below(10) {
            0 if !base.starts_with("__") => format!("x-{base}"),
            1 if !base.starts_with("__") => format!("__org.qemu_{base}"),
            _ => base,
        };
        if upper && self.rng.chance(2) {
            // fooBar, foo_bar, a__b: only under member-name-exceptions.
            match self.rng.below(3) {
                0 => base.replace('-', "_"),
                1 => base.replacen('-', "__", 1),
                _ => {
                    let mut c = base.chars();
                    let first = c.next().unwrap();
                    format!("{}{}", first, c.as_str().to_uppercase())
                }
            }
        } else {
            base
        }
    }

    /// Names unique in one scope (normalized), avoiding `avoid`.
    fn names(
        &mut self,
        n: usize,
        upper: bool,
        avoid: &HashSet<String>,
        make: impl Fn(&mut Self, bool) -> String,
    ) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut tries = 0;
        while out.len() < n && tries < 200 {
            tries += 1;
            let name = make(self, upper);
            let k = key(&name);
            if k.is_empty() || avoid.contains(&k) || !seen.insert(k) {
                continue;
            }
            out.push(name);
        }
        out
    }

    fn cond(&mut self) -> Option<String> {
        if !self.rng.chance(6) {
            return None;
        }
        let a = format!("CONFIG_{}", self.pick(WORDS).to_ascii_uppercase());
        Some(match self.rng.below(4) {
            0 => format!("{{ 'not': '{a}' }}"),
            1 => format!("{{ 'all': [ '{a}', {{ 'not': 'CONFIG_Y' }} ] }}"),
            2 => format!("{{ 'any': [ '{a}', 'CONFIG_Z' ] }}"),
            _ => format!("'{a}'"),
        })
    }

    /// A features list, possibly empty.
    fn features(&mut self) -> Vec<(String, Option<String>)> {
        self.some_features(true)
    }

    /// Features of a type: QEMU takes `deprecated` and `unstable` only for members, values, commands and events.
    fn type_features(&mut self) -> Vec<(String, Option<String>)> {
        self.some_features(false)
    }

    fn some_features(&mut self, special: bool) -> Vec<(String, Option<String>)> {
        let n = if self.rng.chance(3) {
            1 + self.rng.below(3)
        } else {
            0
        };
        let names = self.names(n, false, &HashSet::new(), |g, _| match g.rng.below(4) {
            0 if special => "deprecated".into(),
            1 if special => "unstable".into(),
            _ => loop {
                let name = g.lower_name(false);
                if name != "deprecated" && name != "unstable" {
                    break name;
                }
            },
        });
        names.into_iter().map(|n| (n, self.cond())).collect()
    }

    /// `, 'features': [...], 'if': ...` for a definition or a member (`extra` entries first).
    fn flags(&mut self, features: &[(String, Option<String>)], cond: &Option<String>) -> String {
        let mut s = String::new();
        if !features.is_empty() {
            let list: Vec<String> = features
                .iter()
                .map(|(n, c)| match c {
                    Some(c) => format!("{{ 'name': '{n}', 'if': {c} }}"),
                    None => format!("'{n}'"),
                })
                .collect();
            let _ = write!(s, ", 'features': [ {} ]", list.join(", "));
        }
        if let Some(c) = cond {
            let _ = write!(s, ", 'if': {c}");
        }
        s
    }

    /// The doc comment of a definition (empty without docs).
    fn doc(
        &mut self,
        name: &str,
        items: &[String],
        features: &[(String, Option<String>)],
    ) -> String {
        if !self.docs {
            return String::new();
        }
        let mut s = format!("##\n# @{name}:\n#\n");
        let other = self.types[self.rng.below(self.types.len())].name.clone();
        match self.rng.below(4) {
            0 => s.push_str("# Text with ``code``, *emphasis* and a reference to @"),
            1 => s.push_str("# Lists:\n#\n# - one item\n# - another item, long enough\n#   to continue on a second line\n#\n# Then @"),
            2 => s.push_str("# Angle <brackets>, [brackets], a_b_c and a|pipe; see @"),
            _ => s.push_str("# Plain text about @"),
        }
        let _ = writeln!(s, "{other}.\n#");
        for item in items {
            let _ = writeln!(s, "# @{item}: what {item} is\n#");
        }
        if !features.is_empty() {
            s.push_str("# Features:\n#\n");
            for (f, _) in features {
                let _ = writeln!(s, "# @{f}: a feature\n#");
            }
        }
        let _ = writeln!(
            s,
            "# Since: {}.{}\n##",
            1 + self.rng.below(10),
            self.rng.below(3)
        );
        s
    }

    /// A member's type for a container at `at` (types.len() for commands and events): `(text, level)`.
    fn member_type(&mut self, at: usize, required: bool) -> (String, usize) {
        let n = self.types.len();
        let array = self.rng.chance(4);
        if self.rng.chance(3) {
            let b = self.pick(BUILTINS);
            return (
                if array {
                    format!("['{b}']")
                } else {
                    format!("'{b}'")
                },
                0,
            );
        }
        let mut j = self.rng.below(n);
        let forward_ok = array || !required;
        if !forward_ok && (j >= at || self.types[j].level >= LEVELS) {
            // A required member: an earlier type of a lower level, or a built-in.
            let earlier: Vec<usize> = (0..at.min(n))
                .filter(|&k| self.types[k].level < LEVELS)
                .collect();
            if earlier.is_empty() {
                return ("'str'".into(), 0);
            }
            j = earlier[self.rng.below(earlier.len())];
        }
        let name = &self.types[j].name;
        if array {
            (format!("['{name}']"), 0)
        } else if j >= at {
            (format!("'{name}'"), 0)
        } else {
            (format!("'{name}'"), self.types[j].level)
        }
    }

    /// Members as a `{ ... }` text; returns it, the names and the highest level of a required member.
    fn members(
        &mut self,
        at: usize,
        n: usize,
        upper: bool,
        avoid: &HashSet<String>,
    ) -> (String, Vec<String>, usize) {
        self.members_if(at, n, upper, avoid, true)
    }

    /// Members, with conditions or not (QEMU takes conditional arguments only with `'boxed': true`).
    fn members_if(
        &mut self,
        at: usize,
        n: usize,
        upper: bool,
        avoid: &HashSet<String>,
        conditions: bool,
    ) -> (String, Vec<String>, usize) {
        let names = self.names(n, upper, avoid, |g, upper| g.lower_name(upper));
        let mut level = 0;
        let mut items = Vec::new();
        self.conditional = false;
        for name in &names {
            let optional = self.rng.chance(2);
            let (ty, l) = self.member_type(at, !optional);
            level = level.max(l);
            let star = if optional { "*" } else { "" };
            let features = self.features();
            let cond = if conditions { self.cond() } else { None };
            self.conditional |= cond.is_some();
            if features.is_empty() && cond.is_none() {
                items.push(format!("'{star}{name}': {ty}"));
            } else {
                let flags = self.flags(&features, &cond);
                items.push(format!("'{star}{name}': {{ 'type': {ty}{flags} }}"));
            }
        }
        (format!("{{ {} }}", items.join(",\n    ")), names, level)
    }

    fn enumeration(&mut self, i: usize) -> String {
        let n = if i == 0 {
            1 + self.rng.below(5)
        } else {
            self.rng.below(6)
        };
        let values = self.names(n, false, &HashSet::new(), |g, _| {
            if g.rng.chance(3) {
                g.pick(VALUE_NAMES).to_string()
            } else {
                g.lower_name(false)
            }
        });
        let mut items = Vec::new();
        for v in &values {
            let features = self.features();
            let cond = self.cond();
            if features.is_empty() && cond.is_none() {
                items.push(format!("'{v}'"));
            } else {
                let flags = self.flags(&features, &cond);
                items.push(format!("{{ 'name': '{v}'{flags} }}"));
            }
        }
        let name = self.types[i].name.clone();
        self.types[i].members = values.clone();
        self.types[i].level = 1;
        let features = self.type_features();
        let cond = self.cond();
        let doc = self.doc(&name, &values, &features);
        let flags = self.flags(&features, &cond);
        format!(
            "{doc}{{ 'enum': '{name}',\n  'data': [ {} ]{flags} }}\n\n",
            items.join(", ")
        )
    }

    /// An earlier struct, for a base.
    fn earlier_struct(&mut self, i: usize) -> Option<usize> {
        let structs: Vec<usize> = (0..i)
            .filter(|&k| self.types[k].shape == Shape::Struct && self.types[k].level < LEVELS)
            .collect();
        (!structs.is_empty()).then(|| structs[self.rng.below(structs.len())])
    }

    fn structure(&mut self, i: usize) -> String {
        let name = self.types[i].name.clone();
        let base = if self.rng.chance(3) {
            self.earlier_struct(i)
        } else {
            None
        };
        let mut avoid = self.union_keys.clone();
        let mut inherited = Vec::new();
        let mut level = 0;
        if let Some(b) = base {
            inherited = self.types[b].members.clone();
            avoid.extend(inherited.iter().map(|m| key(m)));
            level = self.types[b].level;
        }
        let upper = self.exceptions.contains(&name);
        let n = self.rng.below(5);
        let (data, own, l) = self.members(i, n, upper, &avoid);
        self.struct_keys.extend(own.iter().map(|m| key(m)));
        self.types[i].conditional =
            self.conditional || base.is_some_and(|b| self.types[b].conditional);
        inherited.extend(own.iter().cloned());
        self.types[i].members = inherited;
        self.types[i].level = level.max(l) + 1;
        let features = self.type_features();
        let cond = self.cond();
        let doc = self.doc(&name, &own, &features);
        let flags = self.flags(&features, &cond);
        let base = base
            .map(|b| format!(",\n  'base': '{}'", self.types[b].name))
            .unwrap_or_default();
        format!("{doc}{{ 'struct': '{name}'{base},\n  'data': {data}{flags} }}\n\n")
    }

    fn union(&mut self, i: usize) -> String {
        let name = self.types[i].name.clone();
        let enums: Vec<usize> = (0..i)
            .filter(|&k| self.types[k].shape == Shape::Enum && !self.types[k].members.is_empty())
            .collect();
        let tag_enum = enums[self.rng.below(enums.len())];
        let values = self.types[tag_enum].members.clone();
        // The base: inline members, the discriminator among them; names no struct member takes.
        let mut avoid = self.struct_keys.clone();
        avoid.extend(self.union_keys.iter().cloned());
        let n = self.rng.below(3);
        let (data, mut names, level) = self.members(i, n, false, &avoid);
        avoid.extend(names.iter().map(|m| key(m)));
        let tag = self
            .names(1, false, &avoid, |g, _| g.lower_name(false))
            .remove(0);
        names.push(tag.clone());
        self.union_keys.extend(names.iter().map(|m| key(m)));
        let data = data
            .strip_suffix(" }")
            .unwrap_or(&data)
            .trim_end()
            .to_string();
        let sep = if data.ends_with('{') { " " } else { ",\n    " };
        let base = format!("{data}{sep}'{tag}': '{}' }}", self.types[tag_enum].name);
        // Branches: a struct for some values; a value without a branch when a branch may recurse.
        let mut branches = Vec::new();
        let mut recursive = false;
        let mut branchless = false;
        for v in &values {
            if self.rng.chance(4) {
                branchless = true;
                continue;
            }
            let structs: Vec<usize> = (0..self.types.len())
                .filter(|&k| self.types[k].shape == Shape::Struct)
                .collect();
            if structs.is_empty() {
                branchless = true;
                continue;
            }
            let s = structs[self.rng.below(structs.len())];
            recursive |= s >= i || self.types[s].level >= LEVELS;
            let cond = self.cond();
            let ty = &self.types[s].name;
            branches.push(match cond {
                Some(c) => format!("'{v}': {{ 'type': '{ty}', 'if': {c} }}"),
                None => format!("'{v}': '{ty}'"),
            });
        }
        if recursive && !branchless {
            // Leave the first value without a branch, so that a value of the union can end.
            branches.remove(0);
        }
        self.types[i].level = level + 1;
        let features = self.type_features();
        let cond = self.cond();
        let documented: Vec<String> = names.clone();
        let doc = self.doc(&name, &documented, &features);
        let flags = self.flags(&features, &cond);
        format!(
            "{doc}{{ 'union': '{name}',\n  'base': {base},\n  'discriminator': '{tag}',\n  'data': {{ {} }}{flags} }}\n\n",
            branches.join(",\n    ")
        )
    }

    fn alternate(&mut self, i: usize) -> String {
        let name = self.types[i].name.clone();
        // One branch per JSON type: a built-in scalar always, then maybe a string, a bool, null, an object.
        let scalars = [
            "int", "number", "int8", "uint64", "size", "bool", "str", "null",
        ];
        let first = self.pick(&scalars);
        // 0 number, 1 bool, 2 enum, 3 null, 4 object, 5 str.
        let json_type = |t: &str| match t {
            "bool" => 1,
            "str" => 5,
            "null" => 3,
            _ => 0,
        };
        // QEMU: a string branch can't be told from a number or a bool (keyval reads all as strings), nor
        // from an enum.
        let conflicts = |a: usize, b: usize| a == b || matches!((a.min(b), a.max(b)), (0..=2, 5));
        let mut used = vec![json_type(first)];
        let mut tys = vec![format!("'{first}'")];
        for _ in 0..1 + self.rng.below(3) {
            let choice = self.rng.below(4);
            let (jt, ty) = match choice {
                0 => {
                    // An earlier enum with no value that reads like a number (QEMU rejects that with a
                    // numeric branch).
                    let enums: Vec<usize> = (0..i)
                        .filter(|&k| {
                            self.types[k].shape == Shape::Enum
                                && self.types[k]
                                    .members
                                    .iter()
                                    .all(|v| !v.starts_with(|c: char| c.is_ascii_digit()))
                        })
                        .collect();
                    if enums.is_empty() {
                        continue;
                    }
                    let e = enums[self.rng.below(enums.len())];
                    (2, self.types[e].name.clone())
                }
                1 => {
                    let objects: Vec<usize> = (0..self.types.len())
                        .filter(|&k| matches!(self.types[k].shape, Shape::Struct | Shape::Union))
                        .collect();
                    if objects.is_empty() {
                        continue;
                    }
                    (
                        4,
                        self.types[objects[self.rng.below(objects.len())]]
                            .name
                            .clone(),
                    )
                }
                _ => {
                    let s = self.pick(&scalars);
                    (json_type(s), s.to_string())
                }
            };
            if !used.iter().any(|&u| conflicts(u, jt)) {
                used.push(jt);
                tys.push(format!("'{ty}'"));
            }
        }
        if tys.len() < 2 {
            let ty = if used.contains(&3) { "bool" } else { "null" };
            let ty = if used.contains(&1) || used.contains(&5) {
                "null"
            } else {
                ty
            };
            tys.push(format!("'{ty}'"));
        }
        let names = self.names(tys.len(), false, &HashSet::new(), |g, _| {
            g.lower_name(false)
        });
        let mut items = Vec::new();
        for (n, ty) in names.iter().zip(&tys) {
            match self.cond() {
                Some(c) => items.push(format!("'{n}': {{ 'type': {ty}, 'if': {c} }}")),
                None => items.push(format!("'{n}': {ty}")),
            }
        }
        self.types[i].level = 1;
        let features = self.type_features();
        let cond = self.cond();
        let doc = self.doc(&name, &names[..items.len()], &features);
        let flags = self.flags(&features, &cond);
        format!(
            "{doc}{{ 'alternate': '{name}',\n  'data': {{ {} }}{flags} }}\n\n",
            items.join(",\n    ")
        )
    }

    /// `'data'` of a command or an event: `(text, documented member names, boxed)`.
    fn args(&mut self) -> (String, Vec<String>, bool) {
        let at = self.types.len();
        match self.rng.below(4) {
            0 => (String::new(), Vec::new(), false),
            1 | 2 => {
                let n = 1 + self.rng.below(4);
                let (data, names, _) = self.members_if(at, n, false, &HashSet::new(), false);
                (format!(",\n  'data': {data}"), names, false)
            }
            _ => {
                let objects: Vec<usize> = (0..at)
                    .filter(|&k| {
                        self.types[k].shape == Shape::Struct
                            || (self.types[k].shape == Shape::Union)
                    })
                    .collect();
                if objects.is_empty() {
                    return (String::new(), Vec::new(), false);
                }
                let k = objects[self.rng.below(objects.len())];
                // QEMU: a union, or conditional arguments, only boxed.
                let boxed = self.types[k].shape == Shape::Union
                    || self.types[k].conditional
                    || self.rng.chance(2);
                let b = if boxed { ", 'boxed': true" } else { "" };
                (
                    format!(",\n  'data': '{}'{b}", self.types[k].name),
                    Vec::new(),
                    boxed,
                )
            }
        }
    }

    fn command(&mut self) -> String {
        let name = self.fresh(1, |g| {
            if g.rng.chance(3) {
                // Named like a type of the schema, or a keyword.
                let t = g.types[g.rng.below(g.types.len())].name.clone();
                if t.starts_with("__") || g.rng.chance(2) {
                    g.pick(LOWER_NAMES)
                        .trim_start_matches("__org.qemu_")
                        .to_string()
                } else {
                    t.to_ascii_lowercase()
                }
            } else {
                g.lower_name(false)
            }
        });
        let (data, names, _) = self.args();
        let objects: Vec<usize> = (0..self.types.len())
            .filter(|&k| matches!(self.types[k].shape, Shape::Struct | Shape::Union))
            .collect();
        let returns = match self.rng.below(3) {
            0 if !objects.is_empty() => {
                let o = &self.types[objects[self.rng.below(objects.len())]].name;
                if self.rng.chance(2) {
                    format!(",\n  'returns': '{o}'")
                } else {
                    format!(",\n  'returns': ['{o}']")
                }
            }
            _ => String::new(),
        };
        let mut flags = String::new();
        for flag in ["allow-oob", "allow-preconfig", "coroutine"] {
            // QEMU: 'allow-oob' and 'coroutine' are incompatible.
            if self.rng.chance(5) && !(flag == "coroutine" && flags.contains("oob")) {
                let _ = write!(flags, ", '{flag}': true");
            }
        }
        if self.rng.chance(8) {
            flags.push_str(", 'success-response': false");
        }
        let features = self.features();
        let cond = self.cond();
        let doc = self.doc(&name, &names, &features);
        let tail = self.flags(&features, &cond);
        format!("{doc}{{ 'command': '{name}'{data}{returns}{flags}{tail} }}\n\n")
    }

    fn event(&mut self) -> String {
        let name = self.fresh(2, |g| {
            let base = if g.rng.chance(2) {
                let t = g.types[g.rng.below(g.types.len())].name.clone();
                t.trim_start_matches("__org.qemu_")
                    .trim_start_matches("__com.example-x_")
                    .to_string()
            } else {
                g.pick(TYPE_NAMES).to_string()
            };
            base.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_uppercase()
        });
        let (data, names, _) = self.args();
        let features = self.features();
        let cond = self.cond();
        let doc = self.doc(&name, &names, &features);
        let tail = self.flags(&features, &cond);
        format!("{doc}{{ 'event': '{name}'{data}{tail} }}\n\n")
    }
}
