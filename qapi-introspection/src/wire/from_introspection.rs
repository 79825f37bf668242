//! A `query-qmp-schema` reply → its wire view. The reply is already flat; what is left is resolving the masked
//! type names to indices (and refusing references to types the reply does not define).

use std::collections::HashMap;

use super::{
    Builtin, Origin, TypeIdx, WireBranch, WireCommand, WireEnumValue, WireEvent, WireFeature,
    WireKind, WireMember, WireObject, WireSchema, WireType, WireVariants,
};
use crate::reply::{Introspection, IntrospectionError, Meta, SchemaInfo};

impl WireSchema {
    /// The wire view of a `query-qmp-schema` reply.
    pub fn from_introspection(reply: &Introspection) -> Result<WireSchema, IntrospectionError> {
        let mut index: HashMap<&str, TypeIdx> = HashMap::new();
        for e in reply.entries.iter().filter(|e| is_type(e)) {
            let next = TypeIdx(index.len() as u32);
            index.entry(e.name.as_str()).or_insert(next);
        }
        let mut types = Vec::with_capacity(index.len());
        let mut commands = Vec::new();
        let mut events = Vec::new();
        let mut seen = vec![false; index.len()];
        for (i, e) in reply.entries.iter().enumerate() {
            let resolve = |name: &str| {
                index.get(name).copied().ok_or_else(|| IntrospectionError {
                    entry: Some(i),
                    message: format!(
                        "'{}' refers to type '{name}', which the reply does not define",
                        e.name
                    ),
                })
            };
            match &e.meta {
                Meta::Command {
                    arg_type,
                    ret_type,
                    allow_oob,
                } => commands.push(WireCommand {
                    name: e.name.clone(),
                    args: resolve(arg_type)?,
                    returns: resolve(ret_type)?,
                    features: features(&e.features),
                    cond: None,
                    allow_oob: *allow_oob,
                    allow_preconfig: None,
                }),
                Meta::Event { arg_type } => events.push(WireEvent {
                    name: e.name.clone(),
                    data: resolve(arg_type)?,
                    features: features(&e.features),
                    cond: None,
                }),
                _ => {
                    // A name defined twice: the first definition stands, as `index` says.
                    let idx = index[e.name.as_str()];
                    if std::mem::replace(&mut seen[idx.index()], true) {
                        continue;
                    }
                    types.push(WireType {
                        name: None,
                        implicit: true,
                        features: features(&e.features),
                        kind: kind(&e.meta, &resolve)?,
                    });
                }
            }
        }
        check_arrays(&types, reply)?;
        let empty = match (0..types.len()).find(|&i| is_empty(&types[i])) {
            Some(i) => TypeIdx(i as u32),
            None => {
                types.push(WireType {
                    name: None,
                    implicit: true,
                    features: Vec::new(),
                    kind: WireKind::Object(WireObject {
                        members: Vec::new(),
                        variants: None,
                    }),
                });
                TypeIdx(types.len() as u32 - 1)
            }
        };
        Ok(WireSchema {
            origin: Origin::Introspection,
            types,
            commands,
            events,
            empty,
        })
    }
}

/// How deeply arrays may nest. QAPI itself has no arrays of arrays; a reply nesting them deeper than this, or
/// making an array its own element, is refused rather than walked without end.
const MAX_ARRAY_NESTING: usize = 16;

fn check_arrays(types: &[WireType], reply: &Introspection) -> Result<(), IntrospectionError> {
    for (i, t) in types.iter().enumerate() {
        let mut at = &t.kind;
        let mut depth = 0;
        while let WireKind::Array(element) = at {
            depth += 1;
            if depth > MAX_ARRAY_NESTING {
                let name = reply
                    .entries
                    .iter()
                    .filter(|e| is_type(e))
                    .nth(i)
                    .map_or("?", |e| e.name.as_str());
                return Err(IntrospectionError {
                    entry: None,
                    message: format!(
                        "array type '{name}' nests more than {MAX_ARRAY_NESTING} arrays (or contains itself)"
                    ),
                });
            }
            at = &types[element.index()].kind;
        }
    }
    Ok(())
}

fn is_type(e: &SchemaInfo) -> bool {
    !matches!(e.meta, Meta::Command { .. } | Meta::Event { .. })
}

fn is_empty(t: &WireType) -> bool {
    matches!(&t.kind, WireKind::Object(o) if o.members.is_empty() && o.variants.is_none())
}

fn kind(
    meta: &Meta,
    resolve: &dyn Fn(&str) -> Result<TypeIdx, IntrospectionError>,
) -> Result<WireKind, IntrospectionError> {
    Ok(match meta {
        Meta::Builtin { json_type } => WireKind::Builtin(Builtin::from_json_type(*json_type)),
        Meta::Enum { values } => WireKind::Enum(
            values
                .iter()
                .map(|v| WireEnumValue {
                    name: v.name.clone(),
                    features: features(&v.features),
                    cond: None,
                })
                .collect(),
        ),
        Meta::Array { element } => WireKind::Array(resolve(element)?),
        Meta::Object {
            members,
            tag,
            variants,
        } => WireKind::Object(WireObject {
            members: members
                .iter()
                .map(|m| {
                    Ok(WireMember {
                        name: m.name.clone(),
                        ty: resolve(&m.ty)?,
                        optional: m.optional,
                        features: features(&m.features),
                        cond: None,
                    })
                })
                .collect::<Result<_, IntrospectionError>>()?,
            variants: match tag {
                Some(tag) => Some(WireVariants {
                    tag: tag.clone(),
                    branches: variants
                        .iter()
                        .map(|(case, ty)| {
                            Ok(WireBranch {
                                name: case.clone(),
                                ty: resolve(ty)?,
                                cond: None,
                            })
                        })
                        .collect::<Result<_, IntrospectionError>>()?,
                }),
                None => None,
            },
        }),
        Meta::Alternate { members } => WireKind::Alternate(
            members
                .iter()
                .map(|ty| {
                    let ty = resolve(ty)?;
                    Ok(WireBranch {
                        name: String::new(),
                        ty,
                        cond: None,
                    })
                })
                .collect::<Result<_, IntrospectionError>>()?,
        ),
        // Not types; the caller handles them.
        Meta::Command { .. } | Meta::Event { .. } => WireKind::Builtin(Builtin::Any),
    })
}

fn features(names: &[String]) -> Vec<WireFeature> {
    names
        .iter()
        .map(|name| WireFeature {
            name: name.clone(),
            cond: None,
        })
        .collect()
}
