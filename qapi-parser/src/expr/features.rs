//! `'features'` lists: `['name', {'name': 'name', 'if': COND}, ...]`.

use super::ifcond::check_if;
use super::keys::check_keys;
use super::names::check_name_lower;
use super::{name_of, Check, Ctx, Joined};
use crate::ast::Value;
use crate::definition::Feature;

/// The features of a definition, member or enum value; none when `features` is absent.
pub(super) fn check_features(ctx: &mut Ctx, features: Option<&Value>) -> Check<Vec<Feature>> {
    let Some(value) = features else {
        return Ok(Vec::new());
    };
    let Some(items) = value.as_array() else {
        return Err(ctx.error(value.span, "'features' must be an array"));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let source = &"'features' member";
        // The short form `'f'` means `{'name': 'f'}`.
        let long = item.as_object();
        let name_value = match long {
            Some(object) => {
                check_keys(ctx, object, item.span, source, &["name"], &["if"])?;
                object.get("name").unwrap_or(item)
            }
            None => item,
        };
        let Some(name) = name_value.as_str() else {
            return Err(ctx.error(name_value.span, format!("{source} requires a string name")));
        };
        let source = Joined([source, &" '", &name, &"'"]);
        check_name_lower(ctx, name, name_value.span, &source, false, false)?;
        let cond = match long {
            Some(object) => check_if(ctx, object, &source)?,
            None => None,
        };
        out.push(Feature {
            name: name_of(name_value, name),
            cond,
        });
    }
    Ok(out)
}
