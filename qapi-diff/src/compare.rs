//! Structural comparison of two wire views, one pair of types at a time.
//!
//! A node is a pair (old type, new type) met at the same place on the wire; each is compared once, whatever
//! reaches it, giving its own changes and edges to the pairs below it (members by name, union branches by tag
//! value, alternate branches by JSON type, array elements). Type names play no part, so renaming a type,
//! splitting members into a base or moving them around does not show.

use std::collections::HashMap;

use qapi_schema::definition::Cond;

use crate::change::{ChangeKind, Relation};
use qapi_introspection::wire::{
    cond_text, has_feature, is_experimental_name, is_unstable, Builtin, JsonType, Origin, TypeIdx,
    WireBranch, WireEnumValue, WireFeature, WireKind, WireMember, WireObject, WireSchema,
};

/// One step from a node to a pair below it, as printed in a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Into a member (`.name`).
    Member(String),
    /// Into an array's elements (`[]`).
    Element,
    /// Into a union branch (`{tag=case}`).
    Branch {
        /// The union's discriminator.
        tag: String,
        /// The tag value of the branch.
        case: String,
    },
    /// Into an alternate's branch for a JSON type (`<string>`).
    Alternative(JsonType),
}

impl Segment {
    /// Appends the step as printed in a path.
    pub fn write(&self, out: &mut String) {
        match self {
            Segment::Member(name) => {
                out.push('.');
                out.push_str(name);
            }
            Segment::Element => out.push_str("[]"),
            Segment::Branch { tag, case } => {
                out.push('{');
                out.push_str(tag);
                out.push('=');
                out.push_str(case);
                out.push('}');
            }
            Segment::Alternative(class) => {
                out.push('<');
                out.push_str(class.as_str());
                out.push('>');
            }
        }
    }
}

/// A change found in a node, at the node itself or at one of its members.
#[derive(Clone, Debug)]
pub struct Local {
    /// The member the change is at; `None` for the node itself.
    pub member: Option<String>,
    /// What changed.
    pub kind: ChangeKind,
    /// The changed item itself is `x-` or `unstable` (on either side).
    pub target_unstable: bool,
    /// The condition of the item added or removed.
    pub condition: Option<String>,
}

/// A step from one node to a pair below it.
#[derive(Clone, Debug)]
pub struct Edge {
    /// The step as printed in a path.
    pub segment: Segment,
    /// The node reached, an index into [`Graph::nodes`].
    pub to: usize,
    /// The step goes through an `x-`/`unstable` member or branch.
    pub unstable: bool,
}

/// A pair of types compared: the old side's and the new side's at the same place.
#[derive(Clone, Debug)]
pub struct Node {
    /// The type in the old schema.
    pub old: TypeIdx,
    /// The type in the new schema.
    pub new: TypeIdx,
    /// The type is marked `unstable` on either side.
    pub unstable: bool,
    /// What differs at this node.
    pub changes: Vec<Local>,
    /// The pairs below this one.
    pub edges: Vec<Edge>,
}

/// Every pair reached from the roots given to [`Graph::node`], compared.
pub struct Graph<'a> {
    /// The old schema.
    pub old: &'a WireSchema,
    /// The new schema.
    pub new: &'a WireSchema,
    /// Every pair compared, in the order first reached.
    pub nodes: Vec<Node>,
    /// Pair and place (0 for a pair of named types, met anywhere) → node.
    index: HashMap<(TypeIdx, TypeIdx, usize), usize>,
    /// Places counted so far.
    sites: usize,
    queue: Vec<usize>,
    /// Both sides know conditions (both from schema files).
    conditions: bool,
}

