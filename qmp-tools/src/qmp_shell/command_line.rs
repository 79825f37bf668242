//! The shell's command syntax: `name key=value ...`.
//!
//! Words are split on blanks outside quotes and outside `{...}`/`[...]`, so JSON values may contain spaces. A value
//! is JSON where it reads as JSON (`{...}`, `[...]`, `"text"`, numbers, `true`, `false`, `null`), a literal string
//! in single quotes, and plain text otherwise. Dotted keys build nested objects: `cache.direct=true` is
//! `{"cache": {"direct": true}}`.
//!
//! A number or boolean written without quotes is remembered with its text ([`Loose`]), so that where the schema
//! wants a string (`node-name=123`) the text can be sent as typed.

use serde_json::{Map, Value};

/// One word of a line and where it starts (a byte offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word, quotes and escapes resolved.
    pub text: String,
    /// Its byte offset in the line.
    pub start: usize,
}

/// A value written without quotes that was read as a number, boolean or null, with its text as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loose {
    /// The keys that lead to the value (`a.b` is `["a", "b"]`).
    pub path: Vec<String>,
    /// The value as typed.
    pub text: String,
}

/// Arguments read from `key=value` words.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Arguments {
    /// The arguments as a JSON object.
    pub object: Map<String, Value>,
    /// Unquoted values read as numbers, booleans or null: if the schema wants a string there, the text as typed.
    pub loose: Vec<Loose>,
}

/// Splits a line into words. With `lenient`, an unclosed quote or bracket ends the last word instead of being an
/// error (completion works on lines still being typed).
///
/// Outside quotes and brackets a backslash takes the next character as it is, as Python's `shlex` (which Python's
/// qmp-shell reads lines with) does: `name=a\ b` is the text `a b`. A value with such an escape is plain text,
/// never JSON.
pub fn split_words(line: &str, lenient: bool) -> Result<Vec<Word>, String> {
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut outside_escape = false;
    let mut literal = false;
    let mut depth = 0usize;
    for (i, c) in line.char_indices() {
        if outside_escape {
            outside_escape = false;
            current
                .get_or_insert_with(|| Word {
                    text: String::new(),
                    start: i,
                })
                .text
                .push(c);
            continue;
        }
        if quote.is_none() && depth == 0 && c.is_whitespace() {
            words.extend(current.take().map(|w| finish_word(w, literal)));
            literal = false;
            continue;
        }
        let word = current.get_or_insert_with(|| Word {
            text: String::new(),
            start: i,
        });
        if quote.is_none() && depth == 0 && c == '\\' {
            outside_escape = true;
            literal = true;
            continue;
        }
        word.text.push(c);
        match quote {
            Some(_) if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '{' | '[' => depth += 1,
                '}' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    if !lenient {
        if outside_escape {
            return Err("the line ends with a backslash".to_owned());
        }
        if let Some(q) = quote {
            return Err(format!("unclosed {q} quote"));
        }
        if depth > 0 {
            return Err("unclosed { or [".to_owned());
        }
    }
    words.extend(current.map(|w| finish_word(w, literal)));
    Ok(words)
}

/// A word that had a backslash escape: its value becomes a single-quoted literal, so that it is read as text.
fn finish_word(mut word: Word, literal: bool) -> Word {
    if literal {
        if let Some((key, value)) = word.text.split_once('=') {
            word.text = format!("{key}='{value}'");
        }
    }
    word
}

/// Reads a double-quoted text that is not valid JSON as Python's shlex would: `\"` and `\\` are escapes, any
/// other backslash stays.
fn shlex_double_quoted(inner: &str) -> String {
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some('"' | '\\')) => out.extend(chars.next()),
            _ => out.push(c),
        }
    }
    out
}

/// How one value text reads: the JSON value, and whether it was a loose (unquoted non-string) scalar.
pub fn parse_value(text: &str) -> Result<(Value, bool), String> {
    if let Some(rest) = text.strip_prefix('\'') {
        return match rest.strip_suffix('\'') {
            Some(inner) => Ok((Value::String(inner.to_owned()), false)),
            None => Err(format!("unclosed ' quote in {text}")),
        };
    }
    if text.starts_with(['{', '[', '"']) {
        let json = serde_json::from_str(text).map(|v| (v, false));
        if json.is_err() && text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
            let inner = &text[1..text.len() - 1];
            return Ok((Value::String(shlex_double_quoted(inner)), false));
        }
        return json.map_err(|e| format!("{text} is not valid JSON: {e}"));
    }
    match text {
        "true" => return Ok((Value::Bool(true), true)),
        "false" => return Ok((Value::Bool(false), true)),
        "null" => return Ok((Value::Null, true)),
        _ => {}
    }
    // Only text that is a JSON number as a whole counts: `1e3` yes, `0x10`, `1G` or `08` stay text.
    if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        if let Ok(n) = serde_json::from_str::<serde_json::Number>(text) {
            return Ok((Value::Number(n), true));
        }
    }
    Ok((Value::String(text.to_owned()), false))
}

