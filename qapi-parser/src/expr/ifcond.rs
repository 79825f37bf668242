//! `'if'` conditions.
//!
//! QEMU 9.2 writes a condition as `'IDENT'`, `{'all': [...]}`, `{'any': [...]}` or `{'not': COND}`. Before 6.0 a
//! condition was a C preprocessor expression such as `'defined(CONFIG_SPICE) && !defined(CONFIG_X)'`, or a list
//! of them that must all hold; tolerant mode reads those too, into the same [`Cond`] where it can.

use super::keys::check_keys;
use super::{Check, Ctx, Joined, Source};
use crate::ast::{Object, Value, ValueKind};
use crate::definition::Cond;

/// Deeper nesting than any real schema uses; the limit only keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// The `'if'` of `object` (a definition, member, branch, enum value or feature), if any. `source` names the
/// object in messages.
pub(super) fn check_if(ctx: &mut Ctx, object: &Object, source: Source) -> Check<Option<Cond>> {
    let Some(value) = object.get("if") else {
        return Ok(None);
    };
    if let (true, ValueKind::Array(items)) = (ctx.tolerant(), &value.kind) {
        return legacy_list(ctx, value, items, source).map(Some);
    }
    check_cond(ctx, value, source, 0).map(Some)
}

fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase())
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn check_cond(ctx: &mut Ctx, cond: &Value, source: Source, depth: usize) -> Check<Cond> {
    if depth > MAX_DEPTH {
        return Err(ctx.error(
            cond.span,
            format!("'if' condition of {source} is nested too deeply"),
        ));
    }
    match &cond.kind {
        ValueKind::Str(s) if is_identifier(s) => Ok(Cond::Name(s.to_string())),
        ValueKind::Str(s) => {
            let invalid = format!("'if' condition '{s}' of {source} is not a valid identifier");
            if !ctx.tolerant() || s.trim().is_empty() {
                return Err(ctx.error(cond.span, invalid));
            }
            legacy_string(ctx, cond, s, source)
        }
        ValueKind::Object(object) => {
            check_keys(
                ctx,
                object,
                cond.span,
                &Joined([&"'if' condition of ", source]),
                &[],
                &["all", "any", "not"],
            )?;
            let [(key, operand)] = object.members.as_slice() else {
                return Err(ctx.error(
                    cond.span,
                    format!("'if' condition of {source} has conflicting keys"),
                ));
            };
            match &*key.name {
                "not" => Ok(Cond::Not(Box::new(check_cond(
                    ctx,
                    operand,
                    source,
                    depth + 1,
                )?))),
                "all" => Ok(Cond::All(check_infix(ctx, "all", operand, source, depth)?)),
                _ => Ok(Cond::Any(check_infix(ctx, "any", operand, source, depth)?)),
            }
        }
        _ => Err(ctx.error(
            cond.span,
            format!("'if' condition of {source} must be a string or an object"),
        )),
    }
}

fn check_infix(
    ctx: &mut Ctx,
    operator: &str,
    operands: &Value,
    source: Source,
    depth: usize,
) -> Check<Vec<Cond>> {
    let Some(items) = operands.as_array() else {
        return Err(ctx.error(
            operands.span,
            format!("'{operator}' condition of {source} must be an array"),
        ));
    };
    if items.is_empty() {
        return Err(ctx.error(
            operands.span,
            format!("'if' condition [] of {source} is useless"),
        ));
    }
    items
        .iter()
        .map(|item| check_cond(ctx, item, source, depth + 1))
        .collect()
}

/// A pre-6.0 list of conditions, all of which must hold.
fn legacy_list(ctx: &mut Ctx, value: &Value, items: &[Value], source: Source) -> Check<Cond> {
    if items.is_empty() {
        return Err(ctx.error(
            value.span,
            format!("'if' condition [] of {source} is useless"),
        ));
    }
    let mut conds = items
        .iter()
        .map(|item| check_cond(ctx, item, source, 1))
        .collect::<Check<Vec<_>>>()?;
    Ok(if conds.len() == 1 {
        conds.remove(0)
    } else {
        Cond::All(conds)
    })
}

/// A pre-6.0 C preprocessor condition. What [`parse_c_condition`] cannot read is kept verbatim, with a warning.
fn legacy_string(ctx: &mut Ctx, cond: &Value, text: &str, source: Source) -> Check<Cond> {
    if let Some(parsed) = parse_c_condition(text) {
        return Ok(parsed);
    }
    let warning = ctx
        .error(
            cond.span,
            format!("'if' condition '{text}' of {source} is not a valid identifier; kept as C"),
        )
        .as_warning();
    ctx.warnings.push(warning);
    Ok(Cond::Raw(text.to_string()))
}

