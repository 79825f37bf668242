//! `{ 'union': 'Name', 'base': BASE, 'discriminator': 'member', 'data': { BRANCH, ... }, 'if'?, 'features'? }`.
//!
//! Tolerant mode also reads the union forms QEMU dropped: the simple union (no `base`, no `discriminator`; before
//! 6.0), whose branches may be of any type, and the anonymous union (`'discriminator': {}`, no `base`; 1.7 to
//! 2.2), which is an alternate.

use super::alternates;
use super::keys::check_keys;
use super::members::{check_branches, check_type_name_or_implicit, BranchRules};
use super::{take_name, Check, Ctx};
use crate::ast::Object;
use crate::definition::{DefinitionKind, Union};
use crate::diagnostic::Diagnostic;

pub(super) fn check(ctx: &mut Ctx, object: &mut Object, name: &str) -> Check<DefinitionKind> {
    if ctx.tolerant() && !object.contains_key("base") {
        let discriminator = object.get("discriminator");
        let anonymous =
            discriminator.is_some_and(|d| d.as_object().is_some_and(|o| o.members.is_empty()));
        match discriminator {
            None => return check_simple(ctx, object),
            Some(_) if anonymous => {
                check_keys(
                    ctx,
                    object,
                    ctx.span,
                    &"union",
                    &["union", "discriminator", "data"],
                    &["if", "features"],
                )?;
                return alternates::check_branches_of(ctx, object);
            }
            Some(_) => {}
        }
    }
    let required = ["union", "base", "discriminator", "data"];
    check_keys(
        ctx,
        object,
        ctx.span,
        &"union",
        &required,
        &["if", "features"],
    )?;
    if !["base", "discriminator", "data"]
        .iter()
        .all(|k| object.contains_key(k))
    {
        return Err(ctx.error(ctx.span, "union misses key 'base'"));
    }
    let missing = || Diagnostic::bare("union key went missing");
    let base = object.get_mut("base").ok_or_else(missing)?;
    let base = check_type_name_or_implicit(ctx, base, &"'base'", Some(name))?;
    let discriminator = object.get_mut("discriminator").ok_or_else(missing)?;
    if discriminator.as_str().is_none() {
        return Err(ctx.error(discriminator.span, "'discriminator' requires a string name"));
    }
    let discriminator = take_name(discriminator);
    let data = object.get_mut("data").ok_or_else(missing)?;
    let span = data.span;
    let Some(data) = data.as_object_mut() else {
        return Err(ctx.error(span, "'data' must be an object"));
    };
    // Branch names are values of the discriminator enum, whose own checks cover them.
    let rules = BranchRules {
        lower_case_names: false,
        allow_array: false,
    };
    let branches = check_branches(ctx, data, rules)?;
    Ok(DefinitionKind::Union(Union {
        base: Some(base),
        discriminator: Some(discriminator),
        branches,
    }))
}

/// A simple union: the implicit tag `type` picks a branch, whose value sits under `data`.
fn check_simple(ctx: &mut Ctx, object: &mut Object) -> Check<DefinitionKind> {
    check_keys(
        ctx,
        object,
        ctx.span,
        &"union",
        &["union", "data"],
        &["if", "features"],
    )?;
    let data = object
        .get_mut("data")
        .ok_or_else(|| ctx.error(ctx.span, "union misses key 'data'"))?;
    let span = data.span;
    let Some(data) = data.as_object_mut() else {
        return Err(ctx.error(span, "'data' must be an object"));
    };
    let rules = BranchRules {
        lower_case_names: true,
        allow_array: true,
    };
    let branches = check_branches(ctx, data, rules)?;
    Ok(DefinitionKind::Union(Union {
        base: None,
        discriminator: None,
        branches,
    }))
}
