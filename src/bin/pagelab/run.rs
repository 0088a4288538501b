//! `pagelab run`: run a script like a C program (DESIGN §6).

use std::process::ExitCode;

/// `pagelab run FILE [--json [--steps]] [--summary]` (DESIGN §6): run a script like a C
/// program. [`RUN_HELP`] says what it prints.
pub(crate) fn cmd_run(args: &[String]) -> ExitCode {
    use pagelab::script;
    use pagelab::sim::Recording;
    use std::io::Write;

    let options = match RunOptions::parse(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{RUN_HELP}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("pagelab run: {message}\n{RUN_USAGE}");
            return ExitCode::from(2);
        }
    };
    let bytes = match std::fs::read(&options.file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("pagelab run: cannot read '{}': {e}", options.file);
            return ExitCode::from(2);
        }
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, col) = run_position(&bytes, e.valid_up_to());
            eprintln!(
                "{}:{line}:{col}: the file is not UTF-8 text (byte 0x{:02X} here); save it as UTF-8",
                options.file,
                bytes.get(e.valid_up_to()).copied().unwrap_or(0)
            );
            return ExitCode::from(2);
        }
    };
    let program = match script::parse(text) {
        Ok(program) => program,
        Err(errors) => {
            for e in errors {
                eprintln!("{}:{e}", options.file);
            }
            return ExitCode::from(2);
        }
    };
    let recording = if options.steps {
        Recording::Steps
    } else {
        Recording::Off
    };
    let mut machine = script::machine_for(&program, recording);
    let mut runner = script::Runner::new(program);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut written = Ok(());
    let mut summary = Summary::default();
    let mut waiting = Vec::new();
    while let Some(result) = runner.step(&mut machine) {
        // A part of a statement (before a call or a filter) is not a run of it, nor are
        // the system's steps (a process created, switched to, ended).
        if result.is_run() {
            summary.after_statement(&machine);
        }
        let mut report = Vec::new();
        if let Some(e) = &result.error {
            report.push(format!(
                "line {}: error: {}; statement skipped",
                e.line, e.message
            ));
        }
        written = if options.json {
            waiting.push(result);
            json_rows(&mut out, &mut machine, &mut waiting, options.steps, false)
        } else {
            if let Some(x) = &result.exception {
                report.push(run_exception_text(result.line, x));
            }
            out.write_all(result.out.as_bytes())
        };
        if written.is_err() {
            break;
        }
        if !report.is_empty() {
            // Keep the two streams in order on a terminal.
            written = out.flush();
            for line in report {
                eprintln!("{line}");
            }
        }
        if written.is_err() {
            break;
        }
    }
    if written.is_ok() {
        written = json_rows(&mut out, &mut machine, &mut waiting, options.steps, true);
    }
    if let Some(e) = runner.stopped() {
        eprintln!("line {}: {}", e.line, e.message);
    }
    if options.summary && written.is_ok() {
        summary.disk = machine
            .system()
            .disk_at_exit()
            .files()
            .iter()
            .map(|f| {
                let shown = &f.bytes[..f.bytes.len().min(SHOWN_FILE_BYTES)];
                DiskFile {
                    name: f.name.clone(),
                    size: f.bytes.len(),
                    text: String::from_utf8_lossy(shown).into_owned(),
                    cut: shown.len() < f.bytes.len(),
                }
            })
            .collect();
        let counters = machine.picture().counters;
        written = summary.write(&mut out, &counters, options.json);
    }
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pagelab run: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

const RUN_USAGE: &str = "usage: pagelab run FILE [--json [--steps]] [--summary]";

/// What `pagelab run --help` prints.
const RUN_HELP: &str = "\
usage: pagelab run FILE [--json [--steps]] [--summary]

Runs the script FILE (a small subset of C: VirtualAlloc, memset, printf, ...) like a C
program on the simulated machine that its `#pragma pagelab` line describes.