impl<'a> Graph<'a> {
    /// An empty graph over two schemas.
    pub fn new(old: &'a WireSchema, new: &'a WireSchema) -> Graph<'a> {
        Graph {
            old,
            new,
            nodes: Vec::new(),
            index: HashMap::new(),
            sites: 0,
            queue: Vec::new(),
            conditions: old.origin == Origin::Schema && new.origin == Origin::Schema,
        }
    }

    /// The node of a pair, created (and queued for comparison) on first use. A pair involving a built-in or an
    /// array gets a node per place it is met: a change from `int` to `str` is a change of that place, not of a
    /// type that other places share.
    pub fn node(&mut self, old: TypeIdx, new: TypeIdx) -> usize {
        self.sites += 1;
        let site = if self.anonymous(old, new) {
            self.sites
        } else {
            0
        };
        if let Some(&n) = self.index.get(&(old, new, site)) {
            return n;
        }
        let n = self.nodes.len();
        let unstable = has_feature(&self.old.get(old).features, "unstable")
            || has_feature(&self.new.get(new).features, "unstable");
        self.nodes.push(Node {
            old,
            new,
            unstable,
            changes: Vec::new(),
            edges: Vec::new(),
        });
        self.index.insert((old, new, site), n);
        self.queue.push(n);
        n
    }

    fn anonymous(&self, old: TypeIdx, new: TypeIdx) -> bool {
        let anonymous = |t: &WireKind| matches!(t, WireKind::Builtin(_) | WireKind::Array(_));
        anonymous(&self.old.get(old).kind) || anonymous(&self.new.get(new).kind)
    }

    /// Compare every queued pair, and the pairs they reach.
    pub fn run(&mut self) {
        while let Some(n) = self.queue.pop() {
            let mut cmp = NodeCmp {
                changes: Vec::new(),
                edges: Vec::new(),
            };
            self.compare(n, &mut cmp);
            self.nodes[n].changes = cmp.changes;
            self.nodes[n].edges = cmp.edges;
        }
    }

    /// Whether condition changes can be told.
    pub fn knows_conditions(&self) -> bool {
        self.conditions
    }

    fn compare(&mut self, n: usize, cmp: &mut NodeCmp) {
        let (old_ty, new_ty) = (self.nodes[n].old, self.nodes[n].new);
        let (old, new) = (self.old.get(old_ty), self.new.get(new_ty));
        // The type's own `unstable` applies to what lies below it (see `Node::unstable`), not here.
        cmp.features(None, None, &old.features, &new.features, false);
        match (&old.kind, &new.kind) {
            (WireKind::Builtin(a), WireKind::Builtin(b)) => {
                if let Some(relation) = builtin_relation(*a, *b) {
                    self.type_changed(cmp, old_ty, new_ty, relation);
                }
            }
            (WireKind::Builtin(Builtin::Str), WireKind::Enum(_)) => {
                self.type_changed(cmp, old_ty, new_ty, Relation::Narrowed)
            }
            (WireKind::Enum(_), WireKind::Builtin(Builtin::Str)) => {
                self.type_changed(cmp, old_ty, new_ty, Relation::Widened)
            }
            (WireKind::Enum(a), WireKind::Enum(b)) => self.enums(cmp, a, b),
            (WireKind::Array(a), WireKind::Array(b)) => {
                let to = self.node(*a, *b);
                cmp.edge(Segment::Element, to, false);
            }
            (WireKind::Object(a), WireKind::Object(b)) => self.objects(cmp, a, b),
            (WireKind::Alternate(a), WireKind::Alternate(b)) => self.alternates(cmp, a, b),
            (_, WireKind::Builtin(Builtin::Any)) => {
                self.type_changed(cmp, old_ty, new_ty, Relation::Widened)
            }
            (WireKind::Builtin(Builtin::Any), _) => {
                self.type_changed(cmp, old_ty, new_ty, Relation::Narrowed)
            }
            (_, WireKind::Alternate(b)) => {
                let class = self.old.json_class(old_ty);
                match b.iter().find(|br| self.new.json_class(br.ty) == class) {
                    Some(br) => {
                        self.type_changed(cmp, old_ty, new_ty, Relation::Widened);
                        let to = self.node(old_ty, br.ty);
                        cmp.edge(Segment::Alternative(class), to, false);
                    }
                    None => self.type_changed(cmp, old_ty, new_ty, Relation::Incompatible),
                }
            }
            (WireKind::Alternate(a), _) => {
                let class = self.new.json_class(new_ty);
                match a.iter().find(|br| self.old.json_class(br.ty) == class) {
                    Some(br) => {
                        self.type_changed(cmp, old_ty, new_ty, Relation::Narrowed);
                        let to = self.node(br.ty, new_ty);
                        cmp.edge(Segment::Alternative(class), to, false);
                    }
                    None => self.type_changed(cmp, old_ty, new_ty, Relation::Incompatible),
                }
            }
            _ => self.type_changed(cmp, old_ty, new_ty, Relation::Incompatible),
        }
    }

    fn type_changed(&self, cmp: &mut NodeCmp, old: TypeIdx, new: TypeIdx, relation: Relation) {
        cmp.push(
            None,
            ChangeKind::TypeChanged {
                old: self.old.describe(old),
                new: self.new.describe(new),
                relation,
            },
            false,
        );
    }

    fn enums(&self, cmp: &mut NodeCmp, old: &[WireEnumValue], new: &[WireEnumValue]) {
        for o in old {
            match new.iter().find(|n| n.name == o.name) {
                Some(n) => {
                    let unstable =
                        is_unstable(&o.name, &o.features) || is_unstable(&n.name, &n.features);
                    cmp.features(None, Some(&o.name), &o.features, &n.features, unstable);
                    if self.conditions {
                        cmp.cond(None, Some(&o.name), &o.cond, &n.cond, unstable);
                    }
                }
                None => {
                    let kind = ChangeKind::ValueRemoved {
                        value: o.name.clone(),
                        deprecated: has_feature(&o.features, "deprecated"),
                    };
                    cmp.push(None, kind, is_unstable(&o.name, &o.features));
                    cmp.conditional(&o.cond);
                }
            }
        }
        for n in new.iter().filter(|n| !old.iter().any(|o| o.name == n.name)) {
            cmp.push(
                None,
                ChangeKind::ValueAdded {
                    value: n.name.clone(),
                },
                is_unstable(&n.name, &n.features),
            );
            cmp.conditional(&n.cond);
        }
    }

    fn objects(&mut self, cmp: &mut NodeCmp, old: &WireObject, new: &WireObject) {
        for o in &old.members {
            match new.members.iter().find(|n| n.name == o.name) {
                Some(n) => self.member(cmp, o, n),
                None => {
                    let kind = ChangeKind::MemberRemoved {
                        optional: o.optional,
                        deprecated: has_feature(&o.features, "deprecated"),
                    };
                    cmp.push(Some(&o.name), kind, is_unstable(&o.name, &o.features));
                    cmp.conditional(&o.cond);
                }
            }
        }
        for n in &new.members {
            if !old.members.iter().any(|o| o.name == n.name) {
                cmp.push(
                    Some(&n.name),
                    ChangeKind::MemberAdded {
                        optional: n.optional,
                    },
                    is_unstable(&n.name, &n.features),
                );
                cmp.conditional(&n.cond);
            }
        }
        self.variants(cmp, old, new);
    }

    fn member(&mut self, cmp: &mut NodeCmp, o: &WireMember, n: &WireMember) {
        let unstable = is_unstable(&o.name, &o.features) || is_unstable(&n.name, &n.features);
        let name = Some(o.name.as_str());
        match (o.optional, n.optional) {
            (true, false) => cmp.push(name, ChangeKind::MemberNowMandatory, unstable),
            (false, true) => cmp.push(name, ChangeKind::MemberNowOptional, unstable),
            _ => {}
        }
        cmp.features(name, None, &o.features, &n.features, unstable);
        if self.conditions {
            cmp.cond(name, None, &o.cond, &n.cond, unstable);
        }
        let to = self.node(o.ty, n.ty);
        cmp.edge(Segment::Member(o.name.clone()), to, unstable);
    }

    fn variants(&mut self, cmp: &mut NodeCmp, old: &WireObject, new: &WireObject) {
        // A struct that became a union (or back) had (has) an empty branch for every tag value.
        let empty_old = [];
        let empty_new = [];
        let (old_branches, new_branches): (&[WireBranch], &[WireBranch]) =
            match (&old.variants, &new.variants) {
                (None, None) => return,
                (Some(a), Some(b)) => {
                    if a.tag != b.tag {
                        cmp.push(
                            None,
                            ChangeKind::TagChanged {
                                old: a.tag.clone(),
                                new: b.tag.clone(),
                            },
                            false,
                        );
                    }
                    (&a.branches, &b.branches)
                }
                (Some(a), None) => (&a.branches, &empty_new),
                (None, Some(b)) => (&empty_old, &b.branches),
            };
        let tag = new
            .variants
            .as_ref()
            .or(old.variants.as_ref())
            .map(|v| v.tag.clone())
            .unwrap_or_default();
        for o in old_branches {
            let unstable = self.branch_unstable(old, new, &o.name);
            match new_branches.iter().find(|n| n.name == o.name) {
                // A branch's condition is its tag value's, reported with the enum.
                Some(n) => {
                    let to = self.node(o.ty, n.ty);
                    cmp.edge(branch(&tag, &o.name), to, unstable);
                }
                None if new.variants.is_none() => {
                    let to = self.node(o.ty, self.new.empty);
                    cmp.edge(branch(&tag, &o.name), to, unstable);
                }
                None if !self.old.is_empty_object(o.ty) => {
                    let kind = ChangeKind::BranchRemoved {
                        case: o.name.clone(),
                    };
                    cmp.push(None, kind, unstable);
                    cmp.conditional(&o.cond);
                }
                None => {}
            }
        }
        for n in new_branches {
            if old_branches.iter().any(|o| o.name == n.name) {
                continue;
            }
            let unstable = self.branch_unstable(old, new, &n.name);
            if old.variants.is_none() {
                let to = self.node(self.old.empty, n.ty);
                cmp.edge(branch(&tag, &n.name), to, unstable);
            } else if !self.new.is_empty_object(n.ty) {
                cmp.push(
                    None,
                    ChangeKind::BranchAdded {
                        case: n.name.clone(),
                    },
                    unstable,
                );
                cmp.conditional(&n.cond);
            }
        }
    }

    /// A branch is as unstable as its tag value.
    fn branch_unstable(&self, old: &WireObject, new: &WireObject, case: &str) -> bool {
        if is_experimental_name(case) {
            return true;
        }
        let value_unstable = |schema: &WireSchema, object: &WireObject| {
            let Some(v) = &object.variants else {
                return false;
            };
            let Some(tag) = object.members.iter().find(|m| m.name == v.tag) else {
                return false;
            };
            match &schema.get(tag.ty).kind {
                WireKind::Enum(values) => values
                    .iter()
                    .any(|value| value.name == case && has_feature(&value.features, "unstable")),
                _ => false,
            }
        };
        value_unstable(self.old, old) || value_unstable(self.new, new)
    }

    fn alternates(&mut self, cmp: &mut NodeCmp, old: &[WireBranch], new: &[WireBranch]) {
        for o in old {
            let class = self.old.json_class(o.ty);
            match new.iter().find(|n| self.new.json_class(n.ty) == class) {
                Some(n) => {
                    let to = self.node(o.ty, n.ty);
                    cmp.edge(Segment::Alternative(class), to, false);
                }
                None => cmp.push(
                    None,
                    ChangeKind::AlternateBranchRemoved {
                        class,
                        ty: self.old.describe(o.ty),
                    },
                    false,
                ),
            }
        }
        for n in new {
            let class = self.new.json_class(n.ty);
            if !old.iter().any(|o| self.old.json_class(o.ty) == class) {
                cmp.push(
                    None,
                    ChangeKind::AlternateBranchAdded {
                        class,
                        ty: self.new.describe(n.ty),
                    },
                    false,
                );
            }
        }
    }
}

