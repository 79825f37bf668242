//! Pest's token stream → spanned AST, with the checks the grammar leaves to us: printable strings, QEMU's
//! duplicate-key check and our nesting limit.
//!
//! Both entry rules' tokens are read here: `expr`'s (`value` wrappers, `key` rules, visible punctuation, all of
//! which carry nothing the tree needs) and `lean_object`'s (whose `lean_text` is a key's or string's text without
//! its quotes). The stream is walked flat with a stack of open objects and arrays, which costs far less than
//! pest's nested `Pair`s.

use pest::iterators::Pairs;
use pest::Token;

use super::lexer::LexError;
use super::value::{too_deep, MAX_NESTING};
use crate::ast::{Key, Object, Value, ValueKind};
use crate::grammar::Rule;
use crate::source::{FileId, Span};

/// An object or array whose closing token has not been read yet.
enum Open {
    Object {
        start: usize,
        members: Vec<(Key, Value)>,
        /// The key read, while its value has not been.
        key: Option<Key>,
    },
    Array {
        start: usize,
        items: Vec<Value>,
    },
}

/// Build the value `pairs` holds. `base` is the offset in the file of the text pest parsed.
pub(super) fn build(pairs: Pairs<'_, Rule>, file: FileId, base: usize) -> Result<Value, LexError> {
    let mut tree = Tree {
        file,
        open: Vec::new(),
        done: None,
    };
    let input = pairs.get_input();
    let mut scalar_start = 0;
    for token in pairs.tokens() {
        match token {
            Token::Start { rule, pos } => {
                let pos = base + pos.pos();
                match rule {
                    Rule::object | Rule::lean_object | Rule::array | Rule::lean_array => {
                        tree.value_starts(pos)?;
                        if tree.open.len() >= MAX_NESTING {
                            return Err(LexError {
                                pos,
                                message: too_deep(),
                            });
                        }
                        tree.open
                            .push(if matches!(rule, Rule::object | Rule::lean_object) {
                                Open::Object {
                                    start: pos,
                                    members: Vec::new(),
                                    key: None,
                                }
                            } else {
                                Open::Array {
                                    start: pos,
                                    items: Vec::new(),
                                }
                            });
                    }
                    Rule::string | Rule::boolean => {
                        if !tree.expects_key() {
                            tree.value_starts(pos)?;
                        }
                        scalar_start = pos;
                    }
                    // Without its quotes, which the string's span includes.
                    Rule::lean_text => {
                        scalar_start = pos.saturating_sub(1);
                        if !tree.expects_key() {
                            tree.value_starts(scalar_start)?;
                        }
                    }
                    // A key is a string in key position; the rest wrap or separate values.
                    _ => scalar_start = pos,
                }
            }
            Token::End { rule, pos } => {
                let mut pos = base + pos.pos();
                if rule == Rule::lean_text {
                    pos += 1;
                }
                let span = Span::new(file, scalar_start, pos);
                let token = || &input[scalar_start - base..pos - base];
                match rule {
                    Rule::string | Rule::key | Rule::lean_text => {
                        let text = string(token(), scalar_start)?;
                        tree.add_string(text, span);
                    }
                    Rule::boolean => tree.add(Value {
                        span,
                        kind: ValueKind::Bool(token() == "true"),
                    }),
                    Rule::object | Rule::lean_object | Rule::array | Rule::lean_array => {
                        tree.close(pos)
                    }
                    _ => {}
                }
            }
        }
    }
    tree.done.ok_or_else(|| LexError {
        pos: base,
        message: "expected a value".to_owned(),
    })
}

/// A string token's value. QEMU accepts printable ASCII only, and `\\` as the only escape: the full grammar checks
/// escapes and leaves the characters to this check, the lean grammar leaves both.
fn string(token: &str, pos: usize) -> Result<String, LexError> {
    let error = |message: &str| LexError {
        pos,
        message: message.to_owned(),
    };
    let inner = token
        .get(1..token.len().saturating_sub(1))
        .unwrap_or_default();
    let mut escapes = 0;
    let mut bytes = inner.bytes();
    while let Some(b) = bytes.next() {
        if !(b' '..=b'~').contains(&b) {
            return Err(error("funny character in string"));
        }
        if b == b'\\' {
            // Only reachable through the lean grammar: the full path finds the error again and explains it.
            if bytes.next() != Some(b'\\') {
                return Err(error("unknown escape"));
            }
            escapes += 1;
        }
    }
    Ok(if escapes == 0 {
        inner.to_owned()
    } else {
        inner.replace("\\\\", "\\")
    })
}

struct Tree {
    file: FileId,
    open: Vec<Open>,
    done: Option<Value>,
}

impl Tree {
    /// Whether the next string is a key: the innermost open thing is an object waiting for one.
    fn expects_key(&self) -> bool {
        matches!(self.open.last(), Some(Open::Object { key: None, .. }))
    }

    /// A value starts at `pos`. QEMU notices a duplicate key after reading the ':', so the error points here.
    fn value_starts(&self, pos: usize) -> Result<(), LexError> {
        if let Some(Open::Object {
            members,
            key: Some(key),
            ..
        }) = self.open.last()
        {
            if members.iter().any(|(m, _)| m.name == key.name) {
                return Err(LexError {
                    pos,
                    message: format!("duplicate key '{}'", key.name),
                });
            }
        }
        Ok(())
    }

    fn add_string(&mut self, name: String, span: Span) {
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
            Some(Open::Object { members, key, .. }) => {
                if let Some(key) = key.take() {
                    members.push((key, value));
                }
            }
            Some(Open::Array { items, .. }) => items.push(value),
            None => self.done = Some(value),
        }
    }

    /// The innermost object or array ends at `end`.
    fn close(&mut self, end: usize) {
        let Some(open) = self.open.pop() else { return };
        let (start, kind) = match open {
            Open::Object { start, members, .. } => (start, ValueKind::Object(Object { members })),
            Open::Array { start, items } => (start, ValueKind::Array(items)),
        };
        self.add(Value {
            span: Span::new(self.file, start, end),
            kind,
        });
    }
}
