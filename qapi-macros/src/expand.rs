//! The expansion: load the schema with `qapi-parser`, generate with `qapi-codegen` (the very code `qapi-gen` and
//! the build.rs builder run), and add what makes Cargo rebuild the caller when a schema file changes.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use proc_macro2::{Span, TokenStream};
use qapi_codegen::ir::Api;
use qapi_codegen::names::{feature_name, Names};
use qapi_parser::{Mode, Schema};
use quote::quote;

use crate::args::Args;
use crate::path::{resolve, Resolved};

/// Expands one macro call. Every failure becomes a `compile_error!` at the call's path literal.
pub fn expand(input: TokenStream) -> TokenStream {
    let args: Args = match syn::parse2(input) {
        Ok(args) => args,
        Err(err) => return err.to_compile_error(),
    };
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR");
    let env = |name: &str| std::env::var(name).ok();
    let resolved = match resolve(
        &args.path.value(),
        manifest_dir.as_deref().map(Path::new),
        &env,
    ) {
        Ok(resolved) => resolved,
        Err(message) => return syn::Error::new(args.path.span(), message).to_compile_error(),
    };
    // A bug in the front end or the generator must not crash the compiler session with a bare panic message.
    match catch_unwind(AssertUnwindSafe(|| expand_resolved(&args, &resolved))) {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(err)) => err.to_compile_error(),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".to_owned());
            syn::Error::new(
                args.path.span(),
                format!("include_qapi!: internal error (a qapi-rs bug, please report it): {what}"),
            )
            .to_compile_error()
        }
    }
}

fn expand_resolved(args: &Args, resolved: &Resolved) -> syn::Result<TokenStream> {
    let parser_options = qapi_parser::Options {
        mode: if args.strict {
            Mode::Strict
        } else {
            Mode::Tolerant
        },
    };
    let schema = qapi_parser::load(&resolved.path, &parser_options).map_err(|err| {
        // The plain rendering: what `qapi-gen check` prints when not on a terminal, QEMU's text.
        syn::Error::new(args.path.span(), resolved.display(&err.to_string()))
    })?;
    let api = Api::from_schema(&schema);
    let mut options = args.options.clone();
    options.only_modules = select_modules(args, &api)?;
    let generated = qapi_codegen::generate_api(&api, &options).into_single();
    let tracking = tracking(&schema, resolved);
    Ok(quote! {
        #tracking
        #generated
    })
}

/// `modules = [...]` checked against the schema: an unknown name is an error at that name, listing the modules.
fn select_modules(args: &Args, api: &Api) -> syn::Result<Vec<String>> {
    if args.modules.is_empty() {
        return Ok(Vec::new());
    }
    let names = Names::new(api);
    let known: Vec<String> = names
        .modules
        .iter()
        .zip(&api.modules)
        .filter(|(_, m)| m.path != "./builtin")
        .map(|(name, _)| feature_name(name))
        .collect();
    let mut selected = Vec::new();
    for lit in &args.modules {
        let wanted = feature_name(&lit.value());
        if !known.contains(&wanted) {
            return Err(syn::Error::new(
                lit.span(),
                format!(
                    "the schema has no module `{}`; its modules are: {}",
                    lit.value(),
                    known.join(", ")
                ),
            ));
        }
        selected.push(wanted);
    }
    Ok(selected)
}

/// One `include_bytes!` per file read and one `env!` per variable in the path: the compiler records them as the
/// crate's inputs, so Cargo rebuilds the caller when any changes. (Stable Rust has no other way for a proc macro
/// to declare its inputs; the bytes are in an unused constant and never reach the binary.)
fn tracking(schema: &Schema, resolved: &Resolved) -> TokenStream {
    // `include_bytes!` reads a relative path from the calling file: give it absolute ones.
    let cwd = std::env::current_dir().unwrap_or_default();
    let files = schema
        .sources()
        .files()
        .filter_map(|(_, file)| cwd.join(&file.path).to_str().map(str::to_owned));
    let vars = &resolved.env_vars;
    let span = Span::call_site();
    let files = files.map(|f| syn::LitStr::new(&f, span));
    quote! {
        #(const _: &[u8] = ::core::include_bytes!(#files);)*
        #(const _: &str = ::core::env!(#vars);)*
    }
}
