//! Assembly: one Rust module per schema module, items in definition order, the root with glob re-exports, the
//! `Commands` trait and `AnyEvent`; optionally each module behind a cargo feature.
//!
//! Cargo rejects cyclic features, and schema modules use each other in cycles (`block-core` and `job`), so the
//! features themselves have no dependencies: instead module X compiles when any feature that needs X (directly
//! or not) is on, `#[cfg(any(feature = "x", feature = "a", ...))]`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Args, Kind, TypeExpr};
use crate::names;
use crate::rust_types::Context;
use crate::{alternates, commands, enums, events, structs, unions};

/// The generated code, split by schema module.
pub struct Output {
    pub modules: Vec<ModuleOutput>,
    /// Root items: re-exports, `Commands`, `AnyEvent`.
    pub root: TokenStream,
}

pub struct ModuleOutput {
    /// Rust module name (`block_core`).
    pub name: String,
    /// Cargo feature (`block-core`); `None` for the built-in module, always compiled.
    pub feature: Option<String>,
    /// The module's items.
    pub items: TokenStream,
    /// `#[cfg(...)]` gating the module, empty without module features.
    pub gate: TokenStream,
    /// `//!` docs of the module.
    pub docs: TokenStream,
}

impl ModuleOutput {
    /// `#gate pub mod name { docs, items }`, moving the items (quote! would copy every token).
    pub fn into_inline(self) -> TokenStream {
        let ident = format_ident!("{}", self.name);
        let mut body = self.docs;
        body.extend(quote!(#![allow(deprecated)]));
        body.extend(self.items);
        let mut out = self.gate;
        out.extend(quote!(pub mod #ident));
        out.extend([proc_macro2::TokenTree::Group(proc_macro2::Group::new(
            proc_macro2::Delimiter::Brace,
            body,
        ))]);
        out
    }
}

/// Emits one definition.
fn definition(ctx: &Context, i: usize) -> TokenStream {
    match ctx.api.definitions[i].kind {
        Kind::Enum(_) => enums::emit(ctx, i),
        Kind::Struct(_) => structs::emit(ctx, i),
        Kind::Union(_) => unions::emit(ctx, i),
        Kind::SimpleUnion(_) => unions::emit_simple(ctx, i),
        Kind::Alternate(_) => alternates::emit(ctx, i),
        Kind::Command(_) => commands::emit(ctx, i),
        Kind::Event(_) => events::emit(ctx, i),
    }
}

/// The names of the types definition `i` refers to.
fn references<'a>(ctx: &Context<'a>, i: usize) -> Vec<&'a str> {
    fn walk<'a>(ty: &'a TypeExpr, out: &mut Vec<&'a str>) {
        match ty {
            TypeExpr::Named(n) => out.push(n),
            TypeExpr::Array(inner) => walk(inner, out),
            TypeExpr::Builtin(_) => {}
        }
    }
    let mut out = Vec::new();
    fn args<'a>(a: &'a Args, out: &mut Vec<&'a str>) {
        match a {
            Args::None => {}
            Args::Inline(members) => members.iter().for_each(|m| walk(&m.ty, out)),
            Args::Named(n) => out.push(n),
        }
    }
    match &ctx.api.definitions[i].kind {
        Kind::Enum(_) => {}
        Kind::Struct(s) => {
            s.members.iter().for_each(|m| walk(&m.ty, &mut out));
            out.extend(s.base.as_deref());
        }
        Kind::Union(u) => {
            u.members.iter().for_each(|m| walk(&m.ty, &mut out));
            out.extend(u.base.as_deref());
            out.push(&u.tag_enum);
            out.extend(u.branches.iter().filter_map(|b| b.ty.as_deref()));
        }
        Kind::SimpleUnion(b) | Kind::Alternate(b) => b.iter().for_each(|b| walk(&b.ty, &mut out)),
        Kind::Command(c) => {
            args(&c.args, &mut out);
            if let Some(r) = &c.returns {
                walk(r, &mut out);
            }
        }
        Kind::Event(e) => args(&e.data, &mut out),
    }
    out
}

