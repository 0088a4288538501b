//! Running a whole script for the page: parse it, build the machine its `#pragma pagelab`
//! asks for, run every statement with recording on, and keep what it printed (and the
//! exceptions it raised) with the player position where each line appears.
//!
//! Nothing here knows about JavaScript; the results are written as JSON text ([`Json`])
//! for the façade in `mod.rs` to hand over.

use wasm_bindgen::{JsError, JsValue};

use super::json::Json;

use crate::script::{self, Program, Runner, ScriptError, StatementResult};
use crate::sim::{ExceptionRecord, Machine, Recording};

/// Longest script the page runs, in bytes (the same bound the URL state has).
pub const MAX_SCRIPT_BYTES: usize = 256 * 1024;

/// Most steps one run records: past this the run stops, so a runaway script cannot
/// exhaust the tab's memory. It is the runner's step limit, the same on the command line.
pub const MAX_STEPS: usize = crate::script::Limits::DEFAULT.steps;

/// Most bytes of transcript kept; a chatty loop's output is cut with a note past this.
const MAX_TRANSCRIPT_BYTES: usize = 64 * 1024;

/// A script error as JavaScript receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorView {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
    /// What is wrong, in plain words.
    pub message: String,
}

impl ErrorView {
    /// `{line, col, message}`.
    pub fn json(&self, j: &mut Json) {
        j.open().key("line").uint(self.line.into());
        j.key("col").uint(self.col.into());
        j.key("message").str(&self.message).close();
    }
}

impl From<&ScriptError> for ErrorView {
    fn from(e: &ScriptError) -> Self {
        ErrorView {
            line: e.line,
            col: e.col,
            message: e.message.clone(),
        }
    }
}

/// One entry of the program's transcript: printed text, an exception or a runtime error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranscriptEntry {
    /// The first player position at which this entry has happened.
    pub cursor: usize,
    /// `out` (printed), `exception` or `error`.
    pub kind: &'static str,
    /// The script line of the statement.
    pub line: u32,
    /// The text to show.
    pub text: String,
}

impl TranscriptEntry {
    /// `[{cursor, kind, line, text}]` of `entries`.
    pub fn list_json(entries: &[TranscriptEntry], j: &mut Json) {
        j.open_list();
        for e in entries {
            j.open().key("cursor").count(e.cursor);
            j.key("kind").str(e.kind);
            j.key("line").uint(e.line.into());
            j.key("text").str(&e.text).close();
        }
        j.close_list();
    }
}

/// What running a script did.
#[derive(Clone, Debug, Default)]
pub struct RunReport {
    /// Steps recorded.
    pub steps: usize,
    /// Statements (and loop conditions) executed.
    pub statements: usize,
    /// What it printed and raised, in order.
    pub output: Vec<TranscriptEntry>,
    /// Parse errors (the run did not happen), sorted by position.
    pub errors: Vec<ErrorView>,
    /// Why the run stopped early (statement or step limit), if it did.
    pub stopped: Option<ErrorView>,
    /// The last statement executed, for a one-line status.
    pub last: Option<LastStatement>,
}

/// The last statement a run executed: what it was and what it gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastStatement {
    /// 1-based line.
    pub line: u32,
    /// Its source text.
    pub text: String,
    /// Its value (see `StatementResult::value`), when it has one that fits 64 bits.
    pub value: Option<i64>,
    /// `GetLastError()` after it.
    pub last_error: u32,
}

impl RunReport {
    /// `{steps, statements, output, errors, stopped, last}` as a JS value.
    pub fn json(&self) -> Result<JsValue, JsError> {
        let mut j = Json::default();
        j.open().key("steps").count(self.steps);
        j.key("statements").count(self.statements);
        j.key("output");
        TranscriptEntry::list_json(&self.output, &mut j);
        j.key("errors").open_list();
        for e in &self.errors {
            e.json(&mut j);
        }
        j.close_list().key("stopped");
        match &self.stopped {
            Some(e) => e.json(&mut j),
            None => {
                j.null();
            }
        }
        j.key("last");
        match &self.last {
            Some(l) => {
                j.open().key("line").uint(l.line.into());
                j.key("text").str(&l.text);
                j.key("value");
                match l.value {
                    Some(v) => j.int(v),
                    None => j.null(),
                };
                j.key("last_error").uint(l.last_error.into()).close();
            }
            None => {
                j.null();
            }
        }
        j.close().finish()
    }
}

/// A successful run: the machine with its history, and the report.
pub struct Session {
    /// The machine after the run, with every step recorded.
    pub machine: Machine,
    /// The report JavaScript receives.
    pub report: RunReport,
}

/// Parse and run `text` to its end on this thread. `Err` holds the parse errors (nothing ran).
pub fn run_script(text: &str) -> Result<Session, Vec<ErrorView>> {
    let mut run = ScriptRun::start(text, false)?;
    while !run.advance(usize::MAX) {}
    Ok(run.finish())
}

