//! The definition pass: predefined types, then each item in order, each definition preceded by the implicit
//! types it needs (arrays on first use, `q_obj_*` objects, a legacy union's `<Union>Kind`), all in one namespace.

use std::collections::hash_map::Entry;

use crate::ast::Include;
use crate::definition::{self as def, Cond, Data, Definition, DefinitionKind, Item, TypeRef};
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;

use super::entity::{BuiltinKind, DocId, EnumValue, Feature, ModuleId, SPECIAL_FEATURES};
use super::hash::{FastMap, FastSet};
use super::module::ModuleTable;
use super::raw::{CommandFlags, Info, InfoId, RawBranch, RawEntity, RawKind, RawMember, TypeName};

/// Everything the definition pass produces.
#[derive(Debug, Default)]
pub(crate) struct Definitions {
    pub entities: Vec<RawEntity>,
    pub infos: Vec<Info>,
    pub by_name: FastMap<String, u32>,
    pub modules: ModuleTable,
    /// Each entity's module, by index: the file of its info (built-ins: `./builtin`). Arrays are placed later.
    pub entity_files: Vec<Option<ModuleId>>,
    /// Feature names in first-use order, the special ones first.
    pub feature_names: Vec<String>,
    /// Where each feature name was first used: the definition's info (none for the special ones).
    feature_infos: Vec<Option<InfoId>>,
    /// The definition being defined.
    current_info: Option<InfoId>,
    feature_seen: FastSet<String>,
    file_modules: FastMap<u32, ModuleId>,
}

const QTYPES: [&str; 7] = [
    "none", "qnull", "qnum", "qstring", "qdict", "qlist", "qbool",
];

pub(crate) fn define_all(items: Vec<Item>, sources: &SourceMap) -> Result<Definitions, Diagnostic> {
    let main = if sources.is_empty() {
        String::new()
    } else {
        sources.get(crate::FileId(0)).name.clone()
    };
    let mut defs = Definitions {
        modules: ModuleTable::new(&main),
        ..Definitions::default()
    };
    // Most definitions bring an implicit type or two.
    let capacity = 2 * (items.len() + BuiltinKind::ALL.len()) + 2;
    defs.entities.reserve(capacity);
    defs.entity_files.reserve(capacity);
    defs.by_name.reserve(capacity);
    defs.infos.reserve(items.len());
    if !sources.is_empty() {
        let id = defs.modules.make_for_file(&main);
        defs.file_modules.insert(0, id);
    }
    for name in SPECIAL_FEATURES {
        defs.note_feature(name);
    }
    defs.define_predefined()?;
    for item in items {
        match item {
            Item::Include(include) => defs.define_include(include, sources),
            Item::Definition(definition) => defs.define_definition(definition, sources)?,
        }
    }
    Ok(defs)
}

impl Definitions {
    fn define_predefined(&mut self) -> Result<(), Diagnostic> {
        for (name, kind) in BuiltinKind::ALL {
            self.define(predefined(name, RawKind::Builtin(kind)))?;
            self.make_array(name, None)?;
        }
        let empty = RawKind::Object {
            base: None,
            members: Vec::new(),
            branches: None,
            legacy_simple_union: false,
            wraps: None,
        };
        self.define(predefined("q_empty", empty))?;
        let values = QTYPES
            .iter()
            .map(|v| EnumValue {
                name: (*v).to_owned(),
                span: None,
                cond: None,
                features: Vec::new(),
            })
            .collect();
        self.define(predefined(
            "QType",
            RawKind::Enum {
                values,
                prefix: None,
                union_kind: false,
            },
        ))?;
        Ok(())
    }

    fn define_include(&mut self, include: Include, sources: &SourceMap) {
        let sub = self.modules.make_for_file(&include.name);
        self.file_modules.entry(include.file.0).or_insert(sub);
        let name = self.modules.name(sub).to_owned();
        let info = self.add_info(Info {
            span: include.span,
            meta: "include",
            defn: name.clone(),
        });
        let module = self.module_of_file(include.span.file.0, sources);
        self.entities.push(RawEntity {
            name,
            info: Some(info),
            doc: None,
            cond: None,
            features: Vec::new(),
            implicit: false,
            kind: RawKind::Include(sub),
        });
        self.entity_files.push(Some(module));
    }