/// For each module, the modules it needs, transitively (itself excluded).
fn module_closure(ctx: &Context) -> Vec<BTreeSet<usize>> {
    let n = ctx.api.modules.len();
    let mut direct = vec![BTreeSet::new(); n];
    for (i, d) in ctx.api.definitions.iter().enumerate() {
        for r in references(ctx, i) {
            if let Some(j) = ctx.names.index(r) {
                let m = ctx.api.definitions[j].module;
                if m != d.module {
                    direct[d.module].insert(m);
                }
            }
        }
    }
    (0..n)
        .map(|start| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![start];
            while let Some(m) = stack.pop() {
                for &next in &direct[m] {
                    if next != start && seen.insert(next) {
                        stack.push(next);
                    }
                }
            }
            seen
        })
        .collect()
}

fn is_builtin(path: &str) -> bool {
    path == "./builtin"
}

/// What generation decided before emitting: which modules it keeps, which have items, and what each needs.
struct Plan {
    closure: Vec<BTreeSet<usize>>,
    keep: Vec<bool>,
    has_items: Vec<bool>,
    /// Module index → its definitions, in definition order.
    definitions: Vec<Vec<usize>>,
}

impl Plan {
    fn new(ctx: &Context) -> Plan {
        let api = ctx.api;
        let closure = module_closure(ctx);
        // Modules kept under `only_modules`: the named ones and what they need.
        let keep: Vec<bool> = if ctx.options.only_modules.is_empty() {
            vec![true; api.modules.len()]
        } else {
            let mut keep = vec![false; api.modules.len()];
            for (m, name) in ctx.names.modules.iter().enumerate() {
                if ctx
                    .options
                    .only_modules
                    .iter()
                    .any(|o| o == name || names::feature_name(name) == *o)
                {
                    keep[m] = true;
                    closure[m].iter().for_each(|&d| keep[d] = true);
                }
            }
            for (m, module) in api.modules.iter().enumerate() {
                keep[m] |= is_builtin(&module.path);
            }
            keep
        };
        let mut definitions = vec![Vec::new(); api.modules.len()];
        for (i, d) in api.definitions.iter().enumerate() {
            if keep[d.module] {
                definitions[d.module].push(i);
            }
        }
        let has_items = definitions.iter().map(|d| !d.is_empty()).collect();
        Plan {
            closure,
            keep,
            has_items,
            definitions,
        }
    }

