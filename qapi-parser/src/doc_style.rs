//! QEMU 10.2's style rules for doc comment lines, checked in strict mode under its rules as its parser checks
//! them while reading each line: at most 70 characters counting the `# ` (a line that is only a URL excepted),
//! and two spaces after a sentence's full stop, exclamation or question mark before a capital, digit or `(`
//! (`e.g.` and a list's `1.` excepted). Lines of a literal block (after a line that is only `::` or
//! `.. qmp-example::`) are not checked.

/// The longest doc line, `# ` included.
const MAX_LINE: usize = 70;

/// What a fault in a line is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum StyleFault {
    /// The line is longer than [`MAX_LINE`].
    TooLong,
    /// One space after a sentence's end: the byte offset in the line of the `.`, `!` or `?`.
    OneSpace(usize),
}

impl StyleFault {
    pub fn message(&self) -> &'static str {
        match self {
            StyleFault::TooLong => "documentation line longer than 70 characters",
            StyleFault::OneSpace(_) => {
                "Use two spaces between sentences\nIf this not the end of a sentence, please report a bug."
            }
        }
    }
}

/// Literal blocks across the lines of one doc comment block.
#[derive(Debug, Default)]
pub(crate) struct LiteralBlocks {
    active: bool,
    indent: usize,
}

impl LiteralBlocks {
    /// Check one line (the text after `# `, right-stripped), updating the literal-block state first as QEMU does:
    /// the line that opens a block is not checked, and a block ends at the first non-blank line indented less
    /// than the block's first line (a block whose first line is not indented goes on to the end of the comment).
    pub fn check(&mut self, line: &str) -> Result<(), StyleFault> {
        if opens_literal_block(line) {
            self.active = true;
            self.indent = 0;
        } else if self.active && !line.is_empty() {
            let indent = indent_of(line);
            if self.indent == 0 {
                self.indent = indent;
            } else if indent < self.indent {
                self.active = false;
            }
        }
        if self.active {
            return Ok(());
        }
        check_line(line)
    }
}

/// The number of whitespace characters (Rust's `char::is_whitespace`) that start `line`. Nearly always ASCII: those
/// are counted by byte, and only a non-ASCII character needs decoding.
fn indent_of(line: &str) -> usize {
    let ascii = line
        .bytes()
        .take_while(|b| matches!(b, b'\t'..=b'\r' | b' '))
        .count();
    if line.as_bytes().get(ascii).is_some_and(|b| !b.is_ascii()) {
        ascii
            + line[ascii..]
                .chars()
                .take_while(|c| c.is_whitespace())
                .count()
    } else {
        ascii
    }
}

/// `::` alone, or `.. qmp-example::`, spaces allowed before the `::`.
fn opens_literal_block(line: &str) -> bool {
    // Every such line ends in `::` (it is right-stripped): most lines are out after one comparison.
    if !line.ends_with("::") {
        return false;
    }
    let rest = match line.strip_prefix("..") {
        Some(after) => {
            let directive = after.trim_start_matches(' ');
            match directive.strip_prefix("qmp-example") {
                Some(rest) if directive.len() < after.len() => rest,
                _ => line,
            }
        }
        None => line,
    };
    rest.trim_start_matches(' ') == "::"
}

fn check_line(line: &str) -> Result<(), StyleFault> {
    // A character is at least a byte: only a long line in bytes needs counting.
    if line.len() + 2 > MAX_LINE && line.chars().count() + 2 > MAX_LINE && !is_url(line) {
        return Err(StyleFault::TooLong);
    }
    match one_space_after_sentence(line) {
        Some(at) => Err(StyleFault::OneSpace(at)),
        None => Ok(()),
    }
}

