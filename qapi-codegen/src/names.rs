//! Rust names for schema names: conventions, keyword escaping, and deterministic disambiguation of names that
//! only collide once case-mapped.
//!
//! QEMU checks clashes between C names; Rust names can clash where C names do not (`fooBar` and `foo-bar` both
//! become `FooBar`). Within one namespace the first name in schema order keeps the plain form, a later one gets
//! the smallest free numeric suffix (`FooBar2`), so regenerating the same schema gives the same names.

use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ir::{Api, Kind};

/// Words Rust reserves in some edition; they are written `r#word`, except those raw identifiers cannot spell.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Names the generated code defines or re-exports next to the schema's own at the crate root.
pub const ROOT_ITEMS: &[&str] = &["Commands", "AnyEvent", "DecodeError"];

/// `AnyEvent`'s variant for an event these bindings do not know.
pub const UNKNOWN_EVENT: &str = "Unknown";

/// The variant that keeps a value or branch this version of the bindings does not know.
pub const OTHER: &str = "Other";

/// Splits a schema name into words at `-`, `_` and `.` (dropping a downstream `__` prefix's empty parts).
fn parts(name: &str) -> impl Iterator<Item = &str> {
    name.split(['-', '_', '.']).filter(|p| !p.is_empty())
}

/// heck's words of `s`, handed to `word` in order: the same split as heck's, for ASCII names only, without the
/// per-character formatting heck's conversions go through (a tenth of all generation time). False for a name
/// that is not ASCII, which heck then converts itself.
fn ascii_words(s: &str, mut word: impl FnMut(&str)) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Case {
        None,
        Lower,
        Upper,
    }
    if !s.is_ascii() {
        return false;
    }
    for w in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let b = w.as_bytes();
        let (mut start, mut case) = (0, Case::None);
        for i in 0..b.len() {
            let Some(&next) = b.get(i + 1) else {
                word(&w[start..]);
                break;
            };
            let c = b[i];
            let next_case = match c {
                b'a'..=b'z' => Case::Lower,
                b'A'..=b'Z' => Case::Upper,
                _ => case,
            };
            if next_case == Case::Lower && next.is_ascii_uppercase() {
                // `fooBar`: a word ends after a lowercase letter followed by a capital.
                word(&w[start..=i]);
                (start, case) = (i + 1, Case::None);
            } else if case == Case::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                // `HTTPServer`: the last capital of a run starts the next word.
                word(&w[start..i]);
                (start, case) = (i, Case::None);
            } else {
                case = next_case;
            }
        }
    }
    true
}

/// heck's `to_snake_case`.
fn snake_case(s: &str, out: &mut String) {
    let start = out.len();
    let ascii = ascii_words(s, |w| {
        if out.len() > start {
            out.push('_');
        }
        out.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    });
    if !ascii {
        out.push_str(&s.to_snake_case());
    }
}

/// heck's `to_upper_camel_case`.
fn upper_camel_case(s: &str, out: &mut String) {
    let ascii = ascii_words(s, |w| {
        let mut bytes = w.bytes();
        if let Some(first) = bytes.next() {
            out.push(char::from(first.to_ascii_uppercase()));
        }
        out.extend(bytes.map(|b| char::from(b.to_ascii_lowercase())));
    });
    if !ascii {
        out.push_str(&s.to_upper_camel_case());
    }
}

/// `UpperCamelCase` for enum values, branches, commands and events: `x86_64` → `X86_64` (an `_` stays between
/// two digits so that the number keeps its meaning), `1` → `_1`.
pub fn upper_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    let mut word = String::new();
    for part in parts(name) {
        word.clear();
        upper_camel_case(part, &mut word);
        if out.ends_with(|c: char| c.is_ascii_digit())
            && word.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push('_');
        }
        out.push_str(&word);
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    not_self(out)
}

