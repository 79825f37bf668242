//! The fast path: a plain top-level object read straight into the tree, without pest.
//!
//! Nearly every expression in a real schema is plain: ASCII whitespace and `#` comments between the tokens,
//! strings of printable ASCII, booleans. This reader takes exactly such objects, byte by byte, and hands each
//! token to the [`Builder`], which makes the same checks and the same tree as for pest's tokens. It gives up
//! (`None`) at anything else: a doc comment or a character other than ASCII whitespace between tokens, a string
//! running past its line, an error of any kind. The caller then parses the value with the full grammar, which
//! accepts or explains it, so this reader only ever takes what the grammar accepts, with the same tree.

use super::{Builder, Open};
use crate::ast::{Value, ValueKind};
use crate::source::{FileId, Span};

/// What the reader expects at the next token.
#[derive(Clone, Copy)]
enum Expect {
    /// A key or `}`: just after `{`.
    KeyOrEnd,
    /// A key: after a `,` in an object.
    Key,
    /// A value: after a key's `:` or a `,` in an array.
    Value,
    /// A value or `]`: just after `[`.
    ValueOrEnd,
    /// A `,` or the end of the innermost object or array: after a value.
    CommaOrEnd,
}

impl Builder {
    /// Read the plain object starting at `start` in `text`: the object and the offset just past it, or `None` if
    /// it is not plain (see the module's doc).
    pub(in crate::parser) fn read_plain(
        &mut self,
        text: &str,
        start: usize,
        file: FileId,
    ) -> Option<(Value, usize)> {
        let bytes = text.as_bytes();
        if bytes.get(start) != Some(&b'{') {
            return None;
        }
        self.reset();
        let mut pos = self.read_value(text, start, file)?;
        let mut expect = Expect::KeyOrEnd;
        loop {
            pos = skip_gap(bytes, pos)?;
            let byte = *bytes.get(pos)?;
            expect = match (expect, byte) {
                (Expect::KeyOrEnd | Expect::Key, b'\'') => {
                    let end = string_end(bytes, pos)?;
                    let key = super::string(&text[pos..end], pos).ok()?;
                    self.add_string(key, Span::new(file, pos, end));
                    pos = skip_gap(bytes, end)?;
                    if bytes.get(pos) != Some(&b':') {
                        return None;
                    }
                    pos += 1;
                    Expect::Value
                }
                (Expect::CommaOrEnd, b',') => {
                    pos += 1;
                    match self.open.last()? {
                        Open::Object { .. } => Expect::Key,
                        Open::Array { .. } => Expect::Value,
                    }
                }
                (Expect::KeyOrEnd | Expect::CommaOrEnd, b'}')
                | (Expect::ValueOrEnd | Expect::CommaOrEnd, b']') => {
                    let object = matches!(self.open.last()?, Open::Object { .. });
                    if object != (byte == b'}') {
                        return None;
                    }
                    pos += 1;
                    self.close(file, pos);
                    if self.open.is_empty() {
                        return self.done.take().map(|value| (value, pos));
                    }
                    Expect::CommaOrEnd
                }
                // After the ends, so that `]` ends an empty array.
                (Expect::Value | Expect::ValueOrEnd, _) => {
                    pos = self.read_value(text, pos, file)?;
                    match byte {
                        b'{' => Expect::KeyOrEnd,
                        b'[' => Expect::ValueOrEnd,
                        _ => Expect::CommaOrEnd,
                    }
                }
                _ => return None,
            };
        }
    }

