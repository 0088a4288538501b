//! Reading a reference string: page numbers separated by whitespace and/or commas, streamed
//! from any `Read` in constant memory by a hand-written byte parser.
//!
//! A page number is a decimal integer (`42`) or a `0x`-prefixed hexadecimal one (`0x2a`),
//! below 2^64. In the address format ([`PageReader::addresses`]) every token is a byte
//! address in hexadecimal, with or without `0x`, and its page is the address divided by the
//! page size. Any run of whitespace and commas separates two numbers, so `1 2 3`,
//! `1,2,3`, `1, 2, 3` and one number per line all read the same. Anything else is an
//! [`InputError`] that names the offending token and where it is.

use std::fmt;
use std::io::{ErrorKind, Read};

/// Bytes read from the source at a time.
const DEFAULT_BUFFER: usize = 256 * 1024;

/// Longest token the reader will look at before calling it "too long" (a page number needs
/// at most 20 decimal digits; this leaves room for leading zeros).
pub const MAX_TOKEN: usize = 4096;

/// Most characters of a bad token quoted in an error message.
const QUOTED: usize = 40;

/// What is wrong with the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputErrorKind {
    /// The token is not a decimal or `0x` hexadecimal integer.
    NotANumber,
    /// The token is a number of 2^64 or more.
    TooLarge,
    /// The token is longer than [`MAX_TOKEN`] bytes.
    TooLong,
    /// A line of Valgrind Lackey output that is neither an access nor a `==pid==` line.
    NotALackeyLine,
    /// Reading the source failed; the text is the system's message.
    Io(String),
}

