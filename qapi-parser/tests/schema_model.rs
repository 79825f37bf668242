//! The schema stage on definitions built directly (no parser involved): QEMU's definition order and implicit
//! types, every check with QEMU's message and order, doc connection, legacy simple unions, and the model's API.

use qapi_parser::ast::{Include, Pragmas};
use qapi_parser::definition::{
    Branch, Command, Cond, Data, Definition, DefinitionKind, EnumValue, Feature, Item, Member,
    Name, TypeRef, Union,
};
use qapi_parser::doc::{ArgSection, Doc, Section};
use qapi_parser::dump::dump_model;
use qapi_parser::schema::{EntityKind, JsonType, Model, Visitor};
use qapi_parser::{Diagnostic, FileId, Mode, Options, SourceFile, SourceMap, Span};

/// Builds definitions the way the expression checker hands them over. Definition `n` of a test starts on the
/// line given; spans only need the right line.
struct Schema {
    sources: SourceMap,
    items: Vec<Item>,
    docs: Vec<Doc>,
    pragmas: Pragmas,
}

const LINES: usize = 200;

fn span(line: usize) -> Span {
    // Line n starts at byte n-1 of a file of empty lines.
    Span::new(FileId(0), line - 1, line - 1)
}

fn name(s: &str, line: usize) -> Name {
    Name {
        name: s.to_owned(),
        span: span(line),
    }
}

fn named(s: &str) -> TypeRef {
    TypeRef::Named(name(s, 1))
}

fn array(s: &str) -> TypeRef {
    TypeRef::Array(name(s, 1))
}

fn member(n: &str, ty: TypeRef) -> Member {
    Member {
        name: name(n, 1),
        optional: false,
        ty,
        cond: None,
        features: vec![],
    }
}

fn optional(n: &str, ty: TypeRef) -> Member {
    Member {
        optional: true,
        ..member(n, ty)
    }
}

fn conditional(m: Member, cond: &str) -> Member {
    Member {
        cond: Some(Cond::Name(cond.to_owned())),
        ..m
    }
}

fn branch(n: &str, ty: TypeRef) -> Branch {
    Branch {
        name: name(n, 1),
        ty,
        cond: None,
    }
}

fn feature(n: &str) -> Feature {
    Feature {
        name: name(n, 1),
        cond: None,
    }
}

