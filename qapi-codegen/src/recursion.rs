//! Which members and branches hold their value in a `Box`: a pass over the whole schema, since a type contains
//! itself only through a cycle that may span many definitions (`BlockdevOptions` → `BlockdevOptionsQcow2` →
//! `BlockdevRef` → `BlockdevOptions`).
//!
//! An array gives indirection already, so only by-value edges count. Cycles are broken in rounds, boxing every
//! edge of one kind that lies on a cycle before looking at the next kind: alternate and simple-union branches
//! first (boxing `BlockdevRef::Definition` breaks the block layer's cycles and leaves its many structs alone),
//! then optional members, then required members, then union branches.

use std::collections::HashSet;

use crate::ir::{Api, Kind, TypeExpr};
use crate::names::Names;

/// A member (by index in the definition's member list) or a branch (by index) of a definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Member(usize),
    Branch(usize),
}

/// The boxed slots.
#[derive(Debug, Default)]
pub struct Boxing {
    boxed: HashSet<(usize, Slot)>,
}

impl Boxing {
    pub fn is_boxed(&self, def: usize, slot: Slot) -> bool {
        self.boxed.contains(&(def, slot))
    }

    pub fn new(api: &Api, names: &Names) -> Boxing {
        let edges = edges(api, names);
        let mut boxed = HashSet::new();
        for round in 0..4 {
            let live: Vec<&Edge> = edges
                .iter()
                .filter(|e| !boxed.contains(&(e.from, e.slot)))
                .collect();
            let scc = components(api.definitions.len(), &live);
            for e in &live {
                if e.round == round && scc[e.from] == scc[e.to] {
                    boxed.insert((e.from, e.slot));
                }
            }
        }
        Boxing { boxed }
    }
}

struct Edge {
    from: usize,
    to: usize,
    slot: Slot,
    round: u8,
}

fn named(ty: &TypeExpr) -> Option<&str> {
    match ty {
        TypeExpr::Named(name) => Some(name),
        _ => None,
    }
}

fn edges(api: &Api, names: &Names) -> Vec<Edge> {
    let mut out = Vec::new();
    let mut push = |from: usize, to: Option<&str>, slot: Slot, round: u8| {
        if let Some(to) = to.and_then(|n| names.index(n)) {
            out.push(Edge {
                from,
                to,
                slot,
                round,
            });
        }
    };
    for (i, def) in api.definitions.iter().enumerate() {
        let members = match &def.kind {
            Kind::Struct(s) => &s.members[..],
            Kind::Union(u) => &u.members[..],
            _ => &[],
        };
        for (m, member) in members.iter().enumerate() {
            push(
                i,
                named(&member.ty),
                Slot::Member(m),
                if member.optional { 1 } else { 2 },
            );
        }
        match &def.kind {
            Kind::Union(u) => {
                for (b, branch) in u.branches.iter().enumerate() {
                    push(i, branch.ty.as_deref(), Slot::Branch(b), 3);
                }
            }
            Kind::Alternate(branches) | Kind::SimpleUnion(branches) => {
                for (b, branch) in branches.iter().enumerate() {
                    push(i, named(&branch.ty), Slot::Branch(b), 0);
                }
            }
            _ => {}
        }
    }
    out
}

/// Strongly connected components (Tarjan's algorithm, iterative so that a long chain of definitions cannot
/// overflow the stack). A node with a self-edge is in the same component as itself, which is all callers ask.
fn components(nodes: usize, edges: &[&Edge]) -> Vec<usize> {
    let mut adjacency = vec![Vec::new(); nodes];
    for e in edges {
        adjacency[e.from].push(e.to);
    }
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; nodes];
    let mut low = vec![0; nodes];
    let mut on_stack = vec![false; nodes];
    let mut comp = vec![UNSEEN; nodes];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut ncomp = 0;
    for root in 0..nodes {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position in its adjacency list)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if let Some(&w) = adjacency[v].get(*pos) {
                *pos += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = ncomp;
                    if w == v {
                        break;
                    }
                }
                ncomp += 1;
            }
        }
    }
    comp
}
