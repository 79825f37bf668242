//! QEMU's one-token lexer, for the places pest does not cover: skipping between top-level expressions, the one
//! token QEMU looks ahead after each expression, and explaining a failed parse the way QEMU would.

/// Python's `str.isspace()`: Unicode White_Space plus the information separators U+001C..U+001F.
pub(super) fn is_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1c}'..='\u{1f}' | ' ') || (!c.is_ascii() && c.is_whitespace())
}

/// Skip whitespace and `#` comments. A `##` comment is a token (a doc comment), so it stops the skip. Returns the
/// offset of the next token, or `text.len()` at the end.
pub(super) fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b'\t'..=b'\r' | 0x1c..=0x1f | b' ' => pos += 1,
            b'#' if bytes.get(pos + 1) != Some(&b'#') => {
                pos = memchr_newline(bytes, pos).unwrap_or(bytes.len());
            }
            b if b < 0x80 => return pos,
            _ => match text[pos..].chars().next() {
                Some(c) if is_space(c) => pos += c.len_utf8(),
                _ => return pos,
            },
        }
    }
    pos
}

fn memchr_newline(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|n| from + n)
}

/// Where QEMU reports an error at the end of the input: on the file's final newline (QEMU's EOF token sits there).
pub(super) fn eof_pos(text: &str) -> usize {
    text.len().saturating_sub(1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    LBrace,
    RBrace,
    LBrack,
    RBrack,
    Colon,
    Comma,
    /// A string; the token's text includes the quotes.
    Str,
    Bool,
    /// A `##` comment: legal only where a doc block may start.
    DocComment,
}

/// A lexical error: QEMU reports it at the start of the offending token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct LexError {
    pub pos: usize,
    pub message: String,
}

/// Lex the token starting at `pos`, which must be past any trivia and before the end. Returns the token and the
/// offset just past it.
pub(super) fn lex_token(text: &str, pos: usize) -> Result<(Token, usize), LexError> {
    let rest = &text[pos..];
    let single = |tok| Ok((tok, pos + 1));
    match rest.as_bytes().first() {
        Some(b'{') => single(Token::LBrace),
        Some(b'}') => single(Token::RBrace),
        Some(b'[') => single(Token::LBrack),
        Some(b']') => single(Token::RBrack),
        Some(b':') => single(Token::Colon),
        Some(b',') => single(Token::Comma),
        Some(b'#') => Ok((
            Token::DocComment,
            memchr_newline(text.as_bytes(), pos).unwrap_or(text.len()),
        )),
        Some(b'\'') => lex_string(text, pos).map(|end| (Token::Str, end)),
        _ if rest.starts_with("true") => Ok((Token::Bool, pos + 4)),
        _ if rest.starts_with("false") => Ok((Token::Bool, pos + 5)),
        _ => {
            // The run shown goes up to the next structural character, whitespace or single quote.
            let len = rest
                .find(|c: char| "[]{}:,'".contains(c) || is_space(c))
                .unwrap_or(rest.len());
            Err(LexError {
                pos,
                message: format!("stray '{}'", &rest[..len]),
            })
        }
    }
}

/// Check a string token opening at `pos`; returns the offset past its closing quote.
fn lex_string(text: &str, pos: usize) -> Result<usize, LexError> {
    let err = |message: String| LexError { pos, message };
    let mut escaped = false;
    for (i, ch) in text[pos + 1..].char_indices() {
        if ch == '\n' {
            return Err(err("missing terminating \"'\"".to_owned()));
        }
        if escaped {
            if ch != '\\' {
                return Err(err(format!("unknown escape \\{ch}")));
            }
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
            continue;
        } else if ch == '\'' {
            return Ok(pos + 1 + i + 1);
        }
        if !(' '..='~').contains(&ch) {
            return Err(err("funny character in string".to_owned()));
        }
    }
    Err(err("missing terminating \"'\"".to_owned()))
}

/// The value of a string token (quotes included in `token`): `\\` stands for one backslash.
pub(super) fn unquote(token: &str) -> String {
    let inner = token
        .get(1..token.len().saturating_sub(1))
        .unwrap_or_default();
    if inner.contains('\\') {
        inner.replace("\\\\", "\\")
    } else {
        inner.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isspace_matches_python() {
        for c in [
            '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1c}', '\u{1f}', ' ', '\u{85}', '\u{a0}',
            '\u{2028}', '\u{3000}',
        ] {
            assert!(is_space(c), "{c:?}");
        }
        for c in ['a', '\u{0}', '\u{1b}', '\u{7f}', '\u{200b}', '\u{feff}'] {
            assert!(!is_space(c), "{c:?}");
        }
    }

    #[test]
    fn trivia_stops_at_doc_comment_and_tokens() {
        assert_eq!(skip_trivia("  # c\n\t{", 0), 7);
        assert_eq!(skip_trivia("  ## doc\n", 0), 2);
        assert_eq!(skip_trivia("\u{a0}\u{2003}x", 0), 5);
        assert_eq!(skip_trivia(" # only a comment", 0), 17);
    }

    #[test]
    fn tokens() {
        assert_eq!(lex_token("{", 0), Ok((Token::LBrace, 1)));
        assert_eq!(lex_token("x: 'a\\\\b' ", 3), Ok((Token::Str, 9)));
        assert_eq!(lex_token("trueX", 0), Ok((Token::Bool, 4)));
        assert_eq!(lex_token("false", 0), Ok((Token::Bool, 5)));
        assert_eq!(lex_token("## x\n", 0), Ok((Token::DocComment, 4)));
    }

    #[test]
    fn lexical_errors_are_reported_at_the_token_start() {
        let msg = |text: &str| lex_token(text, 1).unwrap_err();
        assert_eq!(msg(" 123,").message, "stray '123'");
        assert_eq!(msg(" command: 'x'").message, "stray 'command'");
        assert_eq!(msg(" \"a\"b'c").message, "stray '\"a\"b'");
        assert_eq!(msg(" tru#e]").message, "stray 'tru#e'");
        assert_eq!(msg(" 'abc\n").message, "missing terminating \"'\"");
        assert_eq!(msg(" 'a\\u0'").message, "unknown escape \\u");
        assert_eq!(msg(" 'a\\\n'").message, "missing terminating \"'\"");
        assert_eq!(msg(" 'a\u{7f}'").message, "funny character in string");
        assert_eq!(msg(" 'é'").message, "funny character in string");
        assert_eq!(msg(" 'é").pos, 1);
    }

    #[test]
    fn unquote_handles_the_one_escape() {
        assert_eq!(unquote("'a\\\\b'"), "a\\b");
        assert_eq!(unquote("''"), "");
    }
}
