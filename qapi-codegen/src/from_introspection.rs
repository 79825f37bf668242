//! A running QEMU's `query-qmp-schema` reply → [`Api`]: bindings for exactly that QEMU.
//!
//! Introspection masks the names of enum, object and alternate types (`"0"`, `"1"`, ...), so each type is named
//! after the place it is first met, walking the commands' arguments in the reply's order (what users build gets
//! the names from there), then the commands' returns, then the events' data, and inside each, members in order,
//! depth first:
//! - a command's argument type is `<Command>Arg`, its return type `<Command>Ret`, an event's data `<Event>Arg`
//!   (`blockdev-add` → `BlockdevAddArg`, `JOB_STATUS_CHANGE` → `JobStatusChangeArg`);
//! - a member's type is its object's name followed by the member's (`driver` of `BlockdevAddArg` →
//!   `BlockdevAddArgDriver`); a list's element is named as the list would be (`query-block` returns
//!   `[QueryBlockRet]`);
//! - a union branch's type is the union's name followed by the tag value (`BlockdevAddArgQcow2`), an alternate
//!   branch's the alternate's name followed by its JSON type (`...FileObject`);
//! - a name already taken gets the smallest free number appended.
//!
//! The same reply always gives the same names, and a type keeps its name across QEMU versions as long as the
//! first place reaching it, and the path from there, stay the same (`BlockdevDriver` is `BlockdevAddArgDriver`
//! whatever returns it too). A command's arguments that are a
//! plain object become the command's own struct (as for a schema's inline arguments); a union of arguments
//! (`blockdev-add`) is a named type. Integer types all read as `int` (`i64`): introspection does not tell widths.

use std::collections::HashSet;

use qapi_introspection::wire::{
    Builtin as WireBuiltin, TypeIdx, WireCommand, WireEvent, WireFeature, WireKind, WireSchema,
    WireVariants,
};
use qapi_introspection::{Introspection, IntrospectionError};

use crate::ir::{
    Api, Args, Branch, Builtin, Command, Definition, Doc, EnumValue, Event, Feature, IntType, Kind,
    Member, Module, Struct, TypeExpr, Union, UnionBranch,
};
use crate::names::upper_camel;

impl Api {
    /// Bindings for the QEMU that sent `reply` (see the module docs for how types are named). Everything goes
    /// in one module, `qmp`.
    pub fn from_introspection(reply: &Introspection) -> Result<Api, IntrospectionError> {
        Ok(Api::from_wire(&WireSchema::from_introspection(reply)?))
    }

    /// Bindings from a wire view, types named by where they are first used.
    pub fn from_wire(wire: &WireSchema) -> Api {
        let mut namer = Namer {
            wire,
            names: vec![None; wire.types.len()],
            taken: HashSet::new(),
            order: Vec::new(),
        };
        // Arguments first, as they are what users build: their types get the names from commands' arguments.
        let args: Vec<ArgsShape> = wire
            .commands
            .iter()
            .map(|c| namer.args(c.args, format!("{}Arg", upper_camel(&c.name))))
            .collect();
        let mut roots = Vec::new();
        for (c, args) in wire.commands.iter().zip(args) {
            let returns = (!wire.is_empty_object(c.returns)).then(|| {
                namer.name(c.returns, format!("{}Ret", upper_camel(&c.name)));
                c.returns
            });
            roots.push(Root::Command(c, args, returns));
        }
        for e in &wire.events {
            let data = namer.args(e.data, format!("{}Arg", upper_camel(&e.name)));
            roots.push(Root::Event(e, data));
        }
        namer.definitions(roots)
    }
}

/// How a command's arguments or an event's data are given.
#[derive(Clone, Copy)]
enum ArgsShape {
    None,
    /// The members of this plain object.
    Inline(TypeIdx),
    /// This (union) type.
    Named(TypeIdx),
}

enum Root<'w> {
    Command(&'w WireCommand, ArgsShape, Option<TypeIdx>),
    Event(&'w WireEvent, ArgsShape),
}

struct Namer<'w> {
    wire: &'w WireSchema,
    /// The name given to each type, once named.
    names: Vec<Option<String>>,
    taken: HashSet<String>,
    /// Types in the order they were named: the order of the definitions.
    order: Vec<TypeIdx>,
}

