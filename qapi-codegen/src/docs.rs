//! Doc comments → rustdoc: the schema's reStructuredText-flavoured prose rendered as Markdown.
//!
//! `` ``literal`` `` becomes `` `literal` ``, `@name` a code span (an intra-doc link when it names a
//! definition), `.. qmp-example::` and `::` literal blocks fenced ` ```text ` blocks (so that rustdoc never runs
//! them as doctests), `.. note::` a bold label. Indentation is kept only for list continuations, since four
//! spaces would otherwise make a Markdown code block.

use crate::ir::Cond;
use crate::names::Names;

/// Where a doc comment sits: intra-doc links are written from there.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    /// The path prefix that reaches the crate's definitions (`super::` in a module, `self::` at the root).
    pub prefix: &'a str,
    /// The schema module the doc is in, whose definitions are linked without a path.
    pub module: Option<usize>,
}

/// Renders schema doc text as Markdown lines.
pub fn markdown(text: &str, names: &Names, scope: Scope) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut lines = text.lines().peekable();
    // Width of the open list item's marker, for its continuation lines.
    let mut list_indent: Option<usize> = None;
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            list_indent = None;
            out.push(String::new());
            continue;
        }
        if let Some(directive) = trimmed.strip_prefix(".. ") {
            let (name, rest) = directive.split_once("::").unwrap_or((directive, ""));
            let literal = matches!(
                name.trim(),
                "qmp-example" | "code-block" | "code" | "example"
            );
            if literal {
                if !rest.trim().is_empty() && name.trim() != "code-block" {
                    out.push(format!("*{}*", inline(rest.trim(), names, scope)));
                }
                fence_block(&mut lines, indent, &mut out);
            } else {
                let label = match name.trim() {
                    "admonition" => rest.trim().to_string(),
                    other => capitalize(other),
                };
                out.push(format!("**{}:**", inline(&label, names, scope)));
            }
            list_indent = None;
            continue;
        }
        let is_literal_intro = trimmed.ends_with("::");
        let shown = if is_literal_intro {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if let Some(width) = list_marker(trimmed) {
            list_indent = Some(width);
            out.push(inline(shown, names, scope));
        } else if let Some(width) = list_indent {
            out.push(format!(
                "{}{}",
                " ".repeat(width),
                inline(shown, names, scope)
            ));
        } else {
            out.push(inline(shown, names, scope));
        }
        if is_literal_intro {
            fence_block(&mut lines, indent, &mut out);
            list_indent = None;
        }
    }
    // One blank line between blocks (outside fences), none at the ends.
    let mut lines: Vec<String> = Vec::with_capacity(out.len());
    let mut fenced = false;
    for line in out {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `- `, `* `, `1. `, `1) `, `#. `: the width of a list item's marker.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") {
        return Some(2);
    }
    let digits = line
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '#')
        .count();
    (digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") ")))
        .then_some(digits + 2)
}

/// The block indented deeper than `indent` that follows (after blank lines), as a ```` ```text ```` fence.
fn fence_block<'a>(
    lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
    indent: usize,
    out: &mut Vec<String>,
) {
    let mut block: Vec<&str> = Vec::new();
    while let Some(line) = lines.peek() {
        let t = line.trim_start();
        if !t.is_empty() && line.len() - t.len() <= indent {
            break;
        }
        block.push(line);
        lines.next();
    }
    while block.last().is_some_and(|l| l.trim().is_empty()) {
        block.pop();
    }
    let first = block.iter().position(|l| !l.trim().is_empty());
    let Some(first) = first else { return };
    let dedent = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min();
    let dedent = dedent.unwrap_or(0);
    out.push(String::new());
    out.push("```text".into());
    for line in &block[first..] {
        out.push(
            line.get(dedent..)
                .unwrap_or("")
                .trim_end()
                .replace("```", "` ` `"),
        );
    }
    out.push("```".into());
    out.push(String::new());
}