/// A token of the reference string that is not a page number, or a failed read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// What is wrong.
    pub kind: InputErrorKind,
    /// The token as written (at most 40 characters, then `…`); empty for a failed read.
    pub token: String,
    /// Which token it is: 1 for the first page number of the input.
    pub index: u64,
    /// Line of the token, from 1.
    pub line: u64,
    /// Column of the token's first byte, from 1 (counted in bytes).
    pub column: u64,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = format!(
            "token {} {:?} (line {}, column {})",
            self.index, self.token, self.line, self.column
        );
        match &self.kind {
            InputErrorKind::NotANumber => write!(
                f,
                "{place} is not a page number; write page numbers as decimal (42) or hexadecimal (0x2a) integers separated by spaces, commas or new lines"
            ),
            InputErrorKind::TooLarge => {
                write!(f, "{place} is too large; page numbers must be below 2^64")
            }
            InputErrorKind::TooLong => write!(
                f,
                "{place} is longer than {MAX_TOKEN} characters, so it is not a page number"
            ),
            InputErrorKind::NotALackeyLine => write!(
                f,
                "line {} {:?} is not Valgrind Lackey output; expected 'I  ADDR,SIZE', ' L ADDR,SIZE', ' S ADDR,SIZE', ' M ADDR,SIZE' (hexadecimal address, decimal size) or a '==PID==' line",
                self.line, self.token
            ),
            InputErrorKind::Io(message) => write!(
                f,
                "cannot read the reference string after token {}: {message}",
                self.index
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Whether `b` separates page numbers: ASCII whitespace or a comma.
#[inline(always)]
fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r' | b',' | 0x0b | 0x0c)
}

/// Parse one whole token: `0x` hexadecimal, or else a number in `radix`.
pub(super) fn parse_token(token: &[u8], radix: u64) -> Result<u64, InputErrorKind> {
    let (digits, radix) = match token {
        [b'0', b'x' | b'X', rest @ ..] if !rest.is_empty() => (rest, 16u64),
        _ => (token, radix),
    };
    let mut value: u64 = 0;
    let mut overflow = false;
    for &b in digits {
        let digit = match (b as char).to_digit(radix as u32) {
            Some(d) => u64::from(d),
            None => return Err(InputErrorKind::NotANumber),
        };
        match value.checked_mul(radix).and_then(|v| v.checked_add(digit)) {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    if digits.is_empty() {
        Err(InputErrorKind::NotANumber)
    } else if overflow {
        Err(InputErrorKind::TooLarge)
    } else {
        Ok(value)
    }
}

/// Streams the page numbers of a reference string out of `source`.
///
/// It is an iterator of `u64`; at the first bad token or failed read it stops and keeps
/// the reason, available from [`PageReader::error`]. Memory stays constant whatever the
/// length of the input.
#[derive(Debug)]
pub struct PageReader<R> {
    source: R,
    buf: Vec<u8>,
    /// Next unread byte of `buf`.
    pos: usize,
    /// End of the valid bytes in `buf`.
    end: usize,
    /// The source has no more bytes.
    eof: bool,
    /// Offset in the whole input of `buf[0]`.
    base: u64,
    /// Tokens read so far.
    tokens: u64,
    /// Current line, from 1.
    line: u64,
    /// Offset in the whole input where the current line starts.
    line_start: u64,
    /// Bare tokens are hexadecimal byte addresses, turned into pages by `>> shift`.
    addresses: bool,
    /// log2 of the page size in the address format; 0 for page numbers.
    shift: u32,
    error: Option<InputError>,
}

impl<R: Read> PageReader<R> {
    /// A reader with a 256 KiB buffer.
    pub fn new(source: R) -> PageReader<R> {
        PageReader::with_buffer(source, DEFAULT_BUFFER)
    }

    /// A reader that reads `size` bytes at a time (at least 1; the buffer grows for a longer
    /// token, up to [`MAX_TOKEN`]).
    pub fn with_buffer(source: R, size: usize) -> PageReader<R> {
        PageReader {
            source,
            buf: vec![0; size.max(1)],
            pos: 0,
            end: 0,
            eof: false,
            base: 0,
            tokens: 0,
            line: 1,
            line_start: 0,
            addresses: false,
            shift: 0,
            error: None,
        }
    }

    /// A reader of hexadecimal byte addresses (`7ffd1a2c` or `0x7ffd1a2c`), each giving
    /// the page `address >> page_shift` (the page size is `2^page_shift` bytes).
    pub fn addresses(source: R, page_shift: u32) -> PageReader<R> {
        let mut reader = PageReader::new(source);
        reader.addresses = true;
        reader.shift = page_shift.min(63);
        reader
    }

    /// Why reading stopped early, if it did.
    pub fn error(&self) -> Option<&InputError> {
        self.error.as_ref()
    }

    /// Take the reason reading stopped early, if it did.
    pub fn take_error(&mut self) -> Option<InputError> {
        self.error.take()
    }

    /// Read more bytes after `end`; false when the read failed (the error is kept).
    fn fill(&mut self) -> bool {
        loop {
            match self.source.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return true;
                }
                Ok(n) => {
                    self.end += n;
                    return true;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(InputError {
                        kind: InputErrorKind::Io(e.to_string()),
                        token: String::new(),
                        index: self.tokens,
                        line: self.line,
                        column: self.base + self.pos as u64 - self.line_start + 1,
                    });
                    return false;
                }
            }
        }
    }

    /// Record a bad token that starts at `buf[start]` and is `len` bytes long.
    fn reject(&mut self, kind: InputErrorKind, start: usize, len: usize) {
        let token = &self.buf[start..start + len];
        let mut text = String::from_utf8_lossy(&token[..len.min(QUOTED)]).into_owned();
        if len > QUOTED {
            text.push('…');
        }
        self.error = Some(InputError {
            kind,
            token: text,
            index: self.tokens,
            line: self.line,
            column: self.base + start as u64 - self.line_start + 1,
        });
    }
}

impl<R: Read> Iterator for PageReader<R> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.error.is_some() {
            return None;
        }
        loop {
            // Skip separators, counting lines.
            while self.pos < self.end {
                let b = self.buf[self.pos];
                if b == b'\n' {
                    self.line += 1;
                    self.line_start = self.base + self.pos as u64 + 1;
                } else if !is_separator(b) {
                    break;
                }
                self.pos += 1;
            }
            if self.pos == self.end {
                if self.eof {
                    return None;
                }
                self.base += self.end as u64;
                self.pos = 0;
                self.end = 0;
                if !self.fill() {
                    return None;
                }
                continue;
            }
            let start = self.pos;
            let rest = &self.buf[start..self.end];
            // Fast path: a decimal number followed by a separator, parsed in one pass.
            let mut value: u64 = 0;
            let mut i = 0;
            while i < rest.len() && i < 19 {
                let digit = rest[i].wrapping_sub(b'0');
                if digit > 9 {
                    break;
                }
                value = value * 10 + u64::from(digit); // 19 digits cannot overflow
                i += 1;
            }
            if !self.addresses && i > 0 && i < rest.len() && is_separator(rest[i]) {
                self.pos = start + i;
                self.tokens += 1;
                return Some(value);
            }
            // General path: find where the token ends.
            match rest.iter().position(|&b| is_separator(b)) {
                None if !self.eof => {
                    // The token may go on past the buffer: move it to the front and read on.
                    let len = rest.len();
                    if len >= MAX_TOKEN {
                        self.tokens += 1;
                        self.reject(InputErrorKind::TooLong, start, len);
                        return None;
                    }
                    self.buf.copy_within(start..self.end, 0);
                    self.base += start as u64;
                    self.pos = 0;
                    self.end = len;
                    if self.end == self.buf.len() {
                        let bigger = (self.buf.len() * 2).min(MAX_TOKEN.max(self.buf.len() + 1));
                        self.buf.resize(bigger, 0);
                    }
                    if !self.fill() {
                        return None;
                    }
                }
                found => {
                    let len = found.unwrap_or(rest.len());
                    self.tokens += 1;
                    let radix = if self.addresses { 16 } else { 10 };
                    match parse_token(&rest[..len], radix) {
                        Ok(number) => {
                            self.pos = start + len;
                            return Some(number >> self.shift);
                        }
                        Err(kind) => {
                            self.reject(kind, start, len);
                            return None;
                        }
                    }
                }
            }
        }
    }
}

