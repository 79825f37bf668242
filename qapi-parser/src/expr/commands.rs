//! `{ 'command': 'name', 'data'?, 'returns'?, 'boxed'?, 'if'?, 'features'?, FLAG? ... }`, and the flags.

use super::keys::check_keys;
use super::members::{check_type_name, check_type_name_or_array, check_type_name_or_implicit};
use super::{truthy, Check, Ctx};
use crate::ast::{Object, Value, ValueKind};
use crate::definition::{Command, Data, DefinitionKind};

const OPTIONAL_KEYS: [&str; 10] = [
    "data",
    "returns",
    "boxed",
    "if",
    "features",
    "gen",
    "success-response",
    "allow-oob",
    "allow-preconfig",
    "coroutine",
];

pub(super) fn check(ctx: &mut Ctx, object: &mut Object) -> Check<DefinitionKind> {
    check_keys(
        ctx,
        object,
        ctx.span,
        &"command",
        &["command"],
        &OPTIONAL_KEYS,
    )?;
    let data = check_arguments(ctx, object)?;
    let returns = match object.get_mut("returns") {
        Some(returns) => Some(check_type_name_or_array(ctx, returns, &"'returns'")?),
        None => None,
    };
    // [`check_flags`] runs later and rejects any value but the one that changes the default.
    Ok(DefinitionKind::Command(Command {
        data,
        returns,
        boxed: object.contains_key("boxed"),
        gen: !object.contains_key("gen"),
        success_response: !object.contains_key("success-response"),
        allow_oob: object.contains_key("allow-oob"),
        allow_preconfig: object.contains_key("allow-preconfig"),
        coroutine: object.contains_key("coroutine"),
    }))
}

/// The `data` of a command or event: with `'boxed': true`, the name of a type; otherwise a type name or members.
pub(super) fn check_arguments(ctx: &mut Ctx, object: &mut Object) -> Check<Option<Data>> {
    // QEMU tests the flag's truth here, before checking that its value is `true`.
    let boxed = object.get("boxed").is_some_and(truthy);
    match object.get_mut("data") {
        None if boxed => Err(ctx.error(ctx.span, "'boxed': true requires 'data'")),
        None => Ok(None),
        Some(data) if boxed => Ok(Some(Data::Named(check_type_name(ctx, data, &"'data'")?))),
        Some(data) => Ok(Some(check_type_name_or_implicit(
            ctx, data, &"'data'", None,
        )?)),
    }
}

/// `gen` and `success-response` may only be `false` (or, before QEMU 2.4, `'no'`), the other flags only `true`.
pub(super) fn check_flags(ctx: &mut Ctx, object: &Object) -> Check<()> {
    let old_no = |v: &Value| ctx.tolerant() && v.as_str() == Some("no");
    for key in ["gen", "success-response"] {
        if let Some(value) = object.get(key) {
            if !matches!(value.kind, ValueKind::Bool(false)) && !old_no(value) {
                return Err(ctx.error(value.span, format!("flag '{key}' may only use false value")));
            }
        }
    }
    for key in ["boxed", "allow-oob", "allow-preconfig", "coroutine"] {
        if let Some(value) = object.get(key) {
            if !matches!(value.kind, ValueKind::Bool(true)) {
                return Err(ctx.error(value.span, format!("flag '{key}' may only use true value")));
            }
        }
    }
    if let (Some(_), Some(coroutine)) = (object.get("allow-oob"), object.get("coroutine")) {
        return Err(ctx.error(
            coroutine.span,
            "flags 'allow-oob' and 'coroutine' are incompatible",
        ));
    }
    Ok(())
}