/// Spaces, then `http://`, `https://` or `ftp://` and no more spaces.
fn is_url(line: &str) -> bool {
    let url = line.trim_start_matches(' ');
    ["http://", "https://", "ftp://"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
        && !url.contains(' ')
}

/// Whether `c` may start a sentence for the check: a capital, a digit or `(`.
fn starts_sentence(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '(')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first sentence end followed by one space, as QEMU's pattern finds it scanning left to right: an `e.g. X` or
/// a leading `N. X` is skipped whole, so its full stop is never reported.
fn one_space_after_sentence(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    // After `prefix` (a skipped exception or a sentence end): one space, then a sentence start.
    let followed = |end: usize| {
        bytes.get(end) == Some(&b' ') && starts_sentence(line[end + 1..].chars().next())
    };
    if let Some(end) = numbered_item(line) {
        if followed(end) {
            return one_space_after_sentence_from(line, end + 2);
        }
    }
    one_space_after_sentence_from(line, 0)
}

fn one_space_after_sentence_from(line: &str, mut at: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    let followed = |end: usize| {
        bytes.get(end) == Some(&b' ') && starts_sentence(line[end + 1..].chars().next())
    };
    // From one sentence end to the next: every test is at an ASCII byte, so every slice is at a character
    // boundary. The pattern's `e.g. X` can only hide the `.` that ends it (its `e` cannot end an earlier match).
    while let Some(found) = memchr::memchr3(b'.', b'!', b'?', &bytes[at..]) {
        let end = at + found;
        if followed(end + 1) && !ends_e_g(line, end) {
            return Some(end);
        }
        at = end + 1;
    }
    None
}

/// Whether the `.` at `end` ends an `e.g.` that starts a word.
fn ends_e_g(line: &str, end: usize) -> bool {
    end >= 3
        && &line.as_bytes()[end - 3..=end] == b"e.g."
        && !line[..end - 3]
            .chars()
            .next_back()
            .is_some_and(is_word_char)
}

/// A line starting with spaces, one digit and a full stop (a numbered list's item): the offset past the stop.
fn numbered_item(line: &str) -> Option<usize> {
    let spaces = line.bytes().take_while(|&b| b == b' ').count();
    let mut rest = line[spaces..].chars();
    let digit = rest.next().filter(|c| c.is_numeric())?;
    (rest.next() == Some('.')).then(|| spaces + digit.len_utf8() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_ends_need_two_spaces() {
        let line = "Sentences should be separated by two spaces. But here is only one.";
        assert_eq!(check_line(line), Err(StyleFault::OneSpace(43)));
        assert_eq!(check_line("One.  Two.  (Three) 4 e.g. Five"), Ok(()));
        assert_eq!(
            check_line("Use e.g. Foo. Bar"),
            Err(StyleFault::OneSpace(12))
        );
        assert_eq!(check_line("Stop! Go"), Err(StyleFault::OneSpace(4)));
        assert_eq!(check_line("a.b. lower"), Ok(()));
        assert_eq!(check_line("see.g. X"), Err(StyleFault::OneSpace(5)));
    }

    #[test]
    fn numbered_items_are_not_sentences() {
        assert_eq!(check_line("1. First item"), Ok(()));
        assert_eq!(
            check_line("   2. Second. Item"),
            Err(StyleFault::OneSpace(12))
        );
        assert_eq!(check_line("10. Tenth"), Err(StyleFault::OneSpace(2)));
    }

    #[test]
    fn long_lines_but_not_urls() {
        let long = "x".repeat(69);
        assert_eq!(check_line(&long), Err(StyleFault::TooLong));
        assert_eq!(check_line(&long[1..]), Ok(()));
        let url = format!("  https://example.org/{}", "p".repeat(80));
        assert_eq!(check_line(&url), Ok(()));
        assert_eq!(check_line(&format!("{url} x")), Err(StyleFault::TooLong));
        // Characters, not bytes.
        assert_eq!(check_line(&"\u{e9}".repeat(68)), Ok(()));
    }

    #[test]
    fn literal_blocks_are_not_checked() {
        let long = format!("    {}", "x".repeat(70));
        let mut blocks = LiteralBlocks::default();
        assert_eq!(blocks.check("Example::"), Ok(()));
        assert_eq!(blocks.check(&long), Err(StyleFault::TooLong));
        let mut blocks = LiteralBlocks::default();
        for line in [".. qmp-example::", "", &long, "", "   less indented"] {
            assert_eq!(blocks.check(line), Ok(()), "{line}");
        }
        assert_eq!(blocks.check("Back. Out"), Err(StyleFault::OneSpace(4)));
        let mut blocks = LiteralBlocks::default();
        assert_eq!(blocks.check("  ::"), Ok(()));
        assert_eq!(blocks.check("Not indented. Still literal"), Ok(()));
        assert!(opens_literal_block(".. qmp-example ::"));
        assert!(!opens_literal_block("..qmp-example::"));
        assert!(!opens_literal_block("Examples::"));
        assert!(!opens_literal_block(".. qmp-example:: x"));
    }

    #[test]
    fn indentation_counts_whitespace_characters() {
        assert_eq!(indent_of(""), 0);
        assert_eq!(indent_of("x  "), 0);
        assert_eq!(indent_of(" \t\u{b}x"), 3);
        assert_eq!(indent_of("  \u{a0}\u{3000} x"), 5);
        assert_eq!(indent_of("  \u{e9}"), 2);
        // Unlike Python's isspace(), `char::is_whitespace` does not take U+001C..U+001F.
        assert_eq!(indent_of("\u{1c}x"), 0);
    }
}
