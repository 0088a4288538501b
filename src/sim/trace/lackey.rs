//! Reading Valgrind Lackey output (`valgrind --tool=lackey --trace-mem=yes`), streamed line
//! by line in constant memory.
//!
//! Each access line is one access: `I  ADDR,SIZE` (an instruction fetch), ` L ADDR,SIZE`
//! (a load), ` S ADDR,SIZE` (a store) or ` M ADDR,SIZE` (a modify: a load and a store of
//! the same bytes, one access), with ADDR in hexadecimal and SIZE in decimal. Lines that
//! start with `==` (Valgrind's `==PID==` messages) and blank lines are not accesses and are
//! skipped; any other line is an error that names its line number.
//!
//! An access whose bytes span two pages (or more, with a tiny page size) touches each of
//! them: it gives one reference per page, in address order. That is what the hardware
//! needs: every page the bytes lie on must be resident.

use std::io::{BufRead, BufReader, ErrorKind, Read};

use super::input::{parse_token, InputError, InputErrorKind};

/// The largest SIZE accepted on a line (Lackey's are at most a few hundred bytes).
pub const MAX_ACCESS_SIZE: u64 = 1 << 20;

/// Most characters of a bad line quoted in an error message.
const QUOTED: usize = 60;

/// Streams the pages of Lackey output out of `source`; an iterator of `u64` that stops at
/// the first bad line or failed read and keeps the reason ([`LackeyReader::take_error`]).
#[derive(Debug)]
pub struct LackeyReader<R> {
    source: BufReader<R>,
    line: Vec<u8>,
    /// Lines read so far.
    line_number: u64,
    /// Accesses read so far.
    accesses: u64,
    /// log2 of the page size.
    shift: u32,
    /// Pages still to give for the current line: `next..=last`.
    next: u64,
    last: u64,
    /// Whether `next..=last` holds pages.
    pending: bool,
    error: Option<InputError>,
}

impl<R: Read> LackeyReader<R> {
    /// A reader whose pages are `2^page_shift` bytes.
    pub fn new(source: R, page_shift: u32) -> LackeyReader<R> {
        LackeyReader {
            source: BufReader::with_capacity(256 * 1024, source),
            line: Vec::with_capacity(128),
            line_number: 0,
            accesses: 0,
            shift: page_shift.min(63),
            next: 0,
            last: 0,
            pending: false,
            error: None,
        }
    }

    /// Take the reason reading stopped early, if it did.
    pub fn take_error(&mut self) -> Option<InputError> {
        self.error.take()
    }

    fn fail(&mut self, kind: InputErrorKind) {
        let text = String::from_utf8_lossy(&self.line);
        let text = text.trim_end_matches(['\n', '\r']);
        let mut token: String = text.chars().take(QUOTED).collect();
        if text.chars().count() > QUOTED {
            token.push('…');
        }
        self.error = Some(InputError {
            kind,
            token,
            index: self.accesses + 1,
            line: self.line_number,
            column: 1,
        });
    }
}

/// The first and last byte address of an access line, `None` for a line that is not one.
fn parse_access(line: &[u8]) -> Option<(u64, u64)> {
    let rest = match line {
        [b'I', b' ', rest @ ..] | [b' ', b'L' | b'S' | b'M', b' ', rest @ ..] => rest,
        _ => return None,
    };
    let text = rest.trim_ascii();
    let comma = text.iter().position(|&b| b == b',')?;
    let (address, size) = (&text[..comma], &text[comma + 1..]);
    let address = parse_token(address.trim_ascii(), 16).ok()?;
    let size = parse_token(size.trim_ascii(), 10).ok()?;
    if size > MAX_ACCESS_SIZE {
        return None;
    }
    let last = address.checked_add(size.max(1) - 1)?;
    Some((address, last))
}

impl<R: Read> Iterator for LackeyReader<R> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        loop {
            if self.pending {
                let page = self.next;
                if page == self.last {
                    self.pending = false;
                } else {
                    self.next += 1;
                }
                return Some(page);
            }
            if self.error.is_some() {
                return None;
            }
            self.line.clear();
            match self.source.read_until(b'\n', &mut self.line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.fail(InputErrorKind::Io(e.to_string()));
                    return None;
                }
            }
            self.line_number += 1;
            let line = self.line.trim_ascii_end();
            if line.is_empty() || line.starts_with(b"==") {
                continue;
            }
            match parse_access(line) {
                Some((first, last)) => {
                    self.accesses += 1;
                    self.next = first >> self.shift;
                    self.last = last >> self.shift;
                    self.pending = true;
                }
                None => {
                    self.fail(InputErrorKind::NotALackeyLine);
                    return None;
                }
            }
        }
    }
}

/// Whether `line` looks like Lackey output (an access line or a `==PID==` line).
pub(super) fn is_lackey_line(line: &[u8]) -> bool {
    let line = line.trim_ascii_end();
    line.starts_with(b"==") || parse_access(line).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, shift: u32) -> (Vec<u64>, Option<InputError>) {
        let mut reader = LackeyReader::new(text.as_bytes(), shift);
        let pages = reader.by_ref().collect();
        (pages, reader.take_error())
    }

    #[test]
    fn each_kind_of_line_is_one_access() {
        let text = "==123== Lackey, an example Valgrind tool\n==123== \nI  04011f0,3\n L 7ff000ff8,8\n S 0421b48,4\n M 0421b48,4\n\n";
        let (pages, error) = read(text, 12);
        assert_eq!(error, None);
        assert_eq!(pages, vec![0x401, 0x7ff000, 0x421, 0x421]);
    }

    #[test]
    fn an_access_across_a_page_boundary_touches_both_pages() {
        let (pages, _) = read(" L 0fff,2\n S 1ffc,4\n", 12);
        assert_eq!(pages, vec![0, 1, 1]);
        let (pages, _) = read(" L 0,8\n", 1);
        assert_eq!(pages, vec![0, 1, 2, 3]);
    }

    #[test]
    fn bad_lines_name_their_line_number() {
        for bad in [
            " X 10,4",
            " L 10",
            " L zz,4",
            " L 10,four",
            "L 10,4",
            " L ffffffffffffffff,8",
            " L 10,99999999",
            "hello",
        ] {
            let (pages, error) = read(&format!("==1== hi\nI  10,4\n{bad}\n L 20,4\n"), 12);
            assert_eq!(pages, vec![0], "{bad}");
            let error = error.expect(bad);
            assert_eq!(
                (error.kind.clone(), error.line),
                (InputErrorKind::NotALackeyLine, 3),
                "{bad}"
            );
            assert!(error.to_string().contains("line 3"), "{error}");
        }
    }
}
