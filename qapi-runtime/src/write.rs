//! The JSON writer that generated encoders drive: appends compact JSON text to a byte buffer.

use std::io::Write as _;

use serde_json::Value;

use crate::read::plain_run_end;
use crate::wire::{Encode, Object};

/// The longest string [`Writer::str`] writes without a loop.
const SHORT: usize = 32;

/// `N` bytes of `bytes` from `at` (which the caller keeps in bounds), as a little-endian word.
#[inline]
fn word<const N: usize>(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    if let Some(chunk) = bytes.get(at..at + N) {
        word[..N].copy_from_slice(chunk);
    }
    u64::from_le_bytes(word)
}

/// Whether any byte of `word` is one JSON escapes in a string: a quote, a backslash or a control character.
#[inline]
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    // A byte's high bit is set when the byte is 0 (in `quote`, `backslash`) or below 0x20 (in `word`), or,
    // through a borrow, above such a byte: never when there is none.
    let found = (quote.wrapping_sub(ONES) & !quote)
        | (backslash.wrapping_sub(ONES) & !backslash)
        | (word.wrapping_sub(ONES * 0x20) & !word);
    found & HIGH != 0
}

/// Appends JSON to a `Vec<u8>`. Commas between members and elements are its business: callers open a
/// container, name each member with [`Writer::key`] (or start each element with [`Writer::element`]), write
/// its value, and close the container. [`Writer::field`] names a member and writes its value with a key
/// prepared beforehand, which is what generated encoders use.
#[derive(Default)]
pub struct Writer {
    out: Vec<u8>,
    /// No member or element written yet in the innermost open container.
    first: bool,
}

impl Writer {
    /// A writer with an empty buffer.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// A writer appending to `out`.
    pub fn from_vec(out: Vec<u8>) -> Writer {
        Writer { out, first: true }
    }

    /// The text written.
    pub fn into_vec(self) -> Vec<u8> {
        self.out
    }

    /// `null`.
    #[inline]
    pub fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    /// `true` or `false`.
    #[inline]
    pub fn bool(&mut self, b: bool) {
        // Five bytes either way (a copy of a fixed size), cut back for `true`.
        let at = self.out.len();
        self.out
            .extend_from_slice(if b { b"true " } else { b"false" });
        self.out.truncate(at + 5 - usize::from(b));
    }

    /// A signed integer.
    #[inline]
    pub fn i64(&mut self, n: i64) {
        self.digits(itoa::Buffer::new().format(n).as_bytes());
    }

    /// An unsigned integer.
    #[inline]
    pub fn u64(&mut self, n: u64) {
        self.digits(itoa::Buffer::new().format(n).as_bytes());
    }

    /// An integer's text (at most 20 bytes), copied as words that may overlap into room for the longest, which
    /// is then cut back (no `memcpy` call).
    #[inline(always)]
    fn digits(&mut self, bytes: &[u8]) {
        let len = bytes.len();
        let at = self.out.len();
        self.out.extend_from_slice(&[0; 24]);
        match (len, self.out.get_mut(at..at + 24)) {
            (17..=20, Some(out)) => {
                out[..8].copy_from_slice(&word::<8>(bytes, 0).to_le_bytes());
                out[8..16].copy_from_slice(&word::<8>(bytes, 8).to_le_bytes());
                out[len - 8..len].copy_from_slice(&word::<8>(bytes, len - 8).to_le_bytes());
            }
            (8..=16, Some(out)) => {
                out[..8].copy_from_slice(&word::<8>(bytes, 0).to_le_bytes());
                out[len - 8..len].copy_from_slice(&word::<8>(bytes, len - 8).to_le_bytes());
            }
            (4..=7, Some(out)) => {
                out[..4].copy_from_slice(&word::<4>(bytes, 0).to_le_bytes()[..4]);
                out[len - 4..len].copy_from_slice(&word::<4>(bytes, len - 4).to_le_bytes()[..4]);
            }
            (1..=3, Some(out)) => {
                out[0] = bytes[0];
                out[len / 2] = bytes[len / 2];
                out[len - 1] = bytes[len - 1];
            }
            _ => {
                self.out.truncate(at);
                self.out.extend_from_slice(bytes);
                return;
            }
        }
        self.out.truncate(at + len);
    }

