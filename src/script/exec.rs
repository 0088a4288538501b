//! The executor: one instruction of flat code at a time, with a call stack, `__try`
//! blocks and their handlers, and the accesses to simulated memory that raise
//! exceptions and dispatch them to the script's filters (reference §7: an exception
//! aborts the access; `EXCEPTION_CONTINUE_EXECUTION` performs it again).
//!
//! Locals and the call stack live here, outside simulated memory: only what a script
//! reads and writes through pointers touches the simulated machine.

use std::rc::Rc;

use super::ast::{Action, Expr, Handler, Instr, Statement};
use super::eval::{initial_values, runtime_error, Abort, Env, Value};
use super::limits::LimitHit;
use super::runner::StatementResult;
use super::types::Ty;
use super::Program;
use crate::sim::{ExceptionRecord, Machine};

/// One function being run (the top level is the first).
#[derive(Clone, Debug)]
pub struct Frame {
    /// The function, by index; `None` for the top level.
    pub func: Option<usize>,
    /// The next instruction.
    pub pc: usize,
    /// Local variables by slot (parameters first).
    pub locals: Vec<Value>,
    /// The `__try` blocks entered and not yet left, innermost last.
    tries: Vec<TryBlock>,
    /// What to do when the running `__finally` block ends.
    pending: Option<Pending>,
}

/// An entered `__try` block: where its `TryEnter` is, and its identity.
#[derive(Clone, Copy, Debug)]
struct TryBlock {
    at: usize,
    id: u64,
}

/// Where control goes once the `__finally` blocks on the way have run.
#[derive(Clone, Debug)]
enum Pending {
    /// To the `__except` handler of block `id`, maybe in a calling function.
    Unwind { id: u64, record: ExceptionRecord },
    /// To `target`, with `depth` `__try` blocks still entered (`break`, `continue`).
    Jump { depth: usize, target: usize },
    /// Out of the function with this value.
    Return(Value),
}

impl Frame {
    /// The top level's frame.
    pub fn top() -> Frame {
        Frame {
            func: None,
            pc: 0,
            locals: Vec::new(),
            tries: Vec::new(),
            pending: None,
        }
    }
}

impl Program {
    /// The flat code of function `func` (`None`: the top level).
    fn code_of(&self, func: Option<usize>) -> &[Instr] {
        match func {
            None => &self.code,
            Some(i) => self.functions.get(i).map_or(&[], |f| &f.code),
        }
    }
}

impl Env {
    /// True when the top level has run to its end.
    pub fn at_end(&self) -> bool {
        match self.frames.first() {
            Some(top) => self.frames.len() == 1 && top.pc >= self.program.code.len(),
            None => true,
        }
    }

