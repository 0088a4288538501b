//! The parser: tokens to statements. It accepts the C subset of DESIGN §5 and skips the
//! parts of a C program that do not matter here (`int main() {`, `return 0;`, stray
//! braces). On an error it reports it and resumes at the next statement, so one parse
//! reports every error it can.

mod expr;
mod flow;

use super::ast::{Declarator, Span, Stmt};
use super::error::Errors;
use super::lexer::{Tok, Token};
use super::suggest;
use super::types::{is_type_word, Ty, TypeWords, TYPE_NAMES};

/// Deepest nesting of parentheses, operators, blocks and loops a script may use.
pub const MAX_DEPTH: u32 = 200;

/// C constructs PageLab does not run, with the reason given to the author.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "goto",
        "goto is not supported: use a loop, break or continue",
    ),
    (
        "union",
        "union definitions are not supported: use a pointer to memory from VirtualAlloc",
    ),
    ("asm", "inline assembly is not supported"),
    ("__asm", "inline assembly is not supported"),
    ("else", "'else' without an 'if' before it"),
    ("__except", "'__except' without a '__try' block before it"),
    ("__finally", "'__finally' without a '__try' block before it"),
];

/// The error was already reported; unwind to the statement level.
struct Reported;

type PResult<T> = Result<T, Reported>;

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    /// Line where the statement being parsed starts.
    stmt_line: u32,
    depth: u32,
    /// True while parsing a function's body (functions do not nest).
    in_function: bool,
    errors: &'a mut Errors,
}

/// Parse the tokens of a script (ending with [`Tok::Eof`]) into statements.
pub(crate) fn parse(tokens: &[Token], errors: &mut Errors) -> Vec<Stmt> {
    let mut parser = Parser {
        toks: tokens,
        pos: 0,
        stmt_line: 1,
        depth: 0,
        in_function: false,
        errors,
    };
    let mut out = Vec::new();
    while !parser.at_eof() && !parser.errors.full() {
        if parser.is_punct("}") {
            // A closing brace too many (or main's own) is ignored (DESIGN §5).
            parser.pos += 1;
            continue;
        }
        parser.statement_into(&mut out);
    }
    out
}

