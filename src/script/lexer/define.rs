//! `#define NAME value` lines: the value's tokens replace each later use of the name.

use super::{Lexed, Lexer, Tok, Token};

/// A `#define NAME value` line: the name, where the line starts, and the value's tokens.
#[derive(Debug)]
pub(super) struct Define {
    name: String,
    at: usize,
    tokens: Vec<Token>,
}

/// Replace each name defined by an earlier `#define` with the value's tokens, placed
/// where the name is (so errors and statement texts point at the use).
pub(super) fn expand(tokens: Vec<Token>, defines: &[Define]) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        let define = match &t.tok {
            Tok::Ident(name) => defines
                .iter()
                .rev()
                .find(|d| d.at < t.start && d.name == *name),
            _ => None,
        };
        match define {
            Some(d) => {
                for v in &d.tokens {
                    out.push(Token {
                        tok: v.tok.clone(),
                        ..t
                    });
                }
            }
            None => out.push(t),
        }
    }
    out
}

impl Lexer<'_> {
    /// Record a `#define NAME value` line that starts at byte `start`; the value's own
    /// names are expanded by earlier defines at once, so a use never expands twice.
    pub(super) fn define(&mut self, start: usize, line: u32) {
        let text = self.since(start);
        let body = text.trim_start_matches('#').trim_start();
        let Some(rest) = body.strip_prefix("define") else {
            return;
        };
        if !rest.starts_with(char::is_whitespace) {
            return;
        }
        let name_start = start + text.len() - rest.trim_start().len();
        let name: String = self
            .since(name_start)
            .chars()
            .take_while(|&c| c.is_ascii_alphanumeric() || c == '_')
            .collect();
        let name_len = name.len();
        let col = self.column_from(self.line_start_of(start), name_start);
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            self.errors
                .at(line, col, "#define needs a name, like #define PAGELIMIT 80");
            return;
        }
        let value_start = name_start + name_len;
        if self.bytes.get(value_start) == Some(&b'(') {
            self.errors.at(
                line,
                col,
                format!("function-like macros such as {name}(…) are not supported: #define a name for a value or an expression"),
            );
            return;
        }
        let value_col = col + name.chars().count() as u32;
        let mut sub = Lexer {
            src: self.src.get(..self.pos).unwrap_or_default(),
            bytes: self.bytes.get(..self.pos).unwrap_or_default(),
            pos: value_start,
            line,
            col: value_col,
            line_start: false,
            out: Lexed::default(),
            defines: Vec::new(),
            errors: &mut *self.errors,
        };
        sub.run();
        let mut tokens = sub.out.tokens;
        tokens.pop();
        let tokens = expand(tokens, &self.defines);
        self.defines.push(Define {
            name,
            at: start,
            tokens,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::lex;
    use super::*;
    use crate::script::error::Errors;

    #[test]
    fn a_define_expands_where_it_is_used() {
        let mut errors = Errors::default();
        let lexed = lex(
            "#define PAGES 4\n#define BYTES (PAGES * 4096)\nx = BYTES;",
            &mut errors,
        );
        assert!(errors.is_empty());
        let toks: Vec<&Tok> = lexed.tokens.iter().map(|t| &t.tok).collect();
        assert_eq!(
            toks,
            [
                &Tok::Ident("x".into()),
                &Tok::Punct("="),
                &Tok::Punct("("),
                &Tok::Int(4),
                &Tok::Punct("*"),
                &Tok::Int(4096),
                &Tok::Punct(")"),
                &Tok::Punct(";"),
                &Tok::Eof
            ]
        );
        // Every expanded token points at the use, so errors name the line that uses it.
        assert!(lexed.tokens[2..7].iter().all(|t| (t.line, t.col) == (3, 5)));
    }
}
