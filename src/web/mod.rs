//! The wasm-bindgen façade and the canvas painter (DESIGN §1).
//!
//! This is the only module that knows about JavaScript. [`Simulator`] forwards each call to
//! a [`Machine`] in a few lines; state stays in Rust and JavaScript receives small
//! serialised values (one per call or per step). Addresses cross as JS numbers, which hold
//! every 48-bit address exactly.

mod canvas;
#[cfg(feature = "full")]
mod compare;
mod course;
#[cfg(feature = "full")]
mod crossing;
#[cfg(feature = "full")]
mod detail;
#[cfg(feature = "full")]
mod homework;
mod json;
#[cfg(feature = "full")]
mod operations;
mod paint;
mod processes;
mod session;
mod worker;

#[cfg(feature = "full")]
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::sim::consts::NAMED;
use crate::sim::{Machine, Picture, Step};
use crate::view::{self, Frame, Theme};
use json::Json;

/// The wasm module's allocator: Talc in place of the standard library's dlmalloc, for the
/// page's download budget (2.4 KB less gzipped). Measured in one run: as fast on a 16 MiB
/// memset, about 10% slower on a 100,000-access fault loop. The module runs on one thread
/// (a worker has its own instance), hence the allocator without a lock.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A step as the page shows it: in the step log (`steps_summary`) and at one position of
/// the player (`step`). The step's typed events stay in Rust: the page shows the
/// narration, and the full module's `events(cursor)` (`detail.rs`) gives them to tools.
struct StepView<'a> {
    /// What happened and why.
    narration: &'a str,
    /// The script line, if a script is running.
    line: Option<u32>,
    /// `fault`, `pageout` or `exception` for the scrubber, if the step is one.
    marker: Option<&'static str>,
}

impl<'a> StepView<'a> {
    fn of(step: &'a Step) -> Self {
        StepView {
            narration: &step.narration,
            line: step.line,
            marker: step.marker(),
        }
    }

    /// `{narration, line, marker}`.
    fn json(&self, j: &mut Json) {
        j.open().key("narration").str(self.narration);
        j.key("line").opt_uint(self.line.map(u64::from));
        j.key("marker").opt_str(self.marker).close();
    }
}

/// The counters at one position, as the page's counter panel shows them (DESIGN §4).
struct CountersView {
    demand_zero: u64,
    transition: u64,
    hard: u64,
    access_violation: u64,
    tlb_hits: u64,
    tlb_misses: u64,
    commit_charge: u64,
    commit_limit: u64,
    working_set: usize,
    working_set_limit: u32,
    slots_used: usize,
    slots: usize,
}

/// The settings a page's settings panel shows (the `#pragma pagelab` knobs).
struct SettingsView {
    frames: u32,
    pagefile: u32,
    working_set: Option<u32>,
    policy: &'static str,
    cluster: u32,
    tlb: u32,
    standby: bool,
}

/// One scrubber marker.
struct Marker {
    cursor: usize,
    kind: &'static str,
}

impl CountersView {
    /// `{demand_zero, …, slots}`, as the fields are named.
    fn json(&self) -> Result<JsValue, JsError> {
        let mut j = Json::default();
        let counts = [
            ("demand_zero", self.demand_zero),
            ("transition", self.transition),
            ("hard", self.hard),
            ("access_violation", self.access_violation),
            ("tlb_hits", self.tlb_hits),
            ("tlb_misses", self.tlb_misses),
            ("commit_charge", self.commit_charge),
            ("commit_limit", self.commit_limit),
            ("working_set", self.working_set as u64),
            ("working_set_limit", u64::from(self.working_set_limit)),
            ("slots_used", self.slots_used as u64),
            ("slots", self.slots as u64),
        ];
        j.open();
        for (key, n) in counts {
            j.key(key).uint(n);
        }
        j.close().finish()
    }
}

impl SettingsView {
    /// `{frames, pagefile, working_set, policy, cluster, tlb, standby}`.
    fn json(&self) -> Result<JsValue, JsError> {
        let mut j = Json::default();
        j.open().key("frames").uint(self.frames.into());
        j.key("pagefile").uint(self.pagefile.into());
        j.key("working_set")
            .opt_uint(self.working_set.map(u64::from));
        j.key("policy").str(self.policy);
        j.key("cluster").uint(self.cluster.into());
        j.key("tlb").uint(self.tlb.into());
        j.key("standby").bool(self.standby).close().finish()
    }
}

/// The narration shown before anything has happened.
const START: &str = "Nothing has happened yet. Step forward to watch the script run, one thing the memory manager does at a time.";

fn js_error(message: impl AsRef<str>) -> JsError {
    JsError::new(message.as_ref())
}

