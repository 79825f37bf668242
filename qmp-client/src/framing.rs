//! Cuts the byte stream from the server into JSON objects.
//!
//! QEMU ends each message with CRLF, but with `pretty=on` a message spans many lines, so messages are found by
//! bracket depth instead of by line. The scan state survives between reads, so a message split across reads, or a
//! 10 MB one, is scanned once. A 0xFF byte (never part of QEMU's ASCII output) is the guest agent's delimiter: it
//! ends any partial message and, during a resynchronisation, everything before it is dropped.

use std::ops::Range;

use crate::error::Error;

/// What the scanner found next in the stream.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// A complete JSON object: its bytes are `Framer::bytes(range)` until the next `Framer::compact`.
    Message(Range<usize>),
    /// A 0xFF delimiter.
    Delimiter,
}

pub(crate) struct Framer {
    buf: Vec<u8>,
    /// Bytes before this index have been handed out or skipped.
    consumed: usize,
    /// Next byte to scan.
    scan: usize,
    /// Start of the message being scanned, if inside one.
    start: Option<usize>,
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// Dropping everything up to the next 0xFF (guest-agent resynchronisation).
    discarding: bool,
    max_message: usize,
}

const DELIMITER: u8 = 0xFF;

impl Framer {
    pub(crate) fn new(max_message: usize) -> Self {
        Framer {
            buf: Vec::with_capacity(64 * 1024),
            consumed: 0,
            scan: 0,
            start: None,
            depth: 0,
            in_string: false,
            escaped: false,
            discarding: false,
            max_message,
        }
    }

    /// Room to read into: drops what was handed out, then makes sure some spare capacity exists.
    pub(crate) fn buffer_for_read(&mut self) -> &mut Vec<u8> {
        self.compact();
        if self.buf.capacity() - self.buf.len() < 16 * 1024 {
            // Growing by half the buffer keeps a large message's reads few without over-allocating.
            self.buf.reserve((64 * 1024).max(self.buf.len() / 2));
        }
        &mut self.buf
    }

    pub(crate) fn bytes(&self, range: Range<usize>) -> &[u8] {
        &self.buf[range]
    }

    /// Bytes of a message received only in part (for the error when the stream ends there).
    pub(crate) fn partial_len(&self) -> usize {
        self.start.map_or(0, |s| self.buf.len() - s)
    }

    /// Drops everything up to the next delimiter, including any partial message.
    pub(crate) fn discard_until_delimiter(&mut self) {
        self.discarding = true;
        self.reset_message();
        self.consumed = self.scan;
    }

    fn reset_message(&mut self) {
        self.start = None;
        self.depth = 0;
        self.in_string = false;
        self.escaped = false;
    }

    fn compact(&mut self) {
        if self.consumed == 0 {
            return;
        }
        self.buf.drain(..self.consumed);
        self.scan -= self.consumed;
        if let Some(s) = self.start.as_mut() {
            *s -= self.consumed;
        }
        self.consumed = 0;
    }

