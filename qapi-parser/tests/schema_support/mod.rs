//! Builds definitions the way the expression checker hands them to the schema stage, for the schema tests.

#![allow(dead_code, unused_imports)] // Each test file uses part of it.

pub use qapi_schema::ast::{Include, Pragmas};
pub use qapi_schema::definition::{
    Branch, Command, Cond, Data, Definition, DefinitionKind, EnumValue, Feature, Item, Member,
    Name, TypeRef, Union,
};
pub use qapi_schema::doc::{ArgSection, Doc, Section};
pub use qapi_schema::dump::dump_model;
pub use qapi_schema::schema::{EntityKind, JsonType, Model, Visitor};
pub use qapi_schema::{Diagnostic, FileId, Mode, Options, Rules, SourceFile, SourceMap, Span};

/// Builds definitions the way the expression checker hands them over. Definition `n` of a test starts on the
/// line given; spans only need the right line.
pub struct Schema {
    pub sources: SourceMap,
    pub items: Vec<Item>,
    pub docs: Vec<Doc>,
    pub pragmas: Pragmas,
}

pub const LINES: usize = 200;

pub fn span(line: usize) -> Span {
    // Line n starts at byte n-1 of a file of empty lines.
    Span::new(FileId(0), line - 1, line - 1)
}

pub fn name(s: &str, line: usize) -> Name {
    Name {
        name: s.to_owned(),
        span: span(line),
    }
}

pub fn named(s: &str) -> TypeRef {
    TypeRef::Named(name(s, 1))
}

pub fn array(s: &str) -> TypeRef {
    TypeRef::Array(name(s, 1))
}

pub fn member(n: &str, ty: TypeRef) -> Member {
    Member {
        name: name(n, 1),
        optional: false,
        ty,
        cond: None,
        features: vec![],
    }
}

pub fn optional(n: &str, ty: TypeRef) -> Member {
    Member {
        optional: true,
        ..member(n, ty)
    }
}

pub fn conditional(m: Member, cond: &str) -> Member {
    Member {
        cond: Some(Cond::Name(cond.to_owned())),
        ..m
    }
}

pub fn branch(n: &str, ty: TypeRef) -> Branch {
    Branch {
        name: name(n, 1),
        ty,
        cond: None,
    }
}

pub fn feature(n: &str) -> Feature {
    Feature {
        name: name(n, 1),
        cond: None,
    }
}

pub fn values(names: &[&str]) -> DefinitionKind {
    let values = names
        .iter()
        .map(|v| EnumValue {
            name: name(v, 1),
            cond: None,
            features: vec![],
        })
        .collect();
    DefinitionKind::Enum {
        values,
        prefix: None,
    }
}

pub fn structure(members: Vec<Member>) -> DefinitionKind {
    DefinitionKind::Struct {
        base: None,
        members,
    }
}

pub fn derived(base: &str, members: Vec<Member>) -> DefinitionKind {
    DefinitionKind::Struct {
        base: Some(name(base, 1)),
        members,
    }
}

pub fn union(base: Data, tag: &str, branches: Vec<Branch>) -> DefinitionKind {
    DefinitionKind::Union(Union {
        base: Some(base),
        discriminator: Some(name(tag, 1)),
        branches,
    })
}

pub fn simple_union(branches: Vec<Branch>) -> DefinitionKind {
    DefinitionKind::Union(Union {
        base: None,
        discriminator: None,
        branches,
    })
}

pub fn command(data: Option<Data>, returns: Option<TypeRef>) -> Command {
    Command {
        data,
        returns,
        boxed: false,
        gen: true,
        success_response: true,
        allow_oob: false,
        allow_preconfig: false,
        coroutine: false,
    }
}

pub fn cmd(data: Option<Data>, returns: Option<TypeRef>) -> DefinitionKind {
    DefinitionKind::Command(command(data, returns))
}

pub fn inline(members: Vec<Member>) -> Option<Data> {
    Some(Data::Inline(members))
}

pub fn data(n: &str) -> Option<Data> {
    Some(Data::Named(name(n, 1)))
}

impl Schema {
    pub fn new() -> Schema {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "test.json".into(),
            "test.json".into(),
            "\n".repeat(LINES),
            None,
        ));
        Schema {
            sources,
            items: vec![],
            docs: vec![],
            pragmas: Pragmas::default(),
        }
    }

    /// Add a definition at `line`.
    pub fn def(&mut self, line: usize, n: &str, kind: DefinitionKind) -> &mut Definition {
        self.items.push(Item::Definition(Definition {
            name: name(n, line),
            span: span(line),
            doc: None,
            cond: None,
            features: vec![],
            kind,
        }));
        match self.items.last_mut() {
            Some(Item::Definition(d)) => d,
            _ => unreachable!(),
        }
    }

    /// Add a doc block at `line` for the next definition, describing `args` (each on the line after the last).
    pub fn doc(&mut self, line: usize, symbol: &str, args: &[&str], features: &[&str]) -> usize {
        let section = |n: &&str, i: usize| ArgSection {
            name: (*n).to_owned(),
            span: span(line + 1 + i),
            text: format!("about {n}"),
            documented: true,
        };
        let args: Vec<ArgSection> = args
            .iter()
            .enumerate()
            .map(|(i, n)| section(n, i))
            .collect();
        let features = features
            .iter()
            .enumerate()
            .map(|(i, n)| section(n, args.len() + i))
            .collect();
        self.docs.push(Doc {
            span: span(line),
            symbol: Some(symbol.to_owned()),
            body: Section {
                span: span(line),
                tag: None,
                text: String::new(),
            },
            args,
            features,
            sections: vec![],
        });
        self.docs.len() - 1
    }

    pub fn build_in(&self, mode: Mode) -> (Result<Model, Diagnostic>, Vec<Diagnostic>) {
        let mut warnings = vec![];
        let options = Options { mode };
        let model = Model::build(
            self.items.clone(),
            self.docs.clone(),
            self.pragmas.clone(),
            &self.sources,
            &options,
            &mut warnings,
        );
        (model, warnings)
    }

    pub fn build(&self) -> Model {
        match self.build_in(Mode::StrictAs(Rules::V9_2)).0 {
            Ok(model) => model,
            Err(e) => panic!("unexpected error: {}", e.display(&self.sources)),
        }
    }

    /// The error, as QEMU prints it.
    pub fn error(&self) -> String {
        match self.build_in(Mode::StrictAs(Rules::V9_2)).0 {
            Ok(_) => panic!("accepted"),
            Err(e) => e.display(&self.sources).to_string(),
        }
    }

    /// The dump without the predefined part.
    pub fn dump(&self) -> String {
        let out = dump_model(&self.build());
        out.split_once("module test.json\n")
            .map(|(_, rest)| rest.to_owned())
            .unwrap_or(out)
    }
}
