//! The expansion: load the schema with `qapi-schema`, generate with `qapi-gen` (the very code `qapi-gen` and
//! the build.rs builder run), and add what makes Cargo rebuild the caller when a schema file changes.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use proc_macro2::TokenStream;
use qapi_gen::Api;
use qapi_schema::{Mode, Schema};
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
    // A bug in the front end or the generator must not end in a bare "proc macro panicked".
    let generated = catch_panic(|| generate(&args, &resolved));
    let generated = match generated {
        Ok(Ok(generated)) => generated,
        Ok(Err(err)) => return err.to_compile_error(),
        Err(what) => return internal_error(&args, &what),
    };
    // One hand-over of the whole text to the compiler's lexer, instead of a bridge call per token.
    let items: TokenStream = match generated.text.parse() {
        Ok(items) => items,
        Err(err) => return internal_error(&args, &format!("generated code does not lex: {err}")),
    };
    let tracking = tracking(&generated.files, &resolved.env_vars);
    quote! {
        #tracking
        #items
    }
}

/// Runs `f`, turning a panic into its message.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned())
    })
}

fn internal_error(args: &Args, what: &str) -> TokenStream {
    syn::Error::new(
        args.path.span(),
        format!("include_qapi!: internal error (a qapi-rs bug, please report it): {what}"),
    )
    .to_compile_error()
}

/// The generated code as text, and the files read.
struct Generated {
    text: String,
    files: Vec<String>,
}

/// Loads and generates: the generator writes text, which reaches the compiler through its lexer in one call
/// (errors keep the compiler spans of the macro input).
fn generate(args: &Args, resolved: &Resolved) -> syn::Result<Generated> {
    let parser_options = qapi_schema::Options {
        mode: if args.strict {
            Mode::Strict
        } else {
            Mode::Tolerant
        },
    };
    let schema = qapi_schema::load(&resolved.path, &parser_options).map_err(|err| {
        // The plain rendering: what `qapi-gen check` prints when not on a terminal, QEMU's text.
        syn::Error::new(args.path.span(), resolved.display(&err.to_string()))
    })?;
    let api = Api::from_schema(&schema);
    let mut options = args.options.clone();
    options.only_modules = args.modules.iter().map(|lit| lit.value()).collect();
    // The generator's own entry, as for `qapi-gen` and build.rs: an unknown module is an error at its name.
    let text = qapi_gen::generate(&api, &options).map_err(|err| {
        let span = match &err {
            qapi_gen::Error::UnknownModule { name, .. } => args
                .modules
                .iter()
                .find(|lit| lit.value() == *name)
                .map_or(args.path.span(), |lit| lit.span()),
            _ => args.path.span(),
        };
        syn::Error::new(span, err.to_string())
    })?;
    Ok(Generated {
        text,
        files: files_read(&schema),
    })
}

/// Every schema file read, by absolute path (`include_bytes!` reads a relative path from the calling file).
fn files_read(schema: &Schema) -> Vec<String> {
    let cwd = std::env::current_dir().unwrap_or_default();
    schema
        .sources()
        .files()
        .filter_map(|(_, file)| cwd.join(&file.path).to_str().map(str::to_owned))
        .collect()
}

/// One `include_bytes!` per file read and one `env!` per variable in the path: the compiler records them as the
/// crate's inputs, so Cargo rebuilds the caller when any changes. (Stable Rust has no other way for a proc macro
/// to declare its inputs; the bytes are in an unused constant and never reach the binary.)
fn tracking(files: &[String], vars: &[String]) -> TokenStream {
    quote! {
        #(const _: &[u8] = ::core::include_bytes!(#files);)*
        #(const _: &str = ::core::env!(#vars);)*
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(catch_panic(|| 1), Ok(1));
        assert_eq!(
            catch_panic(|| panic!("boom")),
            Err::<(), _>("boom".to_owned())
        );
        let n = 3;
        assert_eq!(
            catch_panic(|| panic!("n = {n}")),
            Err::<(), _>("n = 3".to_owned())
        );
        let args: Args = syn::parse_str(r#""a.json""#).unwrap();
        let err = internal_error(&args, "boom").to_string();
        assert!(
            err.contains("internal error (a qapi-rs bug, please report it): boom"),
            "{err}"
        );
    }
}
