//! `printf` formats: `%d %i %u %x %X %o %c %s %p %%` with flags, width, precision and the
//! length modifiers `hh h l ll z j t I I32 I64`, as the Microsoft C runtime on x64 prints
//! them. `long` is 32 bits on Windows, so `%x` and `%lx` print the low 32 bits; `%llx`,
//! `%zx` and `%I64x` print all 64. `%p` prints 16 upper-case hex digits.

/// Widest field a format may ask for (keeps output bounded).
pub const MAX_WIDTH: usize = 4096;

/// The integer size a conversion reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    /// `hh`: 8 bits.
    Char,
    /// `h`: 16 bits.
    Short,
    /// none or `l` (32-bit `long` on Windows).
    Int,
    /// `ll`, `z`, `j`, `t`, `I`, `I64`: 64 bits.
    Long,
}

/// One `%…` conversion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// `-`: left-justify.
    pub left: bool,
    /// `0`: pad numbers with zeros.
    pub zero: bool,
    /// `+`: always print a sign.
    pub plus: bool,
    /// ` `: a space where a plus sign would go.
    pub space: bool,
    /// `#`: `0x` before hex, `0` before octal.
    pub alt: bool,
    /// Minimum field width.
    pub width: usize,
    /// Precision (minimum digits; maximum characters for `%s`).
    pub precision: Option<usize>,
    /// Integer size.
    pub length: Length,
    /// The conversion letter: one of `d i u x X o c s p`.
    pub conv: u8,
}

/// A piece of a format: text or a conversion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Printed as is.
    Text(Vec<u8>),
    /// Replaced by a formatted value.
    Conv(Spec),
}

/// A value ready for formatting: `%s` values are already read from memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A number or address.
    Int(u64),
    /// The bytes of a string.
    Bytes(Vec<u8>),
}

/// Split a format into text and conversions, or say what is wrong with it.
pub fn pieces(fmt: &[u8]) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut text = Vec::new();
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] != b'%' {
            text.push(fmt[i]);
            i += 1;
            continue;
        }
        i += 1;
        if fmt.get(i) == Some(&b'%') {
            text.push(b'%');
            i += 1;
            continue;
        }
        let mut spec = Spec {
            left: false,
            zero: false,
            plus: false,
            space: false,
            alt: false,
            width: 0,
            precision: None,
            length: Length::Int,
            conv: 0,
        };
        while let Some(&c) = fmt.get(i) {
            match c {
                b'-' => spec.left = true,
                b'0' => spec.zero = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'#' => spec.alt = true,
                _ => break,
            }
            i += 1;
        }
        if fmt.get(i) == Some(&b'*') {
            return Err("printf: '*' widths are not supported; write the width as a number".into());
        }
        spec.width = digits(fmt, &mut i)?;
        if fmt.get(i) == Some(&b'.') {
            i += 1;
            if fmt.get(i) == Some(&b'*') {
                return Err(
                    "printf: '.*' precisions are not supported; write the precision as a number"
                        .into(),
                );
            }
            spec.precision = Some(digits(fmt, &mut i)?);
        }
        let rest = &fmt[i.min(fmt.len())..];
        let (length, used) = if rest.starts_with(b"I64") {
            (Length::Long, 3)
        } else if rest.starts_with(b"I32") {
            (Length::Int, 3)
        } else if rest.starts_with(b"hh") {
            (Length::Char, 2)
        } else if rest.starts_with(b"ll") {
            (Length::Long, 2)
        } else {
            match rest.first() {
                Some(b'h') => (Length::Short, 1),
                Some(b'l') => (Length::Int, 1),
                Some(b'z' | b'j' | b't' | b'I') => (Length::Long, 1),
                _ => (Length::Int, 0),
            }
        };
        spec.length = length;
        i += used;
        match fmt.get(i) {
            Some(&c @ (b'd' | b'i' | b'u' | b'x' | b'X' | b'o' | b'c' | b's' | b'p')) => {
                spec.conv = c;
                i += 1;
            }
            Some(b'n') => return Err("printf: %n is not supported".into()),
            Some(&c) if c.is_ascii_graphic() => {
                return Err(format!(
                    "printf: unknown conversion '%{}'; known: %d %i %u %x %X %o %c %s %p %llx %llu %%",
                    c as char
                ))
            }
            _ => return Err("printf: the format ends in the middle of a % conversion (write %% for a percent sign)".into()),
        }
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut text)));
        }
        out.push(Piece::Conv(spec));
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

