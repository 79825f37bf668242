//! The JSON reader that generated decoders drive: a cursor over the received bytes that knows its byte offset,
//! gives strings borrowed from the input when they hold no escape, and skips what nobody asked for without
//! building it.
//!
//! Nesting is limited to [`MAX_DEPTH`] objects and arrays (deeper input is a [`DecodeError`], not a stack
//! overflow); skipping is iterative and needs no stack at all.

use std::borrow::Cow;

use serde_json::{Number, Value};

use crate::wire::{Decode, DecodeError};

mod members;
mod transcode;
pub use members::Members;
pub use transcode::transcode;

/// How deeply objects and arrays may nest in what is decoded (as serde_json's own limit).
pub const MAX_DEPTH: u32 = 128;

/// The JSON type of the next value, which is all an alternate needs to choose its branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// A JSON number as read: an integer when it has neither fraction nor exponent and fits 64 bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Signed(i64),
    /// A number with a fraction or an exponent, or an integer too large for 64 bits.
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
    /// A reader over the JSON text `bytes`, from its first byte.
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
    #[inline(never)]
    pub fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::new(message).at(self.offset())
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.pos += 1;
        }
    }

    #[inline]
    fn next_byte(&mut self) -> Result<u8, DecodeError> {
        self.skip_ws();
        match self.bytes.get(self.pos) {
            Some(&b) => Ok(b),
            None => Err(self.end_of_input()),
        }
    }

    #[cold]
    #[inline(never)]
    fn end_of_input(&self) -> DecodeError {
        self.error("unexpected end of input")
    }

    fn expect(&mut self, byte: u8) -> Result<(), DecodeError> {
        if self.next_byte()? == byte {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.expected(byte))
        }
    }

    #[cold]
    #[inline(never)]
    fn expected(&self, byte: u8) -> DecodeError {
        self.error(format!("expected `{}`", byte as char))
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
        let start = self.pos + 1;
        let (end, ascii) = plain_run(self.bytes, start);
        self.pos = end;
        match self.bytes.get(self.pos) {
            Some(b'"') if ascii => {
                let bytes: &'a [u8] = self.bytes;
                let text = ascii_str(&bytes[start..end]);
                self.pos += 1;
                Ok(Cow::Borrowed(text))
            }
            _ => self.str_rest(start),
        }
    }

    /// [`Reader::str`] of a string that is not plain ASCII, from its first byte at `start` (the cursor on the
    /// first byte that is neither plain nor ASCII).
    #[inline(never)]
    fn str_rest(&mut self, start: usize) -> Result<Cow<'a, str>, DecodeError> {
        match self.bytes.get(self.pos) {
            Some(b'"') => {
                let text = self.utf8(start, self.pos)?;
                self.pos += 1;
                Ok(Cow::Borrowed(text))
            }
            Some(b'\\') => {
                let mut owned = String::with_capacity(self.pos - start + 16);
                owned.push_str(self.utf8(start, self.pos)?);
                self.escaped(&mut owned).map(|()| Cow::Owned(owned))
            }
            Some(_) => Err(self.error("control character in a string")),
            None => Err(self.error("unterminated string")),
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
            self.pos = plain_run_end(self.bytes, start);
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
        self.number_as("a number")
    }

    /// [`Reader::number`], whose error when there is none says it expected `expected`.
    #[inline]
    pub(crate) fn number_as(&mut self, expected: &str) -> Result<(Num, &'a str), DecodeError> {
        if !matches!(self.next_byte()?, b'-' | b'0'..=b'9') {
            return Err(self.invalid_type(expected));
        }
        let bytes: &'a [u8] = self.bytes;
        let start = self.pos;
        let negative = bytes[self.pos] == b'-';
        if negative {
            self.pos += 1;
        }
        let digits_start = self.pos;
        let mut magnitude: u64 = 0;
        // Nineteen digits always fit 64 bits; only a longer run is checked for overflow.
        while let Some(&d @ b'0'..=b'9') = bytes.get(self.pos) {
            magnitude = magnitude * 10 + u64::from(d - b'0');
            self.pos += 1;
            if self.pos - digits_start == 19 {
                break;
            }
        }
        let mut fits = true;
        while let Some(&d @ b'0'..=b'9') = bytes.get(self.pos) {
            match magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(u64::from(d - b'0')))
            {
                Some(m) => magnitude = m,
                None => fits = false,
            }
            self.pos += 1;
        }
        if self.pos == digits_start {
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
        let text = ascii_str(&bytes[start..self.pos]);
        if integer && fits {
            if !negative {
                return Ok((Num::Unsigned(magnitude), text));
            }
            if magnitude <= 1 << 63 {
                return Ok((Num::Signed((magnitude as i64).wrapping_neg()), text));
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
        if self.next_byte()? == b'"' {
            self.pos += 1;
            return self.skip_str_rest();
        }
        self.skip_nested()
    }

    /// [`Reader::skip`] of anything but a string.
    fn skip_nested(&mut self) -> Result<(), DecodeError> {
        // Iterative: the open containers are bits (1 for an object), so that skipping needs no stack.
        let mut kinds: u128 = 0;
        let mut open = 0u32;
        loop {
            // A byte decides the value's type: no `Token` in between.
            match self.next_byte()? {
                b'"' => {
                    self.pos += 1;
                    self.skip_str_rest()?;
                }
                b'n' => self.literal(b"null")?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                b @ (b'[' | b'{') => {
                    if open >= 128 || self.depth + open >= MAX_DEPTH {
                        return Err(self.too_deep());
                    }
                    self.pos += 1;
                    let object = b == b'{';
                    kinds = (kinds << 1) | u128::from(object);
                    open += 1;
                    if !matches!(self.next_byte()?, b']' | b'}') {
                        if object {
                            self.skip_key()?;
                        }
                        continue;
                    }
                }
                other => return Err(self.unexpected(other)),
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
                            self.skip_key()?;
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

    /// Skips the next value by its brackets and quotes alone, without checking its syntax: for a scan whose
    /// ground is read again, checked, afterwards (a union's look for its discriminator). On valid JSON it stops
    /// where [`Reader::skip`] does; on anything else it stops somewhere or fails, and the checked read that
    /// follows reports the error.
    fn skip_unchecked(&mut self) -> Result<(), DecodeError> {
        match self.next_byte()? {
            b'"' => {
                self.pos += 1;
                self.skip_str_rest()
            }
            b'[' | b'{' => {
                // Brackets a byte at a time, through a table of the bytes that matter; strings eight bytes at a
                // time.
                let mut open = 0usize;
                let mut pos = self.pos;
                let bytes = self.bytes;
                while let Some(&b) = bytes.get(pos) {
                    pos += 1;
                    match SKIP_CLASS[usize::from(b)] {
                        QUOTE => loop {
                            pos = quote_or_backslash(bytes, pos);
                            match bytes.get(pos) {
                                Some(b'"') | None => {
                                    pos += 1;
                                    break;
                                }
                                _ => pos += 2,
                            }
                        },
                        OPEN => open += 1,
                        CLOSE => {
                            open -= 1;
                            if open == 0 {
                                self.pos = pos;
                                return Ok(());
                            }
                        }
                        _ => {}
                    }
                }
                self.pos = bytes.len();
                Err(self.end_of_input())
            }
            _ => self.skip(),
        }
    }

    /// Skips a member's name and its colon.
    #[inline]
    fn skip_key(&mut self) -> Result<(), DecodeError> {
        self.skip_str()?;
        if self.bytes.get(self.pos) == Some(&b':') {
            self.pos += 1;
            Ok(())
        } else {
            self.expect(b':')
        }
    }

    #[cold]
    #[inline(never)]
    fn unexpected(&self, byte: u8) -> DecodeError {
        self.error(format!("unexpected character {:?}", byte as char))
    }

    fn skip_str(&mut self) -> Result<(), DecodeError> {
        if self.next_byte()? != b'"' {
            return Err(self.invalid_type("a string"));
        }
        self.pos += 1;
        self.skip_str_rest()
    }

    /// Skips the rest of a string, after its opening quote.
    #[inline]
    fn skip_str_rest(&mut self) -> Result<(), DecodeError> {
        loop {
            self.pos = plain_run_end(self.bytes, self.pos);
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => self.pos += 2,
                Some(_) => return Err(self.error("control character in a string")),
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
            return Err(self.too_deep());
        }
        self.expect(open)?;
        self.depth += 1;
        Ok(())
    }

    /// Enters the container whose opening bracket `open` is next, else gives the "expected `expected`" error.
    #[inline]
    fn open(&mut self, open: u8, expected: &str) -> Result<(), DecodeError> {
        if self.next_byte()? != open {
            return Err(self.invalid_type(expected));
        }
        if self.depth >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.pos += 1;
        self.depth += 1;
        Ok(())
    }

    #[cold]
    fn too_deep(&self) -> DecodeError {
        self.error(format!("nested more than {MAX_DEPTH} levels deep"))
    }

    /// Reads an object, giving its members to `decode`.
    #[inline]
    pub fn object<T>(
        &mut self,
        decode: impl FnOnce(&mut Members<'_, 'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        self.open(b'{', "an object")?;
        let mut members = Members::new(self);
        let value = decode(&mut members)?;
        members.finish()?;
        self.depth -= 1;
        Ok(value)
    }

    /// Decodes the value at the cursor as member `name`'s (errors name it).
    #[inline]
    pub fn member<T: Decode>(&mut self, name: &str) -> Result<T, DecodeError> {
        T::decode(self).map_err(|e| e.in_member(name))
    }

    /// Decodes the value at the cursor into `slot`.
    #[inline]
    pub fn read<T: Decode>(&mut self, slot: &mut Option<T>) -> Result<(), DecodeError> {
        *slot = Some(T::decode(self)?);
        Ok(())
    }

    /// [`Reader::read`], then `true`: a union's reader of its own members took the member.
    #[inline]
    pub fn take<T: Decode>(&mut self, slot: &mut Option<T>) -> Result<bool, DecodeError> {
        self.read(slot).map(|()| true)
    }

    /// [`Reader::take`] for a value held in a `Box` (a recursive type).
    #[inline]
    pub fn take_boxed<T: Decode>(
        &mut self,
        slot: &mut Option<Box<T>>,
    ) -> Result<bool, DecodeError> {
        self.read_boxed(slot).map(|()| true)
    }

    /// [`Reader::read`] for a value held in a `Box` (a recursive type).
    #[inline]
    pub fn read_boxed<T: Decode>(&mut self, slot: &mut Option<Box<T>>) -> Result<(), DecodeError> {
        *slot = Some(Box::new(T::decode(self)?));
        Ok(())
    }

    /// In a container opened by `[` or `{`: whether another element or member follows (after its comma), or
    /// the container ends with `close` (consumed).
    fn more(&mut self, close: u8, first: &mut bool) -> Result<bool, DecodeError> {
        let b = self.next_byte()?;
        if b == close {
            self.pos += 1;
            return Ok(false);
        }
        if !std::mem::take(first) {
            if b != b',' {
                return Err(self.error(format!("expected `,` or `{}`", close as char)));
            }
            self.pos += 1;
        }
        Ok(true)
    }

    /// Reads an array of `T`.
    pub fn array<T: Decode>(&mut self) -> Result<Vec<T>, DecodeError> {
        self.open(b'[', "an array")?;
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

/// The index of the first byte at or after `pos` that ends a run of plain string bytes: a `"`, a backslash or a
/// control character (`bytes.len()` when there is none).
#[inline]
pub(crate) fn plain_run_end(bytes: &[u8], pos: usize) -> usize {
    plain_run(bytes, pos).0
}

/// [`plain_run_end`], and whether the run is all ASCII. Eight bytes at a time.
#[inline]
fn plain_run(bytes: &[u8], mut pos: usize) -> (usize, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut seen = 0u64;
    while let Some(chunk) = bytes.get(pos..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*chunk);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // A byte's high bit is set in `found` when the byte is 0 (in `quote`, `backslash`) or below 0x20 (in
        // `word`); only the lowest such byte is exact, which is the one wanted.
        let found = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word);
        let found = found & HIGH;
        if found != 0 {
            let n = found.trailing_zeros() / 8;
            seen |= word & ((1u64 << (8 * n)) - 1);
            return (pos + n as usize, seen & HIGH == 0);
        }
        seen |= word;
        pos += 8;
    }
    let mut ascii = seen & HIGH == 0;
    while let Some(&b) = bytes.get(pos) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        ascii &= b < 0x80;
        pos += 1;
    }
    (pos, ascii)
}

/// The index of the first `"` or backslash at or after `pos` (`bytes.len()` when there is none), eight bytes at
/// a time: the end of a string for [`Reader::skip_unchecked`], which checks nothing else in it.
#[inline]
fn quote_or_backslash(bytes: &[u8], mut pos: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(pos..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*chunk);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // Only the lowest byte flagged is exact, which is the one wanted.
        let found = ((quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash))
            & HIGH;
        if found != 0 {
            return pos + (found.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while let Some(&b) = bytes.get(pos) {
        if b == b'"' || b == b'\\' {
            break;
        }
        pos += 1;
    }
    pos
}

/// The bytes [`Reader::skip_unchecked`] looks at, by class (0 for the others).
const SKIP_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'"' as usize] = QUOTE;
    table[b'[' as usize] = OPEN;
    table[b'{' as usize] = OPEN;
    table[b']' as usize] = CLOSE;
    table[b'}' as usize] = CLOSE;
    table
};
const QUOTE: u8 = 1;
const OPEN: u8 = 3;
const CLOSE: u8 = 4;

/// Bytes known to be ASCII (a string [`plain_run`] found so, a number's digits and signs), as text, without
/// validating them again.
#[inline]
fn ascii_str(bytes: &[u8]) -> &str {
    debug_assert!(bytes.is_ascii());
    // SAFETY: every caller passes bytes it saw to be below 0x80 (`plain_run` saw no byte with the high bit set,
    // `number` accepted only digits, signs, dots and exponents), and ASCII is valid UTF-8.
    unsafe { std::str::from_utf8_unchecked(bytes) }
}
