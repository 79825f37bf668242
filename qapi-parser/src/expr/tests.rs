//! Unit tests of the expression checker on small schemas.
//!
//! The schemas are read by a deliberately small reader (values, comments, `pragma`, and `##` blocks reduced to
//! their symbol and `Returns:`/`Errors:` lines), so these tests depend on nothing but the AST types.

use std::path::PathBuf;

use super::check;
use crate::ast::{DefinitionExpr, Expression, Key, Object, ParsedSchema, Value, ValueKind};
use crate::definition::{Cond, Data, Definition, DefinitionKind, Item, TypeRef};
use crate::diagnostic::{Diagnostic, Severity};
use crate::doc::{Doc, Section};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::{Mode, Options};

struct Reader<'t> {
    text: &'t str,
    pos: usize,
}

impl Reader<'_> {
    fn skip_blanks(&mut self) {
        loop {
            let rest = &self.text[self.pos..];
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with('#') && !trimmed.starts_with("##") {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn value(&mut self) -> Value {
        self.skip_blanks();
        let start = self.pos;
        let rest = &self.text[start..];
        let kind = if let Some(body) = rest.strip_prefix('\'') {
            let end = body.find('\'').expect("closed string");
            self.pos += end + 2;
            ValueKind::Str(body[..end].replace("\\\\", "\\").into())
        } else if rest.starts_with("true") {
            self.pos += 4;
            ValueKind::Bool(true)
        } else if rest.starts_with("false") {
            self.pos += 5;
            ValueKind::Bool(false)
        } else if rest.starts_with('[') {
            self.pos += 1;
            let mut items = Vec::new();
            while !self.close(']') {
                items.push(self.value());
            }
            ValueKind::Array(items)
        } else {
            assert!(rest.starts_with('{'), "value expected at {rest:?}");
            self.pos += 1;
            let mut object = Object::default();
            while !self.close('}') {
                let key = self.value();
                let Some(name) = key.as_str() else {
                    panic!("string key expected")
                };
                self.skip_blanks();
                self.pos += 1; // ':'
                let key = Key {
                    name: name.to_string().into(),
                    span: key.span,
                };
                object.members.push((key, self.value()));
            }
            ValueKind::Object(object)
        };
        Value {
            span: Span::new(FileId(0), start, self.pos),
            kind,
        }
    }

    /// Consumes `,` and then `close` if next; true once `close` was consumed.
    fn close(&mut self, close: char) -> bool {
        self.skip_blanks();
        if self.text[self.pos..].starts_with(',') {
            self.pos += 1;
            self.skip_blanks();
        }
        let hit = self.text[self.pos..].starts_with(close);
        self.pos += usize::from(hit);
        hit
    }

    /// A `##` block: its symbol, and its `Returns:`/`Errors:` lines as sections.
    fn doc(&mut self) -> Doc {
        let start = self.pos;
        self.pos += 2;
        let end = self.text[self.pos..]
            .find("\n##")
            .map_or(self.text.len(), |n| self.pos + n + 3);
        let mut doc = Doc {
            span: Span::new(FileId(0), start, end),
            symbol: None,
            body: Section {
                span: Span::new(FileId(0), start, start),
                tag: None,
                text: String::new(),
            },
            args: Vec::new(),
            features: Vec::new(),
            sections: Vec::new(),
        };
        let mut offset = start;
        for line in self.text[start..end].split_inclusive('\n') {
            let content = line.trim_end().trim_start_matches('#').trim();
            if let Some(symbol) = content.strip_prefix('@').and_then(|s| s.strip_suffix(':')) {
                doc.symbol.get_or_insert_with(|| symbol.to_string());
            }
            for tag in ["Returns", "Errors"] {
                if let Some(text) = content.strip_prefix(tag).and_then(|t| t.strip_prefix(':')) {
                    let span = Span::new(FileId(0), offset, offset + line.len());
                    doc.sections.push(Section {
                        span,
                        tag: Some(tag.to_string()),
                        text: text.trim().to_string(),
                    });
                }
            }
            offset += line.len();
        }
        self.pos = end;
        doc
    }
}

fn read(text: &str) -> ParsedSchema {
    let mut reader = Reader { text, pos: 0 };
    let mut parsed = ParsedSchema::default();
    let mut pending_doc = None;
    loop {
        reader.skip_blanks();
        if reader.pos >= text.len() {
            return parsed;
        }
        if text[reader.pos..].starts_with("##") {
            parsed.docs.push(reader.doc());
            pending_doc = Some(parsed.docs.len() - 1);
            continue;
        }
        let value = reader.value();
        if value.as_object().is_some_and(|o| o.contains_key("include")) {
            pending_doc = None;
            continue;
        }
        let ValueKind::Object(object) = value.kind else {
            panic!("top-level object expected")
        };
        if let Some(pragma) = object.get("pragma").and_then(Value::as_object) {
            for (key, value) in &pragma.members {
                let strings = || {
                    value
                        .as_array()
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|v| v.as_str())
                        .map(String::from)
                };
                match &*key.name {
                    "doc-required" => parsed.pragmas.doc_required = value.as_bool() == Some(true),
                    "member-name-exceptions" => {
                        parsed.pragmas.member_name_exceptions = strings().collect()
                    }
                    "command-name-exceptions" => {
                        parsed.pragmas.command_name_exceptions = strings().collect()
                    }
                    "name-case-whitelist" => {
                        parsed.pragmas.command_name_exceptions.extend(strings());
                        parsed.pragmas.member_name_exceptions.extend(strings());
                    }
                    "returns-whitelist"
                    | "command-returns-exceptions"
                    | "documentation-exceptions" => {}
                    other => panic!("pragma {other} not supported by the test reader"),
                }
            }
            continue;
        }
        let doc = pending_doc.take();
        parsed
            .expressions
            .push(Expression::Definition(DefinitionExpr {
                span: value.span,
                object,
                doc,
            }));
    }
}

const FILE: &str = "test.json";

fn run(text: &str, mode: Mode) -> (Result<Vec<Item>, Diagnostic>, Vec<Diagnostic>, SourceMap) {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        FILE.to_string(),
        PathBuf::from(FILE),
        text.to_string(),
        None,
    ));
    let mut warnings = Vec::new();
    let result = check(&read(text), &Options { mode }, &mut warnings);
    (result, warnings, sources)
}

