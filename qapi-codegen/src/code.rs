//! The code writer: Rust source text with the layout prettyplease gives it, written directly.
//!
//! Emitters write lines into a [`Code`], which keeps the indentation of the open blocks. The few shapes whose
//! layout depends on their length (parameter lists, struct literals, match arms, call arguments) go through
//! helpers that put them on one line when it fits within [`MARGIN`] columns and one item a line, with a trailing
//! comma, otherwise: the rules prettyplease follows, so that the output reads as it did when it was formatted.

use std::fmt::Write as _;

/// Concatenates string slices into a `String` allocated at its size: `format!` without the formatting machinery,
/// which took a sixth of generation time when every emitter piece went through it.
macro_rules! cat {
    ($($part:expr),+ $(,)?) => {
        $crate::code::concat(&[$(::core::convert::AsRef::<str>::as_ref(&$part)),+])
    };
}
pub(crate) use cat;

/// The parts one after the other (`[&str]::concat` checks each addition and copies through a generic path).
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// The column a line may reach (prettyplease's margin; a list's trailing comma may go past it).
pub const MARGIN: usize = 89;

/// The widest `Path { fields }` kept on one line, counted from the path to the space before `}` (prettyplease's
/// rule, after rustfmt's `struct_lit_width`).
const STRUCT_LITERAL_WIDTH: usize = 34;

const INDENT: &str = "    ";

/// One entry of a list: the attributes before it (`#[cfg(..)]` lines, or empty) and its text.
pub struct Item {
    pub attrs: String,
    pub text: String,
}

impl Item {
    pub fn new(attrs: impl Into<String>, text: impl Into<String>) -> Item {
        Item {
            attrs: attrs.into(),
            text: text.into(),
        }
    }

    pub fn plain(text: impl Into<String>) -> Item {
        Item::new(String::new(), text)
    }

    /// Its width on one line, attributes included.
    fn width(&self) -> usize {
        match self.attrs.is_empty() {
            true => self.text.len(),
            false => self.attrs.len() + 1 + self.text.len(),
        }
    }

    /// Whether it can share a line: an attribute (`#[cfg]`) is followed by a space that breaks only with its
    /// list, a doc comment by a line break.
    fn inlines(&self) -> bool {
        !self.attrs.contains("///")
    }
}

/// Rust source being written.
#[derive(Default)]
pub struct Code {
    text: String,
    depth: usize,
}

impl Code {
    pub fn new() -> Code {
        Code::default()
    }

    /// A writer whose lines start `depth` blocks deep (for a piece that goes inside an open block).
    pub fn at_depth(depth: usize) -> Code {
        Code {
            text: String::new(),
            depth,
        }
    }

    /// [`Code::at_depth`] with room for `capacity` bytes.
    pub fn with_capacity(depth: usize, capacity: usize) -> Code {
        Code {
            text: String::with_capacity(capacity),
            depth,
        }
    }

    pub fn depth(&self) -> usize {
        self.depth
    }

    pub fn into_string(self) -> String {
        self.text
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Text written elsewhere at the same depth.
    pub fn append(&mut self, other: &str) {
        self.text.push_str(other);
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.text.push_str(INDENT);
        }
    }

    /// The columns left on a line of the current block.
    pub fn room(&self) -> usize {
        MARGIN.saturating_sub(self.depth * INDENT.len())
    }

