//! Assembly: one Rust module per schema module, items in definition order, the root with glob re-exports, the
//! `Commands` trait and `AnyEvent`; optionally each module behind a cargo feature.
//!
//! Each module's feature enables the features of the modules it uses directly ([`module_features`], written into
//! the manifest), so one `#[cfg(feature = "x")]` per item is all the code says and `cargo tree -e features`
//! shows why a module is built. Schema modules use each other in cycles (`block-core` and `job`); Cargo accepts
//! cyclic features.

use std::collections::BTreeSet;

use crate::code::{self, cat, Code};
use crate::context::Context;
use crate::ir::{Args, Kind, TypeExpr};
use crate::names;
use crate::{alternates, commands, conversions, enums, events, structs, unions};

/// The generated code, split by schema module.
#[cfg(test)]
pub(crate) struct Output {
    pub modules: Vec<ModuleOutput>,
    /// Root items: re-exports, `Commands`, `AnyEvent`.
    pub root: String,
}

pub(crate) struct ModuleOutput {
    /// Rust module name (`block_core`).
    pub name: String,
    /// The module's contents: `//!` docs, inner attributes, items, indented for the depth it was made for.
    pub body: String,
    /// `#[cfg(...)]` gating the module, empty without module features.
    pub gate: String,
}

impl ModuleOutput {
    /// `#gate pub mod name { body }`, for a body made one block deep.
    pub(crate) fn into_inline(self) -> String {
        let mut out =
            String::with_capacity(self.body.len() + self.gate.len() + self.name.len() + 16);
        if !self.gate.is_empty() {
            out.push_str(&self.gate);
            out.push('\n');
        }
        out.push_str("pub mod ");
        out.push_str(&self.name);
        out.push_str(" {\n");
        out.push_str(&self.body);
        out.push_str("}\n");
        out
    }
}

/// How a root item for a definition (a `Commands` method, an `AnyEvent` variant) is gated by its module.
pub struct Gate {
    /// `#[cfg(...)]`, empty without module features.
    pub cfg: String,
    /// `#[cfg_attr(docsrs, doc(cfg(...)))]`, for items only (not match arms).
    pub doc: String,
    /// The cargo feature that turns the item on.
    pub feature: Option<String>,
    /// The predicate of `cfg`, empty without module features.
    pub pred: String,
}

/// Emits one definition.
fn definition(ctx: &Context, i: usize, code: &mut Code) {
    match ctx.api.definitions[i].kind {
        Kind::Enum(_) => enums::emit(ctx, i, code),
        Kind::Struct(_) => structs::emit(ctx, i, code),
        Kind::Union(_) => unions::emit(ctx, i, code),
        Kind::SimpleUnion(_) => unions::emit_simple(ctx, i, code),
        Kind::Alternate(_) => alternates::emit(ctx, i, code),
        Kind::Command(_) => commands::emit(ctx, i, code),
        Kind::Event(_) => events::emit(ctx, i, code),
    }
    conversions::emit(ctx, i, code);
}

/// The names of the types definition `i` refers to.
fn references<'a>(ctx: &Context<'a>, i: usize) -> Vec<&'a str> {
    fn walk<'a>(ty: &'a TypeExpr, out: &mut Vec<&'a str>) {
        match ty {
            TypeExpr::Named(n) => out.push(n),
            TypeExpr::Array(inner) => walk(inner, out),
            TypeExpr::Builtin(_) | TypeExpr::Empty => {}
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

/// For each module, the modules its definitions refer to (itself excluded).
fn module_needs(ctx: &Context) -> Vec<BTreeSet<usize>> {
    let mut direct = vec![BTreeSet::new(); ctx.api.modules.len()];
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
    direct
}

/// The modules `start` needs, transitively (itself excluded).
fn closure(needs: &[BTreeSet<usize>], start: usize) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(m) = stack.pop() {
        for &next in &needs[m] {
            if next != start && seen.insert(next) {
                stack.push(next);
            }
        }
    }
    seen
}

/// Two attribute lines, either possibly empty.
fn join_lines(a: &str, b: &str) -> String {
    crate::unions::join_attrs(&[a, b])
}

