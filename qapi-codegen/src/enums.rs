//! Enums: wire names exact, and a value a newer QEMU sends that the bindings do not know kept in `Other`, so that
//! it decodes without error and encodes back unchanged.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Kind;
use crate::names;
use crate::rust_types::Context;

pub fn emit(ctx: &Context, def: usize) -> TokenStream {
    let d = &ctx.api.definitions[def];
    let Kind::Enum(values) = &d.kind else {
        return TokenStream::new();
    };
    let ident = ctx.ident(def);
    let variants: Vec<_> = ctx
        .enum_variants(&d.name)
        .unwrap_or(&[])
        .iter()
        .map(|v| format_ident!("{}", v))
        .collect();
    let other = format_ident!("{}", names::OTHER);
    let mut decls = Vec::new();
    let mut to_str = Vec::new();
    let mut from_str = Vec::new();
    for (value, variant) in values.iter().zip(&variants) {
        let wire = &value.name;
        let cfg = ctx.cfg(value.cond.as_ref());
        let docs = ctx.item_docs(def, wire, &value.features, value.cond.as_ref());
        let deprecated = ctx.deprecated(&value.features, None);
        decls.push(quote!(#docs #cfg #deprecated #variant,));
        to_str.push(quote!(#cfg Self::#variant => #wire,));
        from_str.push(quote!(#cfg #wire => Self::#variant,));
    }
    // An empty enum has only `Other`: a one-armed match would be a needless destructuring.
    let (as_str, from_name) = if values.is_empty() {
        (
            quote!(let Self::#other(name) = self; name),
            quote!(Self::#other(name)),
        )
    } else {
        (
            quote!(match self { #(#to_str)* Self::#other(name) => name, }),
            quote!(match name.as_str() { #(#from_str)* _ => Self::#other(name), }),
        )
    };
    let docs = ctx.def_docs(def, Vec::new());
    let cfg = ctx.cfg(d.cond.as_ref());
    let info = ctx.info_impl(def, &ident);
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #(#decls)*
            /// A value these bindings do not know (from a newer QEMU), kept as sent.
            #other(rt::String),
        }
        #cfg
        #[allow(deprecated)]
        impl #ident {
            /// The value's name on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                #as_str
            }

            /// The value called `name` on the wire; a name these bindings do not know gives `Other`.
            #[inline]
            pub fn from_name(name: rt::String) -> Self {
                #from_name
            }
        }
        #cfg
        impl rt::fmt::Display for #ident {
            #[inline]
            fn fmt(&self, f: &mut rt::fmt::Formatter<'_>) -> rt::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        #cfg
        impl rt::Decode for #ident {
            #[inline]
            fn decode(value: rt::Value) -> rt::Result<Self, rt::DecodeError> {
                rt::expect_str(value).map(Self::from_name)
            }
        }
        #cfg
        impl rt::Encode for #ident {
            #[inline]
            fn encode(&self) -> rt::Value {
                rt::Value::String(self.as_str().into())
            }
        }
        #cfg
        rt::impl_serde!(#ident);
        #info
    }
}
