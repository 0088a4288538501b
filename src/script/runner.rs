//! Running a checked program on a [`Machine`], statement by statement. In a script
//! without `__try`, each statement runs as if inside `__try/__except` (DESIGN §5): an
//! exception aborts it, is reported in its result, and the program goes on. A script
//! with `__try` blocks runs as Windows would: an exception no filter takes ends it.

use std::ops::Range;
use std::rc::Rc;

use super::error::ScriptError;
use super::eval::{Abort, Env};
use super::limits::{LimitHit, Limits};
use super::Program;
use crate::sim::{ExceptionRecord, Machine};

/// Most statements one run executes ([`Limits::statements`] of [`Limits::DEFAULT`]).
pub const DEFAULT_STATEMENT_LIMIT: u64 = Limits::DEFAULT.statements;

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
    /// The exception that aborted it and that the script did not handle (reference §7);
    /// an exception a `__try` block's filter took is not reported here.
    pub exception: Option<ExceptionRecord>,
    /// A runtime error that aborted it (e.g. a division by zero), if any.
    pub error: Option<ScriptError>,
    /// What it printed (bytes that are not UTF-8 become U+FFFD).
    pub out: String,
    /// The indices of its steps in the machine's history. Steps of the statements of
    /// the functions it called are theirs: its own range starts after the last of them.
    pub steps: Range<usize>,
}

/// How a run ended (when it has).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The program ran to its end (or `return` in main).
    Finished,
    /// `exit(code)` or `ExitProcess(code)`.
    Exited(u32),
    /// An exception no handler took: the process ended, as on Windows.
    Unhandled(ExceptionRecord),
    /// A limit of [`Limits`] stopped it.
    Limit(LimitHit),
}

/// Runs a program one statement at a time, so a caller can interleave its own work.
/// A statement that calls the script's own functions runs theirs first: their results
/// come before its own.
#[derive(Clone, Debug)]
pub struct Runner {
    env: Env,
    ending: Option<Ending>,
    stopped: Option<ScriptError>,
}

impl Runner {
    /// A runner at the first statement of `program`, with the default limits.
    pub fn new(program: Program) -> Runner {
        Runner::with_limits(program, Limits::DEFAULT)
    }

    /// A runner with `limits` instead of the default ones.
    pub fn with_limits(program: Program, limits: Limits) -> Runner {
        Runner {
            env: Env::new(Rc::new(program), limits),
            ending: None,
            stopped: None,
        }
    }

    /// The same runner with at most `limit` statements (runaway loops stop there).
    pub fn with_limit(mut self, limit: u64) -> Runner {
        self.env.limits.statements = limit;
        self
    }

    /// The program being run.
    pub fn program(&self) -> &Program {
        &self.env.program
    }

    /// The limits of this run.
    pub fn limits(&self) -> &Limits {
        &self.env.limits
    }

    /// Statements executed so far: the results handed out, and those still queued.
    pub fn executed(&self) -> u64 {
        self.env.executed
    }

    /// True when nothing is left to run (the end, `exit`, an unhandled exception, or a limit).
    pub fn finished(&self) -> bool {
        self.env.results.is_empty() && (self.ending.is_some() || self.env.at_end())
    }

    /// How the run ended, once it has.
    pub fn ending(&self) -> Option<&Ending> {
        self.ending.as_ref()
    }

    /// Why the run stopped before the end: a limit, or an exception no handler took.
    pub fn stopped(&self) -> Option<&ScriptError> {
        self.stopped.as_ref()
    }

    /// Run the next statement (or condition); `None` at the end.
    pub fn step(&mut self, machine: &mut Machine) -> Option<StatementResult> {
        self.env.stack_base = super::exec::stack_address();
        loop {
            if let Some(r) = self.env.results.pop_front() {
                return Some(r);
            }
            if self.ending.is_some() {
                return None;
            }
            if self.env.at_end() {
                self.ending = Some(Ending::Finished);
                return None;
            }
            if let Err(abort) = self.env.exec(machine) {
                self.end(abort);
            }
        }
    }

    fn end(&mut self, abort: Abort) {
        let (line, col) = self.env.results.back().map_or((0, 0), |r| (r.line, r.col));
        let ending = match abort {
            Abort::Exit(code) => Ending::Exited(code),
            Abort::Unhandled(record) | Abort::Exception(record) | Abort::Unwind { record, .. } => {
                self.stopped = Some(ScriptError::new(
                    line,
                    col,
                    format!(
                        "no __except handler took {} (0x{:08X}): the process ends, as on Windows",
                        record.name(),
                        record.code
                    ),
                ));
                Ending::Unhandled(record)
            }
            Abort::Stop(hit) => {
                let (line, col) = self.env.stop_at;
                let retries = match self.env.retries {
                    0 => String::new(),
                    n => format!(" and {n} retried accesses"),
                };
                self.stopped = Some(ScriptError::new(
                    line,
                    col,
                    format!(
                        "stopped after {} statements{retries}: {}",
                        self.env.executed,
                        hit.reason(&self.env.limits)
                    ),
                ));
                Ending::Limit(hit)
            }
            Abort::Error(e) => {
                self.stopped = Some(e);
                Ending::Finished
            }
        };
        self.ending = Some(ending);
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
