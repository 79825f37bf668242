//! Events: a struct per event (its data) implementing `qapi_runtime::Event`, and `AnyEvent`, the enum over all
//! events that decodes any event message by name and keeps an unknown event's data raw.

use proc_macro2::TokenStream;
use quote::quote;

use crate::commands;
use crate::ir::Kind;
use crate::rust_types::Context;

pub fn emit(ctx: &Context, def: usize) -> TokenStream {
    let d = &ctx.api.definitions[def];
    let Kind::Event(e) = &d.kind else {
        return TokenStream::new();
    };
    let ident = ctx.ident(def);
    let docs = ctx.def_docs(def, Vec::new());
    let mut out = commands::args_type(ctx, def, &ident, &e.data, docs, false);
    let name = &d.name;
    let cfg = ctx.cfg(d.cond.as_ref());
    out.extend(quote! {
        #cfg
        #[allow(deprecated)]
        impl rt::Event for #ident {
            const NAME: &'static str = #name;
        }
    });
    out
}

/// `AnyEvent` at the crate root. `module_cfg(def)` gives the module's cargo-feature gate: an event whose module
/// is left out decodes as `Unknown`.
pub fn any_event(ctx: &Context, module_cfg: &dyn Fn(usize) -> Option<TokenStream>) -> TokenStream {
    let mut variants = Vec::new();
    let mut decode_arms = Vec::new();
    let mut name_arms = Vec::new();
    for (i, d) in ctx.api.definitions.iter().enumerate() {
        if !matches!(d.kind, Kind::Event(_)) {
            continue;
        }
        let ident = ctx.ident(i);
        let wire = &d.name;
        let Some(gate) = module_cfg(i) else { continue };
        let cfg = ctx.cfg(d.cond.as_ref());
        let deprecated = ctx.deprecated(&d.features, None);
        let doc = format!(" `{wire}`");
        variants.push(quote!(#[doc = #doc] #gate #cfg #deprecated #ident(self::#ident),));
        decode_arms
            .push(quote!(#gate #cfg #wire => Self::#ident(::qapi_runtime::rt::event_data(data)?),));
        name_arms.push(quote!(#gate #cfg Self::#ident(_) => #wire,));
    }
    // Without events, a match would have a single arm (clippy's match_single_binding).
    let (decode, name) = if variants.is_empty() {
        (
            quote!(Self::Unknown {
                name: name.into(),
                data
            }),
            quote!(let Self::Unknown { name, .. } = self; name),
        )
    } else {
        (
            quote!(match name { #(#decode_arms)* _ => Self::Unknown { name: name.into(), data }, }),
            quote!(match self { #(#name_arms)* Self::Unknown { name, .. } => name, }),
        )
    };
    quote! {
        /// Any event of this schema, decoded by name.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        #[allow(deprecated, clippy::large_enum_variant)]
        pub enum AnyEvent {
            #(#variants)*
            /// An event these bindings do not know (from a newer QEMU, or a module left out), with its data as sent.
            Unknown {
                name: ::qapi_runtime::rt::String,
                data: ::qapi_runtime::rt::Value,
            },
        }

        #[allow(deprecated)]
        impl ::qapi_runtime::rt::EventSet for AnyEvent {
            #[inline]
            fn from_parts(name: &str, data: ::qapi_runtime::rt::Value) -> ::qapi_runtime::rt::Result<Self, ::qapi_runtime::rt::JsonError> {
                ::qapi_runtime::rt::Ok(#decode)
            }

            #[inline]
            fn name(&self) -> &str {
                #name
            }
        }
    }
}
