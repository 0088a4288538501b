//! The input formats of trace mode and how one is chosen when none is given.

use std::io::{Chain, Cursor, Read};

use super::input::{InputError, InputErrorKind, PageReader};
use super::lackey::{is_lackey_line, LackeyReader};

/// Bytes looked at to detect the format.
const SNIFF: usize = 64 * 1024;

/// How a reference string is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Page numbers, decimal or `0x` hexadecimal, separated by spaces, commas or new lines.
    Pages,
    /// Hexadecimal byte addresses (with or without `0x`); the page is address / page size.
    Addresses,
    /// Valgrind Lackey output (`valgrind --tool=lackey --trace-mem=yes`).
    Lackey,
}

impl Format {
    /// Parse a `--format` value.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "pages" => Some(Format::Pages),
            "addresses" => Some(Format::Addresses),
            "lackey" => Some(Format::Lackey),
            _ => None,
        }
    }

    /// The name as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pages => "pages",
            Format::Addresses => "addresses",
            Format::Lackey => "lackey",
        }
    }

    /// Guess the format from the start of the input:
    /// - Lackey when the first non-blank line is a Lackey line (`==PID==…`, `I  ADDR,SIZE`,
    ///   ` L ADDR,SIZE`, ` S …`, ` M …`);
    /// - addresses when the first token is hexadecimal, written with `0x` or with a letter
    ///   a–f, and at least `page_size`;
    /// - page numbers otherwise.
    pub fn detect(start: &[u8], page_size: u64) -> Format {
        let first_line = start
            .split(|&b| b == b'\n')
            .find(|line| !line.trim_ascii().is_empty());
        let Some(line) = first_line else {
            return Format::Pages;
        };
        if is_lackey_line(line) {
            return Format::Lackey;
        }
        let token = line
            .trim_ascii()
            .split(|&b| b.is_ascii_whitespace() || b == b',')
            .next()
            .unwrap_or_default();
        let (digits, prefixed) = match token {
            [b'0', b'x' | b'X', rest @ ..] => (rest, true),
            _ => (token, false),
        };
        let hex = !digits.is_empty() && digits.iter().all(u8::is_ascii_hexdigit);
        let letters = digits.iter().any(u8::is_ascii_alphabetic);
        if hex && (prefixed || letters) {
            let value = std::str::from_utf8(digits)
                .ok()
                .and_then(|d| u64::from_str_radix(d, 16).ok());
            if value.is_none_or(|v| v >= page_size) {
                return Format::Addresses;
            }
        }
        Format::Pages
    }
}

/// Check a `--page-size`: a power of two from 1 to 2^32 bytes; returns its log2.
pub fn page_shift(page_size: u64) -> Option<u32> {
    (page_size.is_power_of_two() && page_size <= 1 << 32).then(|| page_size.trailing_zeros())
}

/// A reference string in any [`Format`], read as pages.
#[derive(Debug)]
pub enum TraceReader<R> {
    /// Page numbers or byte addresses.
    Tokens(PageReader<R>),
    /// Lackey output.
    Lackey(LackeyReader<R>),
}

/// The source of a reader opened with [`TraceReader::open`]: the bytes read to detect the
/// format, then the rest.
pub type Sniffed<R> = Chain<Cursor<Vec<u8>>, R>;

impl<R: Read> TraceReader<R> {
    /// Read `source` in `format` with pages of `2^page_shift` bytes.
    pub fn new(source: R, format: Format, page_shift: u32) -> TraceReader<R> {
        match format {
            Format::Pages => TraceReader::Tokens(PageReader::new(source)),
            Format::Addresses => TraceReader::Tokens(PageReader::addresses(source, page_shift)),
            Format::Lackey => TraceReader::Lackey(LackeyReader::new(source, page_shift)),
        }
    }

    /// Read `source` in `format`, or in the format [`Format::detect`] finds at its start;
    /// returns the reader and the format used.
    pub fn open(
        mut source: R,
        format: Option<Format>,
        page_shift: u32,
    ) -> Result<(TraceReader<Sniffed<R>>, Format), InputError> {
        let mut start = Vec::new();
        if format.is_none() {
            start.resize(SNIFF, 0);
            let mut filled = 0;
            while filled < SNIFF {
                match source.read(&mut start[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        return Err(InputError {
                            kind: InputErrorKind::Io(e.to_string()),
                            token: String::new(),
                            index: 0,
                            line: 1,
                            column: 1,
                        })
                    }
                }
            }
            start.truncate(filled);
        }
        let format = format.unwrap_or_else(|| Format::detect(&start, 1 << page_shift));
        let source = Cursor::new(start).chain(source);
        Ok((TraceReader::new(source, format, page_shift), format))
    }

    /// Take the reason reading stopped early, if it did.
    pub fn take_error(&mut self) -> Option<InputError> {
        match self {
            TraceReader::Tokens(reader) => reader.take_error(),
            TraceReader::Lackey(reader) => reader.take_error(),
        }
    }
}

impl<R: Read> Iterator for TraceReader<R> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        match self {
            TraceReader::Tokens(reader) => reader.next(),
            TraceReader::Lackey(reader) => reader.next(),
        }
    }
}

/// Read a whole reference string held in memory in `format` (or the detected one).
pub fn parse_trace(
    text: &str,
    format: Option<Format>,
    page_shift: u32,
) -> Result<(Vec<u64>, Format), InputError> {
    let (mut reader, format) = TraceReader::open(text.as_bytes(), format, page_shift)?;
    let pages: Vec<u64> = reader.by_ref().collect();
    match reader.take_error() {
        Some(error) => Err(error),
        None => Ok((pages, format)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection() {
        let detect = |text: &str| Format::detect(text.as_bytes(), 4096);
        assert_eq!(detect("1 2 3 4"), Format::Pages);
        assert_eq!(detect("\n\n0x2a 7"), Format::Pages);
        assert_eq!(detect(""), Format::Pages);
        assert_eq!(detect("0x7ffd1a2c\n0x1000"), Format::Addresses);
        assert_eq!(detect("7ffd1a2c 10"), Format::Addresses);
        assert_eq!(detect("==42== Lackey\nI  10,4"), Format::Lackey);
        assert_eq!(detect(" L 7ff000ff8,8\n"), Format::Lackey);
        assert_eq!(detect("I  04011f0,3"), Format::Lackey);
    }

    #[test]
    fn page_sizes() {
        assert_eq!(page_shift(4096), Some(12));
        assert_eq!(page_shift(1), Some(0));
        assert_eq!(page_shift(0), None);
        assert_eq!(page_shift(3000), None);
        assert_eq!(page_shift(1 << 33), None);
    }

    #[test]
    fn every_format_reads() {
        assert_eq!(
            parse_trace("1 2 1", None, 12).unwrap(),
            (vec![1, 2, 1], Format::Pages)
        );
        assert_eq!(
            parse_trace("0x1000 0x2fff", None, 12).unwrap(),
            (vec![1, 2], Format::Addresses)
        );
        assert_eq!(
            parse_trace("==1== x\n L 3000,4\n", None, 12).unwrap(),
            (vec![3], Format::Lackey)
        );
        assert_eq!(
            parse_trace("10 20", Some(Format::Addresses), 4).unwrap(),
            (vec![1, 2], Format::Addresses)
        );
    }
}