/// `Self` can be neither a type nor a variant, nor raw: it becomes `Self_`.
fn not_self(mut name: String) -> String {
    if name == "Self" {
        name.push('_');
    }
    name
}

/// A type name: schema type names are already CamelCase, and kept as spelled (`IOThreadInfo` stays, so that the
/// name matches QEMU's documentation); only separators of downstream and `x-` prefixes go, and all-capitals names
/// are camel-cased.
pub fn type_name(name: &str) -> String {
    // A struct made from a pre-2.4 anonymous nested struct: `q_obj_VersionInfo-qemu-nested` → `VersionInfoQemu`.
    if let Some(path) = name
        .strip_prefix("q_obj_")
        .and_then(|n| n.strip_suffix("-nested"))
    {
        return type_name(path);
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        return upper_camel(name);
    }
    let mut out = String::new();
    for part in parts(name) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    not_self(out)
}

/// `snake_case` for members and command methods.
pub fn snake(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 4);
    for (k, part) in parts(name).enumerate() {
        if k > 0 {
            s.push('_');
        }
        snake_case(part, &mut s);
    }
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{s}")
    } else {
        s
    }
}

/// An identifier, escaped if it is a keyword.
pub fn ident(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// Gives each name of one namespace a unique Rust name, in order.
#[derive(Default)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are taken.
    pub fn with_reserved(reserved: &[&str]) -> Namespace {
        Namespace {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// `wanted`, or `wanted` with the smallest numeric suffix (from 2) that is free. `sep` goes before the
    /// number (`_` for snake case, empty for camel case).
    pub fn claim(&mut self, wanted: String, sep: &str) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let sep = if wanted.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            sep
        };
        (2..)
            .map(|i| format!("{wanted}{sep}{i}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(wanted)
    }
}

/// Claims Rust names for a list of schema names in one namespace (members of a struct, values of an enum...).
pub fn unique(
    names: impl IntoIterator<Item = String>,
    reserved: &[&str],
    sep: &str,
) -> Vec<String> {
    let names: Vec<String> = names.into_iter().collect();
    // Most lists have no clash: a short one is checked pair by pair, without hashing or copying a name.
    if names.len() <= 32 {
        let clash = names
            .iter()
            .enumerate()
            .any(|(i, n)| reserved.contains(&n.as_str()) || names[..i].contains(n));
        if !clash {
            return names;
        }
    }
    let mut ns = Namespace::with_reserved(reserved);
    names.into_iter().map(|n| ns.claim(n, sep)).collect()
}

/// Rust names of all definitions and schema modules.
#[derive(Debug, Default)]
pub struct Names {
    /// Definition index → Rust type name.
    pub definitions: Vec<String>,
    /// Definition index → the name of a flat union's branch enum (`BlockdevOptionsBranch`).
    pub branch_enums: HashMap<usize, String>,
    /// Definition index → method name, for commands.
    pub methods: HashMap<usize, String>,
    /// Module index → Rust module name (also the cargo feature, with `-` for `_`).
    pub modules: Vec<String>,
    by_schema_name: HashMap<String, usize>,
    /// Definition index → module index.
    module_of: Vec<usize>,
}

impl Names {
    /// The Rust name of every module and definition of `api`, collisions resolved.
    pub fn new(api: &Api) -> Names {
        let mut ns = Namespace::with_reserved(ROOT_ITEMS);
        let mut definitions = vec![String::new(); api.definitions.len()];
        // Types first, so that their names never depend on commands or events; then commands, which take a
        // suffix naming what they are on a clash, then events.
        let mut branch_enums = HashMap::new();
        for pass in 0..3 {
            if pass == 1 {
                // A flat union's branch enum is named after the union, before commands and events take theirs.
                for (i, def) in api.definitions.iter().enumerate() {
                    if let Kind::Union(_) = def.kind {
                        let union = definitions[i].trim_end_matches('_');
                        branch_enums.insert(i, ns.claim(format!("{union}Branch"), ""));
                    }
                }
            }
            for (i, def) in api.definitions.iter().enumerate() {
                let (wanted, suffix) = match (&def.kind, pass) {
                    (Kind::Command(_), 1) => (upper_camel(&def.name), "Command"),
                    // Events always end in `Event` (`StopEvent`, `ResumeEvent`): see `crate::naming`.
                    (Kind::Event(_), 2) => (crate::naming::event(&def.name), ""),
                    (Kind::Command(_) | Kind::Event(_), _) | (_, 1 | 2) => continue,
                    _ => (type_name(&def.name), ""),
                };
                // An event named like `AnyEvent`'s catch-all variant takes the suffix too.
                let clash = ns.taken.contains(&wanted) || (pass == 2 && wanted == UNKNOWN_EVENT);
                let name = if suffix.is_empty() || !clash {
                    ns.claim(wanted, "")
                } else {
                    // `Self_` + `Command` → `SelfCommand`.
                    ns.claim(format!("{}{suffix}", wanted.trim_end_matches('_')), "")
                };
                definitions[i] = name;
            }
        }
        let mut methods = HashMap::new();
        // `Commands` extends `qapi_runtime::Executor`, whose method is `execute`.
        let mut method_ns = Namespace::with_reserved(&["execute"]);
        for (i, def) in api.definitions.iter().enumerate() {
            if let Kind::Command(_) = def.kind {
                methods.insert(i, method_ns.claim(snake(&def.name), "_"));
            }
        }
        let mut module_ns = Namespace::with_reserved(&["builtin_"]);
        let modules = api
            .modules
            .iter()
            .map(|m| module_ns.claim(module_name(&m.path), "_"))
            .collect();
        let by_schema_name = api
            .definitions
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), i))
            .collect();
        let module_of = api.definitions.iter().map(|d| d.module).collect();
        Names {
            definitions,
            branch_enums,
            methods,
            modules,
            by_schema_name,
            module_of,
        }
    }

    /// The index of the definition called `name` in the schema.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.by_schema_name.get(name).copied()
    }

    /// The module of definition `i`.
    pub fn module_of(&self, i: usize) -> Option<usize> {
        self.module_of.get(i).copied()
    }

    /// The Rust name of the definition called `name` in the schema.
    pub fn of(&self, name: &str) -> Option<&str> {
        self.index(name).map(|i| self.definitions[i].as_str())
    }
}

