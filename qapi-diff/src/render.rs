//! A diff for people (grouped by command, event and type, one line a change, a summary) and for tools (JSON).

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::change::{Change, ChangeKind, Class, Root};
use crate::diff::Diff;

/// How the human rendering looks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// ANSI colours (for a terminal).
    pub color: bool,
    /// How many other commands or events a shared change lists by name before it counts them.
    pub also_shown: usize,
}

impl Style {
    /// Without colours, three other names listed.
    pub fn plain() -> Style {
        Style {
            color: false,
            also_shown: 3,
        }
    }

    /// With ANSI colours, three other names listed.
    pub fn colored() -> Style {
        Style {
            color: true,
            also_shown: 3,
        }
    }
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// The human rendering: a heading per command, event or type, then one line per change:
/// `  - breaking    arguments.id: mandatory member removed`, then a summary line.
pub fn human(diff: &Diff, style: Style) -> String {
    let paint = |code: &str, text: &str| {
        if style.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    let mut current: Option<&Root> = None;
    for change in &diff.changes {
        if current != Some(&change.root) {
            current = Some(&change.root);
            let _ = writeln!(out, "{}", paint(BOLD, &change.root.to_string()));
        }
        let color = match change.class {
            Class::Breaking => RED,
            Class::Compatible => GREEN,
            Class::Unstable => YELLOW,
        };
        let label = paint(color, &format!("{:<10}", change.class.as_str()));
        let location = change.location();
        let _ = write!(out, "  {} {label}  ", change.kind.sign());
        if !location.is_empty() {
            let _ = write!(out, "{location}: ");
        }
        let _ = write!(out, "{}", change.message());
        if !change.also.is_empty() {
            let _ = write!(out, " {}", paint(DIM, &also(change, style.also_shown)));
        }
        out.push('\n');
    }
    if !diff.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary_line(diff));
    out
}

fn also(change: &Change, shown: usize) -> String {
    let names: Vec<&str> = change.also.iter().take(shown).map(Root::name).collect();
    let rest = change.also.len().saturating_sub(shown);
    let mut text = format!("(also in {}", names.join(", "));
    if rest > 0 {
        let _ = write!(text, " and {rest} more");
    }
    text.push(')');
    text
}

/// `3 breaking, 40 compatible, 2 outside the stable API; commands: 2 added, 1 removed, 7 changed; ...`
pub fn summary_line(diff: &Diff) -> String {
    if diff.is_empty() {
        return "no changes".to_string();
    }
    let s = diff.summary();
    let mut line = format!(
        "{} change{}: {} breaking, {} compatible, {} outside the stable API",
        diff.changes.len(),
        if diff.changes.len() == 1 { "" } else { "s" },
        s.breaking,
        s.compatible,
        s.unstable
    );
    let _ = write!(
        line,
        "; commands: {} added, {} removed, {} changed; events: {} added, {} removed, {} changed",
        s.commands_added,
        s.commands_removed,
        s.commands_changed,
        s.events_added,
        s.events_removed,
        s.events_changed
    );
    if s.types_renamed > 0 {
        let _ = write!(line, "; {} types renamed", s.types_renamed);
    }
    line
}

/// The JSON rendering: `{"old", "new", "summary", "changes": [...]}`; each change has `meta` and `name` (of the
/// command, event or type it is listed under), `part`, `path`, `kind` (a stable code), `class`, `directions`,
/// `message`, `also`, and the kind's details.
pub fn json(diff: &Diff, old: &str, new: &str) -> Value {
    let s = diff.summary();
    json!({
        "old": old,
        "new": new,
        "summary": {
            "changes": diff.changes.len(),
            "breaking": s.breaking,
            "compatible": s.compatible,
            "unstable": s.unstable,
            "commands": {"added": s.commands_added, "removed": s.commands_removed, "changed": s.commands_changed},
            "events": {"added": s.events_added, "removed": s.events_removed, "changed": s.events_changed},
            "types-renamed": s.types_renamed,
        },
        "changes": diff.changes.iter().map(change_json).collect::<Vec<_>>(),
    })
}

fn change_json(c: &Change) -> Value {
    let mut v = json!({
        "meta": c.root.meta(),
        "name": c.root.name(),
        "part": c.part.map(|p| p.as_str()),
        "path": c.path,
        "kind": c.kind.code(),
        "class": c.class.as_str(),
        "verdict": c.verdict.as_str(),
        "directions": c.directions.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        "message": c.message(),
        "condition": c.condition,
        "also": c.also.iter().map(|r| json!({"meta": r.meta(), "name": r.name()})).collect::<Vec<_>>(),
    });
    if let (Value::Object(map), Value::Object(details)) = (&mut v, details(&c.kind)) {
        map.extend(details);
    }
    v
}

fn details(kind: &ChangeKind) -> Value {
    match kind {
        ChangeKind::CommandRemoved { deprecated } | ChangeKind::EventRemoved { deprecated } => {
            json!({ "deprecated": deprecated })
        }
        ChangeKind::MemberAdded { optional } => json!({ "optional": optional }),
        ChangeKind::MemberRemoved {
            optional,
            deprecated,
        } => json!({ "optional": optional, "deprecated": deprecated }),
        ChangeKind::ValueAdded { value } => json!({ "value": value }),
        ChangeKind::ValueRemoved { value, deprecated } => {
            json!({ "value": value, "deprecated": deprecated })
        }
        ChangeKind::BranchAdded { case } | ChangeKind::BranchRemoved { case } => {
            json!({ "case": case })
        }
        ChangeKind::AlternateBranchAdded { class, ty }
        | ChangeKind::AlternateBranchRemoved { class, ty } => {
            json!({ "json-type": class.as_str(), "type": ty })
        }
        ChangeKind::TypeChanged { old, new, relation } => json!({
            "old": old,
            "new": new,
            "relation": format!("{relation:?}").to_lowercase(),
        }),
        ChangeKind::TagChanged { old, new } | ChangeKind::TypeRenamed { old, new } => {
            json!({ "old": old, "new": new })
        }
        ChangeKind::FeatureAdded { feature, value }
        | ChangeKind::FeatureRemoved { feature, value } => {
            json!({ "feature": feature, "value": value })
        }
        ChangeKind::ConditionChanged {
            old, new, value, ..
        } => json!({ "old": old, "new": new, "value": value }),
        ChangeKind::AllowOob { now } | ChangeKind::AllowPreconfig { now } => json!({ "now": now }),
        ChangeKind::CommandAdded
        | ChangeKind::EventAdded
        | ChangeKind::MemberNowOptional
        | ChangeKind::MemberNowMandatory => json!({}),
    }
}
