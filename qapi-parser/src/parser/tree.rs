//! Pest's token stream → spanned AST, with the checks the grammar leaves to us: printable strings, QEMU's
//! duplicate-key check and our nesting limit. The fast path for plain objects (`plain`) feeds the same builder
//! without pest.
//!
//! `expr`'s tokens are read here (`value` wrappers, `key` rules and visible punctuation carry nothing the tree
//! needs). The stream is walked flat with a stack of open objects and arrays, which costs far less than pest's
//! nested `Pair`s. The members and items of all open objects and arrays wait on two shared stacks, kept from one
//! expression to the next, so that each object's or array's vector is allocated once, at its exact size, when it
//! closes.

mod plain;

use pest::iterators::Pairs;
use pest::Token;

use super::lexer::LexError;
use super::value::{too_deep, MAX_NESTING};
use crate::ast::{Key, Object, Text, Value, ValueKind};
use crate::grammar::Rule;
use crate::source::{FileId, Span};

/// An object or array whose closing token has not been read yet. `first` is where its members (or items) start
/// on the builder's shared stack.
enum Open {
    Object {
        start: usize,
        first: usize,
        /// The key read, while its value has not been.
        key: Option<Key>,
    },
    Array {
        start: usize,
        first: usize,
    },
}

/// Builds values from pest's tokens; one builder serves every expression of a schema.
#[derive(Default)]
pub(super) struct Builder {
    open: Vec<Open>,
    members: Vec<(Key, Value)>,
    items: Vec<Value>,
    done: Option<Value>,
}

impl Builder {
    /// Build the value `pairs` holds. `base` is the offset in the file of the text pest parsed.
    pub(super) fn build(
        &mut self,
        pairs: Pairs<'_, Rule>,
        file: FileId,
        base: usize,
    ) -> Result<Value, LexError> {
        self.reset();
        let input = pairs.get_input();
        let mut scalar_start = 0;
        for token in pairs.tokens() {
            match token {
                Token::Start { rule, pos } => {
                    let pos = base + pos.pos();
                    match rule {
                        Rule::object | Rule::array => {
                            self.open_value(rule == Rule::object, pos)?;
                        }
                        Rule::string | Rule::boolean => {
                            if !self.expects_key() {
                                self.value_starts(pos)?;
                            }
                            scalar_start = pos;
                        }
                        // A key is a string in key position; the rest wrap or separate values.
                        _ => scalar_start = pos,
                    }
                }
                Token::End { rule, pos } => {
                    let pos = base + pos.pos();
                    let span = Span::new(file, scalar_start, pos);
                    let token = || &input[scalar_start - base..pos - base];
                    match rule {
                        Rule::string | Rule::key => {
                            let text = string(token(), scalar_start)?;
                            self.add_string(text, span);
                        }
                        Rule::boolean => self.add(Value {
                            span,
                            kind: ValueKind::Bool(token() == "true"),
                        }),
                        Rule::object | Rule::array => self.close(file, pos),
                        _ => {}
                    }
                }
            }
        }
        self.done.take().ok_or_else(|| LexError {
            pos: base,
            message: "expected a value".to_owned(),
        })
    }

    /// Drop what a failed build may have left behind.
    fn reset(&mut self) {
        self.open.clear();
        self.members.clear();
        self.items.clear();
        self.done = None;
    }

    /// An object (or array) opens at `pos`.
    fn open_value(&mut self, object: bool, pos: usize) -> Result<(), LexError> {
        self.value_starts(pos)?;
        if self.open.len() >= MAX_NESTING {
            return Err(LexError {
                pos,
                message: too_deep(),
            });
        }
        self.open.push(if object {
            Open::Object {
                start: pos,
                first: self.members.len(),
                key: None,
            }
        } else {
            Open::Array {
                start: pos,
                first: self.items.len(),
            }
        });
        Ok(())
    }

    /// Whether the next string is a key: the innermost open thing is an object waiting for one.
    fn expects_key(&self) -> bool {
        matches!(self.open.last(), Some(Open::Object { key: None, .. }))
    }

