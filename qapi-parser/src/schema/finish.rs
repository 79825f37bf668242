//! Assembling the public model once everything checked: each definition's own data is moved over from the
//! definition pass, joined with what checking resolved; conditions and modules derived from other types
//! (arrays, legacy wrappers) are filled in.

use crate::ast::Pragmas;
use crate::definition::Cond;
use crate::diagnostic::Diagnostic;
use crate::doc::Doc;

use super::check::{internal, Checked, CheckedObject};
use super::define::Definitions;
use super::entity::{EntityId, EntityKind, EnumType, Member, ModuleId, ObjectType, TypeId};
use super::raw::{RawKind, RawMember};
use super::{Entity, Model};

pub(crate) fn finish(
    defs: Definitions,
    finals: Vec<Option<Checked>>,
    docs: Vec<Doc>,
    pragmas: Pragmas,
) -> Result<Model, Diagnostic> {
    let Definitions {
        entities: raws,
        infos,
        by_name,
        mut modules,
        entity_files,
        feature_names,
        ..
    } = defs;
    let find = |name: &str| by_name.get(name).map(|&x| x as usize);
    let element_of = |i: usize| match &raws[i].kind {
        RawKind::Array(e) => find(&e.name),
        _ => None,
    };
    // An array has its element type's condition and module; a legacy wrapper its wrapped type's condition.
    let derived_cond = |i: usize| -> Option<Option<Cond>> {
        let from = match &raws[i].kind {
            RawKind::Array(_) => element_of(i),
            RawKind::Object { wraps: Some(w), .. } => find(&w.name),
            _ => return None,
        };
        let from = from.map(|f| element_of(f).unwrap_or(f));
        Some(from.and_then(|f| raws[f].cond.clone()))
    };
    let derived: Vec<Option<Option<Cond>>> = (0..raws.len()).map(derived_cond).collect();
    let entity_modules: Vec<ModuleId> = (0..raws.len())
        .map(|i| {
            entity_files[i]
                .or_else(|| element_of(i).and_then(|e| entity_files[e]))
                .unwrap_or(modules.builtin())
        })
        .collect();

    let n = raws.len();
    let mut objects: Vec<Option<(CheckedObject, bool)>> =
        std::iter::repeat_with(|| None).take(n).collect();
    let mut locals: Vec<Vec<Member>> = std::iter::repeat_with(Vec::new).take(n).collect();
    let mut entities = Vec::with_capacity(raws.len());
    for (i, ((raw, checked), derived)) in raws.into_iter().zip(finals).zip(derived).enumerate() {
        let checked =
            checked.ok_or_else(|| internal(&format!("'{}' was never checked", raw.name)))?;
        let (kind, object) = match (raw.kind, checked) {
            (_, Checked::Complete(kind)) => (kind, None),
            (RawKind::Enum { values, prefix, .. }, Checked::Enum) => {
                (EntityKind::Enum(EnumType { values, prefix }), None)
            }
            (
                RawKind::Object {
                    members,
                    legacy_simple_union,
                    ..
                },
                Checked::Object(o),
            ) => {
                locals[i] = local_members(members, &o.local_types, i);
                // A placeholder until every object's local members exist (below).
                (
                    EntityKind::Include(ModuleId(0)),
                    Some((o, legacy_simple_union)),
                )
            }
            _ => return Err(internal("check result does not match the definition")),
        };
        objects[i] = object;
        let module = entity_modules[i];
        modules.add_entity(module, EntityId(i as u32));
        entities.push(Entity {
            name: raw.name,
            span: raw.info.map(|info| infos[info as usize].span),
            module,
            doc: raw.doc,
            cond: derived.unwrap_or(raw.cond),
            features: raw.features,
            implicit: raw.implicit,
            kind,
        });
    }
    attach_objects(&mut entities, objects, locals)?;
    let q_empty = by_name
        .get("q_empty")
        .map(|&id| TypeId(id))
        .ok_or_else(|| internal("q_empty missing"))?;
    Ok(Model {
        entities,
        by_name,
        modules: modules.modules,
        docs,
        pragmas,
        feature_names,
        q_empty,
        rules: crate::Rules::NEWEST,
    })
}

/// Objects last: their flattened members copy their bases' local members, which exist only once every object's
/// local members do.
fn attach_objects(
    entities: &mut [Entity],
    objects: Vec<Option<(CheckedObject, bool)>>,
    mut locals: Vec<Vec<Member>>,
) -> Result<(), Diagnostic> {
    let mut flattened = Vec::with_capacity(objects.len());
    for object in &objects {
        let Some((o, _)) = object else {
            flattened.push(Vec::new());
            continue;
        };
        let mut members = Vec::with_capacity(o.members.len());
        for &(owner, local) in &o.members {
            let member = locals
                .get(owner as usize)
                .and_then(|l| l.get(local as usize));
            members.push(
                member
                    .ok_or_else(|| internal("member of an unchecked object"))?
                    .clone(),
            );
        }
        flattened.push(members);
    }
    for (i, (object, members)) in objects.into_iter().zip(flattened).enumerate() {
        let Some((o, legacy_simple_union)) = object else {
            continue;
        };
        let local_members = std::mem::take(&mut locals[i]);
        let object = ObjectType {
            base: o.base,
            local_members,
            members,
            variants: o.variants,
            legacy_simple_union,
        };
        entities[i].kind = EntityKind::Object(object);
    }
    Ok(())
}

fn local_members(members: Vec<RawMember>, types: &[TypeId], owner: usize) -> Vec<Member> {
    members
        .into_iter()
        .zip(types)
        .map(|(m, &ty)| Member {
            name: m.name,
            span: m.span,
            ty,
            optional: m.optional,
            cond: m.cond,
            features: m.features,
            defined_in: TypeId(owner as u32),
        })
        .collect()
}