/// Inline markup of one line.
fn inline(line: &str, names: &Names, scope: Scope) -> String {
    let line = line.replace('\t', "    ").replace("``", "`");
    let mut out = String::with_capacity(line.len() + 8);
    // Escape Markdown/HTML specials outside code spans; `@name` references inside prose.
    for (i, segment) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(segment);
            continue;
        }
        let mut chars = segment.char_indices().peekable();
        while let Some((pos, c)) = chars.next() {
            match c {
                '[' | ']' => {
                    out.push('\\');
                    out.push(c);
                }
                'h' if segment[pos..].starts_with("https://")
                    || segment[pos..].starts_with("http://") =>
                {
                    // A bare URL: rustdoc wants it in angle brackets to make it a link.
                    let len = segment[pos..]
                        .find(|ch: char| ch.is_whitespace() || ch == ')')
                        .unwrap_or(segment.len() - pos);
                    let url = segment[pos..pos + len].trim_end_matches(['.', ',']);
                    out.push('<');
                    out.push_str(url);
                    out.push('>');
                    for _ in 1..url.chars().count() {
                        chars.next();
                    }
                }
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '@' if chars
                    .peek()
                    .is_some_and(|(_, n)| n.is_ascii_alphabetic() || *n == '_') =>
                {
                    let rest = &segment[pos + 1..];
                    let len = rest
                        .find(|ch: char| {
                            !(ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' || ch == '.')
                        })
                        .unwrap_or(rest.len());
                    let name = rest[..len].trim_end_matches('.');
                    match names.index(name) {
                        // Within the same module the name resolves by itself: an explicit target would be
                        // redundant (a rustdoc lint).
                        Some(i)
                            if names.module_of(i) == scope.module
                                && names.definitions[i] == name =>
                        {
                            out.push_str(&format!("[`{name}`]"))
                        }
                        Some(i) => out.push_str(&format!(
                            "[`{name}`]({}{})",
                            scope.prefix, names.definitions[i]
                        )),
                        None => out.push_str(&format!("`{name}`")),
                    }
                    for _ in 0..name.chars().count() {
                        chars.next();
                    }
                }
                _ => out.push(c),
            }
        }
    }
    // rST roles (:ref:`x`) keep only their text.
    for role in [":ref:", ":qapi:ref:", ":doc:"] {
        out = out.replace(role, "");
    }
    out
}

/// `///` lines for a block of Markdown, as prettyplease prints `#[doc]` attributes (empty for none).
pub fn attrs(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 32);
    for line in markdown.lines() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("///");
        // prettyplease dropped trailing spaces.
        let line = line.trim_end_matches(' ');
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
    }
    out
}

/// What every definition's docs end with: features, condition, since, link.
pub struct Footer<'a> {
    pub features: Vec<(&'a str, Option<&'a str>, Option<&'a Cond>)>,
    pub cond: Option<&'a Cond>,
    pub since: Option<&'a str>,
    pub url: Option<String>,
}

impl Footer<'_> {
    pub fn render(&self, names: &Names, scope: Scope, prose: bool) -> String {
        let mut out = Vec::new();
        for (name, text, cond) in &self.features {
            let mut line = format!("- `{name}`");
            if prose {
                if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
                    line.push_str(": ");
                    line.push_str(&markdown(text, names, scope).replace('\n', "\n  "));
                }
            }
            if let Some(cond) = cond {
                line.push_str(&format!(" (if `{}`)", crate::cfg::display(cond)));
            }
            out.push(line);
        }
        let mut parts = Vec::new();
        if !out.is_empty() {
            parts.push(format!("**Features:**\n\n{}", out.join("\n")));
        }
        if let Some(cond) = self.cond {
            parts.push(format!(
                "**Condition:** `{}` (QEMU built with it)",
                crate::cfg::display(cond)
            ));
        }
        if let Some(since) = self.since.and_then(|s| s.lines().next()) {
            parts.push(format!("**Since:** {}", since.trim()));
        }
        if let Some(url) = &self.url {
            parts.push(format!("[QEMU's documentation]({url})"));
        }
        parts.join("\n\n")
    }
}

