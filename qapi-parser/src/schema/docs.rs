//! Doc comments against definitions: every member, value, branch and feature of a documented definition must
//! be described, and every description must describe something (QEMU's `QAPIDoc.connect_member`,
//! `connect_feature` and `check`). An undocumented member of a definition listed in `documentation-exceptions`
//! gets an empty description appended, as QEMU does.

use crate::diagnostic::Diagnostic;
use crate::doc::{ArgSection, Doc};

use super::check::{internal, Checker};
use super::entity::{DocId, Feature};
use super::hash::FastSet;
use super::raw::{Info, RawKind, RawMember};

pub(crate) struct DocLinks {
    pub docs: Vec<Doc>,
    /// Whether each description the doc comments wrote describes something (descriptions appended for
    /// undocumented members always do).
    args: Flags,
    features: Flags,
    exceptions: FastSet<String>,
    /// Doc-markup faults become warnings.
    tolerant: bool,
}

/// One flag per description of every doc, all in one vector.
struct Flags {
    flags: Vec<bool>,
    /// Where each doc's flags start; one more entry for the end.
    starts: Vec<u32>,
}

impl Flags {
    fn new(docs: &[Doc], count: impl Fn(&Doc) -> usize) -> Flags {
        let mut starts = Vec::with_capacity(docs.len() + 1);
        let mut total = 0;
        for d in docs {
            starts.push(total as u32);
            total += count(d);
        }
        starts.push(total as u32);
        Flags {
            flags: vec![false; total],
            starts,
        }
    }

    fn of(&self, doc: usize) -> &[bool] {
        &self.flags[self.starts[doc] as usize..self.starts[doc + 1] as usize]
    }

    /// Mark a description connected (those past the doc's own are connected already).
    fn set(&mut self, doc: usize, pos: usize) {
        let i = self.starts[doc] as usize + pos;
        if i < self.starts[doc + 1] as usize {
            self.flags[i] = true;
        }
    }
}

impl DocLinks {
    pub fn new(docs: Vec<Doc>, exceptions: &[String], tolerant: bool) -> DocLinks {
        let args = Flags::new(&docs, |d| d.args.len());
        let features = Flags::new(&docs, |d| d.features.len());
        DocLinks {
            docs,
            args,
            features,
            exceptions: exceptions.iter().cloned().collect(),
            tolerant,
        }
    }

    fn report(&self, diag: Diagnostic, warnings: &mut Vec<Diagnostic>) -> Result<(), Diagnostic> {
        if self.tolerant {
            warnings.push(diag.as_warning());
            Ok(())
        } else {
            Err(diag)
        }
    }

    /// `quiet`: a member QEMU made up (a legacy union's tag), documented or not.
    fn connect_member(
        &mut self,
        doc: DocId,
        name: &str,
        role: &str,
        info: &Info,
        quiet: bool,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let d = doc.0 as usize;
        let Some(the_doc) = self.docs.get(d) else {
            return Err(internal("doc index out of range"));
        };
        if let Some(pos) = the_doc.args.iter().position(|a| a.name == name) {
            self.args.set(d, pos);
            return Ok(());
        }
        let exempt = the_doc
            .symbol
            .as_ref()
            .is_some_and(|s| self.exceptions.contains(s));
        if !quiet && !exempt {
            self.report(
                info.error(format!("{role} '{name}' lacks documentation")),
                warnings,
            )?;
        }
        let span = the_doc.span;
        self.docs[d].args.push(ArgSection {
            name: name.to_owned(),
            span,
            text: String::new(),
            documented: false,
        });
        Ok(())
    }

    fn connect_feature(
        &mut self,
        doc: DocId,
        feature: &Feature,
        info: &Info,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let d = doc.0 as usize;
        let Some(the_doc) = self.docs.get(d) else {
            return Err(internal("doc index out of range"));
        };
        if let Some(pos) = the_doc.features.iter().position(|a| a.name == feature.name) {
            self.features.set(d, pos);
            return Ok(());
        }
        let diag = info
            .error(format!("feature '{}' lacks documentation", feature.name))
            .with_label(feature.span);
        self.report(diag, warnings)?;
        let span = the_doc.span;
        let stub = ArgSection {
            name: feature.name.clone(),
            span,
            text: String::new(),
            documented: false,
        };
        self.docs[d].features.push(stub);
        Ok(())
    }

