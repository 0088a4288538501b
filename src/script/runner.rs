//! Running a checked program on a [`Machine`], statement by statement. Each statement
//! runs as if inside `__try/__except` (DESIGN §5): an exception aborts it, is reported
//! in its result, and the program goes on with the next statement.

use std::ops::Range;

use super::ast::{Action, Instr, Statement};
use super::error::ScriptError;
use super::eval::{Abort, Env, Value};
use super::types::Ty;
use super::Program;
use crate::sim::{ExceptionRecord, Machine};

/// Most instructions (statements, loop conditions and jumps) one run executes.
pub const DEFAULT_STATEMENT_LIMIT: u64 = 100_000;

/// What one executed statement did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementResult {
    /// 1-based line of the statement.
    pub line: u32,
    /// 1-based column of the statement.
    pub col: u32,
    /// Its source text.
    pub text: String,
    /// Its value: what a call returned, or what an assignment or declaration stored.
    /// `None` when it has none (a call to a function that returns nothing, a
    /// structure, a string) or when it was aborted. Signed types give negative values.
    pub value: Option<i128>,
    /// `GetLastError()` after the statement.
    pub last_error: u32,
    /// The exception that aborted it, if any (reference §7).
    pub exception: Option<ExceptionRecord>,
    /// A runtime error that aborted it (e.g. a division by zero), if any.
    pub error: Option<ScriptError>,
    /// What it printed (bytes that are not UTF-8 become U+FFFD).
    pub out: String,
    /// The indices of its steps in the machine's history.
    pub steps: Range<usize>,
}

/// Runs a program one statement at a time, so a caller can interleave its own work.
#[derive(Clone, Debug)]
pub struct Runner {
    program: Program,
    pc: usize,
    env: Env,
    executed: u64,
    limit: u64,
    stopped: Option<ScriptError>,
}

impl Runner {
    /// A runner at the first statement of `program`, with the default statement limit.
    pub fn new(program: Program) -> Runner {
        let env = Env::new(&program.slots);
        Runner {
            program,
            pc: 0,
            env,
            executed: 0,
            limit: DEFAULT_STATEMENT_LIMIT,
            stopped: None,
        }
    }

    /// The same runner with at most `limit` instructions (runaway loops stop there).
    pub fn with_limit(mut self, limit: u64) -> Runner {
        self.limit = limit;
        self
    }

    /// The program being run.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// True when nothing is left to run (the end, or the statement limit).
    pub fn finished(&self) -> bool {
        self.stopped.is_some() || self.pc >= self.program.code.len()
    }

    /// Why the run stopped before the end: the statement limit was reached.
    pub fn stopped(&self) -> Option<&ScriptError> {
        self.stopped.as_ref()
    }

    fn count(&mut self, line: u32, col: u32) -> bool {
        self.executed += 1;
        if self.executed > self.limit {
            self.stopped = Some(ScriptError::new(
                line,
                col,
                format!(
                    "stopped after {} statements: a loop probably runs too long",
                    self.limit
                ),
            ));
            return false;
        }
        true
    }

    /// Run the next statement (or loop condition); `None` at the end.
    pub fn step(&mut self, machine: &mut Machine) -> Option<StatementResult> {
        while !self.finished() {
            let code = &self.program.code;
            match &code[self.pc] {
                Instr::Jump(target) => {
                    let target = *target;
                    let (line, col) = code
                        .get(target)
                        .map(|i| match i {
                            Instr::JumpUnless { cond, .. } | Instr::Run(cond) => {
                                (cond.line, cond.col)
                            }
                            Instr::Jump(_) => (0, 0),
                        })
                        .unwrap_or((0, 0));
                    if !self.count(line, col) {
                        return None;
                    }
                    self.pc = target;
                }
                Instr::Run(s) => {
                    let s = s.clone();
                    if !self.count(s.line, s.col) {
                        return None;
                    }
                    self.pc += 1;
                    return Some(self.execute(machine, &s).0);
                }
                Instr::JumpUnless { cond, target } => {
                    let (s, target) = (cond.clone(), *target);
                    if !self.count(s.line, s.col) {
                        return None;
                    }
                    let (result, value) = self.execute(machine, &s);
                    // An aborted condition ends the loop.
                    let go_on = matches!(value, Some(Value::Int(v)) if v != 0);
                    self.pc = if go_on { self.pc + 1 } else { target };
                    return Some(result);
                }
            }
        }
        None
    }

    fn execute(
        &mut self,
        machine: &mut Machine,
        s: &Statement,
    ) -> (StatementResult, Option<Value>) {
        machine.set_line(Some(s.line));
        let first_step = machine.history().len();
        self.env.out.clear();
        let outcome = match &s.action {
            Action::Eval(e) => self.env.eval(machine, e).map(|v| (v, e.ty.clone())),
            Action::Declare(inits) => {
                let mut last = Ok((Value::Void, Ty::Void));
                for (slot, init) in inits {
                    let ty = self.program.slots[*slot].ty.clone();
                    match self.env.eval(machine, init) {
                        Ok(v) => {
                            let v = match v {
                                Value::Int(x) => Value::Int(ty.convert(x)),
                                other => other,
                            };
                            if let Some(var) = self.env.vars.get_mut(*slot) {
                                *var = v.clone();
                            }
                            last = Ok((v, ty));
                        }
                        Err(abort) => {
                            last = Err(abort);
                            break;
                        }
                    }
                }
                last
            }
        };
        machine.set_line(None);
        let mut result = StatementResult {
            line: s.line,
            col: s.col,
            text: s.text.clone(),
            value: None,
            last_error: machine.last_error(),
            exception: None,
            error: None,
            out: String::from_utf8_lossy(&self.env.out).into_owned(),
            steps: first_step..machine.history().len(),
        };
        let value = match outcome {
            Ok((v, ty)) => {
                if let Value::Int(x) = v {
                    result.value = Some(if ty.is_signed() {
                        i128::from(x as i64)
                    } else {
                        i128::from(x)
                    });
                }
                Some(v)
            }
            Err(Abort::Exception(e)) => {
                result.exception = Some(e);
                None
            }
            Err(Abort::Error(e)) => {
                result.error = Some(e);
                None
            }
        };
        (result, value)
    }
}

/// Run `program` to the end (or the statement limit) on `machine`.
pub fn run(program: &Program, machine: &mut Machine) -> Vec<StatementResult> {
    let mut runner = Runner::new(program.clone());
    let mut results = Vec::new();
    while let Some(r) = runner.step(machine) {
        results.push(r);
    }
    results
}
