//! The checked model in the text format of QEMU's `tests/qapi-schema/*.out` (what its `test-qapi.py` prints):
//! modules and their entities in visiting order, then every doc block.

use std::fmt::Write;

use crate::definition::Cond;
use crate::doc::Doc;
use crate::schema::{
    AlternateType, ArrayType, Command, Entity, EnumType, Event, Feature, Model, Module, ObjectType,
    Schema, Variants, Visitor,
};
use crate::Rules;

/// The schema's model in the format of QEMU's schema test suite (`tests/qapi-schema/*.out`).
pub fn dump(schema: &Schema) -> String {
    dump_model(schema.model())
}

/// A model in the format of QEMU's schema test suite.
pub fn dump_model(model: &Model) -> String {
    let mut printer = Printer {
        model,
        out: String::new(),
    };
    model.visit(&mut printer);
    let mut out = printer.out;
    for doc in model.docs() {
        print_doc(&mut out, doc, model.rules());
    }
    out
}

struct Printer<'m> {
    model: &'m Model,
    out: String,
}

macro_rules! line {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

impl<'m> Visitor<'m> for Printer<'m> {
    fn visit_module(&mut self, module: &'m Module) {
        line!(self.out, "module {}", module.name);
    }

    fn visit_include(&mut self, _entity: &'m Entity, included: &'m Module) {
        line!(self.out, "include {}", included.name);
    }

    fn visit_enum_type(&mut self, entity: &'m Entity, enum_type: &'m EnumType) {
        line!(self.out, "enum {}", entity.name);
        if let Some(prefix) = &enum_type.prefix {
            line!(self.out, "    prefix {prefix}");
        }
        for v in &enum_type.values {
            line!(self.out, "    member {}", v.name);
            self.print_if(&v.cond, 8);
            self.print_features(&v.features, 8);
        }
        self.print_if(&entity.cond, 4);
        self.print_features(&entity.features, 4);
    }

    fn visit_array_type(&mut self, entity: &'m Entity, array: &'m ArrayType) {
        // Arrays of built-in types are not printed.
        if entity.span.is_none() {
            return;
        }
        line!(
            self.out,
            "array {} {}",
            entity.name,
            self.model.type_name(array.element)
        );
        self.print_if(&entity.cond, 4);
    }

    fn visit_object_type(&mut self, entity: &'m Entity, object: &'m ObjectType) {
        line!(self.out, "object {}", entity.name);
        if let Some(base) = object.base {
            line!(self.out, "    base {}", self.model.type_name(base));
        }
        for m in &object.local_members {
            line!(
                self.out,
                "    member {}: {} optional={}",
                m.name,
                self.model.type_name(m.ty),
                py_bool(m.optional)
            );
            self.print_if(&m.cond, 8);
            self.print_features(&m.features, 8);
        }
        if let Some(variants) = &object.variants {
            self.print_variants(variants);
        }
        self.print_if(&entity.cond, 4);
        self.print_features(&entity.features, 4);
    }

    fn visit_alternate_type(&mut self, entity: &'m Entity, alternate: &'m AlternateType) {
        line!(self.out, "alternate {}", entity.name);
        self.print_variants(&alternate.variants);
        self.print_if(&entity.cond, 4);
        self.print_features(&entity.features, 4);
    }

    fn visit_command(&mut self, entity: &'m Entity, c: &'m Command) {
        let arg = c.arg_type.map_or("None", |t| self.model.type_name(t));
        let ret = c.ret_type.map_or("None", |t| self.model.type_name(t));
        line!(self.out, "command {} {arg} -> {ret}", entity.name);
        line!(
            self.out,
            "    gen={} success_response={} boxed={} oob={} preconfig={}{}",
            py_bool(c.gen),
            py_bool(c.success_response),
            py_bool(c.boxed),
            py_bool(c.allow_oob),
            py_bool(c.allow_preconfig),
            if c.coroutine { " coroutine=True" } else { "" }
        );
        self.print_if(&entity.cond, 4);
        self.print_features(&entity.features, 4);
    }

    fn visit_event(&mut self, entity: &'m Entity, e: &'m Event) {
        let arg = e.arg_type.map_or("None", |t| self.model.type_name(t));
        line!(self.out, "event {} {arg}", entity.name);
        line!(self.out, "    boxed={}", py_bool(e.boxed));
        self.print_if(&entity.cond, 4);
        self.print_features(&entity.features, 4);
    }
}

impl Printer<'_> {
    fn print_variants(&mut self, variants: &Variants) {
        line!(self.out, "    tag {}", variants.tag_name);
        for b in &variants.branches {
            line!(
                self.out,
                "    case {}: {}",
                b.name,
                self.model.type_name(b.ty)
            );
            self.print_if(&b.cond, 8);
        }
    }

    fn print_if(&mut self, cond: &Option<Cond>, indent: usize) {
        if let Some(cond) = cond {
            line!(self.out, "{:indent$}if {}", "", cond_repr(cond, true));
        }
    }

    fn print_features(&mut self, features: &[Feature], indent: usize) {
        for f in features {
            line!(self.out, "{:indent$}feature {}", "", f.name);
            self.print_if(&f.cond, indent + 4);
        }
    }
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// A condition as Python prints QEMU's normalized form: a bare name at top level, else the dict's repr.
pub fn cond_repr(cond: &Cond, top: bool) -> String {
    let list = |conds: &[Cond]| {
        conds
            .iter()
            .map(|c| cond_repr(c, false))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match cond {
        Cond::Name(n) | Cond::Raw(n) if top => n.clone(),
        Cond::Name(n) | Cond::Raw(n) => format!("'{n}'"),
        Cond::All(conds) => format!("{{'all': [{}]}}", list(conds)),
        Cond::Any(conds) => format!("{{'any': [{}]}}", list(conds)),
        Cond::Not(c) => format!("{{'not': {}}}", cond_repr(c, false)),
    }
}

fn print_doc(out: &mut String, doc: &Doc, rules: Rules) {
    match &doc.symbol {
        Some(symbol) => line!(out, "doc symbol={symbol}"),
        None => line!(out, "doc freeform"),
    }
    line!(out, "    body=\n{}", doc.body.text);
    for arg in &doc.args {
        line!(out, "    arg={}\n{}", arg.name, arg.text);
    }
    for feature in &doc.features {
        line!(out, "    feature={}\n{}", feature.name, feature.text);
    }
    for section in &doc.sections {
        line!(
            out,
            "    section={}\n{}",
            section_kind(section.tag.as_deref(), rules),
            section.text
        );
    }
}

/// How QEMU's test prints a section's kind: 9.2 prints the tag as written (`None` when untagged); 10.2 prints the
/// kind's name in title case (`Plain`, `Returns`, `Todo`).
fn section_kind(tag: Option<&str>, rules: Rules) -> String {
    match (tag, rules) {
        (None, Rules::V9_2) => "None".to_owned(),
        (Some(tag), Rules::V9_2) => tag.to_owned(),
        (None, _) => "Plain".to_owned(),
        (Some(tag), _) => {
            let lower = tag.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        }
    }
}
