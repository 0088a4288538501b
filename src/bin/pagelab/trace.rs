//! `pagelab trace`: replay a reference string through the textbook model (DESIGN §6).

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use pagelab::sim::trace::{self, Format, InputError, InputErrorKind, TraceReader};
use pagelab::sim::Policy;

/// `pagelab trace --help`.
const TRACE_HELP: &str = "\
usage: pagelab trace [FILE] --policy P --frames N [--per-access] [options]
       pagelab trace [FILE] --compare P,P,… --frames A..B [--curve] [--json] [options]
       pagelab trace [FILE] --policy P --frames A..B --curve [--json] [options]

Replays a reference string (FILE, or standard input when FILE is absent or -) through the
textbook model: FRAMES pages fit in memory, a hit finds its page resident, a miss (a page
fault, cold misses included) loads it and, with memory full, evicts the policy's victim.
Prints {\"accesses\",\"hits\",\"misses\"} on one line.

Policies: fifo (earliest loaded goes), lru (least recently used goes), clock (second chance:
use bit set on load and hit, the hand clears set bits until a clear one), opt (next use
farthest away goes; among pages never used again, the latest loaded), random (seeded by
--seed).

Options:
  --policy P          one policy
  --frames N          frames of memory; with --compare or --curve also A..B or a list 1,2,4
  --per-access        first print one line per access: PAGE hit | PAGE miss [evict VICTIM]
  --compare P,P,…     faults of several policies at every frame count, as a table
  --curve             faults per frame count as bars, one block per policy
  --json              --compare / --curve as one JSON object
  --seed S            seed of random (default 1)
  --format F          pages: page numbers (decimal or 0x hexadecimal), separated by spaces,
                        commas or new lines
                      addresses: hexadecimal byte addresses (0x optional); page = address
                        / page size
                      lackey: valgrind --tool=lackey --trace-mem=yes output; lines
                        'I  ADDR,SIZE', ' L', ' S', ' M' are one access each, '==PID=='
                        lines are skipped; an access whose bytes span two pages touches
                        both (one reference per page, in address order)
                      Without --format the first line decides: Lackey lines mean lackey;
                      a first token in hexadecimal (0x or a letter a-f) of at least the
                      page size means addresses; anything else means pages.
  --page-size BYTES   page size for addresses and lackey, a power of two (default 4096)

A malformed token or line stops the run with its line number (exit status 2); nothing is
skipped silently.

Memory: fifo, lru, clock and random stream the input in memory that grows with the frames,
not with the input. OPT needs the future: from a FILE it reads the input twice, in blocks
of 1,048,576 accesses (about 28 MiB), plus 16 bytes per distinct page of each block and,
while the two readings are merged, about 40 bytes per distinct page of the whole file: it
grows with the pages a trace touches, not with its length. From standard input, OPT first
copies the input to a temporary file (in TMPDIR; removed when done), which takes disk space
equal to the input, and then reads that file twice, within the same memory bound.
--compare and --curve read once (twice with opt) and run every policy and frame count side
by side.";

/// The input, open.
type OpenReader = TraceReader<trace::Sniffed<Box<dyn Read>>>;

/// How a run reports.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Single { per_access: bool },
    Table,
    Curve,
}

/// The options of `pagelab trace`.
struct TraceOptions {
    file: Option<String>,
    policies: Vec<Policy>,
    frames: Vec<u64>,
    mode: Mode,
    json: bool,
    seed: u64,
    format: Option<Format>,
    page_shift: u32,
    /// Standard input copied to a temporary file, for OPT to read twice.
    spool: Option<Spool>,
}

/// A temporary copy of standard input: OPT reads it twice in bounded memory instead of
/// holding the whole string. Where the system allows it, the file is unlinked as soon as
/// it is created (the open handle keeps it); otherwise it is removed when dropped.
struct Spool {
    file: File,
    /// The path, while it still names the file.
    path: Option<PathBuf>,
}

