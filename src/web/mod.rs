//! The wasm-bindgen façade and the canvas painter (DESIGN §1).
//!
//! This is the only module that knows about JavaScript. [`Simulator`] forwards each call to
//! a [`Machine`] in a few lines; state stays in Rust and JavaScript receives small
//! serialised values (one per call or per step). Addresses cross as JS numbers, which hold
//! every 48-bit address exactly.

mod canvas;
#[cfg(feature = "compare")]
mod compare;
mod course;
mod crossing;
mod paint;
mod processes;
mod session;
mod worker;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::sim::consts::{MEM_COMMIT, MEM_RESERVE, NAMED};
use crate::sim::{Event, ExceptionRecord, Machine, Picture, Step, Win32Error};
use crate::view::{self, Frame, Theme};

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// Every Win32 error the simulator reports, to name a code.
const ERRORS: [Win32Error; 10] = [
    Win32Error::AccessDenied,
    Win32Error::InvalidHandle,
    Win32Error::NotEnoughMemory,
    Win32Error::BadLength,
    Win32Error::InvalidParameter,
    Win32Error::PartialCopy,
    Win32Error::InvalidAddress,
    Win32Error::NoAccess,
    Win32Error::MappedAlignment,
    Win32Error::CommitmentLimit,
];

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

/// One position of the player: the step that led to it, with its narration.
#[derive(Serialize)]
struct StepView<'a> {
    /// Position: 0 is before any step, `n` is after step `n - 1`.
    cursor: usize,
    /// Steps recorded in all.
    step_count: usize,
    /// What happened and why.
    narration: &'a str,
    /// The script line, if a script is running.
    line: Option<u32>,
    /// `fault`, `pageout` or `exception` for the scrubber, if the step is one.
    marker: Option<&'static str>,
    /// The step's events in order.
    events: &'a [Event],
}

/// The counters at one position (DESIGN §4).
#[derive(Serialize)]
struct CountersView {
    counters: crate::sim::picture::Counters,
    commit_charge: u64,
    commit_limit: u64,
    working_set: usize,
    working_set_limit: u32,
    slots_used: usize,
    slots: usize,
}

/// One scrubber marker.
#[derive(Serialize)]
struct Marker {
    cursor: usize,
    kind: &'static str,
}

/// One entry of the step log: what a batch of `steps_summary` holds per step.
#[derive(Serialize)]
struct StepSummary<'a> {
    narration: &'a str,
    line: Option<u32>,
    marker: Option<&'static str>,
}

/// A protection constant that the page offers.
#[derive(Serialize)]
struct Named {
    name: &'static str,
    value: u64,
}

/// The narration shown before anything has happened.
const START: &str = "Nothing has happened yet. Step forward to watch the script run, one thing the memory manager does at a time.";

fn js_error(message: impl AsRef<str>) -> JsError {
    JsError::new(message.as_ref())
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

/// One value for JavaScript, through `serde-wasm-bindgen` (see `crossing.rs`).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    crossing::to_js(value).map_err(js_error)
}

fn error_name(code: u32) -> Option<&'static str> {
    ERRORS.iter().find(|e| e.code() == code).map(|e| e.name())
}

/// A simulated Windows machine with one process, driven from JavaScript.
///
/// Every operation records steps; the page moves a cursor over them. Cursor 0 is the state
/// before any step and cursor `n` the state after step `n - 1`, so `0..=step_count()` are
/// all the positions.
///
/// ```js
/// import init, { Simulator } from "./pkg/pagelab.js";
/// await init();
/// const sim = new Simulator();
/// const alloc = sim.commit(0, 8, Simulator.parse_number("PAGE_READWRITE"));
/// sim.access(alloc.value, true, 0x41);          // a demand-zero fault
/// for (let c = 0; c <= sim.step_count(); c++) console.log(sim.step(c).narration);
/// const height = sim.paint(canvas, sim.step_count(), canvas.clientWidth, devicePixelRatio, false);
/// ```
#[wasm_bindgen]
pub struct Simulator {
    machine: Machine,
    /// The canvas's zoom and pan (see `canvas.rs`).
    view: canvas::CanvasView,
    /// Calls of a run in the worker, waiting to be replayed (see `worker.rs`).
    replay: crate::sim::journal::Replay,
}

