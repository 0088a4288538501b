//! Script errors: a position in the script and a sentence a beginner understands.

use std::fmt;

/// Most errors one parse reports; past this the script is surely not C.
pub const MAX_ERRORS: usize = 100;

/// An error in the script text (or one found while running a statement), at a 1-based
/// line and column. Displays as `line:col: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
    /// What is wrong, in plain words.
    pub message: String,
}

impl ScriptError {
    /// An error at `line:col`.
    pub fn new(line: u32, col: u32, message: impl Into<String>) -> ScriptError {
        ScriptError {
            line,
            col,
            message: message.into(),
        }
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// A growing list of errors, capped at [`MAX_ERRORS`].
#[derive(Debug, Default)]
pub(crate) struct Errors {
    list: Vec<ScriptError>,
    overflowed: bool,
    /// Lines where a string or comment is never closed: what follows is garbled, so
    /// parse errors of statements that touch these lines would only add noise.
    unterminated: Vec<u32>,
}

impl Errors {
    /// Record an error; past the cap, one "too many errors" note is kept instead.
    pub fn push(&mut self, error: ScriptError) {
        if self.list.len() < MAX_ERRORS {
            self.list.push(error);
        } else if !self.overflowed {
            self.overflowed = true;
            self.list.push(ScriptError::new(
                error.line,
                error.col,
                format!("too many errors ({MAX_ERRORS}); stopping here"),
            ));
        }
    }

    /// Shorthand for [`Errors::push`] with a position and message.
    pub fn at(&mut self, line: u32, col: u32, message: impl Into<String>) {
        self.push(ScriptError::new(line, col, message));
    }

    /// Report a string or comment that is never closed, starting on `line`.
    pub fn unterminated(&mut self, line: u32, col: u32, message: impl Into<String>) {
        self.unterminated.push(line);
        self.at(line, col, message);
    }

    /// True when a never-closed string or comment starts on a line in `from..=to`.
    pub fn garbled(&self, from: u32, to: u32) -> bool {
        self.unterminated.iter().any(|l| (from..=to).contains(l))
    }

    /// How many errors were reported so far.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True once the cap has been reached: callers may stop early.
    pub fn full(&self) -> bool {
        self.overflowed
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The errors, sorted by position, duplicates removed.
    pub fn into_sorted(mut self) -> Vec<ScriptError> {
        let overflow = if self.overflowed {
            self.list.pop()
        } else {
            None
        };
        // Stable: errors at one place keep the order they were found in.
        let mut places = Vec::with_capacity(self.list.len());
        for e in &self.list {
            places.push(u64::from(e.line) << 32 | u64::from(e.col));
        }
        let mut sorted = Vec::with_capacity(self.list.len());
        for i in crate::sim::order::stable_order(&places) {
            sorted.push(self.list[i].clone());
        }
        self.list = sorted;
        self.list.dedup();
        self.list.extend(overflow);
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_line_col_message() {
        let e = ScriptError::new(3, 7, "unexpected ')'");
        assert_eq!(e.to_string(), "3:7: unexpected ')'");
    }

    #[test]
    fn errors_are_sorted_deduplicated_and_capped() {
        let mut errors = Errors::default();
        errors.at(2, 1, "b");
        errors.at(1, 5, "a");
        errors.at(2, 1, "b");
        let sorted = errors.into_sorted();
        assert_eq!(sorted.len(), 2);
        assert_eq!(sorted[0].message, "a");

        let mut many = Errors::default();
        for i in 0..(MAX_ERRORS as u32 + 50) {
            many.at(i + 1, 1, "x");
        }
        assert!(many.full());
        let list = many.into_sorted();
        assert_eq!(list.len(), MAX_ERRORS + 1);
        assert!(list[MAX_ERRORS].message.contains("too many errors"));
    }
}
