//! `{ 'enum': 'Name', 'data': [ VALUE, ... ], 'prefix'?, 'if'?, 'features'? }`, where VALUE is `'name'` or
//! `{ 'name': 'name', 'if'?, 'features'? }`.

use super::features::check_features;
use super::ifcond::check_if;
use super::keys::check_keys;
use super::names::{check_name_lower, member_name_exception};
use std::borrow::Cow;

use super::{Check, Ctx, Joined};
use crate::ast::{Object, Value, ValueKind};
use crate::definition::{DefinitionKind, EnumValue, Name};

pub(super) fn check(ctx: &mut Ctx, object: &mut Object, name: &str) -> Check<DefinitionKind> {
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
    if data.as_array().is_none() {
        return Err(ctx.error(data.span, "'data' must be an array"));
    }
    let prefix = match object.get_mut("prefix") {
        None => None,
        Some(prefix) if prefix.as_str().is_some() => Some(prefix.take_str()),
        Some(prefix) => return Err(ctx.error(prefix.span, "'prefix' must be a string")),
    };
    let items = match object.get_mut("data").map(|d| &mut d.kind) {
        Some(ValueKind::Array(items)) => items,
        _ => return Err(ctx.error(ctx.span, "enum misses key 'data'")),
    };
    let permissive = member_name_exception(ctx, Some(name));
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        let source = &"'data' member";
        // The short form `'v'` means `{'name': 'v'}`.
        if let Some(long) = item.as_object() {
            check_keys(ctx, long, item.span, source, &["name"], &["if", "features"])?;
        }
        let name_value = item
            .as_object()
            .and_then(|long| long.get("name"))
            .unwrap_or(item);
        if name_value.as_str().is_none() {
            return Err(ctx.error(name_value.span, format!("{source} requires a string name")));
        }
        let name_span = name_value.span;
        let value_name = take_name_member(item);
        let source = Joined([source, &" '", &value_name, &"'"]);
        // Enum values may start with a digit: check them as if they started with a letter.
        let as_checked = match value_name.starts_with(|c: char| c.is_ascii_digit()) {
            true => Cow::Owned(format!("d{value_name}")),
            false => Cow::Borrowed(value_name.as_str()),
        };
        check_name_lower(ctx, &as_checked, name_span, &source, permissive, permissive)?;
        let (cond, features) = match item.as_object_mut() {
            Some(long) => (
                check_if(ctx, long, &source)?,
                check_features(ctx, long.get_mut("features"))?,
            ),
            None => (None, Vec::new()),
        };
        values.push(EnumValue {
            name: Name {
                name: value_name,
                span: name_span,
            },
            cond,
            features,
        });
    }
    Ok(DefinitionKind::Enum { values, prefix })
}

/// The name of an enum value or feature, `'name'` or `{'name': 'name', ...}`, taken out of the tree.
pub(super) fn take_name_member(item: &mut Value) -> String {
    if let Some(name) = item.as_object_mut().and_then(|long| long.get_mut("name")) {
        return name.take_str();
    }
    item.take_str()
}
