//! The checked model → its wire view: every type a command or event reaches, flattened as introspection shows it.

use qapi_schema::schema::{self, EntityKind, Model, TypeId};

use super::{
    Builtin, Origin, TypeIdx, WireBranch, WireCommand, WireEnumValue, WireEvent, WireFeature,
    WireKind, WireMember, WireObject, WireSchema, WireType, WireVariants,
};

impl WireSchema {
    /// The wire view of a loaded schema.
    pub fn from_schema(schema: &qapi_schema::Schema) -> WireSchema {
        WireSchema::from_model(schema.model())
    }

    /// The wire view of a checked model.
    pub fn from_model(model: &Model) -> WireSchema {
        let mut b = Builder {
            model,
            map: vec![u32::MAX; model.entities().len()],
            types: Vec::new(),
            queue: Vec::new(),
        };
        let empty = b.idx(model.the_empty_object());
        let mut commands = Vec::new();
        let mut events = Vec::new();
        for entity in model.entities() {
            match &entity.kind {
                EntityKind::Command(c) => {
                    let args = c.arg_type.map_or(empty, |t| b.idx(t));
                    let returns = c.ret_type.map_or(empty, |t| b.idx(t));
                    commands.push(WireCommand {
                        name: entity.name.clone(),
                        args,
                        returns,
                        features: features(&entity.features),
                        cond: entity.cond.clone(),
                        allow_oob: c.allow_oob,
                        allow_preconfig: Some(c.allow_preconfig),
                    });
                }
                EntityKind::Event(e) => {
                    let data = e.arg_type.map_or(empty, |t| b.idx(t));
                    events.push(WireEvent {
                        name: entity.name.clone(),
                        data,
                        features: features(&entity.features),
                        cond: entity.cond.clone(),
                    });
                }
                _ => {}
            }
        }
        // Fill in each reached type; filling may reach more (a worklist, so that deep schemas need no deep stack).
        while let Some(id) = b.queue.pop() {
            let kind = b.kind(id);
            let slot = b.map[id.entity().index()] as usize;
            b.types[slot].kind = kind;
        }
        WireSchema {
            origin: Origin::Schema,
            types: b.types,
            commands,
            events,
            empty,
        }
    }
}

struct Builder<'m> {
    model: &'m Model,
    /// Entity index → wire index, `u32::MAX` while not reached.
    map: Vec<u32>,
    types: Vec<WireType>,
    /// Types reached but not yet filled in.
    queue: Vec<TypeId>,
}

impl Builder<'_> {
    fn idx(&mut self, ty: TypeId) -> TypeIdx {
        let slot = &mut self.map[ty.entity().index()];
        if *slot != u32::MAX {
            return TypeIdx(*slot);
        }
        let idx = self.types.len() as u32;
        *slot = idx;
        let entity = self.model.get_type(ty);
        self.types.push(WireType {
            name: Some(entity.name.clone()),
            implicit: entity.implicit,
            features: features(&entity.features),
            // Filled in from the queue.
            kind: WireKind::Builtin(Builtin::Any),
        });
        self.queue.push(ty);
        TypeIdx(idx)
    }

    fn kind(&mut self, id: TypeId) -> WireKind {
        let model = self.model;
        let entity = model.get_type(id);
        match &entity.kind {
            EntityKind::Builtin(b) => WireKind::Builtin(Builtin::from_kind(b.kind)),
            EntityKind::Enum(e) => WireKind::Enum(
                e.values
                    .iter()
                    .map(|v| WireEnumValue {
                        name: v.name.clone(),
                        features: features(&v.features),
                        cond: v.cond.clone(),
                    })
                    .collect(),
            ),
            EntityKind::Array(a) => WireKind::Array(self.idx(a.element)),
            EntityKind::Object(o) => WireKind::Object(self.object(o)),
            EntityKind::Alternate(a) => WireKind::Alternate(self.branches(&a.variants.branches)),
            // A type id never names these; keep the view total anyway.
            EntityKind::Include(_) | EntityKind::Command(_) | EntityKind::Event(_) => {
                WireKind::Builtin(Builtin::Any)
            }
        }
    }

    fn object(&mut self, o: &schema::ObjectType) -> WireObject {
        let members = o
            .members
            .iter()
            .map(|m| WireMember {
                name: m.name.clone(),
                ty: self.idx(m.ty),
                optional: m.optional,
                features: features(&m.features),
                cond: m.cond.clone(),
            })
            .collect();
        let variants = o.variants.as_ref().map(|v| WireVariants {
            tag: v.tag_name.clone(),
            branches: self.branches(&v.branches),
        });
        WireObject { members, variants }
    }

    fn branches(&mut self, branches: &[schema::Branch]) -> Vec<WireBranch> {
        branches
            .iter()
            .map(|b| WireBranch {
                name: b.name.clone(),
                ty: self.idx(b.ty),
                cond: b.cond.clone(),
            })
            .collect()
    }
}

fn features(features: &[schema::Feature]) -> Vec<WireFeature> {
    features
        .iter()
        .map(|f| WireFeature {
            name: f.name.clone(),
            cond: f.cond.clone(),
        })
        .collect()
}
