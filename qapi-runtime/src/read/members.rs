//! The members of one JSON object, as a generated decoder reads them: a `match` on each member's name whose
//! arms each make one call, with a single `?` for the whole loop. That shape keeps rustc's work per member small
//! (type checking a `?` per member was the largest part of compiling the QMP bindings).

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{ascii_str, plain_run, Reader};
use crate::wire::{Decode, DecodeError, Object, ObjectType};

/// How many unions may be nested as one another's branches.
const OUTER: usize = 8;

/// What an enclosing union reads while its branch is read: given a member's name (with the reader on its
/// value), it reads the value and gives `true` when the member is one of the union's own (its base's), and gives
/// `false`, reading nothing, otherwise.
type Read<'r, 'a> = &'r mut (dyn FnMut(&str, &mut Reader<'a>) -> Result<bool, DecodeError> + 'r);

/// An enclosing union: its discriminator's name and the reader of its own members.
struct Outer<'r, 'a> {
    tag: &'static str,
    read: Read<'r, 'a>,
}

/// The members of one object, read key by key in one pass. A union first looks for its discriminator
/// ([`Members::tag`]), then reads its branch's members and its own in one pass ([`Members::branch`]).
pub struct Members<'r, 'a> {
    reader: &'r mut Reader<'a>,
    start: usize,
    start_depth: u32,
    first: bool,
    done: bool,
    /// The enclosing unions' readers of their own members, innermost last.
    outer: [Option<Outer<'r, 'a>>; OUTER],
}