/// `qapi/block-core.json` → `block_core`; `./builtin` → `builtin`.
pub fn module_name(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.strip_suffix(".json").unwrap_or(file);
    snake(stem)
}

/// The cargo feature of a Rust module name.
pub fn feature_name(module: &str) -> String {
    module.replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conventions() {
        assert_eq!(upper_camel("x86_64"), "X86_64");
        assert_eq!(upper_camel("JOB_STATUS_CHANGE"), "JobStatusChange");
        assert_eq!(upper_camel("query-cpus-fast"), "QueryCpusFast");
        assert_eq!(
            upper_camel("__com.redhat_drive-mirror"),
            "ComRedhatDriveMirror"
        );
        assert_eq!(upper_camel("1"), "_1");
        assert_eq!(upper_camel("fooBar"), "FooBar");
        assert_eq!(type_name("IOThreadInfo"), "IOThreadInfo");
        assert_eq!(type_name("__org.qemu_x-Foo"), "OrgQemuXFoo");
        assert_eq!(type_name("SEV"), "Sev");
        // `Self` is a keyword that cannot be raw.
        assert_eq!(upper_camel("self"), "Self_");
        assert_eq!(upper_camel("SELF"), "Self_");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("__org.qemu_Self"), "OrgQemuSelf");
        assert_eq!(snake("node-name"), "node_name");
        assert_eq!(snake("__com.redhat_foo"), "com_redhat_foo");
        assert_eq!(snake("fooBar"), "foo_bar");
    }

    /// The ASCII fast path splits and cases words exactly as heck does.
    #[test]
    fn words_as_heck_makes_them() {
        let names = [
            "fooBar",
            "FooBAR",
            "HTTPServer",
            "x86_64",
            "IOThreadInfo",
            "ABCdef",
            "a1B2",
            "vCPU",
            "SEV",
            "iSCSI",
            "q35",
            "UPPER_case",
            "",
            "_",
            "a",
            "A",
            "AbC",
            "aB1c",
            "1a",
            "a1",
            "X86CPUFeatureWordInfo",
            "qcow2",
            "BlockdevOptionsLUKS",
            "x-vcpu-dirty-limit-period",
            "virtio-net-pci",
            "tls-creds-x509",
            "QCryptoBlockInfoLUKS",
            "NUMA",
            "ssh",
            "Ssh2",
        ];
        for name in names {
            let mut snake = String::new();
            snake_case(name, &mut snake);
            assert_eq!(snake, name.to_snake_case(), "{name}");
            let mut camel = String::new();
            upper_camel_case(name, &mut camel);
            assert_eq!(camel, name.to_upper_camel_case(), "{name}");
        }
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("self"), "self_");
        assert_eq!(ident("node_name"), "node_name");
    }

    /// Names Rust or the generated code itself takes: `Self`, `AnyEvent::Unknown`, `Executor::execute`.
    #[test]
    fn names_taken_by_rust_or_the_generated_code() {
        let text = "{ 'struct': 'Self', 'data': {} }\n{ 'command': 'self' }\n{ 'event': 'SELF' }\n\
                    { 'event': 'UNKNOWN' }\n{ 'command': 'execute' }\n\
                    { 'union': 'U', 'base': { 'k': 'E' }, 'discriminator': 'k', 'data': {} }\n\
                    { 'enum': 'E', 'data': [ 'a' ] }\n";
        let schema =
            qapi_schema::load_str("t.json", text, &qapi_schema::Options::default()).unwrap();
        let api = Api::from_schema(&schema);
        let names = Names::new(&api);
        let of = |n: &str| names.of(n).unwrap().to_string();
        assert_eq!(of("Self"), "Self_");
        assert_eq!(of("self"), "SelfCommand");
        assert_eq!(of("SELF"), "SelfEvent");
        assert_eq!(of("UNKNOWN"), "UnknownEvent");
        assert_eq!(of("execute"), "Execute");
        let execute = names.index("execute").unwrap();
        assert_eq!(names.methods[&execute], "execute_2");
    }

    #[test]
    fn clashes_get_numbered_in_order() {
        let names = unique(
            ["FooBar", "FooBar", "Other", "Foo2", "Foo2"].map(String::from),
            &[OTHER],
            "",
        );
        assert_eq!(names, ["FooBar", "FooBar2", "Other2", "Foo2", "Foo2_2"]);
    }

    /// Names with `.`, which QEMU allowed before 2.5 (2.1.0's `BlkdebugEvent` has `l1_grow.alloc_table`), become
    /// valid Rust names, distinct from the same words spelled with `_` or `-`.
    #[test]
    fn dotted_names_become_valid_distinct_names() {
        let values = [
            "l1_grow.alloc_table",
            "l1_grow_alloc_table",
            "l1-grow-alloc-table",
        ];
        let names = unique(values.map(upper_camel), &[OTHER], "");
        assert_eq!(
            names,
            ["L1GrowAllocTable", "L1GrowAllocTable2", "L1GrowAllocTable3"]
        );
        let members = unique(values.map(snake), &[], "_");
        assert_eq!(
            members,
            [
                "l1_grow_alloc_table",
                "l1_grow_alloc_table_2",
                "l1_grow_alloc_table_3"
            ]
        );
        assert_eq!(type_name("Foo.Bar"), "FooBar");
        assert_eq!(upper_camel("l2.5"), "L2_5");
    }
}
