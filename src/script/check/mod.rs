//! The checker: resolves names (variables to slots, constants to values, calls to
//! builtins), gives every expression its C type, rejects what cannot run, and flattens
//! loops into jumps. Variables exist from their declaration or first assignment on, in
//! source order; reading one before that is an error with a "did you mean" hint.

mod call;

use super::ast::{Action, BinOp, Declarator, Expr, ExprKind, Instr, Span, Statement, Stmt, UnOp};
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

    fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Bind `name` to `slot`, replacing an earlier binding.
    fn insert(&mut self, name: String, slot: usize) {
        match self.find(&name) {
            Ok(i) => self.0[i].1 = slot,
            Err(i) => self.0.insert(i, (name, slot)),
        }
    }

    /// The names in order.
    fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(n, _)| n)
    }
}

/// Checks parsed statements and collects the program's variables and code.
pub(crate) struct Checker<'a> {
    src: &'a str,
    errors: &'a mut Errors,
    /// Every variable, by slot.
    pub slots: Vec<SlotInfo>,
    /// The slot each name refers to now.
    scope: Scope,
    /// The flat code built so far.
    pub code: Vec<Instr>,
}

impl<'a> Checker<'a> {
    /// A checker for the script `src` that reports to `errors`.
    pub fn new(src: &'a str, errors: &'a mut Errors) -> Checker<'a> {
        Checker {
            src,
            errors,
            slots: Vec::new(),
            scope: Scope::default(),
            code: Vec::new(),
        }
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

    fn declare(&mut self, name: &str, ty: Ty) -> usize {
        let slot = self.slots.len();
        self.slots.push(SlotInfo {
            name: name.to_string(),
            ty,
        });
        self.scope.insert(name.to_string(), slot);
        slot
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
                init,
                cond,
                step,
                body,
            } => {
                if let Some(init) = init {
                    self.stmt(*init);
                }
                let top = self.code.len();
                let exit = cond.map(|(mut c, span)| {
                    self.expr(&mut c);
                    self.scalar(&c, "a loop condition");
                    let s = self.statement(span, Action::Eval(c));
                    self.code.push(Instr::JumpUnless { cond: s, target: 0 });
                    self.code.len() - 1
                });
                self.statements(body);
                if let Some((mut e, span)) = step {
                    self.expr(&mut e);
                    let s = self.statement(span, Action::Eval(e));
                    self.code.push(Instr::Run(s));
                }
                self.code.push(Instr::Jump(top));
                let end = self.code.len();
                if let Some(Instr::JumpUnless { target, .. }) =
                    exit.and_then(|i| self.code.get_mut(i))
                {
                    *target = end;
                }
            }
        }
    }

    fn declaration(&mut self, items: Vec<Declarator>) -> Vec<(usize, Expr)> {
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
                let slot = self.declare(&d.name, ty);
                inits.push((slot, init));
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
        let vars: Vec<&str> = self.scope.keys().map(String::as_str).collect();
        let consts = consts::NAMED.iter().map(|(n, _)| *n);
        let extra = ["NULL", "TRUE", "FALSE"];
        let hint = suggest::hint(name, vars.iter().copied().chain(extra).chain(consts));
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
            ExprKind::Var(slot) => self.slots[*slot].ty.clone(),
            ExprKind::Name(name) => {
                let name = std::mem::take(name);
                if let Some(&slot) = self.scope.get(&name) {
                    e.kind = ExprKind::Var(slot);
                    return self.slots[slot].ty.clone();
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
                if base.ty != Ty::Mbi {
                    let message = format!(
                        "'.{field}' needs a MEMORY_BASIC_INFORMATION, but this is {}",
                        base.ty
                    );
                    self.err(e, message);
                    return Ty::LONG_LONG;
                }
                match field_type(&field) {
                    Some(t) => t,
                    None => {
                        let hint = suggest::hint(&field, MBI_FIELDS.iter().copied());
                        let message = format!(
                            "MEMORY_BASIC_INFORMATION has no field '{field}'{hint} (fields: BaseAddress, AllocationBase, AllocationProtect, RegionSize, State, Protect, Type)"
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
                        && !self.scope.contains_key(name)
                        && constant(name).is_none()
                        && !is_type_word(name)
                        && Signature::find(name).is_none()
                    {
                        let ty = value.ty.widened();
                        if matches!(ty, Ty::Void) {
                            self.err(value, "this has no value to assign");
                        }
                        let slot = self.declare(&name.clone(), ty);
                        target.kind = ExprKind::Var(slot);
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
            ExprKind::Var(_) | ExprKind::Deref(_) | ExprKind::Index(_, _) => {}
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
