//! `'if'` conditions: shown in docs and metadata, and, when asked, mapped to `#[cfg]` predicates.
//!
//! By default every item is generated whatever its condition: a client cannot know how the QEMU it talks to was
//! configured, and the bindings must decode what any build sends. [`Conditions::Cfg`] and
//! [`Conditions::Feature`] instead compile an item only where its condition holds, for users who build for one
//! known configuration.

use crate::ir::Cond;
use crate::options::Conditions;

/// The condition as the 9.2 schema syntax reads: `CONFIG_X`, `all(A, not(B))`.
pub fn display(cond: &Cond) -> String {
    match cond {
        Cond::Name(name) => name.clone(),
        Cond::All(list) => format!(
            "all({})",
            list.iter().map(display).collect::<Vec<_>>().join(", ")
        ),
        Cond::Any(list) => format!(
            "any({})",
            list.iter().map(display).collect::<Vec<_>>().join(", ")
        ),
        Cond::Not(inner) => format!("not({})", display(inner)),
        Cond::Raw(text) => text.clone(),
    }
}

/// Every condition name used, for `cargo::rustc-check-cfg` and for crate features.
pub fn names<'a>(cond: &'a Cond, out: &mut Vec<&'a str>) {
    match cond {
        Cond::Name(name) => {
            if !out.contains(&name.as_str()) {
                out.push(name);
            }
        }
        Cond::All(list) | Cond::Any(list) => list.iter().for_each(|c| names(c, out)),
        Cond::Not(inner) => names(inner, out),
        Cond::Raw(_) => {}
    }
}

/// The `cfg` predicate for a condition, or `None` when conditions are not mapped (or the condition is an old C
/// expression that has no meaning in Rust: the item is then always generated).
pub fn predicate(cond: &Cond, mode: Conditions) -> Option<String> {
    match mode {
        Conditions::Docs => None,
        Conditions::Cfg | Conditions::Feature => {
            let mut out = String::new();
            pred(cond, mode, &mut out).then_some(out)
        }
    }
}

/// Writes the predicate; false when some part has no meaning in Rust.
fn pred(cond: &Cond, mode: Conditions, out: &mut String) -> bool {
    let (op, list) = match cond {
        Cond::Name(name) => {
            if mode == Conditions::Feature {
                out.push_str("feature = ");
                crate::code::push_string(out, name);
            } else {
                out.push_str(name);
            }
            return true;
        }
        Cond::All(list) => ("all(", list.as_slice()),
        Cond::Any(list) => ("any(", list.as_slice()),
        Cond::Not(inner) => ("not(", std::slice::from_ref(&**inner)),
        Cond::Raw(_) => return false,
    };
    out.push_str(op);
    for (k, c) in list.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        if !pred(c, mode, out) {
            return false;
        }
    }
    out.push(')');
    true
}

/// `#[cfg(...)]` for an optional condition, or nothing.
pub fn attr(cond: Option<&Cond>, mode: Conditions) -> String {
    match cond.and_then(|c| predicate(c, mode)) {
        Some(p) => format!("#[cfg({p})]"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Cond {
        Cond::All(vec![
            Cond::Name("CONFIG_A".into()),
            Cond::Not(Box::new(Cond::Name("CONFIG_B".into()))),
        ])
    }

    #[test]
    fn conditions_display_in_schema_syntax() {
        assert_eq!(display(&sample()), "all(CONFIG_A, not(CONFIG_B))");
    }

    #[test]
    fn conditions_map_to_cfg() {
        assert!(predicate(&sample(), Conditions::Docs).is_none());
        let cfg = predicate(&sample(), Conditions::Cfg).unwrap();
        assert_eq!(cfg, "all(CONFIG_A, not(CONFIG_B))");
        let feature = predicate(&sample(), Conditions::Feature).unwrap();
        assert_eq!(
            feature,
            "all(feature = \"CONFIG_A\", not(feature = \"CONFIG_B\"))"
        );
        assert!(predicate(&Cond::Raw("defined(X)".into()), Conditions::Cfg).is_none());
    }
}
