//! Expressions: C's operators by precedence, casts, `sizeof`, calls, indexing and fields.

use super::{PResult, Parser};
use crate::script::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::script::lexer::Tok;
use crate::script::types::is_type_word;

impl Parser<'_> {
    pub(super) fn expr(&mut self) -> PResult<Expr> {
        let e = self.assignment()?;
        if self.is_punct(",") {
            return Err(
                self.error_here("the comma operator is not supported: write two statements")
            );
        }
        Ok(e)
    }

    /// An expression of binary operators only (a `case` value).
    pub(super) fn binary_expr(&mut self) -> PResult<Expr> {
        self.binary(1)
    }

    pub(super) fn assignment(&mut self) -> PResult<Expr> {
        let (line, col) = (self.tok().line, self.tok().col);
        let target = self.binary(1)?;
        if self.eat("?") {
            // `cond ? a : b`: below every binary operator, above assignment.
            self.enter()?;
            let yes = self.expr()?;
            self.expect(":", "in 'condition ? value : value'")?;
            let no = self.assignment()?;
            self.leave(1);
            return Ok(Expr::new(
                ExprKind::Cond(Box::new(target), Box::new(yes), Box::new(no)),
                line,
                col,
            ));
        }
        if let Tok::Punct(p) = self.tok().tok {
            if let Some(op) = BinOp::from_assign(p) {
                self.pos += 1;
                self.enter()?;
                let value = self.assignment()?;
                self.leave(1);
                return Ok(Expr::new(
                    ExprKind::Assign(op, Box::new(target), Box::new(value)),
                    line,
                    col,
                ));
            }
        }
        Ok(target)
    }

    /// Precedence climbing over C's binary operators.
    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        let mut chained = 0;
        while let Tok::Punct(p) = self.tok().tok {
            let Some((op, prec)) = BinOp::from_token(p) else {
                break;
            };
            if prec < min {
                break;
            }
            self.pos += 1;
            // Each operator deepens the tree; count it against the nesting limit.
            if let Err(e) = self.enter() {
                self.leave(chained + 1);
                return Err(e);
            }
            chained += 1;
            let rhs = match self.binary(prec + 1) {
                Ok(r) => r,
                Err(e) => {
                    self.leave(chained);
                    return Err(e);
                }
            };
            let (line, col) = (lhs.line, lhs.col);
            lhs = Expr::new(
                ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                line,
                col,
            );
        }
        self.leave(chained);
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.unary_inner();
        self.leave(1);
        r
    }

    fn unary_inner(&mut self) -> PResult<Expr> {
        let (line, col) = (self.tok().line, self.tok().col);
        let op = match self.tok().tok {
            Tok::Punct(p) => p,
            Tok::Ident(ref w) if w == "sizeof" => {
                self.pos += 1;
                return self.sizeof(line, col);
            }
            _ => return self.postfix(),
        };
        let boxed = |p: &mut Self| -> PResult<Box<Expr>> {
            p.pos += 1;
            Ok(Box::new(p.unary()?))
        };
        let kind = match op {
            "-" => ExprKind::Unary(UnOp::Neg, boxed(self)?),
            "+" => ExprKind::Unary(UnOp::Plus, boxed(self)?),
            "!" => ExprKind::Unary(UnOp::Not, boxed(self)?),
            "~" => ExprKind::Unary(UnOp::BitNot, boxed(self)?),
            "&" => ExprKind::AddrOf(boxed(self)?),
            "*" => ExprKind::Deref(boxed(self)?),
            "++" | "--" => ExprKind::IncDec {
                increment: op == "++",
                prefix: true,
                target: boxed(self)?,
            },
            "(" if matches!(self.nth(1), Tok::Ident(w) if is_type_word(w)) => {
                // A cast such as `(const void*)` or `(LPVOID)`.
                self.pos += 1;
                let ty = self.type_name()?;
                self.expect(")", "to close the cast")?;
                ExprKind::Cast(ty, Box::new(self.unary()?))
            }
            _ => return self.postfix(),
        };
        Ok(Expr::new(kind, line, col))
    }

    /// `sizeof(type)`, `sizeof(expr)` or `sizeof expr`.
    fn sizeof(&mut self, line: u32, col: u32) -> PResult<Expr> {
        if self.is_punct("(") && matches!(self.nth(1), Tok::Ident(w) if is_type_word(w)) {
            self.pos += 1;
            let ty = self.type_name()?;
            self.expect(")", "to close sizeof")?;
            let Some(size) = ty.size() else {
                return Err(self.error_here(format!("sizeof({ty}) has no size")));
            };
            return Ok(Expr::new(ExprKind::Int(size), line, col));
        }
        let inner = self.unary()?;
        Ok(Expr::new(ExprKind::SizeofExpr(Box::new(inner)), line, col))
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        let mut levels = 0;
        let result = loop {
            let (line, col) = (e.line, e.col);
            if self.is_punct("(") {
                let ExprKind::Name(name) = &e.kind else {
                    break Err(self.error_here("only named functions can be called"));
                };
                let name = name.clone();
                self.pos += 1;
                let args = match self.arguments() {
                    Ok(a) => a,
                    Err(r) => break Err(r),
                };
                e = Expr::new(
                    ExprKind::Call {
                        name,
                        builtin: None,
                        function: None,
                        args,
                    },
                    line,
                    col,
                );
            } else if self.is_punct("[") {
                self.pos += 1;
                let index = match self.expr() {
                    Ok(i) => i,
                    Err(r) => break Err(r),
                };
                if let Err(r) = self.expect("]", "to close the index") {
                    break Err(r);
                }
                e = Expr::new(ExprKind::Index(Box::new(e), Box::new(index)), line, col);
            } else if self.is_punct(".") || self.is_punct("->") {
                let arrow = self.is_punct("->");
                self.pos += 1;
                let Some(field) = self.ident().map(str::to_string) else {
                    let op = if arrow { "->" } else { "." };
                    break Err(self.error_here(format!("expected a field name after '{op}'")));
                };
                self.pos += 1;
                let kind = if arrow {
                    ExprKind::Arrow(Box::new(e), field)
                } else {
                    ExprKind::Field(Box::new(e), field)
                };
                e = Expr::new(kind, line, col);
            } else if self.is_punct("++") || self.is_punct("--") {
                let increment = self.is_punct("++");
                self.pos += 1;
                e = Expr::new(
                    ExprKind::IncDec {
                        increment,
                        prefix: false,
                        target: Box::new(e),
                    },
                    line,
                    col,
                );
            } else {
                break Ok(e);
            }
            if let Err(r) = self.enter() {
                break Err(r);
            }
            levels += 1;
        };
        self.leave(levels);
        result
    }

    fn arguments(&mut self) -> PResult<Vec<Expr>> {
        let mut args = Vec::new();
        if self.eat(")") {
            return Ok(args);
        }
        loop {
            args.push(self.assignment()?);
            if self.eat(")") {
                return Ok(args);
            }
            if !self.eat(",") {
                let found = Self::describe(&self.tok().tok);
                return Err(self.error_here(format!(
                    "expected ',' or ')' in the argument list but found {found}"
                )));
            }
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        let (line, col) = (self.tok().line, self.tok().col);
        let kind = match &self.tok().tok {
            Tok::Int(v) => ExprKind::Int(*v),
            Tok::Ident(name) => ExprKind::Name(name.clone()),
            Tok::Str(first) => {
                // Adjacent string literals join, as in C.
                let mut bytes = first.clone();
                while let Tok::Str(more) = self.nth(1) {
                    bytes.extend_from_slice(more);
                    self.pos += 1;
                }
                ExprKind::Str(bytes)
            }
            Tok::Punct("(") => {
                self.pos += 1;
                let inner = self.expr()?;
                self.expect(")", "to close the parenthesis")?;
                return Ok(inner);
            }
            other => {
                let found = Self::describe(other);
                return Err(self.error_here(format!("expected a value but found {found}")));
            }
        };
        self.pos += 1;
        Ok(Expr::new(kind, line, col))
    }
}