    /// The next message or delimiter among the bytes read so far; `Ok(None)` when more bytes are needed.
    pub(crate) fn next_item(&mut self) -> Result<Option<Item>, Error> {
        while self.scan < self.buf.len() {
            let i = self.scan;
            let b = self.buf[i];
            self.scan += 1;
            if b == DELIMITER {
                self.discarding = false;
                self.reset_message();
                self.consumed = self.scan;
                return Ok(Some(Item::Delimiter));
            }
            if self.discarding {
                self.consumed = self.scan;
                continue;
            }
            let Some(start) = self.start else {
                match b {
                    b' ' | b'\t' | b'\r' | b'\n' => self.consumed = self.scan,
                    b'{' => {
                        self.start = Some(i);
                        self.depth = 1;
                    }
                    _ => return Err(self.stray_bytes(i)),
                }
                continue;
            };
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        if self.scan - start > self.max_message {
                            return Err(self.too_long());
                        }
                        self.reset_message();
                        self.consumed = self.scan;
                        return Ok(Some(Item::Message(start..self.scan)));
                    }
                }
                _ => {}
            }
        }
        if self.partial_len() > self.max_message {
            return Err(self.too_long());
        }
        Ok(None)
    }

    fn too_long(&self) -> Error {
        Error::Protocol(format!(
            "a message longer than the limit of {} bytes (raise it with ClientBuilder::max_message_size)",
            self.max_message
        ))
    }

    fn stray_bytes(&self, at: usize) -> Error {
        let end = self.buf[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.buf.len(), |n| at + n);
        let end = end.min(at + 4096);
        Error::decode(
            "a message from the server",
            qapi_runtime::DecodeError::new(format!(
                "expected a JSON object, found byte 0x{:02x}",
                self.buf[at]
            ))
            .at(0),
            String::from_utf8_lossy(&self.buf[at..end]),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(f: &mut Framer, bytes: &[u8]) -> Vec<String> {
        f.buffer_for_read().extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(item) = f.next_item().unwrap() {
            out.push(match item {
                Item::Message(r) => String::from_utf8(f.bytes(r).to_vec()).unwrap(),
                Item::Delimiter => "<FF>".to_owned(),
            });
        }
        out
    }

    #[test]
    fn messages_split_anywhere() {
        let text = b"{\"return\": {\"a\": \"}{\\\"\"}, \"id\": 1}\r\n{\"event\": \"X\", \"data\": [1, {}]}\r\n";
        for cut in 0..text.len() {
            let mut f = Framer::new(1 << 20);
            let mut got = feed(&mut f, &text[..cut]);
            got.extend(feed(&mut f, &text[cut..]));
            assert_eq!(
                got,
                [
                    "{\"return\": {\"a\": \"}{\\\"\"}, \"id\": 1}",
                    "{\"event\": \"X\", \"data\": [1, {}]}"
                ]
            );
        }
    }

    #[test]
    fn pretty_output() {
        let mut f = Framer::new(1 << 20);
        assert_eq!(feed(&mut f, b"{\n    \"return\": {\n    }\n}\n").len(), 1);
    }

    #[test]
    fn delimiter_ends_partial_message_and_discarding() {
        let mut f = Framer::new(1 << 20);
        assert_eq!(feed(&mut f, b"{\"ret"), Vec::<String>::new());
        assert_eq!(
            feed(&mut f, b"\xff{\"return\": 1}"),
            ["<FF>", "{\"return\": 1}"]
        );
        f.discard_until_delimiter();
        assert_eq!(
            feed(&mut f, b"{\"return\": 2}garbage{\"ret"),
            Vec::<String>::new()
        );
        assert_eq!(
            feed(&mut f, b"urn\": 3}\xff{\"return\": 4}"),
            ["<FF>", "{\"return\": 4}"]
        );
    }

    #[test]
    fn stray_bytes_are_an_error() {
        let mut f = Framer::new(1 << 20);
        f.buffer_for_read().extend_from_slice(b"hello world\n{}");
        let Err(Error::Decode(d)) = f.next_item() else {
            panic!()
        };
        assert_eq!(d.raw, "hello world");
    }

    #[test]
    fn buffer_grows_in_proportion() {
        let mut f = Framer::new(1 << 30);
        let big = vec![b' '; 10 << 20];
        f.buffer_for_read().extend_from_slice(b"{\"return\": \"");
        f.buffer_for_read().extend_from_slice(&big);
        assert!(f.next_item().unwrap().is_none());
        let capacity = f.buffer_for_read().capacity();
        assert!(capacity < 32 << 20, "{capacity}");
    }

    #[test]
    fn oversized_message_is_an_error() {
        let mut f = Framer::new(10);
        f.buffer_for_read()
            .extend_from_slice(b"{\"return\": \"0123456789");
        assert!(matches!(f.next_item(), Err(Error::Protocol(_))));
    }
}
