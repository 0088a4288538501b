//! `pagelab trace`: replay a reference string through the textbook model (DESIGN §6).

use std::process::ExitCode;

/// `pagelab trace --policy P --frames N [--per-access] [--seed S]` (DESIGN §6): replay the
/// reference string on standard input through the textbook model and print the summary
/// `{"accesses":…,"hits":…,"misses":…}` on one line.
///
/// With `--per-access`, one line per access comes first: the page, `hit` or `miss`, and
/// `evict P` when a page had to go, e.g. `7 miss`, `3 miss evict 7`, `3 hit`.
///
/// Exit status: 0 on success; 2 for bad options or a token that is not a page number
/// (named with its position on standard error; no summary is printed, though lines for
/// the accesses before it may already be out); 1 when reading or writing fails.
pub(crate) fn cmd_trace(args: &[String]) -> ExitCode {
    use pagelab::sim::trace::{self, PageReader};
    use std::cell::Cell;
    use std::io::Write;

    let options = match TraceOptions::parse(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{TRACE_USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("pagelab trace: {message}\n{TRACE_USAGE}");
            return ExitCode::from(2);
        }
    };
    let stdin = std::io::stdin();
    let mut reader = PageReader::new(stdin.lock());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());

    let simulated = if options.per_access {
        // Stop reading as soon as writing fails (e.g. `| head` closed the pipe).
        let stop = Cell::new(false);
        let mut write_error = None;
        let mut line = Vec::with_capacity(64);
        let pages = reader.by_ref().take_while(|_| !stop.get());
        let simulated = trace::simulate(
            options.policy,
            options.frames,
            options.seed,
            pages,
            |page, outcome| {
                line.clear();
                trace::write_access_line(&mut line, page, outcome);
                if let Err(e) = out.write_all(&line) {
                    write_error.get_or_insert(e);
                    stop.set(true);
                }
            },
        );
        if let Some(e) = write_error {
            return trace_write_failed(e);
        }
        simulated
    } else {
        trace::simulate(
            options.policy,
            options.frames,
            options.seed,
            reader.by_ref(),
            |_, _| {},
        )
    };
    if let Some(error) = reader.take_error() {
        let _ = out.flush();
        eprintln!("pagelab trace: {error}");
        return match error.kind {
            trace::InputErrorKind::Io(_) => ExitCode::FAILURE,
            _ => ExitCode::from(2),
        };
    }
    let summary = match simulated {
        Ok(summary) => summary,
        Err(error) => {
            let _ = out.flush();
            eprintln!("pagelab trace: {error}");
            return ExitCode::from(2);
        }
    };
    let written = writeln!(out, "{}", summary.to_json()).and_then(|()| out.flush());
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => trace_write_failed(e),
    }
}

/// The `pagelab trace` usage line.
const TRACE_USAGE: &str =
    "usage: pagelab trace --policy fifo|lru|opt|clock|random --frames N [--per-access] [--seed S] < reference-string";

/// Report a failed write of trace output. A closed pipe (the reader went away, as with
/// `| head`) is not worth a message.
fn trace_write_failed(error: std::io::Error) -> ExitCode {
    if error.kind() != std::io::ErrorKind::BrokenPipe {
        eprintln!("pagelab trace: cannot write the output: {error}");
    }
    ExitCode::FAILURE
}

/// The options of `pagelab trace`.
struct TraceOptions {
    policy: pagelab::sim::Policy,
    frames: u64,
    per_access: bool,
    seed: u64,
}

impl TraceOptions {
    /// Parse the arguments after `trace`; `Ok(None)` asks for help. Both `--frames 3` and
    /// `--frames=3` work; a repeated option keeps its last value.
    fn parse(args: &[String]) -> Result<Option<TraceOptions>, String> {
        use pagelab::sim::config::parse_number;
        use pagelab::sim::{trace, Config, Policy};

        let mut policy = None;
        let mut frames = None;
        let mut per_access = false;
        let mut seed = Config::default().seed;
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
                _ => (arg.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| rest.next().cloned())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match name {
                "-h" | "--help" => return Ok(None),
                "--per-access" if inline.is_none() => per_access = true,
                "--policy" => {
                    let text = value()?;
                    policy = Some(Policy::parse(&text).ok_or_else(|| {
                        format!("unknown policy '{text}'; use fifo, lru, opt, clock or random")
                    })?);
                }
                "--frames" => {
                    let text = value()?;
                    let n = parse_number(&text)
                        .ok_or_else(|| format!("--frames wants a whole number, not '{text}'"))?;
                    trace::check_frames(n).map_err(|e| e.to_string())?;
                    frames = Some(n);
                }
                "--seed" => {
                    let text = value()?;
                    seed = parse_number(&text)
                        .ok_or_else(|| format!("--seed wants a whole number, not '{text}'"))?;
                }
                _ => return Err(format!("unknown option '{arg}'")),
            }
        }
        Ok(Some(TraceOptions {
            policy: policy.ok_or("--policy is missing (fifo, lru, opt, clock or random)")?,
            frames: frames.ok_or("--frames is missing (how many pages fit in memory)")?,
            per_access,
            seed,
        }))
    }
}
