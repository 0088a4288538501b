//! The limits that bound one run, in one place: the page, the `<page-lab>` element and
//! `pagelab run` all run scripts with [`Limits::DEFAULT`], so a script that stops in one
//! stops at the same statement in the others, with the same message.

use std::fmt;

/// What one run may do before it is stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most statements one run executes (loop conditions and `switch` values included;
    /// each is one row of `pagelab run --json`). Bounds runaway loops.
    pub statements: u64,
    /// Most bytes of simulated memory one run reads and writes in total (every `memset`,
    /// `memmove`, `strcpy`, `%s`, `*p` and `p[i]` counts the bytes it touches). Bounds
    /// loops of big copies: one statement may be cheap to count but slow to run.
    pub bytes: u64,
    /// Most bytes one `memmove`/`memcpy`/`memset`/`write`/`strcpy` call may touch.
    pub bytes_per_call: u64,
    /// Most steps a recording run may record (a step is one click of "step"). The page
    /// keeps each step's picture: measured at 0.8 to 1.2 KB a step (`npm run
    /// bench:runtime`), this many stay under the 96 MB the page keeps at most, so the page
    /// stops where the command line does.
    pub steps: usize,
    /// Deepest nesting of function calls (recursion included).
    pub call_depth: u32,
    /// Most bytes the page file may hold at the start of a statement: its pages that are
    /// not one byte value repeated, each up to its last non-zero byte (a page of zeros or
    /// a `memset` page takes none). With the disk's own cap (`MAX_DISK_BYTES`, a full
    /// disk's error) it bounds the simulated storage a run can build up.
    pub stored: u64,
}

impl Limits {
    /// The limits of every run in the page, the element and the command line.
    pub const DEFAULT: Limits = Limits {
        statements: 1_000_000,
        bytes: 256 << 20,
        bytes_per_call: 16 << 20,
        steps: 75_000,
        call_depth: 64,
        stored: 32 << 20,
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// Which limit stopped a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitHit {
    /// [`Limits::statements`].
    Statements,
    /// [`Limits::bytes`].
    Bytes,
    /// [`Limits::steps`].
    Steps,
    /// [`Limits::stored`].
    Stored,
}

impl LimitHit {
    /// The sentence that ends "stopped after N statements: …", with the limit's value.
    pub fn reason(self, limits: &Limits) -> String {
        match self {
            LimitHit::Statements => format!(
                "the statement limit ({}) was reached; a loop probably runs too long",
                limits.statements
            ),
            LimitHit::Bytes => format!(
                "the work limit ({} MiB of memory read and written in one run) was reached; make the copies or the loops smaller",
                limits.bytes >> 20
            ),
            LimitHit::Steps => format!(
                "the step limit ({} recorded steps) was reached; the script does too much to step through",
                limits.steps
            ),
            LimitHit::Stored => format!(
                "the storage limit ({} MiB of page contents held in the page file) was reached; page out fewer pages that hold data",
                limits.stored >> 20
            ),
        }
    }
}

impl fmt::Display for LimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitHit::Statements => "statement limit",
            LimitHit::Bytes => "work limit",
            LimitHit::Steps => "step limit",
            LimitHit::Stored => "storage limit",
        })
    }
}
