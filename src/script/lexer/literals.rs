//! C literals: strings and characters with their escape sequences, and integers.

use super::{Lexer, Tok};

impl Lexer<'_> {
    /// A string or character literal body after the opening quote; returns its bytes.
    /// Stops (with an error) at the end of the line when the quote is never closed.
    pub(super) fn string(&mut self, quote: u8) -> Vec<u8> {
        let (line, col) = (self.line, self.col);
        self.bump();
        let mut bytes = Vec::new();
        loop {
            if self.at_end() || self.peek(0) == b'\n' {
                let what = if quote == b'"' { "string" } else { "character" };
                let close = quote as char;
                self.errors.unterminated(
                    line,
                    col,
                    format!("this {what} is never closed: add {close} before the end of the line"),
                );
                return bytes;
            }
            let b = self.peek(0);
            if b == quote {
                self.bump();
                return bytes;
            }
            if b == b'\\' {
                self.escape(&mut bytes);
                continue;
            }
            if b < 0x20 && b != b'\t' {
                self.errors.at(
                    self.line,
                    self.col,
                    format!(
                        "control character U+{b:04X} inside a string: write it as an escape such as \\x{b:02X}"
                    ),
                );
            }
            bytes.push(b);
            self.bump();
        }
    }

    /// One C escape sequence after a backslash.
    fn escape(&mut self, bytes: &mut Vec<u8>) {
        let (line, col) = (self.line, self.col);
        self.bump();
        let e = self.peek(0);
        let simple = match e {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'a' => Some(7),
            b'b' => Some(8),
            b'f' => Some(12),
            b'v' => Some(11),
            b'\\' => Some(b'\\'),
            b'\'' => Some(b'\''),
            b'"' => Some(b'"'),
            b'?' => Some(b'?'),
            _ => None,
        };
        if let Some(v) = simple {
            bytes.push(v);
            self.bump();
            return;
        }
        match e {
            b'x' => {
                self.bump();
                let mut value: u32 = 0;
                let mut digits = 0;
                while self.peek(0).is_ascii_hexdigit() {
                    value =
                        (value << 4 | (self.peek(0) as char).to_digit(16).unwrap_or(0)) & 0xFFFF;
                    digits += 1;
                    self.bump();
                }
                if digits == 0 {
                    self.errors
                        .at(line, col, "\\x must be followed by hex digits, like \\x41");
                } else if value > 0xFF {
                    self.errors.at(
                        line,
                        col,
                        "this \\x escape is too large for one byte (at most \\xFF)",
                    );
                }
                bytes.push(value as u8);
            }
            b'0'..=b'7' => {
                let mut value: u32 = 0;
                for _ in 0..3 {
                    if !matches!(self.peek(0), b'0'..=b'7') {
                        break;
                    }
                    value = value * 8 + u32::from(self.peek(0) - b'0');
                    self.bump();
                }
                if value > 0xFF {
                    self.errors.at(
                        line,
                        col,
                        "this octal escape is too large for one byte (at most \\377)",
                    );
                }
                bytes.push(value as u8);
            }
            b'\n' | 0 => {
                self.errors.at(
                    line,
                    col,
                    "a backslash at the end of a string: the string is never closed",
                );
            }
            _ => {
                let c = self.current_char();
                self.bump_char();
                self.errors.at(
                    line,
                    col,
                    format!("unknown escape '\\{c}'; known: \\n \\t \\r \\0 \\\\ \\\" \\' \\xHH"),
                );
            }
        }
    }

    /// A character literal such as 'A': an integer token of its byte.
    pub(super) fn char_literal(&mut self) {
        let (start, line, col) = (self.pos, self.line, self.col);
        let bytes = self.string(b'\'');
        let value = match bytes.len() {
            1 => u64::from(bytes[0]),
            0 => {
                self.errors.at(
                    line,
                    col,
                    "an empty character literal: put one character between the quotes, like 'A'",
                );
                0
            }
            _ => {
                self.errors.at(
                    line,
                    col,
                    "a character literal holds one character; use double quotes for a string",
                );
                u64::from(bytes[0])
            }
        };
        self.push(Tok::Int(value), start, line, col);
    }

    /// A number: an integer token of its value (see [`parse_int`]).
    pub(super) fn number(&mut self) {
        let (start, line, col) = (self.pos, self.line, self.col);
        while matches!(self.peek(0), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.') {
            self.bump();
        }
        let text = self.since(start);
        let value = match parse_int(text) {
            Ok(v) => v,
            Err(message) => {
                self.errors.at(line, col, message);
                0
            }
        };
        self.push(Tok::Int(value), start, line, col);
    }
}

/// Parse a C integer literal: decimal, `0x` hex or leading-0 octal, with optional
/// `u`/`l`/`ll` suffixes. The error is a sentence for the script author.
pub fn parse_int(text: &str) -> Result<u64, String> {
    let body = text.trim_end_matches(['u', 'U', 'l', 'L']);
    let suffix = text.strip_prefix(body).unwrap_or_default();
    if suffix.len() > 3 {
        return Err(format!("'{text}' is not a number: bad suffix '{suffix}'"));
    }
    if body.contains('.') {
        return Err(format!(
            "'{text}': numbers with a decimal point are not supported, only integers"
        ));
    }
    let (digits, radix) =
        if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (hex, 16)
        } else if let Some(octal) = body.strip_prefix('0').filter(|o| !o.is_empty()) {
            (octal, 8)
        } else {
            (body, 10)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        let kind = match radix {
            16 => "hexadecimal",
            8 => "octal (it starts with 0)",
            _ => "decimal",
        };
        return Err(format!("'{text}' is not a valid {kind} number"));
    }
    u64::from_str_radix(digits, radix)
        .map_err(|_| format!("the number {text} is too large for 64 bits (the largest is 18446744073709551615, 0xFFFFFFFFFFFFFFFF)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_literals() {
        assert_eq!(parse_int("0xFFFFFFFFFFFFFFFF"), Ok(u64::MAX));
        assert!(parse_int("0x").is_err());
        assert!(parse_int("12ab").is_err());
        assert!(parse_int("09").is_err());
        assert!(parse_int("1.5").is_err());
        assert_eq!(parse_int("0"), Ok(0));
    }
}
