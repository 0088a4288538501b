//! The C-subset script language (DESIGN §5): a tutorial's C code, run statement by
//! statement on a simulated [`Machine`](crate::sim::Machine).
//!
//! [`parse`] turns text into a [`Program`] (or every error it finds, each with line and
//! column); [`machine_config`] gives the machine its `#pragma pagelab` settings;
//! [`run`] or a [`Runner`] executes it. Nothing here touches files or the clock.
//!
//! Choices the C language leaves open, made here once:
//! - Integer literals and arithmetic are 64-bit and wrap, like `SIZE_T`. A store into a
//!   declared narrower variable (`int`, `DWORD`, `char`) or through a typed pointer
//!   (`*p`, `p[i]`) keeps the low bytes, as C does. `p + n` moves by the pointee's size
//!   (`void *` by bytes). Windows is LLP64: `int` and `long` are 32 bits.
//! - A variable exists from its declaration or first assignment on. `p = f(…);` creates
//!   `p` with the value's type; `&old` and `&mbi` out-parameters create theirs too.
//!   Declared but unassigned variables read as 0.
//! - A string literal has no simulated address. It may be `printf`'s format or a `%s`
//!   value, `memmove`/`memcpy`'s source or `write`'s data. Copying `n` bytes from a
//!   literal copies its bytes, then its NUL, then zeros for any bytes beyond.
//!   `write(addr, "bytes")` writes exactly the literal's bytes, without the NUL.
//! - `%s` reads simulated memory up to a NUL, at most 4096 bytes; NULL prints `(null)`.
//! - One `memmove`/`memcpy`/`memset`/`write` moves at most 16 MiB; `read` and
//!   `write(addr, value, n)` move 1 to 8 bytes. Beyond that, and for a division by zero,
//!   the statement stops with a runtime error and the script goes on.
//! - Control flow (`if`, `while`, `do`, `for`, `switch`), the script's own functions and
//!   `__try` blocks are flattened into jumps. Loop conditions, `switch` values and a
//!   pass of `for (;;)` are statements of their own. A run stops at the first of its
//!   [`Limits`] (statements, bytes touched, steps, call depth).
//! - Without `__try`, each statement runs as if inside its own handler; with `__try`,
//!   exceptions go to the filters and an unhandled one ends the run (see `exec`).
//! - Windows samples' spellings run as written: `EmptyWorkingSet(GetCurrentProcess())`
//!   (the handle is ignored; `GetCurrentProcess()` is the pseudo-handle -1), `_tprintf`
//!   and `wprintf` (printf), `TEXT("…")`, `_T("…")` and `L"…"` (the plain string),
//!   `ZeroMemory`, `FillMemory`, `CopyMemory` and `MoveMemory`.
//! - Values of statements: what a call returns (`printf` the bytes printed, `memmove`
//!   and `memset` the destination, `PageOut`, `EmptyWorkingSet` and `WriteModifiedPages`
//!   the pages they trimmed or wrote), or what an assignment or declaration stored.

mod ast;
mod builtins;
mod calls;
mod check;
mod error;
mod eval;
mod exec;
mod lexer;
mod limits;
mod parser;
mod printf;
mod processes;
mod records;
mod runner;
mod suggest;
mod types;

pub use builtins::{Builtin, Signature, SIGNATURES};
pub use error::{ScriptError, MAX_ERRORS};
pub use limits::{LimitHit, Limits};
pub use runner::{run, Ending, Runner, StatementResult, DEFAULT_STATEMENT_LIMIT};

use std::rc::Rc;

use crate::sim::{Config, Machine, Policy, Recording};
use ast::Instr;
use check::{Function, SlotInfo};
use error::Errors;
use lexer::PragmaItem;

/// A parsed and checked script, ready to run. Its code is shared, never changed: a clone
/// (each run takes one) copies no instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    code: Rc<[Instr]>,
    functions: Rc<[Function]>,
    slots: Rc<[SlotInfo]>,
    has_try: bool,
    config: Config,
    /// The name of the process that runs it (`main` unless the script names it).
    name: String,
    /// The programs of the script's other processes, in the order written (DESIGN §9).
    others: Vec<Program>,
    /// The files `#pragma pagelab file` puts on the disk, in order.
    files: Vec<lexer::file_pragma::FileItem>,
}

impl Program {
    /// The machine settings of its `#pragma pagelab` lines (defaults otherwise).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The files its `#pragma pagelab file` lines put on the disk.
    pub fn files(&self) -> &[lexer::file_pragma::FileItem] {
        &self.files
    }