/// Parse `text` as the page runs it (at most [`MAX_SCRIPT_BYTES`]). `Err` holds the
/// errors, sorted by position.
pub fn parse(text: &str) -> Result<Program, Vec<ErrorView>> {
    if text.len() > MAX_SCRIPT_BYTES {
        return Err(vec![ErrorView {
            line: 1,
            col: 1,
            message: format!(
                "the script is {} KB; PageLab runs scripts up to {} KB",
                text.len().div_ceil(1024),
                MAX_SCRIPT_BYTES / 1024
            ),
        }]);
    }
    script::parse(text).map_err(|errors| errors.iter().map(ErrorView::from).collect())
}

/// A script being run a slice at a time, so that the caller (the page's worker) can hand
/// out what it did so far before it goes on.
pub struct ScriptRun {
    machine: Machine,
    runner: Runner,
    report: RunReport,
    transcript_bytes: usize,
    ended: bool,
}

impl ScriptRun {
    /// Parse `text` and build the machine its `#pragma pagelab` asks for; nothing runs
    /// yet. `for_replay`: the machine records steps without pictures and keeps a journal
    /// of its calls, which another machine replays to record the pictures
    /// (`crate::sim::journal`); otherwise it records the pictures itself. `Err` holds the
    /// parse errors.
    pub fn start(text: &str, for_replay: bool) -> Result<ScriptRun, Vec<ErrorView>> {
        let program = parse(text)?;
        let mode = if for_replay {
            Recording::Steps
        } else {
            Recording::Pictures
        };
        let mut machine = Machine::with_recording(script::machine_config(&program), mode);
        if for_replay {
            machine.start_journal();
        }
        script::prepare(&program, &mut machine);
        Ok(ScriptRun {
            machine,
            runner: Runner::new(program),
            report: RunReport::default(),
            transcript_bytes: 0,
            ended: false,
        })
    }

    /// Run statements until at least `steps` more steps are recorded or the run ends
    /// (its end, or a limit); true once it has ended.
    pub fn advance(&mut self, steps: usize) -> bool {
        let until = self.machine.history().len().saturating_add(steps);
        while !self.ended && self.machine.history().len() < until {
            match self.runner.step(&mut self.machine) {
                Some(result) => self.record(&result),
                None => self.ended = true,
            }
        }
        if self.ended {
            if let Some(e) = self.runner.stopped() {
                self.report.stopped = Some(ErrorView::from(e));
            }
        }
        self.report.steps = self.machine.history().len();
        self.ended
    }

    /// The machine, with the steps recorded so far.
    pub fn machine_mut(&mut self) -> &mut Machine {
        &mut self.machine
    }

    /// What the run has done so far.
    pub fn report(&self) -> &RunReport {
        &self.report
    }

    /// The machine and the report.
    pub fn finish(self) -> Session {
        Session {
            machine: self.machine,
            report: self.report,
        }
    }

    /// Take in what one statement did: its transcript entries, and the step limit.
    fn record(&mut self, result: &StatementResult) {
        let report = &mut self.report;
        // A part of a statement (before a call or a filter) is not a run of it, nor are
        // the system's steps (a process created, switched to, ended).
        if result.is_run() {
            report.statements += 1;
            report.last = Some(LastStatement {
                line: result.line,
                text: result.text.clone(),
                value: result.value.and_then(|v| i64::try_from(v).ok()),
                last_error: result.last_error,
            });
        }
        let cursor = result.steps.end;
        let mut entries = Vec::new();
        if !result.out.is_empty() {
            entries.push(("out", result.out.clone()));
        }
        if let Some(x) = &result.exception {
            entries.push(("exception", exception_text(result.line, x)));
        }
        if let Some(e) = &result.error {
            entries.push((
                "error",
                format!("line {}: {}; statement skipped", result.line, e.message),
            ));
        }
        for (kind, text) in entries {
            if self.transcript_bytes > MAX_TRANSCRIPT_BYTES {
                break;
            }
            self.transcript_bytes += text.len();
            let text = if self.transcript_bytes > MAX_TRANSCRIPT_BYTES {
                format!("{text}\n… (output cut here: more than 64 KB)\n")
            } else {
                text
            };
            report.output.push(TranscriptEntry {
                cursor,
                kind,
                line: result.line,
                text,
            });
        }
        if self.machine.history().len() >= MAX_STEPS {
            report.stopped = Some(ErrorView {
                line: result.line,
                col: result.col,
                message: format!(
                    "stopped after {MAX_STEPS} steps: the script does too much to step through; make its loops shorter"
                ),
            });
            self.ended = true;
        }
    }
}

/// One line for an exception that aborted the statement on `line` (as `pagelab run`
/// reports it on standard error).
fn exception_text(line: u32, x: &ExceptionRecord) -> String {
    // ExceptionInformation[0]: 0 read, 1 write, 8 execute (reference §7).
    let verb = match x.info[0] {
        0 => "reading",
        1 => "writing",
        _ => "executing",
    };
    format!(
        "line {line}: exception {} (0x{:08X}) {verb} address {:#x}; statement skipped\n",
        x.name(),
        x.code,
        x.info[1]
    )
}
