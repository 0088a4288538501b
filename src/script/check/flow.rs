//! Checking control flow and functions, and flattening them into jumps: `if`, `while`,
//! `do`, `switch`, `break`, `continue`, `return`, `__try` blocks, function definitions.

use super::{Checker, Locals, SlotInfo};
use crate::script::ast::{Action, Expr, ExprKind, Flow, FunctionDef, Handler, Instr, Span, Stmt};
use crate::script::eval::arith;
use crate::script::types::Ty;

/// A function of the script, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name.
    pub name: String,
    /// Its parameters' types (they are its first locals).
    pub params: Vec<Ty>,
    /// Its result type.
    pub returns: Ty,
    /// Every local variable, parameters first.
    pub locals: Vec<SlotInfo>,
    /// Its flat code.
    pub code: Vec<Instr>,
    /// True once its body has been seen.
    pub defined: bool,
}

/// A loop or switch being checked: where `break` and `continue` go.
struct Target {
    /// Jumps to patch with the end.
    breaks: Vec<usize>,
    /// Jumps to patch with the place of `continue`; `None` for a switch.
    continues: Option<Vec<usize>>,
    /// How many `__try` blocks were entered outside it.
    try_depth: usize,
}

/// The cases of a switch being checked (values and where each starts) and its default.
type Cases = (Vec<(u64, usize)>, Option<usize>);

/// What the checker keeps while it flattens control flow.
#[derive(Default)]
pub(super) struct FlowState {
    targets: Vec<Target>,
    /// Cases of the switches being checked (innermost last): values and starts, default.
    switches: Vec<Cases>,
    /// `__try` blocks entered at this point of the function.
    try_depth: usize,
    /// For each enclosing `__try` block: the `__leave` jumps to patch.
    leaves: Vec<Vec<usize>>,
    /// True inside an `__except` filter or handler (where GetExceptionCode works).
    pub in_except: u32,
    /// True inside an `__except` filter (where GetExceptionInformation works).
    pub in_filter: bool,
}