    /// One line.
    pub fn line(&mut self, line: &str) {
        self.indent();
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// One line from parts, without building it first.
    pub fn line_of(&mut self, parts: &[&str]) {
        self.indent();
        parts.iter().for_each(|p| self.text.push_str(p));
        self.text.push('\n');
    }

    /// Lines of attributes or doc comments, each at the current indentation; nothing for empty text.
    pub fn attrs(&mut self, lines: &str) {
        if lines.is_empty() {
            return;
        }
        for line in lines.split('\n') {
            if line.starts_with("#[") && self.depth * INDENT.len() + line.len() > MARGIN {
                self.long_attr(line);
            } else {
                self.line(line);
            }
        }
    }

    /// An attribute too long for a line, its parenthesized lists broken one item a line from the outside in
    /// (`#[cfg(` / `any(` / `feature = "a",` ...), as prettyplease breaks attribute tokens.
    fn long_attr(&mut self, attr: &str) {
        let Some(inner) = attr.strip_prefix("#[").and_then(|a| a.strip_suffix(']')) else {
            self.line(attr);
            return;
        };
        self.group(inner, "#[", "]");
    }

    /// `lead` + `text` + `trail`, on one line if it fits, else `text`'s last parenthesized list broken.
    fn group(&mut self, text: &str, lead: &str, trail: &str) {
        let fits = self.depth * INDENT.len() + lead.len() + text.len() + trail.len() <= MARGIN;
        let call = split_call(text).filter(|(_, _, after)| after.is_empty());
        match call {
            Some((callee, args, _)) if !fits => {
                self.line_of(&[lead, callee, "("]);
                self.depth += 1;
                let last = args.len().saturating_sub(1);
                for (k, arg) in args.into_iter().enumerate() {
                    self.group(arg, "", if k == last { "" } else { "," });
                }
                self.depth -= 1;
                self.line_of(&[")", trail]);
            }
            _ => self.line_of(&[lead, text, trail]),
        }
    }

    /// `head(params) ret {`, opening a function's body; the parameters break as [`Code::params`] says.
    pub fn open_fn(&mut self, head: &str, params: &[&str], ret: &str) {
        let params: Vec<Item> = params.iter().map(|p| Item::plain(*p)).collect();
        self.params(head, &params, &cat!(ret, " {"));
        self.depth += 1;
    }

    /// `impl_trait for ty {`, with `for ty` on a line of its own when the whole does not fit (as prettyplease
    /// breaks a long impl header).
    pub fn open_impl(&mut self, impl_trait: &str, ty: &str) {
        if self.depth * INDENT.len() + impl_trait.len() + 5 + ty.len() + 2 <= MARGIN {
            self.line_of(&[impl_trait, " for ", ty, " {"]);
        } else {
            self.line(impl_trait);
            self.line_of(&["for ", ty, " {"]);
        }
        self.depth += 1;
    }

    /// `head {`, opening a block.
    pub fn open(&mut self, head: &str) {
        self.indent();
        self.text.push_str(head);
        self.text.push_str(" {\n");
        self.depth += 1;
    }

    /// Enters the block that the last line opened.
    pub fn begin(&mut self) {
        self.depth += 1;
    }

    /// `}` and what follows it on the line (`,`, `;`, `)`), closing a block.
    pub fn close(&mut self, tail: &str) {
        self.depth -= 1;
        self.indent();
        self.text.push('}');
        self.text.push_str(tail);
        self.text.push('\n');
    }

    /// `head(items) tail` on one line when it fits, else the items one a line.
    pub fn params(&mut self, head: &str, items: &[Item], tail: &str) {
        self.list(head, '(', items, ')', tail);
    }

    /// `head` + `open` + items + `close` + `tail` (a parameter list, an array) on one line when it fits, else
    /// the items one a line.
    pub fn list(&mut self, head: &str, open: char, items: &[Item], close: char, tail: &str) {
        // The open and close delimiters take a column each.
        let inline = head.len() + 2 + joined_width(items) + tail.len() <= self.room()
            && items.iter().all(Item::inlines);
        if inline {
            self.indent();
            self.text.push_str(head);
            self.text.push(open);
            push_joined(&mut self.text, items);
            self.text.push(close);
            self.text.push_str(tail);
            self.text.push('\n');
        } else {
            self.indent();
            self.text.push_str(head);
            self.text.push(open);
            self.text.push('\n');
            self.items(items);
            self.indent();
            self.text.push(close);
            self.text.push_str(tail);
            self.text.push('\n');
        }
    }

    /// `head { fields }tail` on one line when short (see [`STRUCT_LITERAL_WIDTH`]), else the fields one a
    /// line. `head` ends with the literal's path, `tail` follows its `}`.
    pub fn struct_literal(&mut self, head: &str, path: &str, fields: &[Item], tail: &str) {
        if fields.is_empty() {
            self.line_of(&[head, " {}", tail]);
            return;
        }
        let width = path.len() + 4 + joined_width(fields);
        let inline = width <= STRUCT_LITERAL_WIDTH
            && head.len() - path.len() + width + 1 + tail.len() <= self.room()
            && fields.iter().all(Item::inlines);
        if inline {
            self.indent();
            self.text.push_str(head);
            self.text.push_str(" { ");
            push_joined(&mut self.text, fields);
            self.text.push_str(" }");
            self.text.push_str(tail);
            self.text.push('\n');
        } else {
            self.open(head);
            self.fields(fields);
            self.close(tail);
        }
    }

    /// Items one a line, one block deeper, each with its attributes and a trailing comma.
    pub fn items(&mut self, items: &[Item]) {
        self.depth += 1;
        self.fields(items);
        self.depth -= 1;
    }

    /// Items one a line at the current depth, each with its attributes and a trailing comma.
    pub fn fields(&mut self, items: &[Item]) {
        for (k, item) in items.iter().enumerate() {
            self.attrs(&item.attrs);
            self.item(&item.text, k + 1 == items.len());
        }
    }

    /// One item of a broken list: the comma after it counts against the margin, except after the last item
    /// (prettyplease writes that one only when the list breaks).
    fn item(&mut self, text: &str, last: bool) {
        self.put(text, ",", if last { 0 } else { 1 });
    }

    /// Leaves a block opened without a brace (`f(` ... `)`), writing its last line.
    pub fn unindent(&mut self, line: &str) {
        self.depth -= 1;
        self.line(line);
    }

    /// `text` + `end` as a line; when it does not fit and `text` ends in one call's arguments (`f(a, b)`,
    /// `f(a)?`), the arguments go one a line as prettyplease breaks them. A trailing comma may pass the margin.
    pub fn entry(&mut self, text: &str, end: &str) {
        self.put(text, end, if end == "," { 0 } else { end.len() });
    }

    fn put(&mut self, text: &str, end: &str, end_width: usize) {
        if self.depth * INDENT.len() + text.len() + end_width <= MARGIN {
            self.line_of(&[text, end]);
            return;
        }
        if let Some((callee, args, after)) = split_call(text) {
            self.line_of(&[callee, "("]);
            self.depth += 1;
            let last = args.len().saturating_sub(1);
            for (k, arg) in args.into_iter().enumerate() {
                self.item(arg, k == last);
            }
            self.depth -= 1;
            self.line_of(&[")", after, end]);
        } else if let Some(dot) = text.rfind('.').filter(|_| !text.contains(['(', '"'])) {
            // `field: value.member`: the member access goes on a line of its own.
            self.line(&text[..dot]);
            self.depth += 1;
            self.line_of(&[&text[dot..], end]);
            self.depth -= 1;
        } else {
            self.line_of(&[text, end]);
        }
    }

    /// A statement `text;` after its attributes, on the same line when all fit (prettyplease's break after an
    /// attribute is in the statement's own box), else the attributes on lines of their own.
    pub fn statement(&mut self, attrs: &str, text: &str) {
        let width = self.depth * INDENT.len() + attrs.len() + 1 + text.len() + 1;
        if !attrs.is_empty() && !attrs.contains("///") && width <= MARGIN {
            self.indent();
            push_attrs_inline(&mut self.text, attrs);
            self.text.push_str(text);
            self.text.push_str(";\n");
            return;
        }
        self.attrs(attrs);
        self.entry(text, ";");
    }

    /// A match arm: `pat => body,` when it fits, else the body in a block of its own.
    pub fn arm(&mut self, attrs: &str, pat: &str, body: &str) {
        self.attrs(attrs);
        if body == "{}" {
            self.line_of(&[pat, " => {}"]);
        } else if self.depth * INDENT.len() + pat.len() + 4 + body.len() <= MARGIN {
            self.line_of(&[pat, " => ", body, ","]);
        } else {
            self.open(&cat!(pat, " =>"));
            self.entry(body, "");
            self.close("");
        }
    }

    /// `//! text` lines (inner doc comments, for a module).
    pub fn inner_doc(&mut self, markdown: &str) {
        self.doc_lines("//!", markdown);
    }

    fn doc_lines(&mut self, marker: &str, markdown: &str) {
        if markdown.is_empty() {
            return;
        }
        for line in markdown.lines() {
            self.indent();
            self.text.push_str(marker);
            let line = line.trim_end_matches(' ');
            if !line.is_empty() {
                self.text.push(' ');
                self.text.push_str(line);
            }
            self.text.push('\n');
        }
    }
}

/// The width of `a, b, c`.
fn joined_width(items: &[Item]) -> usize {
    items.iter().map(Item::width).sum::<usize>() + 2 * items.len().saturating_sub(1)
}

fn push_joined(out: &mut String, items: &[Item]) {
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        push_attrs_inline(out, &item.attrs);
        out.push_str(&item.text);
    }
}

