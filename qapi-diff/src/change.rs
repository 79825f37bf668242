//! What a diff reports: one [`Change`] per difference a client can see, placed under the command, event or type
//! it concerns, and classified for the direction(s) it travels in.

use std::fmt;

use qapi_introspection::wire::JsonType;

/// How a change affects an existing client, by QEMU's compatibility rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// Clients built for the old schema keep working.
    Compatible,
    /// Concerns only `x-` names or items marked `unstable`: outside the stable API, no promise made.
    Unstable,
    /// A client built for the old schema can fail.
    Breaking,
}

impl Class {
    /// The word used in reports: `compatible`, `unstable`, `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Compatible => "compatible",
            Class::Unstable => "unstable",
            Class::Breaking => "breaking",
        }
    }
}

/// Which way the data travels: what a client sends (command arguments) or receives (returns, event data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// What a client sends: command arguments.
    Send = 0,
    /// What a client receives: command returns and event data.
    Receive = 1,
}

impl Direction {
    /// The word used in reports: `send` or `receive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Send => "send",
            Direction::Receive => "receive",
        }
    }
}

/// What a change is listed under.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    /// A command, by name.
    Command(String),
    /// An event, by name.
    Event(String),
    /// A type, by its (new) schema name: renames.
    Type(String),
}

impl Root {
    /// `command`, `event` or `type`.
    pub fn meta(&self) -> &'static str {
        match self {
            Root::Command(_) => "command",
            Root::Event(_) => "event",
            Root::Type(_) => "type",
        }
    }

    /// The command's, event's or type's name.
    pub fn name(&self) -> &str {
        match self {
            Root::Command(n) | Root::Event(n) | Root::Type(n) => n,
        }
    }
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.meta(), self.name())
    }
}

/// Which part of a command or event a change is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// A command's arguments (sent).
    Arguments,
    /// A command's returns (received).
    Returns,
    /// An event's data (received).
    Data,
}

impl Part {
    /// The word used in reports: `arguments`, `returns`, `data`.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Arguments => "arguments",
            Part::Returns => "returns",
            Part::Data => "data",
        }
    }

    /// Which way the part travels.
    pub fn direction(self) -> Direction {
        match self {
            Part::Arguments => Direction::Send,
            Part::Returns | Part::Data => Direction::Receive,
        }
    }
}

/// How a type changed when its values' set grew or shrank.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Every old value is still valid (`int8` → `int64`, `T` → an alternate with a `T` branch, enum → `str`).
    Widened,
    /// Every new value was valid before.
    Narrowed,
    /// Neither: the values differ.
    Incompatible,
}

/// What changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// A command appeared.
    CommandAdded,
    /// `deprecated`: the command was marked deprecated.
    CommandRemoved {
        /// The command was marked deprecated before it went.
        deprecated: bool,
    },
    /// An event appeared.
    EventAdded,
    /// An event went away.
    EventRemoved {
        /// The event was marked deprecated before it went.
        deprecated: bool,
    },
    /// A member appeared.
    MemberAdded {
        /// Whether the new member is optional.
        optional: bool,
    },
    /// A member went away.
    MemberRemoved {
        /// Whether the member was optional.
        optional: bool,
        /// Whether the member was marked deprecated.
        deprecated: bool,
    },
    /// A mandatory member became optional.
    MemberNowOptional,
    /// An optional member became mandatory.
    MemberNowMandatory,
    /// An enum gained a value.
    ValueAdded {
        /// The new value.
        value: String,
    },
    /// An enum lost a value.
    ValueRemoved {
        /// The value that went.
        value: String,
        /// Whether the value was marked deprecated.
        deprecated: bool,
    },
    /// A union branch with members appeared (for a new tag value, or one whose branch was empty).
    BranchAdded {
        /// The tag value of the branch.
        case: String,
    },
    /// A union branch with members went away (or lost all its members).
    BranchRemoved {
        /// The tag value of the branch.
        case: String,
    },
    /// An alternate gained a branch.
    AlternateBranchAdded {
        /// The JSON type that selects the branch.
        class: JsonType,
        /// The branch's type, described.
        ty: String,
    },
    /// An alternate lost a branch.
    AlternateBranchRemoved {
        /// The JSON type that selected the branch.
        class: JsonType,
        /// The branch's type, described.
        ty: String,
    },
    /// A member, element or branch has another type.
    TypeChanged {
        /// The old type, described (`int64`, `enum BlockdevDriver`, `[str]`).
        old: String,
        /// The new type, described.
        new: String,
        /// Whether the set of values grew, shrank or neither.
        relation: Relation,
    },
    /// A union's discriminator member changed.
    TagChanged {
        /// The old discriminator.
        old: String,
        /// The new discriminator.
        new: String,
    },
    /// `value` names the enum value the feature is on, if it is on one.
    FeatureAdded {
        /// The feature's name.
        feature: String,
        /// The enum value the feature is on, if it is on one.
        value: Option<String>,
    },
    /// A feature went away (`value` as for [`ChangeKind::FeatureAdded`]).
    FeatureRemoved {
        /// The feature's name.
        feature: String,
        /// The enum value the feature was on, if it was on one.
        value: Option<String>,
    },
    /// The `'if'` of the item changed (from schema files only: a running QEMU has none).
    ConditionChanged {
        /// The old condition; `None` when there was none.
        old: Option<String>,
        /// The new condition; `None` when there is none.
        new: Option<String>,
        /// The enum value the condition is on, if it is on one.
        value: Option<String>,
    },
    /// `allow-oob` of a command changed.
    AllowOob {
        /// Its new value.
        now: bool,
    },
    /// `allow-preconfig` of a command changed (schema files only).
    AllowPreconfig {
        /// Its new value.
        now: bool,
    },
    /// A type was renamed one to one (both sides schema files).
    TypeRenamed {
        /// The old name.
        old: String,
        /// The new name.
        new: String,
    },
}

