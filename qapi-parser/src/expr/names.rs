//! Naming rules.
//!
//! A name is an optional downstream prefix `__RFQDN_`, an optional `x-`, then a stem: a letter followed by letters,
//! digits, `-` and `_` (all matched without regard to case). Names whose C form starts with `q_` are reserved for
//! generated names. On top of that, types use CamelCase, commands and members lower case, and events upper case.
//! QEMU enforced the case rules only from 2.10 (and `_` from 6.0), so in tolerant mode they are warnings.

use super::{Check, Ctx, Source};
use crate::source::Span;

/// The stem of a valid name, or `None`. Tries the optional prefixes in the order a backtracking regex would, so
/// `x-` alone is a stem rather than an empty stem after the `x-` prefix.
pub(super) fn stem(name: &str) -> Option<&str> {
    let after_downstream =
        downstream_prefix_len(name).and_then(|n| stem_after_prefixes(&name[n..]));
    after_downstream.or_else(|| stem_after_prefixes(name))
}

/// The stem of `rest` after an optional `x-`, preferring the one after `x-`.
fn stem_after_prefixes(rest: &str) -> Option<&str> {
    let experimental = rest
        .as_bytes()
        .get(..2)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"x-"))
        .then(|| &rest[2..]);
    experimental
        .filter(|s| is_stem(s))
        .or_else(|| is_stem(rest).then_some(rest))
}

/// Length of a leading `__RFQDN_` (letters, digits, `.` and `-` between `__` and `_`), if there is one.
fn downstream_prefix_len(name: &str) -> Option<usize> {
    let body = name.strip_prefix("__")?;
    let run = body
        .bytes()
        .take_while(|&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        .count();
    (run > 0 && body.as_bytes().get(run) == Some(&b'_')).then_some(2 + run + 1)
}

fn is_stem(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The name as a C identifier, without protection against keywords: anything but a letter, digit or `_` becomes `_`.
fn c_name(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        }
    })
}

/// Whether the C form of `name` starts with `prefix` (compared without building it).
pub(super) fn c_name_starts_with(name: &str, prefix: &str) -> bool {
    let mut c = c_name(name);
    prefix.chars().all(|p| c.next() == Some(p))
}

/// Whether the C form of `name` is `c`.
pub(super) fn c_name_is(name: &str, c: &str) -> bool {
    c_name(name).eq(c.chars())
}

/// A valid name, not in the reserved `q_` namespace. Returns the stem.
///
/// Tolerant mode also takes a name with `.` that is otherwise valid, with a warning: QEMU allowed `.` in names
/// before 2.5 (2.1.0's `BlkdebugEvent` has `l1_grow.alloc_table`).
pub(super) fn check_name_str<'n>(
    ctx: &mut Ctx,
    name: &'n str,
    at: Span,
    source: Source,
) -> Check<&'n str> {
    match stem(name) {
        Some(stem) if !c_name_starts_with(name, "q_") => Ok(stem),
        None if ctx.tolerant() && name.contains('.') && stem(&name.replace('.', "-")).is_some() => {
            let message = format!("{source} uses '.', which QEMU allowed in names before 2.5");
            let warning = ctx.error(at, message).as_warning();
            ctx.warnings.push(warning);
            Ok(name)
        }
        _ => Err(ctx.error(at, format!("{source} has an invalid name"))),
    }
}

/// A command, member, enum value, branch or feature name: no upper case, no `_` (unless permitted).
pub(super) fn check_name_lower(
    ctx: &mut Ctx,
    name: &str,
    at: Span,
    source: Source,
    permit_upper: bool,
    permit_underscore: bool,
) -> Check<()> {
    let stem = check_name_str(ctx, name, at, source)?;
    let upper = !permit_upper && stem.bytes().any(|b| b.is_ascii_uppercase());
    let underscore = !permit_underscore && stem.contains('_');
    if upper || underscore {
        ctx.lenient(
            at,
            format!("name of {source} must not use uppercase or '_'"),
        )?;
    }
    Ok(())
}

/// An event name: no lower case, no `-`.
fn check_name_upper(ctx: &mut Ctx, name: &str, at: Span, source: Source) -> Check<()> {
    let stem = check_name_str(ctx, name, at, source)?;
    if stem.bytes().any(|b| b.is_ascii_lowercase() || b == b'-') {
        ctx.lenient(
            at,
            format!("name of {source} must not use lowercase or '-'"),
        )?;
    }
    Ok(())
}

/// A type name: CamelCase, that is an upper-case letter, then letters and digits with at least one lower-case letter.
fn check_name_camel(ctx: &mut Ctx, name: &str, at: Span, source: Source) -> Check<()> {
    let stem = check_name_str(ctx, name, at, source)?;
    let bytes = stem.as_bytes();
    let camel = bytes[0].is_ascii_uppercase()
        && bytes.iter().all(u8::is_ascii_alphanumeric)
        && bytes[1..].iter().any(u8::is_ascii_lowercase);
    if !camel {
        ctx.lenient(at, format!("name of {source} must use CamelCase"))?;
    }
    Ok(())
}

/// The name of a definition, by meta.
pub(super) fn check_defn_name(ctx: &mut Ctx, name: &str, at: Span, meta: &str) -> Check<()> {
    match meta {
        "event" => check_name_upper(ctx, name, at, &meta),
        "command" => {
            let permit_underscore = ctx
                .pragmas
                .command_name_exceptions
                .iter()
                .any(|n| n == name);
            check_name_lower(ctx, name, at, &meta, false, permit_underscore)
        }
        _ => {
            check_name_camel(ctx, name, at, &meta)?;
            // `<Type>List` is the name of the array type of `<Type>`.
            if name.ends_with("List") {
                return Err(ctx.error(at, format!("{meta} name should not end in 'List'")));
            }
            Ok(())
        }
    }
}

/// Whether `name` (a type's) is in the `member-name-exceptions` pragma.
pub(super) fn member_name_exception(ctx: &Ctx, name: Option<&str>) -> bool {
    name.is_some_and(|name| ctx.pragmas.member_name_exceptions.iter().any(|n| n == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(stem("foo-bar"), Some("foo-bar"));
        assert_eq!(stem("x-foo"), Some("foo"));
        assert_eq!(stem("X-foo"), Some("foo"));
        assert_eq!(stem("x-"), Some("x-"));
        assert_eq!(stem("__com.redhat_x-foo"), Some("foo"));
        assert_eq!(stem("__com.redhat_foo_bar"), Some("foo_bar"));
        assert_eq!(stem("__foo"), None);
        assert_eq!(stem("_oops"), None);
        assert_eq!(stem("*oops"), None);
        assert_eq!(stem("not\\possible"), None);
        assert_eq!(stem(""), None);
        assert_eq!(stem("1a"), None);
        assert_eq!(stem("a.b"), None);
    }

    #[test]
    fn c_names() {
        assert!(c_name("q-unix").eq("q_unix".chars()));
        assert!(c_name("has-a").eq("has_a".chars()));
        assert!(c_name("__com.redhat_x").eq("__com_redhat_x".chars()));
        assert!(c_name_starts_with("q-unix", "q_"));
        assert!(c_name_starts_with("q\u{e9}", "q_"));
        assert!(!c_name_starts_with("qa", "q_"));
        assert!(!c_name_starts_with("q", "q_"));
        assert!(c_name_starts_with("has-x", "has_"));
        assert!(c_name_is("u", "u"));
        assert!(!c_name_is("u-", "u"));
    }
}
