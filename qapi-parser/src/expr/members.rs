//! Type references, members and branches.
//!
//! A member or branch is `'name': TYPE` or, in long form, `'name': {'type': TYPE, 'if': ..., 'features': ...}`;
//! QEMU desugars the short form into the long one before checking, and so do we (by reading both alike).

use super::features::check_features;
use super::ifcond::check_if;
use super::keys::check_keys;
use super::names::{c_name_is, c_name_starts_with, check_name_lower, member_name_exception};
use super::{take_name, Check, Ctx, Joined, Source};
use crate::ast::{Object, Value, ValueKind};
use crate::definition::{Branch, Data, Definition, DefinitionKind, Member, Name, TypeRef};

// The checks below take the names they keep out of the tree (see [`take_name`]): each value is read by one check.

/// `'Name'`.
pub(super) fn check_type_name(ctx: &Ctx, value: &mut Value, source: Source) -> Check<Name> {
    match value.as_str() {
        Some(_) => Ok(take_name(value)),
        None => Err(ctx.error(value.span, format!("{source} should be a type name"))),
    }
}

/// `'Name'` or `['Name']`.
pub(super) fn check_type_name_or_array(
    ctx: &mut Ctx,
    value: &mut Value,
    source: Source,
) -> Check<TypeRef> {
    let span = value.span;
    match &mut value.kind {
        ValueKind::Str(_) => Ok(TypeRef::Named(old_any(ctx, take_name(value)))),
        ValueKind::Array(items) => match items.as_mut_slice() {
            [element] if element.as_str().is_some() => {
                Ok(TypeRef::Array(old_any(ctx, take_name(element))))
            }
            _ => Err(ctx.error(
                span,
                format!("{source}: array type must contain single type name"),
            )),
        },
        _ => Err(ctx.error(span, format!("{source} should be a type name or array"))),
    }
}

/// Tolerant mode: `'visitor'`, `'dict'` and `'**'`, which QEMU's schemas before 2.5 used for a value of any type
/// (in commands with `'gen': 'no'`, whose code was written by hand), become `'any'`, with a warning.
fn old_any(ctx: &mut Ctx, mut name: Name) -> Name {
    if ctx.tolerant() && matches!(name.name.as_str(), "visitor" | "dict" | "**") {
        let message = format!(
            "type '{}' is QEMU's name before 2.5 for 'any'; read as 'any'",
            name.name
        );
        let warning = ctx.error(name.span, message).as_warning();
        ctx.warnings.push(warning);
        name.name = "any".to_owned();
    }
    name
}

/// Members given inline. `parent` is the type whose member names the `member-name-exceptions` pragma may
/// exempt (a struct, or a union for its inline base); commands and events have none.
pub(super) fn check_type_implicit(
    ctx: &mut Ctx,
    value: &mut Value,
    source: Source,
    parent: Option<&str>,
) -> Check<Vec<Member>> {
    implicit_members(ctx, value, source, parent, None, 0)
}

/// Nesting of anonymous structs deeper than this is refused rather than recursed into.
const MAX_NESTING: usize = 32;

/// `path` names where the members sit (the definition, then any anonymous structs), for naming nested structs;
/// `None` for the definition itself.
fn implicit_members(
    ctx: &mut Ctx,
    value: &mut Value,
    source: Source,
    parent: Option<&str>,
    path: Option<&str>,
    depth: usize,
) -> Check<Vec<Member>> {
    let span = value.span;
    let Some(object) = value.as_object_mut() else {
        return Err(ctx.error(span, format!("{source} should be an object or type name")));
    };
    let permissive = member_name_exception(ctx, parent);
    let mut members = Vec::with_capacity(object.members.len());
    for (key, arg) in &mut object.members {
        let key_source = Joined([source, &" member '", &key.name, &"'"]);
        let (name, optional) = match key.name.strip_prefix('*') {
            Some(name) => (name, true),
            None => (&*key.name, false),
        };
        check_name_lower(ctx, name, key.span, &key_source, permissive, permissive)?;
        if c_name_is(name, "u") || c_name_starts_with(name, "has_") {
            // Both clash with what QEMU generates in C (the union `u`, the `has_` flags of optional members).
            ctx.lenient(key.span, format!("{key_source} uses reserved name"))?;
        }
        let anonymous = ctx.tolerant()
            && arg.as_object().is_some_and(|long| {
                !["type", "if", "features"]
                    .iter()
                    .any(|k| long.contains_key(k))
            });
        let arg_span = arg.span;
        let (ty, cond, features) = if anonymous {
            let path = match path {
                Some(path) => path,
                None => ctx.defn.as_ref().map_or("", |(_, name)| name.as_str()),
            };
            let nested = format!("{path}-{name}");
            let ty = anonymous_struct(ctx, arg, &key_source, &nested, depth)?;
            (ty, None, Vec::new())
        } else if let Some(long) = arg.as_object_mut() {
            check_keys(
                ctx,
                long,
                arg_span,
                &key_source,
                &["type"],
                &["if", "features"],
            )?;
            let cond = check_if(ctx, long, &key_source)?;
            let features = check_features(ctx, long.get_mut("features"))?;
            let ty = match long.get_mut("type") {
                Some(ty) => check_type_name_or_array(ctx, ty, &key_source)?,
                None => check_type_name_or_array(ctx, arg, &key_source)?,
            };
            (ty, cond, features)
        } else {
            (
                check_type_name_or_array(ctx, arg, &key_source)?,
                None,
                Vec::new(),
            )
        };
        let name = if optional {
            name.to_owned()
        } else {
            std::mem::take(&mut key.name).into_owned()
        };
        members.push(Member {
            name: Name {
                name,
                span: key.span,
            },
            optional,
            ty,
            cond,
            features,
        });
    }
    Ok(members)
}

