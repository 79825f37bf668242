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

/// Generates everything.
pub fn assemble(ctx: &Context) -> Output {
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
    let mut items = vec![TokenStream::new(); api.modules.len()];
    let mut has_items = vec![false; api.modules.len()];
    for i in 0..api.definitions.len() {
        let m = api.definitions[i].module;
        if keep[m] {
            items[m].extend(definition(ctx, i));
            has_items[m] = true;
        }
    }
    let gate = |m: usize| -> TokenStream {
        if !ctx.options.module_features || is_builtin(&api.modules[m].path) {
            return TokenStream::new();
        }
        let mut features = vec![names::feature_name(&ctx.names.modules[m])];
        for (other, needs) in closure.iter().enumerate() {
            if needs.contains(&m) && has_items[other] {
                features.push(names::feature_name(&ctx.names.modules[other]));
            }
        }
        if features.len() == 1 {
            let f = &features[0];
            quote!(#[cfg(feature = #f)])
        } else {
            quote!(#[cfg(any(#(feature = #features),*))])
        }
    };
    let mut modules = Vec::new();
    let mut reexports = Vec::new();
    for (m, module) in api.modules.iter().enumerate() {
        if !has_items[m] {
            continue;
        }
        let name = ctx.names.modules[m].clone();
        let ident = format_ident!("{}", name);
        let g = gate(m);
        reexports.push(quote!(#g pub use self::#ident::*;));
        let title = module
            .title
            .clone()
            .unwrap_or_else(|| format!("Schema module `{}`.", module.path));
        let title = format!(" {title}");
        modules.push(ModuleOutput {
            feature: (!is_builtin(&module.path)).then(|| names::feature_name(&name)),
            name,
            items: {
                let items = std::mem::take(&mut items[m]);
                quote!(use ::qapi_runtime::rt; #items)
            },
            gate: g,
            docs: quote!(#![doc = #title]),
        });
    }
    let def_gate = |i: usize| gate(api.definitions[i].module);
    let kept = |i: usize| keep[api.definitions[i].module];
    let commands = commands::trait_items(ctx, &|i| kept(i).then(|| def_gate(i)));
    let any_event = events::any_event(ctx, &|i| kept(i).then(|| def_gate(i)));
    let root = quote! {
        #(#reexports)*
        #commands
        #any_event
    };
    Output { modules, root }
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
            let ident = format_ident!("{}", m.name);
            let (gate, docs, items) = (m.gate, m.docs, m.items);
            out.extend(quote! {
                #gate
                pub mod #ident {
                    #docs
                    #![allow(deprecated)]
                    #items
                }
            });
        }
        out.extend(self.root);
        out
    }
}