impl Namer<'_> {
    fn args(&mut self, ty: TypeIdx, prefix: String) -> ArgsShape {
        match &self.wire.get(ty).kind {
            _ if self.wire.is_empty_object(ty) => ArgsShape::None,
            WireKind::Object(o) if o.variants.is_none() => {
                // Members in reverse, so that the stack names them in order.
                let mut stack: Vec<(TypeIdx, String)> = o
                    .members
                    .iter()
                    .rev()
                    .map(|m| (m.ty, format!("{prefix}{}", upper_camel(&m.name))))
                    .collect();
                self.walk(&mut stack);
                ArgsShape::Inline(ty)
            }
            _ => {
                self.name(ty, prefix);
                ArgsShape::Named(ty)
            }
        }
    }

    /// Names `ty` (if it needs a name and has none) and everything it reaches, depth first.
    fn name(&mut self, ty: TypeIdx, hint: String) {
        self.walk(&mut vec![(ty, hint)]);
    }

    fn walk(&mut self, stack: &mut Vec<(TypeIdx, String)>) {
        while let Some((ty, hint)) = stack.pop() {
            let t = self.wire.get(ty);
            let children: Vec<(TypeIdx, String)> = match &t.kind {
                WireKind::Builtin(_) => continue,
                WireKind::Array(element) => {
                    stack.push((*element, hint));
                    continue;
                }
                _ if self.names[ty.index()].is_some() || self.wire.is_empty_object(ty) => continue,
                WireKind::Enum(_) => Vec::new(),
                WireKind::Object(o) => {
                    let members = o.members.iter().map(|m| (m.ty, upper_camel(&m.name)));
                    let branches = o
                        .variants
                        .iter()
                        .flat_map(|v| &v.branches)
                        .map(|b| (b.ty, upper_camel(&b.name)));
                    members.chain(branches).collect()
                }
                WireKind::Alternate(branches) => branches
                    .iter()
                    .map(|b| (b.ty, upper_camel(self.wire.json_class(b.ty).as_str())))
                    .collect(),
            };
            let name = self.claim(&hint);
            self.names[ty.index()] = Some(name.clone());
            self.order.push(ty);
            stack.extend(
                children
                    .into_iter()
                    .rev()
                    .map(|(child, suffix)| (child, format!("{name}{suffix}"))),
            );
        }
    }

    /// `hint`, or `hint` with the smallest number making it unique.
    fn claim(&mut self, hint: &str) -> String {
        let mut name = hint.to_string();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{hint}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    fn type_expr(&self, ty: TypeIdx) -> TypeExpr {
        let t = self.wire.get(ty);
        match &t.kind {
            WireKind::Builtin(b) => TypeExpr::Builtin(match b {
                WireBuiltin::Str => Builtin::Str,
                WireBuiltin::Int(_) => Builtin::Int(IntType::INT64),
                WireBuiltin::Number => Builtin::Number,
                WireBuiltin::Bool => Builtin::Bool,
                WireBuiltin::Null => Builtin::Null,
                WireBuiltin::Any => Builtin::Any,
            }),
            WireKind::Array(element) => TypeExpr::Array(Box::new(self.type_expr(*element))),
            _ if self.wire.is_empty_object(ty) => TypeExpr::Empty,
            _ => match &self.names[ty.index()] {
                Some(name) => TypeExpr::Named(name.clone()),
                // Every type reached was named; keep the mapping total anyway.
                None => TypeExpr::Builtin(Builtin::Any),
            },
        }
    }

    fn name_of(&self, ty: TypeIdx) -> String {
        self.names[ty.index()].clone().unwrap_or_default()
    }

    fn members(&self, ty: TypeIdx) -> Vec<Member> {
        let WireKind::Object(o) = &self.wire.get(ty).kind else {
            return Vec::new();
        };
        o.members
            .iter()
            .map(|m| Member {
                name: m.name.clone(),
                optional: m.optional,
                ty: self.type_expr(m.ty),
                cond: None,
                features: features(&m.features),
                required_since: None,
            })
            .collect()
    }

    fn args_of(&self, shape: ArgsShape) -> Args {
        match shape {
            ArgsShape::None => Args::None,
            ArgsShape::Inline(ty) => Args::Inline(self.members(ty)),
            ArgsShape::Named(ty) => Args::Named(self.name_of(ty)),
        }
    }

    /// The definitions: types in the order they were named, then commands and events in the reply's order.
    fn definitions(&self, roots: Vec<Root>) -> Api {
        let mut definitions: Vec<Definition> = self
            .order
            .iter()
            .map(|&ty| self.type_definition(ty))
            .collect();
        for root in roots {
            let (name, features, kind) = match root {
                Root::Command(c, args, returns) => (
                    c.name.clone(),
                    &c.features,
                    Kind::Command(Command {
                        args: self.args_of(args),
                        returns: returns.map(|r| self.type_expr(r)),
                        boxed: matches!(args, ArgsShape::Named(_)),
                        // Introspection does not say which handlers take further arguments.
                        gen: true,
                        success_response: true,
                        allow_oob: c.allow_oob,
                        allow_preconfig: c.allow_preconfig.unwrap_or(false),
                        coroutine: false,
                    }),
                ),
                Root::Event(e, data) => (
                    e.name.clone(),
                    &e.features,
                    Kind::Event(Event {
                        data: self.args_of(data),
                        boxed: matches!(data, ArgsShape::Named(_)),
                    }),
                ),
            };
            definitions.push(Definition {
                name,
                module: 1,
                doc: None,
                cond: None,
                features: self::features(features),
                kind,
            });
        }
        Api {
            modules: vec![
                Module {
                    path: "./builtin".into(),
                    title: None,
                },
                Module {
                    path: "qmp.json".into(),
                    title: Some("The schema a running QEMU reported (`query-qmp-schema`).".into()),
                },
            ],
            definitions,
        }
    }

    fn type_definition(&self, ty: TypeIdx) -> Definition {
        let t = self.wire.get(ty);
        let kind = match &t.kind {
            WireKind::Enum(values) => Kind::Enum(
                values
                    .iter()
                    .map(|v| EnumValue {
                        name: v.name.clone(),
                        cond: None,
                        features: features(&v.features),
                    })
                    .collect(),
            ),
            WireKind::Alternate(branches) => Kind::Alternate(
                branches
                    .iter()
                    .map(|b| Branch {
                        name: self.wire.json_class(b.ty).as_str().to_string(),
                        ty: self.type_expr(b.ty),
                        cond: None,
                    })
                    .collect(),
            ),
            WireKind::Object(o) => match o.variants.as_ref().and_then(|v| self.union(ty, v)) {
                Some(union) => Kind::Union(union),
                None => Kind::Struct(Struct {
                    base: None,
                    members: self.members(ty),
                }),
            },
            // Never named; kept total.
            WireKind::Builtin(_) | WireKind::Array(_) => Kind::Struct(Struct {
                base: None,
                members: Vec::new(),
            }),
        };
        Definition {
            name: self.name_of(ty),
            module: 1,
            doc: Some(Doc {
                body: "A type of the schema a running QEMU reported (`query-qmp-schema`).".into(),
                ..Doc::default()
            }),
            cond: None,
            features: features(&t.features),
            kind,
        }
    }

    /// A union: its tag must be an enum member; one branch per tag value, `None` for the empty ones.
    fn union(&self, ty: TypeIdx, variants: &WireVariants) -> Option<Union> {
        let WireKind::Object(o) = &self.wire.get(ty).kind else {
            return None;
        };
        let tag = o.members.iter().find(|m| m.name == variants.tag)?;
        let WireKind::Enum(values) = &self.wire.get(tag.ty).kind else {
            return None;
        };
        let branches = values
            .iter()
            .map(|v| {
                let branch = variants.branches.iter().find(|b| b.name == v.name);
                UnionBranch {
                    name: v.name.clone(),
                    ty: branch
                        .filter(|b| !self.wire.is_empty_object(b.ty))
                        .map(|b| self.name_of(b.ty)),
                    cond: None,
                }
            })
            .collect();
        Some(Union {
            base: None,
            members: self.members(ty),
            discriminator: variants.tag.clone(),
            tag_enum: self.name_of(tag.ty),
            branches,
        })
    }
}

fn features(features: &[WireFeature]) -> Vec<Feature> {
    features
        .iter()
        .map(|f| Feature {
            name: f.name.clone(),
            cond: None,
        })
        .collect()
}
