//! Alternates: each branch must have a JSON type of its own, so that the value received selects the branch.

use crate::diagnostic::Diagnostic;

use super::check::{internal, with_label, Checker, Seen, Who};
use super::entity::JsonType;
use super::hash::FastMap;
use super::raw::{Info, RawEntity, RawKind};

/// The QType an alternate's input visitor sees for a branch's JSON type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum QType {
    Null,
    String,
    Num,
    Bool,
    List,
    Dict,
}

fn qtype(json: JsonType) -> Option<QType> {
    match json {
        JsonType::Null => Some(QType::Null),
        JsonType::String => Some(QType::String),
        JsonType::Number | JsonType::Int => Some(QType::Num),
        JsonType::Boolean => Some(QType::Bool),
        JsonType::Array => Some(QType::List),
        JsonType::Object => Some(QType::Dict),
        JsonType::Value => None,
    }
}

/// Branch names must not clash; branch types must have a JSON type (not `any`, not an alternate), and no two
/// branches may accept the same JSON value. A string branch also takes what the keyval visitor reads from a
/// string: numbers and booleans, unless it is an enum whose values cannot look like them.
pub(crate) fn check_branches(
    ch: &Checker,
    info: &Info,
    raw: &RawEntity,
    resolved: &[usize],
) -> Result<(), Diagnostic> {
    let RawKind::Alternate(branches) = &raw.kind else {
        return Err(internal("not an alternate"));
    };
    let mut seen = Seen::with_capacity(branches.len());
    let mut types_seen: FastMap<QType, &str> = FastMap::default();
    for (b, &ty) in branches.iter().zip(resolved) {
        let who = Who {
            role: "branch",
            name: &b.name,
            defined_in: &raw.name,
            union_kind: false,
        };
        seen.add(info, who, Some(b.span))?;
        let ty_raw = ch.raw(ty);
        let Some(own) = ty_raw.json_type().and_then(qtype) else {
            let msg = format!("{} cannot use {}", who.describe(info), ty_raw.describe());
            return Err(with_label(info.error(msg), b.ty.span));
        };
        let mut conflicting = vec![own];
        if own == QType::String {
            match &ty_raw.kind {
                RawKind::Enum { values, .. } => {
                    if values.iter().any(|v| v.name == "on" || v.name == "off") {
                        conflicting.push(QType::Bool);
                    }
                    if values.iter().any(|v| {
                        v.name
                            .starts_with(|c: char| c.is_ascii_digit() || "-+.".contains(c))
                    }) {
                        conflicting.push(QType::Num);
                    }
                }
                _ => conflicting.extend([QType::Num, QType::Bool]),
            }
        }
        for qt in conflicting {
            if let Some(other) = types_seen.get(&qt) {
                let msg = format!(
                    "{} can't be distinguished from '{}'",
                    who.describe(info),
                    other
                );
                return Err(info.error(msg).with_label(b.span));
            }
            types_seen.insert(qt, &b.name);
        }
    }
    Ok(())
}