    fn define_definition(&mut self, d: Definition, sources: &SourceMap) -> Result<(), Diagnostic> {
        let meta = d.kind.meta();
        let info = self.add_info(Info {
            span: d.span,
            meta,
            defn: d.name.name.clone(),
        });
        self.module_of_file(d.span.file.0, sources);
        self.current_info = Some(info);
        let features = self.make_features(d.features);
        let name = d.name.name;
        let cond = d.cond;
        let kind = match d.kind {
            DefinitionKind::Enum { values, prefix } => {
                let values = values.into_iter().map(|v| self.make_value(v)).collect();
                RawKind::Enum {
                    values,
                    prefix,
                    union_kind: false,
                }
            }
            DefinitionKind::Struct { base, members } => {
                let members = self.make_members(members, info)?;
                let base = base.map(type_name);
                RawKind::Object {
                    base,
                    members,
                    branches: None,
                    legacy_simple_union: false,
                    wraps: None,
                }
            }
            DefinitionKind::Union(u) => self.make_union(&name, u, info, &cond)?,
            DefinitionKind::Alternate { branches } => {
                RawKind::Alternate(self.make_branches(branches, info)?)
            }
            DefinitionKind::Command(c) => {
                let arg = self.make_data(&name, "arg", c.data, info, &cond)?;
                let ret = match c.returns {
                    Some(r) => Some(self.make_type_ref(r, info)?),
                    None => None,
                };
                let flags = CommandFlags {
                    boxed: c.boxed,
                    gen: c.gen,
                    success_response: c.success_response,
                    allow_oob: c.allow_oob,
                    allow_preconfig: c.allow_preconfig,
                    coroutine: c.coroutine,
                };
                RawKind::Command { arg, ret, flags }
            }
            DefinitionKind::Event { data, boxed } => {
                let arg = self.make_data(&name, "arg", data, info, &cond)?;
                RawKind::Event { arg, boxed }
            }
        };
        let entity = RawEntity {
            name,
            info: Some(info),
            doc: d.doc.map(|i| DocId(i as u32)),
            cond,
            features,
            implicit: false,
            kind,
        };
        self.define(entity)
    }

    fn make_union(
        &mut self,
        name: &str,
        u: def::Union,
        info: InfoId,
        cond: &Option<Cond>,
    ) -> Result<RawKind, Diagnostic> {
        let base = self.make_data(name, "base", u.base, info, cond)?;
        match u.discriminator {
            Some(tag) => {
                let branches = self.make_branches(u.branches, info)?;
                Ok(RawKind::Object {
                    base,
                    members: Vec::new(),
                    branches: Some((tag.name, branches)),
                    legacy_simple_union: false,
                    wraps: None,
                })
            }
            None => self.make_legacy_union(name, base, u.branches, info, cond),
        }
    }

    /// A union without discriminator, desugared as QEMU up to 5.2 did.
    fn make_legacy_union(
        &mut self,
        name: &str,
        base: Option<TypeName>,
        branches: Vec<def::Branch>,
        info: InfoId,
        cond: &Option<Cond>,
    ) -> Result<RawKind, Diagnostic> {
        let span = self.infos[info as usize].span;
        let mut out = Vec::with_capacity(branches.len());
        for b in branches {
            let ty = self.make_type_ref(b.ty, info)?;
            let data = RawMember {
                name: "data".to_owned(),
                span,
                ty: ty.clone(),
                optional: false,
                cond: None,
                features: Vec::new(),
            };
            let wrapper =
                self.make_implicit_object(&ty.name, "wrapper", vec![data], info, None, Some(&ty))?;
            let wrapper = wrapper.unwrap_or(ty);
            out.push(RawBranch {
                name: b.name.name,
                span: b.name.span,
                ty: wrapper,
                cond: b.cond,
            });
        }
        let values = out
            .iter()
            .map(|b| EnumValue {
                name: b.name.clone(),
                span: Some(b.span),
                cond: b.cond.clone(),
                features: Vec::new(),
            })
            .collect();
        let kind_name = format!("{name}Kind");
        let kind_enum = RawEntity {
            name: kind_name.clone(),
            info: Some(info),
            doc: None,
            cond: cond.clone(),
            features: Vec::new(),
            implicit: true,
            kind: RawKind::Enum {
                values,
                prefix: None,
                union_kind: true,
            },
        };
        self.define(kind_enum)?;
        let tag = RawMember {
            name: "type".to_owned(),
            span,
            ty: TypeName {
                name: kind_name,
                span: Some(span),
            },
            optional: false,
            cond: None,
            features: Vec::new(),
        };
        Ok(RawKind::Object {
            base,
            members: vec![tag],
            branches: Some(("type".to_owned(), out)),
            legacy_simple_union: true,
            wraps: None,
        })
    }

