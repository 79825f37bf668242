//! Checking structs, unions and implicit objects: the base, members flattened base-first, clashes by C name,
//! the discriminator and the branches.

use crate::definition::Cond;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

use super::check::{
    check_feature_clash, internal, with_label, CheckedObject, Checker, FlatMember, Seen, Who,
};
use super::entity::{Branch, JsonType, TypeId, Variants};
use super::hash::FastSet;
use super::raw::{Info, RawBranch, RawKind, TypeName};

/// A union branch to check: an explicit one, or an implicit empty one for an enum value without branch.
struct Case<'a> {
    name: &'a str,
    span: Span,
    /// `None`: `q_empty`.
    ty: Option<&'a TypeName>,
    cond: &'a Option<Cond>,
    defined_in: &'a str,
}

impl<'a> Checker<'a> {
    fn variants(&self, index: usize) -> Option<&Variants> {
        match &self.finals[index] {
            Some(super::check::Checked::Object(o)) => o.variants.as_ref(),
            _ => None,
        }
    }

    /// QEMU's `QAPISchemaObjectType.check()`. Objects embed one another (base, branches), so this recurses; the
    /// work that builds messages sits in helpers, off the recursion path, to keep its frames small.
    pub fn check_object(&mut self, index: usize) -> Result<(), Diagnostic> {
        if !self.begin_object(index)? {
            return Ok(());
        }
        self.check_features(index)?;
        let base = self.object_base(index)?;
        if let Some(b) = base {
            self.check_nested_object(b)?;
        }
        let (seen, flat, local_types) = self.object_members(index, base)?;
        let variants = match &self.raw(index).kind {
            RawKind::Object {
                branches: Some((tag, branches)),
                ..
            } => Some(self.object_branches(index, tag, branches, &seen, &flat)?),
            _ => None,
        };
        let members = flat.iter().map(|m| (m.owner, m.local)).collect();
        let base = base.map(|b| TypeId(b as u32));
        self.end_object(
            index,
            CheckedObject {
                base,
                local_types,
                members,
                variants,
            },
            flat,
        );
        Ok(())
    }

    /// The base, which must be a struct.
    fn object_base(&self, index: usize) -> Result<Option<usize>, Diagnostic> {
        let RawKind::Object {
            base: Some(base), ..
        } = &self.raw(index).kind
        else {
            return Ok(None);
        };
        let info = self.info(index)?;
        let b = self.resolve(base, info, || "'base'".to_owned())?;
        let base_raw = self.raw(b);
        if !base_raw.is_object() || base_raw.is_union() {
            let msg = format!(
                "'base' requires a struct type, {} isn't",
                base_raw.describe()
            );
            return Err(with_label(info.error(msg), base.span));
        }
        Ok(Some(b))
    }

    /// The members, base members first, without clashes; and the types of the local ones.
    #[allow(clippy::type_complexity)]
    fn object_members(
        &self,
        index: usize,
        base: Option<usize>,
    ) -> Result<(Seen<'a>, Vec<FlatMember<'a>>, Vec<TypeId>), Diagnostic> {
        let raw = self.raw(index);
        let RawKind::Object {
            members: raw_members,
            ..
        } = &raw.kind
        else {
            return Err(internal("not an object"));
        };
        let inherited = base.map_or(0, |b| self.flat[b].len());
        let mut seen = Seen::with_capacity(inherited + raw_members.len());
        let mut flat: Vec<FlatMember<'a>> = Vec::with_capacity(inherited + raw_members.len());
        if let Some(b) = base {
            let info = self.info(index)?;
            for m in &self.flat[b] {
                seen.add(info, m.who, Some(m.span))?;
            }
            flat.extend(self.flat[b].iter().copied());
        }
        let mut local_types = Vec::with_capacity(raw_members.len());
        for (local, m) in raw_members.iter().enumerate() {
            let info = self.info(index)?;
            let who = Who {
                role: "member",
                name: &m.name,
                defined_in: &raw.name,
                union_kind: false,
            };
            let ty = TypeId(self.resolve(&m.ty, info, || who.describe(info))? as u32);
            check_feature_clash(info, &m.features, &m.name)?;
            seen.add(info, who, Some(m.span))?;
            local_types.push(ty);
            let (optional, conditional) = (m.optional, m.cond.is_some());
            let (owner, local) = (index as u32, local as u32);
            flat.push(FlatMember {
                who,
                span: m.span,
                ty,
                optional,
                conditional,
                owner,
                local,
            });
        }
        Ok((seen, flat, local_types))
    }