fn definitions(text: &str, mode: Mode) -> Vec<Definition> {
    let (result, warnings, sources) = run(text, mode);
    let items = result.unwrap_or_else(|e| panic!("rejected: {}", e.display(&sources)));
    if mode == Mode::Strict {
        assert!(warnings.is_empty(), "strict mode does not warn");
    }
    items
        .into_iter()
        .filter_map(|item| match item {
            Item::Definition(d) => Some(d),
            Item::Include(_) => None,
        })
        .collect()
}

fn only(text: &str, mode: Mode) -> Definition {
    let mut defs = definitions(text, mode);
    assert_eq!(defs.len(), 1);
    defs.remove(0)
}

/// The error QEMU would print, in its plain rendering.
fn error(text: &str, mode: Mode) -> String {
    let (result, _, sources) = run(text, mode);
    match result {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e.display(&sources).to_string(),
    }
}

fn strict_error(text: &str) -> String {
    error(text, Mode::Strict)
}

/// The warnings of a tolerant run, rendered.
fn tolerant_warnings(text: &str) -> Vec<String> {
    let (result, warnings, sources) = run(text, Mode::Tolerant);
    if let Err(e) = result {
        panic!("rejected in tolerant mode: {}", e.display(&sources));
    }
    assert!(warnings.iter().all(|w| w.severity == Severity::Warning));
    warnings
        .iter()
        .map(|w| w.display(&sources).to_string())
        .collect()
}

fn name(n: &str) -> Cond {
    Cond::Name(n.to_string())
}

#[test]
fn desugars_struct_members() {
    let def = only(
        "{ 'struct': 'Foo', 'base': 'Base', 'if': 'CONFIG_FOO', 'features': [ 'deprecated' ],\n\
         'data': { 'a': 'int', '*b': ['str'], 'c': { 'type': 'Bar', 'if': { 'not': 'X' }, 'features': [ 'unstable' ] } } }",
        Mode::Strict,
    );
    assert_eq!(def.name.name, "Foo");
    assert_eq!(def.cond, Some(name("CONFIG_FOO")));
    assert_eq!(def.features.len(), 1);
    assert_eq!(def.features[0].name.name, "deprecated");
    let DefinitionKind::Struct { base, members } = def.kind else {
        panic!("struct expected")
    };
    assert_eq!(base.map(|b| b.name), Some("Base".to_string()));
    let summary: Vec<_> = members
        .iter()
        .map(|m| (m.name.name.as_str(), m.optional))
        .collect();
    assert_eq!(summary, [("a", false), ("b", true), ("c", false)]);
    assert!(matches!(&members[1].ty, TypeRef::Array(n) if n.name == "str"));
    assert!(matches!(&members[2].ty, TypeRef::Named(n) if n.name == "Bar"));
    assert_eq!(members[2].cond, Some(Cond::Not(Box::new(name("X")))));
    assert_eq!(members[2].features[0].name.name, "unstable");
}