    /// Command/event `data` or union `base`: a type name, or inline members made into `q_obj_<name>-<role>`.
    fn make_data(
        &mut self,
        name: &str,
        role: &str,
        data: Option<Data>,
        info: InfoId,
        cond: &Option<Cond>,
    ) -> Result<Option<TypeName>, Diagnostic> {
        match data {
            None => Ok(None),
            Some(Data::Named(n)) => Ok(Some(type_name(n))),
            Some(Data::Inline(members)) => {
                let members = self.make_members(members, info)?;
                self.make_implicit_object(name, role, members, info, cond.clone(), None)
            }
        }
    }

    /// `q_obj_<name>-<role>`, unless there are no members (QEMU then uses no type at all).
    #[allow(clippy::too_many_arguments)]
    fn make_implicit_object(
        &mut self,
        name: &str,
        role: &str,
        members: Vec<RawMember>,
        info: InfoId,
        cond: Option<Cond>,
        wraps: Option<&TypeName>,
    ) -> Result<Option<TypeName>, Diagnostic> {
        if members.is_empty() {
            return Ok(None);
        }
        let span = self.infos[info as usize].span;
        let name = format!("q_obj_{name}-{role}");
        // A second user of the same implicit type can only be a redefinition, which is reported when the user
        // itself is defined.
        if !self.by_name.contains_key(&name) {
            let kind = RawKind::Object {
                base: None,
                members,
                branches: None,
                legacy_simple_union: false,
                wraps: wraps.cloned(),
            };
            let entity = RawEntity {
                name: name.clone(),
                info: Some(info),
                doc: None,
                cond,
                features: Vec::new(),
                implicit: true,
                kind,
            };
            self.define(entity)?;
        }
        Ok(Some(TypeName {
            name,
            span: Some(span),
        }))
    }

    fn make_members(
        &mut self,
        members: Vec<def::Member>,
        info: InfoId,
    ) -> Result<Vec<RawMember>, Diagnostic> {
        let mut out = Vec::with_capacity(members.len());
        for m in members {
            let ty = self.make_type_ref(m.ty, info)?;
            let features = self.make_features(m.features);
            out.push(RawMember {
                name: m.name.name,
                span: m.name.span,
                ty,
                optional: m.optional,
                cond: m.cond,
                features,
            });
        }
        Ok(out)
    }

    fn make_branches(
        &mut self,
        branches: Vec<def::Branch>,
        info: InfoId,
    ) -> Result<Vec<RawBranch>, Diagnostic> {
        let mut out = Vec::with_capacity(branches.len());
        for b in branches {
            let ty = self.make_type_ref(b.ty, info)?;
            out.push(RawBranch {
                name: b.name.name,
                span: b.name.span,
                ty,
                cond: b.cond,
            });
        }
        Ok(out)
    }

    fn make_value(&mut self, v: def::EnumValue) -> EnumValue {
        let features = self.make_features(v.features);
        EnumValue {
            name: v.name.name,
            span: Some(v.name.span),
            cond: v.cond,
            features,
        }
    }

    /// A type reference; `['T']` defines `TList` on first use.
    fn make_type_ref(&mut self, r: TypeRef, info: InfoId) -> Result<TypeName, Diagnostic> {
        match r {
            TypeRef::Named(n) => Ok(type_name(n)),
            TypeRef::Array(elem) => {
                let name = self.make_array(&elem.name, Some(info))?;
                Ok(TypeName {
                    name,
                    span: Some(elem.span),
                })
            }
        }
    }