    /// Run one instruction of the innermost function; its results go to `results`.
    pub fn exec(&mut self, m: &mut Machine) -> Result<(), Abort> {
        let program = Rc::clone(&self.program);
        let Some(frame) = self.frames.last() else {
            return Ok(());
        };
        let pc = frame.pc;
        let Some(instr) = program.code_of(frame.func).get(pc) else {
            // Past the end: a function without `return` gives 0.
            return self.leave(0, Pending::Return(Value::Int(0)));
        };
        let top = self.frames.len() - 1;
        match instr {
            Instr::Run(s) => {
                if self.statement_or_unwind(m, s)?.is_some() {
                    self.frames[top].pc = pc + 1;
                }
            }
            Instr::JumpUnless { cond, target } | Instr::JumpIf { cond, target } => {
                let Some(v) = self.statement_or_unwind(m, cond)? else {
                    return Ok(());
                };
                // An aborted condition is false.
                let truth = matches!(v, Some(Value::Int(x)) if x != 0);
                let jump = truth == matches!(instr, Instr::JumpIf { .. });
                self.frames[top].pc = if jump { *target } else { pc + 1 };
            }
            Instr::Jump(target) => self.frames[top].pc = *target,
            Instr::Switch {
                value,
                cases,
                default,
            } => {
                let Some(v) = self.statement_or_unwind(m, value)? else {
                    return Ok(());
                };
                let v = match v {
                    Some(Value::Int(x)) => Some(value_of(&value.action).convert(x)),
                    _ => None,
                };
                let found = cases.iter().find(|(c, _)| Some(*c) == v);
                self.frames[top].pc = found.map_or(*default, |(_, at)| *at);
            }
            Instr::TryEnter(_) => {
                let id = self.next_try;
                self.next_try += 1;
                let frame = &mut self.frames[top];
                frame.tries.push(TryBlock { at: pc, id });
                frame.pc = pc + 1;
            }
            Instr::TryExit => {
                let frame = &mut self.frames[top];
                frame.tries.pop();
                frame.pc = pc + 1;
            }
            Instr::EndFinally => match self.frames[top].pending.take() {
                Some(Pending::Unwind { id, record }) => self.unwind(id, record)?,
                Some(Pending::Jump { depth, target }) => {
                    self.leave(depth, Pending::Jump { depth, target })?
                }
                Some(Pending::Return(v)) => self.leave(0, Pending::Return(v))?,
                None => self.frames[top].pc = pc + 1,
            },
            Instr::Leave { depth, target } => self.leave(
                *depth,
                Pending::Jump {
                    depth: *depth,
                    target: *target,
                },
            )?,
            Instr::Return(value) => {
                let v = match value {
                    Some(s) => match self.statement_or_unwind(m, s)? {
                        Some(v) => v.unwrap_or(Value::Int(0)),
                        None => return Ok(()),
                    },
                    None => Value::Int(0),
                };
                // At the top level this ends the program (its `__finally` blocks run first).
                self.leave(0, Pending::Return(v))?;
            }
        }
        Ok(())
    }

    /// The script line that the machine's next steps belong to.
    fn set_line(&mut self, m: &mut Machine, line: Option<u32>) {
        self.line = line;
        m.set_line(line);
    }