#[test]
fn desugars_enums_unions_alternates() {
    let defs = definitions(
        "{ 'enum': 'Enu', 'prefix': 'PFX', 'data': [ 'a', { 'name': '1b', 'if': { 'all': [ 'X', 'Y' ] } } ] }\n\
         { 'union': 'Uni', 'base': { 'kind': 'E' }, 'discriminator': 'kind',\n\
           'data': { 'a': 'S', '1b': { 'type': 'T', 'if': 'X' } } }\n\
         { 'alternate': 'Alt', 'data': { 'n': 'int', 'l': ['str'] } }",
        Mode::Strict,
    );
    let DefinitionKind::Enum { values, prefix } = &defs[0].kind else {
        panic!()
    };
    assert_eq!(prefix.as_deref(), Some("PFX"));
    assert_eq!(values[1].name.name, "1b");
    assert_eq!(values[1].cond, Some(Cond::All(vec![name("X"), name("Y")])));
    let DefinitionKind::Union(union) = &defs[1].kind else {
        panic!()
    };
    assert!(matches!(&union.base, Some(Data::Inline(m)) if m[0].name.name == "kind"));
    assert_eq!(
        union.discriminator.as_ref().map(|d| d.name.as_str()),
        Some("kind")
    );
    assert_eq!(union.branches[1].cond, Some(name("X")));
    let DefinitionKind::Alternate { branches } = &defs[2].kind else {
        panic!()
    };
    assert!(matches!(&branches[1].ty, TypeRef::Array(n) if n.name == "str"));
}

#[test]
fn desugars_commands_and_events() {
    let defs = definitions(
        "{ 'command': 'do-it', 'data': { 'x': 'int' }, 'returns': ['R'], 'allow-oob': true, 'gen': false,\n\
           'success-response': false, 'allow-preconfig': true }\n\
         { 'command': 'boxed-cmd', 'data': 'Args', 'boxed': true, 'coroutine': true }\n\
         { 'command': 'bare' }\n\
         { 'event': 'SOMETHING_HAPPENED', 'data': 'Args', 'boxed': true }",
        Mode::Strict,
    );
    let DefinitionKind::Command(c) = &defs[0].kind else {
        panic!()
    };
    assert!(matches!(&c.data, Some(Data::Inline(m)) if m.len() == 1));
    assert!(matches!(&c.returns, Some(TypeRef::Array(n)) if n.name == "R"));
    assert!(
        c.allow_oob
            && !c.gen
            && !c.success_response
            && c.allow_preconfig
            && !c.boxed
            && !c.coroutine
    );
    let DefinitionKind::Command(c) = &defs[1].kind else {
        panic!()
    };
    assert!(c.boxed && c.coroutine && c.gen && c.success_response);
    assert!(matches!(&c.data, Some(Data::Named(n)) if n.name == "Args"));
    let DefinitionKind::Command(c) = &defs[2].kind else {
        panic!()
    };
    assert!(c.data.is_none() && c.returns.is_none());
    let DefinitionKind::Event { data, boxed } = &defs[3].kind else {
        panic!()
    };
    assert!(*boxed && matches!(data, Some(Data::Named(_))));
}

#[test]
fn spans_point_at_names() {
    let text = "{ 'struct': 'Foo', 'data': { '*opt': 'int' } }";
    let def = only(text, Mode::Strict);
    let at = |span: Span| &text[span.start as usize..span.end as usize];
    assert_eq!(at(def.name.span), "'Foo'");
    assert_eq!(at(def.span), text);
    let DefinitionKind::Struct { members, .. } = &def.kind else {
        panic!()
    };
    assert_eq!(at(members[0].name.span), "'*opt'");
    assert_eq!(at(members[0].ty.span()), "'int'");
}