    /// A `number`; NaN and the infinities, which JSON cannot carry, are written as `null`.
    pub fn f64(&mut self, n: f64) {
        if n.is_finite() {
            // `Debug` is the shortest text that reads back to the same `f64`, with an exponent for very large
            // or small magnitudes, and `.0` for integral values.
            let _ = write!(self.out, "{n:?}");
        } else {
            self.null();
        }
    }

    /// A string, escaped as JSON requires.
    pub fn str(&mut self, s: &str) {
        self.str_inline(s);
    }

    /// [`Writer::str`] inlined, for the encoders of `String` and `str` (generated code calls either, or `str`).
    #[inline]
    pub(crate) fn str_inline(&mut self, s: &str) {
        let bytes = s.as_bytes();
        if !self.short_plain_str::<16>(bytes) {
            // A tail call: the short path calls nothing, so it saves no registers.
            self.long_str(bytes);
        }
    }

    /// A string of at most `MAX` bytes (16 or [`SHORT`]) with nothing to escape, when the buffer has room for
    /// it, written with stores of fixed sizes (no `memcpy` call) and no loop; `false`, having written nothing,
    /// otherwise.
    #[inline(always)]
    fn short_plain_str<const MAX: usize>(&mut self, bytes: &[u8]) -> bool {
        let len = bytes.len();
        if len > MAX.min(SHORT) || self.out.capacity() - self.out.len() < SHORT + 2 {
            return false;
        }
        // `"`, the bytes and `"` are written over room for the longest short string, which is then cut back to
        // the string's length. The bytes are read as words, which may overlap (the first and the last sixteen,
        // eight or four bytes; for fewer, the first, middle and last byte), each written where it belongs.
        let at = self.out.len();
        self.out.extend_from_slice(&[b'"'; SHORT + 2]);
        let Some(out) = self.out.get_mut(at..at + SHORT + 2) else {
            return false;
        };
        let found = match len {
            17.. => {
                let words = [0, 8, len - 16, len - 8].map(|at| word::<8>(bytes, at));
                out[1..9].copy_from_slice(&words[0].to_le_bytes());
                out[9..17].copy_from_slice(&words[1].to_le_bytes());
                out[len - 15..len - 7].copy_from_slice(&words[2].to_le_bytes());
                out[len - 7..len + 1].copy_from_slice(&words[3].to_le_bytes());
                words.into_iter().any(needs_escape)
            }
            8.. => {
                let (head, tail) = (word::<8>(bytes, 0), word::<8>(bytes, len - 8));
                out[1..9].copy_from_slice(&head.to_le_bytes());
                out[len - 7..len + 1].copy_from_slice(&tail.to_le_bytes());
                needs_escape(head) | needs_escape(tail)
            }
            4.. => {
                let (head, tail) = (word::<4>(bytes, 0), word::<4>(bytes, len - 4));
                out[1..5].copy_from_slice(&head.to_le_bytes()[..4]);
                out[len - 3..len + 1].copy_from_slice(&tail.to_le_bytes()[..4]);
                needs_escape(head | tail << 32)
            }
            1.. => {
                let (a, b, c) = (bytes[0], bytes[len / 2], bytes[len - 1]);
                out[1] = a;
                out[1 + len / 2] = b;
                out[len] = c;
                // The other bytes spaces, which need no escape.
                needs_escape(u64::from_le_bytes([a, b, c, b' ', b' ', b' ', b' ', b' ']))
            }
            0 => false,
        };
        out[len + 1] = b'"';
        self.out.truncate(if found { at } else { at + len + 2 });
        !found
    }

