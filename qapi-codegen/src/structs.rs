//! Structs, and the object code that unions, command arguments and event data share with them.
//!
//! A struct lists its base's members as its own fields (they are flattened on the wire, and users read
//! `info.node_name` whatever the base nesting), and converts into its base with `From`. Every object type is
//! `#[non_exhaustive]` and built with `new(required members)` plus `with_*` setters for optional ones, so that a
//! newer schema adding an optional member does not break code written against older bindings.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Builtin, Kind, Member, TypeExpr};
use crate::names;
use crate::recursion::Slot;
use crate::rust_types::Context;

/// One member as a Rust field.
pub struct Field<'a> {
    pub member: &'a Member,
    pub ident: Ident,
    pub boxed: bool,
}

/// The fields of definition `def`'s `members` (its own member list, for boxing decisions).
pub fn fields<'a>(ctx: &Context, def: usize, members: &'a [Member]) -> Vec<Field<'a>> {
    let rust = names::unique(members.iter().map(|m| names::snake(&m.name)), &[], "_");
    members
        .iter()
        .zip(rust)
        .enumerate()
        .map(|(m, (member, name))| Field {
            member,
            ident: names::ident(&name),
            boxed: ctx.boxing.is_boxed(def, Slot::Member(m)),
        })
        .collect()
}

/// The field declarations.
pub fn declarations(ctx: &Context, def: usize, fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let m = f.member;
            let ident = &f.ident;
            let ty = ctx.member_ty(m, f.boxed);
            let docs = ctx.item_docs(def, &m.name, &m.features, m.cond.as_ref());
            let cfg = ctx.cfg(m.cond.as_ref());
            let deprecated = ctx.deprecated(&m.features, None);
            quote!(#docs #cfg #deprecated pub #ident: #ty,)
        })
        .collect()
}

/// `name: take(o, "name")?,` for each field, in wire order.
pub fn decoders(ctx: &Context, fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let ident = &f.ident;
            let wire = &f.member.name;
            let cfg = ctx.cfg(f.member.cond.as_ref());
            let take = match (f.member.optional, f.boxed) {
                (false, false) => quote!(take),
                (false, true) => quote!(take_box),
                (true, false) => quote!(take_opt),
                (true, true) => quote!(take_opt_box),
            };
            quote!(#cfg #ident: rt::#take(object, #wire)?,)
        })
        .collect()
}

