//! What the schema says about each definition, kept in the generated code: its wire name, `Since:` version,
//! features and `'if'` condition.

/// The kind of a definition, as the schema spells its meta key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Meta {
    /// `enum`.
    Enum,
    /// `struct`.
    Struct,
    /// `union`.
    Union,
    /// `alternate`.
    Alternate,
    /// `command`.
    Command,
    /// `event`.
    Event,
}

/// A definition's metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Info {
    /// The name in the schema, e.g. `blockdev-add` or `BlockdevOptions`.
    pub name: &'static str,
    /// What kind of definition it is.
    pub meta: Meta,
    /// The schema module (file) that defines it, e.g. `block-core`.
    pub module: &'static str,
    /// The `Since:` section of its documentation, e.g. `2.9`.
    pub since: Option<&'static str>,
    /// Its features (`deprecated`, `unstable`, or free-form ones).
    pub features: &'static [&'static str],
    /// Its `'if'` condition, written as in the schema's 9.2 syntax: `CONFIG_X`, `all(A, not(B))`.
    pub condition: Option<&'static str>,
}

impl Info {
    /// Whether it has feature `feature`.
    pub fn has_feature(&self, feature: &str) -> bool {
        self.features.contains(&feature)
    }

    /// Whether it has the `deprecated` feature.
    pub fn is_deprecated(&self) -> bool {
        self.has_feature("deprecated")
    }

    /// Whether it has the `unstable` feature.
    pub fn is_unstable(&self) -> bool {
        self.has_feature("unstable")
    }
}

/// Implemented by every generated type, command and event.
pub trait Definition {
    /// The definition's metadata.
    const INFO: Info;
}
