//! `{ 'union': 'Name', 'base': BASE, 'discriminator': 'member', 'data': { BRANCH, ... }, 'if'?, 'features'? }`.
//!
//! Tolerant mode also reads the union forms QEMU dropped: the simple union (no `base`, no `discriminator`; before
//! 6.0), whose branches may be of any type, and the anonymous union (`'discriminator': {}`, no `base`; 1.7 to
//! 2.2), which is an alternate.

use super::alternates;
use super::keys::check_keys;
use super::members::{check_branches, check_type_name_or_implicit, BranchRules};
use super::{name_of, Check, Ctx};
use crate::ast::Object;
use crate::definition::{DefinitionKind, Union};

pub(super) fn check(ctx: &mut Ctx, object: &Object, name: &str) -> Check<DefinitionKind> {
    if ctx.tolerant() && !object.contains_key("base") {
        match object.get("discriminator") {
            None => return check_simple(ctx, object),
            Some(d) if d.as_object().is_some_and(|o| o.members.is_empty()) => {
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
    let [Some(base), Some(discriminator), Some(data)] =
        ["base", "discriminator", "data"].map(|k| object.get(k))
    else {
        return Err(ctx.error(ctx.span, "union misses key 'base'"));
    };
    let base = check_type_name_or_implicit(ctx, base, &"'base'", Some(name))?;
    let Some(tag) = discriminator.as_str() else {
        return Err(ctx.error(discriminator.span, "'discriminator' requires a string name"));
    };
    let Some(data) = data.as_object() else {
        return Err(ctx.error(data.span, "'data' must be an object"));
    };
    // Branch names are values of the discriminator enum, whose own checks cover them.
    let rules = BranchRules {
        lower_case_names: false,
        allow_array: false,
    };
    let branches = check_branches(ctx, data, rules)?;
    Ok(DefinitionKind::Union(Union {
        base: Some(base),
        discriminator: Some(name_of(discriminator, tag)),
        branches,
    }))
}

/// A simple union: the implicit tag `type` picks a branch, whose value sits under `data`.
fn check_simple(ctx: &mut Ctx, object: &Object) -> Check<DefinitionKind> {
    check_keys(
        ctx,
        object,
        ctx.span,
        &"union",
        &["union", "data"],
        &["if", "features"],
    )?;
    let data = object
        .get("data")
        .ok_or_else(|| ctx.error(ctx.span, "union misses key 'data'"))?;
    let Some(data) = data.as_object() else {
        return Err(ctx.error(data.span, "'data' must be an object"));
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
