//! `{ 'struct': 'Name', 'data': { MEMBER, ... }, 'base'?, 'if'?, 'features'? }`.

use super::keys::check_keys;
use super::members::{check_type_implicit, check_type_name};
use super::{Check, Ctx};
use crate::ast::Object;
use crate::definition::DefinitionKind;

/// `meta_key` is `struct`, or `type`, the spelling before QEMU 2.4 that tolerant mode reads.
pub(super) fn check(
    ctx: &mut Ctx,
    object: &mut Object,
    name: &str,
    meta_key: &str,
) -> Check<DefinitionKind> {
    check_keys(
        ctx,
        object,
        ctx.span,
        &"struct",
        &[meta_key, "data"],
        &["base", "if", "features"],
    )?;
    let data = object
        .get_mut("data")
        .ok_or_else(|| ctx.error(ctx.span, "struct misses key 'data'"))?;
    let members = check_type_implicit(ctx, data, &"'data'", Some(name))?;
    let base = match object.get_mut("base") {
        Some(base) => Some(check_type_name(ctx, base, &"'base'")?),
        None => None,
    };
    Ok(DefinitionKind::Struct { base, members })
}
