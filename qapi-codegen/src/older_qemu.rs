//! Bindings that also decode what an older QEMU sends ([`Options::oldest_qemu`](crate::Options)).
//!
//! A QEMU release adds members to the objects it returns, and some of them are required from then on (QEMU 10.1
//! made `children` of `BlockDeviceInfo` one). Bindings generated from the newer schema then fail to decode the
//! replies of an older QEMU, though nothing is wrong with them. The schema's docs say when a member came
//! (`@children: ... (since: 10.1)`), so this pass makes such a member optional when the bindings are to serve a
//! QEMU older than that release: only in types QEMU sends (command returns and event data, and what they contain),
//! never in types the client sends, and not when the member came with its type.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use crate::ir::{Api, Args, Branch, Definition, Doc, Kind, TypeExpr};

/// A QEMU release by major and minor number (`10.1`): what the schema's `(since X.Y)` notes name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release {
    /// `10` of `10.1`.
    pub major: u16,
    /// `1` of `10.1`.
    pub minor: u16,
}

impl FromStr for Release {
    type Err = String;

    /// `10.1`, `10.1.0` or `v10.1`; a micro number is ignored (QAPI changes only in major or minor releases).
    fn from_str(text: &str) -> Result<Release, String> {
        let bad = || format!("`{text}` is not a QEMU release (as in 10.1)");
        let mut parts = text.trim().trim_start_matches('v').split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        match parts.next() {
            Some(micro) if micro.parse::<u16>().is_err() => return Err(bad()),
            _ if parts.next().is_some() => return Err(bad()),
            _ => {}
        }
        Ok(Release { major, minor })
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The release a doc text names as its member's first: the first `(since X.Y`, any case, colon or not.
pub(crate) fn since_note(text: &str) -> Option<Release> {
    let lower = text.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("(since") {
        rest = &rest[at + "(since".len()..];
        if let Some(release) = leading_release(rest.trim_start_matches(':').trim_start()) {
            return Some(release);
        }
    }
    None
}

/// The release `text` starts with (`10.1`, `2.12.0`, `10.1.`), ignoring what follows.
fn leading_release(text: &str) -> Option<Release> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    text[..end].trim_end_matches('.').parse().ok()
}

/// The first line of a definition's `Since:` section as a release.
fn def_since(def: &Definition) -> Option<Release> {
    leading_release(def.since()?)
}

/// `api` with the members that a QEMU as old as `oldest` does not send made optional.
pub(crate) fn relax(api: &Api, oldest: Release) -> Api {
    let index = index(api);
    let received = received_only(api, &index);
    let mut out = api.clone();
    for (i, def) in out.definitions.iter_mut().enumerate() {
        let relaxable = received.contains(&i);
        let own_since = def_since(&api.definitions[i]);
        let docs = member_docs(api, &index, i);
        let members = match &mut def.kind {
            Kind::Struct(s) if relaxable => &mut s.members,
            Kind::Union(u) if relaxable => &mut u.members,
            // An event's inline data is only ever received.
            Kind::Event(e) => match &mut e.data {
                Args::Inline(members) => members,
                _ => continue,
            },
            _ => continue,
        };
        for member in members.iter_mut().filter(|m| !m.optional) {
            let Some(since) = docs
                .iter()
                .find_map(|doc| doc.arg(&member.name).and_then(since_note))
            else {
                continue;
            };
            if since > oldest && own_since.is_none_or(|own| since > own) {
                member.optional = true;
                member.required_since = Some(since.to_string());
            }
        }
    }
    out
}

/// The docs that may describe the members of definition `i`: its own, then its bases' (base members are listed
/// on the derived type).
fn member_docs<'a>(api: &'a Api, index: &HashMap<&str, usize>, i: usize) -> Vec<&'a Doc> {
    let mut docs = Vec::new();
    let mut next = Some(i);
    let mut seen = HashSet::new();
    while let Some(i) = next.filter(|i| seen.insert(*i)) {
        let def = &api.definitions[i];
        docs.extend(def.doc.as_ref());
        next = match &def.kind {
            Kind::Struct(s) => s.base.as_deref(),
            Kind::Union(u) => u.base.as_deref(),
            _ => None,
        }
        .and_then(|base| index.get(base).copied());
    }
    docs
}

fn index(api: &Api) -> HashMap<&str, usize> {
    api.definitions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.name.as_str(), i))
        .collect()
}

/// The definitions whose values QEMU sends and never receives.
fn received_only(api: &Api, index: &HashMap<&str, usize>) -> HashSet<usize> {
    let sent = reachable(api, index, Direction::Sent);
    let mut received = reachable(api, index, Direction::Received);
    received.retain(|i| !sent.contains(i));
    received
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Command returns and event data.
    Received,
    /// Command arguments.
    Sent,
}