#[test]
fn first_error_with_context_and_label() {
    let text = "{ 'struct': 'Ok', 'data': {} }\n{ 'struct': 'Bar',\n  'data': { 'Bad': 'int' } }\n";
    let (result, _, _) = run(text, Mode::Strict);
    let err = result.expect_err("uppercase member");
    let label = err.label.expect("label");
    assert_eq!(&text[label.start as usize..label.end as usize], "'Bad'");
    assert_eq!(
        strict_error(text),
        "test.json: In struct 'Bar':\ntest.json:2: name of 'data' member 'Bad' must not use uppercase or '_'"
    );
}

#[test]
fn errors_before_the_name_have_no_context() {
    assert_eq!(
        strict_error("{ 'struct': true, 'data': {} }"),
        "test.json:1: 'struct' requires a string name"
    );
    assert_eq!(
        strict_error("{ 'data': {} }"),
        "test.json:1: expression must have exactly one key 'enum', 'struct', 'union', 'alternate', 'command', 'event'"
    );
}

#[test]
fn key_errors() {
    assert_eq!(
        strict_error("{ 'struct': 'Bar', 'data': {}, 'bogus': {}, 'phony': {} }"),
        "test.json: In struct 'Bar':\ntest.json:1: struct has unknown keys 'bogus', 'phony'\n\
         Valid keys are 'base', 'data', 'features', 'if', 'struct'."
    );
    assert!(strict_error("{ 'union': 'Uni', 'data': {} }")
        .ends_with("union misses keys 'base', 'discriminator'"));
    assert!(
        strict_error("{ 'command': 'c', 'data': { 'a': { 'if': 'X' } } }")
            .ends_with("'data' member 'a' misses key 'type'")
    );
}

#[test]
fn naming_rules() {
    let cases = [
        (
            "{ 'struct': 'not-a-camel', 'data': {} }",
            "name of struct must use CamelCase",
        ),
        (
            "{ 'struct': 'FooList', 'data': {} }",
            "struct name should not end in 'List'",
        ),
        ("{ 'command': 'q-unix' }", "command has an invalid name"),
        (
            "{ 'command': 'do_it' }",
            "name of command must not use uppercase or '_'",
        ),
        (
            "{ 'event': 'oops' }",
            "name of event must not use lowercase or '-'",
        ),
        (
            "{ 'struct': 'Stru', 'data': { '*u': 'str' } }",
            "'data' member '*u' uses reserved name",
        ),
        (
            "{ 'struct': 'Stru', 'data': { 'has-a': 'str' } }",
            "'data' member 'has-a' uses reserved name",
        ),
        (
            "{ 'struct': 'Stru', 'data': { '_oops': 'str' } }",
            "'data' member '_oops' has an invalid name",
        ),
        (
            "{ 'enum': 'Enu', 'data': [ 'q-Unix' ] }",
            "'data' member 'q-Unix' has an invalid name",
        ),
        (
            "{ 'enum': 'Enu', 'data': [ '' ] }",
            "'data' member '' has an invalid name",
        ),
        (
            "{ 'enum': 'Enu', 'data': [ 'Value' ] }",
            "name of 'data' member 'Value' must not use uppercase or '_'",
        ),
        (
            "{ 'alternate': 'Alt', 'data': { 'a_b': 'int' } }",
            "name of 'data' member 'a_b' must not use uppercase or '_'",
        ),
        (
            "{ 'struct': 'Stru', 'data': {}, 'features': [ 'Feat' ] }",
            "name of 'features' member 'Feat' must not use uppercase or '_'",
        ),
    ];
    for (text, message) in cases {
        let err = strict_error(text);
        assert!(err.ends_with(message), "{text}: got {err}");
    }
    // Digits may start an enum value; x- and __RFQDN_ prefixes are allowed; pragmas make exceptions.
    definitions(
        "{ 'pragma': { 'member-name-exceptions': [ 'Odd' ], 'command-name-exceptions': [ 'do_it' ] } }\n\
         { 'enum': 'Enu', 'data': [ '1st', 'x-exp', '__com.redhat_thing' ] }\n\
         { 'struct': 'Odd', 'data': { 'Mixed_Case': 'int' } }\n\
         { 'command': 'do_it' }\n\
         { 'event': '__COM.REDHAT_EVENT' }",
        Mode::Strict,
    );
}

