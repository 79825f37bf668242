//! Doc comment blocks: a `##` ... `##` block read line by line and split into a [`Doc`].
//!
//! Strict mode follows the rules of its QEMU release to the letter, including their quirks (a continuation line's
//! indentation is checked only against the line right after the first indented one; an untagged paragraph merges
//! into the preceding untagged section). 9.2 and 10.2 read blocks alike, except that 9.2 takes a line starting
//! with `=` for a heading, allowed only first in a free-form block, and 10.2 checks each line's style
//! (`doc_style.rs`). Tolerant mode reads what older releases wrote — `Note:` and `Example:` sections,
//! section text that is not indented, `=` headings anywhere — and turns each markup-only error into a warning.

// `Diagnostic` is the project's one error type, returned by value through every stage.
#![allow(clippy::result_large_err)]

use crate::diagnostic::Diagnostic;
use crate::doc::{ArgSection, Doc, Section};
use crate::doc_style::{LiteralBlocks, StyleFault};
use crate::source::{FileId, SourceFile, Span};
use crate::{Options, Rules};

const MUST_END: &str = "documentation comment must end with '##'";

/// Read the doc block whose opening `##` comment starts at byte `start` of `file`.
///
/// Returns the doc and the offset just past the closing `##` line's text. In tolerant mode a block that runs into
/// something other than a comment ends there, with a warning, and the offset returned is where that thing starts.
pub fn parse_doc_block(
    file: &SourceFile,
    id: FileId,
    start: usize,
    options: &Options,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Doc, usize), Diagnostic> {
    let rules = Strictness {
        tolerant: options.is_tolerant(),
        headings_9_2: !options.is_tolerant() && options.rules() == Rules::V9_2,
        line_style: options
            .strict_since(Rules::V10_2)
            .then(LiteralBlocks::default),
        warnings,
    };
    let mut parser = DocParser {
        lines: Lines::new(file, id, start),
        rules,
        doc: Parts::new(id, start),
    };
    parser.read_block()?;
    let end = parser.lines.block_end;
    let doc = parser
        .doc
        .finish(Span::new(id, start, end), &mut parser.rules)?;
    Ok((doc, end))
}

/// Where markup errors go: returned in strict mode, kept as warnings in tolerant mode.
struct Strictness<'w> {
    tolerant: bool,
    /// QEMU 9.2's `=` headings: only on a free-form block's first line, never in a definition's doc.
    headings_9_2: bool,
    /// QEMU 10.2's line style, with the literal blocks seen so far in this doc block.
    line_style: Option<LiteralBlocks>,
    warnings: &'w mut Vec<Diagnostic>,
}

impl Strictness<'_> {
    /// Fail in strict mode; in tolerant mode record a warning and let the caller recover.
    fn reject(&mut self, diag: Diagnostic) -> Result<(), Diagnostic> {
        if self.tolerant {
            self.warnings.push(diag.as_warning());
            Ok(())
        } else {
            Err(diag)
        }
    }
}

/// Python's `str.isspace()`, which QEMU's lexer and its `\s` patterns use.
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn rstrip(s: &str) -> &str {
    // Lines nearly always end in ASCII: trim bytes, and only a non-ASCII end needs the character test.
    let ascii_space = |b: u8| matches!(b, b'\t'..=b'\r' | 0x1c..=0x1f | b' ');
    let keep = s
        .bytes()
        .rposition(|b| !ascii_space(b))
        .map_or(0, |i| i + 1);
    let trimmed = &s[..keep];
    match trimmed.as_bytes().last() {
        Some(&b) if b >= 0x80 => trimmed.trim_end_matches(py_isspace),
        _ => trimmed,
    }
}

/// Number of leading whitespace characters (QEMU counts characters, not bytes).
fn indent_of(s: &str) -> usize {
    s.chars().take_while(|&c| py_isspace(c)).count()
}

/// `@name: text` at the start of a line: the name (anything up to the first colon) and the text after the colon
/// and its following spaces.
fn at_name_colon(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('@')?;
    let colon = rest.find(':')?;
    Some((&rest[..colon], rest[colon + 1..].trim_start_matches(' ')))
}