    /// QEMU's `QAPISchemaBranches.check()` and `check_clash()`: the discriminator, the implicit empty branches,
    /// each branch (checking its type, which may recurse), then branch members against base members.
    fn object_branches(
        &mut self,
        index: usize,
        tag: &'a str,
        branches: &'a [RawBranch],
        seen: &Seen<'a>,
        members: &[FlatMember<'a>],
    ) -> Result<Variants, Diagnostic> {
        let info = self.info(index)?;
        let (tag_type, cases) = self.union_cases(index, info, tag, branches, seen, members)?;
        let mut out = Vec::with_capacity(cases.len());
        for case in &cases {
            let ty = self.check_case(info, case, tag_type)?;
            self.check_nested_object(ty)?;
            out.push(Branch {
                name: case.name.to_owned(),
                span: case.span,
                ty: TypeId(ty as u32),
                cond: case.cond.clone(),
                json_type: JsonType::Object,
                implicit: case.ty.is_none(),
            });
        }
        let variants = Variants {
            tag_name: tag.to_owned(),
            tag_type: TypeId(tag_type as u32),
            branches: out,
        };
        self.check_branch_clashes(info, &variants, seen)?;
        Ok(variants)
    }

    /// The discriminator's rules; the branches to check, the implicit empty ones last. Returns the tag's enum.
    fn union_cases(
        &self,
        index: usize,
        info: &Info,
        tag: &'a str,
        branches: &'a [RawBranch],
        seen: &Seen<'a>,
        members: &[FlatMember<'a>],
    ) -> Result<(usize, Vec<Case<'a>>), Diagnostic> {
        let tag_member = match seen.get(tag) {
            Some(who) if who.name == tag => members.iter().find(|m| m.who.name == tag),
            _ => None,
        };
        let Some(tag_member) = tag_member else {
            return Err(info.error(format!("discriminator '{tag}' is not a member of 'base'")));
        };
        let owner = self.raw(tag_member.owner as usize);
        let base = if owner.implicit {
            "'base'".to_owned()
        } else {
            format!("base type '{}'", owner.name)
        };
        let tag_type = tag_member.ty.0 as usize;
        let RawKind::Enum { values, .. } = &self.raw(tag_type).kind else {
            return Err(info.error(format!(
                "discriminator member '{tag}' of {base} must be of enum type"
            )));
        };
        if tag_member.optional {
            return Err(info.error(format!(
                "discriminator member '{tag}' of {base} must not be optional"
            )));
        }
        if tag_member.conditional {
            return Err(info.error(format!(
                "discriminator member '{tag}' of {base} must not be conditional"
            )));
        }
        let union_name = self.raw(index).name.as_str();
        let mut cases: Vec<Case<'a>> = branches
            .iter()
            .map(|b| Case {
                name: &b.name,
                span: b.span,
                ty: Some(&b.ty),
                cond: &b.cond,
                defined_in: union_name,
            })
            .collect();
        let covered: FastSet<&str> = branches.iter().map(|b| b.name.as_str()).collect();
        for v in values.iter().filter(|v| !covered.contains(v.name.as_str())) {
            let span = v.span.unwrap_or(info.span);
            cases.push(Case {
                name: &v.name,
                span,
                ty: None,
                cond: &v.cond,
                defined_in: &owner.name,
            });
        }
        if cases.is_empty() {
            return Err(info.error("union has no branches"));
        }
        Ok((tag_type, cases))
    }

    /// One branch: its type resolves to an object, its name is a value of the tag's enum.
    fn check_case(
        &self,
        info: &Info,
        case: &Case<'a>,
        tag_type: usize,
    ) -> Result<usize, Diagnostic> {
        let who = Who {
            role: "branch",
            name: case.name,
            defined_in: case.defined_in,
            union_kind: false,
        };
        let ty = match case.ty {
            Some(ty) => self.resolve(ty, info, || who.describe(info))?,
            None => self
                .lookup("q_empty")
                .ok_or_else(|| internal("q_empty missing"))?,
        };
        let tag_raw = self.raw(tag_type);
        let is_value = match &tag_raw.kind {
            RawKind::Enum { values, .. } => values.iter().any(|v| v.name == case.name),
            _ => false,
        };
        if !is_value {
            let msg = format!(
                "branch '{}' is not a value of {}",
                case.name,
                tag_raw.describe()
            );
            return Err(info.error(msg).with_label(case.span));
        }
        let ty_raw = self.raw(ty);
        if !ty_raw.is_object() {
            let msg = format!("{} cannot use {}", who.describe(info), ty_raw.describe());
            let span = case.ty.and_then(|t| t.span).unwrap_or(case.span);
            return Err(info.error(msg).with_label(span));
        }
        Ok(ty)
    }

    /// Each branch's members (and, for a union branch, its branches' members, recursively) against the base's,
    /// as QEMU's `check_clash()` walks them. A branch type was checked before, so its members clash neither with
    /// one another nor with its own branches' members: only a clash with the base is left to find, and the walk
    /// meets it where QEMU's does.
    fn check_branch_clashes(
        &self,
        info: &Info,
        variants: &Variants,
        base: &Seen<'a>,
    ) -> Result<(), Diagnostic> {
        for b in &variants.branches {
            self.check_object_clash(info, b.ty.0 as usize, base, 0)?;
        }
        Ok(())
    }

    fn check_object_clash(
        &self,
        info: &Info,
        ty: usize,
        base: &Seen<'a>,
        depth: usize,
    ) -> Result<(), Diagnostic> {
        // Containment cycles were rejected when the branch types were checked; this only guards the stack.
        if depth > 400 {
            return Err(internal("branches nest too deeply"));
        }
        for m in &self.flat[ty] {
            if let Some(previous) = base.get(m.who.name) {
                let msg = format!(
                    "{} collides with {}",
                    m.who.describe(info),
                    previous.describe(info)
                );
                return Err(info.error(msg).with_label(m.span));
            }
        }
        if let Some(variants) = self.variants(ty) {
            for b in &variants.branches {
                self.check_object_clash(info, b.ty.0 as usize, base, depth + 1)?;
            }
        }
        Ok(())
    }
}
