//! Doc comments: a `##` block split into its parts.
//!
//! The shape follows QEMU's `QAPIDoc`: a body, `@name:` descriptions of members and of features, then tagged
//! (`Returns:`, `Errors:`, `Since:`, `TODO:`) and untagged sections in source order.

use crate::source::Span;

/// A doc comment block: a definition's doc (`## @Name:`) or free-form text.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    /// The block, from its opening `##` to its closing `##`.
    pub span: Span,
    /// `@Symbol:` on the first line makes a definition doc; `None` is a free-form doc.
    pub symbol: Option<String>,
    /// The text before the first `@name:` description or tagged section.
    pub body: Section,
    /// Member (argument, enum value, branch) descriptions, in source order. The schema stage appends an empty one
    /// (with `documented: false`) for each member the doc leaves out, as QEMU does.
    pub args: Vec<ArgSection>,
    /// Feature descriptions after a `Features:` line.
    pub features: Vec<ArgSection>,
    /// Tagged and untagged sections after the descriptions, in source order.
    pub sections: Vec<Section>,
}

/// A section of a doc block: the body, a tagged section (`Since:`), or an untagged paragraph.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Where the section starts (its first line).
    pub span: Span,
    /// `Returns`, `Errors`, `Since`, `TODO` (and, read tolerantly from older schemas, `Note`, `Example`, ...);
    /// `None` for an untagged paragraph.
    pub tag: Option<String>,
    /// The text with `# ` stripped and trailing blanks removed, leading and trailing empty lines trimmed.
    pub text: String,
}

/// An `@name:` description of a member or a feature.
#[derive(Clone, Debug, PartialEq)]
pub struct ArgSection {
    /// The member's or feature's name.
    pub name: String,
    /// Where the description starts.
    pub span: Span,
    /// The description's text, as for [`Section::text`].
    pub text: String,
    /// `false` for a description the schema stage added for an undocumented member.
    pub documented: bool,
}

impl Doc {
    /// The text of the first section with this tag.
    pub fn section(&self, tag: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.tag.as_deref() == Some(tag))
    }

    /// The `Since:` version, if documented.
    pub fn since(&self) -> Option<&str> {
        self.section("Since").map(|s| s.text.as_str())
    }

    /// The description of member `name`.
    pub fn arg(&self, name: &str) -> Option<&ArgSection> {
        self.args.iter().find(|a| a.name == name)
    }

    /// The description of feature `name`.
    pub fn feature(&self, name: &str) -> Option<&ArgSection> {
        self.features.iter().find(|a| a.name == name)
    }
}
