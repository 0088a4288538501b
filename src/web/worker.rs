//! Runs off the page's main thread (README "How it works"): the page's Web Worker
//! (`www/run-worker.js`) runs a script with a [`WorkerRun`] of its own wasm instance and
//! sends the recorded steps and picture deltas to the page in small chunks (plain
//! objects, see `crate::stream`) as they come; the page's [`Simulator`] appends each chunk to its own history
//! ([`Simulator::begin_import`], [`Simulator::import_steps`]), so painting, pictures and
//! the step API stay synchronous there. The worker forgets what it has sent, so its own
//! memory stays small however long the run.

use std::collections::VecDeque;

use wasm_bindgen::prelude::*;

use super::session::{ErrorView, ScriptRun};
use super::{js_error, to_js, Simulator};
use crate::sim::picture::PictureDelta;
use crate::sim::{Machine, Step};
use crate::stream;

/// Most bytes (estimated as the page's history holds them) of the steps one run sends:
/// past this the run stops, so the page's copy of the history stays within a known
/// bound (see README "How it works").
pub const MAX_SENT_BYTES: usize = 96 << 20;

/// A script running in the worker, handed out a chunk of steps at a time.
///
/// ```js
/// const run = new WorkerRun(text);
/// if (run.errors().length === 0) {
///   post({ config: run.config() });
///   for (let ended = false; !ended; ) {
///     ended = run.advance(2000);
///     for (let chunk; (chunk = run.take_chunk(500)) !== undefined; ) post({ chunk, output: run.take_output() });
///   }
///   post({ report: run.report() });
/// }
/// run.free();
/// ```
#[wasm_bindgen]
pub struct WorkerRun {
    run: Result<ScriptRun, Vec<ErrorView>>,
    /// Transcript entries already handed out.
    output_sent: usize,
    /// Bytes of chunks handed out.
    bytes_sent: usize,
    /// Set once the chunks reach [`MAX_SENT_BYTES`].
    too_big: bool,
    /// Steps taken from the machine's history, not yet handed out.
    pending: VecDeque<(Step, PictureDelta)>,
}

#[wasm_bindgen]
impl WorkerRun {
    /// Parse `text` and build its machine; nothing runs until [`WorkerRun::advance`].
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str) -> WorkerRun {
        WorkerRun {
            run: ScriptRun::start(text),
            output_sent: 0,
            bytes_sent: 0,
            too_big: false,
            pending: VecDeque::new(),
        }
    }

    /// The parse errors `[{line, col, message}]`: empty when the script runs.
    pub fn errors(&self) -> Result<JsValue, JsError> {
        match &self.run {
            Ok(_) => to_js(&[] as &[ErrorView]),
            Err(errors) => to_js(errors),
        }
    }

    /// The machine's settings (JSON text), for [`Simulator::begin_import`].
    pub fn config(&mut self) -> Result<String, JsError> {
        let run = self.running()?;
        Ok(stream::config(run.machine_mut().config())
            .map_err(js_error)?
            .to_string())
    }

    /// Run until at least `steps` more steps are recorded or the run ends; true once it
    /// has ended (its end, a limit, or the bytes sent reaching [`MAX_SENT_BYTES`]).
    pub fn advance(&mut self, steps: usize) -> Result<bool, JsError> {
        let too_big = self.too_big;
        let run = self.running()?;
        Ok(too_big || run.advance(steps))
    }

    /// The next at most `max_steps` recorded steps not yet handed out, as the JSON text that
    /// [`Simulator::import_steps`] takes, or `undefined` when none are left. The worker
    /// forgets them.
    pub fn take_chunk(&mut self, max_steps: usize) -> Result<JsValue, JsError> {
        if self.pending.is_empty() {
            let history = self.running()?.machine_mut().history_mut();
            let (steps, deltas) = history.take_before(history.len());
            self.pending.extend(steps.into_iter().zip(deltas));
        }
        if self.pending.is_empty() {
            return Ok(JsValue::UNDEFINED);
        }
        let n = max_steps.clamp(1, self.pending.len());
        let pairs: Vec<(Step, PictureDelta)> = self.pending.drain(..n).collect();
        self.bytes_sent += pairs.iter().map(held_bytes).sum::<usize>();
        self.too_big = self.bytes_sent >= MAX_SENT_BYTES;
        // JSON text: a string crosses to the page far faster than an object tree.
        Ok(stream::chunk(&pairs).map_err(js_error)?.to_string().into())
    }

    /// The transcript entries `[{cursor, kind, line, text}]` recorded since the last call.
    pub fn take_output(&mut self) -> Result<JsValue, JsError> {
        let from = self.output_sent;
        let run = self.running()?;
        let output = &run.report().output;
        let fresh = output.get(from..).unwrap_or_default();
        let value = to_js(fresh)?;
        self.output_sent = output.len();
        Ok(value)
    }

    /// Statements executed so far.
    pub fn statements(&self) -> usize {
        self.run.as_ref().map_or(0, |run| run.report().statements)
    }

    /// The run's report so far, as [`Simulator::load_script`] gives it (`{steps,
    /// statements, output, errors, stopped, last}`), with `stopped` set when the chunks
    /// reached [`MAX_SENT_BYTES`].
    pub fn report(&self) -> Result<JsValue, JsError> {
        let run = match &self.run {
            Ok(run) => run,
            Err(errors) => {
                return to_js(&super::session::RunReport {
                    errors: errors.clone(),
                    ..Default::default()
                })
            }
        };
        let mut report = run.report().clone();
        if self.too_big && report.stopped.is_none() {
            let line = report.last.as_ref().map_or(1, |l| l.line);
            report.stopped = Some(ErrorView {
                line,
                col: 1,
                message: format!(
                    "stopped after {} steps: their pictures reached {} MB, the most one run keeps; make the script do less",
                    report.steps,
                    MAX_SENT_BYTES >> 20
                ),
            });
        }
        to_js(&report)
    }
}