fn branch(tag: &str, case: &str) -> Segment {
    Segment::Branch {
        tag: tag.to_string(),
        case: case.to_string(),
    }
}

/// How two built-ins differ, if they do. Integer widths count only when both sides know them.
fn builtin_relation(old: Builtin, new: Builtin) -> Option<Relation> {
    match (old, new) {
        (Builtin::Int(Some(a)), Builtin::Int(Some(b))) => {
            let ((a_lo, a_hi), (b_lo, b_hi)) = (a.range(), b.range());
            if (a_lo, a_hi) == (b_lo, b_hi) {
                None
            } else if b_lo <= a_lo && a_hi <= b_hi {
                Some(Relation::Widened)
            } else if a_lo <= b_lo && b_hi <= a_hi {
                Some(Relation::Narrowed)
            } else {
                Some(Relation::Incompatible)
            }
        }
        (Builtin::Int(_), Builtin::Int(_)) => None,
        (Builtin::Int(_), Builtin::Number) => Some(Relation::Widened),
        (Builtin::Number, Builtin::Int(_)) => Some(Relation::Narrowed),
        (a, b) if a == b => None,
        (_, Builtin::Any) => Some(Relation::Widened),
        (Builtin::Any, _) => Some(Relation::Narrowed),
        _ => Some(Relation::Incompatible),
    }
}

