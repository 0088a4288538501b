//! The checker: resolves names (variables to slots, constants to values, calls to
//! builtins), gives every expression its C type, rejects what cannot run, and flattens
//! loops into jumps. Variables exist from their declaration or first assignment on, in
//! source order; reading one before that is an error with a "did you mean" hint.

mod call;
mod flow;

pub use flow::Function;

use super::ast::{Action, BinOp, Declarator, Expr, ExprKind, Instr, Span, Statement, Stmt, UnOp};
use super::builtins::Signature;
use super::error::Errors;
use super::records::{record_field, record_fields};
use super::suggest;
use super::types::{is_type_word, Record, Ty};
use crate::sim::consts;

/// A variable of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotInfo {
    /// Its name.
    pub name: String,
    /// Its type (declared, or taken from its first value).
    pub ty: Ty,
}

/// The fields of `MEMORY_BASIC_INFORMATION` and their types (reference §6).
pub const MBI_FIELDS: &[&str] = &[
    "BaseAddress",
    "AllocationBase",
    "AllocationProtect",
    "PartitionId",
    "RegionSize",
    "State",
    "Protect",
    "Type",
];

fn field_type(field: &str) -> Option<Ty> {
    match field {
        "BaseAddress" | "AllocationBase" => Some(Ty::void_ptr()),
        "AllocationProtect" | "State" | "Protect" | "Type" => Some(Ty::DWORD),
        "PartitionId" => Some(Ty::Int {
            size: 2,
            signed: false,
        }),
        "RegionSize" => Some(Ty::SIZE_T),
        _ => None,
    }
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

    fn scalar(&mut self, e: &Expr, what: &str) -> bool {
        match e.ty {
            Ty::Int { .. } | Ty::Ptr(_) => true,
            Ty::Str => {
                self.err(
                    e,
                    format!("{what} must be a number or an address, not a string"),
                );
                false
            }
            Ty::Mbi => {
                self.err(e, format!("{what} must be a number or an address, not a whole MEMORY_BASIC_INFORMATION (use a field, like mbi.BaseAddress)"));
                false
            }
            Ty::Record(r) => {
                self.err(
                    e,
                    format!(
                        "{what} must be a number or an address, not a whole {} (use a field)",
                        r.name()
                    ),
                );
                false
            }
            Ty::Void => {
                self.err(
                    e,
                    format!("{what} must be a number or an address, but this has no value"),
                );
                false
            }
        }
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

    /// Check an expression, resolve its names and set its type.
    pub fn expr(&mut self, e: &mut Expr) {
        let ty = self.expr_type(e);
        e.ty = ty;
    }

    fn expr_type(&mut self, e: &mut Expr) -> Ty {
        match &mut e.kind {
            ExprKind::Int(_) => Ty::LONG_LONG,
            ExprKind::Str(_) => Ty::Str,
            ExprKind::Var(_) | ExprKind::Local(_) => self.var_type(&e.kind),
            ExprKind::Name(name) => {
                let name = std::mem::take(name);
                if let Some(var) = self.lookup(&name) {
                    let ty = self.var_type(&var);
                    e.kind = var;
                    return ty;
                }
                if let Some((value, ty)) = constant(&name) {
                    e.kind = ExprKind::Int(value);
                    return ty;
                }
                self.undefined(e, &name);
                e.kind = ExprKind::Int(0);
                Ty::LONG_LONG
            }
            ExprKind::Call { .. } => self.call(e),
            ExprKind::Unary(op, inner) => {
                let op = *op;
                self.expr(inner);
                if !self.scalar(inner, "the operand") {
                    return Ty::LONG_LONG;
                }
                match op {
                    UnOp::Not => Ty::INT,
                    _ if matches!(inner.ty, Ty::Ptr(_)) => Ty::SIZE_T,
                    _ => inner.ty.widened(),
                }
            }
            ExprKind::AddrOf(_) => {
                self.err(e, "'&' is only used for out-parameters: VirtualProtect(…, &old) and VirtualQuery(…, &mbi, …)");
                Ty::LONG_LONG
            }
            ExprKind::Deref(inner) => {
                self.expr(inner);
                let inner = &**inner;
                self.pointee(inner, e.line, e.col)
            }
            ExprKind::Index(base, index) => {
                self.expr(base);
                self.expr(index);
                self.scalar(index, "an index");
                if base.ty == Ty::Record(Record::ExceptionInformation) {
                    return Ty::SIZE_T;
                }
                let base = &**base;
                self.pointee(base, e.line, e.col)
            }
            ExprKind::Field(base, field) => {
                let field = field.clone();
                let before = self.errors.len();
                self.expr(base);
                if self.errors.len() > before {
                    return Ty::LONG_LONG;
                }
                let ty = base.ty.clone();
                self.field_of(e.line, e.col, &ty, &field, '.')
            }
            ExprKind::Arrow(base, field) => {
                let field = std::mem::take(field);
                let before = self.errors.len();
                self.expr(base);
                if self.errors.len() > before {
                    return Ty::LONG_LONG;
                }
                let pointee = match &base.ty {
                    Ty::Ptr(t) if matches!(**t, Ty::Mbi | Ty::Record(_)) => (**t).clone(),
                    t => {
                        let message =
                            format!("'->{field}' needs a pointer to a structure, but this is {t}");
                        self.err(e, message);
                        return Ty::LONG_LONG;
                    }
                };
                let ty = self.field_of(e.line, e.col, &pointee, &field, '>');
                // A pointer to one of these structures holds the structure itself.
                let base = std::mem::replace(base, Box::new(Expr::new(ExprKind::Int(0), 0, 0)));
                e.kind = ExprKind::Field(base, field);
                ty
            }
            ExprKind::Cond(c, yes, no) => {
                self.expr(c);
                self.scalar(c, "a condition");
                self.expr(yes);
                self.expr(no);
                match (&yes.ty, &no.ty) {
                    (Ty::Str, Ty::Str) => Ty::Str,
                    (a, b) if a.size().is_some() && b.size().is_some() => {
                        if matches!(a, Ty::Ptr(_)) {
                            a.clone()
                        } else if matches!(b, Ty::Ptr(_)) {
                            b.clone()
                        } else {
                            binary_type(BinOp::Add, a, b).unwrap_or(Ty::LONG_LONG)
                        }
                    }
                    (a, b) => {
                        let message = format!(
                            "both values of '?:' must be numbers or both strings, not {a} and {b}"
                        );
                        self.err(e, message);
                        Ty::LONG_LONG
                    }
                }
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let op = *op;
                self.expr(lhs);
                self.expr(rhs);
                let ok = self.scalar(lhs, "each side of an operator")
                    & self.scalar(rhs, "each side of an operator");
                if !ok {
                    return Ty::LONG_LONG;
                }
                match binary_type(op, &lhs.ty, &rhs.ty) {
                    Ok(t) => t,
                    Err(message) => {
                        self.err(e, message);
                        Ty::LONG_LONG
                    }
                }
            }
            ExprKind::Assign(op, target, value) => {
                let op = *op;
                self.expr(value);
                // `p = …;` creates `p` when it does not exist yet, with the value's type.
                if let ExprKind::Name(name) = &target.kind {
                    if op.is_none()
                        && self.lookup(name).is_none()
                        && constant(name).is_none()
                        && !is_type_word(name)
                        && Signature::find(name).is_none()
                    {
                        let ty = value.ty.widened();
                        if matches!(ty, Ty::Void) {
                            self.err(value, "this has no value to assign");
                        }
                        target.kind = self.declare(&name.clone(), ty);
                    } else if constant(name).is_some() {
                        let message = format!("'{name}' is a constant and cannot be assigned");
                        self.err(target, message);
                        return Ty::LONG_LONG;
                    }
                }
                let before = self.errors.len();
                self.expr(target);
                if self.errors.len() > before {
                    return Ty::LONG_LONG;
                }
                self.lvalue(target);
                match (&target.ty, &value.ty, op) {
                    (Ty::Str, Ty::Str, None) | (Ty::Mbi, Ty::Mbi, None) => {}
                    (Ty::Int { .. } | Ty::Ptr(_), Ty::Int { .. } | Ty::Ptr(_), None) => {}
                    (Ty::Int { .. } | Ty::Ptr(_), Ty::Int { .. } | Ty::Ptr(_), Some(op)) => {
                        if let Err(message) = binary_type(op, &target.ty, &value.ty) {
                            self.errors.at(target.line, target.col, message);
                        }
                    }
                    (t, v, _) => {
                        let message = format!("cannot assign a {v} to something of type {t}");
                        self.err(value, message);
                    }
                }
                target.ty.clone()
            }
            ExprKind::IncDec { target, .. } => {
                let before = self.errors.len();
                self.expr(target);
                if self.errors.len() > before {
                    return Ty::LONG_LONG;
                }
                self.lvalue(target);
                self.scalar(target, "'++' and '--' operand");
                target.ty.clone()
            }
            ExprKind::Cast(to, inner) => {
                let to = to.clone();
                self.expr(inner);
                match (&to, &inner.ty) {
                    // `(const void*)"1337"`: casting a literal changes nothing (DESIGN §5).
                    (Ty::Ptr(_), Ty::Str) => Ty::Str,
                    (Ty::Void, _) => Ty::Void,
                    (Ty::Int { .. } | Ty::Ptr(_), Ty::Int { .. } | Ty::Ptr(_)) => to,
                    (t, v) => {
                        let message = format!("cannot cast a {v} to {t}");
                        self.err(e, message);
                        Ty::LONG_LONG
                    }
                }
            }
            ExprKind::SizeofExpr(inner) => {
                self.expr(inner);
                let size = match (&inner.kind, &inner.ty) {
                    // sizeof("abc") counts the NUL, as in C.
                    (ExprKind::Str(bytes), _) => Some(bytes.len() as u64 + 1),
                    (_, t) => t.size(),
                };
                match size {
                    Some(n) => {
                        e.kind = ExprKind::Int(n);
                        Ty::SIZE_T
                    }
                    None => {
                        self.err(e, "sizeof cannot measure this");
                        Ty::SIZE_T
                    }
                }
            }
        }
    }

    /// The type of `base.field` (`op` is '.' or '>' for '->'), or an error.
    fn field_of(&mut self, line: u32, col: u32, base: &Ty, field: &str, op: char) -> Ty {
        let op = if op == '.' { "." } else { "->" };
        let (found, names) = match base {
            Ty::Mbi => (field_type(field), MBI_FIELDS),
            Ty::Record(r) => (record_field(*r, field), record_fields(*r)),
            t => {
                let message = format!("'{op}{field}' needs a structure, but this is {t}");
                self.errors.at(line, col, message);
                return Ty::LONG_LONG;
            }
        };
        if let Some(t) = found {
            return t;
        }
        let hint = suggest::hint(field, names);
        let message = format!(
            "{base} has no field '{field}'{hint} (fields: {})",
            names.join(", ")
        );
        self.errors.at(line, col, message);
        Ty::LONG_LONG
    }

    fn pointee(&mut self, ptr: &Expr, line: u32, col: u32) -> Ty {
        match &ptr.ty {
            Ty::Ptr(t) if matches!(**t, Ty::Int { .. } | Ty::Ptr(_)) => (**t).clone(),
            Ty::Ptr(t) if **t == Ty::Void => {
                self.errors.at(line, col, "cannot read or write through a void pointer: declare it with an element type, like char *p or int *p");
                Ty::LONG_LONG
            }
            t => {
                let message = format!("'*' and '[]' need a pointer to numbers, but this is {t}");
                self.errors.at(line, col, message);
                Ty::LONG_LONG
            }
        }
    }

    fn lvalue(&mut self, target: &Expr) {
        match &target.kind {
            ExprKind::Var(_) | ExprKind::Local(_) | ExprKind::Deref(_) | ExprKind::Index(_, _) => {}
            ExprKind::Field(_, _) => self.err(target, "the fields of a MEMORY_BASIC_INFORMATION are filled by VirtualQuery and cannot be assigned"),
            _ => self.err(target, "only a variable, *pointer or pointer[index] can be assigned"),
        }
    }
}

/// The type of `lhs op rhs`, or why it is not allowed. Integer arithmetic is 64-bit
/// (DESIGN §5: like SIZE_T); pointer arithmetic moves by the pointee's size, as in C.
pub fn binary_type(op: BinOp, lhs: &Ty, rhs: &Ty) -> Result<Ty, String> {
    if op.is_comparison() {
        return Ok(Ty::INT);
    }
    let (lp, rp) = (matches!(lhs, Ty::Ptr(_)), matches!(rhs, Ty::Ptr(_)));
    match op {
        BinOp::Add if lp && rp => Err("two pointers cannot be added".to_string()),
        BinOp::Add if lp => Ok(lhs.clone()),
        BinOp::Add if rp => Ok(rhs.clone()),
        BinOp::Sub if lp && rp => Ok(Ty::LONG_LONG),
        BinOp::Sub if lp => Ok(lhs.clone()),
        BinOp::Sub if rp => Err("a pointer cannot be subtracted from a number".to_string()),
        _ if lp || rp => Ok(Ty::SIZE_T),
        _ => Ok(Ty::Int {
            size: 8,
            signed: lhs.is_signed() && rhs.is_signed(),
        }),
    }
}
