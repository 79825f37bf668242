//! The JSON reader that generated decoders drive: a cursor over the received bytes that knows its byte offset,
//! gives strings borrowed from the input when they hold no escape, and skips what nobody asked for without
//! building it.
//!
//! Nesting is limited to [`MAX_DEPTH`] objects and arrays (deeper input is a [`DecodeError`], not a stack
//! overflow); skipping is iterative and needs no stack at all.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use crate::wire::{Decode, DecodeError, Object};

/// How deeply objects and arrays may nest in what is decoded (as serde_json's own limit).
pub const MAX_DEPTH: u32 = 128;

/// The JSON type of the next value, which is all an alternate needs to choose its branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// A JSON number as read: an integer when it has neither fraction nor exponent and fits 64 bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Signed(i64),
    Float(f64),
}

/// A cursor over one JSON text.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
    /// Added to positions in errors, when `bytes` is a part of a larger message.
    base: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader::with_offset(bytes, 0)
    }

    /// A reader over `bytes`, which start at byte `base` of the message errors should point into.
    pub fn with_offset(bytes: &'a [u8], base: usize) -> Reader<'a> {
        Reader {
            bytes,
            pos: 0,
            depth: 0,
            base,
        }
    }

    /// The byte offset of the cursor in the message.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// An error at the cursor.
    #[cold]
    pub fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::new(message).at(self.offset())
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.pos += 1;
        }
    }

    fn next_byte(&mut self) -> Result<u8, DecodeError> {
        self.skip_ws();
        self.bytes
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.error("unexpected end of input"))
    }

    fn expect(&mut self, byte: u8) -> Result<(), DecodeError> {
        if self.next_byte()? == byte {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected `{}`", byte as char)))
        }
    }

    /// The JSON type of the next value, without reading it.
    pub fn peek(&mut self) -> Result<Token, DecodeError> {
        Ok(match self.next_byte()? {
            b'n' => Token::Null,
            b't' | b'f' => Token::Bool,
            b'-' | b'0'..=b'9' => Token::Number,
            b'"' => Token::String,
            b'[' => Token::Array,
            b'{' => Token::Object,
            other => return Err(self.error(format!("unexpected character {:?}", other as char))),
        })
    }

    /// "expected X, found Y" for the value at the cursor (which is left unread).
    #[cold]
    pub fn invalid_type(&mut self, expected: &str) -> DecodeError {
        let found = match self.peek() {
            Ok(Token::Null) => "null".to_owned(),
            Ok(Token::Bool) => {
                let b = self.bytes[self.pos] == b't';
                format!("boolean `{b}`")
            }
            Ok(Token::Number) => {
                let end = self.bytes[self.pos..]
                    .iter()
                    .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .map_or(self.bytes.len(), |n| self.pos + n);
                format!(
                    "number `{}`",
                    String::from_utf8_lossy(&self.bytes[self.pos..end])
                )
            }
            Ok(Token::String) => {
                let save = self.pos;
                let text = self.str().ok().filter(|s| s.len() <= 40);
                self.pos = save;
                match text {
                    Some(s) => format!("string {s:?}"),
                    None => "a string".to_owned(),
                }
            }
            Ok(Token::Array) => "an array".to_owned(),
            Ok(Token::Object) => "an object".to_owned(),
            Err(e) => return e,
        };
        self.error(format!("expected {expected}, found {found}"))
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), DecodeError> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("invalid literal"))
        }
    }

    /// `null`.
    pub fn null(&mut self) -> Result<(), DecodeError> {
        match self.peek()? {
            Token::Null => self.literal(b"null"),
            _ => Err(self.invalid_type("null")),
        }
    }

    /// `true` or `false`.
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.next_byte()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => Err(self.invalid_type("a boolean")),
        }
    }

    /// A string, borrowed from the input unless it holds escapes.
    pub fn str(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        if self.next_byte()? != b'"' {
            return Err(self.invalid_type("a string"));
        }
        self.pos += 1;
        let start = self.pos;
        let bytes = self.bytes;
        loop {
            match bytes.get(self.pos) {
                Some(b'"') => {
                    let text = self.utf8(start, self.pos)?;
                    self.pos += 1;
                    return Ok(Cow::Borrowed(text));
                }
                Some(b'\\') => {
                    let mut owned = self.utf8(start, self.pos)?.to_owned();
                    return self.escaped(&mut owned).map(|()| Cow::Owned(owned));
                }
                Some(&b) if b < 0x20 => return Err(self.error("control character in a string")),
                Some(_) => self.pos += 1,
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn utf8(&self, start: usize, end: usize) -> Result<&'a str, DecodeError> {
        let bytes: &'a [u8] = self.bytes;
        std::str::from_utf8(&bytes[start..end]).map_err(|e| {
            DecodeError::new("invalid UTF-8 in a string").at(self.base + start + e.valid_up_to())
        })
    }

    /// The rest of a string from its first backslash on, appended to `out`.
    fn escaped(&mut self, out: &mut String) -> Result<(), DecodeError> {
        loop {
            let start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.utf8(start, self.pos)?);
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(out)?;
                }
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), DecodeError> {
        let Some(&b) = self.bytes.get(self.pos) else {
            return Err(self.error("unterminated string"));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.error("invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, DecodeError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| {
                u32::from_str_radix(d, 16)
                    .ok()
                    .filter(|_| !d.starts_with('+'))
            })
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        self.pos += 4;
        Ok(digits)
    }

    fn unicode_escape(&mut self) -> Result<char, DecodeError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.bytes[self.pos..].starts_with(b"\\u") {
                return Err(self.error("lone surrogate in \\u escape"));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("lone surrogate in \\u escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("lone surrogate in \\u escape"))
    }

    /// A number, with its text for messages.
    pub fn number(&mut self) -> Result<(Num, &'a str), DecodeError> {
        if self.peek()? != Token::Number {
            return Err(self.invalid_type("a number"));
        }
        let bytes: &'a [u8] = self.bytes;
        let start = self.pos;
        let negative = bytes[self.pos] == b'-';
        if negative {
            self.pos += 1;
        }
        let digits = self.digits();
        if digits == 0 {
            return Err(self.error("invalid number"));
        }
        let mut integer = true;
        if bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            integer = false;
            if matches!(bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        // Only ASCII digits, signs, dots and exponents were accepted above.
        let text = std::str::from_utf8(&bytes[start..self.pos]).unwrap_or_default();
        if integer {
            let magnitude = &text[usize::from(negative)..];
            if let Ok(u) = magnitude.parse::<u64>() {
                if !negative {
                    return Ok((Num::Unsigned(u), text));
                }
                if u <= 1 << 63 {
                    return Ok((Num::Signed((u as i64).wrapping_neg()), text));
                }
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok((Num::Float(f), text)),
            _ => {
                Err(DecodeError::new(format!("number `{text}` out of range")).at(self.base + start))
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Skips the next value, whatever it is, without building it.
    pub fn skip(&mut self) -> Result<(), DecodeError> {
        // Iterative: the open containers are bits (1 for an object), so that skipping needs no stack.
        let mut kinds: u128 = 0;
        let mut open = 0u32;
        loop {
            match self.peek()? {
                Token::Null => self.literal(b"null")?,
                Token::Bool => {
                    self.bool()?;
                }
                Token::Number => {
                    self.number()?;
                }
                Token::String => self.skip_str()?,
                token @ (Token::Array | Token::Object) => {
                    if open >= 128 || self.depth + open >= MAX_DEPTH {
                        return Err(self.error(format!("nested more than {MAX_DEPTH} levels deep")));
                    }
                    self.pos += 1;
                    let object = token == Token::Object;
                    kinds = (kinds << 1) | u128::from(object);
                    open += 1;
                    if !matches!(self.next_byte()?, b']' | b'}') {
                        if object {
                            self.skip_str()?;
                            self.expect(b':')?;
                        }
                        continue;
                    }
                }
            }
            // After a value (or an empty container's opening): a comma continues the container, its bracket
            // closes it.
            loop {
                if open == 0 {
                    return Ok(());
                }
                let object = kinds & 1 == 1;
                match self.next_byte()? {
                    b',' => {
                        self.pos += 1;
                        if object {
                            self.skip_str()?;
                            self.expect(b':')?;
                        }
                        break;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return Err(self.error("expected `,` or a closing bracket")),
                }
                self.pos += 1;
                kinds >>= 1;
                open -= 1;
            }
        }
    }

    fn skip_str(&mut self) -> Result<(), DecodeError> {
        if self.next_byte()? != b'"' {
            return Err(self.invalid_type("a string"));
        }
        self.pos += 1;
        loop {
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => self.pos += 2,
                Some(&b) if b < 0x20 => return Err(self.error("control character in a string")),
                Some(_) => self.pos += 1,
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    /// Skips the next value and gives its text.
    pub fn raw(&mut self) -> Result<&'a [u8], DecodeError> {
        self.skip_ws();
        let start = self.pos;
        self.skip()?;
        let bytes: &'a [u8] = self.bytes;
        Ok(&bytes[start..self.pos])
    }

    /// Checks that nothing but white space follows.
    pub fn end(&mut self) -> Result<(), DecodeError> {
        self.skip_ws();
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(self.error("trailing characters after the value"))
        }
    }

    fn enter(&mut self, open: u8) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("nested more than {MAX_DEPTH} levels deep")));
        }
        self.expect(open)?;
        self.depth += 1;
        Ok(())
    }

    /// Reads an object, giving its members to `decode`.
    #[inline]
    pub fn object<T>(
        &mut self,
        decode: impl FnOnce(&mut Members<'_, 'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        if self.peek()? != Token::Object {
            return Err(self.invalid_type("an object"));
        }
        self.enter(b'{')?;
        let mut members = Members {
            start: self.pos,
            start_depth: self.depth,
            first: true,
            done: false,
            claimed: [&[]; CLAIMED],
            reader: self,
        };
        let value = decode(&mut members)?;
        members.finish()?;
        self.depth -= 1;
        Ok(value)
    }

    /// Reads an array of `T`.
    pub fn array<T: Decode>(&mut self) -> Result<Vec<T>, DecodeError> {
        if self.peek()? != Token::Array {
            return Err(self.invalid_type("an array"));
        }
        self.enter(b'[')?;
        let mut items = Vec::new();
        if self.next_byte()? != b']' {
            loop {
                let item = T::decode(self).map_err(|e| e.in_index(items.len()))?;
                items.push(item);
                match self.next_byte()? {
                    b',' => self.pos += 1,
                    b']' => break,
                    _ => return Err(self.error("expected `,` or `]`")),
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(items)
    }

    /// Any JSON value, built as a [`Value`] (QAPI's `any`, and what bindings do not know).
    pub fn value(&mut self) -> Result<Value, DecodeError> {
        Ok(match self.peek()? {
            Token::Null => self.null().map(|()| Value::Null)?,
            Token::Bool => Value::Bool(self.bool()?),
            Token::Number => Value::Number(match self.number()?.0 {
                Num::Unsigned(u) => Number::from(u),
                Num::Signed(i) => Number::from(i),
                // Finite: `number` rejects the rest.
                Num::Float(f) => Number::from_f64(f).unwrap_or_else(|| Number::from(0)),
            }),
            Token::String => Value::String(self.str()?.into_owned()),
            Token::Array => Value::Array(self.array()?),
            Token::Object => Value::Object(self.object(|o| o.rest())?),
        })
    }
}

/// How many unions, nested as one another's branches, keep their members out of an unknown branch's members.
const CLAIMED: usize = 4;

/// The members of one object, read key by key. A union reads them more than once (its tag first, then its base's
/// and its branch's members): [`Members::rewind`] goes back to the first.
pub struct Members<'r, 'a> {
    reader: &'r mut Reader<'a>,
    start: usize,
    start_depth: u32,
    first: bool,
    done: bool,
    /// Member names of enclosing unions, which an unknown branch does not keep as its own.
    claimed: [&'static [&'static str]; CLAIMED],
}

impl<'a> Members<'_, 'a> {
    /// The next member's name, with the cursor on its value; `None` after the last.
    pub fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, DecodeError> {
        if self.done {
            return Ok(None);
        }
        let r = &mut *self.reader;
        match r.next_byte()? {
            b'}' => {
                r.pos += 1;
                self.done = true;
                return Ok(None);
            }
            b',' if !self.first => r.pos += 1,
            _ if self.first => {}
            _ => return Err(r.error("expected `,` or `}`")),
        }
        self.first = false;
        if r.next_byte()? != b'"' {
            return Err(r.error("expected a member name"));
        }
        let key = r.str()?;
        r.expect(b':')?;
        Ok(Some(key))
    }

    /// Decodes the value of member `name` (the key just read).
    #[inline]
    pub fn value<T: Decode>(&mut self, name: &str) -> Result<T, DecodeError> {
        T::decode(self.reader).map_err(|e| e.in_member(name))
    }

    /// Skips the value of the key just read, giving its byte offset and its text.
    pub fn raw(&mut self) -> Result<(usize, &'a [u8]), DecodeError> {
        self.reader.skip_ws();
        let offset = self.reader.offset();
        self.reader.raw().map(|text| (offset, text))
    }

    /// Skips the value of the key just read.
    pub fn skip(&mut self) -> Result<(), DecodeError> {
        self.reader.skip()
    }

    /// A required member's value, or the error that it is missing.
    #[inline]
    pub fn required<T>(&self, value: Option<T>, name: &str) -> Result<T, DecodeError> {
        match value {
            Some(v) => Ok(v),
            None => Err(self.missing(name)),
        }
    }

    #[cold]
    fn missing(&self, name: &str) -> DecodeError {
        DecodeError::new(format!("missing member `{name}`"))
            .at(self.reader.base + self.start.saturating_sub(1))
    }

    /// Back to the first member.
    pub fn rewind(&mut self) {
        self.reader.pos = self.start;
        self.reader.depth = self.start_depth;
        self.first = true;
        self.done = false;
    }

    /// A union's discriminator, found by scanning the members (it may come after the branch's members); the
    /// cursor stays where it was.
    pub fn tag(&mut self, name: &str) -> Result<Cow<'a, str>, DecodeError> {
        let (pos, first, done) = (self.reader.pos, self.first, self.done);
        self.rewind();
        let mut tag = None;
        while let Some(key) = self.next_key()? {
            if key == name {
                tag = Some(self.reader.str().map_err(|e| e.in_member(name))?);
                break;
            }
            self.skip()?;
        }
        self.reader.pos = pos;
        (self.first, self.done) = (first, done);
        tag.ok_or_else(|| self.missing(name))
    }

    /// Decodes a union's branch from the members, the union's own members `claimed` (so that an unknown branch
    /// deeper down does not keep them as its own).
    #[inline]
    pub fn branch<T>(
        &mut self,
        claimed: &'static [&'static str],
        decode: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        self.rewind();
        let saved = self.claimed;
        if let Some(slot) = self.claimed.iter_mut().find(|c| c.is_empty()) {
            *slot = claimed;
        }
        let value = decode(self);
        self.claimed = saved;
        value
    }

    /// Every member not claimed by an enclosing union, from the first, as sent: an unknown branch's members.
    pub fn rest(&mut self) -> Result<Object, DecodeError> {
        self.rewind();
        let mut out = Map::new();
        while let Some(key) = self.next_key()? {
            if self.claimed.iter().any(|c| c.contains(&&*key)) {
                self.skip()?;
            } else {
                let value = self.value::<Value>(&key)?;
                out.insert(key.into_owned(), value);
            }
        }
        Ok(out)
    }

    /// Keeps the member just read in `rest` (an object that takes members the schema does not list).
    pub fn keep(&mut self, key: &str, rest: &mut Object) -> Result<(), DecodeError> {
        if self.claimed.iter().any(|c| c.contains(&key)) {
            return self.skip();
        }
        let value = self.value::<Value>(key)?;
        rest.insert(key.to_owned(), value);
        Ok(())
    }

    /// Reads to the end of the object, skipping members nobody read.
    fn finish(&mut self) -> Result<(), DecodeError> {
        while self.next_key()?.is_some() {
            self.skip()?;
        }
        Ok(())
    }
}
