// The page's side of a run in a Web Worker (README "Runs in a worker"). Each widget has one
// run client; it starts its worker on the first run and keeps it for the next ones. The
// worker's file is a real file next to the page's modules (a blob: or data: worker is
// refused by a strict Content-Security-Policy's worker-src), and it gets the wasm module
// that the page compiled, so the wasm is fetched and compiled once.
//
// Messages from the worker, each with the run's `id`:
//   {type: 'calls', calls, output, statements} the engine calls made (bytes, to replay), new
//                                            transcript entries, statements run so far
//   {type: 'done', report, more}             the run ended; `more`: its study follows
//   {type: 'study', study}                   its study (Simulator.study): first for a script
//                                            with questions, else after `done`
//   {type: 'failed', message}                the wasm trapped; this worker is replaced
// Stop terminates the worker: whatever arrived before stays.

/**
 * Compile the wasm module at `url` once and start the page's own instance with it
 * (`init` is the wasm-bindgen glue's default export). Resolves to the module, which each
 * run client hands to its worker. The bytes are compiled whatever type the host serves.
 */
export async function compileWasm(init, url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url} (HTTP ${response.status})`);
  const module = await WebAssembly.compile(await response.arrayBuffer());
  await init({ module_or_path: module });
  return module;
}

/**
 * A run client for the worker at `url`, given the compiled `module`.
 * `run(text, handlers)`: handlers get `study(study)`, `calls(bytes, output, statements)`,
 * `done(report)` and `failed(message, {unavailable})`; exactly one of done and failed ends
 * the run (a study may still follow done), and nothing is called after `stop()`. `stop()` ends the run on its way (the
 * worker is terminated; a new one serves the next run); `destroy()` ends the worker.
 * @param {{ module: WebAssembly.Module, url: URL | string }} options
 */
export function runClient({ module, url }) {
  let worker = null;
  let id = 0;
  let handlers = null;
  let started = false;
  /** The run on its way has sent `done` (its study may follow). */
  let done = false;

  const kill = () => {
    worker?.terminate();
    worker = null;
  };
  const fail = (message, unavailable) => {
    const h = handlers;
    handlers = null;
    kill();
    h?.failed(message, { unavailable });
  };
  const receive = (from, data) => {
    if (from !== worker) return;
    if (data.type === 'ready') started = true;
    else if (data.type === 'failed') fail(data.message, false);
    else if (handlers && data.id === id) {
      const h = handlers;
      try {
        // The run's handlers stay until its last message: `done`, or the study after it.
        const last = data.type === 'done' ? !data.more : data.type === 'study' && done;
        if (last) handlers = null;
        if (data.type === 'study') h.study(data.study);
        else if (data.type === 'calls') h.calls(data.calls, data.output, data.statements);
        else if (data.type === 'done') {
          done = true;
          h.done(data.report);
        }
      } catch (error) {
        // The page's own side failed: end the run there rather than half-showing it.
        fail(`the steps could not be shown (${error.message ?? error})`, false);
      }
    }
  };
  const start = () => {
    if (worker) return worker;
    try {
      worker = new Worker(url, { type: 'module', name: 'pagelab-run' });
    } catch (error) {
      fail(`the page could not start a worker (${error.message ?? error})`, true);
      return null;
    }
    const w = worker;
    w.onmessage = ({ data }) => receive(w, data);
    // A worker file that cannot be loaded (missing, or refused by the page's policy).
    w.onerror = (event) => {
      event.preventDefault?.();
      if (w === worker) fail(`the worker stopped (${event.message || 'it could not be loaded'})`, !started);
    };
    w.onmessageerror = () => {
      if (w === worker) fail('a message from the worker could not be read', false);
    };
    started = false;
    w.postMessage({ type: 'init', module });
    return w;
  };
  const stop = () => {
    if (!handlers) return;
    handlers = null;
    kill();
  };

  return {
    run(text, h) {
      stop();
      handlers = h;
      done = false;
      id += 1;
      start()?.postMessage({ type: 'run', id, text });
    },
    stop,
    destroy() {
      stop();
      kill();
    },
  };
}
