//! The checker: resolves names (variables to slots, constants to values, calls to
//! builtins), gives every expression its C type, rejects what cannot run, and flattens
//! loops into jumps. Variables exist from their declaration or first assignment on, in
//! source order; reading one before that is an error with a "did you mean" hint.

mod call;
mod expr;
mod flow;

pub use flow::Function;

use super::ast::{Action, Declarator, Expr, ExprKind, Instr, Span, Statement, Stmt};
use super::builtins::Signature;
use super::error::Errors;
use super::suggest;
use super::types::{is_type_word, Ty};
use crate::sim::consts;

/// A variable of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotInfo {
    /// Its name.
    pub name: String,
    /// Its type (declared, or taken from its first value).
    pub ty: Ty,
}

/// The value of a constant name: `NULL`, `TRUE`, `FALSE` and every `PAGE_*`/`MEM_*`
/// (reference §1).
fn constant(name: &str) -> Option<(u64, Ty)> {
    match name {
        "NULL" | "nullptr" => Some((0, Ty::void_ptr())),
        "TRUE" | "true" => Some((1, Ty::INT)),
        "FALSE" | "false" => Some((0, Ty::INT)),
        // The values a filter returns (excpt.h).
        "EXCEPTION_EXECUTE_HANDLER" | "EXIT_FAILURE" => Some((1, Ty::INT)),
        "EXCEPTION_CONTINUE_SEARCH" | "EXIT_SUCCESS" => Some((0, Ty::INT)),
        "EXCEPTION_CONTINUE_EXECUTION" => Some((u64::MAX, Ty::INT)),
        _ => consts::lookup(name).map(|v| (v, Ty::DWORD)),
    }
}

/// Names to slots, sorted by name: a sorted list rather than a `BTreeMap<String, usize>`,
/// whose B-tree code for string keys would be one more copy in the wasm module (the page's
/// download budget). Scripts declare few variables, so inserting into a list is cheap.
#[derive(Default)]
struct Scope(Vec<(String, usize)>);

impl Scope {
    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(n, _)| n.as_str().cmp(name))
    }

    fn get(&self, name: &str) -> Option<&usize> {
        self.find(name).ok().map(|i| &self.0[i].1)
    }

    /// Bind `name` to `slot`, replacing an earlier binding.
    fn insert(&mut self, name: String, slot: usize) {
        match self.find(&name) {
            Ok(i) => self.0[i].1 = slot,
            Err(i) => self.0.insert(i, (name, slot)),
        }
    }

    /// Add the names, in order, to `out`.
    fn names<'a>(&'a self, out: &mut Vec<&'a str>) {
        for (n, _) in &self.0 {
            out.push(n);
        }
    }
}

/// The variables of the function being checked.
#[derive(Default)]
struct Locals {
    slots: Vec<SlotInfo>,
    scope: Scope,
}

/// Checks parsed statements and collects the program's variables and code.
pub(crate) struct Checker<'a> {
    src: &'a str,
    errors: &'a mut Errors,
    /// Every global variable (top level and main's), by slot.
    pub slots: Vec<SlotInfo>,
    /// The slot each global name refers to now.
    scope: Scope,
    /// The locals of the function being checked, if any.
    locals: Option<Locals>,
    /// The flat code built so far (the top level's, or the function's being checked).
    pub code: Vec<Instr>,
    /// The script's functions, by index (their code once checked).
    pub functions: Vec<Function>,
    /// True when the script has a `__try` block (then unhandled exceptions end it).
    pub has_try: bool,
    flow: flow::FlowState,
    /// The result type of the function being checked.
    flow_returns: Option<Ty>,
}

