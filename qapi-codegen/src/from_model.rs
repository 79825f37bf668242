//! The checked model → [`Api`]: implicit types folded in where they are used.
//!
//! A command's or event's `q_obj_<name>-arg` becomes its inline members, a union's `q_obj_<Union>-base` its
//! inline base, a legacy union's `q_obj_<Type>-wrapper` the wrapped type, `q_empty` the runtime's `Empty`.
//! Structs made from pre-2.4 anonymous nested structs (`q_obj_<path>-nested`) are kept as structs.

use qapi_schema::schema::{Entity, EntityKind, Model, ObjectType, TypeId};

use crate::ir::{
    Api, Args, Branch, Command, Definition, Doc, EnumValue, Event, Feature, Kind, Member, Module,
    Struct, TypeExpr, Union, UnionBranch,
};

impl Api {
    /// Reduces a loaded schema to what generation reads.
    pub fn from_schema(schema: &qapi_schema::Schema) -> Api {
        from_model(schema.model())
    }
}

/// Whether an implicit object stands for something else (arguments, a base, a wrapper, the empty object) rather
/// than being a type of its own.
fn folded(entity: &Entity) -> bool {
    entity.implicit && !entity.name.ends_with("-nested")
}

pub fn from_model(model: &Model) -> Api {
    let modules = model
        .modules()
        .iter()
        .map(|m| Module {
            path: m.name.clone(),
            title: None,
        })
        .collect();
    let mut definitions = Vec::new();
    for entity in model.entities() {
        let kind = match &entity.kind {
            EntityKind::Include(_) | EntityKind::Builtin(_) | EntityKind::Array(_) => continue,
            // `QType` is implicit but a real enum; a legacy union's `<Union>Kind` is not needed.
            EntityKind::Enum(_) if entity.implicit && entity.name != "QType" => continue,
            EntityKind::Enum(e) => Kind::Enum(
                e.values
                    .iter()
                    .map(|v| EnumValue {
                        name: v.name.clone(),
                        cond: v.cond.clone(),
                        features: features(&v.features),
                    })
                    .collect(),
            ),
            EntityKind::Object(_) if folded(entity) => continue,
            EntityKind::Object(o) => object(model, o),
            EntityKind::Alternate(a) => Kind::Alternate(
                a.variants
                    .branches
                    .iter()
                    .map(|b| Branch {
                        name: b.name.clone(),
                        ty: type_expr(model, b.ty),
                        cond: b.cond.clone(),
                    })
                    .collect(),
            ),
            EntityKind::Command(c) => Kind::Command(Command {
                args: args(model, c.arg_type),
                returns: c.ret_type.map(|t| type_expr(model, t)),
                boxed: c.boxed,
                gen: c.gen,
                success_response: c.success_response,
                allow_oob: c.allow_oob,
                allow_preconfig: c.allow_preconfig,
                coroutine: c.coroutine,
            }),
            EntityKind::Event(e) => Kind::Event(Event {
                data: args(model, e.arg_type),
                boxed: e.boxed,
            }),
        };
        definitions.push(Definition {
            name: entity.name.clone(),
            module: entity.module.0 as usize,
            doc: entity.doc.map(|id| doc(model.doc(id))),
            cond: entity.cond.clone(),
            features: features(&entity.features),
            kind,
        });
    }
    Api {
        modules,
        definitions,
    }
}

fn features(features: &[qapi_schema::schema::Feature]) -> Vec<Feature> {
    features
        .iter()
        .map(|f| Feature {
            name: f.name.clone(),
            cond: f.cond.clone(),
        })
        .collect()
}

fn members(model: &Model, members: &[qapi_schema::schema::Member]) -> Vec<Member> {
    members
        .iter()
        .map(|m| Member {
            name: m.name.clone(),
            optional: m.optional,
            ty: type_expr(model, m.ty),
            cond: m.cond.clone(),
            features: features(&m.features),
            required_since: None,
        })
        .collect()
}

/// A named base, unless it is the implicit one of an inline base.
fn named_base(model: &Model, base: Option<TypeId>) -> Option<String> {
    base.map(|b| model.get_type(b))
        .filter(|b| !folded(b))
        .map(|b| b.name.clone())
}

fn object(model: &Model, o: &ObjectType) -> Kind {
    let Some(variants) = &o.variants else {
        return Kind::Struct(Struct {
            base: named_base(model, o.base),
            members: members(model, &o.members),
        });
    };
    if o.legacy_simple_union {
        let branches = variants
            .branches
            .iter()
            .map(|b| Branch {
                name: b.name.clone(),
                ty: unwrap_wrapper(model, b.ty),
                cond: b.cond.clone(),
            })
            .collect();
        return Kind::SimpleUnion(branches);
    }
    Kind::Union(Union {
        base: named_base(model, o.base),
        members: members(model, &o.members),
        discriminator: variants.tag_name.clone(),
        tag_enum: model.type_name(variants.tag_type).to_owned(),
        branches: variants
            .branches
            .iter()
            .map(|b| {
                let ty = model.get_type(b.ty);
                let empty = b.implicit || b.ty == model.the_empty_object();
                UnionBranch {
                    name: b.name.clone(),
                    ty: (!empty).then(|| ty.name.clone()),
                    cond: b.cond.clone(),
                }
            })
            .collect(),
    })
}

/// The type a legacy union's `q_obj_<Type>-wrapper` wraps (its one member, `data`).
fn unwrap_wrapper(model: &Model, ty: TypeId) -> TypeExpr {
    let entity = model.get_type(ty);
    match entity.as_object() {
        Some(o) if entity.implicit && o.members.len() == 1 => type_expr(model, o.members[0].ty),
        _ => type_expr(model, ty),
    }
}

fn args(model: &Model, ty: Option<TypeId>) -> Args {
    let Some(ty) = ty else { return Args::None };
    if ty == model.the_empty_object() {
        return Args::None;
    }
    let entity = model.get_type(ty);
    match entity.as_object() {
        Some(o) if folded(entity) => Args::Inline(members(model, &o.members)),
        _ => Args::Named(entity.name.clone()),
    }
}

fn type_expr(model: &Model, ty: TypeId) -> TypeExpr {
    let entity = model.get_type(ty);
    if ty == model.the_empty_object() {
        return TypeExpr::Empty;
    }
    match &entity.kind {
        EntityKind::Builtin(b) => TypeExpr::Builtin(b.kind),
        EntityKind::Array(a) => TypeExpr::Array(Box::new(type_expr(model, a.element))),
        _ => TypeExpr::Named(entity.name.clone()),
    }
}

fn doc(doc: &qapi_schema::doc::Doc) -> Doc {
    let pairs = |sections: &[qapi_schema::doc::ArgSection]| {
        sections
            .iter()
            .filter(|a| a.documented)
            .map(|a| (a.name.clone(), a.text.clone()))
            .collect()
    };
    Doc {
        body: doc.body.text.clone(),
        args: pairs(&doc.args),
        features: pairs(&doc.features),
        sections: doc
            .sections
            .iter()
            .map(|s| (s.tag.clone(), s.text.clone()))
            .collect(),
    }
}
