//! `'features'` lists: `['name', {'name': 'name', 'if': COND}, ...]`.

use super::enums::take_name_member;
use super::ifcond::check_if;
use super::keys::check_keys;
use super::names::check_name_lower;
use super::{Check, Ctx, Joined};
use crate::ast::{Value, ValueKind};
use crate::definition::{Feature, Name};

/// The features of a definition, member or enum value; none when `features` is absent.
pub(super) fn check_features(ctx: &mut Ctx, features: Option<&mut Value>) -> Check<Vec<Feature>> {
    let Some(value) = features else {
        return Ok(Vec::new());
    };
    let span = value.span;
    let ValueKind::Array(items) = &mut value.kind else {
        return Err(ctx.error(span, "'features' must be an array"));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let source = &"'features' member";
        // The short form `'f'` means `{'name': 'f'}`.
        if let Some(object) = item.as_object() {
            check_keys(ctx, object, item.span, source, &["name"], &["if"])?;
        }
        let name_value = item
            .as_object()
            .and_then(|object| object.get("name"))
            .unwrap_or(item);
        if name_value.as_str().is_none() {
            return Err(ctx.error(name_value.span, format!("{source} requires a string name")));
        }
        let name_span = name_value.span;
        let name = take_name_member(item);
        let source = Joined([source, &" '", &name, &"'"]);
        check_name_lower(ctx, &name, name_span, &source, false, false)?;
        let cond = match item.as_object() {
            Some(object) => check_if(ctx, object, &source)?,
            None => None,
        };
        out.push(Feature {
            name: Name {
                name,
                span: name_span,
            },
            cond,
        });
    }
    Ok(out)
}
