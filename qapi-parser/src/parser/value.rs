//! One value: the plain reader or pest parses it, this module builds the spanned AST, and turns a pest failure into QEMU's message.

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser as _;

use super::lexer::{eof_pos, lex_token, skip_trivia, unquote, LexError, Token};
use super::tree::Builder;
use crate::ast::Value;
use crate::diagnostic::Diagnostic;
use crate::grammar::{QapiGrammar, Rule};
use crate::source::{FileId, Span};

/// Objects and arrays nest at most this deep. QEMU has no limit of its own (Python's recursion limit stops it
/// somewhere near 500); real schemas nest fewer than ten levels.
pub const MAX_NESTING: usize = 256;

pub(super) fn too_deep() -> String {
    format!("nesting too deep (more than {MAX_NESTING} levels of objects and arrays)")
}

/// Parse the value starting at `start` (a token start). Returns it and the offset just past it.
pub(super) fn parse_value(
    builder: &mut Builder,
    text: &str,
    start: usize,
    file: FileId,
) -> Result<(Value, usize), Diagnostic> {
    // The fast path, for plain objects; anything it does not take gets the full grammar, which also explains
    // errors.
    if let Some(parsed) = builder.read_plain(text, start, file) {
        return Ok(parsed);
    }
    parse_value_fully(builder, text, start, file)
}

/// [`parse_value`] with the full grammar only.
fn parse_value_fully(
    builder: &mut Builder,
    text: &str,
    start: usize,
    file: FileId,
) -> Result<(Value, usize), Diagnostic> {
    let located = |e: LexError| Diagnostic::parse(Span::new(file, e.pos, e.pos), e.message);
    let pairs = match QapiGrammar::parse(Rule::expr, &text[start..]) {
        Ok(pairs) => pairs,
        Err(err) => {
            let at = match err.location {
                InputLocation::Pos(p) => p,
                InputLocation::Span((p, _)) => p,
            };
            let error = match &err.variant {
                ErrorVariant::ParsingError { positives, .. } => {
                    replay(text, start, Some((start + at, expected_message(positives))))
                }
                // pest's own stack or call limit: absurd nesting, or a thread already low on stack.
                ErrorVariant::CustomError { .. } => replay(text, start, None),
            };
            let error = error.unwrap_or_else(|| LexError {
                pos: start,
                message: "out of stack space (files or values nested too deep)".to_owned(),
            });
            return Err(located(error));
        }
    };
    match builder.build(pairs, file, start) {
        Ok(value) => {
            let end = value.span.end as usize;
            Ok((value, end))
        }
        // Checks the grammar leaves to us failed: replay to report the first error QEMU would.
        Err(error) => Err(located(replay(text, start, None).unwrap_or(error))),
    }
}

/// QEMU's message for what its parser expected, from the rules pest tried at the failure.
fn expected_message(positives: &[Rule]) -> &'static str {
    let has = |r| positives.contains(&r);
    let only = |rules: &[Rule]| positives.len() == rules.len() && rules.iter().all(|r| has(*r));
    if only(&[Rule::key, Rule::rbrace]) {
        "expected string or '}'"
    } else if only(&[Rule::colon]) {
        "expected ':'"
    } else if only(&[Rule::comma, Rule::rbrace]) {
        "expected ',' or '}'"
    } else if only(&[Rule::key]) {
        "expected string"
    } else if only(&[Rule::value, Rule::rbrack]) {
        "expected '{', '[', ']', string, or boolean"
    } else if only(&[Rule::comma, Rule::rbrack]) {
        "expected ',' or ']'"
    } else {
        // `value` alone, the one remaining case the grammar produces.
        "expected '{', '[', string, or boolean"
    }
}

/// An open object or array, while replaying tokens to explain a failure.
struct Open {
    object: bool,
    keys: Vec<String>,
    expect_key: bool,
    pending_key: Option<String>,
}