/// `put(o, "name", &self.name);` for each field.
pub fn encoders(ctx: &Context, fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let ident = &f.ident;
            let wire = &f.member.name;
            let cfg = ctx.cfg(f.member.cond.as_ref());
            match (f.member.optional, f.boxed) {
                (false, false) => quote!(#cfg rt::put(object, #wire, &self.#ident);),
                (false, true) => quote!(#cfg rt::put(object, #wire, &*self.#ident);),
                (true, false) => quote!(#cfg rt::put_opt(object, #wire, &self.#ident);),
                (true, true) => quote!(#cfg rt::put_opt_box(object, #wire, &self.#ident);),
            }
        })
        .collect()
}

/// `new(required...)` and `with_*` setters. `extra` fields (a union's branch) are required parameters at the end.
pub fn constructors(
    ctx: &Context,
    ident: &Ident,
    fields: &[Field],
    extra: Option<(&Ident, TokenStream)>,
    open: Option<&Ident>,
) -> TokenStream {
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for f in fields {
        let name = &f.ident;
        let cfg = ctx.cfg(f.member.cond.as_ref());
        let inner = ctx.ty(&f.member.ty);
        let is_str = f.member.ty == TypeExpr::Builtin(Builtin::Str);
        let param_ty = if is_str {
            quote!(impl rt::Into<rt::String>)
        } else {
            inner.clone()
        };
        let value = match (is_str, f.boxed) {
            (true, _) => quote!(#name.into()),
            (false, true) => quote!(rt::Box::new(#name)),
            (false, false) => quote!(#name),
        };
        if f.member.optional {
            inits.push(quote!(#cfg #name: rt::None,));
            let setter = format_ident!("with_{}", f.ident.to_string().trim_start_matches("r#"));
            let doc = format!(" Sets `{}`.", f.member.name);
            let value = match (is_str, f.boxed) {
                (true, _) => quote!(value.into()),
                (false, true) => quote!(rt::Box::new(value)),
                (false, false) => quote!(value),
            };
            setters.push(quote! {
                #[doc = #doc]
                #cfg
                #[inline]
                #[must_use]
                pub fn #setter(mut self, value: #param_ty) -> Self {
                    self.#name = rt::Some(#value);
                    self
                }
            });
        } else {
            params.push(quote!(#cfg #name: #param_ty));
            if is_str || f.boxed {
                inits.push(quote!(#cfg #name: #value,));
            } else {
                inits.push(quote!(#cfg #name,));
            }
        }
    }
    if let Some((name, ty)) = extra {
        params.push(quote!(#name: #ty));
        inits.push(quote!(#name,));
    }
    if let Some(name) = open {
        inits.push(quote!(#name: rt::Object::new(),));
        setters.push(quote! {
            /// Adds an argument the schema does not list (the command takes further arguments).
            #[inline]
            #[must_use]
            pub fn with_argument(mut self, name: impl rt::Into<rt::String>, value: rt::Value) -> Self {
                self.#name.insert(name.into(), value);
                self
            }
        });
    }
    let doc = if params.is_empty() {
        " Builds the value with every (optional) member absent.".to_string()
    } else {
        format!(" Builds `{ident}` from its required members; optional ones start absent.")
    };
    let many = if params.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        TokenStream::new()
    };
    // Parameters are named after members, which may be any word (clippy dislikes `foo`).
    quote! {
        #[allow(deprecated, clippy::disallowed_names)]
        impl #ident {
            #[doc = #doc]
            #[inline]
            #[must_use]
            #many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
        }
    }
}

/// Whether `new()` takes no argument, so that `Default` can stand in for it.
pub fn all_optional(fields: &[Field]) -> bool {
    fields.iter().all(|f| f.member.optional)
}

/// A plain object type: struct declaration, constructors, wire code, metadata. Used for structs and for the
/// inline arguments and data of commands and events.
///
/// `open`: the object takes members the schema does not list (the arguments of a `gen: false` command such as
/// `device_add`, whose further arguments depend on the device); they are kept in a field of their own.
pub fn object(
    ctx: &Context,
    def: usize,
    ident: &Ident,
    members: &[Member],
    docs: TokenStream,
    open: bool,
) -> TokenStream {
    let d = &ctx.api.definitions[def];
    let fields = fields(ctx, def, members);
    let mut decls = declarations(ctx, def, &fields);
    let mut decoders = decoders(ctx, &fields);
    let mut encoders = encoders(ctx, &fields);
    let rest = open.then(|| {
        let taken = fields
            .iter()
            .map(|f| f.ident.to_string())
            .collect::<Vec<_>>();
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        let name = names::unique(["extra".to_string()], &taken, "_").remove(0);
        names::ident(&name)
    });
    if let Some(rest) = &rest {
        decls.push(quote! {
            /// Further arguments, which the schema does not list, passed as they are.
            pub #rest: rt::Object,
        });
        decoders.push(quote!(#rest: rt::mem::take(object),));
        encoders.push(quote!(object.extend(self.#rest.clone());));
    }
    let cfg = ctx.cfg(d.cond.as_ref());
    let deprecated = ctx.deprecated(
        &d.features,
        d.doc.as_ref().and_then(|doc| doc.feature("deprecated")),
    );
    let default = if all_optional(&fields) {
        quote!(Default,)
    } else {
        TokenStream::new()
    };
    let constructors = constructors(ctx, ident, &fields, None, rest.as_ref());
    let info = ctx.info_impl(def, ident);
    let object_var = if fields.is_empty() && rest.is_none() {
        quote!(_object)
    } else {
        quote!(object)
    };
    let decode_body = if decoders.is_empty() {
        quote!(rt::Ok(Self {}))
    } else {
        let _ = &object_var;
        quote!(rt::Ok(Self { #(#decoders)* }))
    };
    quote! {
        #docs
        #cfg
        #deprecated
        #[derive(Clone, #default)]
        #[non_exhaustive]
        pub struct #ident {
            #(#decls)*
        }
        #cfg
        #constructors
        #cfg
        #[allow(deprecated)]
        impl rt::ObjectType for #ident {
            #[inline]
            fn decode_members(#object_var: &mut rt::Object) -> rt::Result<Self, rt::DecodeError> {
                #decode_body
            }
            #[inline]
            fn encode_members(&self, #object_var: &mut rt::Object) {
                #(#encoders)*
            }
        }
        #cfg
        rt::impl_traits!(#ident);
        #info
    }
}

/// A struct definition, with `From<Self>` for its base.
pub fn emit(ctx: &Context, def: usize) -> TokenStream {
    let d = &ctx.api.definitions[def];
    let Kind::Struct(s) = &d.kind else {
        return TokenStream::new();
    };
    let ident = ctx.ident(def);
    let docs = ctx.def_docs(def, Vec::new());
    let mut out = object(ctx, def, &ident, &s.members, docs, false);
    if let Some(base) = &s.base {
        out.extend(base_conversion(ctx, def, &ident, base, &s.members, None));
    }
    out
}

/// `impl From<Derived> for Base`: the base's members are the derived type's first members. `tag` gives the
/// expression for a union's discriminator, which the union holds as its branch.
pub fn base_conversion(
    ctx: &Context,
    def: usize,
    ident: &Ident,
    base: &str,
    members: &[Member],
    tag: Option<(&str, TokenStream)>,
) -> TokenStream {
    let Some(base_index) = ctx.names.index(base) else {
        return TokenStream::new();
    };
    let Kind::Struct(base_struct) = &ctx.api.definitions[base_index].kind else {
        return TokenStream::new();
    };
    let ours = fields(ctx, def, members);
    let theirs = fields(ctx, base_index, &base_struct.members);
    let mut inits = Vec::new();
    for b in &theirs {
        let name = &b.ident;
        let cfg = ctx.cfg(b.member.cond.as_ref());
        if let Some((discriminator, expr)) = &tag {
            if b.member.name == *discriminator {
                inits.push(quote!(#cfg #name: #expr,));
                continue;
            }
        }
        let Some(o) = ours.iter().find(|o| o.member.name == b.member.name) else {
            return TokenStream::new();
        };
        let src = &o.ident;
        let value = match (o.boxed, b.boxed) {
            (true, false) if b.member.optional => quote!(value.#src.map(|v| *v)),
            (true, false) => quote!(*value.#src),
            (false, true) if b.member.optional => quote!(value.#src.map(rt::Box::new)),
            (false, true) => quote!(rt::Box::new(value.#src)),
            _ => quote!(value.#src),
        };
        inits.push(quote!(#cfg #name: #value,));
    }
    let base_path = ctx.path(base);
    let cfg = ctx.cfg(ctx.api.definitions[def].cond.as_ref());
    quote! {
        #cfg
        #[allow(deprecated)]
        impl rt::From<#ident> for #base_path {
            #[inline]
            fn from(value: #ident) -> Self {
                Self { #(#inits)* }
            }
        }
    }
}