/// Attribute lines as they read before an item on its line: `#[cfg(a)] #[cfg(b)] `.
fn push_attrs_inline(out: &mut String, attrs: &str) {
    if attrs.is_empty() {
        return;
    }
    for line in attrs.split('\n') {
        out.push_str(line);
        out.push(' ');
    }
}

/// `callee(a, b)after` split at its last call's top-level commas, when `text` ends with that call (and maybe
/// `?`); string literals are skipped whole.
fn split_call(text: &str) -> Option<(&str, Vec<&str>, &str)> {
    let after = if text.ends_with(")?") { "?" } else { "" };
    let body = text.strip_suffix(after)?.strip_suffix(')')?;
    // Find the `(` matching the final `)`, scanning forward so that strings are skipped correctly.
    let bytes = body.as_bytes();
    let mut opens = Vec::new();
    let mut in_str = false;
    let mut k = 0;
    while k < bytes.len() {
        match bytes[k] {
            b'\\' if in_str => k += 1,
            b'"' => in_str = !in_str,
            b'(' | b'[' | b'{' | b'<' if !in_str => opens.push(k),
            b')' | b']' | b'}' if !in_str => {
                opens.pop();
            }
            b'>' if !in_str && k > 0 && bytes[k - 1] != b'=' && bytes[k - 1] != b'-' => {
                opens.pop();
            }
            _ => {}
        }
        k += 1;
    }
    let open = *opens.first()?;
    if bytes[open] != b'(' || opens.len() != 1 {
        return None;
    }
    let inner = &body[open + 1..];
    let mut args = Vec::new();
    let (mut depth, mut start, mut in_str) = (0usize, 0, false);
    let mut k = 0;
    let bytes = inner.as_bytes();
    while k < bytes.len() {
        match bytes[k] {
            b'\\' if in_str => k += 1,
            b'"' => in_str = !in_str,
            b'(' | b'[' | b'{' if !in_str => depth += 1,
            b')' | b']' | b'}' if !in_str => depth = depth.saturating_sub(1),
            b',' if !in_str && depth == 0 => {
                args.push(inner[start..k].trim());
                start = k + 1;
            }
            _ => {}
        }
        k += 1;
    }
    args.push(inner[start..].trim());
    Some((&body[..open], args, after))
}