impl Spool {
    /// Copy all of standard input into a new temporary file.
    fn from_stdin() -> Result<Spool, InputError> {
        let (mut file, path) = create_temporary().map_err(|e| spool_failed(&e))?;
        // Unlinking an open file works on Unix; elsewhere the file goes on drop.
        let path = std::fs::remove_file(&path).err().map(|_| path);
        let spool = Spool {
            file: file.try_clone().map_err(|e| spool_failed(&e))?,
            path,
        };
        std::io::copy(&mut std::io::stdin().lock(), &mut file).map_err(|e| spool_failed(&e))?;
        Ok(spool)
    }

    /// The copy from its start, as a new handle.
    fn reopen(&self) -> Result<File, InputError> {
        let mut file = self.file.try_clone().map_err(|e| spool_failed(&e))?;
        file.seek(SeekFrom::Start(0))
            .map_err(|e| spool_failed(&e))?;
        Ok(file)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A new file in the temporary directory that nobody else can have opened (created, not
/// reused; readable by its owner only where permissions exist).
fn create_temporary() -> std::io::Result<(File, PathBuf)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut attempt = 0u32;
    loop {
        let name = format!("pagelab-trace-{}-{nanos}-{attempt}", std::process::id());
        let path = std::env::temp_dir().join(name);
        match options.open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// An input error for standard input that cannot be copied for OPT.
fn spool_failed(error: &std::io::Error) -> InputError {
    open_failed(
        "standard input (copying it to a temporary file for opt)",
        error,
    )
}

/// `pagelab trace …` (DESIGN §6; `--help` tells everything). Exit status: 0 on success;
/// 2 for bad options or a malformed token or line (named with its line on standard
/// error; no summary is printed, though lines for the accesses before it may already be
/// out); 1 when reading or writing fails.
pub(crate) fn cmd_trace(args: &[String]) -> ExitCode {
    let mut options = match TraceOptions::parse(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{TRACE_HELP}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("pagelab trace: {message}\n(pagelab trace --help tells more)");
            return ExitCode::from(2);
        }
    };
    if options.policies.contains(&Policy::Opt) && options.reads_stdin() {
        // OPT reads its input twice: standard input only once copied (a bounded memory).
        match Spool::from_stdin() {
            Ok(spool) => options.spool = Some(spool),
            Err(error) => {
                eprintln!("pagelab trace: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = match options.mode {
        Mode::Single { per_access } => run_single(&options, per_access, &mut out),
        Mode::Table | Mode::Curve => run_compare(&options, &mut out),
    };
    let result = result.and_then(|()| out.flush().map_err(Failure::Write));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Write(e)) => {
            // A closed pipe (the reader went away, as with `| head`) is not worth a message.
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("pagelab trace: cannot write the output: {e}");
            }
            ExitCode::FAILURE
        }
        Err(Failure::Input(error)) => {
            let _ = out.flush();
            eprintln!("pagelab trace: {error}");
            match error.kind {
                InputErrorKind::Io(_) => ExitCode::FAILURE,
                _ => ExitCode::from(2),
            }
        }
        Err(Failure::Other(message)) => {
            let _ = out.flush();
            eprintln!("pagelab trace: {message}");
            ExitCode::from(2)
        }
    }
}

/// Why a run stopped.
enum Failure {
    Write(std::io::Error),
    Input(InputError),
    Other(String),
}

/// An input error for a file that cannot be opened.
fn open_failed(path: &str, error: &std::io::Error) -> InputError {
    InputError {
        kind: InputErrorKind::Io(format!("{path}: {error}")),
        token: String::new(),
        index: 0,
        line: 1,
        column: 1,
    }
}

impl TraceOptions {
    /// Open the input once, in the given or detected format.
    fn open(&self, format: Option<Format>) -> Result<(OpenReader, Format), InputError> {
        let source: Box<dyn Read> = match (&self.spool, self.file.as_deref()) {
            (Some(spool), _) => Box::new(spool.reopen()?),
            (None, None | Some("-")) => Box::new(std::io::stdin().lock()),
            (None, Some(path)) => Box::new(File::open(path).map_err(|e| open_failed(path, &e))?),
        };
        TraceReader::open(source, format.or(self.format), self.page_shift)
    }

    /// Whether the input is standard input.
    fn reads_stdin(&self) -> bool {
        matches!(self.file.as_deref(), None | Some("-"))
    }

    /// A reader of the whole string, calling `visit` per page: `first` (already open)
    /// the first time, then the input again each time (in the format found the first
    /// time). Standard input can be read again only once copied ([`Spool`]).
    fn reading(
        &self,
        first: (OpenReader, Format),
    ) -> impl FnMut(&mut dyn FnMut(u64)) -> Result<(), InputError> + '_ {
        let (first, format) = first;
        let mut first = Some(first);
        move |visit: &mut dyn FnMut(u64)| {
            let mut reader = match first.take() {
                Some(reader) => reader,
                None => self.open(Some(format))?.0,
            };
            reader.by_ref().for_each(&mut *visit);
            reader.take_error().map_or(Ok(()), Err)
        }
    }
}

/// One policy, one frame count: the summary line, after the per-access lines if asked.
fn run_single(
    options: &TraceOptions,
    per_access: bool,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let (policy, frames) = (options.policies[0], options.frames[0]);
    let mut write_error = None;
    let mut line = Vec::with_capacity(64);
    let mut on_access = |page, outcome| {
        if per_access && write_error.is_none() {
            line.clear();
            trace::write_access_line(&mut line, page, outcome);
            if let Err(e) = out.write_all(&line) {
                write_error = Some(e);
            }
        }
    };
    let summary = if policy == Policy::Opt {
        let size = [trace::check_frames(frames).map_err(|e| Failure::Other(e.to_string()))?];
        let first = options.open(None).map_err(Failure::Input)?;
        let read = options.reading(first);
        match trace::opt::simulate_twice(&size, trace::opt::BLOCK, read, |_, p, o| on_access(p, o))
        {
            Ok(summaries) => summaries[0],
            Err(trace::opt::OptError::Read(e)) => return Err(Failure::Input(e)),
            Err(trace::opt::OptError::Changed) => return Err(changed()),
        }
    } else {
        let (mut reader, _) = options.open(None).map_err(Failure::Input)?;
        let simulated = trace::simulate(policy, frames, options.seed, reader.by_ref(), on_access);
        if let Some(e) = reader.take_error() {
            return Err(Failure::Input(e));
        }
        simulated.map_err(|e| Failure::Other(e.to_string()))?
    };
    if let Some(e) = write_error {
        return Err(Failure::Write(e));
    }
    writeln!(out, "{}", summary.to_json()).map_err(Failure::Write)
}

fn changed() -> Failure {
    Failure::Other("the input changed between OPT's two readings".into())
}

/// Several policies and frame counts: the table, the curves or their JSON.
fn run_compare(options: &TraceOptions, out: &mut impl Write) -> Result<(), Failure> {
    let first = options.open(None).map_err(Failure::Input)?;
    let read = options.reading(first);
    let comparison = trace::compare(&options.policies, &options.frames, options.seed, read)
        .map_err(|e| match e {
            trace::CompareError::Frames(e) => Failure::Other(e.to_string()),
            trace::CompareError::Read(e) => Failure::Input(e),
            trace::CompareError::Changed => changed(),
        })?;
    let text = if options.json {
        comparison.to_json() + "\n"
    } else if options.mode == Mode::Curve {
        comparison.curves()
    } else {
        comparison.table()
    };
    out.write_all(text.as_bytes()).map_err(Failure::Write)
}

/// Parse `--frames`: `N`, `A..B` (inclusive) or `A,B,C`.
fn parse_frames(text: &str) -> Result<Vec<u64>, String> {
    use pagelab::sim::config::parse_number;
    let number = |t: &str| {
        let n = parse_number(t.trim())
            .ok_or_else(|| format!("--frames wants whole numbers, not '{t}'"))?;
        trace::check_frames(n).map_err(|e| e.to_string())?;
        Ok::<u64, String>(n)
    };
    if let Some((low, high)) = text.split_once("..") {
        let (low, high) = (number(low)?, number(high)?);
        if low > high || high - low >= 4096 {
            return Err(format!(
                "--frames {text}: give a range A..B with A <= B and at most 4096 counts"
            ));
        }
        return Ok((low..=high).collect());
    }
    let list = text.split(',').map(number).collect::<Result<Vec<_>, _>>()?;
    if list.len() > 4096 {
        return Err("--frames: at most 4096 counts".into());
    }
    Ok(list)
}

/// Parse a policy name.
fn parse_policy(text: &str) -> Result<Policy, String> {
    Policy::parse(text.trim())
        .ok_or_else(|| format!("unknown policy '{text}'; use fifo, lru, opt, clock or random"))
}

impl TraceOptions {
    /// Parse the arguments after `trace`; `Ok(None)` asks for help. Both `--frames 3` and
    /// `--frames=3` work; a repeated option keeps its last value.
    fn parse(args: &[String]) -> Result<Option<TraceOptions>, String> {
        use pagelab::sim::config::parse_number;
        use pagelab::sim::Config;

        let mut file = None;
        let mut policy = None;
        let mut compare: Option<Vec<Policy>> = None;
        let mut frames = None;
        let (mut per_access, mut curve, mut json) = (false, false, false);
        let mut seed = Config::default().seed;
        let mut format = None;
        let mut page_size = 4096;
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
                "--curve" if inline.is_none() => curve = true,
                "--json" if inline.is_none() => json = true,
                "--policy" => policy = Some(parse_policy(&value()?)?),
                "--compare" => {
                    let list = value()?
                        .split(',')
                        .map(parse_policy)
                        .collect::<Result<Vec<_>, _>>()?;
                    compare = Some(list);
                }
                "--frames" => frames = Some(parse_frames(&value()?)?),
                "--seed" => {
                    let text = value()?;
                    seed = parse_number(&text)
                        .ok_or_else(|| format!("--seed wants a whole number, not '{text}'"))?;
                }
                "--format" => {
                    let text = value()?;
                    format = Some(Format::parse(&text).ok_or_else(|| {
                        format!("unknown format '{text}'; use pages, addresses or lackey")
                    })?);
                }
                "--page-size" => {
                    let text = value()?;
                    page_size = parse_number(&text)
                        .filter(|&n| trace::page_shift(n).is_some())
                        .ok_or_else(|| format!("--page-size wants a power of two from 1 to 4294967296, not '{text}'"))?;
                }
                _ if !arg.starts_with('-') || arg == "-" => {
                    if file.replace(arg.clone()).is_some() {
                        return Err(format!("one input file at most ('{arg}' is a second one)"));
                    }
                }
                _ => return Err(format!("unknown option '{arg}'")),
            }
        }
        let frames = frames.ok_or("--frames is missing (how many pages fit in memory)")?;
        let (policies, mode) = match (compare, policy) {
            (Some(_), Some(_)) => return Err("give --policy or --compare, not both".into()),
            (Some(list), None) => (list, if curve { Mode::Curve } else { Mode::Table }),
            (None, Some(one)) if curve => (vec![one], Mode::Curve),
            (None, Some(one)) => {
                if frames.len() != 1 {
                    return Err(
                        "one --policy runs with one frame count; add --curve or use --compare"
                            .into(),
                    );
                }
                (vec![one], Mode::Single { per_access })
            }
            (None, None) => {
                return Err("--policy is missing (fifo, lru, opt, clock or random)".into())
            }
        };
        if per_access && mode != (Mode::Single { per_access }) {
            return Err("--per-access goes with one --policy and one frame count".into());
        }
        if json && matches!(mode, Mode::Single { .. }) {
            return Err(
                "--json goes with --compare or --curve (the summary line is JSON already)".into(),
            );
        }
        Ok(Some(TraceOptions {
            file,
            policies,
            frames,
            mode,
            json,
            seed,
            format,
            page_shift: trace::page_shift(page_size).unwrap_or(12),
            spool: None,
        }))
    }
}
