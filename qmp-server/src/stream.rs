//! Cuts the byte stream from a client into JSON texts, as QEMU's JSON streamer does: by bracket depth, not by
//! line, so a request may span lines or share one with the next.
//!
//! The cutter keeps at most `max_request` bytes of one text. A longer text, or one nested deeper than QEMU's
//! limit, is reported once and then skipped to its end (QEMU instead resumes lexing in mid-text, which answers
//! its rest with a stream of parse errors). A 0xFF byte ends any partial text: the guest agent's
//! resynchronisation. QEMU's lexer treats it as a stray byte on both protocols: it answers a parse error naming
//! the token it interrupted, and starts afresh.

/// QEMU's `MAX_NESTING` of JSON arrays and objects in one text.
pub const MAX_NESTING: usize = 1024;

/// The guest agent's delimiter byte.
pub const DELIMITER: u8 = 0xFF;

/// What the cutter found next in the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Item {
    /// One complete JSON text (not yet parsed).
    Text(Vec<u8>),
    /// A text that broke a limit, with QEMU's words for it; its bytes are dropped.
    TooLarge(&'static str),
    /// A closing bracket with nothing open: QEMU answers it as a parse error.
    Stray(u8),
    /// A 0xFF byte: any partial text before it was dropped; the bytes of the token it interrupted.
    Delimiter(Vec<u8>),
}

/// The cutter's state between reads.
#[derive(Debug)]
pub struct Cutter {
    text: Vec<u8>,
    depth: usize,
    /// Inside a string: its quote character (QEMU accepts `'` as well as `"`).
    quote: Option<u8>,
    escaped: bool,
    /// Inside a scalar (number or keyword) at the top level.
    in_scalar: bool,
    /// Skipping the rest of a text that broke a limit.
    skipping: bool,
    /// Where the current string or scalar token starts in `text`.
    token_start: Option<usize>,
    max_request: usize,
}

impl Cutter {
    /// A cutter that keeps at most `max_request` bytes of one text.
    pub fn new(max_request: usize) -> Self {
        Cutter {
            text: Vec::new(),
            depth: 0,
            quote: None,
            escaped: false,
            in_scalar: false,
            skipping: false,
            token_start: None,
            max_request,
        }
    }

    /// Bytes of the text being cut, kept so far.
    pub fn pending(&self) -> usize {
        self.text.len()
    }

    /// Scans `bytes`, pushing every complete item to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Item>) {
        for &b in bytes {
            self.byte(b, out);
        }
    }

    /// Ends the stream: a top-level scalar still open is complete; anything else open is dropped.
    pub fn finish(&mut self, out: &mut Vec<Item>) {
        if self.in_scalar {
            self.emit(out);
        }
        self.reset();
    }

    fn reset(&mut self) {
        self.text.clear();
        self.depth = 0;
        self.quote = None;
        self.escaped = false;
        self.in_scalar = false;
        self.skipping = false;
        self.token_start = None;
    }

    fn emit(&mut self, out: &mut Vec<Item>) {
        if !self.skipping {
            out.push(Item::Text(std::mem::take(&mut self.text)));
        }
        self.reset();
    }

    fn keep(&mut self, b: u8, out: &mut Vec<Item>) {
        if self.skipping {
            return;
        }
        if self.text.len() >= self.max_request {
            // QEMU's streamer counts the bytes of all tokens of one text against this limit.
            self.refuse("JSON token size limit exceeded", out);
            return;
        }
        self.text.push(b);
    }

    fn refuse(&mut self, why: &'static str, out: &mut Vec<Item>) {
        out.push(Item::TooLarge(why));
        self.skipping = true;
        self.text = Vec::new();
    }

    fn byte(&mut self, b: u8, out: &mut Vec<Item>) {
        if b == DELIMITER {
            let token = match self.token_start {
                Some(start) if !self.skipping => self.text[start..].to_vec(),
                _ => Vec::new(),
            };
            self.reset();
            out.push(Item::Delimiter(token));
            return;
        }
        if let Some(q) = self.quote {
            self.keep(b, out);
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == q {
                self.quote = None;
                self.token_start = None;
                if self.depth == 0 {
                    self.emit(out);
                }
            }
            return;
        }
        if self.in_scalar && !is_scalar_byte(b) {
            self.emit(out);
        }
        if !is_scalar_byte(b) {
            self.token_start = None;
        } else if self.token_start.is_none() {
            self.token_start = Some(self.text.len());
        }
        match b {
            b' ' | b'\t' | b'\r' | b'\n' if self.depth == 0 => {}
            b'{' | b'[' => {
                self.keep(b, out);
                self.depth += 1;
                if self.depth > MAX_NESTING && !self.skipping {
                    self.refuse("JSON nesting depth limit exceeded", out);
                }
            }
            b'}' | b']' if self.depth == 0 => out.push(Item::Stray(b)),
            b'}' | b']' => {
                self.keep(b, out);
                self.depth -= 1;
                if self.depth == 0 {
                    self.emit(out);
                }
            }
            b'"' | b'\'' => {
                self.token_start = Some(self.text.len());
                self.keep(b, out);
                self.quote = Some(b);
            }
            _ => {
                self.keep(b, out);
                if self.depth == 0 {
                    self.in_scalar = true;
                }
            }
        }
    }
}