impl Default for Simulator {
    fn default() -> Self {
        Simulator::new()
    }
}

#[wasm_bindgen]
impl Simulator {
    /// A machine with the default settings (DESIGN §2: 16 frames, 32 page-file slots).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Simulator {
        Simulator {
            machine: Machine::new(Default::default()),
            view: Default::default(),
            replay: Default::default(),
        }
    }

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

    /// The `PAGE_*` protection constants, as `[{name, value}]`, for a picker.
    pub fn protections() -> Result<JsValue, JsError> {
        let list: Vec<Named> = NAMED
            .iter()
            .filter(|(name, _)| name.starts_with("PAGE_"))
            .map(|(name, value)| Named {
                name,
                value: *value,
            })
            .collect();
        to_js(&list)
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

    /// Parse `text` and, when it parses, replace the machine with a fresh one built from the
    /// script's `#pragma pagelab` settings and run the whole script with recording on.
    ///
    /// Returns `{steps, statements, output, errors, stopped, last}`: `output` is the transcript
    /// `[{cursor, kind, line, text}]` (`kind` is `out`, `exception` or `error`; `cursor` is
    /// the first position at which it has happened); `stopped` is `{line, col, message}`
    /// when a runaway script hit the statement or step limit; `last` is `{line, text, value,
    /// last_error}` of the last statement run. When the script does not
    /// parse, `errors` is `[{line, col, message}]`, `steps` is 0 and the current machine
    /// and its steps are left exactly as they were.
    ///
    /// ```js
    /// const run = sim.load_script("p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\n*p = 1;");
    /// if (run.errors.length) showErrors(run.errors); else player.setCount(run.steps);
    /// ```
    pub fn load_script(&mut self, text: &str) -> Result<JsValue, JsError> {
        match session::run_script(text) {
            Ok(run) => {
                self.machine = run.machine;
                self.replay = Default::default();
                // A new machine: the strip zooms to its allocations again.
                self.view = Default::default();
                to_js(&run.report)
            }
            Err(errors) => to_js(&session::RunReport {
                errors,
                ..Default::default()
            }),
        }
    }

    /// The settings of the current machine: `{frames, pagefile, working_set, policy,
    /// cluster, tlb, standby, base, seed, modified_threshold}` (for a settings panel).
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(self.machine.config())
    }

    /// Narration, script line and marker of the steps leading to positions `from..=to`
    /// (clamped), as `[{narration, line, marker}]`: one call for a whole step log, because
    /// a call per step would cross the JS/wasm boundary thousands of times.
    pub fn steps_summary(&self, from: usize, to: usize) -> Result<JsValue, JsError> {
        let steps = self.machine.history().steps();
        let from = from.max(1);
        let to = to.min(steps.len());
        let list: Vec<StepSummary> = steps
            .get(from - 1..to)
            .unwrap_or_default()
            .iter()
            .map(|s| StepSummary {
                narration: &s.narration,
                line: s.line,
                marker: s.marker(),
            })
            .collect();
        to_js(&list)
    }

    /// The picture of the machine as it is now (regions, frames, slots, counters, …);
    /// `ptes` is an object from virtual page number (as a decimal string) to entry.
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.machine.picture())
    }

    /// Steps recorded so far.
    pub fn step_count(&self) -> usize {
        self.machine.history().len()
    }

    /// The step that leads to position `cursor`: `{cursor, step_count, narration, line,
    /// marker, events}`. Cursor 0 has an opening narration and no events.
    pub fn step(&self, cursor: usize) -> Result<JsValue, JsError> {
        let history = self.machine.history();
        let cursor = cursor.min(history.len());
        let step = cursor.checked_sub(1).and_then(|i| history.step(i));
        to_js(&StepView {
            cursor,
            step_count: history.len(),
            narration: step.map_or(START, |s| s.narration.as_str()),
            line: step.and_then(|s| s.line),
            marker: step.and_then(Step::marker),
            events: step.map_or(&[], |s| s.events.as_slice()),
        })
    }

    /// The scrubber markers: `[{cursor, kind}]` for every fault, page-out and exception
    /// step, or only for those leading to positions `from + 1..=to` (a slice of a run
    /// being replayed, see `worker.rs`).
    pub fn markers(&self, from: Option<usize>, to: Option<usize>) -> Result<JsValue, JsError> {
        let history = self.machine.history();
        let list: Vec<Marker> = (from.unwrap_or(0)..to.unwrap_or(usize::MAX).min(history.len()))
            .filter_map(|i| {
                let kind = history.step(i)?.marker()?;
                Some(Marker {
                    cursor: i + 1,
                    kind,
                })
            })
            .collect();
        to_js(&list)
    }

    /// The counters at position `cursor`: `{counters: {demand_zero, transition, hard,
    /// access_violation, guard, tlb_hits, tlb_misses, pagefile_reads, pagefile_writes},
    /// commit_charge, commit_limit, working_set, working_set_limit, slots_used, slots}`.
    pub fn counters(&self, cursor: usize) -> Result<JsValue, JsError> {
        let p = self.picture_at(cursor);
        to_js(&CountersView {
            counters: p.counters,
            commit_charge: p.commit.charge,
            commit_limit: p.commit.limit,
            working_set: p.working_set.pages.len(),
            working_set_limit: p.working_set.limit,
            slots_used: p.slots.iter().flatten().count(),
            slots: p.slots.len(),
        })
    }

    /// The picture at position `cursor` (clamped to the last step).
    pub fn picture(&self, cursor: usize) -> Result<JsValue, JsError> {
        to_js(&self.picture_at(cursor))
    }

    /// Paint position `cursor` on `canvas`, `css_width` CSS pixels wide at `dpr` device
    /// pixels per CSS pixel, in the dark theme when `dark`, with the step's animation at
    /// `progress` (0 to 1; omitted means finished). Sizes the canvas's backing store and
    /// returns the height in CSS pixels, for the caller to set as its style height.
    pub fn paint(
        &self,
        canvas: &HtmlCanvasElement,
        cursor: usize,
        css_width: f64,
        dpr: f64,
        dark: bool,
        progress: Option<f64>,
    ) -> Result<f64, JsError> {
        let scene = self.scene(cursor, css_width, progress.unwrap_or(1.0));
        let theme = if dark { Theme::Dark } else { Theme::Light };
        paint::paint(canvas, &scene, dpr, theme).map_err(|e| js_error(paint::describe(&e)))?;
        Ok(scene.height)
    }

    /// The canvas's text alternative at position `cursor`, for screen readers: what the
    /// picture shows and what changed since the step before (see `view::describe`).
    pub fn describe(&self, cursor: usize) -> String {
        let history = self.machine.history();
        let cursor = cursor.min(history.len());
        let picture = self.picture_at(cursor);
        let previous = (cursor > 0).then(|| self.picture_at(cursor - 1));
        view::describe::describe(Frame {
            picture: &picture,
            previous: previous.as_ref(),
            step: cursor.checked_sub(1).and_then(|i| history.step(i)),
        })
    }

    /// Where RAM frame `pfn` is drawn at `css_width`: `[x, y, width, height]` in CSS pixels,
    /// or `undefined` when there is no such frame.
    pub fn frame_rect(&self, pfn: u32, css_width: f64) -> Option<Vec<f64>> {
        let g = self.system_geometry(css_width);
        g.frames.get(pfn as usize).map(|r| vec![r.x, r.y, r.w, r.h])
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

    /// The picture at position `cursor`, clamped to the recorded steps.
    fn picture_at(&self, cursor: usize) -> Picture {
        let history = self.machine.history();
        match cursor.min(history.len()) {
            0 => history.initial_picture().clone(),
            c => history.picture_after(c - 1).unwrap_or_default(),
        }
    }

    fn scene(&self, cursor: usize, css_width: f64, progress: f64) -> view::Scene {
        let history = self.machine.history();
        let cursor = cursor.min(history.len());
        let picture = self.picture_at(cursor);
        let previous = (cursor > 0).then(|| self.picture_at(cursor - 1));
        let step = cursor.checked_sub(1).and_then(|i| history.step(i));
        let options = view::Options {
            window: self.view.window,
            progress,
            process: self.view.process,
        };
        view::layout_with(
            Frame {
                picture: &picture,
                previous: previous.as_ref(),
                step,
            },
            css_width,
            options,
        )
    }
}
