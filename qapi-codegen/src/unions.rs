//! Unions. A flat union is a struct of its base members whose discriminator member holds an enum of branches
//! with their data: `opts.driver` is `BlockdevOptionsBranch::File(BlockdevOptionsFile { .. })`, and on the wire
//! the base members, the discriminator and the branch's members share one object, as QEMU puts them. A value
//! without a branch is a unit variant; a tag these bindings do not know is kept in `Other` with its members.
//!
//! A legacy simple union (QEMU before 6.0) is an enum whose wire form is `{"type": BRANCH, "data": VALUE}`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Kind;
use crate::names;
use crate::recursion::Slot;
use crate::rust_types::Context;
use crate::structs;

pub fn emit(ctx: &Context, def: usize) -> TokenStream {
    let d = &ctx.api.definitions[def];
    let Kind::Union(u) = &d.kind else {
        return TokenStream::new();
    };
    let ident = ctx.ident(def);
    let branch_ident = format_ident!(
        "{}",
        ctx.names
            .branch_enums
            .get(&def)
            .map_or("Branch", String::as_str)
    );
    let other = format_ident!("{}", names::OTHER);
    let all = structs::fields(ctx, def, &u.members);
    let Some(disc_pos) = all.iter().position(|f| f.member.name == u.discriminator) else {
        return TokenStream::new();
    };
    let disc_ident = all[disc_pos].ident.clone();
    let rest: Vec<_> = all
        .into_iter()
        .filter(|f| f.member.name != u.discriminator)
        .collect();
    let disc_wire = &u.discriminator;

    let tag_variants = ctx.enum_variants(&u.tag_enum).unwrap_or(&[]);
    let tag_values = match ctx.def(&u.tag_enum).map(|t| &t.kind) {
        Some(Kind::Enum(values)) => values.as_slice(),
        _ => &[],
    };
    let tag_index = ctx.names.index(&u.tag_enum).unwrap_or(def);
    let mut variants = Vec::new();
    let mut decode_arms = Vec::new();
    let mut encode_arms = Vec::new();
    let mut name_arms = Vec::new();
    for (b, branch) in u.branches.iter().enumerate() {
        let Some(pos) = tag_values.iter().position(|v| v.name == branch.name) else {
            continue;
        };
        let variant = format_ident!("{}", tag_variants[pos]);
        let wire = &branch.name;
        let cfg = ctx.cfg(branch.cond.as_ref());
        let value = &tag_values[pos];
        let docs = ctx.item_docs(tag_index, wire, &[], branch.cond.as_ref());
        let deprecated = ctx.deprecated(&value.features, None);
        name_arms.push(match branch.ty {
            Some(_) => quote!(#cfg Self::#variant(_) => #wire,),
            None => quote!(#cfg Self::#variant => #wire,),
        });
        match &branch.ty {
            Some(ty) => {
                let boxed = ctx.boxing.is_boxed(def, Slot::Branch(b));
                let mut rust_ty = ctx.path(ty);
                let mut decode = quote!(rt::ObjectType::decode_members(object)?);
                if boxed {
                    rust_ty = quote!(rt::Box<#rust_ty>);
                    decode = quote!(rt::Box::new(#decode));
                }
                variants.push(quote!(#docs #cfg #deprecated #variant(#rust_ty),));
                decode_arms.push(quote!(#cfg #wire => #branch_ident::#variant(#decode),));
                let data = if boxed { quote!(&**data) } else { quote!(data) };
                encode_arms.push(quote!(#cfg #branch_ident::#variant(data) => rt::ObjectType::encode_members(#data, object),));
            }
            None => {
                variants.push(quote!(#docs #cfg #deprecated #variant,));
                decode_arms.push(quote!(#cfg #wire => #branch_ident::#variant,));
                encode_arms.push(quote!(#cfg #branch_ident::#variant => {}));
            }
        }
    }
    let decls = structs::declarations(ctx, def, &rest);
    let decoders = structs::decoders(ctx, &rest);
    let encoders = structs::encoders(ctx, &rest);
    let constructors = structs::constructors(
        ctx,
        &ident,
        &rest,
        Some((&disc_ident, quote!(#branch_ident))),
        None,
    );
    let tag_path = ctx.path(&u.tag_enum);
    let cfg = ctx.cfg(d.cond.as_ref());
    let docs = ctx.def_docs(def, Vec::new());
    let info = ctx.info_impl(def, &ident);
    let branch_doc = format!(" The branches of [`{ident}`], chosen by its member `{disc_wire}`.");
    let disc_doc = format!(" `{disc_wire}` on the wire, and the members of its branch.");
    let base = u.base.as_ref().map(|base| {
        structs::base_conversion(
            ctx,
            def,
            &ident,
            base,
            &u.members,
            Some((disc_wire, quote!(value.#disc_ident.tag()))),
        )
    });
    quote! {
        #docs
        #cfg
        #[derive(Clone)]
        #[non_exhaustive]
        pub struct #ident {
            #(#decls)*
            #[doc = #disc_doc]
            pub #disc_ident: #branch_ident,
        }
        #[doc = #branch_doc]
        #cfg
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #branch_ident {
            #(#variants)*
            /// A branch these bindings do not know (from a newer QEMU), with its members as sent.
            #other {
                tag: rt::String,
                members: rt::Object,
            },
        }
        #cfg
        #[allow(deprecated)]
        impl #branch_ident {
            /// The discriminator's value on the wire.
            #[inline]
            pub fn tag_name(&self) -> &str {
                match self {
                    #(#name_arms)*
                    Self::#other { tag, .. } => tag,
                }
            }

            /// The discriminator's value.
            #[inline]
            pub fn tag(&self) -> #tag_path {
                #tag_path::from_name(self.tag_name().into())
            }
        }
        #cfg
        #constructors
        #cfg
        #[allow(deprecated)]
        impl rt::ObjectType for #ident {
            #[inline]
            fn decode_members(object: &mut rt::Object) -> rt::Result<Self, rt::DecodeError> {
                rt::Ok(Self {
                    #(#decoders)*
                    #disc_ident: {
                        let tag = rt::take_tag(object, #disc_wire)?;
                        match tag.as_str() {
                            #(#decode_arms)*
                            _ => #branch_ident::#other { tag, members: rt::mem::take(object) },
                        }
                    },
                })
            }
            #[inline]
            fn encode_members(&self, object: &mut rt::Object) {
                #(#encoders)*
                rt::put(object, #disc_wire, self.#disc_ident.tag_name());
                match &self.#disc_ident {
                    #(#encode_arms)*
                    #branch_ident::#other { members, .. } => object.extend(members.clone()),
                }
            }
        }
        #cfg
        rt::impl_traits!(#ident);
        #info
        #base
    }
}

/// A legacy simple union: `{"type": BRANCH, "data": VALUE}`.
pub fn emit_simple(ctx: &Context, def: usize) -> TokenStream {
    let d = &ctx.api.definitions[def];
    let Kind::SimpleUnion(branches) = &d.kind else {
        return TokenStream::new();
    };
    let ident = ctx.ident(def);
    let other = format_ident!("{}", names::OTHER);
    let rust = names::unique(
        branches.iter().map(|b| names::upper_camel(&b.name)),
        &[names::OTHER],
        "",
    );
    let mut variants = Vec::new();
    let mut decode_arms = Vec::new();
    let mut encode_arms = Vec::new();
    for (b, (branch, name)) in branches.iter().zip(&rust).enumerate() {
        let variant = format_ident!("{}", name);
        let wire = &branch.name;
        let cfg = ctx.cfg(branch.cond.as_ref());
        let docs = ctx.item_docs(def, wire, &[], branch.cond.as_ref());
        let mut ty = ctx.ty(&branch.ty);
        let boxed = ctx.boxing.is_boxed(def, Slot::Branch(b));
        let decode = if boxed {
            ty = quote!(rt::Box<#ty>);
            quote!(rt::take_box(object, "data")?)
        } else {
            quote!(rt::take(object, "data")?)
        };
        variants.push(quote!(#docs #cfg #variant(#ty),));
        decode_arms.push(quote!(#cfg #wire => Self::#variant(#decode),));
        let data = if boxed { quote!(&**data) } else { quote!(data) };
        encode_arms.push(quote!(#cfg Self::#variant(data) => (#wire, rt::Encode::encode(#data)),));
    }
    let cfg = ctx.cfg(d.cond.as_ref());
    let docs = ctx.def_docs(def, Vec::new());
    let info = ctx.info_impl(def, &ident);
    quote! {
        #docs
        #cfg
        #[derive(Clone)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #ident {
            #(#variants)*
            /// A branch these bindings do not know (from a newer QEMU), with its data as sent.
            #other {
                tag: rt::String,
                data: rt::Value,
            },
        }
        #cfg
        impl rt::ObjectType for #ident {
            #[inline]
            fn decode_members(object: &mut rt::Object) -> rt::Result<Self, rt::DecodeError> {
                let tag = rt::take_tag(object, "type")?;
                rt::Ok(match tag.as_str() {
                    #(#decode_arms)*
                    _ => Self::#other { data: object.remove("data").unwrap_or_default(), tag },
                })
            }
            #[inline]
            fn encode_members(&self, object: &mut rt::Object) {
                let (tag, data) = match self {
                    #(#encode_arms)*
                    Self::#other { tag, data } => (tag.as_str(), data.clone()),
                };
                rt::put(object, "type", tag);
                object.insert("data".into(), data);
            }
        }
        #cfg
        rt::impl_traits!(#ident);
        #info
    }
}
