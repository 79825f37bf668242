//! Definitions → the checked schema model, as QEMU's `scripts/qapi/schema.py` builds it.
//!
//! [`Model::build`] defines every entity in QEMU's order (predefined types, then each definition preceded by the
//! implicit types it needs), checks them in that order with QEMU's messages, connects doc comments, and assigns
//! entities to modules. What comes out has every type reference resolved and nothing left to check: code
//! generation walks the arena ([`Model::entities`]) or visits it ([`Visitor`]).

mod alternates;
mod check;
mod define;
mod docs;
mod entity;
mod finish;
mod hash;
mod module;
mod objects;
mod raw;
mod visit;

use std::ops::Deref;

use crate::ast::Pragmas;
use crate::definition::Item;
use crate::diagnostic::Diagnostic;
use crate::doc::Doc;
use crate::source::SourceMap;
use crate::{Options, Rules};

pub use entity::{
    AlternateType, ArrayType, Branch, BuiltinKind, BuiltinType, Command, DocId, Entity, EntityId,
    EntityKind, EnumType, EnumValue, Event, Feature, IntType, JsonType, Member, Module, ModuleId,
    ObjectType, TypeId, Variants, SPECIAL_FEATURES,
};
pub use visit::Visitor;

use check::Checker;
use docs::DocLinks;
use hash::FastMap;

/// The checked model: what code generation reads, with nothing left to check.
#[derive(Debug)]
pub struct Model {
    entities: Vec<Entity>,
    by_name: FastMap<String, u32>,
    modules: Vec<Module>,
    docs: Vec<Doc>,
    pragmas: Pragmas,
    feature_names: Vec<String>,
    q_empty: TypeId,
    rules: Rules,
}

impl Model {
    /// Build and check the model. The first error found, in QEMU's order, is returned; in tolerant mode faults
    /// of doc markup only are pushed to `warnings` instead.
    pub fn build(
        items: Vec<Item>,
        docs: Vec<Doc>,
        pragmas: Pragmas,
        sources: &SourceMap,
        options: &Options,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<Model, Diagnostic> {
        let defs = define::define_all(items, sources)?;
        let tolerant = options.is_tolerant();
        let mut links = DocLinks::new(docs, &pragmas.documentation_exceptions, tolerant);
        let mut checker = Checker::new(
            &defs,
            &mut links,
            warnings,
            &pragmas.command_returns_exceptions,
        );
        checker.lenient_returns = tolerant && pragmas.command_returns_exceptions.is_empty();
        checker.run()?;
        let finals = std::mem::take(&mut checker.finals);
        links.check(warnings)?;
        if options.strict_since(Rules::V10_2) {
            defs.check_feature_count()?;
        }
        let mut model = finish::finish(defs, finals, links.docs, pragmas)?;
        model.rules = options.rules();
        Ok(model)
    }

    /// The QEMU release whose rules the schema was read by (the newest in tolerant mode).
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// Every entity in definition order: built-ins (each followed by its array), `q_empty`, `QType`, then each
    /// definition preceded by the implicit types it introduced. Include directives are entities too.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Entities with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (EntityId, &Entity)> {
        self.entities
            .iter()
            .enumerate()
            .map(|(i, e)| (EntityId(i as u32), e))
    }

    /// The entity with id `id`.
    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    /// The type an id names.
    pub fn get_type(&self, id: TypeId) -> &Entity {
        &self.entities[id.0 as usize]
    }

    /// The name of the type `id` names.
    pub fn type_name(&self, id: TypeId) -> &str {
        &self.get_type(id).name
    }

    /// A type, command or event by name.
    pub fn lookup(&self, name: &str) -> Option<EntityId> {
        self.by_name.get(name).map(|&i| EntityId(i))
    }

    /// A type by name (commands and events are not types).
    pub fn lookup_type(&self, name: &str) -> Option<TypeId> {
        self.lookup(name)
            .filter(|&id| self.entity(id).is_type())
            .map(|id| TypeId(id.0))
    }

    /// Modules in first-seen order: `./builtin`, the main file, then each included file when first included.
    pub fn modules(&self) -> &[Module] {
        &self.modules
    }

    /// The module with id `id`.
    pub fn module(&self, id: ModuleId) -> &Module {
        &self.modules[id.0 as usize]
    }

    /// Every doc block in source order, with an empty description appended for each undocumented member.
    pub fn docs(&self) -> &[Doc] {
        &self.docs
    }

    /// The doc block with id `id`.
    pub fn doc(&self, id: DocId) -> &Doc {
        &self.docs[id.0 as usize]
    }

    /// The pragmas of the schema (QEMU applies the last value of each to the whole schema).
    pub fn pragmas(&self) -> &Pragmas {
        &self.pragmas
    }

    /// Every feature name used, in first-use order, `deprecated` and `unstable` first.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// `q_empty`, the object without members.
    pub fn the_empty_object(&self) -> TypeId {
        self.q_empty
    }

    /// How a type travels on the wire.
    pub fn json_type(&self, id: TypeId) -> JsonType {
        self.get_type(id).json_type().unwrap_or(JsonType::Value)
    }

    /// Every command, in definition order.
    pub fn commands(&self) -> impl Iterator<Item = (&Entity, &Command)> {
        self.entities
            .iter()
            .filter_map(|e| e.as_command().map(|c| (e, c)))
    }

    /// Every event, in definition order.
    pub fn events(&self) -> impl Iterator<Item = (&Entity, &Event)> {
        self.entities
            .iter()
            .filter_map(|e| e.as_event().map(|v| (e, v)))
    }
}

/// A loaded schema: the checked model, the files it was read from, and the warnings issued.
#[derive(Debug)]
pub struct Schema {
    model: Model,
    sources: SourceMap,
    warnings: Vec<Diagnostic>,
}

impl Schema {
    /// A schema from its checked model, the files it was read from and the warnings issued.
    pub fn new(model: Model, sources: SourceMap, warnings: Vec<Diagnostic>) -> Schema {
        Schema {
            model,
            sources,
            warnings,
        }
    }

    /// The checked model (also reached through `Deref`).
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Every file read, main file first: what a build script must watch.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The warnings issued while loading (tolerant mode accepts what QEMU's generator would reject).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

impl Deref for Schema {
    type Target = Model;
    fn deref(&self) -> &Model {
        &self.model
    }
}
