//! Commands: a struct per command (its arguments) implementing `qapi_runtime::Command`, and the `Commands` trait
//! with one method per command for every `qapi_runtime::Executor`.
//!
//! A command without arguments is an empty struct built with `new()` (not a unit struct), so that a newer schema
//! adding an optional argument keeps user code compiling. Its method takes no parameter, and so does the method
//! of a command whose arguments are all optional (they start absent; `execute(X::new().with_y(..))` sets them).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Args, Kind};
use crate::rust_types::Context;
use crate::structs;

/// The argument struct and the `Command` impl of command `def`.
pub fn emit(ctx: &Context, def: usize) -> TokenStream {
    let d = &ctx.api.definitions[def];
    let Kind::Command(c) = &d.kind else {
        return TokenStream::new();
    };
    let ident = ctx.ident(def);
    let docs = ctx.def_docs(def, Vec::new());
    let mut out = args_type(ctx, def, &ident, &c.args, docs, !c.gen);
    let name = &d.name;
    let returns = match &c.returns {
        Some(ty) => ctx.ty(ty),
        None => quote!(rt::Empty),
    };
    let cfg = ctx.cfg(d.cond.as_ref());
    let mut consts = Vec::new();
    if !c.success_response {
        consts.push(quote!(
            const SUCCESS_RESPONSE: bool = false;
        ));
    }
    if c.allow_oob {
        consts.push(quote!(
            const ALLOW_OOB: bool = true;
        ));
    }
    if c.allow_preconfig {
        consts.push(quote!(
            const ALLOW_PRECONFIG: bool = true;
        ));
    }
    if d.has_feature("deprecated") {
        consts.push(quote!(
            const DEPRECATED: bool = true;
        ));
    }
    if d.has_feature("unstable") {
        consts.push(quote!(
            const UNSTABLE: bool = true;
        ));
    }
    out.extend(quote! {
        #cfg
        #[allow(deprecated)]
        impl rt::Command for #ident {
            const NAME: &'static str = #name;
            type Returns = #returns;
            #(#consts)*
        }
    });
    if c.allow_oob {
        out.extend(quote! {
            #cfg
            #[allow(deprecated)]
            impl rt::OobCommand for #ident {}
        });
    }
    out
}

/// The type of a command's arguments or an event's data: an object of the inline members, an empty object, or
/// a newtype around the named struct or union.
pub fn args_type(
    ctx: &Context,
    def: usize,
    ident: &proc_macro2::Ident,
    args: &Args,
    docs: TokenStream,
    open: bool,
) -> TokenStream {
    let d = &ctx.api.definitions[def];
    match args {
        Args::None => structs::object(ctx, def, ident, &[], docs, open),
        Args::Inline(members) => structs::object(ctx, def, ident, members, docs, open),
        Args::Named(name) => {
            let inner = ctx.path(name);
            let cfg = ctx.cfg(d.cond.as_ref());
            let deprecated = ctx.deprecated(
                &d.features,
                d.doc.as_ref().and_then(|doc| doc.feature("deprecated")),
            );
            let info = ctx.info_impl(def, ident);
            quote! {
                #docs
                #cfg
                #deprecated
                #[derive(Clone, Debug, PartialEq)]
                pub struct #ident(pub #inner);
                #cfg
                #[allow(deprecated)]
                impl rt::From<#inner> for #ident {
                    #[inline]
                    fn from(value: #inner) -> Self {
                        Self(value)
                    }
                }
                #cfg
                #[allow(deprecated)]
                impl rt::Deref for #ident {
                    type Target = #inner;
                    #[inline]
                    fn deref(&self) -> &#inner {
                        &self.0
                    }
                }
                #cfg
                #[allow(deprecated)]
                impl rt::ObjectType for #ident {
                    #[inline]
                    fn decode_members(object: &mut rt::Object) -> rt::Result<Self, rt::DecodeError> {
                        rt::ObjectType::decode_members(object).map(Self)
                    }
                    #[inline]
                    fn encode_members(&self, object: &mut rt::Object) {
                        rt::ObjectType::encode_members(&self.0, object);
                    }
                }
                #cfg
                rt::impl_serde!(#ident);
                #info
            }
        }
    }
}

/// Whether the command can be run with `X::new()`: no required argument.
fn takes_no_required_args(ctx: &Context, args: &Args) -> bool {
    match args {
        Args::None => true,
        Args::Inline(members) => members.iter().all(|m| m.optional),
        Args::Named(name) => match ctx.def(name).map(|d| &d.kind) {
            Some(Kind::Struct(s)) => s.members.iter().all(|m| m.optional),
            _ => false,
        },
    }
}

/// The `Commands` trait at the crate root. `module_cfg(def)` gives the module's cargo-feature gate.
pub fn trait_items(
    ctx: &Context,
    module_cfg: &dyn Fn(usize) -> Option<TokenStream>,
) -> TokenStream {
    let mut methods = Vec::new();
    for (i, d) in ctx.api.definitions.iter().enumerate() {
        let Kind::Command(c) = &d.kind else { continue };
        let ident = ctx.ident(i);
        let method =
            crate::names::ident(ctx.names.methods.get(&i).map_or("command", String::as_str));
        let cfg = ctx.cfg(d.cond.as_ref());
        let Some(gate) = module_cfg(i) else { continue };
        let deprecated = ctx.deprecated(&d.features, None);
        let doc = format!(" Runs `{}`: see [`{ident}`].", d.name);
        let named_inner = matches!(c.args, Args::Named(_));
        let call = if takes_no_required_args(ctx, &c.args) && !named_inner {
            quote!(fn #method(&self) -> Self::Output<'_, self::#ident> { self.execute(self::#ident::new()) })
        } else {
            quote!(fn #method(&self, args: self::#ident) -> Self::Output<'_, self::#ident> { self.execute(args) })
        };
        methods.push(quote! {
            #[doc = #doc]
            #gate
            #cfg
            #deprecated
            #[allow(deprecated)]
            #call
        });
    }
    quote! {
        /// One method per command, for any client that implements [`qapi_runtime::Executor`].
        pub trait Commands: ::qapi_runtime::rt::Executor {
            #(#methods)*
        }

        impl<T: ::qapi_runtime::rt::Executor + ?::core::marker::Sized> Commands for T {}
    }
}
