//! Running a checked program on a [`Machine`], statement by statement. In a script
//! without `__try`, each statement runs as if inside `__try/__except` (DESIGN §5): an
//! exception aborts it, is reported in its result, and the program goes on. A script
//! with `__try` blocks runs as Windows would: an exception no filter takes ends it.

use std::collections::VecDeque;
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
    /// True on a row that is not a run of the statement but a part of one, so that
    /// every recorded step is in exactly one row, in order: the statement's steps until
    /// it called one of the script's functions (their rows follow), or until an exception
    /// it raised went to a `__try` block's filter (see `raised`). The statement's own
    /// row comes later, with the steps after the last part. Not counted as executed.
    pub partial: bool,
    /// On a part (`partial`) that ends with an exception passed to a `__try` block's
    /// filter: the exception. The rows of the filter's statements follow, then the
    /// statement's own row (the retry's steps, or none when a handler took over).
    pub raised: Option<ExceptionRecord>,
    /// True on a row of the system's own steps in a run of several processes: a process
    /// created, a context switch, a process's exit. It belongs to no statement (`line`
    /// and `col` are 0, `text` says what happened, `process` is the process concerned)
    /// and is not counted as executed.
    pub system: bool,
    /// A runtime error that aborted it (e.g. a division by zero), if any.
    pub error: Option<ScriptError>,
    /// What it printed (bytes that are not UTF-8 become U+FFFD).
    pub out: String,
    /// The name of the process that ran it (`main` unless the script names it).
    pub process: String,
    /// The indices of its steps in the machine's history. Steps of the statements of
    /// the functions it called are theirs: its own range starts after the last of them,
    /// and its steps before a call are a `partial` row of their own.
    pub steps: Range<usize>,
}

impl StatementResult {
    /// True when the row is a run of its statement: neither a part of one (`partial`)
    /// nor the system's own steps (`system`). Counts of statements count these.
    pub fn is_run(&self) -> bool {
        !self.partial && !self.system
    }
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
///
/// A script with several processes (DESIGN §9) runs them one at a time, in the order
/// written, each with its own globals and limits: at a waiting call (`_getch`, `Sleep`,
/// `MessageBox`, …) the next process that has not ended runs, after a context switch of
/// its own. A process that ends gives its memory back before the next one runs. Output
/// lines of such a run start with `[name] `.
#[derive(Clone, Debug)]
pub struct Runner {
    procs: Vec<Proc>,
    current: usize,
    /// False until the other processes have been created on the machine.
    started: bool,
    /// True when the last output of the run ended a line (or nothing was printed).
    at_line_start: bool,
    /// The process that printed last.
    last_printer: usize,
    /// Rows of the system's own steps (processes created, switched, ended), handed out
    /// before the next statement runs.
    system_rows: VecDeque<StatementResult>,
}

/// One process's run.
#[derive(Clone, Debug)]
struct Proc {
    env: Env,
    ending: Option<Ending>,
    stopped: Option<ScriptError>,
    /// True once the machine has been told that it ended.
    exited: bool,
}

impl Proc {
    fn new(program: Rc<Program>, limits: Limits) -> Proc {
        Proc {
            env: Env::new(program, limits),
            ending: None,
            stopped: None,
            exited: false,
        }
    }

    fn finished(&self) -> bool {
        self.env.results.is_empty() && (self.ending.is_some() || self.env.at_end())
    }

