//! The lexer: script text to tokens with line and column, comments and preprocessor
//! lines removed, `#pragma pagelab` lines collected.

mod define;
pub mod file_pragma;
mod literals;

use super::error::Errors;
use crate::sim::system::disk::MAX_DISK_BYTES;
use define::{expand, Define};

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// A name: variable, function, constant or type.
    Ident(String),
    /// An integer literal (character literals too).
    Int(u64),
    /// A string literal's bytes, escapes resolved, without the closing NUL.
    Str(Vec<u8>),
    /// An operator or punctuation mark.
    Punct(&'static str),
    /// The end of the script.
    Eof,
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// 1-based line of its first character.
    pub line: u32,
    /// 1-based column of its first character.
    pub col: u32,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
}

/// One `key=value` of a `#pragma pagelab` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PragmaItem {
    /// The setting's name.
    pub key: String,
    /// Its value as written.
    pub value: String,
    /// Line of the item.
    pub line: u32,
    /// Column of the key.
    pub col: u32,
    /// Column of the value.
    pub value_col: u32,
}

/// The lexer's result.
#[derive(Debug, Default)]
pub struct Lexed {
    /// Tokens, ending with [`Tok::Eof`].
    pub tokens: Vec<Token>,
    /// Settings from `#pragma pagelab` lines, in order.
    pub pragmas: Vec<PragmaItem>,
    /// Files from `#pragma pagelab file` lines, in order.
    pub files: Vec<file_pragma::FileItem>,
}

/// Multi-character operators first, so the longest match wins.
const PUNCTS: &[&str] = &[
    "<<=", ">>=", "==", "!=", "<=", ">=", "<<", ">>", "++", "--", "+=", "-=", "*=", "/=", "%=",
    "|=", "&=", "^=", "&&", "||", "->", "(", ")", "{", "}", "[", "]", ";", ",", ".", "&", "|", "^",
    "~", "!", "+", "-", "*", "/", "%", "<", ">", "=", "?", ":",
];

/// Characters a web page may put where a space was meant (no-break spaces, BOM).
fn is_invisible_space(c: char) -> bool {
    matches!(
        c,
        '\u{A0}' | '\u{2007}' | '\u{202F}' | '\u{FEFF}' | '\u{200B}'
    )
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    col: u32,
    /// True while only whitespace has been seen on the current line.
    line_start: bool,
    out: Lexed,
    defines: Vec<Define>,
    errors: &'a mut Errors,
}

