//! Two wire views → the list of changes, each placed once and classified.
//!
//! Commands and events are matched by name; their arguments, returns and data are the roots of the comparison
//! graph ([`crate::compare`]). A change inside a type shared by several commands is listed once, under the first
//! command or event (stable ones first, then by name) that reaches it, with the others in [`Change::also`]. Its
//! class is the worst over the directions it travels in through the stable API; reached only through `x-` or
//! `unstable` items, it is [`Class::Unstable`].

use std::collections::{HashMap, HashSet, VecDeque};

use qapi_schema::definition::Cond;

use crate::change::{Change, ChangeKind, Class, Direction, Part, Root};
use crate::classify::rule;
use crate::compare::{Graph, Local};
use qapi_introspection::wire::{
    cond_text, has_feature, is_unstable, Origin, WireFeature, WireKind, WireSchema, WireType,
};

/// The changes between two schemas, sorted by command, event, then type; within each by part and path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// The changes, in that order.
    pub changes: Vec<Change>,
}

/// Counts for a summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Breaking changes.
    pub breaking: usize,
    /// Compatible changes.
    pub compatible: usize,
    /// Changes outside the stable API.
    pub unstable: usize,
    /// Commands that appeared.
    pub commands_added: usize,
    /// Commands that went away.
    pub commands_removed: usize,
    /// Commands with changes of their own or in what they take or give.
    pub commands_changed: usize,
    /// Events that appeared.
    pub events_added: usize,
    /// Events that went away.
    pub events_removed: usize,
    /// Events with changes of their own or in their data.
    pub events_changed: usize,
    /// Types renamed one to one.
    pub types_renamed: usize,
}

impl Diff {
    /// Whether the schemas look the same on the wire.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes are of `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// The changes listed under a command, event or type.
    pub fn under(&self, root: &Root) -> impl Iterator<Item = &Change> {
        let root = root.clone();
        self.changes.iter().filter(move |c| c.root == root)
    }

    /// The counts for the summary line.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        let mut changed: HashSet<&Root> = HashSet::new();
        for c in &self.changes {
            match c.class {
                Class::Breaking => s.breaking += 1,
                Class::Compatible => s.compatible += 1,
                Class::Unstable => s.unstable += 1,
            }
            match c.kind {
                ChangeKind::CommandAdded => s.commands_added += 1,
                ChangeKind::CommandRemoved { .. } => s.commands_removed += 1,
                ChangeKind::EventAdded => s.events_added += 1,
                ChangeKind::EventRemoved { .. } => s.events_removed += 1,
                ChangeKind::TypeRenamed { .. } => s.types_renamed += 1,
                _ => {
                    changed.insert(&c.root);
                }
            }
        }
        for root in changed {
            match root {
                Root::Command(_) => s.commands_changed += 1,
                Root::Event(_) => s.events_changed += 1,
                Root::Type(_) => {}
            }
        }
        s
    }
}

/// Compare two wire views.
pub fn diff(old: &WireSchema, new: &WireSchema) -> Diff {
    let mut graph = Graph::new(old, new);
    let mut changes = Vec::new();
    let mut starts = Vec::new();
    roots(&mut graph, &mut changes, &mut starts);
    graph.run();
    starts.sort_by(|a, b| (a.unstable, &a.root, a.part).cmp(&(b.unstable, &b.root, b.part)));
    let usage = usage(&graph, &starts);
    for (n, node) in graph.nodes.iter().enumerate() {
        let u = &usage[n];
        for local in &node.changes {
            let type_unstable = node.unstable && !is_type_unstable_change(local);
            let target_unstable = local.target_unstable || type_unstable;
            let Some((class, verdict, direction)) = classify(&local.kind, u, target_unstable)
            else {
                continue;
            };
            let Some((owner, path)) = &u.owner[direction as usize] else {
                continue;
            };
            let start = &starts[*owner];
            let mut path = path.clone();
            if let Some(member) = &local.member {
                path.push('.');
                path.push_str(member);
            }
            let mut also: Vec<Root> = Vec::new();
            for &s in &u.starts {
                let root = &starts[s].root;
                if *root != start.root && !also.contains(root) {
                    also.push(root.clone());
                }
            }
            changes.push(Change {
                root: start.root.clone(),
                part: Some(start.part),
                path,
                kind: local.kind.clone(),
                class,
                verdict,
                condition: local.condition.clone(),
                directions: directions(u.bits),
                also,
            });
        }
    }
    renames(&graph, &usage, &mut changes);
    changes.sort_by(|a, b| (&a.root, a.part, &a.path).cmp(&(&b.root, b.part, &b.path)));
    Diff { changes }
}