fn digits(fmt: &[u8], i: &mut usize) -> Result<usize, String> {
    let mut n: usize = 0;
    while let Some(&c) = fmt.get(*i) {
        if !c.is_ascii_digit() {
            break;
        }
        n = n.saturating_mul(10).saturating_add(usize::from(c - b'0'));
        *i += 1;
    }
    if n > MAX_WIDTH {
        return Err(format!(
            "printf: a width or precision of {n} is too large (at most {MAX_WIDTH})"
        ));
    }
    Ok(n)
}

/// The conversions of a format, for checking argument counts.
pub fn parse_format(fmt: &[u8]) -> Result<Vec<Spec>, String> {
    let mut out = Vec::new();
    for p in pieces(fmt)? {
        if let Piece::Conv(s) = p {
            out.push(s);
        }
    }
    Ok(out)
}

/// Format `pieces` with `args` (one per conversion; missing ones print as 0).
pub fn format(pieces: &[Piece], args: &[Arg]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut next = args.iter();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.extend_from_slice(t),
            Piece::Conv(spec) => {
                let arg = next.next().cloned().unwrap_or(Arg::Int(0));
                convert(&mut out, spec, arg);
            }
        }
    }
    out
}

/// `bytes` of program output as text, each invalid UTF-8 sequence as U+FFFD: what
/// `String::from_utf8_lossy` gives, built on `str::from_utf8` (which the wasm has anyway), so
/// the page's wasm carries no second UTF-8 decoder.
pub fn text(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(rest) => {
                out.push_str(rest);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at_checked(e.valid_up_to()).unwrap_or_default();
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                // `None`: the bytes end in the middle of a sequence.
                let bad = e.error_len().unwrap_or(rest.len());
                bytes = rest.get(bad..).unwrap_or_default();
            }
        }
    }
}

fn truncate(value: u64, length: Length) -> (u64, i64) {
    match length {
        Length::Char => (value & 0xFF, i64::from(value as u8 as i8)),
        Length::Short => (value & 0xFFFF, i64::from(value as u16 as i16)),
        Length::Int => (value & 0xFFFF_FFFF, i64::from(value as u32 as i32)),
        Length::Long => (value, value as i64),
    }
}

fn pad(out: &mut Vec<u8>, spec: &Spec, prefix: &[u8], body: &[u8], zero_ok: bool) {
    let len = prefix.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    if spec.left {
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        out.extend(std::iter::repeat_n(b' ', fill));
    } else if spec.zero && zero_ok {
        out.extend_from_slice(prefix);
        out.extend(std::iter::repeat_n(b'0', fill));
        out.extend_from_slice(body);
    } else {
        out.extend(std::iter::repeat_n(b' ', fill));
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }
}

fn convert(out: &mut Vec<u8>, spec: &Spec, arg: Arg) {
    let value = match arg {
        Arg::Bytes(bytes) => {
            let shown = match spec.precision {
                Some(p) => &bytes[..p.min(bytes.len())],
                None => &bytes[..],
            };
            pad(out, spec, b"", shown, false);
            return;
        }
        Arg::Int(v) => v,
    };
    match spec.conv {
        b'c' => pad(out, spec, b"", &[value as u8], false),
        b'p' => pad(out, spec, b"", format!("{value:016X}").as_bytes(), false),
        b'd' | b'i' => {
            let (_, signed) = truncate(value, spec.length);
            let sign: &[u8] = if signed < 0 {
                b"-"
            } else if spec.plus {
                b"+"
            } else if spec.space {
                b" "
            } else {
                b""
            };
            let digits = with_precision(signed.unsigned_abs().to_string(), spec.precision);
            pad(out, spec, sign, digits.as_bytes(), spec.precision.is_none());
        }
        _ => {
            let (unsigned, _) = truncate(value, spec.length);
            let text = match spec.conv {
                b'x' => format!("{unsigned:x}"),
                b'X' => format!("{unsigned:X}"),
                b'o' => format!("{unsigned:o}"),
                _ => unsigned.to_string(),
            };
            let digits = with_precision(text, spec.precision);
            let prefix: &[u8] = match (spec.alt && unsigned != 0, spec.conv) {
                (true, b'x') => b"0x",
                (true, b'X') => b"0X",
                (true, b'o') if !digits.starts_with('0') => b"0",
                _ => b"",
            };
            pad(
                out,
                spec,
                prefix,
                digits.as_bytes(),
                spec.precision.is_none(),
            );
        }
    }
}