impl ChangeKind {
    /// A stable code for tools (`--format json`).
    pub fn code(&self) -> &'static str {
        match self {
            ChangeKind::CommandAdded => "command-added",
            ChangeKind::CommandRemoved { .. } => "command-removed",
            ChangeKind::EventAdded => "event-added",
            ChangeKind::EventRemoved { .. } => "event-removed",
            ChangeKind::MemberAdded { .. } => "member-added",
            ChangeKind::MemberRemoved { .. } => "member-removed",
            ChangeKind::MemberNowOptional => "member-optional",
            ChangeKind::MemberNowMandatory => "member-mandatory",
            ChangeKind::ValueAdded { .. } => "enum-value-added",
            ChangeKind::ValueRemoved { .. } => "enum-value-removed",
            ChangeKind::BranchAdded { .. } => "branch-added",
            ChangeKind::BranchRemoved { .. } => "branch-removed",
            ChangeKind::AlternateBranchAdded { .. } => "alternate-branch-added",
            ChangeKind::AlternateBranchRemoved { .. } => "alternate-branch-removed",
            ChangeKind::TypeChanged { .. } => "type-changed",
            ChangeKind::TagChanged { .. } => "discriminator-changed",
            ChangeKind::FeatureAdded { .. } => "feature-added",
            ChangeKind::FeatureRemoved { .. } => "feature-removed",
            ChangeKind::ConditionChanged { .. } => "condition-changed",
            ChangeKind::AllowOob { .. } => "allow-oob-changed",
            ChangeKind::AllowPreconfig { .. } => "allow-preconfig-changed",
            ChangeKind::TypeRenamed { .. } => "type-renamed",
        }
    }

    /// An addition (`+`), a removal (`-`) or a change (`~`).
    pub fn sign(&self) -> char {
        match self {
            ChangeKind::CommandAdded
            | ChangeKind::EventAdded
            | ChangeKind::MemberAdded { .. }
            | ChangeKind::ValueAdded { .. }
            | ChangeKind::BranchAdded { .. }
            | ChangeKind::AlternateBranchAdded { .. }
            | ChangeKind::FeatureAdded { .. } => '+',
            ChangeKind::CommandRemoved { .. }
            | ChangeKind::EventRemoved { .. }
            | ChangeKind::MemberRemoved { .. }
            | ChangeKind::ValueRemoved { .. }
            | ChangeKind::BranchRemoved { .. }
            | ChangeKind::AlternateBranchRemoved { .. }
            | ChangeKind::FeatureRemoved { .. } => '-',
            _ => '~',
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let was_deprecated = |d: &bool| if *d { " (was deprecated)" } else { "" };
        let on_value = |v: &Option<String>| match v {
            Some(v) => format!("enum value '{v}': "),
            None => String::new(),
        };
        match self {
            ChangeKind::CommandAdded => write!(f, "command added"),
            ChangeKind::CommandRemoved { deprecated } => {
                write!(f, "command removed{}", was_deprecated(deprecated))
            }
            ChangeKind::EventAdded => write!(f, "event added"),
            ChangeKind::EventRemoved { deprecated } => {
                write!(
                    f,
                    "event removed (no longer sent){}",
                    was_deprecated(deprecated)
                )
            }
            ChangeKind::MemberAdded { optional: true } => write!(f, "optional member added"),
            ChangeKind::MemberAdded { optional: false } => write!(f, "mandatory member added"),
            ChangeKind::MemberRemoved {
                optional,
                deprecated,
            } => write!(
                f,
                "{} member removed{}",
                if *optional { "optional" } else { "mandatory" },
                was_deprecated(deprecated)
            ),
            ChangeKind::MemberNowOptional => write!(f, "member now optional"),
            ChangeKind::MemberNowMandatory => write!(f, "member now mandatory"),
            ChangeKind::ValueAdded { value } => write!(f, "enum value '{value}' added"),
            ChangeKind::ValueRemoved { value, deprecated } => {
                write!(
                    f,
                    "enum value '{value}' removed{}",
                    was_deprecated(deprecated)
                )
            }
            ChangeKind::BranchAdded { case } => write!(f, "union branch '{case}' added"),
            ChangeKind::BranchRemoved { case } => write!(f, "union branch '{case}' removed"),
            ChangeKind::AlternateBranchAdded { class, ty } => {
                write!(f, "alternate now also accepts a {} ({ty})", class.as_str())
            }
            ChangeKind::AlternateBranchRemoved { class, ty } => {
                write!(f, "alternate no longer accepts a {} ({ty})", class.as_str())
            }
            ChangeKind::TypeChanged { old, new, relation } => {
                let how = match relation {
                    Relation::Widened => "widened",
                    Relation::Narrowed => "narrowed",
                    Relation::Incompatible => "changed",
                };
                write!(f, "type {how}: {old} → {new}")
            }
            ChangeKind::TagChanged { old, new } => {
                write!(f, "union discriminator changed: '{old}' → '{new}'")
            }
            ChangeKind::FeatureAdded { feature, value } => {
                write!(f, "{}feature '{feature}' added", on_value(value))
            }
            ChangeKind::FeatureRemoved { feature, value } => {
                write!(f, "{}feature '{feature}' removed", on_value(value))
            }
            ChangeKind::ConditionChanged {
                old, new, value, ..
            } => {
                write!(f, "{}", on_value(value))?;
                match (old, new) {
                    (None, Some(new)) => write!(f, "now conditional on {new}"),
                    (Some(old), None) => write!(f, "no longer conditional (was {old})"),
                    (Some(old), Some(new)) => write!(f, "condition changed: {old} → {new}"),
                    (None, None) => write!(f, "condition unchanged"),
                }
            }
            ChangeKind::AllowOob { now } => write!(f, "allow-oob now {now}"),
            ChangeKind::AllowPreconfig { now } => write!(f, "allow-preconfig now {now}"),
            ChangeKind::TypeRenamed { old, new } => write!(f, "type {old} renamed to {new}"),
        }
    }
}