/// A Rust string literal for `s`, escaped as proc-macro2 escapes it.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

/// Appends the string literal for `s`.
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    // Wire names and most doc text need no escape: copied whole.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The byte string literal of a member's key for `Writer::field`: a comma, the name as a JSON string, a colon
/// (`b",\"name\":"`).
pub fn field_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 12);
    out.push_str("b\",\\\"");
    for b in name.bytes() {
        match b {
            // In JSON `\"` and `\\`, each character of which is escaped in the Rust literal.
            b'"' => out.push_str("\\\\\\\""),
            b'\\' => out.push_str("\\\\\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            // JSON's `\u00XX`.
            0..0x20 => {
                let _ = write!(out, "\\\\u{b:04x}");
            }
            // UTF-8 bytes, which a byte string holds as escapes.
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push_str("\\\":\"");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_keys_are_json_in_byte_strings() {
        assert_eq!(field_key("node-name"), r#"b",\"node-name\":""#);
        assert_eq!(field_key("a\"b\\é"), r#"b",\"a\\\"b\\\\\xc3\xa9\":""#);
        assert_eq!(field_key("\n"), r#"b",\"\\u000a\":""#);
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(string("\u{1}"), r#""\u{1}""#);
    }

    #[test]
    fn short_struct_literals_stay_on_one_line() {
        let mut code = Code::at_depth(2);
        code.struct_literal("Self", "Self", &[Item::plain("id: id.into()")], "");
        code.struct_literal(
            "rt::Ok(Self",
            "Self",
            &[Item::plain("format: rt::take(object, \"format\")?")],
            ")",
        );
        assert_eq!(
            code.as_str(),
            "        Self { id: id.into() }\n        rt::Ok(Self {\n            format: rt::take(object, \"format\")?,\n        })\n"
        );
    }

    #[test]
    fn attributes_share_a_statement_line_when_it_fits() {
        let mut code = Code::at_depth(2);
        code.statement(
            "#[cfg(CONFIG_LINUX)]",
            "rt::put_opt(object, \"tight\", &self.tight)",
        );
        let long = "rt::put_opt(object, \"tls-creds-and-more\", &self.tls_creds_and_more)";
        code.statement("#[cfg(all(CONFIG_TLS, not(CONFIG_NO_TLS)))]", long);
        assert_eq!(
            code.as_str(),
            format!(
                "        #[cfg(CONFIG_LINUX)] rt::put_opt(object, \"tight\", &self.tight);\n        \
                 #[cfg(all(CONFIG_TLS, not(CONFIG_NO_TLS)))]\n        {long};\n"
            )
        );
    }

    #[test]
    fn long_arms_get_a_block() {
        let mut code = Code::at_depth(5);
        code.arm(
            "",
            "\"dsound\"",
            "AudiodevBranch::Dsound(rt::ObjectType::decode_members(object)?)",
        );
        assert_eq!(
            code.as_str(),
            "                    \"dsound\" => {\n                        AudiodevBranch::Dsound(rt::ObjectType::decode_members(object)?)\n                    }\n"
        );
    }

    #[test]
    fn long_calls_break_their_arguments() {
        let mut code = Code::at_depth(2);
        let long = format!("condition: rt::Some({})", string(&"X".repeat(90)));
        code.entry(&long, ",");
        assert_eq!(
            code.as_str(),
            format!(
                "        condition: rt::Some(\n            \"{}\",\n        ),\n",
                "X".repeat(90)
            )
        );
    }
}