/// Parse a whole reference string held in memory.
pub fn parse_pages(text: &str) -> Result<Vec<u64>, InputError> {
    let mut reader = PageReader::new(text.as_bytes());
    let pages: Vec<u64> = reader.by_ref().collect();
    match reader.take_error() {
        Some(error) => Err(error),
        None => Ok(pages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_radixes() {
        assert_eq!(
            parse_pages("1 2,3, 4\n\t5\r\n0x10 0XfF 007 ,,18446744073709551615"),
            Ok(vec![1, 2, 3, 4, 5, 16, 255, 7, u64::MAX])
        );
        assert_eq!(parse_pages(""), Ok(vec![]));
        assert_eq!(parse_pages(" ,\n"), Ok(vec![]));
        assert_eq!(parse_pages("42"), Ok(vec![42]));
    }

    #[test]
    fn bad_tokens_are_located() {
        let e = parse_pages("1 2\n 3 x4 5").unwrap_err();
        assert_eq!(
            (e.kind, e.token.as_str(), e.index, e.line, e.column),
            (InputErrorKind::NotANumber, "x4", 4, 2, 4)
        );
        let e = parse_pages("18446744073709551616").unwrap_err();
        assert_eq!(
            (e.kind, e.index, e.line, e.column),
            (InputErrorKind::TooLarge, 1, 1, 1)
        );
        let e = parse_pages("0x1_0000000000000000").unwrap_err();
        assert_eq!(e.kind, InputErrorKind::NotANumber);
        let e = parse_pages("1 0x").unwrap_err();
        assert_eq!(
            (e.kind, e.token.as_str()),
            (InputErrorKind::NotANumber, "0x")
        );
        let e = parse_pages("-3").unwrap_err();
        assert_eq!(e.token, "-3");
        let e = parse_pages(&"7".repeat(MAX_TOKEN + 10)).unwrap_err();
        assert_eq!(e.kind, InputErrorKind::TooLong);
        assert_eq!(e.token.chars().count(), QUOTED + 1);
        assert!(e.to_string().contains("token 1 \"7777"));
    }

    /// Tokens, lines and columns come out the same whatever the read size, so tokens cut
    /// across buffer refills are handled.
    #[test]
    fn every_buffer_size_reads_the_same() {
        let text = "12, 0x1f\n345 6\n\n 78901234567890123456 9 0000000000000000000000012";
        let good = "12, 0x1f\n345 6\n\n 7890123456789012345 9 0000000000000000000000012";
        for size in 1..40 {
            let mut reader = PageReader::with_buffer(good.as_bytes(), size);
            let pages: Vec<u64> = reader.by_ref().collect();
            assert_eq!(
                pages,
                vec![12, 31, 345, 6, 7890123456789012345, 9, 12],
                "size {size}"
            );
            assert_eq!(reader.error(), None);

            let mut reader = PageReader::with_buffer(text.as_bytes(), size);
            let pages: Vec<u64> = reader.by_ref().collect();
            assert_eq!(pages, vec![12, 31, 345, 6], "size {size}");
            let e = reader.error().unwrap();
            assert_eq!(
                (&e.kind, e.index, e.line, e.column),
                (&InputErrorKind::TooLarge, 5, 4, 2),
                "size {size}"
            );
        }
    }

    #[test]
    fn addresses_become_pages() {
        let mut reader =
            PageReader::addresses("7ffd1a2c 0x1000,fff\n0 FFFFFFFFFFFFFFFF".as_bytes(), 12);
        let pages: Vec<u64> = reader.by_ref().collect();
        assert_eq!(pages, vec![0x7ffd1, 1, 0, 0, 0x000F_FFFF_FFFF_FFFF]);
        assert_eq!(reader.error(), None);
        let mut reader = PageReader::addresses("10 zz".as_bytes(), 12);
        assert_eq!(reader.by_ref().collect::<Vec<_>>(), vec![0]);
        let e = reader.take_error().unwrap();
        assert_eq!(
            (e.kind, e.token.as_str(), e.line, e.column),
            (InputErrorKind::NotANumber, "zz", 1, 4)
        );
    }

    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }

    #[test]
    fn read_failure_is_reported() {
        let mut reader = PageReader::new(Failing);
        assert_eq!(reader.next(), None);
        let e = reader.take_error().unwrap();
        assert_eq!(e.kind, InputErrorKind::Io("disk on fire".into()));
        assert!(e.to_string().contains("disk on fire"));
    }
}
