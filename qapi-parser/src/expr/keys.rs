//! Required and allowed keys of an object.

use super::{Check, Ctx, Source};
use crate::ast::Object;
use crate::source::Span;

/// `'a', 'b', 'c'`: sorted, as QEMU prints key sets.
fn quoted_sorted<'k>(keys: impl IntoIterator<Item = &'k str>) -> String {
    let mut keys: Vec<&str> = keys.into_iter().collect();
    keys.sort_unstable();
    keys.dedup();
    keys.iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// The object at `at` has every key of `required` and no key outside `required` and `optional`. `source` names
/// the object in messages (`struct`, `'data' member 'a'`, ...).
pub(super) fn check_keys(
    ctx: &Ctx,
    object: &Object,
    at: Span,
    source: Source,
    required: &[&str],
    optional: &[&str],
) -> Check<()> {
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| !object.contains_key(k))
        .collect();
    if !missing.is_empty() {
        let msg = format!(
            "{source} misses key{} {}",
            plural(missing.len()),
            quoted_sorted(missing.iter().copied())
        );
        return Err(ctx.error(at, msg));
    }
    let allowed = |k: &str| required.contains(&k) || optional.contains(&k);
    let unknown: Vec<_> = object
        .members
        .iter()
        .filter(|(k, _)| !allowed(&k.name))
        .map(|(k, _)| k)
        .collect();
    if let Some(first) = unknown.first() {
        let msg = format!(
            "{source} has unknown key{} {}\nValid keys are {}.",
            plural(unknown.len()),
            quoted_sorted(unknown.iter().map(|k| &*k.name)),
            quoted_sorted(required.iter().chain(optional).copied()),
        );
        return Err(ctx.error(first.span, msg));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lists_are_sorted() {
        assert_eq!(
            quoted_sorted(["struct", "data", "base", "if", "features"]),
            "'base', 'data', 'features', 'if', 'struct'"
        );
        assert_eq!(quoted_sorted(["phony", "bogus"]), "'bogus', 'phony'");
    }
}
