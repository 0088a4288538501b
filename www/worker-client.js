// The page's side of a run in a Web Worker (README "How it works"). Each widget has one
// RunClient; it starts its worker on the first run and keeps it for the next ones. The
// worker's file is a real file next to the page's modules (a blob: or data: worker is
// refused by a strict Content-Security-Policy's worker-src), and it gets the wasm module
// that the page compiled, so the wasm is fetched and compiled once.
//
// Messages from the worker, each with the run's `id`:
//   {type: 'study', study}                   a script with questions: its study (Simulator.study), first
//   {type: 'calls', calls, output, statements} the engine calls made (bytes, to replay), new
//                                            transcript entries, statements run so far
//   {type: 'done', report}                   the run ended (report.study: its study, unless sent first)
//   {type: 'failed', message}                the wasm trapped; this worker is replaced
// Stop terminates the worker: whatever arrived before stays.

/**
 * Compile the wasm module at `url` once and start the page's own instance with it
 * (`init` is the wasm-bindgen glue's default export). Resolves to the module, which
 * RunClient hands to each worker.
 */
export async function compileWasm(init, url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url} (HTTP ${response.status})`);
  const module = await WebAssembly.compileStreaming(response).catch(async () => {
    // A host that serves .wasm without application/wasm: compile the bytes instead.
    const again = await fetch(url);
    return WebAssembly.compile(await again.arrayBuffer());
  });
  await init({ module_or_path: module });
  return module;
}

export class RunClient {
  /** @param {{ module: WebAssembly.Module, url: URL | string }} options */
  constructor({ module, url }) {
    this.module = module;
    this.url = url;
    this.worker = null;
    this.id = 0;
    this.handlers = null;
  }

  /**
   * Run `text` in the worker. `handlers` get `study(study)`, `calls(bytes, output,
   * statements)`, `done(report)` and `failed(message, {unavailable})`; exactly one of
   * done and failed ends the run (nothing is called after `stop()`).
   */
  run(text, handlers) {
    this.stop();
    this.handlers = handlers;
    this.id += 1;
    const worker = this.#worker();
    if (worker) worker.postMessage({ type: 'run', id: this.id, text });
  }

  /** True while a run is going. */
  get running() {
    return this.handlers !== null;
  }

  /** End the current run at once (the worker is terminated; a new one serves the next run). */
  stop() {
    if (!this.handlers) return;
    this.handlers = null;
    this.#kill();
  }

  destroy() {
    this.stop();
    this.#kill();
  }

  #worker() {
    if (this.worker) return this.worker;
    try {
      this.worker = new Worker(this.url, { type: 'module', name: 'pagelab-run' });
    } catch (error) {
      this.#fail(`the page could not start a worker (${error.message ?? error})`, true);
      return null;
    }
    const worker = this.worker;
    worker.onmessage = ({ data }) => this.#receive(worker, data);
    // A worker file that cannot be loaded (missing, or refused by the page's policy).
    worker.onerror = (event) => {
      event.preventDefault?.();
      if (worker === this.worker) this.#fail(`the worker stopped (${event.message || 'it could not be loaded'})`, !this.started);
    };
    worker.onmessageerror = () => {
      if (worker === this.worker) this.#fail('a message from the worker could not be read', false);
    };
    this.started = false;
    worker.postMessage({ type: 'init', module: this.module });
    return worker;
  }

  #kill() {
    this.worker?.terminate();
    this.worker = null;
  }

  #fail(message, unavailable) {
    const handlers = this.handlers;
    this.handlers = null;
    this.#kill();
    handlers?.failed(message, { unavailable });
  }

  #receive(worker, data) {
    if (worker !== this.worker) return;
    if (data.type === 'ready') {
      this.started = true;
      return;
    }
    if (data.type === 'failed') {
      this.#fail(data.message, false);
      return;
    }
    const handlers = this.handlers;
    if (!handlers || data.id !== this.id) return;
    try {
      if (data.type === 'study') handlers.study(data.study);
      else if (data.type === 'calls') handlers.calls(data.calls, data.output, data.statements);
      else if (data.type === 'done') {
        this.handlers = null;
        handlers.done(data.report);
      }
    } catch (error) {
      // The page's own side failed: end the run there rather than half-showing it.
      this.#fail(`the steps could not be shown (${error.message ?? error})`, false);
    }
  }
}