    /// Read the value starting at `pos`: a scalar whole, or the opening of an object or array. Returns the offset
    /// past what was read.
    fn read_value(&mut self, text: &str, pos: usize, file: FileId) -> Option<usize> {
        let bytes = text.as_bytes();
        match bytes[pos] {
            b'{' | b'[' => {
                self.open_value(bytes[pos] == b'{', pos).ok()?;
                Some(pos + 1)
            }
            b'\'' => {
                let end = string_end(bytes, pos)?;
                self.value_starts(pos).ok()?;
                let value = super::string(&text[pos..end], pos).ok()?;
                self.add_string(value, Span::new(file, pos, end));
                Some(end)
            }
            _ => {
                let truth = bytes[pos..].starts_with(b"true");
                if !truth && !bytes[pos..].starts_with(b"false") {
                    return None;
                }
                let end = pos + if truth { 4 } else { 5 };
                self.value_starts(pos).ok()?;
                self.add(Value {
                    span: Span::new(file, pos, end),
                    kind: ValueKind::Bool(truth),
                });
                Some(end)
            }
        }
    }
}

/// The offset past the string whose opening quote is at `pos`, if it closes on its line.
fn string_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let len = memchr::memchr2(b'\'', b'\n', &bytes[pos + 1..])?;
    let close = pos + 1 + len;
    (bytes[close] == b'\'').then_some(close + 1)
}

/// Skip ASCII whitespace and `#` comments from `pos`; the offset of the next token, or `None` at a doc comment or
/// at a character only the full grammar handles.
fn skip_gap(bytes: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        match *bytes.get(pos)? {
            b' ' | b'\n' | b'\t' | b'\r' | b'\x0b' | b'\x0c' => pos += 1,
            b'#' => {
                if bytes.get(pos + 1) == Some(&b'#') {
                    return None;
                }
                pos += memchr::memchr(b'\n', &bytes[pos..])?;
            }
            b if b < 0x80 => return Some(pos),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Option<&str> {
        Builder::default()
            .read_plain(text, 0, FileId(0))
            .map(|(_, end)| &text[..end])
    }

    #[test]
    fn takes_plain_objects() {
        let text = "{ 'a': [ 'x', true, {} ],\n  'b' :{'c':false} , 'd': [] }";
        assert_eq!(plain(text), Some(text));
        assert_eq!(plain("{} tail"), Some("{}"));
        assert_eq!(plain("{ 'a': 'b' } # c"), Some("{ 'a': 'b' }"));
        assert_eq!(plain("{'a\\\\b':'c'}"), Some("{'a\\\\b':'c'}"));
        // Comments between any two tokens.
        let commented =
            "{ # c\n 'a' # d\n: [ # e\n 'x', # f\n # g\n 'y' # h ## i\n ]# j\n,\n # k\n 'b': 'c' }";
        assert_eq!(plain(commented), Some(commented));
    }

    #[test]
    fn leaves_everything_else_to_the_full_grammar() {
        for text in [
            // Not an object, or not a plain one.
            "['a']",
            " {}",
            "{ 'a': 'b' ## c\n}",
            "{ 'a': 'b' #\n## c\n}",
            "{ 'a': 'b'\u{1c}}",
            "{ 'a':\u{a0}'b' }",
            "{ 'a': 'é' }",
            // Errors, which the full grammar explains.
            "{ 'a' 'b' }",
            "{ 'a': 'b', }",
            "{ 'a': 'b' ]",
            "[ 'a' }",
            "{'a\n': 'b'}",
            "{ 'a': 'b\\'c' }",
            "{ 'a': trueX }",
            "{ 'a': 'b', 'a': 'c' }",
            "{ 'a': [ 'b' ",
            "{ 'a': [ 'b' } }",
            "{ 'a': 'b' # c",
        ] {
            assert_eq!(plain(text), None, "{text:?}");
        }
        // The nesting limit.
        let n = crate::parser::MAX_NESTING;
        let deep = "{'a':".repeat(n) + "'x'" + &"}".repeat(n);
        assert_eq!(plain(&deep), Some(deep.as_str()));
        let deeper = "{'a':".repeat(n + 1) + "'x'" + &"}".repeat(n + 1);
        assert_eq!(plain(&deeper), None);
    }
}