/// A section tag at the start of a line: the tag and the text after `Tag:` and its following spaces. A tag
/// followed by `::` is rST markup, not a section.
fn section_tag(line: &str) -> Option<(&str, &str)> {
    // Longer spellings first, as QEMU's `Notes?` tries the plural first.
    const TAGS: [&str; 8] = [
        "Returns", "Errors", "Since", "Notes", "Note", "Examples", "Example", "TODO",
    ];
    TAGS.iter().find_map(|tag| {
        let rest = line.strip_prefix(tag)?;
        if rest.starts_with("::") {
            return None;
        }
        let text = rest.strip_prefix(':')?;
        Some((&line[..tag.len()], text.trim_start_matches(' ')))
    })
}

/// Tags QEMU 9.2 rejects with a pointer to rST markup; older releases used them as sections.
fn retired_tag_message(tag: &str) -> Option<String> {
    if tag.starts_with("Note") {
        Some(format!(
            "The '{tag}' section is no longer supported. Please use rST's '.. note::' or '.. admonition:: notes' \
             directives, or another suitable admonition instead."
        ))
    } else if tag.starts_with("Example") {
        Some(format!(
            "The '{tag}' section is no longer supported. Please use the '.. qmp-example::' directive, or other \
             suitable markup instead."
        ))
    } else {
        None
    }
}

/// The comment lines of a block, read with the lexer's rules: between the lines only whitespace may appear.
struct Lines<'a> {
    text: &'a str,
    file: FileId,
    cursor: usize,
    /// The current token: `tok..tok_end`.
    tok: usize,
    tok_end: usize,
    /// Set once the block has ended; then no more lines are read.
    done: bool,
    block_end: usize,
}

/// What the lexer found next.
enum Token<'a> {
    Comment(&'a str),
    /// Anything else, or the end of the file, at `tok`.
    Other,
}

impl<'a> Lines<'a> {
    fn new(source: &'a SourceFile, file: FileId, start: usize) -> Lines<'a> {
        let text = source.text.as_str();
        let start = start.min(text.len());
        Lines {
            text,
            file,
            cursor: start,
            tok: start,
            tok_end: start,
            done: false,
            block_end: start,
        }
    }

    /// The offset of the newline ending the line that holds `pos`, or the end of the text. (memchr, not the
    /// file's line table: a schema that loads never needs the table, so it is not built for docs.)
    fn line_end(&self, pos: usize) -> usize {
        memchr::memchr(b'\n', &self.text.as_bytes()[pos..]).map_or(self.text.len(), |n| pos + n)
    }

    /// The current token.
    fn span(&self) -> Span {
        Span::new(self.file, self.tok, self.tok_end)
    }

    fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::parse(self.span(), message)
    }

