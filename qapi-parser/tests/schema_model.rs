//! The schema stage on definitions built directly (no parser involved): QEMU's definition order and implicit
//! types, doc connection, legacy simple unions, and the model's API.

mod schema_support;

use schema_support::*;

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
        fn visit_module(&mut self, module: &'m qapi_schema::schema::Module) {
            self.0.push(format!("module {}", module.name));
        }
        fn visit_needed(&mut self, entity: &'m qapi_schema::schema::Entity) -> bool {
            !entity.implicit
        }
        fn visit_object_type_flat(
            &mut self,
            entity: &'m qapi_schema::schema::Entity,
            o: &'m qapi_schema::schema::ObjectType,
        ) {
            let members: Vec<&str> = o.members.iter().map(|m| m.name.as_str()).collect();
            self.0
                .push(format!("{} {}", entity.name, members.join(",")));
        }
        fn visit_command(
            &mut self,
            entity: &'m qapi_schema::schema::Entity,
            _: &'m qapi_schema::schema::Command,
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