/// The definitions (by index) whose values travel in `direction`, through members, branches and arrays.
fn reachable(api: &Api, index: &HashMap<&str, usize>, direction: Direction) -> HashSet<usize> {
    let mut todo: Vec<&TypeExpr> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for def in &api.definitions {
        let args = match (&def.kind, direction) {
            (Kind::Command(c), Direction::Received) => {
                todo.extend(c.returns.as_ref());
                continue;
            }
            (Kind::Command(c), Direction::Sent) => &c.args,
            (Kind::Event(e), Direction::Received) => &e.data,
            _ => continue,
        };
        match args {
            Args::None => {}
            Args::Inline(members) => todo.extend(members.iter().map(|m| &m.ty)),
            Args::Named(name) => names.push(name),
        }
    }
    let mut seen = HashSet::new();
    loop {
        let name = match (names.pop(), todo.pop()) {
            (Some(name), _) => name,
            (None, Some(TypeExpr::Named(name))) => name.as_str(),
            (None, Some(TypeExpr::Array(element))) => {
                todo.push(element);
                continue;
            }
            (None, Some(TypeExpr::Builtin(_) | TypeExpr::Empty)) => continue,
            (None, None) => break,
        };
        let Some(&i) = index.get(name) else {
            continue;
        };
        if !seen.insert(i) {
            continue;
        }
        match &api.definitions[i].kind {
            Kind::Struct(s) => todo.extend(s.members.iter().map(|m| &m.ty)),
            Kind::Union(u) => {
                todo.extend(u.members.iter().map(|m| &m.ty));
                names.extend(u.branches.iter().filter_map(|b| b.ty.as_deref()));
            }
            Kind::Alternate(branches) | Kind::SimpleUnion(branches) => {
                todo.extend(branches.iter().map(|b: &Branch| &b.ty))
            }
            Kind::Enum(_) | Kind::Command(_) | Kind::Event(_) => {}
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_since_notes_as_qemu_writes_them() {
        let r = |major, minor| Some(Release { major, minor });
        assert_eq!(since_note("Information.  (since: 10.1)"), r(10, 1));
        assert_eq!(since_note("QOM type name (Since 10.1)"), r(10, 1));
        assert_eq!(since_note("x\n    (since 2.12.0)"), r(2, 12));
        assert_eq!(
            since_note("(Since 4.2, not supported for listening sockets until 10.1)"),
            r(4, 2)
        );
        assert_eq!(since_note("since 10.1 without parentheses"), None);
        assert_eq!(since_note("(since the beginning) (since 3.0)"), r(3, 0));
    }

    /// What the pass claims, checked on real releases: relaxed for QEMU `old`, every member that stays required
    /// in a type QEMU sends is in that type in `old`'s own schema too (types and members by schema name).
    fn check_against(old: &str, oldest: Release) -> Vec<String> {
        let load = |rel: &str| {
            let path = qapi_tests::shared_file(rel)?;
            let schema = qapi_schema::load(&path, &qapi_schema::Options::default()).unwrap();
            Some(Api::from_schema(&schema))
        };
        let (Some(new), Some(old)) = (
            load("qemu/10.2.0/qapi/qapi-schema.json"),
            load(&format!("qemu/{old}/qapi/qapi-schema.json")),
        ) else {
            return Vec::new();
        };
        let relaxed = relax(&new, oldest);
        let received = received_only(&new, &index(&new));
        let members = |def: &Definition| match &def.kind {
            Kind::Struct(s) => s.members.clone(),
            Kind::Union(u) => u.members.clone(),
            _ => Vec::new(),
        };
        let mut missing = Vec::new();
        for i in &received {
            let def = &relaxed.definitions[*i];
            let Some(before) = old.definitions.iter().find(|d| d.name == def.name) else {
                continue; // A type the old QEMU lacks: so does its command or the member holding it.
            };
            let before = members(before);
            for m in members(def).iter().filter(|m| !m.optional) {
                if !before.iter().any(|b| b.name == m.name) {
                    missing.push(format!("{}.{}", def.name, m.name));
                }
            }
        }
        missing.sort();
        missing
    }

    #[test]
    fn what_stays_required_is_sent_by_older_releases() {
        // Members QEMU added as required without a `(since X.Y)` note: the pass cannot know of them. Between 8.2 and
        // 9.2 QEMU made SevInfo a union on a new member `sev-type`, whose docs give no release.
        let undocumented = ["SevInfo.sev-type"];
        for (old, release) in [
            ("6.2.0", "6.2"),
            ("7.2.0", "7.2"),
            ("8.2.0", "8.2"),
            ("9.2.4", "9.2"),
        ] {
            let missing = check_against(old, release.parse().unwrap());
            let missing: Vec<&String> = missing
                .iter()
                .filter(|m| !undocumented.contains(&m.as_str()))
                .collect();
            assert!(
                missing.is_empty(),
                "QEMU {old} lacks, yet required: {missing:?}"
            );
        }
    }

    #[test]
    fn parses_releases() {
        assert_eq!(
            "10.0".parse(),
            Ok(Release {
                major: 10,
                minor: 0
            })
        );
        assert_eq!("v9.2.4".parse(), Ok(Release { major: 9, minor: 2 }));
        assert!("10".parse::<Release>().is_err());
        assert!("10.x".parse::<Release>().is_err());
        assert!("1.2.3.4".parse::<Release>().is_err());
        assert!(
            Release {
                major: 10,
                minor: 1
            } > Release {
                major: 9,
                minor: 12
            }
        );
    }
}