#[test]
fn condition_errors() {
    let cases = [
        (
            "['X']",
            "'if' condition of struct must be a string or an object",
        ),
        (
            "{ 'all': 'X' }",
            "'all' condition of struct must be an array",
        ),
        (
            "''",
            "'if' condition '' of struct is not a valid identifier",
        ),
        ("{ 'any': [] }", "'if' condition [] of struct is useless"),
        (
            "{ 'value': 'X' }",
            "'if' condition of struct has unknown key 'value'\nValid keys are 'all', 'any', 'not'.",
        ),
        (
            "{ 'any': ['A'], 'all': ['B'] }",
            "'if' condition of struct has conflicting keys",
        ),
        ("{}", "'if' condition of struct has conflicting keys"),
        (
            "{ 'all': ['foo', ' '] }",
            "'if' condition 'foo' of struct is not a valid identifier",
        ),
        (
            "'defined(CONFIG_X)'",
            "'if' condition 'defined(CONFIG_X)' of struct is not a valid identifier",
        ),
    ];
    for (cond, message) in cases {
        let err = strict_error(&format!(
            "{{ 'struct': 'Stru', 'data': {{}}, 'if': {cond} }}"
        ));
        assert!(err.ends_with(message), "{cond}: got {err}");
    }
    let err = strict_error(
        "{ 'struct': 'Stru', 'data': {}, 'features': [ { 'name': 'f', 'if': false } ] }",
    );
    assert!(err.ends_with("'if' condition of 'features' member 'f' must be a string or an object"));
}

#[test]
fn shape_errors() {
    let cases = [
        (
            "{ 'enum': 'Enu', 'data': { 'a': 'b' } }",
            "'data' must be an array",
        ),
        (
            "{ 'enum': 'Enu', 'data': [ 'a' ], 'prefix': [] }",
            "'prefix' must be a string",
        ),
        (
            "{ 'enum': 'Enu', 'data': [ [] ] }",
            "'data' member requires a string name",
        ),
        (
            "{ 'struct': 'Stru', 'data': 'T' }",
            "'data' should be an object or type name",
        ),
        (
            "{ 'struct': 'Stru', 'data': { 'a': false } }",
            "'data' member 'a' should be a type name or array",
        ),
        (
            "{ 'struct': 'Stru', 'data': {}, 'base': {} }",
            "'base' should be a type name",
        ),
        (
            "{ 'command': 'c', 'data': [] }",
            "'data' should be an object or type name",
        ),
        (
            "{ 'command': 'c', 'data': { 'e': [] } }",
            "'data' member 'e': array type must contain single type name",
        ),
        (
            "{ 'command': 'c', 'boxed': true, 'data': {} }",
            "'data' should be a type name",
        ),
        (
            "{ 'command': 'c', 'returns': { 'a': 'str' } }",
            "'returns' should be a type name or array",
        ),
        (
            "{ 'event': 'E', 'boxed': true }",
            "'boxed': true requires 'data'",
        ),
        (
            "{ 'alternate': 'Alt', 'data': {} }",
            "'data' must not be empty",
        ),
        (
            "{ 'alternate': 'Alt', 'data': [ 'x' ] }",
            "'data' must be an object",
        ),
        (
            "{ 'union': 'Uni', 'base': 'B', 'discriminator': {}, 'data': {} }",
            "'discriminator' requires a string name",
        ),
        (
            "{ 'union': 'Uni', 'base': 'B', 'discriminator': 'd', 'data': [] }",
            "'data' must be an object",
        ),
        (
            "{ 'union': 'Uni', 'base': 'B', 'discriminator': 'd', 'data': { 'a': ['T'] } }",
            "'data' member 'a' should be a type name",
        ),
        (
            "{ 'union': 'Uni', 'base': ['B'], 'discriminator': 'd', 'data': {} }",
            "'base' should be an object or type name",
        ),
        (
            "{ 'struct': 'Stru', 'data': {}, 'features': 'f' }",
            "'features' must be an array",
        ),
        (
            "{ 'struct': 'Stru', 'data': {}, 'features': [ { 'if': 'X' } ] }",
            "'features' member misses key 'name'",
        ),
        (
            "{ 'struct': 'Stru', 'data': {}, 'features': [ { 'name': {} } ] }",
            "'features' member requires a string name",
        ),
    ];
    for (text, message) in cases {
        let err = strict_error(text);
        assert!(err.ends_with(message), "{text}: got {err}");
    }
}

