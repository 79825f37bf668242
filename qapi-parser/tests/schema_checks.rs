//! The schema stage's checks on definitions built directly: QEMU's messages, places and order.

mod schema_support;

use schema_support::*;

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