    /// Run statement `s`: `Ok(Some(value))` when it ran (value `None` when it was
    /// aborted and the script goes on), `Ok(None)` when a handler in this function took
    /// over (control moved), `Err` when the abort leaves this function.
    fn statement_or_unwind(
        &mut self,
        m: &mut Machine,
        s: &Statement,
    ) -> Result<Option<Option<Value>>, Abort> {
        match self.statement(m, s) {
            Ok(v) => Ok(Some(v)),
            Err(Abort::Unwind { id, record }) => {
                self.unwind(id, record)?;
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Leave `__try` blocks until `depth` remain (running `__finally` blocks on the
    /// way), then do `then`.
    fn leave(&mut self, depth: usize, then: Pending) -> Result<(), Abort> {
        let program = Rc::clone(&self.program);
        let top = self.frames.len() - 1;
        while self.frames[top].tries.len() > depth {
            let Some(block) = self.frames[top].tries.pop() else {
                break;
            };
            let code = program.code_of(self.frames[top].func);
            if let Some(Instr::TryEnter(Handler::Finally { block: start })) = code.get(block.at) {
                let frame = &mut self.frames[top];
                frame.pending = Some(then);
                frame.pc = *start;
                return Ok(());
            }
        }
        match then {
            Pending::Jump { target, .. } => self.frames[top].pc = target,
            Pending::Return(v) => {
                self.frames.pop();
                self.returned = Some(v);
            }
            Pending::Unwind { id, record } => {
                self.frames.pop();
                return Err(Abort::Unwind { id, record });
            }
        }
        Ok(())
    }

    /// Go to the `__except` handler of block `id` if it is in the innermost function;
    /// otherwise leave the function (its `__finally` blocks run first).
    fn unwind(&mut self, id: u64, record: ExceptionRecord) -> Result<(), Abort> {
        let program = Rc::clone(&self.program);
        let top = self.frames.len() - 1;
        let Some(i) = self.frames[top].tries.iter().position(|t| t.id == id) else {
            return self.leave(0, Pending::Unwind { id, record });
        };
        if self.frames[top].tries.len() > i + 1 {
            // Inner blocks first: their `__finally` blocks run, then the unwind goes on.
            return self.leave(i + 1, Pending::Unwind { id, record });
        }
        let block = self.frames[top].tries.pop();
        let code = program.code_of(self.frames[top].func);
        if let Some(Instr::TryEnter(Handler::Except { handler, .. })) =
            block.and_then(|b| code.get(b.at))
        {
            self.frames[top].pc = *handler;
        }
        self.exception = Some(record);
        Ok(())
    }

    /// Call the script's function `index` with `args`; its statements run now.
    pub fn call_function(
        &mut self,
        m: &mut Machine,
        call: &Expr,
        index: usize,
        args: Vec<Value>,
    ) -> Result<Value, Abort> {
        let program = Rc::clone(&self.program);
        let Some(function) = program.functions.get(index) else {
            return Err(runtime_error(call, "unknown function"));
        };
        if self.stack_base.saturating_sub(stack_address()) > STACK_BUDGET {
            return Err(runtime_error(
                call,
                format!(
                    "calls nested too deeply inside long expressions (PageLab's stack is nearly full): the call of {} is skipped",
                    function.name
                ),
            ));
        }
        if self.frames.len() > self.limits.call_depth as usize {
            return Err(runtime_error(
                call,
                format!(
                    "calls nested more than {} deep (a recursion that never ends?): the call of {} is skipped",
                    self.limits.call_depth, function.name
                ),
            ));
        }
        let mut locals = initial_values(&function.locals);
        for ((cell, value), ty) in locals.iter_mut().zip(args).zip(&function.params) {
            *cell = match value {
                Value::Int(x) => Value::Int(ty.convert(x)),
                other => other,
            };
        }
        if self.steps_mark < m.history().len() {
            self.part(m, None);
        }
        self.frames.push(Frame {
            func: Some(index),
            locals,
            ..Frame::top()
        });
        let depth = self.frames.len();
        let outer = self.local_frame;
        let line = self.line;
        let result = loop {
            if self.frames.len() < depth {
                break Ok(());
            }
            self.local_frame = self.frames.len() - 1;
            if let Err(abort) = self.exec(m) {
                break Err(abort);
            }
        };
        self.local_frame = outer.min(self.frames.len().saturating_sub(1));
        self.set_line(m, line);
        result?;
        let v = self.returned.take().unwrap_or(Value::Int(0));
        Ok(match v {
            Value::Int(x) => Value::Int(function.returns.convert(x)),
            other => other,
        })
    }

    /// Run one statement and record its result.
    fn statement(&mut self, m: &mut Machine, s: &Statement) -> Result<Option<Value>, Abort> {
        self.stop_at = (s.line, s.col);
        if self.executed + self.retries >= self.limits.statements {
            return Err(Abort::Stop(LimitHit::Statements));
        }
        if m.recording() && m.history().len() >= self.limits.steps {
            return Err(Abort::Stop(LimitHit::Steps));
        }
        if m.system().pagefile.held_bytes() > self.limits.stored {
            return Err(Abort::Stop(LimitHit::Stored));
        }
        let saved_out = std::mem::take(&mut self.out);
        let outer_line = self.line;
        self.set_line(m, Some(s.line));
        // Steps before it are not its own (another process's, a context switch): a part
        // of it (before a call or a filter) starts here.
        let first_step = m.history().len();
        self.steps_mark = first_step;
        let outcome = self.action(m, &s.action);
        self.set_line(m, outer_line);
        let out = std::mem::replace(&mut self.out, saved_out);
        if let Err(Abort::Stop(_)) = outcome {
            self.stop_at = (s.line, s.col);
            return outcome.map(|_| None);
        }
        let end = m.history().len();
        let mut result = row(s, m, self.steps_mark..end);
        result.out = super::printf::text(&out);
        let value = match outcome {
            Ok((v, ty)) => {
                if let Value::Int(x) = v {
                    result.value = Some(if ty.is_signed() {
                        i128::from(x as i64)
                    } else {
                        i128::from(x)
                    });
                }
                Ok(Some(v))
            }
            Err(Abort::Exception(e)) => {
                result.exception = Some(e);
                Ok(None)
            }
            Err(Abort::Error(e)) => {
                result.error = Some(e);
                Ok(None)
            }
            Err(Abort::Unhandled(e)) => {
                result.exception = Some(e.clone());
                Err(Abort::Unhandled(e))
            }
            Err(other) => Err(other),
        };
        self.executed += 1;
        self.push(result);
        value
    }

    fn action(&mut self, m: &mut Machine, action: &Action) -> Result<(Value, Ty), Abort> {
        match action {
            Action::Eval(e) => self.eval(m, e).map(|v| (v, e.ty.clone())),
            Action::Declare(inits) => {
                let mut last = (Value::Void, Ty::Void);
                for (var, init) in inits {
                    let v = match self.eval(m, init)? {
                        Value::Int(x) => Value::Int(var.ty.convert(x)),
                        other => other,
                    };
                    self.set_var(&var.kind, v.clone());
                    last = (v, var.ty.clone());
                }
                Ok(last)
            }
        }
    }

    /// An access raised `record`: `Ok` means "perform it again" (a filter said
    /// EXCEPTION_CONTINUE_EXECUTION); otherwise how the statement ends.
    pub fn raise(&mut self, m: &mut Machine, record: ExceptionRecord) -> Result<(), Abort> {
        if !self.program.has_try {
            // Without __try, each statement runs as if inside its own handler (DESIGN §5).
            return Err(Abort::Exception(record));
        }
        if self.dispatching {
            // An exception inside a filter is not dispatched again: the process ends.
            return Err(Abort::Unhandled(record));
        }
        let program = Rc::clone(&self.program);
        for fi in (0..self.frames.len()).rev() {
            for ti in (0..self.frames[fi].tries.len()).rev() {
                let block = self.frames[fi].tries[ti];
                let code = program.code_of(self.frames[fi].func);
                let Some(Instr::TryEnter(Handler::Except { filter, .. })) = code.get(block.at)
                else {
                    continue;
                };
                self.part(m, Some(record.clone()));
                let outer = self.local_frame;
                let previous = self.exception.replace(record.clone());
                self.dispatching = true;
                self.local_frame = fi;
                let verdict = self.int(m, filter);
                self.local_frame = outer;
                self.dispatching = false;
                self.exception = previous;
                // The filter's value, as an int: negative continues execution, positive
                // runs the handler, zero searches on (as the MSVC runtime does).
                let verdict = verdict? as i32;
                if verdict < 0 {
                    self.retries += 1;
                    if self.executed + self.retries >= self.limits.statements {
                        return Err(Abort::Stop(LimitHit::Statements));
                    }
                    return Ok(());
                }
                if verdict > 0 {
                    return Err(Abort::Unwind {
                        id: block.id,
                        record,
                    });
                }
            }
        }
        Err(Abort::Unhandled(record))
    }

    /// Give the running statement's steps since the last row a `partial` row of their
    /// own (see [`StatementResult::partial`]), before a filter or a function it calls
    /// records rows: every step stays in exactly one row, in order. `raised`: the
    /// exception going to a filter.
    fn part(&mut self, m: &Machine, raised: Option<ExceptionRecord>) {
        let Some(frame) = self.frames.last() else {
            return;
        };
        let s = match self.program.code_of(frame.func).get(frame.pc) {
            Some(
                Instr::Run(s) | Instr::JumpUnless { cond: s, .. } | Instr::JumpIf { cond: s, .. },
            )
            | Some(Instr::Switch { value: s, .. } | Instr::Return(Some(s))) => s,
            _ => return,
        };
        let end = m.history().len();
        let mut result = row(s, m, self.steps_mark..end);
        result.partial = true;
        result.raised = raised;
        self.push(result);
    }

    /// Queue `result` after the rows before it: the next row's steps start at its end.
    #[inline(never)]
    fn push(&mut self, result: StatementResult) {
        self.steps_mark = result.steps.end;
        self.results.push_back(result);
    }

    /// Count `n` bytes of work against the limit.
    fn work(&mut self, n: usize) -> Result<(), Abort> {
        self.bytes = self.bytes.saturating_add(n as u64);
        if self.bytes > self.limits.bytes {
            return Err(Abort::Stop(LimitHit::Bytes));
        }
        Ok(())
    }

    /// Where a retried access resumes: at the faulting byte when it is inside.
    fn resume_at(record: &ExceptionRecord, va: u64, len: usize, done: usize) -> usize {
        let fault = record.info[1].wrapping_sub(va);
        if fault < len as u64 {
            fault as usize
        } else {
            done
        }
    }

    /// Read simulated memory; exceptions go to the script's handlers.
    pub fn read_mem(&mut self, m: &mut Machine, va: u64, buf: &mut [u8]) -> Result<(), Abort> {
        self.work(buf.len())?;
        let mut done = 0;
        loop {
            let at = va.wrapping_add(done as u64);
            match m.read(at, &mut buf[done..]) {
                Ok(()) => return Ok(()),
                Err(record) => {
                    self.raise(m, record.clone())?;
                    done = Self::resume_at(&record, va, buf.len(), done);
                }
            }
        }
    }

    /// Write simulated memory; exceptions go to the script's handlers.
    pub fn write_mem(&mut self, m: &mut Machine, va: u64, data: &[u8]) -> Result<(), Abort> {
        self.work(data.len())?;
        let mut done = 0;
        loop {
            let at = va.wrapping_add(done as u64);
            match m.write(at, &data[done..]) {
                Ok(()) => return Ok(()),
                Err(record) => {
                    self.raise(m, record.clone())?;
                    done = Self::resume_at(&record, va, data.len(), done);
                }
            }
        }
    }

    /// An instruction fetch; exceptions go to the script's handlers.
    pub fn execute_mem(&mut self, m: &mut Machine, va: u64) -> Result<(), Abort> {
        loop {
            match m.execute(va) {
                Ok(()) => return Ok(()),
                Err(record) => self.raise(m, record)?,
            }
        }
    }

    /// A NUL-terminated string of at most `max` bytes; exceptions go to the handlers.
    pub fn c_string_mem(&mut self, m: &mut Machine, va: u64, max: usize) -> Result<Vec<u8>, Abort> {
        loop {
            match m.read_c_string(va, max) {
                Ok(bytes) => {
                    self.work(bytes.len() + 1)?;
                    return Ok(bytes);
                }
                Err(record) => self.raise(m, record)?,
            }
        }
    }
}

/// Most stack that nested calls may use, from where the runner was entered. The wasm
/// stack is 1 MiB; one call level costs about 3 KB in a release build, and up to about
/// 100 KB when the call sits deep inside a long expression, so the check at each call
/// keeps the total well below 1 MiB. Debug builds' frames are about ten times larger.
const STACK_BUDGET: usize = if cfg!(debug_assertions) {
    8 << 20
} else {
    512 << 10
};

/// An address on the stack now (the stack grows down, on the host and in wasm).
pub fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The type of a statement's value (for a switch value's conversion).
fn value_of(action: &Action) -> Ty {
    match action {
        Action::Eval(e) => e.ty.clone(),
        Action::Declare(_) => Ty::LONG_LONG,
    }
}

/// The result of statement `s` with `steps`, before what it did is filled in.
fn row(s: &Statement, m: &Machine, steps: std::ops::Range<usize>) -> StatementResult {
    StatementResult {
        line: s.line,
        col: s.col,
        text: s.text.clone(),
        value: None,
        last_error: m.last_error(),
        exception: None,
        partial: false,
        raised: None,
        system: false,
        error: None,
        out: String::new(),
        process: String::new(),
        steps,
    }
}
