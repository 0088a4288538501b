//! Evaluating expressions on a [`Machine`]: variables, arithmetic with C's pointer
//! rules, loads and stores through pointers. An exception from the machine, or a
//! runtime error such as a division by zero, aborts the statement.

use std::collections::VecDeque;
use std::rc::Rc;

use super::ast::{BinOp, Expr, ExprKind, UnOp};
use super::calls;
use super::check::SlotInfo;
use super::error::ScriptError;
use super::exec::Frame;
use super::limits::{LimitHit, Limits};
use super::runner::StatementResult;
use super::types::{Record, Ty};
use super::Program;
use crate::sim::api::MemoryBasicInformation;
use crate::sim::{ExceptionRecord, Machine};

/// A runtime value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A number or address (signed types are kept sign-extended to 64 bits).
    Int(u64),
    /// A string literal's bytes.
    Str(Vec<u8>),
    /// A filled `MEMORY_BASIC_INFORMATION`.
    Mbi(MemoryBasicInformation),
    /// One of the other structures (or a pointer to it, which holds it).
    Record(RecordValue),
    /// No value (a call to a function that returns nothing).
    Void,
}

/// The value of a structure that lives outside simulated memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordValue {
    /// A `SYSTEM_INFO`: zeros until `GetSystemInfo` fills it.
    SystemInfo {
        /// True once filled.
        filled: bool,
    },
    /// `EXCEPTION_POINTERS` or `EXCEPTION_RECORD` of an exception.
    Exception(ExceptionRecord),
    /// `ExceptionInformation` of an exception record.
    Information([u64; 2]),
}

/// Why a statement stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Abort {
    /// The machine raised an exception (reference §7) in a script without `__try`: the
    /// statement is skipped, as if it had a handler of its own.
    Exception(ExceptionRecord),
    /// The script asked for something impossible at run time.
    Error(ScriptError),
    /// A filter chose the `__except` handler of the `__try` block entered as `id`: leave
    /// everything up to it.
    Unwind {
        /// The `__try` block.
        id: u64,
        /// The exception.
        record: ExceptionRecord,
    },
    /// No handler took the exception: the process ends, as on Windows.
    Unhandled(ExceptionRecord),
    /// `exit(code)` or `ExitProcess(code)`.
    Exit(u32),
    /// A limit of [`Limits`] was reached: the run stops.
    Stop(LimitHit),
}

impl From<ExceptionRecord> for Abort {
    fn from(e: ExceptionRecord) -> Abort {
        Abort::Exception(e)
    }
}

/// A variable: a global, or a local of the running function.
#[derive(Clone, Copy)]
enum VarRef {
    Global(usize),
    Local(usize),
}

impl VarRef {
    fn of(kind: &ExprKind) -> Option<VarRef> {
        match kind {
            ExprKind::Var(slot) => Some(VarRef::Global(*slot)),
            ExprKind::Local(slot) => Some(VarRef::Local(*slot)),
            _ => None,
        }
    }
}

/// Where an assignment stores.
enum Place {
    Var(VarRef),
    Memory(u64),
}

/// A running program: its variables, call stack, counters and the results not yet
/// handed out.
#[derive(Clone, Debug)]
pub struct Env {
    /// The program.
    pub program: Rc<Program>,
    /// Global variable values by slot.
    pub vars: Vec<Value>,
    /// The call stack: the top level first.
    pub frames: Vec<Frame>,
    /// The frame whose locals `Local` expressions read (the top, or a filter's frame).
    pub local_frame: usize,
    /// What the current statement printed.
    pub out: Vec<u8>,
    /// Results of executed statements, in order, not yet handed out.
    pub results: VecDeque<StatementResult>,
    /// The limits of this run.
    pub limits: Limits,
    /// Statements executed so far (each gave a result).
    pub executed: u64,
    /// Accesses retried after a filter said EXCEPTION_CONTINUE_EXECUTION.
    pub retries: u64,
    /// Bytes of simulated memory read and written so far.
    pub bytes: u64,
    /// The exception being filtered or handled (for GetExceptionCode).
    pub exception: Option<ExceptionRecord>,
    /// True while a filter runs (an exception there is not dispatched again).
    pub dispatching: bool,
    /// The next `__try` block's identity.
    pub next_try: u64,
    /// What the function that just returned gave back.
    pub returned: Option<Value>,
    /// Where the next row's steps start: the running statement's first step, then the
    /// end of the last row since (a part of it, or a called function's statement).
    pub steps_mark: usize,
    /// The line of the statement running now.
    pub line: Option<u32>,
    /// The stack address where the runner was entered (see `exec::stack_address`).
    pub stack_base: usize,
    /// Pages locked by `VirtualLock`, sorted.
    pub locked: Vec<u64>,
    /// Line and column of the statement that a limit stopped.
    pub stop_at: (u32, u32),
    /// Set by a waiting call (`_getch`, `Sleep`, …): another process may run next.
    pub waiting: bool,
}