impl Checker<'_> {
    /// Check a whole program: functions are known before any statement, so a call may
    /// come before the definition.
    pub fn program(&mut self, stmts: Vec<Stmt>) {
        for stmt in &stmts {
            if let Stmt::Flow(Flow::Function(def)) = stmt {
                self.register(def);
            }
        }
        self.statements(stmts);
        for f in &self.functions {
            if !f.defined && f.code.is_empty() {
                self.errors.push(crate::script::ScriptError::new(
                    1,
                    1,
                    format!("'{}' is declared but never defined", f.name),
                ));
            }
        }
    }

    fn register(&mut self, def: &FunctionDef) {
        if let Some(f) = self.functions.iter().find(|f| f.name == def.name) {
            if f.params.len() != def.params.len() {
                let message = format!(
                    "'{}' is declared with {} parameters here and {} before",
                    def.name,
                    def.params.len(),
                    f.params.len()
                );
                self.errors.at(def.line, def.col, message);
            }
            return;
        }
        let mut params = Vec::with_capacity(def.params.len());
        for (_, t) in &def.params {
            params.push(t.clone());
        }
        self.functions.push(Function {
            name: def.name.clone(),
            params,
            returns: def.returns.clone(),
            locals: Vec::new(),
            code: Vec::new(),
            defined: false,
        });
    }

    /// The index of the script's function `name`.
    pub(super) fn function_index(&self, name: &str) -> Option<usize> {
        self.functions.iter().position(|f| f.name == name)
    }

    pub(super) fn flow(&mut self, flow: Flow) {
        match flow {
            Flow::If { cond, then, els } => {
                let to_else = self.branch(cond.0, cond.1, false);
                self.statements(then);
                if els.is_empty() {
                    self.patch(to_else);
                } else {
                    let to_end = self.code.len();
                    self.code.push(Instr::Jump(usize::MAX));
                    self.patch(to_else);
                    self.statements(els);
                    self.patch(Some(to_end));
                }
            }
            Flow::While {
                cond,
                body,
                test_first: true,
            } => {
                let top = self.code.len();
                let exit = self.branch(cond.0, cond.1, false);
                self.loop_body(body);
                self.code.push(Instr::Jump(top));
                self.end_loop(top);
                self.patch(exit);
            }
            Flow::While { cond, body, .. } => {
                let top = self.code.len();
                self.loop_body(body);
                let next = self.code.len();
                let (mut c, span) = cond;
                self.expr(&mut c);
                self.scalar(&c, "a loop condition");
                let s = self.statement(span, Action::Eval(c));
                self.code.push(Instr::JumpIf {
                    cond: s,
                    target: top,
                });
                self.end_loop(next);
            }
            Flow::Switch { value, body } => self.switch(value, body),
            Flow::Case(value, span) => self.case(value, span),
            Flow::Break(span) => self.jump_out(span, false),
            Flow::Continue(span) => self.jump_out(span, true),
            Flow::Leave(span) => match self.flow.leaves.last_mut() {
                Some(list) => {
                    list.push(self.code.len());
                    let depth = self.flow.try_depth;
                    self.code.push(Instr::Leave {
                        depth,
                        target: usize::MAX,
                    });
                }
                None => self
                    .errors
                    .at(span.line, span.col, "'__leave' outside a __try block"),
            },
            Flow::Return(value, span) => self.ret(value, span),
            Flow::Try {
                body,
                filter,
                handler,
            } => self.try_block(body, filter, handler),
            Flow::Function(def) => self.function(*def),
        }
    }

    /// A condition that jumps when it is `when`; returns the jump to patch.
    pub(super) fn branch(&mut self, mut cond: Expr, span: Span, when: bool) -> Option<usize> {
        self.expr(&mut cond);
        self.scalar(&cond, "a condition");
        let s = self.statement(span, Action::Eval(cond));
        let at = self.code.len();
        self.code.push(if when {
            Instr::JumpIf {
                cond: s,
                target: usize::MAX,
            }
        } else {
            Instr::JumpUnless {
                cond: s,
                target: usize::MAX,
            }
        });
        Some(at)
    }

    /// Point the jump at `at` to the end of the code so far.
    pub(super) fn patch(&mut self, at: Option<usize>) {
        let end = self.code.len();
        self.patch_to(at, end);
    }

    fn patch_to(&mut self, at: Option<usize>, to: usize) {
        match at.and_then(|i| self.code.get_mut(i)) {
            Some(
                Instr::JumpUnless { target, .. }
                | Instr::JumpIf { target, .. }
                | Instr::Leave { target, .. },
            ) => *target = to,
            Some(Instr::Jump(target)) => *target = to,
            _ => {}
        }
    }

    /// A loop body, with `break` and `continue` going to this loop.
    pub(super) fn loop_body(&mut self, body: Vec<Stmt>) {
        self.flow.targets.push(Target {
            breaks: Vec::new(),
            continues: Some(Vec::new()),
            try_depth: self.flow.try_depth,
        });
        self.statements(body);
    }

    /// The loop ends here; its `continue`s go to `next`.
    pub(super) fn end_loop(&mut self, next: usize) {
        let Some(target) = self.flow.targets.pop() else {
            return;
        };
        for at in target.continues.unwrap_or_default() {
            self.patch_to(Some(at), next);
        }
        for at in target.breaks {
            self.patch(Some(at));
        }
    }

    fn jump_out(&mut self, span: Span, is_continue: bool) {
        let try_depth = self.flow.try_depth;
        let at = self.code.len();
        let found = self
            .flow
            .targets
            .iter_mut()
            .rev()
            .find(|t| !is_continue || t.continues.is_some());
        let Some(target) = found else {
            let message = if is_continue {
                "'continue' outside a loop"
            } else {
                "'break' outside a loop or switch"
            };
            self.errors.at(span.line, span.col, message);
            return;
        };
        match (&mut target.continues, is_continue) {
            (Some(list), true) => list.push(at),
            _ => target.breaks.push(at),
        }
        let instr = if target.try_depth == try_depth {
            Instr::Jump(usize::MAX)
        } else {
            Instr::Leave {
                depth: target.try_depth,
                target: usize::MAX,
            }
        };
        self.code.push(instr);
    }

    fn switch(&mut self, value: (Expr, Span), body: Vec<Stmt>) {
        let (mut v, span) = value;
        self.expr(&mut v);
        self.scalar(&v, "a switch value");
        let s = self.statement(span, Action::Eval(v));
        let at = self.code.len();
        self.code.push(Instr::Switch {
            value: s,
            cases: Vec::new(),
            default: usize::MAX,
        });
        self.flow.switches.push((Vec::new(), None));
        self.flow.targets.push(Target {
            breaks: Vec::new(),
            continues: None,
            try_depth: self.flow.try_depth,
        });
        self.statements(body);
        let end = self.code.len();
        let (found, default) = self.flow.switches.pop().unwrap_or_default();
        if let Some(Instr::Switch {
            cases, default: d, ..
        }) = self.code.get_mut(at)
        {
            *cases = found;
            *d = default.unwrap_or(end);
        }
        if let Some(target) = self.flow.targets.pop() {
            for at in target.breaks {
                self.patch(Some(at));
            }
        }
    }

    fn case(&mut self, value: Option<Expr>, span: Span) {
        let here = self.code.len();
        let constant = value.map(|mut v| {
            self.expr(&mut v);
            match constant_value(&v) {
                Some(c) => Some(c),
                None => {
                    self.err(
                        &v,
                        "a case value must be a constant, like 3 or 'a' or PAGE_READWRITE",
                    );
                    None
                }
            }
        });
        let Some((cases, default)) = self.flow.switches.last_mut() else {
            let what = if constant.is_some() {
                "case"
            } else {
                "default"
            };
            self.errors
                .at(span.line, span.col, format!("'{what}' outside a switch"));
            return;
        };
        match constant {
            Some(Some(c)) => {
                if cases.iter().any(|(v, _)| *v == c) {
                    self.errors
                        .at(span.line, span.col, "this case value appears twice");
                } else {
                    cases.push((c, here));
                }
            }
            Some(None) => {}
            None if default.is_some() => self.errors.at(span.line, span.col, "a second 'default:'"),
            None => *default = Some(here),
        }
    }

    fn ret(&mut self, value: Option<Expr>, span: Span) {
        let Some(returns) = self.current_returns() else {
            // `return …;` in main ends the program (its value is the exit code, unused).
            self.code.push(Instr::Return(None));
            return;
        };
        let value = value.map(|mut v| {
            self.expr(&mut v);
            if returns == Ty::Void {
                self.err(
                    &v,
                    "this function returns nothing (void), so return takes no value",
                );
            } else if v.ty != Ty::Str {
                self.scalar(&v, "a return value");
            }
            v
        });
        let e = value.unwrap_or_else(|| Expr::new(ExprKind::Int(0), span.line, span.col));
        let s = self.statement(span, Action::Eval(e));
        self.code.push(Instr::Return(Some(s)));
    }

    /// The result type of the function being checked; `None` at the top level.
    fn current_returns(&self) -> Option<Ty> {
        self.flow_returns.clone()
    }

    fn try_block(&mut self, body: Vec<Stmt>, filter: Option<(Expr, Span)>, handler: Vec<Stmt>) {
        self.has_try = true;
        let enter = self.code.len();
        let is_except = filter.is_some();
        let kind = match filter {
            Some((mut f, _)) => {
                self.flow.in_except += 1;
                self.flow.in_filter = true;
                self.expr(&mut f);
                self.flow.in_filter = false;
                self.flow.in_except -= 1;
                self.scalar(&f, "an exception filter");
                Handler::Except {
                    filter: f,
                    handler: usize::MAX,
                }
            }
            None => Handler::Finally { block: usize::MAX },
        };
        self.code.push(Instr::TryEnter(kind));
        self.flow.try_depth += 1;
        self.flow.leaves.push(Vec::new());
        self.statements(body);
        let exit = self.code.len();
        self.code.push(Instr::TryExit);
        self.flow.try_depth -= 1;
        for at in self.flow.leaves.pop().unwrap_or_default() {
            self.patch_to(Some(at), exit);
        }
        let skip = is_except.then(|| {
            self.code.push(Instr::Jump(usize::MAX));
            self.code.len() - 1
        });
        let start = self.code.len();
        match self.code.get_mut(enter) {
            Some(Instr::TryEnter(Handler::Except { handler, .. })) => *handler = start,
            Some(Instr::TryEnter(Handler::Finally { block })) => *block = start,
            _ => {}
        }
        if is_except {
            self.flow.in_except += 1;
        }
        self.statements(handler);
        if is_except {
            self.flow.in_except -= 1;
        } else {
            self.code.push(Instr::EndFinally);
        }
        self.patch(skip);
    }

    fn function(&mut self, def: FunctionDef) {
        let Some(index) = self.function_index(&def.name) else {
            return;
        };
        let Some(body) = def.body else {
            return;
        };
        if self.functions[index].defined {
            let message = format!("'{}' is defined twice", def.name);
            self.errors.at(def.line, def.col, message);
            return;
        }
        self.functions[index].defined = true;
        let mut locals = Locals::default();
        for (name, ty) in &def.params {
            let slot = locals.slots.len();
            locals.slots.push(SlotInfo {
                name: name.clone(),
                ty: ty.clone(),
            });
            if !name.is_empty() {
                locals.scope.insert(name.clone(), slot);
            }
        }
        let outer_code = std::mem::take(&mut self.code);
        let outer_flow = std::mem::take(&mut self.flow);
        self.locals = Some(locals);
        self.flow_returns = Some(def.returns.clone());
        self.statements(body);
        self.code.push(Instr::Return(None));
        let code = std::mem::replace(&mut self.code, outer_code);
        self.flow = outer_flow;
        self.flow_returns = None;
        let locals = self.locals.take().unwrap_or_default();
        let f = &mut self.functions[index];
        f.code = code;
        f.locals = locals.slots;
    }
}

/// The value of a constant expression (a case label), if it is one.
fn constant_value(e: &Expr) -> Option<u64> {
    match &e.kind {
        ExprKind::Int(v) => Some(*v),
        ExprKind::Unary(op, inner) => {
            let v = constant_value(inner)?;
            Some(match op {
                crate::script::ast::UnOp::Neg => v.wrapping_neg(),
                crate::script::ast::UnOp::Plus => v,
                crate::script::ast::UnOp::Not => u64::from(v == 0),
                crate::script::ast::UnOp::BitNot => !v,
            })
        }
        ExprKind::Binary(op, l, r) => {
            arith(*op, &l.ty, constant_value(l)?, &r.ty, constant_value(r)?).ok()
        }
        ExprKind::Cast(ty, inner) => Some(ty.convert(constant_value(inner)?)),
        _ => None,
    }
}
