//! Runs off the page's main thread (issue 13; README "Runs in a worker"). The page's Web
//! Worker (`www/run-worker.js`) runs a script with a [`WorkerRun`] of its own wasm
//! instance: the interpreter, its limits and any failure stay there, and the machine
//! records steps without pictures and keeps a journal of its calls
//! (`crate::sim::journal`). The page's [`Simulator`] makes those calls again on its own
//! machine a few at a time ([`Simulator::replay`]), which records the same steps with
//! their pictures (a machine is deterministic), so painting, pictures and the step API
//! stay synchronous on the page and nothing but a few bytes per call crosses over.

use wasm_bindgen::prelude::*;

use super::json::Json;
use super::session::TranscriptEntry;
use super::session::{self, ScriptRun};
use super::{js_error, Simulator};
use crate::script;
use crate::sim::{Machine, Recording};

/// Most bytes (as `History::bytes` estimates them) of the steps a replayed run keeps in
/// the page: past this the page stops the run, so its copy stays within a known bound.
pub const MAX_REPLAY_BYTES: usize = 96 << 20;

/// A script running in the worker, handed out a slice at a time.
///
/// ```js
/// const run = new WorkerRun(text); // throws with the first error when it does not parse
/// for (let ended = false; !ended; ) {
///   ended = run.advance(2000);
///   const calls = run.take_calls();
///   postMessage({ calls, output: run.take_output() }, [calls.buffer]);
/// }
/// postMessage({ report: run.report() });
/// run.free();
/// ```
#[wasm_bindgen]
pub struct WorkerRun {
    run: ScriptRun,
    /// Transcript entries already handed out.
    output_sent: usize,
}

#[wasm_bindgen]
impl WorkerRun {
    /// Parse `text` and build its machine; nothing runs until [`WorkerRun::advance`].
    /// Throws when it does not parse (the page parses first and shows the errors).
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str) -> Result<WorkerRun, JsError> {
        let run = ScriptRun::start(text, true)
            .map_err(|_| js_error("the script does not parse: nothing runs"))?;
        Ok(WorkerRun {
            run,
            output_sent: 0,
        })
    }

    /// Run until at least `steps` more steps are recorded or the run ends; true once it
    /// has ended (its end, or a limit). The steps themselves are forgotten here: the
    /// page records them again from the calls. The last is kept: later accesses may
    /// join it (docs/steps.md).
    pub fn advance(&mut self, steps: usize) -> bool {
        let ended = self.run.advance(steps);
        let machine = self.run.machine_mut();
        machine.forget_steps_before(machine.history().len().saturating_sub(1));
        ended
    }

    /// The bytes of the engine calls made since the last take, for
    /// [`Simulator::queue_calls`].
    pub fn take_calls(&mut self) -> Vec<u8> {
        self.run.machine_mut().take_journal()
    }

    /// The transcript entries `[{cursor, kind, line, text}]` recorded since the last call.
    pub fn take_output(&mut self) -> Result<JsValue, JsError> {
        let output = &self.run.report().output;
        let mut j = Json::default();
        TranscriptEntry::list_json(output.get(self.output_sent..).unwrap_or_default(), &mut j);
        self.output_sent = output.len();
        j.finish()
    }

    /// Statements executed so far.
    pub fn statements(&self) -> usize {
        self.run.report().statements
    }

    /// The run's report so far, as [`Simulator::load_script`] gives it (`{steps,
    /// statements, output, errors, stopped, last}`).
    pub fn report(&self) -> Result<JsValue, JsError> {
        self.run.report().json()
    }
}

#[wasm_bindgen]
impl Simulator {
    /// Parse `text` and, when it parses, start a fresh machine with its settings, on
    /// which the calls of its run in the worker are replayed ([`Simulator::queue_calls`],
    /// [`Simulator::replay`]); the steps on show are replaced. False when it does not
    /// parse: nothing changes (`load_script` then reports the errors).
    pub fn begin_replay(&mut self, text: &str) -> bool {
        let Ok(program) = session::parse(text) else {
            return false;
        };
        let config = script::machine_config(&program);
        let old = std::mem::replace(
            &mut self.machine,
            Machine::with_recording(config, Recording::Pictures),
        );
        // Freeing the old steps at once took up to 50 ms: `replay` frees them in pieces.
        self.dropping = Some(old);
        self.replay = Default::default();
        self.view = Default::default();
        true
    }

    /// Queue the calls of [`WorkerRun::take_calls`].
    pub fn queue_calls(&mut self, calls: &[u8]) {
        self.replay.queue(calls);
    }

    /// Replay queued calls until at least `steps` more steps are recorded, `64 × steps`
    /// calls are made (accesses that join a step record none, docs/steps.md), none are
    /// left, or the steps reach [`MAX_REPLAY_BYTES`]. Returns 1 while calls wait (or the
    /// steps of the run before are still being freed, at most 1,024 a call), 0 when
    /// none do, and 2 once the steps have reached that bound (the run should stop there).
    /// Each call is small (a `memset` arrives one page at a time), so a caller that
    /// checks the clock between two of these keeps its thread free.
    pub fn replay(&mut self, steps: usize) -> Result<u8, JsError> {
        if let Some(old) = &mut self.dropping {
            if old.shed(1024) {
                return Ok(1);
            }
            self.dropping = None;
        }
        let until = self.machine.history().len().saturating_add(steps);
        let mut calls = steps.saturating_mul(64);
        while self.replay.pending() && self.machine.history().len() < until && calls > 0 {
            calls -= 1;
            if self.machine.history().bytes() >= MAX_REPLAY_BYTES {
                return Ok(2);
            }
            self.replay
                .next(&mut self.machine)
                .map_err(|_| js_error("a call from the worker is broken"))?;
        }
        Ok(u8::from(self.replay.pending()))
    }

    /// An estimate of the bytes the recorded steps take here (steps, picture deltas and
    /// checkpoints; see `History::bytes`).
    pub fn history_bytes(&self) -> usize {
        self.machine.history().bytes()
    }
}
