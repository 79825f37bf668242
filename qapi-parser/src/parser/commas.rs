//! Tolerant mode: commas as QEMU 1.0 to 1.5 took them. Their generator's parser skipped a `,` where it found one
//! and went on without one, so members and array items needed none between them and could have one after the
//! last: QEMU 1.2.0's schema has `{ 'enum': 'NewImageMode'` and `'data': [...] }` on the next line, and a union
//! whose last branch ends in `,`. QEMU 1.6 (a rewritten parser) requires the commas between and refuses one after.
//! Each is mended, with a warning, in a copy of the expression's text by turning the blank before the next member
//! into a comma, or the comma after the last into a blank: offsets and lines stay those of the file.

use super::lexer::skip_trivia;
use super::tree::Builder;
use super::value::parse_value;
use crate::ast::Value;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// More missing commas than this in one expression is not an old schema but something else: give up.
const MAX_SUPPLIED: usize = 256;

/// Parse the value at `start` again after `error`, supplying each comma that is missing before a member or an
/// item. Returns the value, the offset past it and a warning per comma; `None` when `error` is not a missing comma
/// that can be supplied (the caller reports `error` then).
pub(super) fn parse_with_commas_supplied(
    builder: &mut Builder,
    text: &str,
    start: usize,
    file: FileId,
    error: &Diagnostic,
) -> Option<(Value, usize, Vec<Diagnostic>)> {
    let mut patched = text.to_owned();
    let mut warnings = Vec::new();
    let mut error = error.clone();
    while warnings.len() < MAX_SUPPLIED {
        let (at, message) = if let Some(at) = missing_comma(&patched, &error) {
            // The blank right before the next member: a space or tab on its own line, never inside a comment.
            patched.replace_range(at - 1..at, ",");
            (
                at,
                "missing ',' before this (QEMU 1.0 to 1.5 took members and items without commas)",
            )
        } else {
            let comma = trailing_comma(&patched, &error)?;
            patched.replace_range(comma..comma + 1, " ");
            (
                comma,
                "',' after the last member or item (QEMU 1.0 to 1.5 took it)",
            )
        };
        warnings.push(Diagnostic::parse(Span::new(file, at, at), message).as_warning());
        match parse_value(builder, &patched, start, file) {
            Ok((value, end)) => return Some((value, end, warnings)),
            Err(next) => error = next,
        }
    }
    None
}

/// Where a comma can be supplied for `error`: the offset of the member or item that follows without one, when a
/// blank precedes it on its line.
fn missing_comma(text: &str, error: &Diagnostic) -> Option<usize> {
    let at = error.span?.start as usize;
    let next = text.as_bytes().get(at)?;
    let fits = match error.message.as_str() {
        "expected ',' or '}'" => *next == b'\'',
        "expected ',' or ']'" => matches!(next, b'\'' | b'{' | b'[' | b't' | b'f'),
        _ => false,
    };
    let blank_before = at > 0 && matches!(text.as_bytes()[at - 1], b' ' | b'\t');
    // The error is at a token (never inside trivia): check, so that a comment is never patched.
    (fits && blank_before && skip_trivia(text, at) == at).then_some(at)
}

/// Where a comma after the last member or item can be dropped for `error`: the comma's offset, when only blanks
/// separate it from the closing `}` or `]`.
fn trailing_comma(text: &str, error: &Diagnostic) -> Option<usize> {
    let at = error.span?.start as usize;
    let bytes = text.as_bytes();
    let fits = match error.message.as_str() {
        "expected string" => bytes.get(at) == Some(&b'}'),
        "expected '{', '[', string, or boolean" => bytes.get(at) == Some(&b']'),
        _ => false,
    };
    let comma = bytes[..at]
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
    (fits && bytes[comma] == b',').then_some(comma)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::ValueKind;

    fn parse(text: &str) -> Result<(Value, Vec<Diagnostic>), Diagnostic> {
        let mut builder = Builder::default();
        match parse_value(&mut builder, text, 0, FileId(0)) {
            Ok((value, _)) => Ok((value, Vec::new())),
            Err(error) => parse_with_commas_supplied(&mut builder, text, 0, FileId(0), &error)
                .map(|(value, _, warnings)| (value, warnings))
                .ok_or(error),
        }
    }

    #[test]
    fn members_and_items_without_commas() {
        let text = "{ 'enum': 'Mode'\n  'data': [ 'a' 'b',\n 'c' ] }\n";
        let (value, warnings) = parse(text).expect("supplied");
        let starts: Vec<_> = warnings.iter().map(|w| w.span.unwrap().start).collect();
        assert_eq!(starts, [19, 33]);
        let ValueKind::Object(object) = value.kind else {
            panic!("an object")
        };
        let data = object.get("data").and_then(|v| v.as_array()).expect("data");
        let names: Vec<_> = data.iter().filter_map(|v| v.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    #[test]
    fn a_comma_after_the_last_member() {
        let text = "{ 'union': 'U', 'data': {\n 'a': 'A',\n } }\n";
        let (_, warnings) = parse(text).expect("dropped");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].span.unwrap().start, 35);
        assert!(parse("[ 'a', ]\n").is_ok());
        // A comment between the comma and the brace: not mended.
        assert!(parse("{ 'a': 'b', # c\n }\n").is_err());
    }

    #[test]
    fn other_syntax_errors_stay_errors() {
        for text in [
            "{ 'a': 'b' : 'c' }\n",
            "{ 'a': 'b'\n'c': 'd' }\n",
            "[ 'a' } ]\n",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }
}