/// One value for JavaScript, through `serde-wasm-bindgen` (see `crossing.rs`): the full
/// module's exports; the page's write [`Json`].
#[cfg(feature = "full")]
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    crossing::to_js(value).map_err(js_error)
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
/// sim.load_script("char *p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\n*p = 'A';");
/// for (let c = 0; c <= sim.step_count(); c++) console.log(sim.step(c).narration);
/// const height = sim.paint(canvas, sim.step_count(), canvas.clientWidth, devicePixelRatio, false);
/// ```
///
/// The index page's module leaves out what the page never calls: the module built with the
/// `full` feature (`www/pkg/pagelab-full.js`) has the same `Simulator` plus one operation at a
/// time (`operations.rs`: `reserve`, `commit`, `access`, `page_out`, `parse_number`) and a
/// step's typed events and the whole picture (`detail.rs`).
#[wasm_bindgen]
pub struct Simulator {
    machine: Machine,
    /// The canvas's zoom and pan (see `canvas.rs`).
    view: canvas::CanvasView,
    /// Calls of a run in the worker, waiting to be replayed (see `worker.rs`).
    replay: crate::sim::journal::Replay,
    /// The steps a new run replaced, freed a piece at a time by `replay` (see `worker.rs`).
    dropping: Option<Machine>,
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
            dropping: None,
        }
    }

    /// The names of the `PAGE_*` protection constants, for a picker.
    pub fn protections() -> Result<JsValue, JsError> {
        let mut j = Json::default();
        j.open_list();
        for (name, _) in NAMED.iter().filter(|(name, _)| name.starts_with("PAGE_")) {
            j.str(name);
        }
        j.close_list().finish()
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
                run.report.json()
            }
            Err(errors) => session::RunReport {
                errors,
                ..Default::default()
            }
            .json(),
        }
    }

    /// The settings of the current machine that its `#pragma pagelab` line sets, for a
    /// settings panel: `{frames, pagefile, working_set, policy, cluster, tlb, standby}`
    /// (`working_set` is null for the soft default limits).
    pub fn config(&self) -> Result<JsValue, JsError> {
        let c = self.machine.config();
        SettingsView {
            frames: c.frames,
            pagefile: c.pagefile,
            working_set: c.working_set,
            policy: c.policy.name(),
            cluster: c.cluster,
            tlb: c.tlb,
            standby: c.standby,
        }
        .json()
    }

    /// Narration, script line and marker of the steps leading to positions `from..=to`
    /// (clamped), as `[{narration, line, marker}]`: one call for a whole step log, because
    /// a call per step would cross the JS/wasm boundary thousands of times.
    pub fn steps_summary(&self, from: usize, to: usize) -> Result<JsValue, JsError> {
        let steps = self.machine.history().steps();
        let from = from.max(1);
        let to = to.min(steps.len());
        let mut j = Json::default();
        j.open_list();
        for step in steps.get(from - 1..to).unwrap_or_default() {
            StepView::of(step).json(&mut j);
        }
        j.close_list().finish()
    }

    /// Steps recorded so far.
    pub fn step_count(&self) -> usize {
        self.machine.history().len()
    }

    /// The step that leads to position `cursor` (clamped to the last step): `{narration,
    /// line, marker}`, as one entry of `steps_summary`. Cursor 0 has an opening narration.
    pub fn step(&self, cursor: usize) -> Result<JsValue, JsError> {
        let history = self.machine.history();
        let cursor = cursor.min(history.len());
        let step = cursor.checked_sub(1).and_then(|i| history.step(i));
        let mut j = Json::default();
        step.map_or(
            StepView {
                narration: START,
                line: None,
                marker: None,
            },
            StepView::of,
        )
        .json(&mut j);
        j.finish()
    }

    /// The scrubber markers: `[{cursor, kind}]` for every fault, page-out and exception
    /// step, or only for those leading to positions `from + 1..=to` (a slice of a run
    /// being replayed, see `worker.rs`).
    pub fn markers(&self, from: Option<usize>, to: Option<usize>) -> Result<JsValue, JsError> {
        let history = self.machine.history();
        let mut j = Json::default();
        j.open_list();
        for i in from.unwrap_or(0)..to.unwrap_or(usize::MAX).min(history.len()) {
            if let Some(kind) = history.step(i).and_then(Step::marker) {
                let m = Marker {
                    cursor: i + 1,
                    kind,
                };
                j.open().key("cursor").count(m.cursor);
                j.key("kind").str(m.kind).close();
            }
        }
        j.close_list().finish()
    }

    /// The counters at position `cursor`: `{demand_zero, transition, hard,
    /// access_violation, tlb_hits, tlb_misses, commit_charge, commit_limit, working_set,
    /// working_set_limit, slots_used, slots}`.
    pub fn counters(&self, cursor: usize) -> Result<JsValue, JsError> {
        let p = self.picture_at(cursor);
        let c = &p.counters;
        CountersView {
            demand_zero: c.demand_zero,
            transition: c.transition,
            hard: c.hard,
            access_violation: c.access_violation,
            tlb_hits: c.tlb_hits,
            tlb_misses: c.tlb_misses,
            commit_charge: p.commit.charge,
            commit_limit: p.commit.limit,
            working_set: p.working_set.pages.len(),
            working_set_limit: p.working_set.limit,
            slots_used: p.slots.iter().flatten().count(),
            slots: p.slots.len(),
        }
        .json()
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
}

impl Simulator {
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