fn is_builtin(path: &str) -> bool {
    path == "./builtin"
}

/// What generation decided before emitting: which modules it keeps, which have items, and what each needs.
struct Plan {
    /// The modules each module's definitions refer to.
    needs: Vec<BTreeSet<usize>>,
    keep: Vec<bool>,
    has_items: Vec<bool>,
    /// Module index → its definitions, in definition order.
    definitions: Vec<Vec<usize>>,
}

impl Plan {
    fn new(ctx: &Context) -> Plan {
        let api = ctx.api;
        let needs = module_needs(ctx);
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
                    closure(&needs, m).into_iter().for_each(|d| keep[d] = true);
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
            needs,
            keep,
            has_items,
            definitions,
        }
    }

    /// The `#[cfg(...)]` of module `m`.
    fn gate(&self, ctx: &Context, m: usize) -> String {
        if !ctx.options.module_features || is_builtin(&ctx.api.modules[m].path) {
            return String::new();
        }
        cat!(
            "#[cfg(feature = ",
            code::string(&names::feature_name(&ctx.names.modules[m])),
            ")]"
        )
    }

    /// Whether module `m` gets a feature: it is kept, has items, and is not the built-in module.
    fn has_feature(&self, ctx: &Context, m: usize) -> bool {
        self.keep[m] && self.has_items[m] && !is_builtin(&ctx.api.modules[m].path)
    }

    /// `#[cfg_attr(docsrs, doc(cfg(feature = "x")))]` for the items of module `m`: the module's own feature,
    /// which is what a user turns on to get them (the other features of [`Plan::gate`] only pull it in).
    fn doc_cfg(&self, ctx: &Context, m: usize) -> String {
        match self.feature(ctx, m) {
            Some(f) => cat!(
                "#[cfg_attr(docsrs, doc(cfg(feature = ",
                code::string(&f),
                ")))]"
            ),
            None => String::new(),
        }
    }

    /// The cargo feature of module `m`, when modules are gated.
    fn feature(&self, ctx: &Context, m: usize) -> Option<String> {
        (ctx.options.module_features && !is_builtin(&ctx.api.modules[m].path))
            .then(|| names::feature_name(&ctx.names.modules[m]))
    }

    /// Module `m` with its items, written `depth` blocks deep.
    fn module(&self, ctx: &Context, m: usize, depth: usize) -> ModuleOutput {
        let module = &ctx.api.modules[m];
        let name = ctx.names.modules[m].clone();
        // About 3 kB of text per definition (measured on QEMU's schema), so that the text rarely grows.
        let mut code = Code::with_capacity(depth, 3072 * self.definitions[m].len() + 128);
        match &module.title {
            Some(title) => code.line(cat!("//! ", title).trim_end()),
            None => code.line_of(&["//! Schema module `", &module.path, "`."]),
        }
        code.line("#![allow(deprecated)]");
        code.line("use ::qapi_runtime::rt;");
        for &i in &self.definitions[m] {
            definition(ctx, i, &mut code);
        }
        ModuleOutput {
            name,
            body: code.into_string(),
            gate: join_lines(&self.gate(ctx, m), &self.doc_cfg(ctx, m)),
        }
    }

    /// Root items: re-exports, `Commands`, `AnyEvent`.
    fn root(&self, ctx: &Context) -> String {
        let api = ctx.api;
        let gates: Vec<String> = (0..api.modules.len()).map(|m| self.gate(ctx, m)).collect();
        let mut code = Code::new();
        for m in (0..api.modules.len()).filter(|&m| self.has_items[m]) {
            code.attrs(&gates[m]);
            code.attrs(&self.doc_cfg(ctx, m));
            // Unused where the bindings sit in a private module of a binary (`mod qmp { include!(..) }`).
            code.line("#[allow(unused_imports)]");
            code.line_of(&["pub use self::", &ctx.names.modules[m], "::*;"]);
        }
        // Fails to compile, naming both versions, when the `qapi-runtime` in use is not one this code was
        // generated for.
        code.line_of(&[
            "::qapi_runtime::__private::require_runtime!(\"",
            &crate::package::runtime_version(),
            "\");",
        ]);
        code.line(
            "/// The codec's entry points, for every type of these bindings (and `Vec`s of them).",
        );
        code.line("#[allow(unused_imports)]");
        code.line(
            "pub use ::qapi_runtime::{from_slice, from_str, to_string, to_vec, DecodeError};",
        );
        let module_of = |i: usize| api.definitions[i].module;
        let def_gate = |i: usize| {
            let m = module_of(i);
            self.keep[m].then(|| Gate {
                cfg: gates[m].clone(),
                doc: self.doc_cfg(ctx, m),
                feature: self.feature(ctx, m),
                pred: gates[m]
                    .strip_prefix("#[cfg(")
                    .and_then(|g| g.strip_suffix(")]"))
                    .unwrap_or("")
                    .to_string(),
            })
        };
        commands::trait_items(ctx, &mut code, &def_gate);
        events::any_event(ctx, &mut code, &def_gate);
        code.into_string()
    }
}