    /// The lexer's next token, as QEMU reads it inside a doc block (comments are tokens, whitespace is skipped).
    fn next_token(&mut self) -> Token<'a> {
        let bytes = self.text.as_bytes();
        loop {
            let start = self.cursor;
            let Some(&byte) = bytes.get(start) else {
                self.tok = self.text.len().saturating_sub(1);
                self.tok_end = self.tok;
                return Token::Other;
            };
            let (space, len) = match byte {
                b'#' => {
                    let end = self.line_end(start);
                    (self.tok, self.tok_end, self.cursor) = (start, end, end);
                    return Token::Comment(&self.text[start..end]);
                }
                // The file ends with a newline; the lexer reports the end of the file at that newline.
                b'\n' => (start + 1 < bytes.len(), 1),
                b'\t'..=b'\r' | 0x1c..=0x1f | b' ' => (true, 1),
                _ if byte.is_ascii() => (false, 1),
                _ => {
                    let c = self.text[start..].chars().next().unwrap_or_default();
                    (py_isspace(c), c.len_utf8())
                }
            };
            self.cursor = start + len;
            if !space {
                (self.tok, self.tok_end) = (start, self.cursor);
                return Token::Other;
            }
        }
    }

    /// The opening comment, which must be exactly `##`.
    fn open(&mut self, rules: &mut Strictness) -> Result<(), Diagnostic> {
        match self.next_token() {
            Token::Comment(val) if val == "##" || (rules.tolerant && val == "##\r") => Ok(()),
            Token::Comment(_) => {
                rules.reject(self.error("junk after '##' at start of documentation comment"))
            }
            Token::Other => Err(self.error(MUST_END)),
        }
    }

    /// The next line's text (`# ` and trailing blanks removed; empty for a bare `#`), or `None` at the closing
    /// `##`.
    fn advance(&mut self, rules: &mut Strictness) -> Result<Option<&'a str>, Diagnostic> {
        if self.done {
            return Ok(None);
        }
        let val = match self.next_token() {
            Token::Comment(val) => val,
            Token::Other => {
                rules.reject(self.error(self.not_a_comment()))?;
                self.done = true;
                self.block_end = self.tok;
                return Ok(None);
            }
        };
        // CRLF files: QEMU would keep the carriage return; tolerant mode treats it as part of the line end.
        let val = if rules.tolerant {
            val.strip_suffix('\r').unwrap_or(val)
        } else {
            val
        };
        if val.starts_with("##") {
            if val != "##" {
                rules.reject(self.error("junk after '##' at end of documentation comment"))?;
            }
            self.done = true;
            self.block_end = self.tok_end;
            return Ok(None);
        }
        let rest = &val[1..];
        if rest.is_empty() {
            return Ok(Some(""));
        }
        match rest.strip_prefix(' ') {
            Some(text) => {
                let line = rstrip(text);
                if let Some(blocks) = &mut rules.line_style {
                    self.check_style(blocks, line)?;
                }
                Ok(Some(line))
            }
            None => {
                rules.reject(self.error("missing space after #"))?;
                Ok(Some(rstrip(rest)))
            }
        }
    }

    /// QEMU 10.2's style rules on the current line, whose text (after `# `) is `line`.
    fn check_style(&self, blocks: &mut LiteralBlocks, line: &str) -> Result<(), Diagnostic> {
        match blocks.check(line) {
            Ok(()) => Ok(()),
            Err(fault) => {
                let span = match fault {
                    StyleFault::TooLong => self.span(),
                    // Just past the sentence's end, as QEMU points.
                    StyleFault::OneSpace(at) => {
                        let pos = self.tok + 2 + at + 1;
                        Span::new(self.file, pos, pos + 1)
                    }
                };
                Err(Diagnostic::parse(span, fault.message()))
            }
        }
    }

    /// The message QEMU gives for a token that is not a comment where a doc line is expected: its lexer's error
    /// when the token itself is malformed, else [`MUST_END`].
    fn not_a_comment(&self) -> String {
        let rest = &self.text[self.tok..];
        let Some(first) = rest.chars().next() else {
            return MUST_END.to_owned();
        };
        if "{}:,[]\n".contains(first) || rest.starts_with("true") || rest.starts_with("false") {
            return MUST_END.to_owned();
        }
        if first == '\'' {
            return string_error(&rest[1..]).unwrap_or_else(|| MUST_END.to_owned());
        }
        let run: String = rest
            .chars()
            .take_while(|&c| !"[]{}:,'".contains(c) && !py_isspace(c))
            .collect();
        format!("stray '{run}'")
    }
}

/// The lexer's error for a string whose text (after the opening quote) is `rest`, if any.
fn string_error(rest: &str) -> Option<String> {
    let mut escaped = false;
    for ch in rest.chars() {
        if ch == '\n' {
            return Some("missing terminating \"'\"".to_owned());
        }
        if escaped {
            if ch != '\\' {
                return Some(format!("unknown escape \\{ch}"));
            }
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
            continue;
        } else if ch == '\'' {
            return None;
        }
        if !(' '..='~').contains(&ch) {
            return Some("funny character in string".to_owned());
        }
    }
    Some("missing terminating \"'\"".to_owned())
}