What the program prints goes to standard output; each exception and each runtime error is
reported on standard error with its line.

  --json      one JSON object per executed statement instead: line, text, value,
              last_error, exception, out; a statement's steps before a call of the
              script's functions or before a __try filter runs are rows of their
              own, marked \"partial\" (and \"raised\" with the exception)
  --steps     with --json: each row also holds the statement's steps (events and narration)
  --summary   after the run, the counts: statements, page faults by kind, page-file reads
              and writes, TLB hits and misses with the hit rate, the disk's files and the
              peak commit charge (with --json, as one last object {\"summary\": {...}})
  -h, --help  this text

Exit status: 0 when the script ran (exceptions included); 2 when it does not parse, the
file cannot be read or the options are bad; 1 when writing the output fails.";

/// The options of `pagelab run`.
struct RunOptions {
    file: String,
    json: bool,
    steps: bool,
    summary: bool,
}

impl RunOptions {
    /// Parse the arguments after `run`; `Ok(None)` asks for help.
    fn parse(args: &[String]) -> Result<Option<RunOptions>, String> {
        let mut file = None;
        let (mut json, mut steps, mut summary) = (false, false, false);
        for arg in args {
            match arg.as_str() {
                "-h" | "--help" => return Ok(None),
                "--json" => json = true,
                "--steps" => steps = true,
                "--summary" => summary = true,
                a if a.starts_with("--") => return Err(format!("unknown option '{a}'")),
                a if file.is_none() => file = Some(a.to_string()),
                a => return Err(format!("one script at a time (also got '{a}')")),
            }
        }
        if steps && !json {
            return Err("--steps needs --json".to_string());
        }
        let file = file.ok_or("which script? name a FILE")?;
        Ok(Some(RunOptions {
            file,
            json,
            steps,
            summary,
        }))
    }
}

/// What `--summary` reports, gathered while the script runs.
#[derive(Default, serde::Serialize)]
struct Summary {
    /// Statements executed.
    statements: u64,
    /// The highest commit charge seen after any statement, in pages (reference §8.6).
    peak_commit_pages: u64,
    /// The commit limit, in pages.
    commit_limit_pages: u64,
    /// The disk's files once every process has ended (DESIGN §9), if it has any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    disk: Vec<DiskFile>,
}

/// Most bytes of a file the summary shows (a file may hold 16 MiB).
const SHOWN_FILE_BYTES: usize = 1024;

/// One file of the disk at the end of the run.
#[derive(serde::Serialize)]
struct DiskFile {
    name: String,
    size: usize,
    /// Its first bytes (at most [`SHOWN_FILE_BYTES`]) as text (bytes that are not UTF-8
    /// become U+FFFD).
    text: String,
    /// True when `text` shows only the first bytes.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cut: bool,
}

impl Summary {
    /// Note what one statement left behind.
    fn after_statement(&mut self, machine: &pagelab::sim::Machine) {
        self.statements += 1;
        self.peak_commit_pages = self.peak_commit_pages.max(machine.commit_charge());
        self.commit_limit_pages = machine.commit_limit();
    }

    /// Write the summary: readable lines, or one `{"summary": …}` JSON row.
    fn write(
        &self,
        out: &mut impl std::io::Write,
        c: &pagelab::sim::picture::Counters,
        json: bool,
    ) -> std::io::Result<()> {
        let lookups = c.tlb_hits + c.tlb_misses;
        // Whole per-mille, so the figure is the same on every machine.
        let hit_rate = (lookups > 0).then(|| (c.tlb_hits * 1000 / lookups) as f64 / 10.0);
        if json {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                summary: Full<'a>,
            }
            #[derive(serde::Serialize)]
            struct Full<'a> {
                #[serde(flatten)]
                run: &'a Summary,
                #[serde(flatten)]
                counters: &'a pagelab::sim::picture::Counters,
                tlb_hit_rate_percent: Option<f64>,
            }
            let row = Row {
                summary: Full {
                    run: self,
                    counters: c,
                    tlb_hit_rate_percent: hit_rate,
                },
            };
            serde_json::to_writer(&mut *out, &row)?;
            return out.write_all(b"\n");
        }
        let faults = c.demand_zero + c.transition + c.hard;
        let rate = hit_rate.map_or("no lookups".to_string(), |r| format!("{r:.1}% hits"));
        writeln!(out, "\n--- summary ---")?;
        writeln!(out, "statements executed: {}", self.statements)?;
        writeln!(
            out,
            "page faults: {faults} ({} demand-zero, {} soft from standby/modified, {} hard from the page file or a mapped file)",
            c.demand_zero, c.transition, c.hard
        )?;
        writeln!(
            out,
            "exceptions: {} access violations, {} guard-page violations",
            c.access_violation, c.guard
        )?;
        writeln!(
            out,
            "page file: {} pages read, {} pages written",
            c.pagefile_reads, c.pagefile_writes
        )?;
        writeln!(
            out,
            "TLB: {} hits, {} misses ({rate})",
            c.tlb_hits, c.tlb_misses
        )?;
        for f in &self.disk {
            let cut = if f.cut { " (the first 1024 bytes)" } else { "" };
            writeln!(
                out,
                "disk file {}: {} bytes: {:?}{cut}",
                f.name, f.size, f.text
            )?;
        }
        writeln!(
            out,
            "peak commit charge: {} of {} pages",
            self.peak_commit_pages, self.commit_limit_pages
        )
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn run_position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (before.iter().filter(|&&b| b == b'\n').count() + 1, col)
}

/// The standard-error line for an exception that aborted the statement on `line`.
fn run_exception_text(line: u32, x: &pagelab::sim::ExceptionRecord) -> String {
    let verb = match x.info[0] {
        0 => "reading",
        1 => "writing",
        _ => "executing",
    };
    format!(
        "line {line}: exception {} (0x{:08X}) {verb} address {:#x}; statement skipped",
        x.name(),
        x.code,
        x.info[1]
    )
}

/// One `--json` row with exactly the fields of DESIGN §6.
/// Print the `--json` rows of `waiting` whose steps are final, in order (all of them at
/// the end of the run, `all`), with their steps when `steps`, and forget those steps, so
/// a long run streams in bounded memory (a loop of memsets held 2.6 GB of steps before).
/// The last step recorded may still grow (later accesses join it, docs/steps.md): its
/// row waits, with the rows after it, until a later step begins, so no row is printed
/// before its steps are.
fn json_rows(
    out: &mut impl std::io::Write,
    machine: &mut pagelab::sim::Machine,
    waiting: &mut Vec<pagelab::script::StatementResult>,
    steps: bool,
    all: bool,
) -> std::io::Result<()> {
    let len = machine.history().len();
    let ready = match waiting
        .iter()
        .position(|r| !all && r.steps.end == len && !r.steps.is_empty())
    {
        Some(n) => n,
        None => waiting.len(),
    };
    for result in waiting.drain(..ready) {
        let first = machine.history().first_held();
        let held = result.steps.start.saturating_sub(first)..result.steps.end.saturating_sub(first);
        let held = machine.history().steps().get(held);
        run_json_row(out, &result, held.filter(|_| steps))?;
        machine.forget_steps_before(result.steps.end);
    }
    Ok(())
}

fn run_json_row(
    out: &mut impl std::io::Write,
    result: &pagelab::script::StatementResult,
    steps: Option<&[pagelab::sim::Step]>,
) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct Exception<'a> {
        code: u32,
        name: &'a str,
        info: [u64; 2],
    }
    #[derive(serde::Serialize)]
    struct Row<'a> {
        line: u32,
        text: &'a str,
        value: Option<i128>,
        last_error: u32,
        exception: Option<Exception<'a>>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        partial: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        raised: Option<Exception<'a>>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        system: bool,
        out: &'a str,
        process: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        steps: Option<&'a [pagelab::sim::Step]>,
    }
    let row = Row {
        line: result.line,
        text: &result.text,
        value: result.value,
        last_error: result.last_error,
        exception: result.exception.as_ref().map(|x| Exception {
            code: x.code,
            name: x.name(),
            info: x.info,
        }),
        partial: result.partial,
        raised: result.raised.as_ref().map(|x| Exception {
            code: x.code,
            name: x.name(),
            info: x.info,
        }),
        system: result.system,
        out: &result.out,
        process: &result.process,
        steps,
    };
    serde_json::to_writer(&mut *out, &row)?;
    out.write_all(b"\n")
}
