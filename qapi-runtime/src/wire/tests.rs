use super::*;
use crate::read::{Num, MAX_DEPTH};

fn decode<T: Decode>(text: &str) -> Result<T, DecodeError> {
    from_str(text)
}

#[test]
fn uint64_takes_negative_int64_like_qemu() {
    assert_eq!(decode::<u64>("-1"), Ok(u64::MAX));
    assert_eq!(decode::<u64>(&u64::MAX.to_string()), Ok(u64::MAX));
    assert_eq!(decode::<i64>("-9223372036854775808"), Ok(i64::MIN));
    assert!(decode::<u64>("1.5").is_err());
    assert!(decode::<u64>("-9223372036854775809").is_err());
    assert!(decode::<u32>("-1").is_err());
    assert!(decode::<u8>("256").is_err());
    assert_eq!(decode::<i8>("-128"), Ok(-128));
    let err = decode::<u8>("  256").unwrap_err();
    assert_eq!(err.to_string(), "integer 256 out of range for u8 (byte 2)");
}

#[test]
fn integers_of_every_length_read_exactly() {
    // Eight digits at a time and one at a time, up to and past 64 bits, with and without a sign.
    let mut digits = String::new();
    for n in 1..=21 {
        digits.push(char::from(b'0' + (n * 7 % 10) as u8));
        for text in [digits.clone(), format!("-{digits}")] {
            let wanted = text.parse::<i128>().unwrap();
            let got = match Reader::new(text.as_bytes()).number().unwrap().0 {
                Num::Unsigned(u) => Some(i128::from(u)),
                Num::Signed(i) => Some(i128::from(i)),
                Num::Float(_) => None,
            };
            let fits = u64::try_from(wanted).is_ok() || i64::try_from(wanted).is_ok();
            assert_eq!(got, fits.then_some(wanted), "{text}");
        }
    }
    for text in [
        "12345678",
        "99999999",
        "10000000",
        "1234567a",
        "1234567:",
        "12345678/",
        "123456789012345678.",
    ] {
        let read = decode::<f64>(text);
        assert_eq!(
            read.ok(),
            text.parse::<f64>().ok().filter(|_| !text.ends_with('.')),
            "{text}"
        );
    }
    assert_eq!(decode::<u64>("18446744073709551615"), Ok(u64::MAX));
    assert!(decode::<u64>("18446744073709551616").is_err());
    assert_eq!(
        decode::<u64>("9999999999999999999"),
        Ok(9_999_999_999_999_999_999)
    );
}

#[test]
fn number_takes_integers() {
    assert_eq!(decode::<f64>("3"), Ok(3.0));
    assert_eq!(decode::<f64>("-2.5e3"), Ok(-2500.0));
    assert_eq!(
        decode::<f64>("18446744073709551616"),
        Ok(18446744073709551616.0)
    );
    assert!(decode::<i64>("3.0").is_err());
    assert!(decode::<f64>("1e999").is_err());
    assert_eq!(to_string(&3.0), "3.0");
    assert_eq!(to_string(&1e300), "1e300");
    assert_eq!(to_string(&f64::NAN), "null");
}

