//! The check pass: every entity in definition order is checked (objects recursively, where one C struct embeds
//! another) and then connected to its doc comment, as QEMU's `QAPISchema.check()` does; the first error stops.
//! Checking an entity produces its resolved, public form.

use crate::diagnostic::Diagnostic;
use crate::source::Span;

use super::define::Definitions;
use super::docs::DocLinks;
use super::entity::{
    AlternateType, ArrayType, BuiltinType, Command, EntityKind, Event, Feature, TypeId, Variants,
};
use super::hash::FastMap;
use super::raw::{Info, RawEntity, RawKind, TypeName};

/// How far objects may embed one another (base and branch chains) before we give up rather than risk the stack.
const MAX_NESTING: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Unchecked,
    InProgress,
    Done,
}

/// What checking an entity found: its public form, or, where the public form is mostly the definition's own
/// data, what [`super::finish`] needs to move that data over without copying it.
#[derive(Debug)]
pub(crate) enum Checked {
    Complete(EntityKind),
    /// An enum: nothing to resolve.
    Enum,
    Object(CheckedObject),
}

#[derive(Debug)]
pub(crate) struct CheckedObject {
    pub base: Option<TypeId>,
    /// The resolved type of each local member, in order.
    pub local_types: Vec<TypeId>,
    /// Every member, base members first: (declaring object, index among its local members).
    pub members: Vec<(u32, u32)>,
    pub variants: Option<Variants>,
}

/// A member of a checked object, as later checks need it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FlatMember<'a> {
    pub who: Who<'a>,
    pub span: Span,
    pub ty: TypeId,
    pub optional: bool,
    pub conditional: bool,
    /// The declaring object and the member's index among its local members.
    pub owner: u32,
    pub local: u32,
}

pub(crate) struct Checker<'a> {
    pub defs: &'a Definitions,
    pub finals: Vec<Option<Checked>>,
    /// For each checked object, its members, base members first.
    pub flat: Vec<Vec<FlatMember<'a>>>,
    state: Vec<State>,
    pub docs: &'a mut DocLinks,
    pub warnings: &'a mut Vec<Diagnostic>,
    pub returns_exceptions: &'a [String],
    /// Tolerant mode, for a schema without a list of commands allowed to return a non-object: such a return is
    /// a warning, as QEMU before 2.11 kept that list in its generator (2.4 to 2.10) or had none (up to 2.3).
    pub lenient_returns: bool,
    nesting: usize,
}

/// Who a name belongs to, for QEMU's clash messages (`member 'x' of type 'T'`). Borrows from the definitions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Who<'a> {
    pub role: &'static str,
    pub name: &'a str,
    pub defined_in: &'a str,
    /// A value of a legacy union's `<Union>Kind`: QEMU calls it a branch.
    pub union_kind: bool,
}

impl Who<'_> {
    /// QEMU's `QAPISchemaMember.describe(info)`.
    pub fn describe(&self, info: &Info) -> String {
        let mut role = self.role.to_owned();
        let mut meta = "type";
        let mut owner = self.defined_in;
        if let Some(rest) = owner.strip_prefix("q_obj_") {
            owner = rest;
            if let Some(cmd) = rest.strip_suffix("-arg") {
                role = "parameter".to_owned();
                meta = "command";
                owner = cmd;
            } else if let Some(union) = rest.strip_suffix("-base") {
                role = format!("base {role}");
                owner = union;
            } else if let Some(wrapped) = rest.strip_suffix("-wrapper") {
                owner = wrapped;
            }
        } else if self.union_kind {
            return format!("branch '{}'", self.name);
        }
        if owner != info.defn {
            format!("{role} '{}' of {meta} '{owner}'", self.name)
        } else {
            format!("{role} '{}'", self.name)
        }
    }
}

/// A name compared and hashed in its C form, without building that form: every character outside
/// `[A-Za-z0-9_]` becomes `_`. (QEMU's C names also get `q_` before C keywords and leading digits; names starting
/// with `q_` are reserved, so that neither makes two distinct names collide nor stops two from colliding.)
#[derive(Clone, Copy, Debug)]
struct CName<'a>(&'a str);

fn c_byte(b: u8) -> u8 {
    if b.is_ascii_alphanumeric() || b == b'_' {
        b
    } else {
        b'_'
    }
}

impl PartialEq for CName<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .bytes()
                .zip(other.0.bytes())
                .all(|(a, b)| c_byte(a) == c_byte(b))
    }
}

