//! Checking expressions: names resolved to variables and constants, and every expression
//! given its C type, from the operands' types: operators, casts, `sizeof`, pointers,
//! structure fields and assignments.

use super::{constant, Checker};
use crate::script::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::script::builtins::Signature;
use crate::script::records::{record_field, record_fields};
use crate::script::suggest;
use crate::script::types::{is_type_word, Record, Ty};

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

impl Checker<'_> {
    /// Whether `e` is a number or an address; if not, an error says `what` must be one.
    pub(super) fn scalar(&mut self, e: &Expr, what: &str) -> bool {
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