fn with_precision(digits: String, precision: Option<usize>) -> String {
    match precision {
        Some(0) if digits == "0" => String::new(),
        Some(p) if p > digits.len() => format!("{}{digits}", "0".repeat(p - digits.len())),
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(fmt: &str, args: &[Arg]) -> String {
        let p = pieces(fmt.as_bytes()).expect("format");
        String::from_utf8_lossy(&format(&p, args)).into_owned()
    }

    #[test]
    fn text_replaces_bad_bytes_as_from_utf8_lossy_does() {
        let cases: [&[u8]; 7] = [
            b"plain",
            b"caf\xC3\xA9",
            b"a\xFFb",
            b"\xF0\x9F\x98",
            b"x\xE2\x82y\xC0\x80z",
            b"\xED\xA0\x80!",
            b"",
        ];
        for bytes in cases {
            assert_eq!(text(bytes), String::from_utf8_lossy(bytes), "{bytes:?}");
        }
    }

    #[test]
    fn x_prints_the_low_32_bits_like_msvc() {
        assert_eq!(f("%x", &[Arg::Int(0x234_5670_0000)]), "56700000");
        assert_eq!(f("%llx", &[Arg::Int(0x234_5670_0000)]), "23456700000");
        assert_eq!(f("%lX", &[Arg::Int(0x234_5670_ABCD)]), "5670ABCD");
        assert_eq!(f("%p", &[Arg::Int(0x234_5670_0000)]), "0000023456700000");
    }

    #[test]
    fn signed_and_unsigned() {
        assert_eq!(
            f("%d %u", &[Arg::Int(u64::MAX), Arg::Int(u64::MAX)]),
            "-1 4294967295"
        );
        assert_eq!(
            f("%lld %llu", &[Arg::Int(u64::MAX), Arg::Int(u64::MAX)]),
            "-1 18446744073709551615"
        );
        assert_eq!(f("%+d|% d", &[Arg::Int(5), Arg::Int(5)]), "+5| 5");
        assert_eq!(f("%hhd", &[Arg::Int(0xFF)]), "-1");
    }

    #[test]
    fn widths_flags_precision() {
        assert_eq!(f("[%08x]", &[Arg::Int(0x1337)]), "[00001337]");
        assert_eq!(f("[%#x]", &[Arg::Int(255)]), "[0xff]");
        assert_eq!(f("[%-6d]", &[Arg::Int(42)]), "[42    ]");
        assert_eq!(f("[%5s]", &[Arg::Bytes(b"ab".to_vec())]), "[   ab]");
        assert_eq!(f("[%.2s]", &[Arg::Bytes(b"abcdef".to_vec())]), "[ab]");
        assert_eq!(f("[%.3d]", &[Arg::Int(7)]), "[007]");
        assert_eq!(
            f(
                "%c%c 100%%",
                &[Arg::Int(b'O' as u64), Arg::Int(b'K' as u64)]
            ),
            "OK 100%"
        );
        assert_eq!(f("%-05d|", &[Arg::Int(3)]), "3    |");
    }

    #[test]
    fn bad_formats() {
        assert!(pieces(b"%q").is_err());
        assert!(pieces(b"50%").is_err());
        assert!(pieces(b"%*d").is_err());
        assert!(pieces(b"%99999999999999999999d").is_err());
        assert_eq!(parse_format(b"%s and %llx").map(|v| v.len()), Ok(2));
    }
}