impl Eq for CName<'_> {}

impl std::hash::Hash for CName<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(c_byte(b));
        }
        state.write_u8(0xff);
    }
}

/// Names seen so far in one namespace (members of an object, values of an enum, ...), by C name. Most
/// namespaces are small, so names are kept in a list and indexed only once there are many.
#[derive(Clone, Debug, Default)]
pub(crate) struct Seen<'a> {
    entries: Vec<Who<'a>>,
    index: Option<FastMap<CName<'a>, u32>>,
}

/// Above this many names, a namespace gets a hash index.
const INDEX_FROM: usize = 16;

impl<'a> Seen<'a> {
    /// Room for `n` names without regrowing.
    pub fn with_capacity(n: usize) -> Seen<'a> {
        Seen {
            entries: Vec::with_capacity(n),
            index: None,
        }
    }

    /// Record `who`; a name whose C form was seen before is QEMU's `X collides with Y`.
    pub fn add(&mut self, info: &Info, who: Who<'a>, span: Option<Span>) -> Result<(), Diagnostic> {
        if let Some(previous) = self.get(who.name) {
            let msg = format!(
                "{} collides with {}",
                who.describe(info),
                previous.describe(info)
            );
            return Err(with_label(info.error(msg), span));
        }
        let position = self.entries.len() as u32;
        self.entries.push(who);
        match &mut self.index {
            Some(index) => {
                index.insert(CName(who.name), position);
            }
            None if self.entries.len() > INDEX_FROM => {
                let index = self
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (CName(w.name), i as u32))
                    .collect();
                self.index = Some(index);
            }
            None => {}
        }
        Ok(())
    }

    /// The entry whose name has the same C form as `name`.
    pub fn get(&self, name: &str) -> Option<&Who<'a>> {
        let key = CName(name);
        match &self.index {
            Some(index) => index.get(&key).map(|&i| &self.entries[i as usize]),
            None => self.entries.iter().find(|w| CName(w.name) == key),
        }
    }
}

pub(crate) fn with_label(diag: Diagnostic, span: Option<Span>) -> Diagnostic {
    match span {
        Some(span) => diag.with_label(span),
        None => diag,
    }
}

