//! Type references, members and branches.
//!
//! A member or branch is `'name': TYPE` or, in long form, `'name': {'type': TYPE, 'if': ..., 'features': ...}`;
//! QEMU desugars the short form into the long one before checking, and so do we (by reading both alike).

use super::features::check_features;
use super::ifcond::check_if;
use super::keys::check_keys;
use super::names::{c_name_is, c_name_starts_with, check_name_lower, member_name_exception};
use super::{name_of, Check, Ctx, Joined, Source};
use crate::ast::{Object, Value, ValueKind};
use crate::definition::{Branch, Data, Definition, DefinitionKind, Member, Name, TypeRef};

/// `'Name'`.
pub(super) fn check_type_name(ctx: &Ctx, value: &Value, source: Source) -> Check<Name> {
    match value.as_str() {
        Some(name) => Ok(name_of(value, name)),
        None => Err(ctx.error(value.span, format!("{source} should be a type name"))),
    }
}

/// `'Name'` or `['Name']`.
pub(super) fn check_type_name_or_array(ctx: &Ctx, value: &Value, source: Source) -> Check<TypeRef> {
    match &value.kind {
        ValueKind::Str(name) => Ok(TypeRef::Named(name_of(value, name))),
        ValueKind::Array(items) => match items.as_slice() {
            [element] if element.as_str().is_some() => Ok(TypeRef::Array(name_of(
                element,
                element.as_str().unwrap_or_default(),
            ))),
            _ => Err(ctx.error(
                value.span,
                format!("{source}: array type must contain single type name"),
            )),
        },
        _ => Err(ctx.error(
            value.span,
            format!("{source} should be a type name or array"),
        )),
    }
}

/// Members given inline. `parent` is the type whose member names the `member-name-exceptions` pragma may
/// exempt (a struct, or a union for its inline base); commands and events have none.
pub(super) fn check_type_implicit(
    ctx: &mut Ctx,
    value: &Value,
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
    value: &Value,
    source: Source,
    parent: Option<&str>,
    path: Option<&str>,
    depth: usize,
) -> Check<Vec<Member>> {
    let Some(object) = value.as_object() else {
        return Err(ctx.error(
            value.span,
            format!("{source} should be an object or type name"),
        ));
    };
    let permissive = member_name_exception(ctx, parent);
    let mut members = Vec::with_capacity(object.members.len());
    for (key, arg) in &object.members {
        let key_source = Joined([source, &" member '", &key.name, &"'"]);
        let (name, optional) = match key.name.strip_prefix('*') {
            Some(name) => (name, true),
            None => (key.name.as_str(), false),
        };
        check_name_lower(ctx, name, key.span, &key_source, permissive, permissive)?;
        if c_name_is(name, "u") || c_name_starts_with(name, "has_") {
            // Both clash with what QEMU generates in C (the union `u`, the `has_` flags of optional members).
            ctx.lenient(key.span, format!("{key_source} uses reserved name"))?;
        }
        let (ty, cond, features) = match arg.as_object() {
            Some(long)
                if ctx.tolerant()
                    && !["type", "if", "features"]
                        .iter()
                        .any(|k| long.contains_key(k)) =>
            {
                let path = match path {
                    Some(path) => path,
                    None => ctx.defn.map_or("", |(_, name)| name),
                };
                let nested = format!("{path}-{name}");
                let ty = anonymous_struct(ctx, arg, &key_source, &nested, depth)?;
                (ty, None, Vec::new())
            }
            Some(long) => {
                check_keys(
                    ctx,
                    long,
                    arg.span,
                    &key_source,
                    &["type"],
                    &["if", "features"],
                )?;
                let cond = check_if(ctx, long, &key_source)?;
                let features = check_features(ctx, long.get("features"))?;
                let ty =
                    check_type_name_or_array(ctx, long.get("type").unwrap_or(arg), &key_source)?;
                (ty, cond, features)
            }
            None => (
                check_type_name_or_array(ctx, arg, &key_source)?,
                None,
                Vec::new(),
            ),
        };
        members.push(Member {
            name: Name {
                name: name.to_string(),
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
    value: &Value,
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
    value: &Value,
    source: Source,
    parent: Option<&str>,
) -> Check<Data> {
    match value.as_str() {
        Some(name) => Ok(Data::Named(name_of(value, name))),
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
    data: &Object,
    rules: BranchRules,
) -> Check<Vec<Branch>> {
    let mut branches = Vec::with_capacity(data.members.len());
    for (key, value) in &data.members {
        let source = Joined([&"'data' member '", &key.name, &"'"]);
        if rules.lower_case_names {
            check_name_lower(ctx, &key.name, key.span, &source, false, false)?;
        }
        let (ty, cond) = match value.as_object() {
            Some(long) => {
                check_keys(ctx, long, value.span, &source, &["type"], &["if"])?;
                (
                    long.get("type").unwrap_or(value),
                    check_if(ctx, long, &source)?,
                )
            }
            None => (value, None),
        };
        let ty = if rules.allow_array {
            check_type_name_or_array(ctx, ty, &source)?
        } else {
            TypeRef::Named(check_type_name(ctx, ty, &source)?)
        };
        branches.push(Branch {
            name: Name {
                name: key.name.clone(),
                span: key.span,
            },
            ty,
            cond,
        });
    }
    Ok(branches)
}