/// The `doc_url` of one of QEMU's reference manuals, by name: `qmp` (QEMU's QMP), `qsd` (the storage daemon's),
/// `qga` (the guest agent's), each for the master manual (`https://www.qemu.org/docs/master/...`), or with
/// `@RELEASE` for the manual of that release as Read the Docs builds it per tag
/// (`qmp@10.2.0` → `https://qemu.readthedocs.io/en/v10.2.0/interop/qemu-qmp-ref.html#...`). The anchors are
/// those of QEMU's QAPI domain (`command-QMP-block-core.blockdev-add`), in the manuals since 10.0; an older
/// release's manual opens at the top of the page. `None` for anything else (a URL is taken as it is).
pub fn manual_url(spec: &str) -> Option<String> {
    let (manual, release) = match spec.split_once('@') {
        Some((m, r)) => (m, Some(r)),
        None => (spec, None),
    };
    let (page, namespace) = match manual {
        "qmp" => ("qemu-qmp-ref", "QMP"),
        "qsd" => ("qemu-storage-daemon-qmp-ref", "QSD"),
        "qga" => ("qemu-ga-ref", "QGA"),
        _ => return None,
    };
    let base = match release {
        None => "https://www.qemu.org/docs/master".to_string(),
        Some(r)
            if !r.is_empty()
                && r.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') =>
        {
            format!(
                "https://qemu.readthedocs.io/en/v{}",
                r.trim_start_matches('v')
            )
        }
        Some(_) => return None,
    };
    Some(format!(
        "{base}/interop/{page}.html#{{kind}}-{namespace}-{{module}}.{{name}}"
    ))
}

/// Joins non-empty Markdown parts with blank lines.
pub fn join(parts: impl IntoIterator<Item = String>) -> String {
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUPER: Scope = Scope {
        prefix: "super::",
        module: None,
    };

    #[test]
    fn literal_blocks_are_fenced_as_text() {
        let names = Names::default();
        let text = "Example:\n\n.. qmp-example::\n\n    -> { \"execute\": \"x\" }\n    <- { \"return\": {} }\n\nAfter.";
        let md = markdown(text, &names, SUPER);
        assert_eq!(
            md,
            "Example:\n\n```text\n-> { \"execute\": \"x\" }\n<- { \"return\": {} }\n```\n\nAfter."
        );
    }

    #[test]
    fn manuals_by_name() {
        assert_eq!(
            manual_url("qmp@10.2.0").as_deref(),
            Some("https://qemu.readthedocs.io/en/v10.2.0/interop/qemu-qmp-ref.html#{kind}-QMP-{module}.{name}")
        );
        assert_eq!(
            manual_url("qga").as_deref(),
            Some("https://www.qemu.org/docs/master/interop/qemu-ga-ref.html#{kind}-QGA-{module}.{name}")
        );
        assert_eq!(manual_url("qsd@v9.2.4").as_deref(), Some("https://qemu.readthedocs.io/en/v9.2.4/interop/qemu-storage-daemon-qmp-ref.html#{kind}-QSD-{module}.{name}"));
        assert_eq!(manual_url("https://example.invalid/{name}"), None);
        assert_eq!(manual_url("qmp@"), None);
        assert_eq!(manual_url("qmp@1/../x"), None);
    }

    #[test]
    fn inline_markup() {
        let names = Names::default();
        assert_eq!(
            markdown("use ``foo`` with @node-name [x] <y>", &names, SUPER),
            "use `foo` with `node-name` \\[x\\] &lt;y&gt;"
        );
        assert_eq!(
            markdown("- item\ncontinued\n    more", &names, SUPER),
            "- item\n  continued\n  more"
        );
    }
}
