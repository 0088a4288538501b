//! One operation at a time, for API users (README, "The JavaScript API"): `reserve`,
//! `commit`, `access` and `page_out` each run one call on the machine and record its steps,
//! `create_process`, `wait_process` and `switch_process` drive its processes, and
//! `parse_number` reads the arguments as C writes them. The page never calls them:
//! its forms write statements into the script, which `load_script` runs. So they are built
//! into the full module only (`www/pkg/pagelab-full.js`, the `full` feature), beside the
//! step's events and the picture (`detail.rs`), and the index page's module leaves them out.
//!
//! ```js
//! import init, { Simulator } from "./pkg/pagelab-full.js";
//! await init();
//! const sim = new Simulator();
//! const alloc = sim.commit(0, 8, Simulator.parse_number("PAGE_READWRITE"));
//! sim.access(alloc.value, true, 0x41);          // a demand-zero fault
//! ```

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{js_error, to_js, Simulator};
use crate::sim::consts::{MEM_COMMIT, MEM_RESERVE, NAMED};
use crate::sim::{ExceptionRecord, Win32Error};

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// What an operation did, as JavaScript receives it.
#[derive(Serialize)]
struct Outcome {
    /// The return value (an address, a byte read, a page count).
    value: u64,
    /// `GetLastError()` afterwards.
    last_error: u32,
    /// The `ERROR_*` name when the call failed.
    error: Option<&'static str>,
    /// The exception an access raised, if any.
    exception: Option<ExceptionView>,
    /// Index of the first step this operation recorded.
    first_step: usize,
    /// Steps recorded in all after the operation.
    step_count: usize,
    /// One sentence summing up the result.
    message: String,
}

/// An exception record with its name.
#[derive(Serialize)]
struct ExceptionView {
    code: u32,
    name: &'static str,
    info: [u64; 2],
}

impl From<&ExceptionRecord> for ExceptionView {
    fn from(e: &ExceptionRecord) -> Self {
        ExceptionView {
            code: e.code,
            name: e.name(),
            info: e.info,
        }
    }
}

/// A JS number as an address or size: a whole number from 0 to 2^53 - 1.
fn to_u64(value: f64, what: &str) -> Result<u64, JsError> {
    if (0.0..=MAX_SAFE).contains(&value) && value.fract() == 0.0 {
        Ok(value as u64)
    } else {
        Err(js_error(format!(
            "The {what} must be a whole number from 0 to 2^53 - 1."
        )))
    }
}

fn error_name(code: u32) -> Option<&'static str> {
    Win32Error::from_code(code).map(Win32Error::name)
}

#[wasm_bindgen]
impl Simulator {
    /// Parse a number as a C program writes it: decimal, `0x` hex, `NULL`, `TRUE`/`FALSE` or a
    /// `PAGE_*`/`MEM_*` constant, optionally joined with `|`. Throws with a plain message.
    pub fn parse_number(text: &str) -> Result<f64, JsError> {
        let mut total = 0u64;
        for part in text.split('|') {
            let part = part.trim();
            let value = match part {
                "NULL" | "FALSE" => Some(0),
                "TRUE" => Some(1),
                _ => NAMED
                    .iter()
                    .find(|(name, _)| *name == part)
                    .map(|(_, v)| *v)
                    .or_else(|| crate::sim::config::parse_number(part)),
            };
            match value {
                Some(v) if v as f64 <= MAX_SAFE => total |= v,
                _ => {
                    return Err(js_error(format!(
                        "'{part}' is not a number: write it in decimal (4096), in hex (0x1000) or as NULL."
                    )))
                }
            }
        }
        Ok(total as f64)
    }

    /// `VirtualAlloc(address, size, MEM_RESERVE, protect)`: reserve address space.
    /// Returns `{value, last_error, error, exception, first_step, step_count, message}`.
    pub fn reserve(&mut self, address: f64, size: f64, protect: u32) -> Result<JsValue, JsError> {
        self.alloc(address, size, MEM_RESERVE, protect)
    }

