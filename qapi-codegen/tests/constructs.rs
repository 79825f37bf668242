//! The generated code for `schemas/constructs.json` and `schemas/legacy.json`, compiled with `deny(warnings)`
//! and exercised: wire format, round trips, unknown values and branches, alternates, commands, events, metadata.

// In a test binary the bindings' public re-exports and items are private to the crate: what a library would
// export is unused here.
#[rustfmt::skip]
#[path = "generated/constructs.rs"]
#[deny(warnings)]
#[allow(unused_imports, dead_code)]
mod bindings;

#[rustfmt::skip]
#[path = "generated/legacy.rs"]
#[deny(warnings)]
#[allow(unused_imports, dead_code)]
mod legacy_bindings;

use crate::bindings::*;
use qapi_runtime::{Command, Decode, DecodeError, Definition, Encode, Event, EventSet, Executor};
use serde_json::{json, Value};

/// Decodes the JSON text of `value` with the codec.
fn try_decode<T: Decode>(value: Value) -> Result<T, DecodeError> {
    qapi_runtime::from_str(&value.to_string())
}

fn decode<T: Decode>(value: Value) -> T {
    try_decode(value).unwrap()
}

/// Encodes with the codec, read back as a `Value` to compare.
fn encode<T: Encode>(value: &T) -> Value {
    serde_json::from_slice(&qapi_runtime::to_vec(value)).unwrap()
}

/// Decodes, re-encodes, and checks the JSON is unchanged; serde's traits (on top of the codec) agree.
fn round_trip<T>(value: Value) -> T
where
    T: Decode
        + Encode
        + serde::de::DeserializeOwned
        + serde::Serialize
        + PartialEq
        + std::fmt::Debug,
{
    let decoded: T = decode(value.clone());
    assert_eq!(encode(&decoded), value);
    assert_eq!(serde_json::from_value::<T>(value.clone()).unwrap(), decoded);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
    decoded
}

#[test]
fn enum_values_keep_their_wire_names() {
    assert_eq!(round_trip::<Color>(json!("x86_64")), Color::X86_64);
    assert_eq!(round_trip::<Color>(json!("1st")), Color::_1st);
    assert_eq!(round_trip::<Color>(json!("unknown")), Color::Unknown);
    // The schema's `other` does not take the catch-all's name.
    assert_eq!(round_trip::<Color>(json!("other")), Color::Other2);
    assert_eq!(Color::Red.to_string(), "red");
}

#[test]
fn unknown_enum_values_are_kept() {
    let purple = round_trip::<Color>(json!("purple"));
    assert_eq!(purple, Color::Other("purple".into()));
    assert_eq!(purple.as_str(), "purple");
    assert_eq!(
        round_trip::<Empty>(json!("anything")),
        Empty::Other("anything".into())
    );
}

#[test]
fn case_collisions_are_numbered_in_schema_order() {
    assert_eq!(
        round_trip::<CaseValues>(json!("fooBar")),
        CaseValues::FooBar
    );
    assert_eq!(
        round_trip::<CaseValues>(json!("foo-bar")),
        CaseValues::FooBar2
    );
    let c = round_trip::<Collide>(json!({"fooBar": 1, "foo-bar": 2, "FOO": "x"}));
    assert_eq!(
        (c.foo_bar, c.foo_bar_2, c.foo.as_deref()),
        (1, 2, Some("x"))
    );
}