impl<'a> Checker<'a> {
    pub fn new(
        defs: &'a Definitions,
        docs: &'a mut DocLinks,
        warnings: &'a mut Vec<Diagnostic>,
        returns_exceptions: &'a [String],
    ) -> Checker<'a> {
        let n = defs.entities.len();
        Checker {
            defs,
            finals: std::iter::repeat_with(|| None).take(n).collect(),
            flat: vec![Vec::new(); n],
            state: vec![State::Unchecked; n],
            docs,
            warnings,
            returns_exceptions,
            lenient_returns: false,
            nesting: 0,
        }
    }

    /// Check every entity, then connect it to its doc.
    pub fn run(&mut self) -> Result<(), Diagnostic> {
        for index in 0..self.defs.entities.len() {
            self.check_entity(index)?;
            self.connect_doc(index)?;
        }
        Ok(())
    }

    pub fn raw(&self, index: usize) -> &'a RawEntity {
        &self.defs.entities[index]
    }

    /// The info of an entity; predefined entities have none, and never need one (nothing about them can fail).
    pub fn info(&self, index: usize) -> Result<&'a Info, Diagnostic> {
        let defs: &'a Definitions = self.defs;
        match defs.entities[index].info {
            Some(i) => Ok(&defs.infos[i as usize]),
            None => Err(internal(&format!(
                "no source for '{}'",
                defs.entities[index].name
            ))),
        }
    }

    pub fn lookup(&self, name: &str) -> Option<usize> {
        self.defs.by_name.get(name).map(|&i| i as usize)
    }

    /// QEMU's `resolve_type`: the type named, or `<what> uses unknown type 'T'`.
    pub fn resolve(
        &self,
        ty: &TypeName,
        info: &Info,
        what: impl FnOnce() -> String,
    ) -> Result<usize, Diagnostic> {
        match self.lookup(&ty.name) {
            Some(i) if self.raw(i).is_type() => Ok(i),
            _ => Err(with_label(
                info.error(format!("{} uses unknown type '{}'", what(), ty.name)),
                ty.span,
            )),
        }
    }

    fn check_entity(&mut self, index: usize) -> Result<(), Diagnostic> {
        let raw = self.raw(index);
        let kind = match &raw.kind {
            RawKind::Include(m) => EntityKind::Include(*m),
            RawKind::Builtin(kind) => EntityKind::Builtin(BuiltinType { kind: *kind }),
            RawKind::Enum {
                values, union_kind, ..
            } => {
                self.check_features(index)?;
                // The predefined QType has no source, and nothing to clash.
                if raw.info.is_some() {
                    let info = self.info(index)?;
                    let mut seen = Seen::with_capacity(values.len());
                    for v in values {
                        let who = Who {
                            role: "value",
                            name: &v.name,
                            defined_in: &raw.name,
                            union_kind: *union_kind,
                        };
                        seen.add(info, who, v.span)?;
                    }
                }
                self.finals[index] = Some(Checked::Enum);
                return Ok(());
            }
            RawKind::Array(element) => {
                let element = match raw.info {
                    Some(_) => {
                        let info = self.info(index)?;
                        self.resolve(element, info, || info.meta.to_owned())?
                    }
                    None => self
                        .lookup(&element.name)
                        .ok_or_else(|| internal("unknown built-in"))?,
                };
                EntityKind::Array(ArrayType {
                    element: TypeId(element as u32),
                })
            }
            RawKind::Object { .. } => return self.check_object(index),
            RawKind::Alternate(_) => EntityKind::Alternate(self.check_alternate(index)?),
            RawKind::Command { .. } => EntityKind::Command(self.check_command(index)?),
            RawKind::Event { .. } => EntityKind::Event(self.check_event(index)?),
        };
        self.finals[index] = Some(Checked::Complete(kind));
        Ok(())
    }

    /// Feature clashes; on types, the special features are not allowed.
    pub fn check_features(&mut self, index: usize) -> Result<(), Diagnostic> {
        let raw = self.raw(index);
        if raw.features.is_empty() {
            return Ok(());
        }
        let info = self.info(index)?;
        check_feature_clash(info, &raw.features, &raw.name)?;
        if raw.is_type() {
            if let Some(f) = raw.features.iter().find(|f| f.is_special()) {
                let msg = format!("feature '{}' is not supported for types", f.name);
                return Err(info.error(msg).with_label(f.span));
            }
        }
        Ok(())
    }

    /// Enter an object's check, guarding against containment cycles. `Ok(false)`: already checked.
    pub fn begin_object(&mut self, index: usize) -> Result<bool, Diagnostic> {
        match self.state[index] {
            State::Done => Ok(false),
            State::InProgress => {
                let info = self.info(index)?;
                Err(info.error(format!("object {} contains itself", self.raw(index).name)))
            }
            State::Unchecked => {
                if self.nesting >= MAX_NESTING {
                    let info = self.info(index)?;
                    let msg = format!(
                        "object {} nests other objects too deeply",
                        self.raw(index).name
                    );
                    return Err(info.error(msg));
                }
                self.state[index] = State::InProgress;
                Ok(true)
            }
        }
    }

    pub fn end_object(&mut self, index: usize, object: CheckedObject, flat: Vec<FlatMember<'a>>) {
        self.finals[index] = Some(Checked::Object(object));
        self.flat[index] = flat;
        self.state[index] = State::Done;
    }

    /// Check an object another check depends on (a base, a branch, command arguments).
    pub fn check_nested_object(&mut self, index: usize) -> Result<(), Diagnostic> {
        self.nesting += 1;
        let result = self.check_object(index);
        self.nesting -= 1;
        result
    }

    fn check_alternate(&mut self, index: usize) -> Result<AlternateType, Diagnostic> {
        let raw = self.raw(index);
        let RawKind::Alternate(branches) = &raw.kind else {
            return Err(internal("not an alternate"));
        };
        self.check_features(index)?;
        let info = self.info(index)?;
        let qtype = self
            .lookup("QType")
            .ok_or_else(|| internal("QType missing"))?;
        let mut resolved = Vec::with_capacity(branches.len());
        for b in branches {
            let who = Who {
                role: "branch",
                name: &b.name,
                defined_in: &raw.name,
                union_kind: false,
            };
            resolved.push(self.resolve(&b.ty, info, || who.describe(info))?);
        }
        super::alternates::check_branches(self, info, raw, &resolved)?;
        let branches = branches
            .iter()
            .zip(resolved)
            .map(|(b, ty)| super::entity::Branch {
                name: b.name.clone(),
                span: b.span,
                ty: TypeId(ty as u32),
                cond: b.cond.clone(),
                json_type: self
                    .raw(ty)
                    .json_type()
                    .unwrap_or(super::entity::JsonType::Value),
                implicit: false,
            })
            .collect();
        let variants = Variants {
            tag_name: "type".to_owned(),
            tag_type: TypeId(qtype as u32),
            branches,
        };
        Ok(AlternateType { variants })
    }

    fn check_command(&mut self, index: usize) -> Result<Command, Diagnostic> {
        let raw = self.raw(index);
        let RawKind::Command { arg, ret, flags } = &raw.kind else {
            return Err(internal("not a command"));
        };
        self.check_features(index)?;
        let info = self.info(index)?;
        let arg_type = match arg {
            Some(arg) => Some(self.check_arguments(index, arg, flags.boxed)?),
            None => None,
        };
        let ret_type = match ret {
            Some(ret) => {
                let ty = self.resolve(ret, info, || "command's 'returns'".to_owned())?;
                if !self.returns_exceptions.contains(&raw.name) {
                    let element = match &self.raw(ty).kind {
                        RawKind::Array(elem) => self.lookup(&elem.name).unwrap_or(ty),
                        _ => ty,
                    };
                    if !self.raw(element).is_object() {
                        let msg = format!(
                            "command's 'returns' cannot take {}",
                            self.raw(ty).describe()
                        );
                        let diag = with_label(info.error(msg), ret.span);
                        if !self.lenient_returns {
                            return Err(diag);
                        }
                        let note = " (the schema has no pragma 'command-returns-exceptions' or \
                                    'returns-whitelist': QEMU before 2.11 listed such commands in its generator)";
                        let mut warning = diag.as_warning();
                        warning.message.push_str(note);
                        self.warnings.push(warning);
                    }
                }
                Some(TypeId(ty as u32))
            }
            None => None,
        };
        Ok(Command {
            arg_type,
            ret_type,
            boxed: flags.boxed,
            gen: flags.gen,
            success_response: flags.success_response,
            allow_oob: flags.allow_oob,
            allow_preconfig: flags.allow_preconfig,
            coroutine: flags.coroutine,
        })
    }

    fn check_event(&mut self, index: usize) -> Result<Event, Diagnostic> {
        let raw = self.raw(index);
        let RawKind::Event { arg, boxed } = &raw.kind else {
            return Err(internal("not an event"));
        };
        self.check_features(index)?;
        let arg_type = match arg {
            Some(arg) => Some(self.check_arguments(index, arg, *boxed)?),
            None => None,
        };
        Ok(Event {
            arg_type,
            boxed: *boxed,
        })
    }

    /// A command's or event's `data`: an object; a union or conditional members only when boxed.
    fn check_arguments(
        &mut self,
        index: usize,
        arg: &TypeName,
        boxed: bool,
    ) -> Result<TypeId, Diagnostic> {
        let raw = self.raw(index);
        let info = self.info(index)?;
        let meta = raw.meta();
        let ty = self.resolve(arg, info, || format!("{meta}'s 'data'"))?;
        let arg_raw = self.raw(ty);
        if !arg_raw.is_object() {
            let msg = format!("{meta}'s 'data' cannot take {}", arg_raw.describe());
            return Err(with_label(info.error(msg), arg.span));
        }
        if arg_raw.is_union() && !boxed {
            let msg = format!(
                "{meta}'s 'data' can take {} only with 'boxed': true",
                arg_raw.describe()
            );
            return Err(with_label(info.error(msg), arg.span));
        }
        self.check_nested_object(ty)?;
        let conditional = self.flat[ty].iter().any(|m| m.conditional);
        if conditional && !boxed {
            return Err(info.error(format!(
                "conditional {meta} arguments require 'boxed': true"
            )));
        }
        Ok(TypeId(ty as u32))
    }
}

/// Feature names must not clash (in their C form) within one definition or member.
pub(crate) fn check_feature_clash(
    info: &Info,
    features: &[Feature],
    owner: &str,
) -> Result<(), Diagnostic> {
    let mut seen = Seen::with_capacity(features.len());
    for f in features {
        let who = Who {
            role: "feature",
            name: &f.name,
            defined_in: owner,
            union_kind: false,
        };
        seen.add(info, who, Some(f.span))?;
    }
    Ok(())
}

pub(crate) fn internal(what: &str) -> Diagnostic {
    Diagnostic::bare(format!("internal error in the schema checker: {what}"))
}