    fn make_array(&mut self, element: &str, info: Option<InfoId>) -> Result<String, Diagnostic> {
        let name = format!("{element}List");
        let exists = self
            .by_name
            .get(&name)
            .is_some_and(|&i| self.entities[i as usize].is_type());
        if !exists {
            let span = info.map(|i| self.infos[i as usize].span);
            let entity = RawEntity {
                name: name.clone(),
                info,
                doc: None,
                cond: None,
                features: Vec::new(),
                implicit: true,
                kind: RawKind::Array(TypeName {
                    name: element.to_owned(),
                    span,
                }),
            };
            self.define(entity)?;
        }
        Ok(name)
    }

    fn make_features(&mut self, features: Vec<def::Feature>) -> Vec<Feature> {
        features
            .into_iter()
            .map(|f| {
                self.note_feature(&f.name.name);
                Feature {
                    name: f.name.name,
                    span: f.name.span,
                    cond: f.cond,
                }
            })
            .collect()
    }

    fn note_feature(&mut self, name: &str) {
        if !self.feature_seen.contains(name) {
            self.feature_seen.insert(name.to_owned());
            self.feature_names.push(name.to_owned());
            self.feature_infos.push(self.current_info);
        }
    }

    /// QEMU 10.2's limit: 64 feature names in a schema, the special ones included (its C enum of features is a
    /// 64-bit mask). The error is at the definition that used the first name too many.
    pub fn check_feature_count(&self) -> Result<(), Diagnostic> {
        const MAX_FEATURES: usize = 64;
        match self.feature_infos.get(MAX_FEATURES) {
            Some(&info) => {
                let message = "Maximum of 64 schema features is permitted";
                Err(match info {
                    Some(info) => self.infos[info as usize].error(message),
                    None => Diagnostic::bare(message),
                })
            }
            None => Ok(()),
        }
    }

    fn add_info(&mut self, info: Info) -> InfoId {
        self.infos.push(info);
        self.infos.len() as InfoId - 1
    }

    fn module_of_file(&mut self, file: u32, sources: &SourceMap) -> ModuleId {
        if let Some(&m) = self.file_modules.get(&file) {
            return m;
        }
        let name = if (file as usize) < sources.len() {
            sources.get(crate::FileId(file)).name.clone()
        } else {
            String::new()
        };
        let m = self.modules.make_for_file(&name);
        self.file_modules.insert(file, m);
        m
    }

    /// Add an entity to the namespace; a name defined before is an error at the new definition.
    fn define(&mut self, entity: RawEntity) -> Result<(), Diagnostic> {
        let index = self.entities.len() as u32;
        match self.by_name.entry(entity.name.clone()) {
            Entry::Occupied(other) => {
                let other = *other.get() as usize;
                return Err(self.redefinition(&entity, other));
            }
            Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
        // An array's module is its element type's, known only once everything is defined.
        let module = match (&entity.kind, entity.info) {
            (RawKind::Array(_), _) => None,
            (_, Some(info)) => self
                .file_modules
                .get(&self.infos[info as usize].span.file.0)
                .copied(),
            (_, None) => Some(self.modules.builtin()),
        };
        self.entities.push(entity);
        self.entity_files.push(module);
        Ok(())
    }

    fn redefinition(&self, entity: &RawEntity, other: usize) -> Diagnostic {
        let other = &self.entities[other];
        let Some(info) = entity.info.map(|i| &self.infos[i as usize]) else {
            return Diagnostic::bare(format!("'{}' is already defined", entity.name));
        };
        match other.info.map(|i| &self.infos[i as usize]) {
            Some(previous) => info
                .error(format!("'{}' is already defined", entity.name))
                .with_related(previous.error("previous definition")),
            None => info.error(format!("{} is already defined", other.describe())),
        }
    }
}

fn predefined(name: &str, kind: RawKind) -> RawEntity {
    RawEntity {
        name: name.to_owned(),
        info: None,
        doc: None,
        cond: None,
        features: Vec::new(),
        implicit: true,
        kind,
    }
}

fn type_name(n: def::Name) -> TypeName {
    TypeName {
        name: n.name,
        span: Some(n.span),
    }
}