/// Reads `defined(X)`, `defined X`, `!`, `&&`, `||` and parentheses, with C's precedence. `None` for anything else.
pub(super) fn parse_c_condition(text: &str) -> Option<Cond> {
    let tokens = tokenize(text)?;
    let mut parser = CParser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let cond = parser.or()?;
    (parser.pos == parser.tokens.len()).then_some(cond)
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Not,
    And,
    Or,
    Open,
    Close,
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (token, len) = match c {
            _ if c.is_whitespace() => {
                rest = &rest[c.len_utf8()..];
                continue;
            }
            '(' => (Token::Open, 1),
            ')' => (Token::Close, 1),
            '!' if !rest.starts_with("!=") => (Token::Not, 1),
            '&' if rest.starts_with("&&") => (Token::And, 2),
            '|' if rest.starts_with("||") => (Token::Or, 2),
            _ if c.is_ascii_alphabetic() || c == '_' => {
                let len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                (Token::Ident(rest[..len].to_string()), len)
            }
            _ => return None,
        };
        tokens.push(token);
        rest = &rest[len..];
    }
    Some(tokens)
}

struct CParser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl CParser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, token: &Token) -> bool {
        let hit = self.peek() == Some(token);
        self.pos += usize::from(hit);
        hit
    }

    fn or(&mut self) -> Option<Cond> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut operands = vec![self.and()?];
        while self.eat(&Token::Or) {
            operands.push(self.and()?);
        }
        self.depth -= 1;
        Some(if operands.len() == 1 {
            operands.remove(0)
        } else {
            Cond::Any(operands)
        })
    }

    fn and(&mut self) -> Option<Cond> {
        let mut operands = vec![self.unary()?];
        while self.eat(&Token::And) {
            operands.push(self.unary()?);
        }
        Some(if operands.len() == 1 {
            operands.remove(0)
        } else {
            Cond::All(operands)
        })
    }

    fn unary(&mut self) -> Option<Cond> {
        if self.eat(&Token::Not) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return None;
            }
            let operand = self.unary()?;
            self.depth -= 1;
            return Some(Cond::Not(Box::new(operand)));
        }
        if self.eat(&Token::Open) {
            let inner = self.or()?;
            return self.eat(&Token::Close).then_some(inner);
        }
        match self.peek() {
            Some(Token::Ident(word)) if word == "defined" => self.pos += 1,
            _ => return None,
        }
        let parenthesized = self.eat(&Token::Open);
        let Some(Token::Ident(name)) = self.peek() else {
            return None;
        };
        let name = name.clone();
        self.pos += 1;
        if parenthesized && !self.eat(&Token::Close) {
            return None;
        }
        Some(Cond::Name(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Cond {
        Cond::Name(n.to_string())
    }

    #[test]
    fn c_conditions() {
        assert_eq!(
            parse_c_condition("defined(CONFIG_SPICE)"),
            Some(name("CONFIG_SPICE"))
        );
        assert_eq!(
            parse_c_condition(" defined CONFIG_X "),
            Some(name("CONFIG_X"))
        );
        assert_eq!(
            parse_c_condition(
                "defined(TARGET_I386) || defined(TARGET_ARM) || defined(TARGET_S390X)"
            ),
            Some(Cond::Any(vec![
                name("TARGET_I386"),
                name("TARGET_ARM"),
                name("TARGET_S390X")
            ]))
        );
        assert_eq!(
            parse_c_condition("defined(A) && !defined(B) || defined(C)"),
            Some(Cond::Any(vec![
                Cond::All(vec![name("A"), Cond::Not(Box::new(name("B")))]),
                name("C")
            ]))
        );
        assert_eq!(
            parse_c_condition("!(defined(A) || defined(B))"),
            Some(Cond::Not(Box::new(Cond::Any(vec![name("A"), name("B")]))))
        );
        assert_eq!(parse_c_condition("CONFIG_X == 1"), None);
        assert_eq!(parse_c_condition("defined(A"), None);
        assert_eq!(parse_c_condition("A"), None);
        assert_eq!(parse_c_condition(&"(".repeat(10_000)), None);
        assert_eq!(
            parse_c_condition(&format!("{}defined(A)", "!".repeat(10_000))),
            None
        );
    }
}