impl Parser<'_> {
    fn tok(&self) -> &Token {
        let last = self.toks.len().saturating_sub(1);
        &self.toks[self.pos.min(last)]
    }

    fn nth(&self, n: usize) -> &Tok {
        let last = self.toks.len().saturating_sub(1);
        &self.toks[(self.pos + n).min(last)].tok
    }

    fn at_eof(&self) -> bool {
        matches!(self.tok().tok, Tok::Eof)
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.tok().tok, Tok::Punct(q) if q == p)
    }

    fn ident(&self) -> Option<&str> {
        match &self.tok().tok {
            Tok::Ident(name) => Some(name),
            _ => None,
        }
    }

    fn eat(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn describe(tok: &Tok) -> String {
        match tok {
            Tok::Ident(n) => format!("'{n}'"),
            Tok::Int(_) => "a number".to_string(),
            Tok::Str(_) => "a string".to_string(),
            Tok::Punct(p) => format!("'{p}'"),
            Tok::Eof => "the end of the script".to_string(),
        }
    }

    fn error_here(&mut self, message: impl Into<String>) -> Reported {
        let (line, col) = (self.tok().line, self.tok().col);
        self.report(line, col, message);
        Reported
    }

    /// Report an error, unless an unclosed string or comment garbled this statement.
    fn report(&mut self, line: u32, col: u32, message: impl Into<String>) {
        if !self.errors.garbled(self.stmt_line, line) {
            self.errors.at(line, col, message);
        }
    }

    /// Expect `p`; the error for a missing `;` points just after the previous token.
    fn expect(&mut self, p: &str, what: &str) -> PResult<()> {
        if self.eat(p) {
            return Ok(());
        }
        if p == ";" && self.pos > 0 {
            let prev = &self.toks[self.pos - 1];
            let (line, col) = (prev.line, prev.col + (prev.end - prev.start) as u32);
            self.report(line, col, format!("missing ';' at the end of {what}"));
            // When the next token is on a later line, the statement surely ended there:
            // go on as if the ';' were present, so the next line is checked too.
            let next_line = self.tok().line > prev.line;
            return if next_line { Ok(()) } else { Err(Reported) };
        }
        let found = Self::describe(&self.tok().tok);
        Err(self.error_here(format!("expected '{p}' {what} but found {found}")))
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(format!(
                "nested too deeply (more than {MAX_DEPTH} levels of parentheses, operators or blocks)"
            )));
        }
        Ok(())
    }

    fn leave(&mut self, levels: u32) {
        self.depth = self.depth.saturating_sub(levels);
    }

    /// Skip to the start of the next statement: past a `;`, or up to a brace.
    fn synchronize(&mut self) {
        let start = self.pos;
        while !self.at_eof() {
            if self.eat(";") {
                return;
            }
            if (self.is_punct("{") || self.is_punct("}")) && self.pos > start {
                return;
            }
            self.pos += 1;
        }
    }

    fn span_from(&self, first: usize) -> Span {
        let start = &self.toks[first.min(self.toks.len() - 1)];
        let end = if self.pos > first {
            self.toks[self.pos - 1].end
        } else {
            start.end
        };
        Span {
            line: start.line,
            col: start.col,
            start: start.start,
            end,
        }
    }

    /// Parse one statement (or a block) and append what it produces to `out`.
    fn statement_into(&mut self, out: &mut Vec<Stmt>) {
        let depth = self.depth;
        if self.statement(out).is_err() {
            self.depth = depth;
            self.synchronize();
        }
    }

    fn statement(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        self.stmt_line = self.tok().line;
        if self.eat(";") {
            return Ok(());
        }
        if self.is_punct("{") {
            self.enter()?;
            self.pos += 1;
            while !self.at_eof() && !self.is_punct("}") && !self.errors.full() {
                self.statement_into(out);
            }
            // A missing closing brace is ignored (DESIGN §5).
            self.eat("}");
            self.leave(1);
            return Ok(());
        }
        let first = self.pos;
        let Some(word) = self.ident().map(str::to_string) else {
            let expr = self.expr()?;
            self.expect(";", "this statement")?;
            out.push(Stmt::Expr(expr, self.span_from(first)));
            return Ok(());
        };
        if word == "for" {
            let stmt = self.for_loop()?;
            out.push(stmt);
            return Ok(());
        }
        if let Some(flow) = self.flow(&word)? {
            out.push(Stmt::Flow(flow));
            return Ok(());
        }
        if let Some((_, message)) = UNSUPPORTED.iter().find(|(k, _)| *k == word) {
            let message = *message;
            return Err(self.error_here(message));
        }
        if word == "typedef" {
            // `typedef` lines are ignored: the types they name stay unknown.
            self.skip_typedef();
            return Ok(());
        }
        if matches!(word.as_str(), "struct" | "enum")
            && matches!(self.nth(1), Tok::Ident(_))
            && matches!(self.nth(2), Tok::Punct("{"))
            || matches!(word.as_str(), "struct" | "enum") && matches!(self.nth(1), Tok::Punct("{"))
        {
            let _ = self.error_here(format!(
                "{word} definitions are not supported: PageLab knows MEMORY_BASIC_INFORMATION, SYSTEM_INFO and EXCEPTION_POINTERS"
            ));
            self.skip_typedef();
            return Ok(());
        }
        if matches!(self.nth(1), Tok::Punct(":")) && !is_type_word(&word) {
            return Err(self.error_here(format!(
                "labels such as '{word}:' are not supported (goto is not supported)"
            )));
        }
        if is_type_word(&word) {
            if let Some(stmt) = self.declaration(first)? {
                out.push(stmt);
            }
            return Ok(());
        }
        if let Tok::Ident(second) = self.nth(1) {
            // `Foo bar;`: a declaration with a type PageLab does not know.
            let message = format!(
                "unknown type '{word}'{} (or a missing operator before '{second}')",
                suggest::hint(&word, TYPE_NAMES)
            );
            return Err(self.error_here(message));
        }
        let expr = self.expr()?;
        self.expect(";", "this statement")?;
        out.push(Stmt::Expr(expr, self.span_from(first)));
        Ok(())
    }

    /// Type words then `*`s, e.g. `const unsigned char *`.
    fn type_name(&mut self) -> PResult<Ty> {
        let mut words = TypeWords::default();
        while let Some(w) = self.ident() {
            if !is_type_word(w) {
                break;
            }
            let w = w.to_string();
            words.add(&w);
            self.pos += 1;
            if w == "struct" {
                // `struct _MEMORY_BASIC_INFORMATION`: the tag names the type.
                if let Some(tag) = self.ident().map(str::to_string) {
                    if !words.add(&tag) {
                        return Err(self.error_here(format!("unknown struct '{tag}'")));
                    }
                    self.pos += 1;
                }
            }
        }
        let mut ty = words.build();
        loop {
            if self.eat("*") {
                ty = Ty::Ptr(Box::new(ty));
            } else if matches!(self.ident(), Some("const" | "volatile")) {
                self.pos += 1;
            } else {
                return Ok(ty);
            }
        }
    }

    /// `T a = 1, *b;` — or `int main(…) {`, which is skipped.
    fn declaration(&mut self, first: usize) -> PResult<Option<Stmt>> {
        let base = self.type_name()?;
        if matches!(self.ident(), Some("main" | "_tmain" | "wmain"))
            && matches!(self.nth(1), Tok::Punct("("))
        {
            // `int main() {` / `int main(void) {` / `int main(int argc, char **argv) {` (DESIGN §5):
            // main's statements are the program's top level.
            self.pos += 1;
            self.skip_parens()?;
            self.eat("{");
            return Ok(None);
        }
        let mut items = Vec::new();
        loop {
            let mut ty = base.clone();
            while self.eat("*") {
                ty = Ty::Ptr(Box::new(ty));
                while matches!(self.ident(), Some("const" | "volatile")) {
                    self.pos += 1;
                }
            }
            let Some(name) = self.ident().map(str::to_string) else {
                let found = Self::describe(&self.tok().tok);
                return Err(self.error_here(format!(
                    "expected a variable name after the type but found {found}"
                )));
            };
            let (line, col) = (self.tok().line, self.tok().col);
            self.pos += 1;
            if self.is_punct("(") {
                if !items.is_empty() {
                    return Err(self.error_here("declare a function on a line of its own"));
                }
                return self.function(base.clone(), ty, name, line, col).map(Some);
            }
            if self.is_punct("[") {
                return Err(self.error_here(
                    "arrays are not supported: get memory with VirtualAlloc and use a pointer",
                ));
            }
            if ty == Ty::Void {
                return Err(self.error_here(format!(
                    "'{name}' cannot have type void; did you mean void *{name}?"
                )));
            }
            let init = if self.eat("=") {
                Some(self.assignment()?)
            } else {
                None
            };
            items.push(Declarator {
                name,
                ty,
                init,
                line,
                col,
            });
            if !self.eat(",") {
                break;
            }
        }
        self.expect(";", "this declaration")?;
        Ok(Some(Stmt::Decl(items, self.span_from(first))))
    }

    /// Skip a balanced `( … )`.
    fn skip_parens(&mut self) -> PResult<()> {
        self.expect("(", "after the function name")?;
        let mut level = 1u32;
        while level > 0 {
            if self.at_eof() {
                return Err(self.error_here("this '(' is never closed"));
            }
            if self.is_punct("(") {
                level += 1;
            } else if self.is_punct(")") {
                level -= 1;
            }
            self.pos += 1;
        }
        Ok(())
    }

    /// `for (init; cond; step) body`
    fn for_loop(&mut self) -> PResult<Stmt> {
        self.enter()?;
        let header_first = self.pos;
        self.pos += 1;
        self.expect("(", "after 'for'")?;
        let init = if self.is_punct(";") {
            self.pos += 1;
            None
        } else {
            let first = self.pos;
            let is_decl = self.ident().is_some_and(is_type_word);
            if is_decl {
                self.declaration(first)?.map(Box::new)
            } else {
                let e = self.expr()?;
                self.expect(";", "the loop's start")?;
                Some(Box::new(Stmt::Expr(e, self.span_from(first))))
            }
        };
        let cond = if self.is_punct(";") {
            None
        } else {
            let first = self.pos;
            let e = self.expr()?;
            Some((e, self.span_from(first)))
        };
        self.expect(";", "the loop's condition")?;
        let step = if self.is_punct(")") {
            None
        } else {
            let first = self.pos;
            let e = self.expr()?;
            Some((e, self.span_from(first)))
        };
        self.expect(")", "to end the for header")?;
        let header = self.span_from(header_first);
        let mut body = Vec::new();
        if self.at_eof() {
            return Err(self.error_here("the for loop has no body"));
        }
        self.statement_into(&mut body);
        // Strip `;` spans from header pieces: a declaration's span includes its ';'.
        self.leave(1);
        Ok(Stmt::For {
            header,
            init,
            cond,
            step,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::ast::{BinOp, ExprKind};
    use crate::script::lexer::lex;

    fn parse_text(src: &str) -> (Vec<Stmt>, Vec<String>) {
        let mut errors = Errors::default();
        let lexed = lex(src, &mut errors);
        let stmts = parse(&lexed.tokens, &mut errors);
        (
            stmts,
            errors.into_sorted().iter().map(|e| e.to_string()).collect(),
        )
    }

    #[test]
    fn skips_the_c_program_around_the_statements() {
        let (s, e) = parse_text(
            "#include <stdio.h>\nint main(void) {\n  int *p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\n  return 0;\n}\n}",
        );
        assert!(e.is_empty(), "{e:?}");
        // The declaration, and `return 0;` (which ends the program).
        assert_eq!(s.len(), 2);
        let Stmt::Decl(items, span) = &s[0] else {
            panic!("not a declaration: {s:?}")
        };
        assert_eq!(items[0].ty, Ty::Ptr(Box::new(Ty::INT)));
        assert_eq!((span.line, span.col), (3, 3));
    }

    #[test]
    fn precedence_and_casts() {
        let (s, e) = parse_text("x = (char*)p + 2 * 3 | 1;");
        assert!(e.is_empty(), "{e:?}");
        let Stmt::Expr(expr, _) = &s[0] else { panic!() };
        let ExprKind::Assign(None, _, value) = &expr.kind else {
            panic!()
        };
        let ExprKind::Binary(BinOp::BitOr, lhs, _) = &value.kind else {
            panic!("{value:?}")
        };
        let ExprKind::Binary(BinOp::Add, cast, _) = &lhs.kind else {
            panic!()
        };
        assert!(matches!(cast.kind, ExprKind::Cast(_, _)));
    }

    #[test]
    fn reports_every_error_and_recovers() {
        let (s, e) = parse_text("a = 1\nb = );\ngoto end;\nstruct S { int a; };\nd = 3;");
        assert_eq!(e.len(), 4, "{e:?}");
        assert_eq!(e[0], "1:6: missing ';' at the end of this statement");
        assert!(e[1].starts_with("2:5: expected a value but found ')'"));
        assert!(e[2].starts_with("3:1: goto is not supported"), "{e:?}");
        assert!(
            e[3].starts_with("4:1: struct definitions are not supported"),
            "{e:?}"
        );
        // `a = 1` (its ';' assumed) and `d = 3;` still parse.
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("x = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
        let (_, e) = parse_text(&deep);
        assert!(e.iter().any(|m| m.contains("nested too deeply")), "{e:?}");
        let long = format!("x = 1{};", "+1".repeat(100_000));
        let (_, e) = parse_text(&long);
        assert!(e.iter().any(|m| m.contains("nested too deeply")), "{e:?}");
        let braces = "{".repeat(100_000);
        let (_, e) = parse_text(&braces);
        assert!(!e.is_empty());
    }

    #[test]
    fn for_loops() {
        let (s, e) = parse_text("for (int i = 0; i < 4; i++) { write(p + i * 4096, i, 1); }");
        assert!(e.is_empty(), "{e:?}");
        let Stmt::For {
            init,
            cond,
            step,
            body,
            ..
        } = &s[0]
        else {
            panic!()
        };
        assert!(init.is_some() && cond.is_some() && step.is_some());
        assert_eq!(body.len(), 1);
    }
}