/// Where a traversal of the graph begins: a command's arguments or returns, or an event's data.
struct Start {
    root: Root,
    part: Part,
    node: usize,
    /// The command or event is `x-` or `unstable`.
    unstable: bool,
}

/// Commands and events: the changes to them as wholes, and the starts of the graph for those in both.
fn roots(graph: &mut Graph, changes: &mut Vec<Change>, starts: &mut Vec<Start>) {
    command_roots(graph, changes, starts);
    event_roots(graph, changes, starts);
}

fn command_roots(graph: &mut Graph, changes: &mut Vec<Change>, starts: &mut Vec<Start>) {
    let (old, new) = (graph.old, graph.new);
    let conditions = graph.knows_conditions();
    let old_commands: HashMap<&str, _> =
        old.commands.iter().map(|c| (c.name.as_str(), c)).collect();
    let new_commands: HashMap<&str, _> =
        new.commands.iter().map(|c| (c.name.as_str(), c)).collect();
    for o in &old.commands {
        let root = Root::Command(o.name.clone());
        let unstable = is_unstable(&o.name, &o.features);
        let Some(n) = new_commands.get(o.name.as_str()) else {
            let deprecated = has_feature(&o.features, "deprecated");
            let kind = ChangeKind::CommandRemoved { deprecated };
            changes.push(whole(root, kind, Direction::Send, unstable).conditional(&o.cond));
            continue;
        };
        let unstable = unstable || is_unstable(&n.name, &n.features);
        let mut kinds = feature_changes(&o.features, &n.features);
        if conditions {
            kinds.extend(cond_change(&o.cond, &n.cond));
        }
        if o.allow_oob != n.allow_oob {
            kinds.push(ChangeKind::AllowOob { now: n.allow_oob });
        }
        if let (Some(a), Some(b)) = (o.allow_preconfig, n.allow_preconfig) {
            if a != b {
                kinds.push(ChangeKind::AllowPreconfig { now: b });
            }
        }
        for kind in kinds {
            let unstable = unstable && !is_unstable_feature(&kind);
            changes.push(whole(root.clone(), kind, Direction::Send, unstable));
        }
        for (part, a, b) in [
            (Part::Arguments, o.args, n.args),
            (Part::Returns, o.returns, n.returns),
        ] {
            let node = graph.node(a, b);
            starts.push(Start {
                root: root.clone(),
                part,
                node,
                unstable,
            });
        }
    }
    for n in new
        .commands
        .iter()
        .filter(|n| !old_commands.contains_key(n.name.as_str()))
    {
        let unstable = is_unstable(&n.name, &n.features);
        let root = Root::Command(n.name.clone());
        let change = whole(root, ChangeKind::CommandAdded, Direction::Send, unstable);
        changes.push(change.conditional(&n.cond));
    }
}

fn event_roots(graph: &mut Graph, changes: &mut Vec<Change>, starts: &mut Vec<Start>) {
    let (old, new) = (graph.old, graph.new);
    let conditions = graph.knows_conditions();
    let old_events: HashMap<&str, _> = old.events.iter().map(|e| (e.name.as_str(), e)).collect();
    let new_events: HashMap<&str, _> = new.events.iter().map(|e| (e.name.as_str(), e)).collect();
    for o in &old.events {
        let root = Root::Event(o.name.clone());
        let unstable = is_unstable(&o.name, &o.features);
        let Some(n) = new_events.get(o.name.as_str()) else {
            let deprecated = has_feature(&o.features, "deprecated");
            let kind = ChangeKind::EventRemoved { deprecated };
            changes.push(whole(root, kind, Direction::Receive, unstable).conditional(&o.cond));
            continue;
        };
        let unstable = unstable || is_unstable(&n.name, &n.features);
        let mut kinds = feature_changes(&o.features, &n.features);
        if conditions {
            kinds.extend(cond_change(&o.cond, &n.cond));
        }
        for kind in kinds {
            let unstable = unstable && !is_unstable_feature(&kind);
            changes.push(whole(root.clone(), kind, Direction::Receive, unstable));
        }
        let node = graph.node(o.data, n.data);
        starts.push(Start {
            root,
            part: Part::Data,
            node,
            unstable,
        });
    }
    for n in new
        .events
        .iter()
        .filter(|n| !old_events.contains_key(n.name.as_str()))
    {
        let unstable = is_unstable(&n.name, &n.features);
        let root = Root::Event(n.name.clone());
        let change = whole(root, ChangeKind::EventAdded, Direction::Receive, unstable);
        changes.push(change.conditional(&n.cond));
    }
}