    /// A string longer than 16 bytes, or one with something to escape, or one the buffer has no room for.
    fn long_str(&mut self, bytes: &[u8]) {
        if bytes.len() <= SHORT {
            // Room for the short path (a small buffer, as serde's path gives each value, often lacks it).
            self.out.reserve(SHORT + 2);
            if self.short_plain_str::<SHORT>(bytes) {
                return;
            }
        }
        self.out.reserve(bytes.len() + 2);
        self.out.push(b'"');
        let mut start = 0;
        loop {
            let end = plain_run_end(bytes, start);
            self.out.extend_from_slice(&bytes[start..end]);
            let Some(&b) = bytes.get(end) else {
                break;
            };
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                _ => b"",
            };
            if escape.is_empty() {
                let _ = write!(self.out, "\\u{b:04x}");
            } else {
                self.out.extend_from_slice(escape);
            }
            start = end + 1;
        }
        self.out.push(b'"');
    }

    /// Opens an object.
    #[inline]
    pub fn begin_object(&mut self) {
        self.out.push(b'{');
        self.first = true;
    }

    /// Closes the innermost open object.
    #[inline]
    pub fn end_object(&mut self) {
        self.out.push(b'}');
        self.first = false;
    }

    /// Opens an array.
    #[inline]
    pub fn begin_array(&mut self) {
        self.out.push(b'[');
        self.first = true;
    }

    /// Closes the innermost open array.
    #[inline]
    pub fn end_array(&mut self) {
        self.out.push(b']');
        self.first = false;
    }

    /// Names the next member of the open object.
    pub fn key(&mut self, name: &str) {
        let bytes = name.as_bytes();
        self.out.reserve(bytes.len() + 4);
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        if plain_run_end(bytes, 0) == bytes.len() {
            self.out.push(b'"');
            self.out.extend_from_slice(bytes);
            self.out.extend_from_slice(b"\":");
        } else {
            self.str(name);
            self.out.push(b':');
        }
    }

    /// Starts the next element of the open array.
    #[inline]
    pub fn element(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    /// Member `name` with its value.
    #[inline]
    pub fn member<T: Encode + ?Sized>(&mut self, name: &str, value: &T) {
        self.key(name);
        value.encode(self);
    }

    /// Member with its name given as `key`: the name's JSON text with a comma before it and a colon after it
    /// (`b",\"name\":"`), which generated encoders hold as literals, so that a member is named with one copy
    /// of a length known where it is inlined, and no scan for what to escape.
    #[inline]
    pub fn field<T: Encode + ?Sized>(&mut self, key: &[u8], value: &T) {
        self.field_key(key);
        value.encode(self);
    }

    /// [`Writer::field`] when the member is present.
    #[inline]
    pub fn field_opt<T: Encode>(&mut self, key: &[u8], value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    /// [`Writer::field_opt`] for a member boxed to break a recursion.
    #[inline]
    pub fn field_opt_box<T: Encode>(&mut self, key: &[u8], value: &Option<Box<T>>) {
        if let Some(value) = value {
            self.field(key, &**value);
        }
    }

    /// The key of [`Writer::field`]: copied whole; for the object's first member, over the `{` just written,
    /// which then replaces the comma.
    #[inline]
    fn field_key(&mut self, key: &[u8]) {
        debug_assert!(key.first() == Some(&b',') && key.last() == Some(&b':'));
        let first = self.first;
        self.first = false;
        let start = self.out.len().saturating_sub(usize::from(first));
        self.out.truncate(start);
        self.out.extend_from_slice(key);
        if first {
            self.out[start] = b'{';
        }
    }

    /// Member `name` when it is present.
    #[inline]
    pub fn member_opt<T: Encode>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.member(name, value);
        }
    }

    /// [`Writer::member_opt`] for a member boxed to break a recursion.
    #[inline]
    pub fn member_opt_box<T: Encode>(&mut self, name: &str, value: &Option<Box<T>>) {
        if let Some(value) = value {
            self.member(name, &**value);
        }
    }

    /// Every member of `object` (members kept as sent, or arguments the schema does not list).
    pub fn members(&mut self, object: &Object) {
        for (name, value) in object {
            self.key(name);
            self.value(value);
        }
    }

    /// Any JSON value.
    pub fn value(&mut self, value: &Value) {
        // Writing into a Vec cannot fail, and a Value holds no NaN.
        let _ = serde_json::to_writer(&mut self.out, value);
    }

    /// A value through serde_json's serializer.
    pub fn serde<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        // Writing into a Vec fails only for what JSON cannot hold (a map with non-string keys): `null` then.
        let at = self.out.len();
        if serde_json::to_writer(&mut self.out, value).is_err() {
            self.out.truncate(at);
            self.null();
        }
    }

    /// JSON text written as it is (the caller vouches that it is one JSON value).
    pub fn raw(&mut self, json: &[u8]) {
        self.out.extend_from_slice(json);
    }
}