/// What a part of the doc is. The body is always the first part. Names and tags borrow the file's text until the
/// doc is finished.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind<'a> {
    Body,
    Untagged,
    Tagged(&'a str),
    Member(&'a str),
    Feature(&'a str),
}

struct Part<'a> {
    kind: Kind<'a>,
    span: Span,
    /// Index in [`Parts::lines`] of the part's first line; its lines run up to the next part's first.
    first: usize,
}

/// The doc being built: all its parts in source order, as QEMU's `QAPIDoc.all_sections`. A part's text is its
/// lines, each followed by a newline; the lines are kept as slices of the file and joined once, when the doc is
/// finished, so that building a part's text costs one allocation.
struct Parts<'a> {
    symbol: Option<&'a str>,
    parts: Vec<Part<'a>>,
    lines: Vec<&'a str>,
}

impl<'a> Parts<'a> {
    fn new(file: FileId, start: usize) -> Parts<'a> {
        let body = Part {
            kind: Kind::Body,
            span: Span::new(file, start, start),
            first: 0,
        };
        // Room for a typical doc, to spare the vectors most of their regrowth.
        let mut parts = Vec::with_capacity(16);
        parts.push(body);
        Parts {
            symbol: None,
            parts,
            lines: Vec::with_capacity(64),
        }
    }

    fn last(&mut self) -> &mut Part<'a> {
        // The body is never removed, so there is always a last part.
        let last = self.parts.len() - 1;
        &mut self.parts[last]
    }

    /// The lines of the last part.
    fn last_lines(&self) -> &[&'a str] {
        let first = self.parts.last().map_or(0, |p| p.first);
        &self.lines[first..]
    }

    fn append(&mut self, line: &'a str) {
        self.lines.push(line);
    }

    /// Continue the last part if it is untagged (the body included), else start an untagged section.
    fn ensure_untagged(&mut self, span: Span) {
        let empty = self.last_lines().is_empty();
        let last = self.last();
        if matches!(last.kind, Kind::Body | Kind::Untagged) {
            if empty {
                last.span = span;
            }
            self.lines.push("");
        } else {
            self.push(Kind::Untagged, span);
        }
    }

    fn push(&mut self, kind: Kind<'a>, span: Span) {
        self.parts.push(Part {
            kind,
            span,
            first: self.lines.len(),
        });
    }

    /// Whether the last part has no text yet (blank lines aside).
    fn last_is_empty(&self) -> bool {
        self.last_lines().iter().all(|line| line.is_empty())
    }

    fn has(&self, kind: Kind) -> bool {
        self.parts.iter().any(|p| p.kind == kind)
    }

    fn has_features(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p.kind, Kind::Feature(_)))
    }

    fn new_tagged(
        &mut self,
        span: Span,
        tag: &'a str,
        rules: &mut Strictness,
    ) -> Result<(), Diagnostic> {
        let kind = Kind::Tagged(tag);
        if matches!(tag, "Returns" | "Errors" | "Since") && self.has(kind) {
            rules.reject(Diagnostic::semantic(
                span,
                format!("duplicated '{tag}' section"),
            ))?;
        }
        self.push(kind, span);
        Ok(())
    }

    /// Start the description of a member or feature. `false` when tolerant mode kept the line as text instead.
    fn new_description(
        &mut self,
        span: Span,
        name: &'a str,
        feature: bool,
        rules: &mut Strictness,
    ) -> Result<bool, Diagnostic> {
        if name.is_empty() {
            rules.reject(Diagnostic::semantic(span, "invalid parameter name"))?;
            return Ok(false);
        }
        let kind = if feature {
            Kind::Feature(name)
        } else {
            Kind::Member(name)
        };
        if self.has(kind) {
            rules.reject(Diagnostic::semantic(
                span,
                format!("'{name}' parameter name duplicated"),
            ))?;
        }
        self.push(kind, span);
        Ok(true)
    }

    /// QEMU's `QAPIDoc.end()`: trim each part, require text in all but untagged ones; then split into a [`Doc`].
    fn finish(self, span: Span, rules: &mut Strictness) -> Result<Doc, Diagnostic> {
        let count = |f: fn(&Kind) -> bool| self.parts.iter().filter(|p| f(&p.kind)).count();
        let mut doc = Doc {
            span,
            symbol: self.symbol.map(str::to_owned),
            body: Section {
                span,
                tag: None,
                text: String::new(),
            },
            args: Vec::with_capacity(count(|k| matches!(k, Kind::Member(_)))),
            features: Vec::with_capacity(count(|k| matches!(k, Kind::Feature(_)))),
            sections: Vec::with_capacity(count(|k| matches!(k, Kind::Untagged | Kind::Tagged(_)))),
        };
        for (i, part) in self.parts.iter().enumerate() {
            let end = self
                .parts
                .get(i + 1)
                .map_or(self.lines.len(), |next| next.first);
            let text = join_trimmed(&self.lines[part.first..end]);
            if text.is_empty() {
                let tag = match part.kind {
                    Kind::Body | Kind::Untagged => None,
                    Kind::Tagged(tag) => Some(tag.to_owned()),
                    Kind::Member(name) | Kind::Feature(name) => Some(format!("@{name}")),
                };
                if let Some(tag) = tag {
                    rules.reject(Diagnostic::semantic(
                        part.span,
                        format!("text required after '{tag}:'"),
                    ))?;
                }
            }
            let section = |tag: Option<&str>, text| Section {
                span: part.span,
                tag: tag.map(str::to_owned),
                text,
            };
            match part.kind {
                // The body is always the first part.
                Kind::Body if i == 0 => doc.body = section(None, text),
                Kind::Body | Kind::Untagged => doc.sections.push(section(None, text)),
                Kind::Tagged(tag) => doc.sections.push(section(Some(tag), text)),
                Kind::Member(name) => add_description(&mut doc.args, name, part.span, text),
                Kind::Feature(name) => add_description(&mut doc.features, name, part.span, text),
            }
        }
        Ok(doc)
    }
}