/// A member whose type is an anonymous struct, as QEMU before 2.4 allowed (`'qemu': { 'major': 'int', ... }`):
/// it becomes an implicit struct `q_obj_<path>-nested`, defined before the definition that uses it.
fn anonymous_struct(
    ctx: &mut Ctx,
    value: &mut Value,
    source: Source,
    path: &str,
    depth: usize,
) -> Check<TypeRef> {
    if depth >= MAX_NESTING {
        return Err(ctx.error(
            value.span,
            format!("{source} nests anonymous structs too deeply"),
        ));
    }
    ctx.lenient(
        value.span,
        format!("{source} is an anonymous struct, which QEMU 2.4 replaced by named structs"),
    )?;
    let members = implicit_members(ctx, value, source, None, Some(path), depth + 1)?;
    let name = Name {
        name: format!("q_obj_{path}-nested"),
        span: value.span,
    };
    ctx.implicit.push(Definition {
        name: name.clone(),
        span: ctx.span,
        doc: None,
        cond: None,
        features: Vec::new(),
        kind: DefinitionKind::Struct {
            base: None,
            members,
        },
    });
    Ok(TypeRef::Named(name))
}

/// The name of a type with members, or members given inline.
pub(super) fn check_type_name_or_implicit(
    ctx: &mut Ctx,
    value: &mut Value,
    source: Source,
    parent: Option<&str>,
) -> Check<Data> {
    match value.as_str() {
        Some(_) => Ok(Data::Named(take_name(value))),
        None => check_type_implicit(ctx, value, source, parent).map(Data::Inline),
    }
}

/// How branch names and types are checked.
#[derive(Clone, Copy)]
pub(super) struct BranchRules {
    /// Check the names as member names (alternates, simple unions); a flat union's branch names are values of
    /// its discriminator enum, which the enum's own checks cover.
    pub lower_case_names: bool,
    /// Allow `['Name']` (alternates, simple unions).
    pub allow_array: bool,
}

/// The branches of a union or alternate, from its `data` object.
pub(super) fn check_branches(
    ctx: &mut Ctx,
    data: &mut Object,
    rules: BranchRules,
) -> Check<Vec<Branch>> {
    let mut branches = Vec::with_capacity(data.members.len());
    for (key, value) in &mut data.members {
        let source = Joined([&"'data' member '", &key.name, &"'"]);
        if rules.lower_case_names {
            check_name_lower(ctx, &key.name, key.span, &source, false, false)?;
        }
        let value_span = value.span;
        let (ty, cond) = match value.as_object_mut() {
            Some(long) => {
                check_keys(ctx, long, value_span, &source, &["type"], &["if"])?;
                let cond = check_if(ctx, long, &source)?;
                let ty = match long.get_mut("type") {
                    Some(ty) => branch_type(ctx, ty, &source, rules)?,
                    None => branch_type(ctx, value, &source, rules)?,
                };
                (ty, cond)
            }
            None => (branch_type(ctx, value, &source, rules)?, None),
        };
        branches.push(Branch {
            name: Name {
                name: std::mem::take(&mut key.name).into_owned(),
                span: key.span,
            },
            ty,
            cond,
        });
    }
    Ok(branches)
}

fn branch_type(
    ctx: &mut Ctx,
    ty: &mut Value,
    source: Source,
    rules: BranchRules,
) -> Check<TypeRef> {
    if rules.allow_array {
        check_type_name_or_array(ctx, ty, source)
    } else {
        check_type_name(ctx, ty, source).map(TypeRef::Named)
    }
}