impl<'r, 'a> Members<'r, 'a> {
    /// The members of the object whose `{` the reader just passed.
    pub(super) fn new(reader: &'r mut Reader<'a>) -> Self {
        Members {
            start: reader.pos,
            start_depth: reader.depth,
            first: true,
            done: false,
            outer: Default::default(),
            reader,
        }
    }

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
            b',' if !self.first => {
                r.pos += 1;
                if r.next_byte()? != b'"' {
                    return Err(r.error("expected a member name"));
                }
            }
            b'"' if self.first => {}
            _ if self.first => return Err(r.error("expected a member name")),
            _ => return Err(r.error("expected `,` or `}`")),
        }
        self.first = false;
        // The cursor is on the key's opening quote. Keys are short and plain: borrowed from the input when so.
        let bytes: &'a [u8] = r.bytes;
        let start = r.pos + 1;
        let (end, ascii) = plain_run(bytes, start);
        let key = if ascii && bytes.get(end) == Some(&b'"') {
            r.pos = end + 1;
            Cow::Borrowed(ascii_str(&bytes[start..end]))
        } else {
            r.str()?
        };
        if r.bytes.get(r.pos) == Some(&b':') {
            r.pos += 1;
        } else {
            r.expect(b':')?;
        }
        Ok(Some(key))
    }

    /// Decodes the value of member `key` (just read) into `slot`.
    #[inline]
    pub fn read<T: Decode>(&mut self, slot: &mut Option<T>, key: &str) -> Result<(), DecodeError> {
        self.reader.read(slot).map_err(|e| e.in_member(key))
    }

    /// [`Members::read`] for a member held in a `Box` (a recursive type).
    #[inline]
    pub fn read_boxed<T: Decode>(
        &mut self,
        slot: &mut Option<Box<T>>,
        key: &str,
    ) -> Result<(), DecodeError> {
        self.reader.read_boxed(slot).map_err(|e| e.in_member(key))
    }

    /// Decodes the value of member `name` (the key just read by [`Members::next_key`]).
    #[inline]
    pub fn value<T: Decode>(&mut self, name: &str) -> Result<T, DecodeError> {
        self.reader.member(name)
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

    /// The value of `key` (just read), a member the type being read does not have: an enclosing union's own
    /// member (read by the union), or one unknown to all (skipped: a member a newer QEMU added).
    pub fn other(&mut self, key: &str) -> Result<(), DecodeError> {
        if !self.outer_takes(key)? {
            self.reader.skip()?;
        }
        Ok(())
    }

    /// Offers member `key` to the enclosing unions, innermost first: `true` when one of them read it.
    fn outer_takes(&mut self, key: &str) -> Result<bool, DecodeError> {
        for outer in self.outer.iter_mut().rev().flatten() {
            if key == outer.tag {
                // Already read by `tag`; checked again here.
                self.reader.skip()?;
                return Ok(true);
            }
            if (outer.read)(key, self.reader).map_err(|e| e.in_member(key))? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A required member's value, or the error that it is missing.
    #[inline]
    pub fn required<T>(&self, value: Option<T>, name: &str) -> Result<T, DecodeError> {
        match value {
            Some(v) => Ok(v),
            None => Err(self.missing(name)),
        }
    }

    /// The error that required member `name` is missing, at the object's start.
    #[cold]
    pub fn missing(&self, name: &str) -> DecodeError {
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
        let (pos, depth, first, done) = (self.reader.pos, self.reader.depth, self.first, self.done);
        self.rewind();
        let mut tag = None;
        // What is skipped here is read again (checked) by the pass that follows.
        while let Some(key) = self.next_key()? {
            if key == name {
                tag = Some(self.reader.str().map_err(|e| e.in_member(name))?);
                break;
            }
            self.reader.skip_unchecked()?;
        }
        self.reader.pos = pos;
        self.reader.depth = depth;
        (self.first, self.done) = (first, done);
        tag.ok_or_else(|| self.missing(name))
    }

    /// Reads a union's members in one pass, from the first: `decode` reads its branch's members (the branch's
    /// type gives those it does not have to [`Members::other`]), `read` reads the union's own (its base's), the
    /// discriminator `tag` is skipped (found before by [`Members::tag`]), and what none of them takes is skipped.
    pub fn branch<T>(
        &mut self,
        tag: &'static str,
        read: &mut dyn FnMut(&str, &mut Reader<'a>) -> Result<bool, DecodeError>,
        decode: impl FnOnce(&mut Members<'_, 'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        self.rewind();
        let Some(free) = self.outer.iter().position(Option::is_none) else {
            return Err(self
                .reader
                .error(format!("more than {OUTER} unions nested as branches")));
        };
        // Rewound: the reader is at this object's first member, where the branch's reading starts too.
        let mut inner = Members::new(&mut *self.reader);
        for (slot, outer) in inner.outer.iter_mut().zip(&mut self.outer) {
            *slot = outer.as_mut().map(|outer| Outer {
                tag: outer.tag,
                read: &mut *outer.read,
            });
        }
        inner.outer[free] = Some(Outer { tag, read });
        let value = decode(&mut inner)?;
        inner.finish()?;
        self.done = true;
        self.first = false;
        Ok(value)
    }

    /// Decodes a union's branch of type `T` from these members, as the union's variant `variant` (its
    /// constructor: one call per branch in a generated decoder, with no `?` to type check).
    #[inline]
    pub fn decode_branch<T: ObjectType, U>(
        &mut self,
        variant: impl FnOnce(T) -> U,
    ) -> Result<U, DecodeError> {
        T::decode_members(self).map(variant)
    }

    /// [`Members::decode_branch`] for a branch held in a `Box` (a recursive type).
    #[inline]
    pub fn decode_branch_boxed<T: ObjectType, U>(
        &mut self,
        variant: impl FnOnce(Box<T>) -> U,
    ) -> Result<U, DecodeError> {
        T::decode_members(self).map(|value| variant(Box::new(value)))
    }

    /// Every member no enclosing union takes, from the cursor on, as sent: an unknown branch's members.
    pub fn rest(&mut self) -> Result<Object, DecodeError> {
        let mut out = Map::new();
        while let Some(key) = self.next_key()? {
            if !self.outer_takes(&key)? {
                let value = self.value::<Value>(&key)?;
                out.insert(key.into_owned(), value);
            }
        }
        Ok(out)
    }

    /// Keeps the member just read in `rest` (an object that takes members the schema does not list), unless an
    /// enclosing union takes it.
    pub fn keep(&mut self, key: &str, rest: &mut Object) -> Result<(), DecodeError> {
        if self.outer_takes(key)? {
            return Ok(());
        }
        let value = self.value::<Value>(key)?;
        rest.insert(key.to_owned(), value);
        Ok(())
    }

    /// Reads to the end of the object; members nobody read are offered to the enclosing unions, or skipped.
    pub(super) fn finish(&mut self) -> Result<(), DecodeError> {
        while let Some(key) = self.next_key()? {
            self.other(&key)?;
        }
        Ok(())
    }
}