impl WorkerRun {
    fn running(&mut self) -> Result<&mut ScriptRun, JsError> {
        self.run
            .as_mut()
            .map_err(|_| js_error("the script did not parse: nothing runs"))
    }
}

#[wasm_bindgen]
impl Simulator {
    /// Start a new, empty run on a fresh machine with `config` (the value of
    /// [`WorkerRun::config`]); the steps on show are replaced. The chunks of
    /// [`WorkerRun::take_chunk`] follow through [`Simulator::import_steps`]. The machine's
    /// own state stays at its start (the steps carry their pictures), so `reserve`,
    /// `commit`, `access` and `page_out` belong to simulators that run scripts themselves.
    pub fn begin_import(&mut self, config: JsValue) -> Result<(), JsError> {
        let tree: serde_json::Value = config
            .as_string()
            .and_then(|text| serde_json::from_str(&text).ok())
            .ok_or_else(|| js_error("settings that are not JSON"))?;
        let config = stream::read_config(&tree).map_err(js_error)?;
        self.machine = Machine::new(config);
        self.view = Default::default();
        Ok(())
    }

    /// An estimate of the bytes the recorded steps take here (steps, picture deltas and
    /// checkpoints; see `History::heap_bytes`).
    pub fn history_bytes(&self) -> usize {
        self.machine.history().heap_bytes()
    }

    /// Append one chunk of steps from the worker; returns the steps recorded in all.
    pub fn import_steps(&mut self, chunk: JsValue) -> Result<usize, JsError> {
        let tree: serde_json::Value = chunk
            .as_string()
            .and_then(|text| serde_json::from_str(&text).ok())
            .ok_or_else(|| js_error("a chunk of steps that is not JSON"))?;
        let pairs = stream::read_chunk(&tree).map_err(js_error)?;
        let history = self.machine.history_mut();
        for (step, delta) in pairs {
            history.append(step, delta);
        }
        Ok(history.len())
    }
}

/// About how many bytes one step and its delta take in the page's history.
fn held_bytes((step, delta): &(Step, PictureDelta)) -> usize {
    std::mem::size_of::<(Step, PictureDelta)>()
        + step.narration.len()
        + step.events.len() * std::mem::size_of::<crate::sim::Event>()
        + delta.heap_bytes()
}