pub(crate) fn runtime_error(e: &Expr, message: impl Into<String>) -> Abort {
    Abort::Error(ScriptError::new(e.line, e.col, message))
}

impl Env {
    /// Every global starts as zero (an empty structure for a structure).
    pub fn new(program: Rc<Program>, limits: Limits) -> Env {
        let vars = initial_values(&program.slots);
        Env {
            program,
            vars,
            frames: vec![Frame::top()],
            local_frame: 0,
            out: Vec::new(),
            results: VecDeque::new(),
            limits,
            executed: 0,
            retries: 0,
            bytes: 0,
            exception: None,
            dispatching: false,
            next_try: 0,
            returned: None,
            steps_mark: 0,
            line: None,
            stack_base: 0,
            locked: Vec::new(),
            stop_at: (0, 0),
            waiting: false,
        }
    }

    /// The value of variable `var` (a `Var` or `Local` expression).
    fn var(&self, var: &ExprKind) -> Value {
        match VarRef::of(var) {
            Some(r) => self.cell(r),
            None => Value::Int(0),
        }
    }

    /// Set variable `var` (a `Var` or `Local` expression).
    pub fn set_var(&mut self, var: &ExprKind, value: Value) {
        if let Some(r) = VarRef::of(var) {
            self.set_cell(r, value);
        }
    }

    fn cell(&self, var: VarRef) -> Value {
        let v = match var {
            VarRef::Global(slot) => self.vars.get(slot),
            VarRef::Local(slot) => self
                .frames
                .get(self.local_frame)
                .and_then(|f| f.locals.get(slot)),
        };
        v.cloned().unwrap_or(Value::Int(0))
    }

    fn set_cell(&mut self, var: VarRef, value: Value) {
        let cell = match var {
            VarRef::Global(slot) => self.vars.get_mut(slot),
            VarRef::Local(slot) => self
                .frames
                .get_mut(self.local_frame)
                .and_then(|f| f.locals.get_mut(slot)),
        };
        if let Some(cell) = cell {
            *cell = value;
        }
    }

    /// The value of a number-valued expression.
    pub fn int(&mut self, m: &mut Machine, e: &Expr) -> Result<u64, Abort> {
        match self.eval(m, e)? {
            Value::Int(v) => Ok(v),
            _ => Err(runtime_error(e, "this must be a number or an address")),
        }
    }

