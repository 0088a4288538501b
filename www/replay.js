// One widget's runs (README "Runs in a worker"): with a worker, the script runs there and
// the page's simulator replays the engine calls it sends, a slice of at most SLICE_MS at a
// time, so the steps show as they come and the page stays responsive; after about 200 ms a
// progress line and Stop appear. Stop, a failure in the worker and too many pictures end
// the run early, with the steps replayed so far. Without a worker, a run happens at once on
// the calling thread. What a run shows is the widget's: this module says when.

import { runClient } from './worker-client.js';

/** What a run that did not happen reports (parse errors, or nothing yet). */
const NO_RUN = Object.freeze({
  steps: 0, statements: 0, output: [], errors: [], stopped: null, last: null,
  study: { intro: '', notes: [], takeaway: null, statements: [], questions: [] },
});
/** Milliseconds of replay in one slice of the page's thread; with the markers of the steps
 * replayed, a slice stays well under a long task (50 ms) even on a busy machine. */
const SLICE_MS = 4;
/** Steps replayed between two looks at the clock. */
const REPLAY_STEPS = 16;

/**
 * Attach the runs of one widget. `root` gets data-running ('true' while a run streams in),
 * data-runner and data-slow, and its Stop button ([data-action=stop]) shows while a slow
 * run streams in.
 * @param {HTMLElement} root the widget root
 * @param {{
 *   sim: any, player: Player,
 *   worker?: {module, url},     // run scripts in a Web Worker (worker-client.js)
 *   begin: (text: string, output: object[], markers: object[], study: object) => (study: object) => void,
 *                               // a run starts in the worker: show none of its steps yet;
 *                               // `output` and `markers` fill as its transcript and steps
 *                               // come, `study` is empty; returns what shows its study
 *   progress: (statements: number) => void,  // show how far a slow run is
 *   finish: (text: string, report: object, how: object, streamed: boolean) => object,
 *                               // show a run's report (`streamed`: its markers and study
 *                               // came along the way), and return it
 * }} options
 * @returns {{ run: (text: string, how?: object) => object | Promise<object>,
 *             stop: () => void, destroy: () => void }}
 */
export function attachReplay(root, { sim, player, worker, begin, progress, finish }) {
  // The run on its way, if any, whose calls this thread replays a slice at a time (slices
  // follow each other through `ticker`).
  const runs = worker ? runClient(worker) : null;
  let pending = null;
  const ticker = runs ? new MessageChannel() : null;
  if (ticker) ticker.port1.onmessage = () => slice();

  function setStop(hidden) {
    const b = root.querySelector('[data-action=stop]');
    if (b) b.hidden = hidden;
  }

  /**
   * Run `text` in the worker: this thread replays the engine calls it makes. Resolves to
   * the run's report when it ends, fails or is stopped; a failed or stopped run keeps its
   * steps.
   */
  function runInWorker(text, how) {
    stopRun();
    // A script that does not parse runs nowhere: load_script reports its errors at once.
    if (!sim.begin_replay(text)) return Promise.resolve(finish(text, sim.load_script(text), how));
    return new Promise((resolve) => {
      const run = { text, how, resolve, statements: 0, output: [], markers: [], report: null, failure: null, queued: false, drawn: 0 };
      pending = run;
      root.dataset.running = 'true';
      root.dataset.runner = 'worker';
      run.timer = setTimeout(() => showProgress(run, true), 200);
      const study = begin(text, run.output, run.markers, NO_RUN.study);
      runs.run(text, {
        study,
        calls(bytes, output, statements) {
          sim.queue_calls(bytes);
          for (const entry of output) run.output.push(entry);
          run.statements = statements;
          queueSlice(run);
        },
        done(report) {
          run.report = report;
          queueSlice(run);
        },
        failed(message, { unavailable }) {
          if (unavailable && pending === run && sim.step_count() === 0) {
            // No worker here (a policy refused its file): run on this thread instead.
            root.dataset.runner = 'page';
            endRun(run, sim.load_script(text), how, false);
            return;
          }
          run.failure = message;
          queueSlice(run);
        },
      });
    });
  }

  function queueSlice(run) {
    if (pending !== run || run.queued) return;
    run.queued = true;
    ticker.port2.postMessage(0);
  }

  /** Replay the calls that came, for at most SLICE_MS; end the run once all are in. */
  function slice() {
    const run = pending;
    if (!run) return;
    run.queued = false;
    const before = sim.step_count();
    const start = performance.now();
    // 1: calls wait; 0: none; 2: the steps reached the most a page keeps.
    let more = 0;
    try {
      do more = sim.replay(REPLAY_STEPS); while (more === 1 && performance.now() - start < SLICE_MS);
    } catch (error) {
      cut(run, `its steps could not be replayed (${error.message ?? error})`);
      return;
    }
    const count = sim.step_count();
    if (count > before) {
      for (const m of sim.markers(before, count)) run.markers.push(m);
      player.setCount(count);
      showProgress(run, false);
    }
    if (more === 2) {
      cut(run, `their pictures reached ${Math.round(sim.history_bytes() / 2 ** 20)} MB, the most a page keeps; make the script do less`);
    } else if (more) {
      queueSlice(run);
    } else if (run.report) {
      // In a task of its own: showing the end lays the page out, which on top of a slice
      // of replay made one long task.
      setTimeout(() => pending === run && endRun(run, run.report));
    } else if (run.failure) {
      cut(run, `the run failed inside the simulator (${run.failure}); the steps before it are shown`);
    }
  }

  /** End `run` with `report` (see `finish`). */
  function endRun(run, report, how = run.how, streamed = true) {
    clearTimeout(run.timer);
    if (pending === run) pending = null;
    root.dataset.running = 'false';
    setStop(true);
    run.resolve(finish(run.text, report, how, streamed));
  }

  /** End `run` before its end (the worker goes) with what arrived, and why. */
  function cut(run, why, how) {
    runs.stop();
    const count = sim.step_count();
    const line = count ? sim.step(count).line ?? 1 : 1;
    const stopped = { line, col: 1, message: `stopped after ${count} steps: ${why}` };
    endRun(run, { ...NO_RUN, steps: count, statements: run.statements, output: run.output, stopped }, how);
  }

  /** Stop the run on its way, if any: the steps replayed so far stay viewable. */
  function stopRun() {
    if (pending) cut(pending, 'you pressed Stop', { step: player.cursor });
  }

  function showProgress(run, due) {
    if (pending !== run) return;
    const now = performance.now();
    if (!due && (root.dataset.slow !== 'true' || now - run.drawn < 100)) return;
    run.drawn = now;
    root.dataset.slow = 'true';
    setStop(false);
    progress(run.statements);
  }

  setStop(true);

  return {
    /**
     * Run `text`: on success the new steps replace the old ones and the player goes to
     * `how.step` (or plays on from `how.playFrom`); on parse errors they are shown and the
     * steps on show stay as they were (`finish` shows either). Returns the run's report
     * (with a worker, a promise of it).
     */
    run: (text, how = {}) => (runs ? runInWorker(text, how) : finish(text, sim.load_script(text), how)),
    /** Stop the run on its way, if any: the steps replayed so far stay viewable. */
    stop: stopRun,
    destroy() {
      if (pending) clearTimeout(pending.timer);
      pending = null;
      runs?.destroy();
      ticker?.port1.close();
    },
  };
}
