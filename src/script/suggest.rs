//! "Did you mean …?": the closest known name by edit distance.

/// Edit distance (insert, delete, substitute, swap of neighbours) between `a` and `b`,
/// counted in characters. Names are short, so the quadratic table is fine; very long
/// inputs are cut off to keep it bounded.
pub fn distance(a: &str, b: &str) -> usize {
    const LIMIT: usize = 64;
    let a: Vec<char> = a.chars().take(LIMIT).collect();
    let b: Vec<char> = b.chars().take(LIMIT).collect();
    // Three rows of the table, each one more than the last: `before` (for a swap), `last`
    // and `row`, the distances from a prefix of `a` to every prefix of `b`. A cell outside
    // a row (none is ever read) counts as far.
    let cell = |row: &[usize], j: usize| row.get(j).map_or(usize::MAX / 2, |d| *d);
    let mut before: Vec<usize> = Vec::new();
    let mut last: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, &y) in b.iter().enumerate() {
            let mut best = (cell(&last, j + 1) + 1)
                .min(cell(&row, j) + 1)
                .min(cell(&last, j) + usize::from(x != y));
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(&y) && b.get(j - 1) == Some(&x);
            if swapped {
                best = best.min(cell(&before, j - 1) + 1);
            }
            row.push(best);
        }
        before = std::mem::replace(&mut last, row);
    }
    cell(&last, b.len())
}

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
/// A match that differs only in letter case always wins. Ties go to the earlier candidate.
pub fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut best = Closest::to(name);
    for &candidate in candidates {
        best.offer(candidate);
    }
    best.found
}

/// The search of [`closest`], candidate by candidate (not generic: one copy in the wasm
/// module whatever the list of candidates).
struct Closest<'n, 'a> {
    name: &'n str,
    lower: String,
    allowed: usize,
    best: Option<usize>,
    found: Option<&'a str>,
}

impl<'n, 'a> Closest<'n, 'a> {
    fn to(name: &'n str) -> Self {
        Closest {
            name,
            lower: name.to_ascii_lowercase(),
            allowed: (name.chars().count() / 3).max(1),
            best: None,
            found: None,
        }
    }

    fn offer(&mut self, candidate: &'a str) {
        if candidate == self.name {
            return;
        }
        let d = if candidate.to_ascii_lowercase() == self.lower {
            0
        } else {
            distance(self.name, candidate)
        };
        if d <= self.allowed && self.best.is_none_or(|b| d < b) {
            self.best = Some(d);
            self.found = Some(candidate);
        }
    }
}

/// `" — did you mean 'x'?"` when a close candidate exists, else the empty string.
pub fn hint(name: &str, candidates: &[&str]) -> String {
    match closest(name, candidates) {
        Some(c) => format!(" — did you mean '{c}'?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("pointr", "pointer"), 1);
        assert_eq!(distance("VirtuaAlloc", "VirtualAlloc"), 1);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn closest_names() {
        let names = ["VirtualAlloc", "VirtualFree", "VirtualProtect"];
        assert_eq!(closest("VirtuaAlloc", &names), Some("VirtualAlloc"));
        assert_eq!(closest("virtualfree", &names), Some("VirtualFree"));
        assert_eq!(closest("malloc", &names), None);
        assert_eq!(hint("VirtualFre", &names), " — did you mean 'VirtualFree'?");
        assert_eq!(hint("zzz", &names), "");
    }
}
