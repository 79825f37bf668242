//! Alternates: an enum whose branch is chosen by the JSON type of the value, as QEMU chooses it (never by trying
//! each branch in turn, which could pick the wrong one: a string is a `str` or an enum branch, never both).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Kind;
use crate::names;
use crate::recursion::Slot;
use crate::rust_types::{Context, JsonType};

pub fn emit(ctx: &Context, def: usize) -> TokenStream {
    let d = &ctx.api.definitions[def];
    let Kind::Alternate(branches) = &d.kind else {
        return TokenStream::new();
    };
    let ident = ctx.ident(def);
    let rust = names::unique(
        branches.iter().map(|b| names::upper_camel(&b.name)),
        &[],
        "",
    );
    let mut variants = Vec::new();
    let mut decode_arms = Vec::new();
    let mut encode_arms = Vec::new();
    let mut expected = Vec::new();
    for (b, (branch, name)) in branches.iter().zip(&rust).enumerate() {
        let variant = format_ident!("{}", name);
        let cfg = ctx.cfg(branch.cond.as_ref());
        let docs = ctx.item_docs(def, &branch.name, &[], branch.cond.as_ref());
        let mut ty = ctx.ty(&branch.ty);
        let boxed = ctx.boxing.is_boxed(def, Slot::Branch(b));
        let mut decode = quote!(rt::Decode::decode(value)?);
        let mut data = quote!(data);
        if boxed {
            ty = quote!(rt::Box<#ty>);
            decode = quote!(rt::Box::new(#decode));
            data = quote!(&**data);
        }
        let (pattern, what) = match ctx.json_type(&branch.ty) {
            JsonType::String => (quote!(rt::Value::String(_)), "a string"),
            JsonType::Number => (quote!(rt::Value::Number(_)), "a number"),
            JsonType::Bool => (quote!(rt::Value::Bool(_)), "a boolean"),
            JsonType::Null => (quote!(rt::Value::Null), "null"),
            JsonType::Object => (quote!(rt::Value::Object(_)), "an object"),
            JsonType::Array => (quote!(rt::Value::Array(_)), "an array"),
            // The model rejects `any` and nested alternates in an alternate; nothing sensible to match.
            JsonType::Any => continue,
        };
        expected.push(what);
        if what == "null" {
            // JSON null carries nothing: a unit variant.
            variants.push(quote!(#docs #cfg #variant,));
            decode_arms.push(quote!(#cfg #pattern => Self::#variant,));
            encode_arms.push(quote!(#cfg Self::#variant => rt::Value::Null,));
            continue;
        }
        variants.push(quote!(#docs #cfg #variant(#ty),));
        decode_arms.push(quote!(#cfg #pattern => Self::#variant(#decode),));
        encode_arms.push(quote!(#cfg Self::#variant(data) => rt::Encode::encode(#data),));
    }
    let expected = expected.join(" or ");
    let cfg = ctx.cfg(d.cond.as_ref());
    let docs = ctx.def_docs(def, Vec::new());
    let info = ctx.info_impl(def, &ident);
    quote! {
        #docs
        #cfg
        #[derive(Clone)]
        #[non_exhaustive]
        pub enum #ident {
            #(#variants)*
        }
        #cfg
        impl rt::Decode for #ident {
            #[inline]
            fn decode(value: rt::Value) -> rt::Result<Self, rt::DecodeError> {
                rt::Ok(match value {
                    #(#decode_arms)*
                    other => return rt::Err(rt::DecodeError::invalid_type(#expected, &other)),
                })
            }
        }
        #cfg
        impl rt::Encode for #ident {
            #[inline]
            fn encode(&self) -> rt::Value {
                match self {
                    #(#encode_arms)*
                }
            }
        }
        #cfg
        rt::impl_traits!(#ident);
        #info
    }
}
