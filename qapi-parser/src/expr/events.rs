//! `{ 'event': 'NAME', 'data'?, 'boxed'?, 'if'?, 'features'? }`.

use super::commands::check_arguments;
use super::keys::check_keys;
use super::{Check, Ctx};
use crate::ast::Object;
use crate::definition::DefinitionKind;

pub(super) fn check(ctx: &mut Ctx, object: &mut Object) -> Check<DefinitionKind> {
    check_keys(
        ctx,
        object,
        ctx.span,
        &"event",
        &["event"],
        &["data", "boxed", "if", "features"],
    )?;
    let data = check_arguments(ctx, object)?;
    Ok(DefinitionKind::Event {
        data,
        boxed: object.contains_key("boxed"),
    })
}
