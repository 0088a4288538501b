//! Control flow, functions and structured exceptions: `if`, `while`, `do`, `switch`,
//! `break`, `continue`, `return`, `__try`/`__except`/`__finally`, function definitions,
//! and the `typedef` lines that are skipped.

use super::{PResult, Parser};
use crate::script::ast::{Expr, Flow, FunctionDef, Span, Stmt};
use crate::script::lexer::Tok;
use crate::script::types::{is_type_word, Ty};

impl Parser<'_> {
    /// The statement that starts with keyword `word`, if `word` starts one of these.
    pub(super) fn flow(&mut self, word: &str) -> PResult<Option<Flow>> {
        let first = self.pos;
        let flow = match word {
            "if" => {
                self.enter()?;
                self.pos += 1;
                let cond = self.condition("if")?;
                let then = self.body("if")?;
                let els = if self.ident() == Some("else") {
                    self.pos += 1;
                    self.body("else")?
                } else {
                    Vec::new()
                };
                self.leave(1);
                Flow::If { cond, then, els }
            }
            "while" => {
                self.enter()?;
                self.pos += 1;
                let cond = self.condition("while")?;
                let body = self.body("while loop")?;
                self.leave(1);
                Flow::While {
                    cond,
                    body,
                    test_first: true,
                }
            }
            "do" => {
                self.enter()?;
                self.pos += 1;
                let body = self.body("do loop")?;
                if self.ident() != Some("while") {
                    let found = Self::describe(&self.tok().tok);
                    return Err(self.error_here(format!(
                        "expected 'while (condition);' after the do loop's body but found {found}"
                    )));
                }
                self.pos += 1;
                let cond = self.condition("while")?;
                self.expect(";", "the do loop")?;
                self.leave(1);
                Flow::While {
                    cond,
                    body,
                    test_first: false,
                }
            }
            "switch" => {
                self.enter()?;
                self.pos += 1;
                let value = self.condition("switch")?;
                let body = self.body("switch")?;
                self.leave(1);
                Flow::Switch { value, body }
            }
            "case" => {
                self.pos += 1;
                let value = self.case_value()?;
                self.expect(":", "after the case value")?;
                Flow::Case(Some(value), self.span_from(first))
            }
            "default" if matches!(self.nth(1), Tok::Punct(":")) => {
                self.pos += 2;
                Flow::Case(None, self.span_from(first))
            }
            "break" | "continue" | "__leave" => {
                self.pos += 1;
                self.expect(";", &format!("'{word}'"))?;
                let span = self.span_from(first);
                match word {
                    "break" => Flow::Break(span),
                    "continue" => Flow::Continue(span),
                    _ => Flow::Leave(span),
                }
            }
            "return" => {
                self.pos += 1;
                let value = if self.is_punct(";") {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.expect(";", "the return statement")?;
                Flow::Return(value, self.span_from(first))
            }
            "__try" => {
                self.enter()?;
                self.pos += 1;
                let body = self.body("__try")?;
                let filter = match self.ident() {
                    Some("__except") => {
                        self.pos += 1;
                        Some(self.condition("__except")?)
                    }
                    Some("__finally") => {
                        self.pos += 1;
                        None
                    }
                    _ => {
                        let found = Self::describe(&self.tok().tok);
                        return Err(self.error_here(format!(
                            "expected '__except (filter)' or '__finally' after the __try block but found {found}"
                        )));
                    }
                };
                let handler = self.body("handler")?;
                self.leave(1);
                Flow::Try {
                    body,
                    filter,
                    handler,
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(flow))
    }

    /// `( expr )` after `if`, `while`, `switch` or `__except`.
    fn condition(&mut self, after: &str) -> PResult<(Expr, Span)> {
        self.expect("(", &format!("after '{after}'"))?;
        let first = self.pos;
        let e = self.expr()?;
        let span = self.span_from(first);
        self.expect(")", &format!("to close the '{after}' condition"))?;
        Ok((e, span))
    }

    /// A `case` value: an expression without the conditional operator (its ':' ends it).
    fn case_value(&mut self) -> PResult<Expr> {
        self.binary_expr()
    }

    /// The statement (or block) that is the body of `what`.
    fn body(&mut self, what: &str) -> PResult<Vec<Stmt>> {
        if self.at_eof() {
            return Err(self.error_here(format!("the {what} has no body")));
        }
        let mut body = Vec::new();
        self.statement_into(&mut body);
        Ok(body)
    }

    /// The rest of `T name(params) { body }` (or a prototype ending in `;`), at `(`.
    pub(super) fn function(
        &mut self,
        base: Ty,
        returns: Ty,
        name: String,
        line: u32,
        col: u32,
    ) -> PResult<Stmt> {
        if self.in_function {
            self.report(
                line,
                col,
                format!("'{name}' is declared inside a function: define functions outside main"),
            );
            // Skip it whole, so its body gives no more errors.
            self.skip_parens()?;
            if self.is_punct("{") {
                self.skip_block();
            }
            // Nothing of it is kept: an empty prototype that the checker ignores.
            return Ok(Stmt::Flow(Flow::Function(Box::new(FunctionDef {
                name,
                returns,
                params: Vec::new(),
                body: None,
                line,
                col,
            }))));
        }
        let _ = base;
        self.pos += 1;
        let params = self.parameters(&name)?;
        let body = if self.eat(";") {
            None
        } else if self.is_punct("{") {
            self.pos += 1;
            self.in_function = true;
            let mut body = Vec::new();
            while !self.at_eof() && !self.is_punct("}") && !self.errors.full() {
                self.statement_into(&mut body);
            }
            self.in_function = false;
            // A missing closing brace at the end of the script is ignored (DESIGN §5).
            self.eat("}");
            Some(body)
        } else {
            let found = Self::describe(&self.tok().tok);
            return Err(self.error_here(format!(
                "expected '{{' to start the body of '{name}' (or ';' after its declaration) but found {found}"
            )));
        };
        Ok(Stmt::Flow(Flow::Function(Box::new(FunctionDef {
            name,
            returns,
            params,
            body,
            line,
            col,
        }))))
    }

    /// `(void)`, `()` or `(T a, T *b)`, after the `(`.
    fn parameters(&mut self, function: &str) -> PResult<Vec<(String, Ty)>> {
        let mut params = Vec::new();
        if self.eat(")") {
            return Ok(params);
        }
        if matches!(self.ident(), Some("void" | "VOID")) && matches!(self.nth(1), Tok::Punct(")")) {
            self.pos += 2;
            return Ok(params);
        }
        loop {
            if !self.ident().is_some_and(is_type_word) {
                let found = Self::describe(&self.tok().tok);
                return Err(self.error_here(format!(
                    "expected the type of a parameter of '{function}' but found {found}"
                )));
            }
            let ty = self.type_name()?;
            let name = match self.ident() {
                Some(n) => {
                    let n = n.to_string();
                    self.pos += 1;
                    n
                }
                None => String::new(),
            };
            if self.is_punct("[") {
                return Err(self.error_here(
                    "array parameters are not supported: use a pointer, like char *p",
                ));
            }
            params.push((name, ty));
            if self.eat(")") {
                return Ok(params);
            }
            if !self.eat(",") {
                let found = Self::describe(&self.tok().tok);
                return Err(self.error_here(format!(
                    "expected ',' or ')' in the parameters of '{function}' but found {found}"
                )));
            }
        }
    }

    /// Skip a balanced `{ … }`.
    fn skip_block(&mut self) {
        let mut level = 0u32;
        while !self.at_eof() {
            if self.is_punct("{") {
                level += 1;
            } else if self.is_punct("}") {
                level = level.saturating_sub(1);
                if level == 0 {
                    self.pos += 1;
                    return;
                }
            }
            self.pos += 1;
        }
    }

    /// Skip a `typedef … ;` line, braces included.
    pub(super) fn skip_typedef(&mut self) {
        let mut level = 0u32;
        while !self.at_eof() {
            if self.is_punct("{") {
                level += 1;
            } else if self.is_punct("}") {
                level = level.saturating_sub(1);
            } else if level == 0 && self.is_punct(";") {
                self.pos += 1;
                return;
            }
            self.pos += 1;
        }
    }
}