/// One difference, where it is and what it means for clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The command, event or type the change is listed under.
    pub root: Root,
    /// `None` for a change to the command or event itself (added, removed, features, flags) and for renames.
    pub part: Option<Part>,
    /// Where inside the part: `.member`, `[]` (array elements), `{tag=value}` (union branch), `<string>`
    /// (alternate branch); empty for the part's top level.
    pub path: String,
    /// What changed.
    pub kind: ChangeKind,
    /// What the change means for existing clients, stability included.
    pub class: Class,
    /// What QEMU's rules say of the change, stability aside: [`Class::Breaking`] or [`Class::Compatible`]. Equal to
    /// `class` unless the change is outside the stable API (an `unstable` command added is compatible in nature).
    pub verdict: Class,
    /// For an item added or removed: its `'if'` condition, from the side that has it. Against a running QEMU
    /// (which has no conditions), a conditional item "removed" may only be left out of that build.
    pub condition: Option<String>,
    /// The directions in which the changed item travels.
    pub directions: Vec<Direction>,
    /// Other commands and events the same change reaches (through a shared type); listed once, under `root`.
    pub also: Vec<Root>,
}

impl Change {
    /// `arguments.driver{driver=qcow2}.file`: the part and the path, as printed.
    pub fn location(&self) -> String {
        match self.part {
            Some(part) => format!("{}{}", part.as_str(), self.path),
            None => self.path.trim_start_matches('.').to_string(),
        }
    }
}

impl Change {
    /// The change's message: the kind, and the condition of what was added or removed.
    pub fn message(&self) -> String {
        match &self.condition {
            Some(cond) => format!("{} (if {cond})", self.kind),
            None => self.kind.to_string(),
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let location = self.location();
        write!(f, "{}", self.root)?;
        if !location.is_empty() {
            write!(f, " {location}")?;
        }
        write!(f, ": {} [{}]", self.message(), self.class.as_str())
    }
}