#[test]
fn errors_name_the_path_and_the_offset() {
    let err = decode::<Vec<Vec<u8>>>(r#"[[1], [2, "x"]]"#).unwrap_err();
    assert_eq!(err.path(), "[1][1]");
    assert_eq!(err.offset(), Some(10));
    assert_eq!(
        err.to_string(),
        r#"at `[1][1]`: expected an integer, found string "x" (byte 10)"#
    );
    let err = decode::<Vec<bool>>("[true, 3]").unwrap_err();
    assert_eq!(err.message(), "expected a boolean, found number `3`");
}

#[test]
fn strings_unescape_and_escape() {
    let s: String = decode(r#""a\"b\\c\/\n\u00e9\ud83d\ude00""#).unwrap();
    assert_eq!(s, "a\"b\\c/\n\u{e9}\u{1f600}");
    assert_eq!(to_string(&s), "\"a\\\"b\\\\c/\\n\u{e9}\u{1f600}\"");
    assert_eq!(to_string("\u{1}"), r#""\u0001""#);
    assert!(decode::<String>(r#""\ud800""#).is_err());
    assert!(decode::<String>("\"a\nb\"").is_err());
    assert!(decode::<String>("\"abc").is_err());
    assert!(from_slice::<String>(b"\"\xff\"").is_err());
}

#[test]
fn any_keeps_everything() {
    let text = r#"{"a":[1,-2,2.5,"x",null,true,{}],"b":{"c":false}}"#;
    let v: Value = decode(text).unwrap();
    assert_eq!(v, serde_json::from_str::<Value>(text).unwrap());
    assert_eq!(to_string(&v), text);
}

#[test]
fn trailing_text_and_bad_json_are_errors() {
    assert!(decode::<Value>("1 2").is_err());
    assert!(decode::<Value>("[1,]").is_err());
    assert!(decode::<Value>(r#"{"a" 1}"#).is_err());
    assert!(decode::<Value>("").is_err());
    assert!(decode::<Value>("nul").is_err());
    assert!(decode::<Value>("-").is_err());
}

#[test]
fn deep_nesting_is_an_error_not_an_overflow() {
    let deep = "[".repeat(100_000);
    let err = decode::<Value>(&deep).unwrap_err();
    assert!(err.message().contains("levels deep"), "{err}");
    let nested = format!(
        "{}{}",
        "[".repeat(MAX_DEPTH as usize),
        "]".repeat(MAX_DEPTH as usize)
    );
    assert!(decode::<Value>(&nested).is_ok());
    // Skipped members nest no deeper.
    let skipped = format!(r#"{{"x": {}}}"#, "[".repeat(100_000));
    assert!(decode::<Empty>(&skipped).is_err());
}

#[test]
fn skipping_checks_the_syntax() {
    assert_eq!(
        decode::<Empty>(r#"{"a": [1, {"b": "}"}], "c": {}}"#),
        Ok(Empty)
    );
    assert!(decode::<Empty>(r#"{"a": [1, {"b" 2}]}"#).is_err());
    assert!(decode::<Empty>(r#"{"a": ["x": 1]}"#).is_err());
    assert!(decode::<Empty>(r#"{"a": [1}"#).is_err());
    assert!(decode::<Empty>("[]").is_err());
    assert_eq!(
        decode::<Empty>(r#"{"a": [true, false, null, -1.5e3, "x", {"k": {}}, []]}"#),
        Ok(Empty)
    );
    for bad in [
        r#"{"a": tru}"#,
        r#"{"a": nul}"#,
        r#"{"a": -}"#,
        r#"{"a": [1, {"k" 1}]}"#,
    ] {
        assert!(decode::<Empty>(bad).is_err(), "{bad}");
    }
    let err = decode::<Empty>(r#"{"a": [1, x]}"#).unwrap_err();
    assert_eq!(err.to_string(), "unexpected character 'x' (byte 10)");
}

/// An object with a discriminator `kind` anywhere among its members, as a union reads it.
#[derive(Debug, PartialEq)]
struct Tagged {
    kind: String,
    a: Option<Value>,
}

impl ObjectType for Tagged {
    fn decode_members(m: &mut Members<'_, '_>) -> Result<Self, DecodeError> {
        let kind = m.tag("kind")?.into_owned();
        let mut a = None;
        while let Some(key) = m.next_key()? {
            match &*key {
                "a" => a = Some(m.value("a")?),
                _ => m.skip()?,
            }
        }
        Ok(Tagged { kind, a })
    }
    fn encode_members(&self, _: &mut Writer) {}
}

#[test]
fn the_discriminator_is_found_after_any_members() {
    let kind = |text: &str| decode::<Tagged>(text).map(|t| t.kind);
    // Brackets, quotes and escapes inside skipped strings, nested containers, a `kind` nested in a value.
    let text =
        r#"{"a": [{"x": "]}\"{[", "y": [[], {}]}, "\\"], "b": {"kind": "inner"}, "kind": "outer"}"#;
    assert_eq!(kind(text), Ok("outer".to_owned()));
    assert_eq!(
        decode::<Tagged>(text).unwrap().a,
        Some(serde_json::json!([{"x": "]}\"{[", "y": [[], {}]}, "\\"]))
    );
    assert_eq!(kind(r#"{"kind": "first", "a": 1}"#), Ok("first".to_owned()));
    assert_eq!(
        kind(r#"{"a": "\"kind\": \"no\"", "kind": "yes"}"#),
        Ok("yes".to_owned())
    );
    let missing = kind(r#"{"a": [1, 2], "b": {"kind": "inner"}}"#).unwrap_err();
    assert_eq!(missing.message(), "missing member `kind`");
}

#[test]
fn the_look_for_the_discriminator_lets_no_bad_syntax_through() {
    // The look for `kind` skips members by their brackets alone; the read that follows checks them.
    for text in [
        r#"{"a": [1 2], "kind": "k"}"#,
        r#"{"a": [1}, "kind": "k"}"#,
        r#"{"a": {"x" 1}, "kind": "k"}"#,
        r#"{"a": ["\q"], "kind": "k"}"#,
        r#"{"a": [1, "kind": "k"}"#,
        r#"{"a": [1, 2]]], "kind": "k"}"#,
        r#"{"a": ["x], "kind": "k"}"#,
        "{\"a\": [\"\u{1}\"], \"kind\": \"k\"}",
    ] {
        let err = decode::<Tagged>(text).unwrap_err();
        assert!(err.offset().is_some(), "{text}: {err}");
    }
}

#[test]
fn empty_takes_any_object() {
    let e: Empty = serde_json::from_str(r#"{"x": 1}"#).unwrap();
    assert_eq!(serde_json::to_string(&e).unwrap(), "{}");
    assert!(serde_json::from_str::<Empty>("[]").is_err());
}

#[test]
fn event_data_null_is_an_empty_object() {
    assert_eq!(event_data::<Empty>(b"null"), Ok(Empty));
    let err = event_data::<Empty>(b"3").unwrap_err();
    assert_eq!(err.path(), "data");
}

#[test]
fn serde_json_hands_the_codec_text_or_a_value() {
    // From text (the raw value path) and from a `Value` (serde_json's Value deserializer, same path).
    assert_eq!(
        serde_json::from_slice::<Empty>(br#" {"a": [1]} "#).unwrap(),
        Empty
    );
    assert_eq!(
        serde_json::from_value::<Empty>(serde_json::json!({"a": 1})).unwrap(),
        Empty
    );
    let err = serde_json::from_str::<Empty>("[1]").unwrap_err();
    assert!(
        err.to_string()
            .contains("expected an object, found an array"),
        "{err}"
    );
    let t: crate::Timestamp = serde_json::from_str(r#"{"seconds": 1, "microseconds": 2}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"seconds":1,"microseconds":2}"#
    );
}

#[test]
fn serde_json_takes_the_codecs_text_as_a_raw_value() {
    let t = crate::Timestamp {
        seconds: 1,
        microseconds: 2,
    };
    assert!(takes_raw_json::<&mut serde_json::Serializer<Vec<u8>>>());
    assert!(takes_raw_json::<serde_json::value::Serializer>());
    assert!(!takes_raw_json::<&mut String>());
    assert_eq!(
        serde_json::to_string_pretty(&vec![t]).unwrap(),
        "[\n  {\"seconds\":1,\"microseconds\":2}\n]"
    );
    assert_eq!(
        serde_json::to_value(t).unwrap(),
        serde_json::json!({"seconds": 1, "microseconds": 2})
    );
}

#[test]
fn other_serializers_are_fed_value_by_value() {
    let text = r#"{"a":[1,-2,2.5,"x\"y",true,null,{}],"b":{"c":[]}}"#;
    let mut out = Vec::new();
    crate::read::transcode(text.as_bytes(), &mut serde_json::Serializer::new(&mut out)).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), text);
    for bad in ["[1,]", "{\"a\" 1}", "[1] 2", "{\"a\":1,}"] {
        let mut out = Vec::new();
        let result =
            crate::read::transcode(bad.as_bytes(), &mut serde_json::Serializer::new(&mut out));
        assert!(result.is_err(), "{bad}");
    }
}

#[test]
fn pre_quoted_keys_take_the_place_of_the_comma_or_the_brace() {
    struct Inner(Option<u8>, Vec<Inner>);
    impl ObjectType for Inner {
        fn decode_members(_: &mut Members<'_, '_>) -> Result<Self, DecodeError> {
            Ok(Inner(None, Vec::new()))
        }
        fn encode_members(&self, w: &mut Writer) {
            w.field_opt(b",\"a\":", &self.0);
            w.field(b",\"list\":", &self.1);
        }
    }
    struct Outer(Inner);
    impl ObjectType for Outer {
        fn decode_members(_: &mut Members<'_, '_>) -> Result<Self, DecodeError> {
            Ok(Outer(Inner(None, Vec::new())))
        }
        fn encode_members(&self, w: &mut Writer) {
            w.member("by name", &1u8);
            w.field(b",\"in\":", &self.0);
            w.field(b",\"e\":", &Empty);
            self.0.encode_members(w);
        }
    }
    let inner = Inner(None, vec![Inner(Some(1), vec![]), Inner(None, vec![])]);
    assert_eq!(
        to_string(&inner),
        r#"{"list":[{"a":1,"list":[]},{"list":[]}]}"#
    );
    assert_eq!(
        to_string(&Outer(inner)),
        concat!(
            r#"{"by name":1,"in":{"list":[{"a":1,"list":[]},{"list":[]}]},"e":{},"#,
            r#""list":[{"a":1,"list":[]},{"list":[]}]}"#
        )
    );
    // Misuse (a member with no object open) does not panic.
    let mut w = Writer::from_vec(Vec::new());
    w.field(b",\"top\":", &true);
    assert_eq!(w.into_vec(), b"{\"top\":true");
}

#[test]
fn strings_of_every_short_length_are_written_as_serde_json_writes_them() {
    // Every length around the short path's cases, with each special byte at each place (the short path reads
    // overlapping words: a byte to escape must be found wherever it is).
    let letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP";
    for len in 0..=40 {
        let plain: String = "abcdéfghijklmnopqrstuvwxyz0123456789ABCDEFGH"
            .chars()
            .take(len)
            .collect();
        assert_eq!(to_string(&plain), serde_json::to_string(&plain).unwrap());
        for at in 0..len {
            for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', '\u{7f}', ' ', '\u{e9}'] {
                let mut s: Vec<char> = letters.chars().take(len).collect();
                s[at] = special;
                let s: String = s.into_iter().collect();
                assert_eq!(to_string(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
                assert_eq!(decode::<String>(&to_string(&s)), Ok(s));
            }
        }
    }
}

#[test]
fn strings_are_written_whole_whatever_room_the_buffer_has() {
    for len in [0, 3, 9, 16, 17, 32, 33, 100] {
        let s = "x".repeat(len);
        for room in 0..40 {
            let mut w = Writer::from_vec(Vec::with_capacity(room));
            w.str(&s);
            w.str("a\"b");
            assert_eq!(w.into_vec(), format!("\"{s}\"\"a\\\"b\"").into_bytes());
        }
    }
}

#[test]
fn integers_and_booleans_of_every_length() {
    let mut n = 1u64;
    for _ in 0..20 {
        for m in [n - 1, n, n + 1, n.wrapping_mul(9)] {
            assert_eq!(to_string(&m), m.to_string());
            assert_eq!(to_string(&(m as i64)), (m as i64).to_string());
            assert_eq!(
                to_string(&(m as i64).wrapping_neg()),
                (m as i64).wrapping_neg().to_string()
            );
        }
        n = n.wrapping_mul(10);
    }
    for m in [u64::MAX, 0] {
        assert_eq!(to_string(&m), m.to_string());
    }
    assert_eq!(to_string(&i64::MIN), i64::MIN.to_string());
    assert_eq!(to_string(&vec![true, false, true]), "[true,false,true]");
}