/// Find the error QEMU reports in the value at `start` by replaying its tokens with QEMU's lexer, up to pest's
/// failure `fail` (its offset and syntax message) if there is one. A lexical error wins over the syntax error
/// there (QEMU lexes a token before looking at it), and errors QEMU raises at earlier tokens (bad strings,
/// duplicate keys, our nesting limit) win over both. Without `fail`, returns the first error, or `None` if the
/// value is fine.
fn replay(text: &str, start: usize, fail: Option<(usize, &str)>) -> Option<LexError> {
    let mut stack: Vec<Open> = Vec::new();
    let mut duplicate: Option<String> = None;
    let mut pos = start;
    loop {
        pos = skip_trivia(text, pos);
        if pos >= text.len() {
            let message = fail.map_or("expected '{', '[', string, or boolean", |(_, m)| m);
            return Some(LexError {
                pos: eof_pos(text),
                message: message.to_owned(),
            });
        }
        let (token, end) = match lex_token(text, pos) {
            Ok(token) => token,
            Err(error) => return Some(error),
        };
        if let Some(key) = duplicate {
            return Some(LexError {
                pos,
                message: format!("duplicate key '{key}'"),
            });
        }
        if let Some((_, message)) = fail.filter(|(f, _)| pos >= *f) {
            return Some(LexError {
                pos,
                message: message.to_owned(),
            });
        }
        match token {
            Token::LBrace | Token::LBrack => {
                if stack.len() >= MAX_NESTING {
                    return Some(LexError {
                        pos,
                        message: too_deep(),
                    });
                }
                let object = token == Token::LBrace;
                stack.push(Open {
                    object,
                    keys: Vec::new(),
                    expect_key: object,
                    pending_key: None,
                });
            }
            Token::RBrace | Token::RBrack => {
                stack.pop();
            }
            Token::Str => {
                if let Some(open) = stack.last_mut().filter(|o| o.object && o.expect_key) {
                    open.pending_key = Some(unquote(&text[pos..end]));
                    open.expect_key = false;
                }
            }
            Token::Colon => {
                if let Some(open) = stack.last_mut() {
                    if let Some(key) = open.pending_key.take() {
                        if open.keys.contains(&key) {
                            duplicate = Some(key);
                        } else {
                            open.keys.push(key);
                        }
                    }
                }
            }
            Token::Comma => {
                if let Some(open) = stack.last_mut().filter(|o| o.object) {
                    open.expect_key = true;
                }
            }
            Token::Bool | Token::DocComment => {}
        }
        if stack.is_empty() && fail.is_none() {
            return None;
        }
        pos = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (usize, String) {
        let e = parse_value(&mut Builder::default(), text, 0, FileId(0)).unwrap_err();
        let span = e.span.unwrap();
        (span.start as usize, e.message)
    }

    fn ok(text: &str) -> Value {
        parse_value(&mut Builder::default(), text, 0, FileId(0))
            .unwrap()
            .0
    }

    #[test]
    fn builds_spanned_values() {
        let v = ok("{ 'a': [ 'x\\\\y', true ], 'b': {} } trailing");
        let obj = v.as_object().unwrap();
        assert_eq!(v.span, Span::new(FileId(0), 0, 34));
        assert_eq!(obj.keys().collect::<Vec<_>>(), ["a", "b"]);
        let (k, a) = obj.get_entry("a").unwrap();
        assert_eq!(k.span, Span::new(FileId(0), 2, 5));
        assert_eq!(a.span, Span::new(FileId(0), 7, 23));
        let items = a.as_array().unwrap();
        assert_eq!(items[0].as_str(), Some("x\\y"));
        assert_eq!(items[1].as_bool(), Some(true));
        assert!(obj
            .get("b")
            .unwrap()
            .as_object()
            .unwrap()
            .members
            .is_empty());
    }

    #[test]
    fn end_offset_excludes_trailing_trivia() {
        let (_, end) = parse_value(&mut Builder::default(), "[ 'a' ] # c\n", 0, FileId(0)).unwrap();
        assert_eq!(end, 7);
        let (_, end) = parse_value(&mut Builder::default(), "xx'a' 'b'", 2, FileId(0)).unwrap();
        assert_eq!(end, 5);
    }

    #[test]
    fn syntax_errors_use_qemu_messages() {
        assert_eq!(err("{ 'a' 'b' }\n"), (6, "expected ':'".into()));
        assert_eq!(err("{ , }\n"), (2, "expected string or '}'".into()));
        assert_eq!(
            err("{ 'a': 'b' 'c' }\n"),
            (11, "expected ',' or '}'".into())
        );
        assert_eq!(err("{ 'a': 'b', }\n"), (12, "expected string".into()));
        assert_eq!(
            err("[ , ]\n"),
            (2, "expected '{', '[', ']', string, or boolean".into())
        );
        assert_eq!(err("[ 'a' 'b' ]\n"), (6, "expected ',' or ']'".into()));
        assert_eq!(
            err("[ 'a', ]\n"),
            (7, "expected '{', '[', string, or boolean".into())
        );
        assert_eq!(
            err("}\n"),
            (0, "expected '{', '[', string, or boolean".into())
        );
        assert_eq!(
            err("{ 'a': 'b' ## doc\n}\n"),
            (11, "expected ',' or '}'".into())
        );
    }

    #[test]
    fn errors_at_the_end_point_at_the_final_newline() {
        assert_eq!(
            err("[ 'a',\n"),
            (6, "expected '{', '[', string, or boolean".into())
        );
        assert_eq!(err("{ 'a': 'b'\n# c\n"), (14, "expected ',' or '}'".into()));
    }

    #[test]
    fn lexical_errors_win_over_syntax_errors() {
        assert_eq!(err("{ 'a': 123 }\n"), (7, "stray '123'".into()));
        assert_eq!(err("{ 'a': 'b' ; }\n"), (11, "stray ';'".into()));
        assert_eq!(
            err("{ 'a\u{1}': 'b' }\n"),
            (2, "funny character in string".into())
        );
        assert_eq!(err("[ 'a', 'b\\x' ]\n"), (7, "unknown escape \\x".into()));
        assert_eq!(
            err("{ 'a': 'b\n}\n"),
            (7, "missing terminating \"'\"".into())
        );
        assert_eq!(err("[ trueX ]\n"), (6, "stray 'X'".into()));
    }

    #[test]
    fn duplicate_keys() {
        assert_eq!(
            err("{ 'a': 'b', 'a': 'c' }\n"),
            (17, "duplicate key 'a'".into())
        );
        // QEMU finds the duplicate before it reads on, so a later syntax error does not hide it ...
        assert_eq!(
            err("{ 'a': 'b', 'a': 'c' 'd' }\n"),
            (17, "duplicate key 'a'".into())
        );
        // ... but it lexes the value's first token before checking.
        assert_eq!(err("{ 'a': 'b', 'a': 1 }\n"), (17, "stray '1'".into()));
        // Same key in different objects is fine.
        ok("{ 'a': { 'a': 'x' }, 'b': [ { 'a': 'y' } ] }");
    }

    #[test]
    fn nesting_is_limited() {
        let n = MAX_NESTING;
        ok(&("[".repeat(n) + &"]".repeat(n)));
        let deep = "[".repeat(n + 1) + &"]".repeat(n + 1);
        assert_eq!(err(&deep), (n, too_deep()));
        let absurd = "{'a':".repeat(100_000) + "'x'" + &"}".repeat(100_000) + "\n";
        assert_eq!(err(&absurd), (5 * n, too_deep()));
        let unclosed = "[".repeat(100_000) + "\n";
        assert_eq!(err(&unclosed), (n, too_deep()));
    }

    /// What a parse gives, comparably: the value and its end, or the error's place and message.
    fn outcome(
        result: Result<(Value, usize), Diagnostic>,
    ) -> Result<(Value, usize), (Option<Span>, String)> {
        result.map_err(|e| (e.span, e.message))
    }

    /// The plain reader must change nothing: whatever it accepts, the full grammar accepts with the same tree, and
    /// everything else still gets the full grammar's error. Checked on realistic expressions and on every small
    /// corruption of them.
    #[test]
    fn the_plain_reader_gives_what_the_full_grammar_gives() {
        let corpus = [
            "{ 'struct': 'Foo',\n  'data': { 'a': 'int', '*b': ['str'],\n            'c': { 'type': 'X', 'if': 'CONFIG_Y' } },\n  'features': [ 'deprecated' ] }\n",
            "{ 'command': 'q', 'data': {}, 'returns': [], 'boxed': true, 'gen': false,\n  'allow-oob':true }\n",
            "{'enum':'E','data':['a',{'name':'b','if':{'all':['X','Y']}}],'prefix':'P_'}\n",
            "{ 'union': 'U', 'base': 'B', 'discriminator': 'type',\n  # a comment\n  'data': { 'x': 'X' } }\n",
            "{ 'pragma': { 'doc-required': true, 'x': [ 'a\\\\b', '' ] } }\n",
            "{ 'a': [[[]], [{}], [ { 'k': [ true, false ] } ]],\t'b': 'c' }\n",
            "{ 'a' # c\n : 'b' # d\n , # e\n 'f': [ 'g' # h\n ] }\n",
        ];
        let damage = [
            "", "'", "\\", "\\\\", "\n", "\t", " ", "#", "##", "{", "}", "[", "]", ",", ":", "x",
            "t", "true", "false", "\u{a0}", "\u{1}", "\u{1c}", "\u{e9}", "'a'", "'a':", "\r",
            "\u{b}", "\u{c}", "# c\n", "'\\\\'",
        ];
        let mut checked = 0;
        let mut plain = 0;
        // One builder throughout, as the loader uses it: a failed build must leave nothing behind.
        let mut builder = Builder::default();
        for text in corpus {
            let full = outcome(parse_value_fully(
                &mut Builder::default(),
                text,
                0,
                FileId(0),
            ));
            assert!(full.is_ok(), "{text:?}: {full:?}");
            // The plain reader takes each of them.
            assert_eq!(
                builder.read_plain(text, 0, FileId(0)).ok_or(text),
                Ok(full.clone().unwrap()),
            );
            let positions: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for (n, &at) in positions.iter().enumerate() {
                let next = positions.get(n + 1).copied().unwrap_or(at);
                for piece in damage {
                    // Insert `piece` at `at`, or put it in place of the character there.
                    for cut in [at, next] {
                        let broken = format!("{}{piece}{}", &text[..at], &text[cut..]);
                        let full = outcome(parse_value_fully(
                            &mut Builder::default(),
                            &broken,
                            0,
                            FileId(0),
                        ));
                        if let Some(taken) = builder.read_plain(&broken, 0, FileId(0)) {
                            assert_eq!(Ok(taken), full, "{broken:?}");
                            plain += 1;
                        }
                        let fast = outcome(parse_value(&mut builder, &broken, 0, FileId(0)));
                        assert_eq!(fast, full, "{broken:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000);
        // Many corruptions still give a plain object (blanks, comments, strings, values inserted in the right
        // places), so both of its answers are tested.
        assert!(plain > checked / 10, "{plain} of {checked}");
    }
}