/// What one node's comparison collects.
struct NodeCmp {
    changes: Vec<Local>,
    edges: Vec<Edge>,
}

impl NodeCmp {
    fn push(&mut self, member: Option<&str>, kind: ChangeKind, target_unstable: bool) {
        self.changes.push(Local {
            member: member.map(str::to_owned),
            kind,
            target_unstable,
            condition: None,
        });
    }

    /// Notes the condition of the item the last change added or removed.
    fn conditional(&mut self, cond: &Option<Cond>) {
        if let (Some(last), Some(cond)) = (self.changes.last_mut(), cond) {
            last.condition = Some(cond_text(cond));
        }
    }

    fn edge(&mut self, segment: Segment, to: usize, unstable: bool) {
        self.edges.push(Edge {
            segment,
            to,
            unstable,
        });
    }

    fn features(
        &mut self,
        member: Option<&str>,
        value: Option<&str>,
        old: &[WireFeature],
        new: &[WireFeature],
        unstable: bool,
    ) {
        // A change of `unstable` itself moves the item into or out of the stable API: only an `x-` name keeps
        // it outside regardless.
        let target_unstable = |feature: &str| match feature {
            "unstable" => member.or(value).is_some_and(is_experimental_name),
            _ => unstable,
        };
        let value = value.map(str::to_owned);
        for o in old.iter().filter(|o| !has_feature(new, &o.name)) {
            let kind = ChangeKind::FeatureRemoved {
                feature: o.name.clone(),
                value: value.clone(),
            };
            self.push(member, kind, target_unstable(&o.name));
        }
        for n in new.iter().filter(|n| !has_feature(old, &n.name)) {
            let kind = ChangeKind::FeatureAdded {
                feature: n.name.clone(),
                value: value.clone(),
            };
            self.push(member, kind, target_unstable(&n.name));
        }
    }

    fn cond(
        &mut self,
        member: Option<&str>,
        value: Option<&str>,
        old: &Option<Cond>,
        new: &Option<Cond>,
        unstable: bool,
    ) {
        if old == new {
            return;
        }
        let kind = ChangeKind::ConditionChanged {
            old: old.as_ref().map(cond_text),
            new: new.as_ref().map(cond_text),
            value: value.map(str::to_owned),
        };
        self.push(member, kind, unstable);
    }
}