    /// Run the next statement (or condition); `None` at the end.
    fn step(&mut self, machine: &mut Machine) -> Option<StatementResult> {
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

impl Runner {
    /// A runner at the first statement of `program`, with the default limits.
    pub fn new(program: Program) -> Runner {
        Runner::with_limits(program, Limits::DEFAULT)
    }

    /// A runner with `limits` instead of the default ones (each process has its own).
    pub fn with_limits(mut program: Program, limits: Limits) -> Runner {
        let others = std::mem::take(&mut program.others);
        let mut procs = vec![Proc::new(Rc::new(program), limits)];
        for p in others {
            procs.push(Proc::new(Rc::new(p), limits));
        }
        Runner {
            procs,
            current: 0,
            started: false,
            at_line_start: true,
            last_printer: 0,
            system_rows: VecDeque::new(),
        }
    }

    /// The same runner with at most `limit` statements per process (runaway loops stop there).
    pub fn with_limit(mut self, limit: u64) -> Runner {
        for p in &mut self.procs {
            p.env.limits.statements = limit;
        }
        self
    }

    /// The program being run (the first process's).
    pub fn program(&self) -> &Program {
        &self.procs[0].env.program
    }

    /// The limits of this run.
    pub fn limits(&self) -> &Limits {
        &self.procs[0].env.limits
    }

    /// Statements executed so far: the results handed out, and those still queued,
    /// except the `partial` ones.
    pub fn executed(&self) -> u64 {
        let mut n = 0;
        for p in &self.procs {
            n += p.env.executed;
        }
        n
    }

    /// True when nothing is left to run (the end, `exit`, an unhandled exception, or a
    /// limit) in any process.
    pub fn finished(&self) -> bool {
        self.procs.iter().all(Proc::finished)
    }

    /// How the run ended, once it has: the first process's ending that is not a plain
    /// finish, or a finish.
    pub fn ending(&self) -> Option<&Ending> {
        let mut first = None;
        for p in &self.procs {
            let e = p.ending.as_ref()?;
            if first.is_none() && *e != Ending::Finished {
                first = Some(e);
            }
        }
        first.or(self.procs[0].ending.as_ref())
    }

    /// Why the run stopped before the end: a limit, or an exception no handler took.
    pub fn stopped(&self) -> Option<&ScriptError> {
        self.procs.iter().find_map(|p| p.stopped.as_ref())
    }

    /// Run the next statement (or condition); `None` at the end. In a run of several
    /// processes, the system's own steps come as rows of their own (`system`).
    pub fn step(&mut self, machine: &mut Machine) -> Option<StatementResult> {
        let base = super::exec::stack_address();
        for p in &mut self.procs {
            p.env.stack_base = base;
        }
        if !self.started {
            self.started = true;
            self.start(machine);
        }
        loop {
            if let Some(r) = self.system_rows.pop_front() {
                return Some(r);
            }
            let proc = &mut self.procs[self.current];
            if let Some(mut r) = proc.step(machine) {
                let waits = proc.env.results.is_empty() && std::mem::take(&mut proc.env.waiting);
                self.label(&mut r);
                if waits {
                    self.switch(machine, true);
                }
                return Some(r);
            }
            if self.procs.len() == 1 {
                return None;
            }
            self.exit(machine);
            if !self.switch(machine, false) {
                return self.system_rows.pop_front();
            }
        }
    }

    /// Queue a row for the system's steps since step `from`: `text` about `process`.
    fn system_row(&mut self, machine: &Machine, from: usize, process: usize, text: String) {
        self.system_rows.push_back(StatementResult {
            line: 0,
            col: 0,
            text,
            value: None,
            last_error: machine.last_error(),
            exception: None,
            partial: false,
            raised: None,
            system: true,
            error: None,
            out: String::new(),
            process: self.procs[process].env.program.name().to_string(),
            steps: from..machine.history().len(),
        });
    }

    /// Create the script's other processes on the machine (the first is the machine's).
    fn start(&mut self, machine: &mut Machine) {
        for f in self.procs[0].env.program.files() {
            machine.put_file(&f.name, &f.bytes);
        }
        if self.procs.len() == 1 {
            return;
        }
        for i in 1..self.procs.len() {
            let from = machine.history().len();
            let name = self.procs[i].env.program.name().to_string();
            machine.create_process(&name);
            self.system_row(machine, from, i, format!("process {name} is created"));
        }
    }

    /// Tell the machine that the running process ended (once).
    fn exit(&mut self, machine: &mut Machine) {
        let proc = &mut self.procs[self.current];
        if proc.exited {
            return;
        }
        proc.exited = true;
        let code = match &proc.ending {
            Some(Ending::Exited(code)) => *code,
            Some(Ending::Unhandled(record)) => record.code,
            _ => 0,
        };
        let from = machine.history().len();
        machine.exit_process(code);
        let name = proc.env.program.name();
        let text = format!("process {name} exits with code {code}");
        self.system_row(machine, from, self.current, text);
    }

    /// Switch to the next process that has not ended, round-robin; false when there is
    /// none (other than the running one, which then goes on when it `waits`).
    fn switch(&mut self, machine: &mut Machine, waits: bool) -> bool {
        let n = self.procs.len();
        let mut next = None;
        for k in 1..=n {
            let i = (self.current + k) % n;
            if !self.procs[i].finished() || !self.procs[i].exited {
                next = Some(i);
                break;
            }
        }
        let Some(next) = next.filter(|&i| i != self.current) else {
            return waits && !self.procs[self.current].finished();
        };
        if waits {
            machine.wait();
        }
        let from = machine.history().len();
        machine.switch_to(next);
        self.current = next;
        let name = self.procs[next].env.program.name();
        let text = format!("context switch to {name}");
        self.system_row(machine, from, next, text);
        true
    }

    /// Name the process of result `r` and, in a run of several, prefix its output lines.
    fn label(&mut self, r: &mut StatementResult) {
        r.process = self.procs[self.current].env.program.name().to_string();
        if self.procs.len() == 1 || r.out.is_empty() {
            return;
        }
        let mut out = String::new();
        if !self.at_line_start && self.last_printer != self.current {
            out.push('\n');
            self.at_line_start = true;
        }
        for piece in r.out.split_inclusive('\n') {
            if self.at_line_start {
                out.push('[');
                out.push_str(&r.process);
                out.push_str("] ");
            }
            out.push_str(piece);
            self.at_line_start = piece.ends_with('\n');
        }
        self.last_printer = self.current;
        r.out = out;
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