impl<'a> Checker<'a> {
    /// A checker for the script `src` that reports to `errors`.
    pub fn new(src: &'a str, errors: &'a mut Errors) -> Checker<'a> {
        Checker {
            src,
            errors,
            slots: Vec::new(),
            scope: Scope::default(),
            locals: None,
            code: Vec::new(),
            functions: Vec::new(),
            has_try: false,
            flow: flow::FlowState::default(),
            flow_returns: None,
        }
    }

    /// The variable `name` refers to now: a local of the function, else a global.
    fn lookup(&self, name: &str) -> Option<ExprKind> {
        if let Some(locals) = &self.locals {
            if let Some(&slot) = locals.scope.get(name) {
                return Some(ExprKind::Local(slot));
            }
        }
        self.scope.get(name).map(|&slot| ExprKind::Var(slot))
    }

    /// The type of a variable found by [`Checker::lookup`].
    fn var_type(&self, var: &ExprKind) -> Ty {
        let info = match var {
            ExprKind::Local(slot) => self.locals.as_ref().and_then(|l| l.slots.get(*slot)),
            ExprKind::Var(slot) => self.slots.get(*slot),
            _ => None,
        };
        info.map_or(Ty::LONG_LONG, |i| i.ty.clone())
    }

    fn text(&self, span: Span) -> String {
        self.src.get(span.start..span.end).unwrap_or("").to_string()
    }

    fn statement(&self, span: Span, action: Action) -> Statement {
        Statement {
            line: span.line,
            col: span.col,
            text: self.text(span),
            action,
        }
    }

    fn err(&mut self, e: &Expr, message: impl Into<String>) {
        self.errors.at(e.line, e.col, message);
    }

    /// A new variable: a local inside a function, a global elsewhere.
    fn declare(&mut self, name: &str, ty: Ty) -> ExprKind {
        let info = SlotInfo {
            name: name.to_string(),
            ty,
        };
        if let Some(locals) = &mut self.locals {
            let slot = locals.slots.len();
            locals.slots.push(info);
            locals.scope.insert(name.to_string(), slot);
            return ExprKind::Local(slot);
        }
        let slot = self.slots.len();
        self.slots.push(info);
        self.scope.insert(name.to_string(), slot);
        ExprKind::Var(slot)
    }

    /// Check statements in order and append their code.
    pub fn statements(&mut self, stmts: Vec<Stmt>) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: Stmt) {
        match stmt {
            Stmt::Expr(mut e, span) => {
                self.expr(&mut e);
                let s = self.statement(span, Action::Eval(e));
                self.code.push(Instr::Run(s));
            }
            Stmt::Decl(items, span) => {
                let inits = self.declaration(items);
                if !inits.is_empty() {
                    let s = self.statement(span, Action::Declare(inits));
                    self.code.push(Instr::Run(s));
                }
            }
            Stmt::For {
                header,
                init,
                cond,
                step,
                body,
            } => {
                if let Some(init) = init {
                    self.stmt(*init);
                }
                // With no condition, each pass still counts as a statement (`for (;;)`),
                // so an empty endless loop meets the statement limit.
                let (cond, span) = cond.unwrap_or_else(|| {
                    (Expr::new(ExprKind::Int(1), header.line, header.col), header)
                });
                let top = self.code.len();
                let exit = self.branch(cond, span, false);
                self.loop_body(body);
                let next = self.code.len();
                if let Some((mut e, span)) = step {
                    self.expr(&mut e);
                    let s = self.statement(span, Action::Eval(e));
                    self.code.push(Instr::Run(s));
                }
                self.code.push(Instr::Jump(top));
                self.end_loop(next);
                self.patch(exit);
            }
            Stmt::Flow(flow) => self.flow(flow),
        }
    }

    fn declaration(&mut self, items: Vec<Declarator>) -> Vec<(Expr, Expr)> {
        let mut inits = Vec::new();
        for d in items {
            let mut ty = d.ty;
            if let Some(mut init) = d.init {
                self.expr(&mut init);
                match (&ty, &init.ty) {
                    // `char *s = "text";`: the variable holds the literal itself.
                    (Ty::Ptr(_), Ty::Str) => ty = Ty::Str,
                    (Ty::Mbi, Ty::Mbi) => {}
                    (Ty::Mbi, _) => self.err(&init, format!("'{}' is a MEMORY_BASIC_INFORMATION; fill it with VirtualQuery(address, &{}, sizeof({}))", d.name, d.name, d.name)),
                    (_, Ty::Str) => self.err(&init, format!("a string cannot be stored in '{}' of type {ty}", d.name)),
                    (_, Ty::Mbi) => self.err(&init, format!("a MEMORY_BASIC_INFORMATION cannot be stored in '{}' of type {ty}", d.name)),
                    _ => {}
                }
                let var = self.declare(&d.name, ty.clone());
                let mut target = Expr::new(var, d.line, d.col);
                target.ty = ty;
                inits.push((target, init));
            } else {
                self.declare(&d.name, ty);
            }
        }
        inits
    }

    fn undefined(&mut self, e: &Expr, name: &str) {
        if Signature::find(name).is_some() {
            self.err(
                e,
                format!("'{name}' is a function: call it, like {name}(…)"),
            );
            return;
        }
        if is_type_word(name) {
            self.err(e, format!("'{name}' is a type, not a value"));
            return;
        }
        let mut vars: Vec<&str> = Vec::new();
        self.scope.names(&mut vars);
        if let Some(locals) = &self.locals {
            locals.scope.names(&mut vars);
        }
        vars.extend_from_slice(&["NULL", "TRUE", "FALSE"]);
        for (n, _) in consts::NAMED {
            vars.push(n);
        }
        let hint = suggest::hint(name, &vars);
        self.err(e, format!("'{name}' is not defined{hint}"));
    }
}