    /// A value starts at `pos`. QEMU notices a duplicate key after reading the ':', so the error points here.
    fn value_starts(&self, pos: usize) -> Result<(), LexError> {
        if let Some(Open::Object {
            first,
            key: Some(key),
            ..
        }) = self.open.last()
        {
            if self.members[*first..]
                .iter()
                .any(|(m, _)| m.name == key.name)
            {
                return Err(LexError {
                    pos,
                    message: format!("duplicate key '{}'", key.name),
                });
            }
        }
        Ok(())
    }

    fn add_string(&mut self, name: Text, span: Span) {
        if let Some(Open::Object {
            key: key @ None, ..
        }) = self.open.last_mut()
        {
            *key = Some(Key { name, span });
        } else {
            self.add(Value {
                span,
                kind: ValueKind::Str(name),
            });
        }
    }

    /// A complete value: a member, an item, or the whole value.
    fn add(&mut self, value: Value) {
        match self.open.last_mut() {
            Some(Open::Object { key, .. }) => {
                if let Some(key) = key.take() {
                    self.members.push((key, value));
                }
            }
            Some(Open::Array { .. }) => self.items.push(value),
            None => self.done = Some(value),
        }
    }

    /// The innermost object or array ends at `end`.
    fn close(&mut self, file: FileId, end: usize) {
        let Some(open) = self.open.pop() else { return };
        let (start, kind) = match open {
            Open::Object { start, first, .. } => {
                let members = self.members.drain(first..).collect();
                (start, ValueKind::Object(Object { members }))
            }
            Open::Array { start, first } => {
                (start, ValueKind::Array(self.items.drain(first..).collect()))
            }
        };
        self.add(Value {
            span: Span::new(file, start, end),
            kind,
        });
    }
}

/// A string token's value. QEMU accepts printable ASCII only, and `\\` as the only escape: the full grammar checks
/// escapes and leaves the characters to this check, the plain reader leaves both.
fn string(token: &str, pos: usize) -> Result<Text, LexError> {
    let inner = token
        .get(1..token.len().saturating_sub(1))
        .unwrap_or_default();
    // Nearly always: plain printable ASCII. (A fold rather than `all`: without the early exit the loop is
    // vectorized.)
    let plain = inner.bytes().fold(true, |ok, b| {
        ok & (b.wrapping_sub(b' ') <= b'~' - b' ') & (b != b'\\')
    });
    if plain {
        return Ok(qapi_word(inner).map_or_else(|| Text::Owned(inner.to_owned()), Text::Borrowed));
    }
    let error = |message: &str| LexError {
        pos,
        message: message.to_owned(),
    };
    let mut bytes = inner.bytes();
    while let Some(b) = bytes.next() {
        if !(b' '..=b'~').contains(&b) {
            return Err(error("funny character in string"));
        }
        // Only reachable through the plain reader: the full path finds the error again and explains it.
        if b == b'\\' && bytes.next() != Some(b'\\') {
            return Err(error("unknown escape"));
        }
    }
    Ok(Text::Owned(inner.replace("\\\\", "\\")))
}

/// QAPI's own words: its keys, built-in types, special features and pragmas, by length.
const QAPI_WORDS: [&[&str]; 27] = [
    &[],
    &[],
    &["if"],
    &["str", "int", "any", "gen", "all", "not"],
    &[
        "data", "bool", "enum", "type", "base", "name", "size", "int8", "null",
    ],
    &[
        "event", "uint8", "union", "boxed", "int16", "int32", "int64", "QType",
    ],
    &[
        "struct", "uint64", "uint32", "uint16", "prefix", "pragma", "number",
    ],
    &["command", "returns", "include"],
    &["features", "unstable"],
    &["alternate", "allow-oob", "coroutine"],
    &["deprecated"],
    &[],
    &["doc-required"],
    &["discriminator"],
    &[],
    &["allow-preconfig"],
    &["success-response"],
    &[],
    &[],
    &[],
    &[],
    &[],
    &["member-name-exceptions"],
    &["command-name-exceptions"],
    &["documentation-exceptions"],
    &[],
    &["command-returns-exceptions"],
];

/// `text` as one of [`QAPI_WORDS`], if it is one.
fn qapi_word(text: &str) -> Option<&'static str> {
    QAPI_WORDS
        .get(text.len())?
        .iter()
        .find(|word| **word == text)
        .copied()
}