#[test]
fn flags() {
    let cases = [
        ("'gen': 'whatever'", "flag 'gen' may only use false value"),
        ("'gen': true", "flag 'gen' may only use false value"),
        (
            "'success-response': 'no'",
            "flag 'success-response' may only use false value",
        ),
        ("'boxed': false", "flag 'boxed' may only use true value"),
        (
            "'allow-oob': 'yes'",
            "flag 'allow-oob' may only use true value",
        ),
        (
            "'allow-preconfig': 'x'",
            "flag 'allow-preconfig' may only use true value",
        ),
        (
            "'allow-oob': true, 'coroutine': true",
            "flags 'allow-oob' and 'coroutine' are incompatible",
        ),
    ];
    for (flags, message) in cases {
        let err = strict_error(&format!("{{ 'command': 'c', {flags} }}"));
        assert!(err.ends_with(message), "{flags}: got {err}");
    }
    // A truthy but wrong `boxed` is taken as boxed first, as QEMU does: `data` must then be a type name.
    assert!(
        strict_error("{ 'command': 'c', 'boxed': 'yes', 'data': {} }")
            .ends_with("'data' should be a type name")
    );
}

#[test]
fn doc_checks() {
    assert_eq!(
        strict_error("##\n# @food:\n##\n{ 'command': 'foo' }\n"),
        "test.json: In command 'foo':\ntest.json:4: documentation comment is for 'food'"
    );
    assert_eq!(
        strict_error("{ 'pragma': { 'doc-required': true } }\n{ 'command': 'undocumented' }\n"),
        "test.json: In command 'undocumented':\ntest.json:2: documentation comment required"
    );
    assert_eq!(
        strict_error("##\n# @FOO:\n#\n# Returns: blah\n##\n{ 'event': 'FOO' }\n"),
        "test.json:4: 'Returns' section is only valid for commands"
    );
    assert_eq!(
        strict_error("##\n# @foo:\n# Returns: blah\n##\n{ 'command': 'foo' }\n"),
        "test.json:3: 'Returns' section, but command doesn't return anything"
    );
    assert_eq!(
        strict_error("##\n# @Foo:\n# Errors: blah\n##\n{ 'struct': 'Foo', 'data': {} }\n"),
        "test.json:3: 'Errors' section is only valid for commands"
    );
    definitions(
        "##\n# @foo:\n# Returns: x\n# Errors: y\n##\n{ 'command': 'foo', 'returns': 'X' }\n",
        Mode::Strict,
    );
    let warnings = tolerant_warnings("##\n# @food:\n# Returns: x\n##\n{ 'event': 'FOO' }\n");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].ends_with("warning: documentation comment is for 'food'"));
}

#[test]
fn tolerant_old_spellings() {
    let defs = definitions(
        "{ 'type': 'Old', 'data': { 'a': 'int' } }\n\
         { 'union': 'Simple', 'data': { 'num': 'int', 'list': ['str'] } }\n\
         { 'union': 'Anon', 'discriminator': {}, 'data': { 'a': 'int', 'b': 'str' } }\n\
         { 'command': 'netdev_add', 'data': { 'type': 'str', '*props': '**' }, 'gen': 'no' }\n\
         { 'command': 'guest-shutdown', 'success-response': 'no' }\n\
         { 'struct': 'Cee', 'data': { 'a': { 'type': 'int', 'if': 'defined(CONFIG_A) && !defined(CONFIG_B)' } },\n\
           'if': [ 'defined(X)', 'defined(Y) || defined(Z)' ] }\n\
         { 'enum': 'Odd', 'data': [ 'GenericError' ], 'if': 'CONFIG_X == 2' }",
        Mode::Tolerant,
    );
    assert!(
        matches!(&defs[0].kind, DefinitionKind::Struct { members, .. } if members[0].name.name == "a")
    );
    let DefinitionKind::Union(simple) = &defs[1].kind else {
        panic!()
    };
    assert!(simple.base.is_none() && simple.discriminator.is_none());
    assert!(matches!(&simple.branches[1].ty, TypeRef::Array(_)));
    assert!(matches!(&defs[2].kind, DefinitionKind::Alternate { branches } if branches.len() == 2));
    assert!(matches!(&defs[3].kind, DefinitionKind::Command(c) if !c.gen));
    assert!(matches!(&defs[4].kind, DefinitionKind::Command(c) if !c.success_response && c.gen));
    let DefinitionKind::Struct { members, .. } = &defs[5].kind else {
        panic!()
    };
    assert_eq!(
        members[0].cond,
        Some(Cond::All(vec![
            name("CONFIG_A"),
            Cond::Not(Box::new(name("CONFIG_B")))
        ]))
    );
    assert_eq!(
        defs[5].cond,
        Some(Cond::All(vec![
            name("X"),
            Cond::Any(vec![name("Y"), name("Z")])
        ]))
    );
    assert_eq!(defs[6].cond, Some(Cond::Raw("CONFIG_X == 2".to_string())));
}