/// Split `src` into tokens. Errors (bad characters, unterminated strings and comments,
/// bad numbers) go to `errors`; lexing goes on after each one.
pub(crate) fn lex(src: &str, errors: &mut Errors) -> Lexed {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        line: 1,
        col: 1,
        line_start: true,
        out: Lexed::default(),
        defines: Vec::new(),
        errors,
    };
    lexer.run();
    let mut out = lexer.out;
    if !lexer.defines.is_empty() {
        out.tokens = expand(out.tokens, &lexer.defines);
    }
    out
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Move past one byte, keeping line and column (columns count characters).
    fn bump(&mut self) {
        let Some(&b) = self.bytes.get(self.pos) else {
            return;
        };
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
            self.col = 1;
            self.line_start = true;
        } else if b & 0xC0 != 0x80 {
            self.col += 1;
        }
    }

    fn bump_char(&mut self) {
        self.bump();
        while !self.at_end() && self.peek(0) & 0xC0 == 0x80 {
            self.bump();
        }
    }

    fn current_char(&self) -> char {
        let rest = self.src.get(self.pos..).unwrap_or_default();
        rest.chars().next().unwrap_or('\0')
    }

    /// The text from byte `start` to the current position. The lexer stops only between
    /// characters; `get`, not indexing, because a slice that can panic brings the panic
    /// message's formatter (and its Unicode tables) into the page's wasm.
    fn since(&self, start: usize) -> &str {
        self.src.get(start..self.pos).unwrap_or_default()
    }

    /// Where the line holding byte `at` starts.
    fn line_start_of(&self, at: usize) -> usize {
        let before = self.bytes.get(..at).unwrap_or_default();
        before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    }

    /// The column of byte `at` on the line that starts at `line_start` (columns count
    /// characters, as `bump` does).
    fn column_from(&self, line_start: usize, at: usize) -> u32 {
        let line = self.bytes.get(line_start..at).unwrap_or_default();
        line.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u32 + 1
    }

    fn push(&mut self, tok: Tok, start: usize, line: u32, col: u32) {
        self.out.tokens.push(Token {
            tok,
            line,
            col,
            start,
            end: self.pos,
        });
    }

    fn run(&mut self) {
        while !self.at_end() && !self.errors.full() {
            let (start, line, col) = (self.pos, self.line, self.col);
            let b = self.peek(0);
            match b {
                b'\n' | b' ' | b'\t' | b'\r' | 0x0B | 0x0C => self.bump(),
                b'#' if self.line_start => self.directive(),
                b'/' if self.peek(1) == b'/' => self.skip_line(),
                b'/' if self.peek(1) == b'*' => self.block_comment(),
                b'"' => {
                    self.line_start = false;
                    let bytes = self.string(b'"');
                    self.push(Tok::Str(bytes), start, line, col);
                }
                b'\'' => {
                    self.line_start = false;
                    self.char_literal();
                }
                b'0'..=b'9' => {
                    self.line_start = false;
                    self.number();
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    self.line_start = false;
                    while matches!(self.peek(0), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') {
                        self.bump();
                    }
                    let name = self.since(start).to_string();
                    if matches!(name.as_str(), "L" | "u8") && self.peek(0) == b'"' {
                        // A wide or UTF-8 string literal of Windows samples: its bytes.
                        let bytes = self.string(b'"');
                        self.push(Tok::Str(bytes), start, line, col);
                        continue;
                    }
                    self.push(Tok::Ident(name), start, line, col);
                }
                _ => {
                    self.line_start = false;
                    if let Some(p) = PUNCTS
                        .iter()
                        .find(|p| self.bytes[self.pos..].starts_with(p.as_bytes()))
                    {
                        for _ in 0..p.len() {
                            self.bump();
                        }
                        self.push(Tok::Punct(p), start, line, col);
                    } else {
                        self.bad_character(line, col);
                    }
                }
            }
        }
        let (line, col, pos) = (self.line, self.col, self.pos);
        self.out.tokens.push(Token {
            tok: Tok::Eof,
            line,
            col,
            start: pos,
            end: pos,
        });
    }

    fn bad_character(&mut self, line: u32, col: u32) {
        let c = self.current_char();
        self.bump_char();
        if is_invisible_space(c) {
            return;
        }
        let message = match c {
            '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}' => format!(
                "curly quote '{c}': use a straight quote (\" or ') — copying from a web page often changes them"
            ),
            '#' => "'#' must start a line (a preprocessor line such as #include)".to_string(),
            c if c.is_control() => format!("unexpected control character U+{:04X}", c as u32),
            c => format!("unexpected character '{c}'"),
        };
        self.errors.at(line, col, message);
    }

    fn skip_line(&mut self) {
        while !self.at_end() && self.peek(0) != b'\n' {
            self.bump();
        }
    }

    fn block_comment(&mut self) {
        let (line, col) = (self.line, self.col);
        self.bump();
        self.bump();
        let keep = self.line_start;
        while !self.at_end() {
            if self.peek(0) == b'*' && self.peek(1) == b'/' {
                self.bump();
                self.bump();
                // A comment does not end "start of line" status for a following '#'.
                self.line_start = keep && self.line_start;
                return;
            }
            self.bump();
        }
        self.errors
            .unterminated(line, col, "this comment is never closed: add */ to end it");
    }

    /// A preprocessor line: ignored, except `#pragma pagelab key=value …`.
    fn directive(&mut self) {
        let line = self.line;
        let start = self.pos;
        // The directive runs to the end of the line; a backslash continues it.
        while !self.at_end() {
            let crlf = self.peek(1) == b'\r' && self.peek(2) == b'\n';
            if self.peek(0) == b'\\' && (self.peek(1) == b'\n' || crlf) {
                self.bump();
                if crlf {
                    self.bump();
                }
                self.bump();
                continue;
            }
            if self.peek(0) == b'\n' {
                break;
            }
            self.bump();
        }
        self.pragma(start, line);
        self.define(start, line);
    }

    /// Collect the settings of a `#pragma pagelab` directive that starts at byte `start`.
    fn pragma(&mut self, start: usize, line: u32) {
        let text = self.since(start);
        let body = text.trim_start_matches('#').trim_start();
        let Some(rest) = body.strip_prefix("pragma") else {
            return;
        };
        let Some(settings) = rest.trim_start().strip_prefix("pagelab") else {
            return;
        };
        if !settings.is_empty() && !settings.starts_with(char::is_whitespace) {
            return;
        }
        let line_start = self.line_start_of(start);
        let file = settings.trim_start().strip_prefix("file");
        if let Some(rest) = file.filter(|r| r.is_empty() || r.starts_with(char::is_whitespace)) {
            let rest_start = start + text.len() - rest.len();
            match file_pragma::parse(rest) {
                Ok(item) => {
                    let mut total = item.bytes.len() as u64;
                    for f in &self.out.files {
                        total += f.bytes.len() as u64;
                    }
                    if total > MAX_DISK_BYTES {
                        let name_at = rest_start + rest.len() - rest.trim_start().len();
                        let col = self.column_from(line_start, name_at);
                        let message = format!("#pragma pagelab file: the files together would pass {MAX_DISK_BYTES} bytes (32 MiB), what the disk holds");
                        self.errors.at(line, col, message);
                    } else {
                        self.out.files.push(item);
                    }
                }
                Err((at, message)) => {
                    let col = self.column_from(line_start, rest_start + at);
                    self.errors
                        .at(line, col, format!("#pragma pagelab file: {message}"));
                }
            }
            return;
        }
        let column = |at: usize| self.column_from(line_start, at);
        let settings_start = start + text.len() - settings.len();
        let mut items = Vec::new();
        let mut problems = Vec::new();
        // Words with their byte offsets; any Unicode space separates them.
        let mut words = Vec::new();
        let mut word_start = None;
        for (i, c) in settings.char_indices().chain([(settings.len(), ' ')]) {
            match (c.is_whitespace(), word_start) {
                (true, Some(s)) => {
                    words.push((settings_start + s, settings.get(s..i).unwrap_or_default()));
                    word_start = None;
                }
                (false, None) => word_start = Some(i),
                _ => {}
            }
        }
        for (here, word) in words {
            match word.split_once('=') {
                Some((key, value)) if !key.is_empty() && !value.is_empty() => {
                    items.push(PragmaItem {
                        key: key.to_string(),
                        value: value.to_string(),
                        line,
                        col: column(here),
                        value_col: column(here + key.len() + 1),
                    });
                }
                _ => problems.push((
                    column(here),
                    format!("'{word}' is not a setting: write setting=value, like frames=16"),
                )),
            }
        }
        self.out.pragmas.extend(items);
        for (col, message) in problems {
            self.errors.at(line, col, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> (Vec<Tok>, Vec<String>) {
        let mut errors = Errors::default();
        let lexed = lex(src, &mut errors);
        let errs = errors.into_sorted().iter().map(|e| e.to_string()).collect();
        (lexed.tokens.into_iter().map(|t| t.tok).collect(), errs)
    }

    #[test]
    fn numbers_strings_and_comments() {
        let (t, e) = toks("x = 0x10 + 010 + 7ULL; // c\n/* b */ \"a\\n\\x41\\0\" 'Z'");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            t,
            vec![
                Tok::Ident("x".into()),
                Tok::Punct("="),
                Tok::Int(16),
                Tok::Punct("+"),
                Tok::Int(8),
                Tok::Punct("+"),
                Tok::Int(7),
                Tok::Punct(";"),
                Tok::Str(b"a\nA\0".to_vec()),
                Tok::Int(90),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn preprocessor_lines_and_pragmas() {
        let mut errors = Errors::default();
        let lexed = lex(
            "#include <stdio.h>\n  #pragma pagelab frames=4 policy=fifo\n#pragma once\nx;",
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(lexed.tokens.len(), 3);
        assert_eq!(lexed.tokens[0].line, 4);
        assert_eq!(lexed.pragmas.len(), 2);
        assert_eq!(lexed.pragmas[0].key, "frames");
        assert_eq!((lexed.pragmas[0].line, lexed.pragmas[0].col), (2, 19));
        assert_eq!(lexed.pragmas[1].value_col, 35);
    }

    #[test]
    fn errors_have_positions() {
        let (_, e) = toks("a = \"open\nb = 99999999999999999999999;\n/* never");
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].starts_with("1:5: this string is never closed"));
        assert!(
            e[1].starts_with("2:5: the number 99999999999999999999999 is too large for 64 bits")
        );
        assert!(e[2].starts_with("3:1: this comment is never closed"));
        let (_, e) = toks("x = 1 @ \u{1} \u{201C}hi\u{201D};\u{A0}");
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[1].contains("U+0001"));
        assert!(e[2].contains("curly quote"));
    }

    #[test]
    fn pragma_words_may_be_separated_by_any_space() {
        let mut errors = Errors::default();
        let lexed = lex(
            "#pragma pagelab frames=4\u{A0}\u{3000}tlb=2 é\n",
            &mut errors,
        );
        let items: Vec<(&str, u32)> = lexed
            .pragmas
            .iter()
            .map(|p| (p.key.as_str(), p.col))
            .collect();
        assert_eq!(items, [("frames", 17), ("tlb", 27)]);
        let e = errors.into_sorted();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].col, 33);
    }

    #[test]
    fn columns_count_characters() {
        let mut errors = Errors::default();
        let lexed = lex("/* é */ x", &mut errors);
        assert_eq!(lexed.tokens[0].col, 9);
    }
}
