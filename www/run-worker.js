// The worker that runs a widget's scripts off the page's main thread (README "How it
// works"). It gets the compiled wasm module once, instantiates its own copy, and for each
// run sends: `start` (the machine's settings), then `chunk`s of recorded steps with what
// the program printed, then `done` with the report. Nothing is kept between runs but the
// wasm instance; a run that fails inside the wasm reports `failed`, and the page replaces
// this worker (a trapped instance cannot be trusted again). Protocol in worker-client.js.

import { initSync, WorkerRun, Simulator } from './pkg/pagelab.js';

/** Steps recorded between two looks at the clock; a slice is a few milliseconds. */
const SLICE_STEPS = 2000;
/** Steps per chunk: small enough that the page imports one well under 50 ms. */
const CHUNK_STEPS = 200;

let ready = false;

function run(id, text) {
  const job = new WorkerRun(text);
  try {
    const errors = job.errors();
    if (errors.length) {
      postMessage({ type: 'done', id, report: job.report() });
      return;
    }
    postMessage({ type: 'start', id, config: job.config() });
    for (let ended = false; !ended;) {
      ended = job.advance(SLICE_STEPS);
      for (let chunk; (chunk = job.take_chunk(CHUNK_STEPS)) !== undefined;) {
        postMessage({ type: 'chunk', id, chunk, output: job.take_output(), statements: job.statements() });
      }
    }
    // The course's study of the script (its notes and questions) runs it once more,
    // here rather than on the page's thread.
    postMessage({ type: 'done', id, report: { ...job.report(), study: Simulator.study(text) } });
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
    postMessage({ type: 'failed', id: data.id ?? null, message: String(error?.message ?? error) });
    ready = false;
  }
};
