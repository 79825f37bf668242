//! Walking the model the way QEMU's back ends do: module by module in first-seen order, each module's entities
//! in definition order.

use super::entity::{
    AlternateType, ArrayType, BuiltinType, Command, Entity, EntityKind, EnumType, Event, Module,
    ObjectType,
};
use super::Model;

/// A back end. Every method does nothing by default, so a visitor implements only what it needs. The lifetime
/// lets a visitor keep references into the model (for instance the model itself, from [`Visitor::visit_begin`]).
pub trait Visitor<'m> {
    /// Before the first module.
    fn visit_begin(&mut self, _model: &'m Model) {}
    /// After the last module.
    fn visit_end(&mut self) {}
    /// Each module, before its entities.
    fn visit_module(&mut self, _module: &'m Module) {}
    /// Whether to visit an entity at all.
    fn visit_needed(&mut self, _entity: &'m Entity) -> bool {
        true
    }
    /// An include directive in the current module, naming the included module.
    fn visit_include(&mut self, _entity: &'m Entity, _included: &'m Module) {}
    /// A built-in type.
    fn visit_builtin_type(&mut self, _entity: &'m Entity, _builtin: &'m BuiltinType) {}
    /// An enum, explicit or implicit.
    fn visit_enum_type(&mut self, _entity: &'m Entity, _enum_type: &'m EnumType) {}
    /// An array type.
    fn visit_array_type(&mut self, _entity: &'m Entity, _array: &'m ArrayType) {}
    /// A struct, union or implicit object, with its base and local members ([`ObjectType::local_members`]).
    fn visit_object_type(&mut self, _entity: &'m Entity, _object: &'m ObjectType) {}
    /// The same object again, for back ends that want the flattened members ([`ObjectType::members`]).
    fn visit_object_type_flat(&mut self, _entity: &'m Entity, _object: &'m ObjectType) {}
    /// An alternate.
    fn visit_alternate_type(&mut self, _entity: &'m Entity, _alternate: &'m AlternateType) {}
    /// A command.
    fn visit_command(&mut self, _entity: &'m Entity, _command: &'m Command) {}
    /// An event.
    fn visit_event(&mut self, _entity: &'m Entity, _event: &'m Event) {}
}

impl Model {
    /// Walk the whole model.
    pub fn visit<'m>(&'m self, visitor: &mut dyn Visitor<'m>) {
        visitor.visit_begin(self);
        for module in self.modules() {
            visitor.visit_module(module);
            for &id in &module.entities {
                let entity = self.entity(id);
                if visitor.visit_needed(entity) {
                    self.visit_entity(entity, visitor);
                }
            }
        }
        visitor.visit_end();
    }

    fn visit_entity<'m>(&'m self, entity: &'m Entity, visitor: &mut dyn Visitor<'m>) {
        match &entity.kind {
            EntityKind::Include(m) => visitor.visit_include(entity, self.module(*m)),
            EntityKind::Builtin(b) => visitor.visit_builtin_type(entity, b),
            EntityKind::Enum(e) => visitor.visit_enum_type(entity, e),
            EntityKind::Array(a) => visitor.visit_array_type(entity, a),
            EntityKind::Object(o) => {
                visitor.visit_object_type(entity, o);
                visitor.visit_object_type_flat(entity, o);
            }
            EntityKind::Alternate(a) => visitor.visit_alternate_type(entity, a),
            EntityKind::Command(c) => visitor.visit_command(entity, c),
            EntityKind::Event(e) => visitor.visit_event(entity, e),
        }
    }
}