    /// `VirtualAlloc(address, size, MEM_COMMIT, protect)`: commit pages (with a NULL address
    /// this reserves and commits, reference §3.2). Returns the same shape as `reserve`.
    pub fn commit(&mut self, address: f64, size: f64, protect: u32) -> Result<JsValue, JsError> {
        self.alloc(address, size, MEM_COMMIT, protect)
    }

    /// A one-byte data access at `address`: a write of `value` when `write`, else a read.
    /// `value` in the result is the byte read (or written).
    pub fn access(&mut self, address: f64, write: bool, value: u8) -> Result<JsValue, JsError> {
        let va = to_u64(address, "address")?;
        let first = self.machine.history().len();
        let mut byte = [value];
        let result = if write {
            self.machine.write(va, &byte)
        } else {
            self.machine.read(va, &mut byte)
        };
        let verb = if write { "write" } else { "read" };
        let (exception, message) = match &result {
            Ok(()) => (
                None,
                format!("The {verb} at {va:#x} completed: byte {:#04x}.", byte[0]),
            ),
            Err(e) => (
                Some(ExceptionView::from(e)),
                format!("The {verb} at {va:#x} raised {}.", e.name()),
            ),
        };
        to_js(&Outcome {
            value: byte[0] as u64,
            last_error: self.machine.last_error(),
            error: None,
            exception,
            first_step: first,
            step_count: self.machine.history().len(),
            message,
        })
    }

    /// `PageOut(address, size)`: trim those pages from the working set. `value` in the
    /// result is how many pages left it.
    pub fn page_out(&mut self, address: f64, size: f64) -> Result<JsValue, JsError> {
        let va = to_u64(address, "address")?;
        let size = to_u64(size, "size")?;
        let first = self.machine.history().len();
        let pages = self.machine.page_out(va, size);
        let message = match pages {
            1 => "PageOut trimmed 1 page from the working set.".to_string(),
            n => format!("PageOut trimmed {n} pages from the working set."),
        };
        to_js(&Outcome {
            value: pages as u64,
            last_error: self.machine.last_error(),
            error: None,
            exception: None,
            first_step: first,
            step_count: self.machine.history().len(),
            message,
        })
    }

    /// `CreateProcess`, one call at a time: a new process called
    /// `name`, ready to run (a step). Returns its process id.
    pub fn create_process(&mut self, name: &str) -> u32 {
        self.machine.create_process(name).0
    }

    /// The running process stops in a waiting call (`_getch`, `Sleep`, …): the next
    /// `switch_process` may take the CPU.
    pub fn wait_process(&mut self) {
        self.machine.wait();
    }

    /// Switch the CPU to the process at `index` (creation order): a step in which CR3 is
    /// reloaded and the TLB flushed. False when there is no such process, it has ended
    /// or it already runs.
    pub fn switch_process(&mut self, index: usize) -> bool {
        self.machine.switch_to(index)
    }
}

impl Simulator {
    fn alloc(
        &mut self,
        address: f64,
        size: f64,
        kind: u32,
        protect: u32,
    ) -> Result<JsValue, JsError> {
        let address = to_u64(address, "address")?;
        let size = to_u64(size, "size")?;
        let first = self.machine.history().len();
        let value = self.machine.virtual_alloc(address, size, kind, protect);
        let last_error = self.machine.last_error();
        let error = (value == 0).then(|| error_name(last_error)).flatten();
        let message = if value != 0 {
            format!("VirtualAlloc returned {value:#x}.")
        } else {
            format!(
                "VirtualAlloc returned NULL; GetLastError() is {last_error} ({}).",
                error.unwrap_or("unknown error")
            )
        };
        to_js(&Outcome {
            value,
            last_error,
            error,
            exception: None,
            first_step: first,
            step_count: self.machine.history().len(),
            message,
        })
    }
}