    /// Evaluate `e`.
    pub fn eval(&mut self, m: &mut Machine, e: &Expr) -> Result<Value, Abort> {
        let v = match &e.kind {
            ExprKind::Int(v) => Value::Int(*v),
            ExprKind::Str(bytes) => Value::Str(bytes.clone()),
            ExprKind::Var(_) | ExprKind::Local(_) => self.var(&e.kind),
            ExprKind::Call {
                builtin,
                function,
                args,
                ..
            } => match (builtin, function) {
                (_, Some(f)) => {
                    let mut values = Vec::with_capacity(args.len());
                    for a in args {
                        values.push(self.eval(m, a)?);
                    }
                    self.call_function(m, e, *f, values)?
                }
                (Some(b), None) => calls::call(self, m, e, *b, args)?,
                (None, None) => return Err(runtime_error(e, "unknown function")),
            },
            ExprKind::Cond(c, yes, no) => {
                let branch = if self.int(m, c)? != 0 { yes } else { no };
                match self.eval(m, branch)? {
                    Value::Int(v) => Value::Int(e.ty.convert(v)),
                    other => other,
                }
            }
            ExprKind::Unary(op, inner) => {
                let v = self.int(m, inner)?;
                Value::Int(match op {
                    UnOp::Neg => v.wrapping_neg(),
                    UnOp::Plus => v,
                    UnOp::Not => u64::from(v == 0),
                    UnOp::BitNot => !v,
                })
            }
            ExprKind::Index(base, index) if base.ty == Ty::Record(Record::ExceptionInformation) => {
                let info = self.eval(m, base)?;
                let i = self.int(m, index)?;
                match info {
                    // NumberParameters is 2 for both exceptions (reference §7); the rest is 0.
                    Value::Record(RecordValue::Information(v)) if i < 15 => {
                        Value::Int(v.get(i as usize).copied().unwrap_or(0))
                    }
                    _ => {
                        return Err(runtime_error(
                            e,
                            format!(
                                "ExceptionInformation has 15 entries, but the index is {}",
                                i as i64
                            ),
                        ))
                    }
                }
            }
            ExprKind::Deref(_) | ExprKind::Index(_, _) => {
                let place = self.place(m, e)?;
                Value::Int(self.load(m, &place, &e.ty)?)
            }
            ExprKind::Field(base, field) => match self.eval(m, base)? {
                Value::Mbi(mbi) => Value::Int(field_value(&mbi, field)),
                Value::Record(r) => super::records::field(&r, field),
                _ => return Err(runtime_error(e, "not a structure")),
            },
            ExprKind::Binary(BinOp::And, l, r) => {
                let v = self.int(m, l)? != 0 && self.int(m, r)? != 0;
                Value::Int(u64::from(v))
            }
            ExprKind::Binary(BinOp::Or, l, r) => {
                let v = self.int(m, l)? != 0 || self.int(m, r)? != 0;
                Value::Int(u64::from(v))
            }
            ExprKind::Binary(op, l, r) => {
                let a = self.int(m, l)?;
                let b = self.int(m, r)?;
                let v = arith(*op, &l.ty, a, &r.ty, b).map_err(|msg| runtime_error(e, msg))?;
                Value::Int(v)
            }
            ExprKind::Assign(op, target, value) => {
                let place = self.place(m, target)?;
                let mut v = self.eval(m, value)?;
                if let (Some(op), Value::Int(b)) = (op, &v) {
                    let a = self.load(m, &place, &target.ty)?;
                    let r = arith(*op, &target.ty, a, &value.ty, *b)
                        .map_err(|msg| runtime_error(e, msg))?;
                    v = Value::Int(r);
                }
                self.store(m, &place, &target.ty, v)?
            }
            ExprKind::IncDec {
                increment,
                prefix,
                target,
            } => {
                let place = self.place(m, target)?;
                let old = self.load(m, &place, &target.ty)?;
                let step = match target.ty {
                    Ty::Ptr(_) => target.ty.stride(),
                    _ => 1,
                };
                let new = if *increment {
                    old.wrapping_add(step)
                } else {
                    old.wrapping_sub(step)
                };
                let stored = self.store(m, &place, &target.ty, Value::Int(new))?;
                if *prefix {
                    stored
                } else {
                    Value::Int(old)
                }
            }
            ExprKind::Cast(ty, inner) => match (self.eval(m, inner)?, ty) {
                (Value::Int(v), Ty::Int { .. }) => Value::Int(ty.convert(v)),
                (_, Ty::Void) => Value::Void,
                (v, _) => v,
            },
            ExprKind::Name(_)
            | ExprKind::AddrOf(_)
            | ExprKind::SizeofExpr(_)
            | ExprKind::Arrow(_, _) => {
                return Err(runtime_error(e, "this expression was not checked"))
            }
        };
        Ok(v)
    }

    fn place(&mut self, m: &mut Machine, target: &Expr) -> Result<Place, Abort> {
        match &target.kind {
            ExprKind::Var(_) | ExprKind::Local(_) => match VarRef::of(&target.kind) {
                Some(r) => Ok(Place::Var(r)),
                None => Err(runtime_error(target, "this cannot be assigned")),
            },
            ExprKind::Deref(p) => Ok(Place::Memory(self.int(m, p)?)),
            ExprKind::Index(base, index) => {
                let b = self.int(m, base)?;
                let i = self.int(m, index)?;
                Ok(Place::Memory(
                    b.wrapping_add(i.wrapping_mul(base.ty.stride())),
                ))
            }
            _ => Err(runtime_error(target, "this cannot be assigned")),
        }
    }

    fn load(&mut self, m: &mut Machine, place: &Place, ty: &Ty) -> Result<u64, Abort> {
        match place {
            Place::Var(var) => match self.cell(*var) {
                Value::Int(v) => Ok(v),
                _ => Ok(0),
            },
            Place::Memory(addr) => {
                let n = ty.size().unwrap_or(1).clamp(1, 8) as usize;
                let mut buf = [0u8; 8];
                self.read_mem(m, *addr, &mut buf[..n])?;
                Ok(ty.convert(u64::from_le_bytes(buf)))
            }
        }
    }

    /// Store `v` converted to `ty`; returns the value stored.
    fn store(&mut self, m: &mut Machine, place: &Place, ty: &Ty, v: Value) -> Result<Value, Abort> {
        let v = match v {
            Value::Int(x) => Value::Int(ty.convert(x)),
            other => other,
        };
        match place {
            Place::Var(var) => self.set_cell(*var, v.clone()),
            Place::Memory(addr) => {
                let n = ty.size().unwrap_or(1).clamp(1, 8) as usize;
                let x = match v {
                    Value::Int(x) => x,
                    _ => 0,
                };
                self.write_mem(m, *addr, &x.to_le_bytes()[..n])?;
            }
        }
        Ok(v)
    }
}

