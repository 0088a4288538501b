//! A lesson's words, read from its comments (docs/lessons.md):
//! - the first comment block, before any code, is the introduction;
//! - a comment block (or a comment at the end of a line) is the note of the next statement,
//!   shown beside the picture while that statement's steps are on show;
//! - a block that starts with `Takeaway:` is the lesson's takeaway;
//! - a `//? PROMPT => ANSWER` line asks a question before the next statement.

/// A note tied to a statement's line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Note {
    /// 1-based line of the statement the note explains.
    pub line: u32,
    /// The note's text: comment lines joined, paragraphs split by blank comment lines.
    pub text: String,
}

/// A `//?` question line, before the statement it asks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// 1-based line of the `//?` comment itself.
    pub at: u32,
    /// 1-based column where the answer expression starts (for errors).
    pub col: u32,
    /// The question as the learner reads it.
    pub prompt: String,
    /// The answer expression's name (see [`crate::course::question::AnswerKind`]).
    pub answer: String,
    /// 1-based line of the statement it asks about (0 when no statement follows).
    pub line: u32,
    /// Which run of that statement it asks about: 1 for the first (`=> faults @3` asks
    /// about the third time a loop body runs). 0 when the `@` count is not a number.
    pub occurrence: u32,
}

/// Everything a lesson says besides its code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// The opening comment block.
    pub intro: String,
    /// Notes in line order.
    pub notes: Vec<Note>,
    /// The takeaway, when the lesson has one.
    pub takeaway: Option<String>,
    /// The question lines, in order.
    pub directives: Vec<Directive>,
}

/// Lines that are structure, not statements: notes above them wait for the next statement.
fn is_structure(code: &str) -> bool {
    let c = code.trim();
    c.is_empty()
        || c.starts_with('#')
        || c.chars().all(|ch| ch == '{' || ch == '}' || ch == ';')
        || c.starts_with("int main")
        || c.starts_with("return ")
}

/// Where a `//` comment starts on a line of code, outside string and character literals.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'/' && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// The text before byte `at` and after the two-byte marker (`=>`, `//`) that starts there.
/// `get`, not indexing: a slice that can panic brings the panic message's formatter (and its
/// Unicode tables) into the page's wasm.
fn split_around(text: &str, at: usize) -> Option<(&str, &str)> {
    Some((text.get(..at)?, text.get(at + 2..)?))
}

/// Comment lines gathered into text: lines joined by spaces, empty lines as paragraph breaks.
#[derive(Default)]
struct Block {
    text: String,
    blank: bool,
}

impl Block {
    fn push(&mut self, line: &str) {
        let line = line.trim();
        if line.is_empty() {
            self.blank = !self.text.is_empty();
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str(if self.blank { "\n\n" } else { " " });
        }
        self.blank = false;
        self.text.push_str(line);
    }

    fn take(&mut self) -> String {
        self.blank = false;
        std::mem::take(&mut self.text)
    }
}

/// Read a lesson's words from its text. Pure; any text gives an outline.
pub fn outline(text: &str) -> Outline {
    let mut out = Outline::default();
    let mut block = Block::default();
    let mut seen_code = false;
    let mut waiting: Vec<usize> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index as u32 + 1;
        let trimmed = raw.trim_start();
        if let Some(rest) = trimmed.strip_prefix("//?") {
            let indent = raw.len() - trimmed.len();
            // A byte search, not `str::rfind`: the page's wasm stays without the
            // substring searcher (see scripts/size).
            let arrow = rest.as_bytes().windows(2).rposition(|w| w == b"=>");
            let (prompt, answer, col) = match arrow.and_then(|at| split_around(rest, at)) {
                Some((before, after)) => {
                    let answer = after.trim();
                    let col =
                        indent + 3 + before.len() + 2 + (after.len() - after.trim_start().len());
                    (before.trim(), answer, col as u32 + 1)
                }
                None => (rest.trim(), "", (indent + 3 + rest.len()) as u32 + 1),
            };
            let (answer, occurrence) = match answer.split_once('@') {
                Some((a, n)) => (a.trim(), n.trim().parse::<u32>().unwrap_or(0)),
                None => (answer, 1),
            };
            waiting.push(out.directives.len());
            out.directives.push(Directive {
                at: number,
                col,
                prompt: prompt.to_string(),
                answer: answer.to_string(),
                line: 0,
                occurrence,
            });
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("//") {
            block.push(rest.strip_prefix('!').unwrap_or(rest));
            continue;
        }
        if trimmed.is_empty() {
            if !seen_code && !block.text.is_empty() && out.intro.is_empty() {
                out.intro = block.take();
            }
            continue;
        }
        let (code, trailing) = match comment_start(raw).and_then(|at| split_around(raw, at)) {
            Some((code, comment)) => (code, Some(comment.trim())),
            None => (raw, None),
        };
        if !seen_code && out.intro.is_empty() && !block.text.is_empty() {
            out.intro = block.take();
        }
        seen_code = true;
        if is_structure(code) {
            continue;
        }
        let mut text = block.take();
        if let Some(t) = text.strip_prefix("Takeaway:") {
            out.takeaway = Some(t.trim().to_string());
            text.clear();
        }
        if let Some(t) = trailing.filter(|t| !t.is_empty()) {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(t);
        }
        if !text.is_empty() {
            out.notes.push(Note { line: number, text });
        }
        for d in waiting.drain(..) {
            out.directives[d].line = number;
        }
    }
    let rest = block.take();
    if let Some(t) = rest.strip_prefix("Takeaway:") {
        out.takeaway = Some(t.trim().to_string());
    } else if !rest.is_empty() && !seen_code {
        out.intro = rest;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "// What to watch for.\n// Second line.\n#pragma pagelab frames=4\n\nint main() {\n    // Commit a page.\n    char *p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\n    //? How many faults? => faults\n    p[0] = 'a'; // \"//\" in a string is not a comment\n}\n// Takeaway: RAM comes on first touch.\n";

    #[test]
    fn intro_notes_questions_and_takeaway() {
        let o = outline(LESSON);
        assert_eq!(o.intro, "What to watch for. Second line.");
        assert_eq!(
            o.notes,
            vec![
                Note {
                    line: 7,
                    text: "Commit a page.".into()
                },
                Note {
                    line: 9,
                    text: "\"//\" in a string is not a comment".into()
                },
            ]
        );
        assert_eq!(o.takeaway.as_deref(), Some("RAM comes on first touch."));
        assert_eq!(o.directives.len(), 1);
        let d = &o.directives[0];
        assert_eq!(
            (d.at, d.line, d.prompt.as_str(), d.answer.as_str()),
            (8, 9, "How many faults?", "faults")
        );
        assert_eq!(d.col, 29, "the column of `faults`");
    }

    #[test]
    fn a_question_with_no_statement_after_it_has_line_zero() {
        let o = outline("x = 1;\n//? Anything? => faults\n");
        assert_eq!(o.directives[0].line, 0);
        assert!(o.notes.is_empty());
    }

    #[test]
    fn a_comment_inside_a_string_is_code() {
        assert_eq!(comment_start("printf(\"a // b\"); // note"), Some(18));
        assert_eq!(comment_start("c = '\\''; x"), None);
    }
}