    fn connect_features(
        &mut self,
        doc: DocId,
        features: &[Feature],
        info: &Info,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<(), Diagnostic> {
        features
            .iter()
            .try_for_each(|f| self.connect_feature(doc, f, info, warnings))
    }

    fn connect_members(
        &mut self,
        doc: DocId,
        members: &[RawMember],
        info: &Info,
        quiet: bool,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<(), Diagnostic> {
        for m in members {
            self.connect_member(doc, &m.name, "member", info, quiet, warnings)?;
            self.connect_features(doc, &m.features, info, warnings)?;
        }
        Ok(())
    }

    /// Descriptions of members and features that do not exist, once every definition is connected.
    pub fn check(&self, warnings: &mut Vec<Diagnostic>) -> Result<(), Diagnostic> {
        for (d, doc) in self.docs.iter().enumerate() {
            for (sections, connected, what) in [
                (&doc.args, self.args.of(d), "member"),
                (&doc.features, self.features.of(d), "feature"),
            ] {
                let bogus: Vec<&ArgSection> = sections
                    .iter()
                    .zip(connected)
                    .filter(|(_, &c)| !c)
                    .map(|(s, _)| s)
                    .collect();
                let Some(first) = bogus.first() else { continue };
                let names: Vec<&str> = bogus.iter().map(|s| s.name.as_str()).collect();
                let msg = if bogus.len() > 1 {
                    format!("documented {what}s '{}' do not exist", names.join("', '"))
                } else {
                    format!("documented {what} '{}' does not exist", names[0])
                };
                self.report(Diagnostic::semantic(first.span, msg), warnings)?;
            }
        }
        Ok(())
    }
}

impl Checker<'_> {
    /// QEMU's `connect_doc()` of one entity.
    pub fn connect_doc(&mut self, index: usize) -> Result<(), Diagnostic> {
        let raw = self.raw(index);
        let Some(doc) = raw.doc else { return Ok(()) };
        let info = self.info(index)?;
        let docs = &mut *self.docs;
        let warnings = &mut *self.warnings;
        docs.connect_features(doc, &raw.features, info, warnings)?;
        match &raw.kind {
            RawKind::Enum {
                values, union_kind, ..
            } => {
                let role = if *union_kind { "branch" } else { "value" };
                for v in values {
                    docs.connect_member(doc, &v.name, role, info, false, warnings)?;
                    docs.connect_features(doc, &v.features, info, warnings)?;
                }
            }
            RawKind::Object {
                base,
                members,
                legacy_simple_union,
                ..
            } => {
                if let Some(base) = base.as_ref().and_then(|b| self.defs.by_name.get(&b.name)) {
                    let base = &self.defs.entities[*base as usize];
                    if let (true, RawKind::Object { members, .. }) = (base.implicit, &base.kind) {
                        docs.connect_members(doc, members, info, false, warnings)?;
                    }
                }
                docs.connect_members(doc, members, info, *legacy_simple_union, warnings)?;
            }
            RawKind::Alternate(branches) => {
                for b in branches {
                    docs.connect_member(doc, &b.name, "branch", info, false, warnings)?;
                }
            }
            RawKind::Command { arg, .. } | RawKind::Event { arg, .. } => {
                if let Some(arg) = arg.as_ref().and_then(|a| self.defs.by_name.get(&a.name)) {
                    let arg = &self.defs.entities[*arg as usize];
                    if let (true, RawKind::Object { members, .. }) = (arg.implicit, &arg.kind) {
                        docs.connect_members(doc, members, info, false, warnings)?;
                    }
                }
            }
            RawKind::Include(_) | RawKind::Builtin(_) | RawKind::Array(_) => {}
        }
        Ok(())
    }
}