/// A part's text: its lines joined by newlines, without leading and trailing blank lines (QEMU strips the newlines
/// around the text; a line is never blank but empty, since lines are right-stripped).
fn join_trimmed(lines: &[&str]) -> String {
    let Some(first) = lines.iter().position(|line| !line.is_empty()) else {
        return String::new();
    };
    let last = lines
        .iter()
        .rposition(|line| !line.is_empty())
        .unwrap_or(first);
    let lines = &lines[first..=last];
    let len = lines.iter().map(|line| line.len() + 1).sum::<usize>() - 1;
    let mut text = String::with_capacity(len);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(line);
    }
    text
}

/// Add a description; a second one for the same name (tolerated) is merged into the first.
fn add_description(list: &mut Vec<ArgSection>, name: &str, span: Span, text: String) {
    match list.iter_mut().find(|a| a.name == name) {
        Some(first) if first.text.is_empty() => first.text = text,
        Some(first) if !text.is_empty() => {
            first.text.push_str("\n\n");
            first.text.push_str(&text);
        }
        Some(_) => {}
        None => list.push(ArgSection {
            name: name.to_owned(),
            span,
            text,
            documented: true,
        }),
    }
}

/// QEMU's `get_doc` and its helpers.
struct DocParser<'a, 'w> {
    lines: Lines<'a>,
    rules: Strictness<'w>,
    doc: Parts<'a>,
}

type Line<'a> = Option<&'a str>;