fn is_scalar_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(input: &[u8], max: usize) -> Vec<Item> {
        let mut c = Cutter::new(max);
        let mut out = Vec::new();
        // One byte at a time: the state must survive any split of the input.
        for b in input {
            c.feed(std::slice::from_ref(b), &mut out);
        }
        c.finish(&mut out);
        out
    }

    fn text(s: &str) -> Item {
        Item::Text(s.as_bytes().to_vec())
    }

    #[test]
    fn texts_are_cut_by_depth_not_by_line() {
        let out = cut(b"{\"a\":\n [1, \"}\"]}{\"b\":{}} 12 \"s\" nul\n", 1 << 20);
        assert_eq!(
            out,
            vec![
                text("{\"a\":\n [1, \"}\"]}"),
                text("{\"b\":{}}"),
                text("12"),
                text("\"s\""),
                text("nul"),
            ]
        );
    }

    #[test]
    fn escaped_quotes_and_single_quotes_stay_inside_strings() {
        let out = cut(br#"{"a":"x\"}"} {'b':'}'}"#, 1 << 20);
        assert_eq!(out, vec![text(r#"{"a":"x\"}"}"#), text("{'b':'}'}")]);
    }

    #[test]
    fn an_oversized_text_is_reported_once_and_skipped_to_its_end() {
        let big = format!("{{\"id\":\"{}\"}}{{\"next\":1}}", "a".repeat(100));
        let out = cut(big.as_bytes(), 50);
        assert_eq!(
            out,
            vec![
                Item::TooLarge("JSON token size limit exceeded"),
                text("{\"next\":1}")
            ]
        );
    }

    #[test]
    fn nesting_beyond_qemus_limit_is_refused() {
        let deep = format!("{}{}[]", "[".repeat(1100), "]".repeat(1100));
        let out = cut(deep.as_bytes(), 1 << 20);
        assert_eq!(
            out,
            vec![
                Item::TooLarge("JSON nesting depth limit exceeded"),
                text("[]")
            ]
        );
    }

    #[test]
    fn a_delimiter_drops_the_partial_text() {
        let out = cut(b"\xff{\"execute\":\"query\xff{}", 1 << 20);
        assert_eq!(
            out,
            vec![
                Item::Delimiter(Vec::new()),
                Item::Delimiter(b"\"query".to_vec()),
                text("{}")
            ]
        );
    }

    #[test]
    fn stray_closers_are_reported() {
        assert_eq!(cut(b"}]", 10), vec![Item::Stray(b'}'), Item::Stray(b']')]);
    }
}