    /// The `#[cfg(...)]` of module `m`.
    fn gate(&self, ctx: &Context, m: usize) -> TokenStream {
        if !ctx.options.module_features || is_builtin(&ctx.api.modules[m].path) {
            return TokenStream::new();
        }
        let mut features = vec![names::feature_name(&ctx.names.modules[m])];
        for (other, needs) in self.closure.iter().enumerate() {
            if needs.contains(&m) && self.has_items[other] {
                features.push(names::feature_name(&ctx.names.modules[other]));
            }
        }
        if features.len() == 1 {
            let f = &features[0];
            quote!(#[cfg(feature = #f)])
        } else {
            quote!(#[cfg(any(#(feature = #features),*))])
        }
    }

    /// Module `m` with its items.
    fn module(&self, ctx: &Context, m: usize) -> ModuleOutput {
        let module = &ctx.api.modules[m];
        let name = ctx.names.modules[m].clone();
        let mut items = quote!(
            use ::qapi_runtime::rt;
        );
        for &i in &self.definitions[m] {
            items.extend(definition(ctx, i));
        }
        let title = match &module.title {
            Some(title) => format!(" {title}"),
            None => format!(" Schema module `{}`.", module.path),
        };
        ModuleOutput {
            feature: (!is_builtin(&module.path)).then(|| names::feature_name(&name)),
            name,
            items,
            gate: self.gate(ctx, m),
            docs: quote!(#![doc = #title]),
        }
    }

    /// Root items: re-exports, `Commands`, `AnyEvent`.
    fn root(&self, ctx: &Context) -> TokenStream {
        let api = ctx.api;
        let gates: Vec<TokenStream> = (0..api.modules.len()).map(|m| self.gate(ctx, m)).collect();
        let reexports = (0..api.modules.len())
            .filter(|&m| self.has_items[m])
            .map(|m| {
                let g = &gates[m];
                let ident = format_ident!("{}", ctx.names.modules[m]);
                quote!(#g pub use self::#ident::*;)
            });
        let reexports: TokenStream = reexports.collect();
        let module_of = |i: usize| api.definitions[i].module;
        let def_gate = |i: usize| self.keep[module_of(i)].then(|| gates[module_of(i)].clone());
        let commands = commands::trait_items(ctx, &def_gate);
        let any_event = events::any_event(ctx, &def_gate);
        quote! {
            #reexports
            #commands
            #any_event
        }
    }
}

/// Generates everything.
pub fn assemble(ctx: &Context) -> Output {
    let plan = Plan::new(ctx);
    let modules = (0..ctx.api.modules.len())
        .filter(|&m| plan.has_items[m])
        .map(|m| plan.module(ctx, m))
        .collect();
    Output {
        modules,
        root: plan.root(ctx),
    }
}

/// How many threads emit and format modules: the machine's, at most 4 (more gains little on ~40 modules).
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// A module handed to [`assemble_map`]'s function, with what the root needs of it.
pub struct Mapped<T> {
    pub name: String,
    pub gate: TokenStream,
    pub value: T,
}

/// Generates everything like [`assemble`], but hands each module to `map` as soon as it is emitted, on up to
/// `threads` threads: emitting and formatting the modules are independent, and tokens cannot cross threads, so
/// each module is emitted on the thread that maps it. Modules keep their order; gives them and the root.
pub fn assemble_map<T: Send>(
    ctx: &Context,
    threads: usize,
    map: impl Fn(ModuleOutput) -> T + Sync,
) -> (Vec<Mapped<T>>, TokenStream) {
    let plan = Plan::new(ctx);
    let mut order: Vec<usize> = (0..ctx.api.modules.len())
        .filter(|&m| plan.has_items[m])
        .collect();
    // Largest first, so that no thread is left with a big module at the end.
    order.sort_by_key(|&m| std::cmp::Reverse(plan.definitions[m].len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&m) = order.get(k) else { break };
            done.push((m, map(plan.module(ctx, m))));
        }
        done
    };
    let mut values: Vec<(usize, T)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.clamp(1, order.len().max(1)))
            .map(|_| scope.spawn(work))
            .collect();
        let mut values = work();
        for helper in helpers {
            match helper.join() {
                Ok(v) => values.extend(v),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        values
    });
    values.sort_by_key(|(m, _)| *m);
    let mapped = values
        .into_iter()
        .map(|(m, value)| Mapped {
            name: ctx.names.modules[m].clone(),
            gate: plan.gate(ctx, m),
            value,
        })
        .collect();
    (mapped, plan.root(ctx))
}

/// The cargo features of the modules generation emits (every module with definitions but the built-in one).
pub fn module_features(api: &crate::ir::Api, options: &crate::Options) -> Vec<String> {
    let names = crate::names::Names::new(api);
    let mut used = vec![false; api.modules.len()];
    api.definitions.iter().for_each(|d| used[d.module] = true);
    let only = &options.only_modules;
    api.modules
        .iter()
        .enumerate()
        .filter(|(m, module)| used[*m] && !is_builtin(&module.path))
        .map(|(m, _)| names.modules[m].clone())
        .filter(|n| only.is_empty() || only.iter().any(|o| o == n || *o == names::feature_name(n)))
        .map(|n| names::feature_name(&n))
        .collect()
}

impl Output {
    /// Everything as one token stream, modules inline: for `include!` and the macro.
    pub fn into_single(self) -> TokenStream {
        let mut out = TokenStream::new();
        for m in self.modules {
            out.extend(m.into_inline());
        }
        out.extend(self.root);
        out
    }
}
