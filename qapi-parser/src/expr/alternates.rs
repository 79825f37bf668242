//! `{ 'alternate': 'Name', 'data': { BRANCH, ... }, 'if'?, 'features'? }`: a value of one of the branch types,
//! told apart by its JSON type.

use super::keys::check_keys;
use super::members::{check_branches, BranchRules};
use super::{truthy, Check, Ctx};
use crate::ast::Object;
use crate::definition::DefinitionKind;

pub(super) fn check(ctx: &mut Ctx, object: &mut Object) -> Check<DefinitionKind> {
    check_keys(
        ctx,
        object,
        ctx.span,
        &"alternate",
        &["alternate", "data"],
        &["if", "features"],
    )?;
    check_branches_of(ctx, object)
}

/// The branches of an alternate, or of the anonymous union (`'discriminator': {}`) QEMU 1.7 to 2.2 used instead.
pub(super) fn check_branches_of(ctx: &mut Ctx, object: &mut Object) -> Check<DefinitionKind> {
    let data = object
        .get_mut("data")
        .ok_or_else(|| ctx.error(ctx.span, "alternate misses key 'data'"))?;
    if !truthy(data) {
        return Err(ctx.error(data.span, "'data' must not be empty"));
    }
    let span = data.span;
    let Some(data) = data.as_object_mut() else {
        return Err(ctx.error(span, "'data' must be an object"));
    };
    let rules = BranchRules {
        lower_case_names: true,
        allow_array: true,
    };
    Ok(DefinitionKind::Alternate {
        branches: check_branches(ctx, data, rules)?,
    })
}