/// A change to a command or event as a whole.
fn whole(root: Root, kind: ChangeKind, direction: Direction, unstable: bool) -> Change {
    let verdict = rule(&kind, direction);
    Change {
        root,
        part: None,
        path: String::new(),
        kind,
        class: if unstable { Class::Unstable } else { verdict },
        verdict,
        condition: None,
        directions: vec![direction],
        also: Vec::new(),
    }
}

impl Change {
    fn conditional(mut self, cond: &Option<Cond>) -> Change {
        self.condition = cond.as_ref().map(cond_text);
        self
    }
}

fn feature_changes(old: &[WireFeature], new: &[WireFeature]) -> Vec<ChangeKind> {
    let removed =
        old.iter()
            .filter(|o| !has_feature(new, &o.name))
            .map(|o| ChangeKind::FeatureRemoved {
                feature: o.name.clone(),
                value: None,
            });
    let added =
        new.iter()
            .filter(|n| !has_feature(old, &n.name))
            .map(|n| ChangeKind::FeatureAdded {
                feature: n.name.clone(),
                value: None,
            });
    removed.chain(added).collect()
}

fn cond_change(old: &Option<Cond>, new: &Option<Cond>) -> Option<ChangeKind> {
    (old != new).then(|| ChangeKind::ConditionChanged {
        old: old.as_ref().map(cond_text),
        new: new.as_ref().map(cond_text),
        value: None,
    })
}

fn is_unstable_feature(kind: &ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::FeatureAdded { feature, .. } | ChangeKind::FeatureRemoved { feature, .. }
            if feature == "unstable"
    )
}

/// A type's own `unstable` feature coming or going: judged by the path to the type, not by the type.
fn is_type_unstable_change(local: &Local) -> bool {
    local.member.is_none()
        && matches!(&local.kind,
            ChangeKind::FeatureAdded { feature, value: None }
            | ChangeKind::FeatureRemoved { feature, value: None } if feature == "unstable")
}

/// Bits of [`Usage::bits`]: reached in a direction, through the stable API or not.
fn bit(direction: Direction, stable: bool) -> u8 {
    match (direction, stable) {
        (Direction::Send, false) => 1,
        (Direction::Send, true) => 2,
        (Direction::Receive, false) => 4,
        (Direction::Receive, true) => 8,
    }
}

fn directions(bits: u8) -> Vec<Direction> {
    [Direction::Send, Direction::Receive]
        .into_iter()
        .filter(|&d| bits & (bit(d, false) | bit(d, true)) != 0)
        .collect()
}

/// The class, the verdict (see [`Change::verdict`]) and the direction that decides them: the worst rule over the
/// directions the change travels in through the stable API (the earlier-listed start wins a tie); with none,
/// `Unstable`, the verdict taken over all directions.
fn classify(
    kind: &ChangeKind,
    usage: &Usage,
    target_unstable: bool,
) -> Option<(Class, Class, Direction)> {
    let best = |stable_only: bool| {
        [Direction::Send, Direction::Receive]
            .into_iter()
            .filter(|&d| {
                let mask = if stable_only {
                    bit(d, true)
                } else {
                    bit(d, true) | bit(d, false)
                };
                usage.bits & mask != 0
            })
            .max_by_key(|&d| {
                let first = usage.owner[d as usize].as_ref().map_or(usize::MAX, |o| o.0);
                (rule(kind, d), std::cmp::Reverse(first))
            })
    };
    match best(true).filter(|_| !target_unstable) {
        Some(d) => Some((rule(kind, d), rule(kind, d), d)),
        None => best(false).map(|d| (Class::Unstable, rule(kind, d), d)),
    }
}

/// How the starts reach a node.
#[derive(Clone, Default)]
struct Usage {
    bits: u8,
    /// The first start to reach the node in each direction (indexed by `Direction as usize`), and its path.
    owner: [Option<(usize, String)>; 2],
    /// Every start that reaches it.
    starts: Vec<usize>,
}