    /// The name of the process that runs it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The programs of the script's other processes, in the order written.
    pub fn others(&self) -> &[Program] {
        &self.others
    }
}

/// Parse and check a script: one program, or one per `#pragma pagelab process NAME`
/// (DESIGN §9; see `processes`). On failure, every error found (at most
/// [`MAX_ERRORS`]), sorted by position.
pub fn parse(text: &str) -> Result<Program, Vec<ScriptError>> {
    let has_code = |t: &str| lexer::lex(t, &mut Errors::default()).tokens.len() > 1;
    let parts = match processes::split(text, has_code) {
        None => return parse_one(text, "main"),
        Some(parts) => parts?,
    };
    let mut errors = Errors::default();
    let mut programs = Vec::new();
    for part in parts {
        match parse_one(&part.text, &part.name) {
            Ok(program) => programs.push(program),
            Err(list) => {
                for e in list {
                    errors.at(e.line, e.col, e.message);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors.into_sorted());
    }
    let mut first = programs.remove(0);
    first.others = programs;
    Ok(first)
}

/// Parse and check the program of the process called `name`.
fn parse_one(text: &str, name: &str) -> Result<Program, Vec<ScriptError>> {
    let mut errors = Errors::default();
    let lexed = lexer::lex(text, &mut errors);
    let config = apply_pragmas(&lexed.pragmas, &mut errors);
    let stmts = parser::parse(&lexed.tokens, &mut errors);
    let mut checker = check::Checker::new(text, &mut errors);
    checker.program(stmts);
    let (code, slots, functions, has_try) = (
        std::mem::take(&mut checker.code),
        std::mem::take(&mut checker.slots),
        std::mem::take(&mut checker.functions),
        checker.has_try,
    );
    if !errors.is_empty() {
        return Err(errors.into_sorted());
    }
    Ok(Program {
        code: code.into(),
        functions: functions.into(),
        slots: slots.into(),
        has_try,
        config,
        name: name.to_string(),
        others: Vec::new(),
        files: lexed.files,
    })
}

/// The configuration a machine for `program` is built with (its `#pragma pagelab`).
pub fn machine_config(program: &Program) -> Config {
    program.config.clone()
}

/// A machine for `program` that records as `mode` says. Under `policy=opt` the script
/// first runs once with recording off, noting its page references, and the machine
/// consults them: OPT knows the future because a script is deterministic.
pub fn machine_for(program: &Program, mode: Recording) -> Machine {
    let mut machine = Machine::with_recording(machine_config(program), mode);
    prepare(program, &mut machine);
    machine
}

/// Make a fresh machine built with `program`'s settings ready to run it: under
/// `policy=opt`, it foresees the script's page references (see [`machine_for`]).
pub fn prepare(program: &Program, machine: &mut Machine) {
    if program.config.policy == Policy::Opt {
        let first = first_run(program);
        machine.foresee(first.references());
    }
}

/// The page reference string of `program`'s first process: the page number of every
/// page its reads, writes and fetches touched, in order, one per page touched (a TLB hit
/// counts; an access violation does not). This is what `pagelab trace` replays to
/// compare with the script's own page faults.
pub fn page_references(program: &Program) -> Vec<u64> {
    let first = first_run(program);
    let pid = first.processes()[0].id;
    first
        .references()
        .iter()
        .filter(|(p, _)| *p == pid)
        .map(|(_, v)| v.0)
        .collect()
}

/// `program` run to its end with recording off, noting its page references.
fn first_run(program: &Program) -> Machine {
    let mut config = machine_config(program);
    // The references do not depend on the policy; OPT would need them already.
    if config.policy == Policy::Opt {
        config.policy = Policy::Clock;
    }
    let mut machine = Machine::with_recording(config, Recording::Off);
    machine.record_references();
    let mut runner = Runner::new(program.clone());
    while runner.step(&mut machine).is_some() {}
    machine
}

/// Apply `#pragma pagelab key=value` settings in order; bad ones are script errors.
fn apply_pragmas(items: &[PragmaItem], errors: &mut Errors) -> Config {
    let mut config = Config::default();
    for item in items {
        if let Err(e) = config.set(&item.key, &item.value) {
            let unknown_key = e.message.starts_with("unknown setting");
            let col = if unknown_key {
                item.col
            } else {
                item.value_col
            };
            errors.at(item.line, col, format!("#pragma pagelab: {}", e.message));
        }
    }
    config
}