fn values(names: &[&str]) -> DefinitionKind {
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

fn structure(members: Vec<Member>) -> DefinitionKind {
    DefinitionKind::Struct {
        base: None,
        members,
    }
}

fn derived(base: &str, members: Vec<Member>) -> DefinitionKind {
    DefinitionKind::Struct {
        base: Some(name(base, 1)),
        members,
    }
}

fn union(base: Data, tag: &str, branches: Vec<Branch>) -> DefinitionKind {
    DefinitionKind::Union(Union {
        base: Some(base),
        discriminator: Some(name(tag, 1)),
        branches,
    })
}

fn simple_union(branches: Vec<Branch>) -> DefinitionKind {
    DefinitionKind::Union(Union {
        base: None,
        discriminator: None,
        branches,
    })
}

fn command(data: Option<Data>, returns: Option<TypeRef>) -> Command {
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

fn cmd(data: Option<Data>, returns: Option<TypeRef>) -> DefinitionKind {
    DefinitionKind::Command(command(data, returns))
}

fn inline(members: Vec<Member>) -> Option<Data> {
    Some(Data::Inline(members))
}

fn data(n: &str) -> Option<Data> {
    Some(Data::Named(name(n, 1)))
}

impl Schema {
    fn new() -> Schema {
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
    fn def(&mut self, line: usize, n: &str, kind: DefinitionKind) -> &mut Definition {
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
    fn doc(&mut self, line: usize, symbol: &str, args: &[&str], features: &[&str]) -> usize {
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

    fn build_in(&self, mode: Mode) -> (Result<Model, Diagnostic>, Vec<Diagnostic>) {
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

    fn build(&self) -> Model {
        match self.build_in(Mode::Strict).0 {
            Ok(model) => model,
            Err(e) => panic!("unexpected error: {}", e.display(&self.sources)),
        }
    }

    /// The error, as QEMU prints it.
    fn error(&self) -> String {
        match self.build_in(Mode::Strict).0 {
            Ok(_) => panic!("accepted"),
            Err(e) => e.display(&self.sources).to_string(),
        }
    }

    /// The dump without the predefined part.
    fn dump(&self) -> String {
        let out = dump_model(&self.build());
        out.split_once("module test.json\n")
            .map(|(_, rest)| rest.to_owned())
            .unwrap_or(out)
    }
}

#[test]
fn predefined_entities_come_first() {
    let model = Schema::new().build();
    let names: Vec<&str> = model.entities().iter().map(|e| e.name.as_str()).collect();
    assert_eq!(&names[..4], ["str", "strList", "number", "numberList"]);
    assert_eq!(&names[28..], ["null", "nullList", "q_empty", "QType"]);
    let dump = dump_model(&model);
    assert_eq!(
        dump,
        "module ./builtin\nobject q_empty\nenum QType\n    member none\n    member qnull\n    member qnum\n    \
         member qstring\n    member qdict\n    member qlist\n    member qbool\nmodule test.json\n"
    );
    let int = model.lookup_type("int").expect("int");
    assert_eq!(model.json_type(int), JsonType::Int);
    assert_eq!(model.module(model.get_type(int).module).name, "./builtin");
    assert_eq!(model.type_name(model.the_empty_object()), "q_empty");
    assert_eq!(model.feature_names(), ["deprecated", "unstable"]);
}

#[test]
fn implicit_types_precede_their_definition() {
    let mut s = Schema::new();
    s.def(2, "Color", values(&["red", "blue"]));
    s.def(
        3,
        "Shape",
        union(
            Data::Inline(vec![
                member("kind", named("Color")),
                optional("tags", array("str")),
            ]),
            "kind",
            vec![branch("red", named("Dot"))],
        ),
    );
    s.def(5, "Dot", structure(vec![member("r", named("int"))]))
        .cond = Some(Cond::Name("HAVE_DOT".into()));
    let paint = s.def(
        6,
        "paint",
        cmd(
            inline(vec![
                member("shape", named("Shape")),
                optional("dots", array("Dot")),
            ]),
            Some(named("Dot")),
        ),
    );
    paint.cond = Some(Cond::Not(Box::new(Cond::Any(vec![
        Cond::Name("A".into()),
        Cond::Name("B".into()),
    ]))));
    paint.features = vec![feature("unstable")];
    assert_eq!(
        s.dump(),
        "enum Color\n    member red\n    member blue\n\
         object q_obj_Shape-base\n    member kind: Color optional=False\n    member tags: strList optional=True\n\
         object Shape\n    base q_obj_Shape-base\n    tag kind\n    case red: Dot\n    case blue: q_empty\n\
         object Dot\n    member r: int optional=False\n    if HAVE_DOT\n\
         array DotList Dot\n    if HAVE_DOT\n\
         object q_obj_paint-arg\n    member shape: Shape optional=False\n    member dots: DotList optional=True\n    \
         if {'not': {'any': ['A', 'B']}}\n\
         command paint q_obj_paint-arg -> Dot\n    \
         gen=True success_response=True boxed=False oob=False preconfig=False\n    \
         if {'not': {'any': ['A', 'B']}}\n    feature unstable\n"
    );
    let model = s.build();
    let shape = model.get_type(model.lookup_type("Shape").unwrap());
    let object = shape.as_object().unwrap();
    assert!(object.is_union() && !object.legacy_simple_union);
    assert_eq!(object.members.len(), 2);
    assert!(object.local_members.is_empty());
    let variants = object.variants.as_ref().unwrap();
    assert_eq!(model.type_name(variants.tag_type), "Color");
    assert!(variants.branches[1].implicit && !variants.branches[0].implicit);
    assert!(model.get_type(object.base.unwrap()).implicit);
    // An implicit type's place is its definition's.
    let arg = model.get_type(model.lookup_type("q_obj_paint-arg").unwrap());
    assert_eq!(arg.span, model.entity(model.lookup("paint").unwrap()).span);
    assert_eq!(model.commands().count(), 1);
}

#[test]
fn empty_inline_data_makes_no_implicit_type() {
    let mut s = Schema::new();
    s.def(2, "nothing", cmd(inline(vec![]), None));
    assert_eq!(s.dump(), "command nothing None -> None\n    gen=True success_response=True boxed=False oob=False preconfig=False\n");
}

#[test]
fn an_array_lives_in_its_element_types_module() {
    let mut s = Schema::new();
    s.sources.add(SourceFile::new(
        "sub/inc.json".into(),
        "sub/inc.json".into(),
        "\n".repeat(10),
        None,
    ));
    s.def(2, "T", structure(vec![member("a", array("Elem"))]));
    s.items.push(Item::Include(Include {
        span: span(3),
        name: "sub/inc.json".into(),
        file: FileId(1),
    }));
    s.items.push(Item::Definition(Definition {
        name: Name {
            name: "Elem".into(),
            span: Span::new(FileId(1), 0, 0),
        },
        span: Span::new(FileId(1), 0, 0),
        doc: None,
        cond: Some(Cond::Name("E".into())),
        features: vec![],
        kind: structure(vec![]),
    }));
    let model = s.build();
    let dump = dump_model(&model);
    assert!(dump.ends_with(
        "module test.json\nobject T\n    member a: ElemList optional=False\ninclude sub/inc.json\n\
         module sub/inc.json\narray ElemList Elem\n    if E\nobject Elem\n    if E\n"
    ));
    let names: Vec<&str> = model.modules().iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["./builtin", "test.json", "sub/inc.json"]);
}

#[test]
fn redefinitions() {
    let mut s = Schema::new();
    s.def(2, "Foo", structure(vec![member("one", named("str"))]));
    s.def(3, "Foo", values(&["two"]));
    assert_eq!(
        s.error(),
        "test.json: In enum 'Foo':\ntest.json:3: 'Foo' is already defined\ntest.json: In struct 'Foo':\n\
         test.json:2: previous definition"
    );
    let mut s = Schema::new();
    s.def(
        2,
        "int",
        cmd(inline(vec![member("character", named("str"))]), None),
    );
    assert_eq!(
        s.error(),
        "test.json: In command 'int':\ntest.json:2: built-in type 'int' is already defined"
    );
    let mut s = Schema::new();
    s.def(2, "QType", structure(vec![]));
    assert_eq!(
        s.error(),
        "test.json: In struct 'QType':\ntest.json:2: enum type 'QType' is already defined"
    );
    // The second command's arguments reuse the first's implicit type; the command itself is the redefinition.
    let mut s = Schema::new();
    s.def(
        2,
        "foo",
        cmd(inline(vec![member("one", named("str"))]), None),
    );
    s.def(
        3,
        "foo",
        cmd(inline(vec![optional("two", named("str"))]), None),
    );
    assert!(s
        .error()
        .starts_with("test.json: In command 'foo':\ntest.json:3: 'foo' is already defined\n"));
}

#[test]
fn unknown_types_are_named_by_their_role() {
    let cases: Vec<(DefinitionKind, &str)> = vec![
        (
            structure(vec![member("m", named("Nope"))]),
            "member 'm' uses unknown type 'Nope'",
        ),
        (derived("Nope", vec![]), "'base' uses unknown type 'Nope'"),
        (
            cmd(inline(vec![member("m", named("Nope"))]), None),
            "parameter 'm' uses unknown type 'Nope'",
        ),
        (
            cmd(inline(vec![member("m", array("Nope"))]), None),
            "command uses unknown type 'Nope'",
        ),
        (
            cmd(data("Nope"), None),
            "command's 'data' uses unknown type 'Nope'",
        ),
        (
            cmd(None, Some(named("Nope"))),
            "command's 'returns' uses unknown type 'Nope'",
        ),
        (
            DefinitionKind::Event {
                data: data("Nope"),
                boxed: false,
            },
            "event's 'data' uses unknown type 'Nope'",
        ),
        (
            DefinitionKind::Alternate {
                branches: vec![branch("b", named("Nope"))],
            },
            "branch 'b' uses unknown type 'Nope'",
        ),
        (
            union(Data::Inline(vec![member("t", named("Nope"))]), "t", vec![]),
            "base member 't' uses unknown type 'Nope'",
        ),
    ];
    for (kind, message) in cases {
        let meta = kind.meta();
        let mut s = Schema::new();
        s.def(4, "X", kind);
        assert_eq!(
            s.error(),
            format!("test.json: In {meta} 'X':\ntest.json:4: {message}")
        );
    }
}

#[test]
fn bases_must_be_structs_without_cycles() {
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(
        3,
        "U",
        union(Data::Inline(vec![member("t", named("E"))]), "t", vec![]),
    );
    s.def(4, "S", derived("U", vec![]));
    assert_eq!(s.error(), "test.json: In struct 'S':\ntest.json:4: 'base' requires a struct type, union type 'U' isn't");
    let mut s = Schema::new();
    s.def(2, "S", derived("int", vec![]));
    assert!(s
        .error()
        .ends_with("'base' requires a struct type, built-in type 'int' isn't"));
    // The cycle is found while checking the first struct, through the second.
    let mut s = Schema::new();
    s.def(2, "Base1", derived("Base2", vec![]));
    s.def(3, "Base2", derived("Base1", vec![]));
    assert_eq!(
        s.error(),
        "test.json: In struct 'Base1':\ntest.json:2: object Base1 contains itself"
    );
}

#[test]
fn member_clashes_compare_c_names() {
    let mut s = Schema::new();
    s.def(
        2,
        "S",
        structure(vec![
            member("a-b", named("int")),
            member("a_b", named("int")),
        ]),
    );
    assert!(s
        .error()
        .ends_with("test.json:2: member 'a_b' collides with member 'a-b'"));
    let mut s = Schema::new();
    s.def(2, "Base", structure(vec![member("name", named("str"))]));
    s.def(
        3,
        "Mid",
        derived("Base", vec![member("value", named("int"))]),
    );
    s.def(
        4,
        "Sub",
        derived("Mid", vec![optional("name", named("str"))]),
    );
    assert_eq!(s.error(), "test.json: In struct 'Sub':\ntest.json:4: member 'name' collides with member 'name' of type 'Base'");
    let mut s = Schema::new();
    s.def(2, "E", values(&["one-two", "one_two"]));
    assert!(s
        .error()
        .ends_with("test.json:2: value 'one_two' collides with value 'one-two'"));
    let mut s = Schema::new();
    s.def(2, "S", structure(vec![])).features =
        vec![feature("foo"), feature("bar"), feature("foo")];
    assert!(s
        .error()
        .ends_with("test.json:2: feature 'foo' collides with feature 'foo'"));
    let mut s = Schema::new();
    s.def(
        2,
        "c",
        cmd(
            inline(vec![
                member("a-b", named("int")),
                member("a_b", named("int")),
            ]),
            None,
        ),
    );
    assert!(s
        .error()
        .ends_with("test.json:2: parameter 'a_b' collides with parameter 'a-b'"));
}

#[test]
fn branch_members_must_not_clash_with_base_members() {
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(3, "Branch", structure(vec![member("t", named("int"))]));
    s.def(
        4,
        "U",
        union(
            Data::Inline(vec![member("t", named("E"))]),
            "t",
            vec![branch("a", named("Branch"))],
        ),
    );
    assert_eq!(s.error(), "test.json: In union 'U':\ntest.json:4: member 't' of type 'Branch' collides with base member 't'");
    // Nested unions: the inner union's base clashes with the outer's.
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(3, "B", structure(vec![]));
    s.def(
        4,
        "Inner",
        union(
            Data::Inline(vec![member("type", named("E"))]),
            "type",
            vec![branch("a", named("B"))],
        ),
    );
    s.def(
        5,
        "Outer",
        union(
            Data::Inline(vec![member("type", named("E"))]),
            "type",
            vec![branch("a", named("Inner"))],
        ),
    );
    assert!(s.error().ends_with(
        "test.json:5: base member 'type' of type 'Inner' collides with base member 'type'"
    ));
}

#[test]
fn discriminator_rules() {
    let base = |members: Vec<Member>| Data::Inline(members);
    let mut s = Schema::new();
    s.def(2, "Empty", structure(vec![]));
    s.def(3, "U", union(Data::Named(name("Empty", 3)), "type", vec![]));
    assert_eq!(
        s.error(),
        "test.json: In union 'U':\ntest.json:3: discriminator 'type' is not a member of 'base'"
    );
    let mut s = Schema::new();
    s.def(2, "Base", structure(vec![member("kind", named("str"))]));
    s.def(3, "U", union(Data::Named(name("Base", 3)), "kind", vec![]));
    assert!(s
        .error()
        .ends_with("discriminator member 'kind' of base type 'Base' must be of enum type"));
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(
        3,
        "U",
        union(base(vec![optional("t", named("E"))]), "t", vec![]),
    );
    assert!(s
        .error()
        .ends_with("discriminator member 't' of 'base' must not be optional"));
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(
        3,
        "U",
        union(
            base(vec![conditional(member("t", named("E")), "C")]),
            "t",
            vec![],
        ),
    );
    assert!(s
        .error()
        .ends_with("discriminator member 't' of 'base' must not be conditional"));
    let mut s = Schema::new();
    s.def(2, "E", values(&[]));
    s.def(
        3,
        "U",
        union(base(vec![member("t", named("E"))]), "t", vec![]),
    );
    assert!(s.error().ends_with("test.json:3: union has no branches"));
}

#[test]
fn branch_rules() {
    let base = || Data::Inline(vec![member("t", named("E"))]);
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(3, "U", union(base(), "t", vec![branch("b", named("E"))]));
    assert!(s
        .error()
        .ends_with("test.json:3: branch 'b' is not a value of enum type 'E'"));
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(3, "U", union(base(), "t", vec![branch("a", named("int"))]));
    assert!(s
        .error()
        .ends_with("test.json:3: branch 'a' cannot use built-in type 'int'"));
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(
        3,
        "U",
        union(base(), "t", vec![branch("a", named("Missing"))]),
    );
    assert!(s
        .error()
        .ends_with("test.json:3: branch 'a' uses unknown type 'Missing'"));
    // A branch that contains the union itself.
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(3, "U", union(base(), "t", vec![branch("a", named("U"))]));
    assert!(s.error().ends_with("test.json:3: object U contains itself"));
}

#[test]
fn implicit_branches_inherit_the_value_condition() {
    let mut s = Schema::new();
    let mut kind = values(&["a", "b"]);
    if let DefinitionKind::Enum { values, .. } = &mut kind {
        values[1].cond = Some(Cond::All(vec![
            Cond::Name("X".into()),
            Cond::Name("Y".into()),
        ]));
    }
    s.def(2, "E", kind);
    s.def(
        3,
        "U",
        union(Data::Inline(vec![member("t", named("E"))]), "t", vec![]),
    );
    let dump = s.dump();
    assert!(
        dump.contains("    case a: q_empty\n    case b: q_empty\n        if {'all': ['X', 'Y']}\n"),
        "{dump}"
    );
}

#[test]
fn alternate_branches_must_be_distinguishable() {
    let alt = |branches: Vec<Branch>| DefinitionKind::Alternate { branches };
    let cases: Vec<(Vec<Branch>, &str)> = vec![
        (
            vec![branch("one", named("any"))],
            "branch 'one' cannot use built-in type 'any'",
        ),
        (
            vec![branch("one", named("str")), branch("two", named("bool"))],
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            vec![branch("one", named("number")), branch("two", named("int"))],
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            vec![branch("one", named("S")), branch("two", named("S"))],
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            vec![branch("one", array("int")), branch("two", array("str"))],
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            vec![branch("one", named("OnOff")), branch("two", named("bool"))],
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            vec![branch("one", named("Digits")), branch("two", named("int"))],
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            vec![branch("one", named("A2")), branch("two", named("str"))],
            "branch 'one' cannot use alternate type 'A2'",
        ),
    ];
    for (branches, message) in cases {
        let mut s = Schema::new();
        s.def(2, "S", structure(vec![]));
        s.def(3, "OnOff", values(&["on", "off"]));
        s.def(4, "Digits", values(&["1x"]));
        s.def(5, "A2", alt(vec![branch("i", named("int"))]));
        s.def(6, "Alt", alt(branches));
        assert_eq!(
            s.error(),
            format!("test.json: In alternate 'Alt':\ntest.json:6: {message}")
        );
    }
    // An enum without such values, an array, and an object are fine together.
    let mut s = Schema::new();
    s.def(2, "S", structure(vec![]));
    s.def(3, "Plain", values(&["x"]));
    s.def(
        4,
        "Alt",
        alt(vec![
            branch("e", named("Plain")),
            branch("b", named("bool")),
            branch("n", named("number")),
            branch("l", array("S")),
            branch("s", named("S")),
            branch("z", named("null")),
        ]),
    );
    let model = s.build();
    let alt = model
        .get_type(model.lookup_type("Alt").unwrap())
        .as_alternate()
        .unwrap();
    let json: Vec<JsonType> = alt.variants.branches.iter().map(|b| b.json_type).collect();
    use JsonType::*;
    assert_eq!(json, [String, Boolean, Number, Array, Object, Null]);
    assert_eq!(model.type_name(alt.variants.tag_type), "QType");
}

#[test]
fn command_and_event_rules() {
    let mut s = Schema::new();
    s.def(2, "E", values(&["a"]));
    s.def(
        3,
        "U",
        union(Data::Inline(vec![member("t", named("E"))]), "t", vec![]),
    );
    s.def(
        4,
        "Alt",
        DefinitionKind::Alternate {
            branches: vec![branch("i", named("int"))],
        },
    );
    let base = s.items.clone();
    let cases: Vec<(DefinitionKind, &str)> = vec![
        (
            cmd(data("Alt"), None),
            "command's 'data' cannot take alternate type 'Alt'",
        ),
        (
            cmd(data("int"), None),
            "command's 'data' cannot take built-in type 'int'",
        ),
        (
            cmd(data("U"), None),
            "command's 'data' can take union type 'U' only with 'boxed': true",
        ),
        (
            DefinitionKind::Event {
                data: data("U"),
                boxed: false,
            },
            "event's 'data' can take union type 'U' only with 'boxed': true",
        ),
        (
            cmd(None, Some(named("Alt"))),
            "command's 'returns' cannot take alternate type 'Alt'",
        ),
        (
            cmd(None, Some(array("int"))),
            "command's 'returns' cannot take array type ['int']",
        ),
        (
            cmd(
                inline(vec![conditional(member("a", named("int")), "C")]),
                None,
            ),
            "conditional command arguments require 'boxed': true",
        ),
        (
            DefinitionKind::Event {
                data: inline(vec![conditional(member("a", named("int")), "C")]),
                boxed: false,
            },
            "conditional event arguments require 'boxed': true",
        ),
    ];
    for (kind, message) in cases {
        let meta = kind.meta();
        let mut s = Schema {
            items: base.clone(),
            ..Schema::new()
        };
        s.def(6, "x", kind);
        assert_eq!(
            s.error(),
            format!("test.json: In {meta} 'x':\ntest.json:6: {message}")
        );
    }
    // Boxed, a union and conditional arguments are fine; so is returning what the exceptions allow.
    let mut s = Schema {
        items: base,
        ..Schema::new()
    };
    let mut boxed = command(data("U"), Some(array("U")));
    boxed.boxed = true;
    s.def(6, "ok", DefinitionKind::Command(boxed));
    s.def(7, "get-time", cmd(None, Some(named("int"))));
    s.pragmas.command_returns_exceptions = vec!["get-time".into()];
    let model = s.build();
    let ok = model
        .entity(model.lookup("ok").unwrap())
        .as_command()
        .unwrap();
    assert!(ok.boxed);
    assert_eq!(model.type_name(ok.ret_type.unwrap()), "UList");
}

#[test]
fn special_features_are_not_for_types() {
    let mut s = Schema::new();
    s.def(2, "S", structure(vec![])).features = vec![feature("deprecated")];
    assert_eq!(
        s.error(),
        "test.json: In struct 'S':\ntest.json:2: feature 'deprecated' is not supported for types"
    );
    let mut s = Schema::new();
    s.def(2, "c", cmd(None, None)).features = vec![feature("deprecated"), feature("unstable")];
    let model = s.build();
    assert!(model
        .entity(model.lookup("c").unwrap())
        .features
        .iter()
        .all(|f| f.is_special()));
}

#[test]
fn errors_come_in_qemus_order() {
    // The implicit argument type is checked before its command.
    let mut s = Schema::new();
    s.def(
        2,
        "c",
        cmd(
            inline(vec![member("m", named("Nope"))]),
            Some(named("AlsoNope")),
        ),
    );
    assert!(s
        .error()
        .ends_with("parameter 'm' uses unknown type 'Nope'"));
    // A struct checks its base first, even when the base comes later: the base's error is reported, in the
    // base's context.
    let mut s = Schema::new();
    s.def(2, "Sub", derived("Base", vec![member("x", named("Nope1"))]));
    s.def(3, "Base", structure(vec![member("y", named("Nope2"))]));
    assert_eq!(
        s.error(),
        "test.json: In struct 'Base':\ntest.json:3: member 'y' uses unknown type 'Nope2'"
    );
    // Redefinitions are found before any check.
    let mut s = Schema::new();
    s.def(2, "S", structure(vec![member("y", named("Nope"))]));
    s.def(3, "S", structure(vec![]));
    assert!(s.error().contains("'S' is already defined"));
}

#[test]
fn docs_are_connected_and_checked() {
    // Undocumented members of an exempted definition get empty descriptions, after the documented ones.
    let mut s = Schema::new();
    let d = s.doc(1, "Enum", &["one"], &["f"]);
    let e = s.def(10, "Enum", values(&["one", "two"]));
    e.doc = Some(d);
    e.features = vec![feature("f")];
    s.pragmas.documentation_exceptions = vec!["Enum".into()];
    let model = s.build();
    let doc = &model.docs()[0];
    let args: Vec<(&str, &str, bool)> = doc
        .args
        .iter()
        .map(|a| (a.name.as_str(), a.text.as_str(), a.documented))
        .collect();
    assert_eq!(args, [("one", "about one", true), ("two", "", false)]);
    assert_eq!(
        model
            .entity(model.lookup("Enum").unwrap())
            .doc
            .map(|d| model.doc(d).symbol.clone()),
        Some(Some("Enum".into()))
    );

    // Without the exception, that is an error at the definition.
    s.pragmas.documentation_exceptions.clear();
    assert_eq!(
        s.error(),
        "test.json: In enum 'Enum':\ntest.json:10: value 'two' lacks documentation"
    );
    // In tolerant mode, a warning; the description is appended all the same.
    let (model, warnings) = s.build_in(Mode::Tolerant);
    assert_eq!(warnings.len(), 1);
    assert_eq!(model.unwrap().docs()[0].args.len(), 2);

    // Features must be documented, exception or not.
    let mut s = Schema::new();
    let d = s.doc(1, "foo", &[], &["doc"]);
    let c = s.def(10, "foo", cmd(None, None));
    c.doc = Some(d);
    c.features = vec![feature("undoc"), feature("doc")];
    s.pragmas.documentation_exceptions = vec!["foo".into()];
    assert_eq!(
        s.error(),
        "test.json: In command 'foo':\ntest.json:10: feature 'undoc' lacks documentation"
    );

    // Descriptions of what does not exist, reported at the first one, after every definition is checked.
    let mut s = Schema::new();
    let d = s.doc(1, "AorB", &["a", "b", "aa", "bb"], &[]);
    s.def(
        10,
        "AorB",
        DefinitionKind::Alternate {
            branches: vec![branch("a", named("bool")), branch("b", named("int"))],
        },
    )
    .doc = Some(d);
    assert_eq!(
        s.error(),
        "test.json:4: documented members 'aa', 'bb' do not exist"
    );
    let mut s = Schema::new();
    let d = s.doc(1, "foo", &[], &["a"]);
    s.def(10, "foo", cmd(None, None)).doc = Some(d);
    assert_eq!(
        s.error(),
        "test.json:2: documented feature 'a' does not exist"
    );

    // A command documents its implicit arguments, with their features; a boxed command does not.
    let mut s = Schema::new();
    let d = s.doc(1, "c", &["a"], &["mf"]);
    let mut a = member("a", named("int"));
    a.features = vec![feature("mf")];
    s.def(10, "c", cmd(inline(vec![a]), None)).doc = Some(d);
    s.build();
    let mut s = Schema::new();
    s.def(2, "Args", structure(vec![member("a", named("int"))]));
    let d = s.doc(3, "c", &["a"], &[]);
    let mut boxed = command(data("Args"), None);
    boxed.boxed = true;
    s.def(10, "c", DefinitionKind::Command(boxed)).doc = Some(d);
    assert_eq!(
        s.error(),
        "test.json:4: documented member 'a' does not exist"
    );

    // A union documents the members of its implicit base, not its branches.
    let mut s = Schema::new();
    s.def(2, "E", values(&["x"]));
    let d = s.doc(3, "U", &["t", "x"], &[]);
    s.def(
        10,
        "U",
        union(Data::Inline(vec![member("t", named("E"))]), "t", vec![]),
    )
    .doc = Some(d);
    assert_eq!(
        s.error(),
        "test.json:5: documented member 'x' does not exist"
    );
}

#[test]
fn legacy_simple_unions_desugar_as_qemu_5_2_did() {
    let mut s = Schema::new();
    s.def(2, "Dot", structure(vec![member("r", named("int"))]))
        .cond = Some(Cond::Name("DOT".into()));
    let mut cond_branch = branch("dots", array("Dot"));
    cond_branch.cond = Some(Cond::Name("MANY".into()));
    s.def(
        3,
        "Shape",
        simple_union(vec![branch("name", named("str")), cond_branch]),
    );
    s.def(4, "Other", simple_union(vec![branch("text", named("str"))]));
    assert_eq!(
        s.dump(),
        "object Dot\n    member r: int optional=False\n    if DOT\n\
         object q_obj_str-wrapper\n    member data: str optional=False\n\
         array DotList Dot\n    if DOT\n\
         object q_obj_DotList-wrapper\n    member data: DotList optional=False\n    if DOT\n\
         enum ShapeKind\n    member name\n    member dots\n        if MANY\n\
         object Shape\n    member type: ShapeKind optional=False\n    tag type\n    \
         case name: q_obj_str-wrapper\n    case dots: q_obj_DotList-wrapper\n        if MANY\n\
         enum OtherKind\n    member text\n\
         object Other\n    member type: OtherKind optional=False\n    tag type\n    case text: q_obj_str-wrapper\n"
    );
    let model = s.build();
    let shape = model.get_type(model.lookup_type("Shape").unwrap());
    assert!(shape.as_object().unwrap().legacy_simple_union);
    assert_eq!(shape.meta(), "union");
    assert!(
        model
            .get_type(model.lookup_type("ShapeKind").unwrap())
            .implicit
    );
    // Branch names are values of the implicit enum: a clash is a branch clash.
    let mut s = Schema::new();
    s.def(
        2,
        "U",
        simple_union(vec![
            branch("a-b", named("str")),
            branch("a_b", named("int")),
        ]),
    );
    let message = s.error();
    assert!(
        message.ends_with("branch 'a_b' collides with branch 'a-b'"),
        "{message}"
    );
}

#[test]
fn visitor_walks_modules_in_order() {
    #[derive(Default)]
    struct Names(Vec<String>);
    impl<'m> Visitor<'m> for Names {
        fn visit_module(&mut self, module: &'m qapi_parser::schema::Module) {
            self.0.push(format!("module {}", module.name));
        }
        fn visit_needed(&mut self, entity: &'m qapi_parser::schema::Entity) -> bool {
            !entity.implicit
        }
        fn visit_object_type_flat(
            &mut self,
            entity: &'m qapi_parser::schema::Entity,
            o: &'m qapi_parser::schema::ObjectType,
        ) {
            let members: Vec<&str> = o.members.iter().map(|m| m.name.as_str()).collect();
            self.0
                .push(format!("{} {}", entity.name, members.join(",")));
        }
        fn visit_command(
            &mut self,
            entity: &'m qapi_parser::schema::Entity,
            _: &'m qapi_parser::schema::Command,
        ) {
            self.0.push(entity.name.clone());
        }
    }
    let mut s = Schema::new();
    s.def(2, "Sub", derived("Base", vec![member("b", named("int"))]));
    s.def(3, "Base", structure(vec![member("a", named("int"))]));
    s.def(4, "c", cmd(inline(vec![member("x", named("Sub"))]), None));
    let model = s.build();
    let mut names = Names::default();
    model.visit(&mut names);
    assert_eq!(
        names.0,
        [
            "module ./builtin",
            "module test.json",
            "Sub a,b",
            "Base a",
            "c"
        ]
    );
    let sub = model
        .get_type(model.lookup_type("Sub").unwrap())
        .as_object()
        .unwrap();
    assert_eq!(model.type_name(sub.members[0].defined_in), "Base");
    assert!(matches!(
        model.entity(model.lookup("c").unwrap()).kind,
        EntityKind::Command(_)
    ));
    assert!(model.lookup_type("c").is_none());
}

#[test]
fn deep_forward_base_chains_do_not_overflow_the_stack() {
    let mut s = Schema::new();
    let n = 5000;
    for i in 0..n {
        let base = format!("S{}", i + 1);
        let kind = if i + 1 < n {
            derived(&base, vec![])
        } else {
            structure(vec![])
        };
        s.def(2, &format!("S{i}"), kind);
    }
    let message = s.error();
    assert!(
        message.contains("nests other objects too deeply"),
        "{message}"
    );
    // The same chain defined base first is fine.
    let mut s = Schema::new();
    for i in (0..n).rev() {
        let kind = if i + 1 < n {
            derived(&format!("S{}", i + 1), vec![])
        } else {
            structure(vec![])
        };
        s.def(2, &format!("S{i}"), kind);
    }
    let model = s.build();
    assert_eq!(
        model
            .get_type(model.lookup_type("S0").unwrap())
            .as_object()
            .unwrap()
            .members
            .len(),
        0
    );
}