#[test]
fn tolerant_mode_warns_about_case_rules_only() {
    let warnings = tolerant_warnings(
        "{ 'command': 'do_it', 'data': { 'Arg': 'int', 'has-x': 'int' } }\n\
         { 'event': 'lower' }\n\
         { 'struct': 'lower_type', 'data': {} }",
    );
    assert_eq!(warnings.len(), 5, "{warnings:?}");
    assert_eq!(warnings[0], "test.json: In command 'do_it':\ntest.json:1: warning: name of command must not use uppercase or '_'");
    // Real errors stay errors.
    for text in [
        "{ 'struct': 'FooList', 'data': {} }",
        "{ 'struct': '_x', 'data': {} }",
        "{ 'struct': 'Stru', 'data': {}, 'bogus': true }",
        "{ 'union': 'Uni', 'base': 'B', 'data': {} }",
        "{ 'union': 'Uni', 'discriminator': 'd', 'data': {} }",
        "{ 'struct': 'Stru', 'data': {}, 'if': '' }",
        "{ 'struct': 'Stru', 'data': {}, 'if': [] }",
        "{ 'command': 'c', 'gen': 'yes' }",
    ] {
        error(text, Mode::Tolerant);
    }
}

#[test]
fn strict_mode_rejects_old_spellings() {
    for text in [
        "{ 'type': 'Old', 'data': {} }",
        "{ 'union': 'Simple', 'data': { 'a': 'int' } }",
        "{ 'command': 'c', 'gen': 'no' }",
        "{ 'struct': 'Stru', 'data': {}, 'if': 'defined(X)' }",
    ] {
        strict_error(text);
    }
}

#[test]
fn deep_conditions_do_not_overflow() {
    let depth = 200;
    let cond = format!("{}'X'{}", "{ 'not': ".repeat(depth), " }".repeat(depth));
    let err = strict_error(&format!(
        "{{ 'struct': 'Stru', 'data': {{}}, 'if': {cond} }}"
    ));
    assert!(
        err.ends_with("'if' condition of struct is nested too deeply"),
        "{err}"
    );
}

#[test]
fn tolerant_anonymous_nested_structs() {
    let text = "{ 'type': 'VersionInfo', 'data': { 'qemu': { 'major': 'int', 'minor': 'int' }, 'package': 'str' } }\n\
                { 'command': 'query-pci', 'data': { 'id': { 'device': 'int', 'sub': { 'x': 'int' } } } }";
    let defs = definitions(text, Mode::Tolerant);
    let names: Vec<_> = defs.iter().map(|d| d.name.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "q_obj_VersionInfo-qemu-nested",
            "VersionInfo",
            "q_obj_query-pci-id-sub-nested",
            "q_obj_query-pci-id-nested",
            "query-pci"
        ]
    );
    let DefinitionKind::Struct { members, .. } = &defs[1].kind else {
        panic!()
    };
    assert!(
        matches!(&members[0].ty, TypeRef::Named(n) if n.name == "q_obj_VersionInfo-qemu-nested")
    );
    let DefinitionKind::Struct { members, .. } = &defs[0].kind else {
        panic!()
    };
    assert_eq!(members.len(), 2);
    assert_eq!(tolerant_warnings(text).len(), 3);
    // A long-form member missing its type is still an error.
    let err = error(
        "{ 'struct': 'Stru', 'data': { 'a': { 'if': 'X' } } }",
        Mode::Tolerant,
    );
    assert!(
        err.ends_with("'data' member 'a' misses key 'type'"),
        "{err}"
    );
    strict_error("{ 'struct': 'Stru', 'data': { 'a': { 'b': 'int' } } }");
}
