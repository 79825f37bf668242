//! The expansion, checked outside the compiler (proc-macro2 runs without one): the same code as the builder
//! writes, every file tracked, errors with `qapi-gen check`'s text. Unit tests run in the crate's directory, so
//! relative schema paths mean here what they mean to the macro.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use crate::expand::expand;

const EVERY: &str = "tests/schemas/every/every.json";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// An expansion taken apart: the files and variables it tracks, and the rest (the generated items).
struct Expansion {
    files: Vec<String>,
    vars: Vec<String>,
    generated: TokenStream,
}

fn split(tokens: TokenStream) -> Expansion {
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as items");
    let mut out = Expansion {
        files: Vec::new(),
        vars: Vec::new(),
        generated: TokenStream::new(),
    };
    for item in file.items {
        if let syn::Item::Const(c) = &item {
            if c.ident == "_" {
                // Generated code's own `const _` (the runtime version check) is generated code.
                let syn::Expr::Macro(m) = &*c.expr else {
                    item.to_tokens(&mut out.generated);
                    continue;
                };
                let arg: syn::LitStr = m.mac.parse_body().unwrap();
                let name = m.mac.path.segments.last().unwrap().ident.to_string();
                match name.as_str() {
                    "include_bytes" => out.files.push(arg.value()),
                    "env" => out.vars.push(arg.value()),
                    other => panic!("unexpected tracking macro {other}"),
                }
                continue;
            }
        }
        item.to_tokens(&mut out.generated);
    }
    out
}

/// The message of a `compile_error!` expansion.
fn compile_error(tokens: TokenStream) -> String {
    let mac: syn::ItemMacro = syn::parse2(tokens.clone())
        .unwrap_or_else(|e| panic!("not a compile_error!: {tokens} ({e})"));
    assert!(mac.mac.path.is_ident("compile_error") || mac.mac.path.segments.len() == 2);
    mac.mac.parse_body::<syn::LitStr>().unwrap().value()
}

/// The tokens of Rust text, as the expansion's items print.
fn tokens_of(text: &str) -> String {
    syn::parse_file(text)
        .expect("the builder's output parses")
        .to_token_stream()
        .to_string()
}

/// What the build.rs builder writes for `schema` with `options`.
fn builder_output(schema: &Path, options: qapi_gen::Options) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = qapi_gen::Config::new()
        .schema(schema)
        .out_dir(dir.path())
        .options(options)
        .cargo_messages(false)
        .generate()
        .unwrap();
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn expansion_is_the_builders_output() {
    let e = split(expand(quote!(#EVERY)));
    let text = builder_output(Path::new(EVERY), qapi_gen::Options::new());
    assert_eq!(e.generated.to_string(), tokens_of(&text));
    assert!(text.contains("pub trait Commands"));
}

#[test]
fn expansion_with_options_is_the_builders_output() {
    let e = split(expand(quote!(
        #EVERY, docs = false, conditions = cfg, modules = ["common"], doc_url = "https://x/{name}"
    )));
    let options = qapi_gen::Options::new()
        .docs(false)
        .conditions(qapi_gen::Conditions::Cfg)
        .only_modules(["common"])
        .doc_url("https://x/{name}");
    let text = builder_output(Path::new(EVERY), options);
    assert_eq!(e.generated.to_string(), tokens_of(&text));
    assert!(text.contains("pub mod common") && !text.contains("pub mod every"));
}

#[test]
fn expansion_of_the_qmp_schema_is_the_builders_output() {
    let Some(schema) = qapi_tests::shared_file("qemu/9.2.4/qapi/qapi-schema.json") else {
        return;
    };
    let literal = schema.to_str().unwrap();
    let e = split(expand(quote!(#literal, docs = false)));
    let loaded = qapi_schema::load(&schema, &qapi_schema::Options::default()).unwrap();
    let read: Vec<String> = loaded
        .sources()
        .files()
        .map(|(_, f)| f.path.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(e.files, read, "every file read is tracked");
    assert!(read.len() > 40);
    let text = builder_output(&schema, qapi_gen::Options::new().docs(false));
    assert_eq!(e.generated.to_string(), tokens_of(&text));
}

#[test]
fn every_file_read_is_tracked_by_absolute_path() {
    let e = split(expand(quote!(#EVERY)));
    let dir = manifest_dir().join("tests/schemas/every");
    let expected: Vec<String> = ["every.json", "common.json"]
        .iter()
        .map(|f| dir.join(f).to_str().unwrap().to_owned())
        .collect();
    assert_eq!(e.files, expected);
    assert!(e.vars.is_empty());
}

#[test]
fn environment_variables_in_the_path_are_tracked() {
    // CARGO_MANIFEST_DIR is set for tests as for the compiler.
    let e = split(expand(quote!(
        "$CARGO_MANIFEST_DIR/tests/schemas/every/every.json"
    )));
    assert_eq!(e.vars, ["CARGO_MANIFEST_DIR"]);
    assert_eq!(e.files.len(), 2);
    let err = compile_error(expand(quote!("$QAPI_MACROS_UNSET_VARIABLE/a.json")));
    assert_eq!(
        err,
        "environment variable `QAPI_MACROS_UNSET_VARIABLE` (used in the schema path) is not set"
    );
}

/// A broken schema gives one `compile_error!` whose text is what `qapi-gen check` prints from this directory.
fn assert_same_error_as_check(path: &str, expected_start: &str) {
    let message = compile_error(expand(quote!(#path)));
    let check = qapi_schema::load(path, &qapi_schema::Options::default())
        .err()
        .unwrap_or_else(|| panic!("{path} loads"))
        .to_string();
    assert_eq!(message, check);
    assert!(
        message.starts_with(expected_start),
        "{message:?} should start with {expected_start:?}"
    );
}

#[test]
fn broken_schemas_are_compile_errors_with_the_checkers_text() {
    let dir = "tests/schemas/broken";
    assert_same_error_as_check(
        &format!("{dir}/syntax.json"),
        "tests/schemas/broken/syntax.json:3:17: expected ':'",
    );
    assert_same_error_as_check(
        &format!("{dir}/unknown-type.json"),
        "tests/schemas/broken/unknown-type.json: In struct 'Point':\n\
         tests/schemas/broken/unknown-type.json:2: member 'y' uses unknown type 'Coordinate'",
    );
    assert_same_error_as_check(
        &format!("{dir}/cycle-a.json"),
        "In file included from tests/schemas/broken/cycle-a.json:2:\n\
         tests/schemas/broken/cycle-b.json:1: inclusion loop for",
    );
    assert_same_error_as_check(
        &format!("{dir}/no-such-file.json"),
        "can't read schema file 'tests/schemas/broken/no-such-file.json': ",
    );
}

#[test]
fn strict_applies_qemus_exact_rules() {
    // The legacy simple union in common.json is read only in tolerant mode.
    let message = compile_error(expand(quote!(#EVERY, strict)));
    assert!(
        message.contains("union misses keys 'base', 'discriminator'"),
        "{message}"
    );
}

#[test]
fn unknown_modules_are_named() {
    let message = compile_error(expand(quote!(#EVERY, modules = ["every", "nope"])));
    assert_eq!(
        message,
        "the schema has no module `nope`; its modules are: every, common"
    );
}

#[test]
fn bad_arguments_are_compile_errors() {
    let message = compile_error(expand(quote!(#EVERY, docs = "no")));
    assert_eq!(message, "expected boolean literal");
}