#[test]
fn struct_with_base_round_trips_and_converts_to_its_base() {
    let v = json!({"id": "a", "type": "red", "size": 4096, "self": -3, "match": true, "ratio": 0.5,
                   "raw": {"x": [1]}, "x-debug": false, "tls": "on", "tags": ["t1", "t2"]});
    let d = round_trip::<Derived>(v);
    assert_eq!(d.id, "a");
    assert_eq!(d.self_, Some(-3));
    assert_eq!(d.r#match, Some(true));
    let base: Base = d.into();
    assert_eq!(base.r#type, Some(Color::Red));
}

#[test]
fn optional_members_are_omitted_when_absent() {
    let d = Derived::new("a", 1)
        .with_count(7)
        .with_tags(vec!["x".into()]);
    assert_eq!(
        encode(&d),
        json!({"id": "a", "size": 1, "count": 7, "tags": ["x"]})
    );
}

#[test]
#[allow(deprecated)]
fn deprecated_items_stay_usable() {
    let mut d = Derived::new("a", 1);
    d.old_name = Some("old".into());
    assert_eq!(encode(&d)["old-name"], "old");
    assert_eq!(Color::Old.as_str(), "old");
}

#[test]
fn members_a_newer_qemu_added_are_ignored() {
    let b: Base = decode(json!({"id": "a", "brand-new": 1}));
    assert_eq!(b, Base::new("a"));
}

#[test]
fn integers_accept_what_qemu_accepts() {
    // `size` takes a negative int64 and reinterprets it, like QEMU's input visitor.
    let d: Derived = decode(json!({"id": "a", "size": -1}));
    assert_eq!(d.size, u64::MAX);
    let err = try_decode::<Derived>(json!({"id": "a", "size": 1, "count": -1})).unwrap_err();
    assert_eq!(err.path(), "count");
    // Through serde the codec's error is the message.
    let err = serde_json::from_value::<Derived>(json!({"id": "a", "size": 1.5})).unwrap_err();
    assert!(err.to_string().contains("expected an integer"), "{err}");
}

#[test]
fn decode_errors_name_the_json_path() {
    let text = r#"{"kind": "group", "mode": "all", "shapes": [{"kind": "square", "side": 1}, {"kind": "square"}]}"#;
    let err = qapi_runtime::from_str::<Shape>(text).unwrap_err();
    assert_eq!(err.path(), "shapes[1]");
    assert_eq!(err.message(), "missing member `side`");
    // The offset is that of the object missing the member.
    assert_eq!(err.offset(), text.rfind('{'));
    assert_eq!(
        err.to_string(),
        format!(
            "at `shapes[1]`: missing member `side` (byte {})",
            text.rfind('{').unwrap()
        )
    );
    // The discriminator may come last; a missing one is an error too.
    let s: Shape = decode(json!({"radius": 2, "label": "l", "kind": "circle"}));
    assert_eq!(s.kind, ShapeBranch::Circle(Circle::new(2.0)));
    let err = try_decode::<Shape>(json!({"radius": 2})).unwrap_err();
    assert_eq!(err.message(), "missing member `kind`");
    // A wrong value is named by its member: the branch's own, the union's base member read while the branch is,
    // and one inside a nested union's branch.
    let err = try_decode::<Shape>(json!({"kind": "circle", "radius": "r"})).unwrap_err();
    assert_eq!(err.path(), "radius");
    let err = try_decode::<Shape>(json!({"kind": "circle", "radius": 1, "label": 5})).unwrap_err();
    assert_eq!(err.path(), "label");
    let v = json!({"kind": "group", "mode": "all", "shapes": [{"kind": "circle", "label": [], "radius": 1}]});
    let err = try_decode::<Shape>(v).unwrap_err();
    assert_eq!(err.path(), "shapes[0].label");
}

#[test]
fn union_branches_share_the_object_with_the_base() {
    let s = round_trip::<Shape>(json!({"kind": "circle", "radius": 1.5, "label": "c"}));
    assert_eq!(s.label.as_deref(), Some("c"));
    assert_eq!(s.kind, ShapeBranch::Circle(Circle::new(1.5)));
    assert_eq!(s.kind.tag(), ShapeKind::Circle);
    let p = round_trip::<Shape>(json!({"kind": "point"}));
    assert_eq!(p.kind, ShapeBranch::Point);
    let base: ShapeBase = s.into();
    assert_eq!(base.kind, ShapeKind::Circle);
}

#[test]
fn nested_unions_and_recursion_through_a_union() {
    let v = json!({"kind": "group", "mode": "any", "first": {"kind": "group", "mode": "all", "shapes": []}});
    let s = round_trip::<Shape>(v);
    let ShapeBranch::Group(g) = &s.kind else {
        panic!("{s:?}")
    };
    let GroupBranch::Any(any) = &g.mode else {
        panic!("{g:?}")
    };
    assert!(matches!(any.first.kind, ShapeBranch::Group(_)));
    // One pass over the members, in any order: the outer union's base member and its discriminator read from
    // within the inner union's branch, the discriminators last.
    let v = json!({"first": {"shapes": [], "mode": "all", "kind": "group"}, "label": "L", "mode": "any", "kind": "group"});
    let s = round_trip::<Shape>(v);
    assert_eq!(s.label.as_deref(), Some("L"));
    let ShapeBranch::Group(g) = &s.kind else {
        panic!("{s:?}")
    };
    assert!(
        matches!(&g.mode, GroupBranch::Any(any) if matches!(any.first.kind, ShapeBranch::Group(_)))
    );
}

#[test]
fn unknown_union_tags_are_kept_with_their_members() {
    let v = json!({"kind": "hexagon", "label": "h", "sides": 6});
    let s = round_trip::<Shape>(v);
    assert_eq!(s.label.as_deref(), Some("h"));
    let ShapeBranch::Other { tag, members } = &s.kind else {
        panic!("{s:?}")
    };
    assert_eq!(tag, "hexagon");
    assert_eq!(members["sides"], 6);
    assert_eq!(s.kind.tag(), ShapeKind::Other("hexagon".into()));
    // In a union nested as a branch, an unknown branch keeps only what neither union claims.
    let v = json!({"kind": "group", "label": "g", "mode": "some", "x": [1]});
    let s = round_trip::<Shape>(v);
    let ShapeBranch::Group(g) = &s.kind else {
        panic!("{s:?}")
    };
    let GroupBranch::Other { tag, members } = &g.mode else {
        panic!("{g:?}")
    };
    assert_eq!((tag.as_str(), members.len()), ("some", 1));
    assert_eq!(members["x"], json!([1]));
}

#[test]
fn debug_reads_like_derive() {
    let b = Base::new("a").with_type(Color::Red);
    let text = format!("{b:?}");
    assert!(text.starts_with("Base { id: \"a\", "), "{text}");
    assert!(text.ends_with(": Some(Red) }"), "{text}");
}

#[test]
fn alternates_are_chosen_by_json_type() {
    assert_eq!(round_trip::<Scalar>(json!(1.5)), Scalar::N(1.5));
    assert_eq!(round_trip::<Scalar>(json!(true)), Scalar::B(true));
    assert_eq!(round_trip::<Scalar>(json!(null)), Scalar::Z);
    assert_eq!(round_trip::<Scalar>(json!([1, 2])), Scalar::L(vec![1, 2]));
    assert_eq!(
        round_trip::<Scalar>(json!({"id": "x"})),
        Scalar::O(Base::new("x"))
    );
    let err = try_decode::<Scalar>(json!("s")).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a number or a boolean or null or an array or an object"),
        "{err}"
    );
    // A string goes to the enum branch, an array to the list branch, unknown values kept.
    assert_eq!(
        round_trip::<ColorOrColors>(json!("teal")),
        ColorOrColors::Color(Color::Other("teal".into()))
    );
    assert_eq!(
        round_trip::<ColorOrColors>(json!(["red"])),
        ColorOrColors::List(vec![Color::Red])
    );
}

#[test]
fn recursive_types_are_boxed() {
    let v = json!({"name": "a", "children": [{"name": "b"}], "next": {"name": "c", "next": "a"}});
    let n = round_trip::<Node>(v);
    let Some(NodeRef::Node(next)) = &n.next else {
        panic!("{n:?}")
    };
    assert_eq!(next.next, Some(NodeRef::Name("a".into())));
}

#[test]
fn commands_carry_their_properties() {
    assert_eq!(Draw::NAME, "draw");
    // Read through a function so that the checks are on the trait's values, not constant-folded asserts.
    fn flags<C: Command>() -> [bool; 5] {
        [
            C::ALLOW_OOB,
            C::ALLOW_PRECONFIG,
            C::SUCCESS_RESPONSE,
            C::DEPRECATED,
            C::UNSTABLE,
        ]
    }
    assert_eq!(flags::<Draw>(), [false, true, true, false, false]);
    assert_eq!(flags::<QueryShapes>(), [true, false, true, false, false]);
    fn oob<C: qapi_runtime::OobCommand>() {}
    oob::<QueryShapes>();
    assert_eq!(flags::<ShutdownNow>(), [false, false, false, false, false]);
    #[allow(deprecated)]
    let clear = flags::<Clear>();
    assert_eq!(clear, [false, false, true, true, false]);
    assert_eq!(ComExampleFrob::NAME, "__com.example_frob");
    let args = Draw::new(Shape::new(ShapeBranch::Point)).with_color(Color::Red);
    assert_eq!(
        encode(&args),
        json!({"shape": {"kind": "point"}, "color": "red"})
    );
    let ret: <Draw as Command>::Returns = decode(json!({"id": "d0"}));
    assert_eq!(ret.id, "d0");
    let shapes: <QueryShapes as Command>::Returns = decode(json!([{"kind": "point"}]));
    assert_eq!(shapes.len(), 1);
    assert_eq!(encode(&QueryShapes::new()), json!({}));
    let boxed = AddShape(Shape::new(ShapeBranch::Square(Square::new(2))));
    assert_eq!(encode(&boxed), json!({"kind": "square", "side": 2}));
    let _: qapi_runtime::Empty = decode::<<AddShape as Command>::Returns>(json!({}));
}

#[test]
fn hand_written_commands_keep_further_arguments() {
    let v = json!({"driver": "e1000", "id": "n1", "mac": "52:54:00:12:34:56", "bus": "pci.0"});
    let p = round_trip::<Plug>(v);
    assert_eq!(p.extra["mac"], "52:54:00:12:34:56");
    let built = Plug::new("virtio-net").with_argument("netdev", json!("hn0"));
    assert_eq!(
        encode(&built),
        json!({"driver": "virtio-net", "netdev": "hn0"})
    );
}

/// A blocking client that records requests and answers from a script.
struct Script(std::cell::RefCell<Vec<(Value, Value)>>);

impl Executor for Script {
    type Output<'a, C: Command + Send + 'a> = Result<C::Returns, DecodeError>;
    fn execute<'a, C: Command + Send + 'a>(&'a self, command: C) -> Self::Output<'a, C> {
        let request = json!({"execute": C::NAME, "arguments": encode(&command)});
        let reply = self
            .0
            .borrow()
            .iter()
            .find(|(r, _)| *r == request)
            .map(|(_, a)| a.clone());
        try_decode(reply.unwrap_or(Value::Null))
    }
}

#[test]
fn every_executor_gets_one_method_per_command() {
    let script = Script(std::cell::RefCell::new(vec![
        (
            json!({"execute": "query-shapes", "arguments": {}}),
            json!([{"kind": "circle", "radius": 2}]),
        ),
        (
            json!({"execute": "__com.example_frob", "arguments": {}}),
            json!({}),
        ),
        (
            json!({"execute": "__com.example_frob", "arguments": {"__com.example_level": 3}}),
            json!({}),
        ),
        (
            json!({"execute": "draw", "arguments": {"shape": {"kind": "square", "side": 1}}}),
            json!({"id": "b"}),
        ),
    ]));
    let shapes = script.query_shapes().unwrap();
    assert_eq!(shapes[0].kind, ShapeBranch::Circle(Circle::new(2.0)));
    // A command whose arguments are all optional takes them: absent, or set.
    script.com_example_frob(Default::default()).unwrap();
    script
        .com_example_frob(ComExampleFrob::new().with_com_example_level(3))
        .unwrap();
    // A union built from its branch's struct.
    let drawn = script.draw(Draw::new(Square::new(1).into())).unwrap();
    assert_eq!(drawn.id, "b");
}

/// `From` where the schema makes it unambiguous: an alternate from each branch type (and `&str` for its `str`
/// branch), a union's branch enum from each branch struct, the union too when its other members are optional.
#[test]
fn unions_and_alternates_convert_from_their_branches() {
    assert_eq!(NodeRef::from("n1"), NodeRef::Name("n1".into()));
    let node = Node::new("n2");
    assert_eq!(
        NodeRef::from(node.clone()),
        round_trip(json!({"name": "n2"}))
    );
    assert_eq!(
        Shape::from(Circle::new(1.5)),
        round_trip(json!({"kind": "circle", "radius": 1.5}))
    );
    assert_eq!(
        ShapeBranch::from(Square::new(4)),
        ShapeBranch::Square(Square::new(4))
    );
}

#[test]
fn events_decode_by_name_and_unknown_ones_are_kept() {
    let e =
        AnyEvent::from_parts("SHAPE_DRAWN", br#"{"id": "d", "shape": {"kind": "point"}}"#).unwrap();
    let AnyEvent::ShapeDrawn(drawn) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(drawn.id, "d");
    assert_eq!(e.name(), "SHAPE_DRAWN");
    // Every event's struct ends in `Event`; its `AnyEvent` variant does not.
    assert_eq!(ShapeDrawnEvent::NAME, "SHAPE_DRAWN");
    // An event without data, sent without `data`.
    #[allow(deprecated)]
    let cleared = AnyEvent::from_parts("CLEARED", b"null").unwrap();
    assert_eq!(cleared.name(), "CLEARED");
    // An event named like a type: the suffix keeps them apart.
    assert_eq!(BaseEvent::NAME, "BASE");
    assert_eq!(Base::INFO.name, "Base");
    let node = AnyEvent::from_parts("NODE_ADDED", br#"{"name": "n"}"#).unwrap();
    assert!(matches!(&node, AnyEvent::NodeAdded(n) if n.name == "n"));
    let new = AnyEvent::from_parts("BRAND_NEW", br#"{"x": 1}"#).unwrap();
    assert_eq!(
        new,
        AnyEvent::Unknown {
            name: "BRAND_NEW".into(),
            data: json!({"x": 1})
        }
    );
    let err = AnyEvent::from_parts("SHAPE_DRAWN", br#"{"id": 1}"#).unwrap_err();
    assert!(err.to_string().contains("at `data.id`"), "{err}");
}

#[test]
fn definitions_carry_metadata() {
    assert_eq!(Color::INFO.since, Some("9.2"));
    assert_eq!(Color::INFO.module, "constructs");
    assert_eq!(ShutdownNow::INFO.condition, Some("CONFIG_SHUTDOWN"));
    #[allow(deprecated)]
    let clear = Clear::INFO;
    assert!(clear.is_deprecated());
    assert_eq!(ComExampleWidget::INFO.name, "__com.example_Widget");
    assert_eq!(ComExampleWidget::INFO.module, "constructs-sub");
}

#[test]
fn legacy_simple_unions_have_their_own_wire_form() {
    use crate::legacy_bindings::*;
    let v = round_trip::<Value>(json!({"type": "point", "data": {"x": 1, "y": 2}}));
    assert_eq!(v, Value::Point(Point::new(1, 2)));
    assert_eq!(
        round_trip::<Value>(json!({"type": "text", "data": "t"})),
        Value::Text("t".into())
    );
    let other = round_trip::<Value>(json!({"type": "blob", "data": [1]}));
    assert_eq!(
        other,
        Value::Other {
            tag: "blob".into(),
            data: json!([1])
        }
    );
    let h = round_trip::<Holder>(json!({"value": {"type": "number", "data": 3}}));
    assert_eq!(h.value, Value::Number(3));
    // The front end reads the old C-expression condition into the 9.2 form.
    assert_eq!(
        Holder::INFO.condition,
        Some("all(CONFIG_LEGACY, not(CONFIG_NEW))")
    );
}