/// Walk the graph from every start (breadth first, so that paths are shortest), noting which starts reach each
/// node, in which direction, and whether through the stable API.
fn usage(graph: &Graph, starts: &[Start]) -> Vec<Usage> {
    let n = graph.nodes.len();
    let mut usage = vec![Usage::default(); n];
    let mut stamp = vec![usize::MAX; n];
    let mut state = vec![0u8; n];
    let mut parent: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut queue = VecDeque::new();
    for (s, start) in starts.iter().enumerate() {
        let direction = start.part.direction();
        let mut visit = |node: usize,
                         stable: bool,
                         from: Option<(usize, usize)>,
                         queue: &mut VecDeque<(usize, bool)>| {
            if stamp[node] != s {
                stamp[node] = s;
                state[node] = 0;
                parent[node] = from;
                usage[node].starts.push(s);
                let owner = &mut usage[node].owner[direction as usize];
                if owner.is_none() {
                    *owner = Some((s, path_to(graph, &parent, node)));
                }
            }
            // A stable visit covers an unstable one.
            let seen = state[node];
            if seen & 2 != 0 || (!stable && seen & 1 != 0) {
                return;
            }
            state[node] |= if stable { 2 } else { 1 };
            usage[node].bits |= bit(direction, stable);
            queue.push_back((node, stable));
        };
        visit(start.node, !start.unstable, None, &mut queue);
        while let Some((node, stable)) = queue.pop_front() {
            let here = &graph.nodes[node];
            for (i, edge) in here.edges.iter().enumerate() {
                let stable = stable && !edge.unstable && !here.unstable;
                visit(edge.to, stable, Some((node, i)), &mut queue);
            }
        }
    }
    usage
}

fn path_to(graph: &Graph, parent: &[Option<(usize, usize)>], node: usize) -> String {
    let mut segments = Vec::new();
    let mut at = node;
    // A parent chain is a tree path: it ends at the start, at most one step per node.
    while let Some((p, edge)) = parent[at] {
        segments.push(&graph.nodes[p].edges[edge].segment);
        at = p;
        if segments.len() > graph.nodes.len() {
            break;
        }
    }
    let mut path = String::new();
    for segment in segments.iter().rev() {
        segment.write(&mut path);
    }
    path
}

/// Named user types met at the same place under different names, one to one, neither name surviving on the
/// other side: renames.
fn renames(graph: &Graph, usage: &[Usage], changes: &mut Vec<Change>) {
    if graph.old.origin != Origin::Schema || graph.new.origin != Origin::Schema {
        return;
    }
    let name = |t: &'_ WireType| -> Option<String> {
        match (&t.name, t.implicit, &t.kind) {
            (Some(n), false, WireKind::Enum(_) | WireKind::Object(_) | WireKind::Alternate(_)) => {
                Some(n.clone())
            }
            _ => None,
        }
    };
    let mut forward: HashMap<String, HashSet<String>> = HashMap::new();
    let mut backward: HashMap<String, HashSet<String>> = HashMap::new();
    let mut stable: HashMap<(String, String), bool> = HashMap::new();
    for (n, node) in graph.nodes.iter().enumerate() {
        let (Some(a), Some(b)) = (name(graph.old.get(node.old)), name(graph.new.get(node.new)))
        else {
            continue;
        };
        let reached_stably =
            usage[n].bits & (bit(Direction::Send, true) | bit(Direction::Receive, true)) != 0;
        *stable.entry((a.clone(), b.clone())).or_default() |= reached_stably;
        forward.entry(a.clone()).or_default().insert(b.clone());
        backward.entry(b).or_default().insert(a);
    }
    let old_names: HashSet<&str> = graph.old.named_types().collect();
    let new_names: HashSet<&str> = graph.new.named_types().collect();
    let mut found: Vec<(String, String)> = forward
        .iter()
        .filter(|(a, bs)| bs.len() == 1 && !new_names.contains(a.as_str()))
        .filter_map(|(a, bs)| bs.iter().next().map(|b| (a.clone(), b.clone())))
        .filter(|(a, b)| a != b && !old_names.contains(b.as_str()))
        .filter(|(_, b)| backward.get(b).is_some_and(|as_| as_.len() == 1))
        .collect();
    found.sort();
    for (a, b) in found {
        let class = if stable
            .get(&(a.clone(), b.clone()))
            .copied()
            .unwrap_or(false)
        {
            Class::Compatible
        } else {
            Class::Unstable
        };
        changes.push(Change {
            root: Root::Type(b.clone()),
            part: None,
            path: String::new(),
            kind: ChangeKind::TypeRenamed { old: a, new: b },
            class,
            verdict: Class::Compatible,
            condition: None,
            directions: Vec::new(),
            also: Vec::new(),
        });
    }
}