impl<'a> DocParser<'a, '_> {
    fn advance(&mut self) -> Result<Line<'a>, Diagnostic> {
        self.lines.advance(&mut self.rules)
    }

    /// Strict: fail with a parse error at the current line. Tolerant: warn and carry on.
    fn reject_here(&mut self, message: impl Into<String>) -> Result<(), Diagnostic> {
        let diag = self.lines.error(message);
        self.rules.reject(diag)
    }

    fn read_block(&mut self) -> Result<(), Diagnostic> {
        self.lines.open(&mut self.rules)?;
        let first = self.advance()?;
        match first {
            Some(line) if line.starts_with('@') => self.definition_doc(line),
            _ => self.free_form_doc(first),
        }
    }

    /// A line QEMU 9.2 reads as a heading. Strict 9.2: any line starting with `=`. Tolerant: `=`s, a space and
    /// text, as 9.2 wrote headings (a line of `=`s alone is an rST underline, 10.2's heading markup).
    fn is_9_2_heading(&self, text: &str) -> bool {
        if self.rules.headings_9_2 {
            return text.starts_with('=');
        }
        let rest = text.trim_start_matches('=');
        self.rules.tolerant
            && rest.len() < text.len()
            && rest.starts_with(' ')
            && !rest.trim().is_empty()
    }

    fn free_form_doc(&mut self, mut line: Line<'a>) -> Result<(), Diagnostic> {
        self.doc.ensure_untagged(self.lines.span());
        let mut first = true;
        while let Some(text) = line {
            if let Some((name, _)) = at_name_colon(text) {
                self.reject_here(format!("'@{name}:' not allowed in free-form documentation"))?;
            }
            if !first && self.is_9_2_heading(text) {
                self.reject_here("'=' heading must come first in a comment block")?;
            }
            self.doc.append(text);
            line = self.advance()?;
            first = false;
        }
        Ok(())
    }

    /// The symbol of a definition doc's first line `@Symbol:`.
    fn symbol(&mut self, line: &'a str) -> Result<Option<&'a str>, Diagnostic> {
        let name = match line.strip_suffix(':') {
            Some(name) => &name[1..],
            None => {
                self.reject_here("line should end with ':'")?;
                // Tolerated: take the first word as the symbol.
                line[1..]
                    .split(|c: char| c == ':' || py_isspace(c))
                    .next()
                    .unwrap_or_default()
            }
        };
        if name.is_empty() {
            self.reject_here("name required after '@'")?;
            return Ok(None);
        }
        Ok(Some(name))
    }

    fn definition_doc(&mut self, first: &'a str) -> Result<(), Diagnostic> {
        self.doc.symbol = self.symbol(first)?;
        if self.doc.symbol.is_none() {
            // Tolerated `@:`: read the rest as a free-form doc.
            let line = self.advance()?;
            return self.free_form_doc(line);
        }
        let mut line = self.advance()?;
        let mut no_more_args = false;
        loop {
            line = self.skip_blank(line)?;
            let Some(text) = line else { break };
            if text == "Features:" {
                line = self.features()?;
                no_more_args = true;
            } else if let Some((name, _)) = at_name_colon(text) {
                if no_more_args {
                    self.reject_here(format!("description of '@{name}:' follows a section"))?;
                }
                line = self.descriptions(line, false)?;
                no_more_args = true;
            } else if let Some((tag, rest)) = section_tag(text) {
                line = self.tagged_section(tag, rest)?;
                no_more_args = true;
            } else {
                if self.is_9_2_heading(text) {
                    self.reject_here("unexpected '=' markup in definition documentation")?;
                }
                line = self.paragraph(text)?;
            }
        }
        Ok(())
    }

    fn skip_blank(&mut self, mut line: Line<'a>) -> Result<Line<'a>, Diagnostic> {
        while line == Some("") {
            line = self.advance()?;
        }
        Ok(line)
    }

    /// After a `Features:` line: the feature descriptions.
    fn features(&mut self) -> Result<Line<'a>, Diagnostic> {
        if self.doc.has_features() {
            self.reject_here("duplicated 'Features:' line")?;
        }
        let line = self.advance()?;
        let line = self.skip_blank(line)?;
        let line = self.descriptions(line, true)?;
        if !self.doc.has_features() {
            self.reject_here("feature descriptions expected")?;
        }
        Ok(line)
    }

    /// A run of `@name: text` descriptions, each with its indented continuation lines.
    fn descriptions(&mut self, mut line: Line<'a>, feature: bool) -> Result<Line<'a>, Diagnostic> {
        while let Some((name, text)) = line.and_then(at_name_colon) {
            if !self
                .doc
                .new_description(self.lines.span(), name, feature, &mut self.rules)?
            {
                // Tolerated nameless `@:`: the line stays text of the current part.
                self.doc.append(line.unwrap_or_default());
                line = self.indented()?;
                continue;
            }
            if !text.is_empty() {
                self.doc.append(text);
            }
            line = self.indented()?;
            if self.rules.tolerant && self.doc.last_is_empty() {
                // Strict mode fails here (`text required`); older releases did not indent the text.
                line = self.old_style_text(&format!("@{name}"), line, true)?;
            }
        }
        Ok(line)
    }

    fn tagged_section(&mut self, tag: &'a str, text: &'a str) -> Result<Line<'a>, Diagnostic> {
        let retired = retired_tag_message(tag);
        if let Some(message) = &retired {
            self.reject_here(message.as_str())?;
        }
        self.doc
            .new_tagged(self.lines.span(), tag, &mut self.rules)?;
        if !text.is_empty() {
            self.doc.append(text);
        }
        let line = self.indented()?;
        // Only where strict mode fails: a retired tag, or a section left without text.
        if self.rules.tolerant && (retired.is_some() || self.doc.last_is_empty()) {
            return self.old_style_text(tag, line, false);
        }
        Ok(line)
    }

    /// Lines after a section's or description's first line: leading blank lines, then, if the next line is
    /// indented, it and everything up to a line indented less after a blank line, or an `@name:` line. Returns
    /// the first line not taken.
    fn indented(&mut self) -> Result<Line<'a>, Diagnostic> {
        let mut line = self.advance()?;
        while line == Some("") {
            self.doc.append("");
            line = self.advance()?;
        }
        let Some(text) = line else { return Ok(None) };
        let indent = indent_of(text);
        if indent == 0 {
            return Ok(line);
        }
        self.doc.append(text);
        // QEMU never resets this, so only the line after the first indented one is checked for de-indent.
        let mut checked = false;
        loop {
            let line = self.advance()?;
            let Some(text) = line else { return Ok(None) };
            if at_name_colon(text).is_some() {
                return Ok(line);
            }
            if !text.is_empty() && indent_of(text) < indent {
                if checked {
                    return Ok(line);
                }
                self.reject_here(format!(
                    "unexpected de-indent (expected at least {indent} spaces)"
                ))?;
                // Tolerated: a de-indented line that starts a section ends this one.
                if starts_section(text) {
                    return Ok(line);
                }
            }
            self.doc.append(text);
            checked = true;
        }
    }

    /// An untagged paragraph: lines up to a blank line.
    fn paragraph(&mut self, first: &'a str) -> Result<Line<'a>, Diagnostic> {
        self.doc.ensure_untagged(self.lines.span());
        self.doc.append(first);
        loop {
            let line = self.advance()?;
            match line {
                None | Some("") => return Ok(line),
                Some(text) => self.doc.append(text),
            }
        }
    }

    /// Tolerant mode, for a section QEMU 9.2 would reject (`Note:`, `Example:`) or leave empty (`Returns:` or
    /// `@name:` with the text on the following, unindented lines): read it as releases before 9.0 did, taking the
    /// lines up to the next section tag, `@name:` description, `Features:` line or the end of the block; for a
    /// description (`paragraph_only`), also up to an unindented line after a blank line.
    fn old_style_text(
        &mut self,
        tag: &str,
        mut line: Line<'a>,
        paragraph_only: bool,
    ) -> Result<Line<'a>, Diagnostic> {
        let mut took = false;
        let mut after_blank = false;
        while let Some(text) = line {
            if starts_section(text)
                || (paragraph_only && took && after_blank && indent_of(text) == 0)
            {
                break;
            }
            if !took && !text.is_empty() && self.doc.last_is_empty() {
                let warning = self
                    .lines
                    .error(format!("text of '{tag}:' should be indented"))
                    .as_warning();
                self.rules.warnings.push(warning);
            }
            took |= !text.is_empty();
            after_blank = text.is_empty();
            self.doc.append(text);
            line = self.advance()?;
        }
        Ok(line)
    }
}

/// Whether a line begins a new part of a definition doc (used where tolerant mode reads older markup).
fn starts_section(text: &str) -> bool {
    text == "Features:" || at_name_colon(text).is_some() || section_tag(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::rstrip;

    #[test]
    fn rstrip_is_pythons() {
        assert_eq!(rstrip("a b \t\u{b}\u{c}\r\u{1c}\u{1f} "), "a b");
        assert_eq!(rstrip("a\u{a0} \u{3000}\u{85}"), "a");
        assert_eq!(rstrip(" \u{e9}\u{2003}"), " \u{e9}");
        assert_eq!(rstrip("  "), "");
        assert_eq!(rstrip("a\u{200b}"), "a\u{200b}");
    }
}
