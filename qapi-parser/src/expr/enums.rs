//! `{ 'enum': 'Name', 'data': [ VALUE, ... ], 'prefix'?, 'if'?, 'features'? }`, where VALUE is `'name'` or
//! `{ 'name': 'name', 'if'?, 'features'? }`.

use super::features::check_features;
use super::ifcond::check_if;
use super::keys::check_keys;
use super::names::{check_name_lower, member_name_exception};
use std::borrow::Cow;

use super::{name_of, Check, Ctx, Joined};
use crate::ast::Object;
use crate::definition::{DefinitionKind, EnumValue};

pub(super) fn check(ctx: &mut Ctx, object: &Object, name: &str) -> Check<DefinitionKind> {
    check_keys(
        ctx,
        object,
        ctx.span,
        &"enum",
        &["enum", "data"],
        &["if", "features", "prefix"],
    )?;
    let data = object
        .get("data")
        .ok_or_else(|| ctx.error(ctx.span, "enum misses key 'data'"))?;
    let Some(items) = data.as_array() else {
        return Err(ctx.error(data.span, "'data' must be an array"));
    };
    let prefix = match object.get("prefix") {
        None => None,
        Some(prefix) => match prefix.as_str() {
            Some(p) => Some(p.to_string()),
            None => return Err(ctx.error(prefix.span, "'prefix' must be a string")),
        },
    };
    let permissive = member_name_exception(ctx, Some(name));
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        let source = &"'data' member";
        // The short form `'v'` means `{'name': 'v'}`.
        let long = item.as_object();
        let name_value = match long {
            Some(long) => {
                check_keys(ctx, long, item.span, source, &["name"], &["if", "features"])?;
                long.get("name").unwrap_or(item)
            }
            None => item,
        };
        let Some(value_name) = name_value.as_str() else {
            return Err(ctx.error(name_value.span, format!("{source} requires a string name")));
        };
        let source = Joined([source, &" '", &value_name, &"'"]);
        // Enum values may start with a digit: check them as if they started with a letter.
        let as_checked = match value_name.starts_with(|c: char| c.is_ascii_digit()) {
            true => Cow::Owned(format!("d{value_name}")),
            false => Cow::Borrowed(value_name),
        };
        check_name_lower(
            ctx,
            &as_checked,
            name_value.span,
            &source,
            permissive,
            permissive,
        )?;
        let (cond, features) = match long {
            Some(long) => (
                check_if(ctx, long, &source)?,
                check_features(ctx, long.get("features"))?,
            ),
            None => (None, Vec::new()),
        };
        values.push(EnumValue {
            name: name_of(name_value, value_name),
            cond,
            features,
        });
    }
    Ok(DefinitionKind::Enum { values, prefix })
}