/// Reads `key=value` words into an object.
pub fn parse_arguments<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<Arguments, String> {
    let mut args = Arguments::default();
    for word in words {
        let Some((key, text)) = word.split_once('=') else {
            return Err(format!("expected key=value, got '{word}'"));
        };
        let path: Vec<String> = key.split('.').map(str::to_owned).collect();
        if path.iter().any(String::is_empty) {
            return Err(format!("'{key}' is not a valid key"));
        }
        let (value, loose) = parse_value(text).map_err(|e| format!("{key}: {e}"))?;
        insert(&mut args.object, &path, value)?;
        if loose {
            args.loose.push(Loose {
                path,
                text: text.to_owned(),
            });
        }
    }
    Ok(args)
}

fn insert(object: &mut Map<String, Value>, path: &[String], value: Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut here = object;
    for (i, part) in parents.iter().enumerate() {
        let slot = here
            .entry(part.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        here = match slot {
            Value::Object(map) => map,
            _ => {
                return Err(format!(
                    "'{}' is given a value and also used as an object",
                    path[..=i].join(".")
                ))
            }
        };
    }
    if here.contains_key(last) {
        return Err(format!("'{}' is given more than once", path.join(".")));
    }
    here.insert(last.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words(line: &str) -> Vec<String> {
        split_words(line, false)
            .unwrap()
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn splits_outside_quotes_and_brackets() {
        assert_eq!(
            words(r#"  blockdev-add  options={"a": [1, 2]}  desc="two words" x='it is'"#),
            [
                "blockdev-add",
                r#"options={"a": [1, 2]}"#,
                r#"desc="two words""#,
                "x='it is'"
            ]
        );
        assert_eq!(words(r#"a="q\"uote d" b"#), [r#"a="q\"uote d""#, "b"]);
        assert_eq!(split_words("ab  cd", false).unwrap()[1].start, 4);
        assert!(split_words("a=\"open", false).is_err());
        assert!(split_words("a={\"x\": 1", false).is_err());
        assert_eq!(split_words("a=\"open b", true).unwrap().len(), 1);
    }

    #[test]
    fn backslashes_read_as_python_s_shlex_reads_them() {
        assert_eq!(
            words(r"device_add id=a\ b x=1"),
            ["device_add", "id='a b'", "x=1"]
        );
        let a =
            parse_arguments(words(r"id=a\ b n=\1 q=\'x s=\\").iter().map(String::as_str)).unwrap();
        assert_eq!(
            Value::Object(a.object),
            json!({"id": "a b", "n": "1", "q": "'x", "s": "\\"})
        );
        assert!(a.loose.is_empty());
        assert!(split_words(r"a=b\", false)
            .unwrap_err()
            .contains("backslash"));
        assert_eq!(parse_value(r#""C:\dir\"""#).unwrap().0, json!(r#"C:\dir""#));
        assert_eq!(parse_value(r#""tab\there""#).unwrap().0, json!("tab\there"));
    }

    #[test]
    fn values_are_json_where_they_read_as_json() {
        assert_eq!(parse_value("12").unwrap(), (json!(12), true));
        assert_eq!(parse_value("-1.5").unwrap(), (json!(-1.5), true));
        assert_eq!(parse_value("true").unwrap(), (json!(true), true));
        assert_eq!(parse_value("null").unwrap(), (json!(null), true));
        assert_eq!(parse_value("\"12\"").unwrap(), (json!("12"), false));
        assert_eq!(parse_value("'a b'").unwrap(), (json!("a b"), false));
        assert_eq!(parse_value("[1,\"x\"]").unwrap(), (json!([1, "x"]), false));
        assert_eq!(parse_value("1G").unwrap(), (json!("1G"), false));
        assert_eq!(parse_value("0x10").unwrap(), (json!("0x10"), false));
        assert_eq!(
            parse_value("/dev/null").unwrap(),
            (json!("/dev/null"), false)
        );
        assert_eq!(parse_value("").unwrap(), (json!(""), false));
        assert!(parse_value("{oops}")
            .unwrap_err()
            .contains("not valid JSON"));
    }

    #[test]
    fn dotted_keys_nest() {
        let a = parse_arguments([
            "driver=file",
            "cache.direct=true",
            "cache.no-flush=false",
            "id=7",
        ])
        .unwrap();
        assert_eq!(
            Value::Object(a.object),
            json!({"driver": "file", "cache": {"direct": true, "no-flush": false}, "id": 7})
        );
        assert_eq!(a.loose.len(), 3);
        assert_eq!(
            a.loose[2],
            Loose {
                path: vec!["id".into()],
                text: "7".into()
            }
        );
    }

    #[test]
    fn conflicting_keys_are_refused() {
        assert!(parse_arguments(["a=1", "a=2"])
            .unwrap_err()
            .contains("more than once"));
        assert!(parse_arguments(["a=1", "a.b=2"])
            .unwrap_err()
            .contains("also used as an object"));
        assert!(parse_arguments(["a.b=1", "a=2"])
            .unwrap_err()
            .contains("more than once"));
        assert!(parse_arguments(["novalue"])
            .unwrap_err()
            .contains("expected key=value"));
        assert!(parse_arguments(["a..b=1"])
            .unwrap_err()
            .contains("not a valid key"));
    }
}