/// Generates everything, the modules made to be inlined ([`ModuleOutput::into_inline`]).
#[cfg(test)]
pub(crate) fn assemble(ctx: &Context) -> Output {
    let plan = Plan::new(ctx);
    let modules = (0..ctx.api.modules.len())
        .filter(|&m| plan.has_items[m])
        .map(|m| plan.module(ctx, m, 1))
        .collect();
    Output {
        modules,
        root: plan.root(ctx),
    }
}

/// How many threads emit and format modules: the machine's, at most 4 (more gains little on ~40 modules).
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// A module handed to [`assemble_map`]'s function, with what the root needs of it.
pub(crate) struct Mapped<T> {
    pub name: String,
    pub gate: String,
    pub value: T,
}

/// Generates everything like [`assemble`], but hands each module to `map` as soon as it is emitted, on up to
/// `threads` threads, the modules written `depth` blocks deep (0 for a file of its own, 1 to inline). Modules
/// keep their order; gives them and the root.
pub(crate) fn assemble_map<T: Send>(
    ctx: &Context,
    threads: usize,
    depth: usize,
    map: impl Fn(ModuleOutput) -> T + Sync,
) -> (Vec<Mapped<T>>, String) {
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
            done.push((m, map(plan.module(ctx, m, depth))));
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
            gate: join_lines(&plan.gate(ctx, m), &plan.doc_cfg(ctx, m)),
            value,
        })
        .collect();
    (mapped, plan.root(ctx))
}

/// The cargo feature of each module generation emits (every module with definitions but the built-in one), with
/// the features of the modules it uses directly: `("block-core", ["job", ...])`, for the manifest.
pub(crate) fn module_features(ctx: &Context) -> Vec<(String, Vec<String>)> {
    let plan = Plan::new(ctx);
    let feature = |m: usize| names::feature_name(&ctx.names.modules[m]);
    (0..ctx.api.modules.len())
        .filter(|&m| plan.has_feature(ctx, m))
        .map(|m| {
            let needs = plan.needs[m]
                .iter()
                .filter(|&&n| plan.has_feature(ctx, n))
                .map(|&n| feature(n))
                .collect();
            (feature(m), needs)
        })
        .collect()
}

#[cfg(test)]
impl Output {
    /// Everything as one text, modules inline: for `include!` and the macro.
    #[cfg(test)]
    pub(crate) fn into_single(self) -> String {
        let mut out = String::new();
        for m in self.modules {
            out.push_str(&m.into_inline());
        }
        out.push_str(&self.root);
        out
    }
}

/// The whole schema as one file after [`crate::HEADER`], modules inline, emitted a module at a time on several
/// threads (the text of [`assemble`]'s `into_single`).
pub(crate) fn single_file(ctx: &Context) -> String {
    let (modules, root) = assemble_map(ctx, threads(), 1, ModuleOutput::into_inline);
    let len = modules.iter().map(|m| m.value.len()).sum::<usize>() + root.len();
    let mut text = String::with_capacity(crate::HEADER.len() + len);
    text.push_str(crate::HEADER);
    for m in modules {
        text.push_str(&m.value);
    }
    text.push_str(&root);
    text
}
