//! `pagelab run`: run a script like a C program (DESIGN §6).

use std::process::ExitCode;

/// `pagelab run FILE [--json [--steps]]` (DESIGN §6): run a script like a C program.
///
/// What `printf` prints goes to standard output and each exception is reported on
/// standard error. With `--json`, one JSON object per executed statement goes to
/// standard output instead (`line`, `text`, `value`, `last_error`, `exception`, `out`,
/// and `steps` with `--steps`). Exit status: 0 when the script ran (exceptions
/// included); 2 when it does not parse, the file cannot be read or the options are bad;
/// 1 when writing the output fails.
pub(crate) fn cmd_run(args: &[String]) -> ExitCode {
    use pagelab::script;
    use pagelab::sim::{Machine, Recording};
    use std::io::Write;

    let options = match RunOptions::parse(args) {
        Ok(options) => options,
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
    let mut machine = Machine::with_recording(script::machine_config(&program), recording);
    let mut runner = script::Runner::new(program);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut written = Ok(());
    while let Some(result) = runner.step(&mut machine) {
        let mut report = Vec::new();
        if let Some(e) = &result.error {
            report.push(format!(
                "line {}: error: {}; statement skipped",
                e.line, e.message
            ));
        }
        written = if options.json {
            let steps = machine.history().steps().get(result.steps.clone());
            run_json_row(&mut out, &result, steps.filter(|_| options.steps))
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
    if let Some(e) = runner.stopped() {
        eprintln!("line {}: {}", e.line, e.message);
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

const RUN_USAGE: &str = "usage: pagelab run FILE [--json [--steps]]";

/// The options of `pagelab run`.
struct RunOptions {
    file: String,
    json: bool,
    steps: bool,
}

impl RunOptions {
    fn parse(args: &[String]) -> Result<RunOptions, String> {
        let mut file = None;
        let (mut json, mut steps) = (false, false);
        for arg in args {
            match arg.as_str() {
                "--json" => json = true,
                "--steps" => steps = true,
                a if a.starts_with("--") => return Err(format!("unknown option '{a}'")),
                a if file.is_none() => file = Some(a.to_string()),
                a => return Err(format!("one script at a time (also got '{a}')")),
            }
        }
        if steps && !json {
            return Err("--steps needs --json".to_string());
        }
        let file = file.ok_or("which script? name a FILE")?;
        Ok(RunOptions { file, json, steps })
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
        out: &'a str,
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
        out: &result.out,
        steps,
    };
    serde_json::to_writer(&mut *out, &row)?;
    out.write_all(b"\n")
}