/// The starting values of variables: zero, or an empty structure.
pub fn initial_values(slots: &[SlotInfo]) -> Vec<Value> {
    let mut out = Vec::with_capacity(slots.len());
    for s in slots {
        out.push(match s.ty {
            Ty::Mbi => Value::Mbi(MemoryBasicInformation::default()),
            Ty::Str => Value::Str(Vec::new()),
            Ty::Record(Record::SystemInfo) => {
                Value::Record(RecordValue::SystemInfo { filled: false })
            }
            _ => Value::Int(0),
        });
    }
    out
}

/// A field of a filled `MEMORY_BASIC_INFORMATION` (reference §6).
fn field_value(mbi: &MemoryBasicInformation, field: &str) -> u64 {
    match field {
        "BaseAddress" => mbi.BaseAddress,
        "AllocationBase" => mbi.AllocationBase,
        "AllocationProtect" => u64::from(mbi.AllocationProtect),
        "RegionSize" => mbi.RegionSize,
        "State" => u64::from(mbi.State),
        "Protect" => u64::from(mbi.Protect),
        "Type" => u64::from(mbi.Type),
        _ => 0,
    }
}

/// `a op b` with C's rules: pointer arithmetic moves by the pointee's size, division
/// and comparison are signed when both sides are signed, integers wrap at 64 bits.
pub fn arith(op: BinOp, lt: &Ty, a: u64, rt: &Ty, b: u64) -> Result<u64, String> {
    let (lp, rp) = (matches!(lt, Ty::Ptr(_)), matches!(rt, Ty::Ptr(_)));
    let signed = lt.is_signed() && rt.is_signed();
    let v = match op {
        BinOp::Add if lp => a.wrapping_add(b.wrapping_mul(lt.stride())),
        BinOp::Add if rp => b.wrapping_add(a.wrapping_mul(rt.stride())),
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub if lp && rp => {
            (a.wrapping_sub(b) as i64).wrapping_div(lt.stride() as i64) as u64
        }
        BinOp::Sub if lp => a.wrapping_sub(b.wrapping_mul(lt.stride())),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::Div | BinOp::Rem if b == 0 => return Err("division by zero".to_string()),
        BinOp::Div if signed => (a as i64).wrapping_div(b as i64) as u64,
        BinOp::Div => a / b,
        BinOp::Rem if signed => (a as i64).wrapping_rem(b as i64) as u64,
        BinOp::Rem => a % b,
        BinOp::Shl => a.checked_shl(b.min(64) as u32).unwrap_or(0),
        BinOp::Shr if lt.is_signed() => ((a as i64) >> b.min(63)) as u64,
        BinOp::Shr => a.checked_shr(b.min(64) as u32).unwrap_or(0),
        BinOp::Lt => u64::from(if signed {
            (a as i64) < (b as i64)
        } else {
            a < b
        }),
        BinOp::Le => u64::from(if signed {
            (a as i64) <= (b as i64)
        } else {
            a <= b
        }),
        BinOp::Gt => u64::from(if signed {
            (a as i64) > (b as i64)
        } else {
            a > b
        }),
        BinOp::Ge => u64::from(if signed {
            (a as i64) >= (b as i64)
        } else {
            a >= b
        }),
        BinOp::Eq => u64::from(a == b),
        BinOp::Ne => u64::from(a != b),
        BinOp::BitAnd => a & b,
        BinOp::BitXor => a ^ b,
        BinOp::BitOr => a | b,
        BinOp::And => u64::from(a != 0 && b != 0),
        BinOp::Or => u64::from(a != 0 || b != 0),
    };
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_arithmetic_moves_by_the_element_size() {
        let int_ptr = Ty::Ptr(Box::new(Ty::INT));
        assert_eq!(
            arith(BinOp::Add, &int_ptr, 0x1000, &Ty::LONG_LONG, 2),
            Ok(0x1008)
        );
        assert_eq!(
            arith(BinOp::Add, &Ty::void_ptr(), 0x1000, &Ty::LONG_LONG, 2),
            Ok(0x1002)
        );
        assert_eq!(arith(BinOp::Sub, &int_ptr, 0x1010, &int_ptr, 0x1000), Ok(4));
    }

    #[test]
    fn signedness_and_errors() {
        let minus_one = u64::MAX;
        let ll = Ty::LONG_LONG;
        assert_eq!(arith(BinOp::Lt, &ll, minus_one, &ll, 5), Ok(1));
        assert_eq!(arith(BinOp::Lt, &Ty::SIZE_T, minus_one, &ll, 5), Ok(0));
        assert_eq!(arith(BinOp::Div, &ll, minus_one, &ll, 1), Ok(minus_one));
        assert!(arith(BinOp::Rem, &ll, 1, &ll, 0).is_err());
        assert_eq!(arith(BinOp::Shl, &ll, 1, &ll, 70), Ok(0));
        assert_eq!(arith(BinOp::Add, &ll, minus_one, &ll, 2), Ok(1));
    }
}
