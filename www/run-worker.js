// The worker that runs a widget's scripts off the page's main thread (issue 13; README
// "Runs in a worker"). It gets the compiled wasm module once and instantiates its own
// copy; for each run it sends `calls`: the engine calls the run made (bytes, see
// src/sim/journal.rs) with what the program printed, which the page replays on its own
// machine, then `done` with the report, and `study`: the course's study of the script (its
// notes and questions), which runs it once more. A script with questions has its study
// sent first, so that they hold the player before their steps show; any other has it
// after `done`, so that the run ends without waiting for it. A run that fails inside the wasm reports `failed`,
// and the page replaces this worker (a trapped instance cannot be trusted again).
// Protocol in worker-client.js.

import { initSync, WorkerRun, Simulator } from './pkg/pagelab.js';

/** Steps recorded between two messages: a few milliseconds of work. */
const SLICE_STEPS = 2000;

let ready = false;

function run(id, text) {
  const asks = text.includes('//?');
  if (asks) postMessage({ type: 'study', id, study: Simulator.study(text) });
  const job = new WorkerRun(text);
  try {
    for (let ended = false; !ended;) {
      ended = job.advance(SLICE_STEPS);
      const calls = job.take_calls();
      postMessage({ type: 'calls', id, calls, output: job.take_output(), statements: job.statements() }, [calls.buffer]);
    }
    postMessage({ type: 'done', id, report: job.report(), more: !asks });
    if (!asks) postMessage({ type: 'study', id, study: Simulator.study(text) });
  } finally {
    job.free();
  }
}

self.onmessage = ({ data }) => {
  try {
    if (data.type === 'init') {
      initSync({ module: data.module });
      ready = true;
      postMessage({ type: 'ready' });
    } else if (data.type === 'run') {
      if (!ready) throw new Error('the worker has no wasm module');
      run(data.id, data.text);
    }
  } catch (error) {
    // A trap (a panic, or memory that could not grow) or a broken message: this worker
    // is done; the page starts a new one for the next run.
    ready = false;
    postMessage({ type: 'failed', id: data.id ?? null, message: String(error?.message ?? error) });
  }
};
