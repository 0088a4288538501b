//! Small helpers that put numbers into the words of a narration, shared by the API calls
//! and the paging engine.

use super::addr::PAGE_SHIFT;

/// An address as narration shows it, e.g. `0x23456700000`.
pub fn addr(va: u64) -> String {
    format!("{va:#x}")
}

/// A byte count in words: the largest exact unit when that reads well (`8 bytes`, `4 KB`,
/// `64 KB`, `1 TB`), otherwise hexadecimal with an approximation.
pub fn bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1 << 40, "TB"),
        (1 << 30, "GB"),
        (1 << 20, "MB"),
        (1 << 10, "KB"),
    ];
    for (unit, name) in UNITS {
        if n >= unit && n.is_multiple_of(unit) && n / unit < 10_000 {
            return format!("{} {name}", n / unit);
        }
    }
    if n == 1 {
        return "1 byte".to_string();
    }
    if n < 0x1_0000 {
        return format!("{n} bytes");
    }
    let (unit, name) = UNITS
        .into_iter()
        .find(|(unit, _)| n >= *unit)
        .unwrap_or((1 << 10, "KB"));
    // One decimal, rounded, in integer arithmetic (keeps float formatting out of the wasm).
    // With n = q·unit + r the tenths are 10q + (10r + unit/2)/unit, and nothing overflows.
    let tenths = n / unit * 10 + (n % unit * 10 + unit / 2) / unit;
    format!(
        "{n:#x} bytes (about {}.{} {name})",
        tenths / 10,
        tenths % 10
    )
}

/// `singular` when `n` is 1, else `plural` (for verbs: "was"/"were").
pub fn agree(n: u64, singular: &'static str, plural: &'static str) -> &'static str {
    if n == 1 {
        singular
    } else {
        plural
    }
}

/// A page count, e.g. `1 page`, `16 pages`.
pub fn pages(n: u64) -> String {
    if n == 1 {
        "1 page".to_string()
    } else {
        format!("{n} pages")
    }
}

/// A commit-charge change, e.g. `from 0 to 1 page of 48`.
pub fn charge(old: u64, new: u64, limit: u64) -> String {
    format!("from {old} to {} of {limit}", pages(new))
}

/// The byte size of `n` pages, in words.
pub fn page_bytes(n: u64) -> String {
    bytes(n << PAGE_SHIFT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(bytes(8), "8 bytes");
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(0x1000), "4 KB");
        assert_eq!(bytes(0x10000), "64 KB");
        assert_eq!(bytes(0xFFFC), "65532 bytes");
        assert_eq!(bytes(1 << 40), "1 TB");
        assert_eq!(
            bytes(u64::MAX),
            "0xffffffffffffffff bytes (about 16777216.0 TB)"
        );
        assert_eq!(
            bytes(0x7FFF_FFFF_0000 - 0x0234_5672_0000),
            "0x7dcba98d0000 bytes (about 125.8 TB)"
        );
        assert_eq!(bytes(0x12345), "0x12345 bytes (about 72.8 KB)");
        assert_eq!(pages(1), "1 page");
        assert_eq!(pages(3), "3 pages");
        assert_eq!(addr(0x234_5670_0000), "0x23456700000");
    }
}
