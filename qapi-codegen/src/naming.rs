//! The naming rule a user of the bindings can guess, and its statement in the generated crate's docs.
//!
//! - a type keeps its schema name (`BlockdevOptions`, `IOThreadInfo`);
//! - a command's argument struct is the command's name in `UpperCamelCase` (`query-status` → `QueryStatus`), its
//!   `Commands` method the name in `snake_case` (`qmp.query_status()`); when a type already has the name (the
//!   transaction actions `BlockdevBackup`, `DriveMirror`, ...), the command's struct takes a `Command` suffix;
//! - an event's data struct is the event's name in `UpperCamelCase` plus `Event`, always (`STOP` → `StopEvent`,
//!   `RESUME` → `ResumeEvent`), and its `AnyEvent` variant the name without the suffix (`AnyEvent::Stop`). No
//!   event can take a command's or a type's name.
//!
//! The numbered suffix of [`crate::names`] only separates names that clash once case-mapped.

use crate::names::{self, upper_camel};

/// The Rust name an event's data struct asks for: `STOP` → `StopEvent`.
pub fn event(name: &str) -> String {
    // `SELF` is `Self_` alone, `SelfEvent` with the suffix.
    let mut out = upper_camel(name).trim_end_matches('_').to_owned();
    out.push_str("Event");
    out
}

/// The `AnyEvent` variant of each event (schema names, in order): `STOP` → `Stop`, `Unknown` reserved.
pub fn any_event_variants<'a>(events: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    names::unique(events.into_iter().map(upper_camel), &["Unknown"], "")
}

/// The rule as the generated crate's docs state it (Markdown).
pub const RULE: &str = "\
# Names

- A type keeps its schema name: `BlockdevOptions`, `StatusInfo`.
- A command is a struct named after it in `UpperCamelCase` (`query-status` → `QueryStatus`), holding its arguments,
  and a method of [`Commands`] in `snake_case` (`qmp.query_status()`). When a type already has the command's name
  (the transaction actions such as `blockdev-backup`), the command's struct adds `Command`: `BlockdevBackupCommand`.
- An event is a struct named after it in `UpperCamelCase` plus `Event`, always: `STOP` → `StopEvent`, `RESUME` →
  `ResumeEvent`; in [`AnyEvent`] its variant drops the suffix (`AnyEvent::Stop(StopEvent)`).
- Members are fields in `snake_case` (`node-name` → `node_name`); enum values and branches are variants in
  `UpperCamelCase`. A Rust keyword is escaped (`r#type`); two names that become the same Rust name are told apart
  by a number (`Foo2`), the first in schema order keeping the plain form.
- Every item links to its entry in QEMU's manual and says its schema name, so searching the docs for the wire name
  (`query-status`, `STOP`) finds it.

# Calling commands

A command without arguments takes none: `qmp.query_version()`. Every other command takes its arguments, even when
all of them are optional: `qmp.migrate(Migrate::new().with_uri(\"unix:/tmp/m.sock\"))`, or
`qmp.query_named_block_nodes(Default::default())` to send none. A command whose arguments are a named type takes
that type (`qmp.blockdev_add(options)`). Structs are `#[non_exhaustive]`: build them with `new(required
members)` and `with_*` setters (`Default` where every member is optional), unions and alternates with `From`
(`BlockdevRef::from(\"node0\")`).
";
