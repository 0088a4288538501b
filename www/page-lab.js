// <page-lab>: a PageLab scenario inside a blog post, from one tag:
//
//   <script type="module" src="/pagelab/page-lab.js"></script>
//   <page-lab frames="4" policy="fifo">p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);</page-lab>
//
// The wasm module is fetched next to this file (relative to import.meta.url) and started
// once per page; every element then gets its own Simulator handle and its own widget in a
// shadow root, and runs its scripts in a worker of its own (run-worker.js, next to this
// file), so no script can freeze the post. Nothing is global but the element's definition and the shared module
// promise; no listener sits outside the element; removing the element frees its handle.

import init, { Simulator } from './pkg/pagelab.js';
import { mount } from './widget.js';
import { compileWasm } from './worker-client.js';
import { readOptions, readInlineScript, fetchScript } from './element/options.js';
import { buildView, report, styleSheet } from './element/view.js';

let started = null;

/** Start the wasm module once for the page; a failed start may be retried. Resolves to
 * the compiled module, which each element's worker instantiates for itself. */
function start() {
  started ??= compileWasm(init, new URL('./pkg/pagelab_bg.wasm', import.meta.url))
    .catch((error) => {
      started = null;
      throw error;
    });
  return started;
}

/** The `<page-lab>` element. See the README, "Embedding in a blog". */
export class PageLabElement extends HTMLElement {
  static observedAttributes = ['src', 'frames', 'policy', 'step', 'autoplay', 'height'];

  #shadow;
  #view = null;
  #handle = null;
  /** Bumped by every render and removal; an older render that wakes up stops. */
  #generation = 0;
  #abort = null;
  #observer = null;
  #queued = false;
  /** The cursor to come back to when a removed element is put back. */
  #resume = null;
  #state = 'idle';
  #freed = 0;
  /** The inline script the widget runs (null while loading, or when it comes from src=). */
  #source = null;

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: 'open' });
    this.#shadow.adoptedStyleSheets = [styleSheet()];
  }

  connectedCallback() {
    // The script is the element's text: edits to it re-run the scenario. Changes that leave
    // the text as it was (a highlighter wrapping the code in spans) do not.
    this.#observer = new MutationObserver(() => {
      if (!this.#sameScript()) this.#queueRender();
    });
    this.#observer.observe(this, { childList: true, characterData: true, subtree: true });
    this.#render();
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    this.#observer = null;
    this.#resume = this.#teardown() ?? this.#resume;
    this.#shadow.replaceChildren();
    this.#state = 'idle';
  }

  attributeChangedCallback(name, old, value) {
    if (old !== value && this.isConnected && this.#view) this.#queueRender();
  }

  /** The mounted widget `{ simulator, player, destroy }`, or null (for tools and tests). */
  get pagelab() {
    return this.#handle;
  }

  /**
   * What the element is doing, for tests and debugging: `state` is idle, loading, ready or
   * error; `handles` is 1 while it holds a Simulator; `freed` counts the handles it freed.
   */
  debugState() {
    const root = this.#view?.root;
    return {
      state: this.#state,
      handles: this.#handle ? 1 : 0,
      freed: this.#freed,
      cursor: this.#handle ? this.#handle.player.cursor : null,
      steps: this.#handle ? this.#handle.player.count : null,
      painted: root?.dataset.painted ?? null,
      problems: [...(this.#view?.problems.children ?? [])].map((p) => p.textContent),
    };
  }

  /** True when the element's inline script is still the one the widget runs. */
  #sameScript() {
    if (this.#source === null) return false;
    try {
      return readInlineScript(this).text === this.#source;
    } catch {
      return false;
    }
  }

  #queueRender() {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      if (this.isConnected) this.#render();
    });
  }

  /** Destroy the widget (freeing its Simulator); returns the cursor it was at. */
  #teardown() {
    this.#generation += 1;
    this.#abort?.abort();
    this.#abort = null;
    if (!this.#handle) return null;
    const cursor = this.#handle.player.cursor;
    this.#handle.destroy();
    this.#handle = null;
    this.#freed += 1;
    return cursor;
  }

  #setState(state) {
    this.#state = state;
    this.#view.root.dataset.state = state;
  }

  async #render() {
    const resume = this.#teardown() ?? this.#resume;
    this.#resume = null;
    this.#source = null;
    const generation = this.#generation;
    const options = readOptions(this);
    const view = buildView(options);
    this.#view = view;
    this.#shadow.replaceChildren(view.root);
    this.#state = 'loading';
    for (const problem of options.problems) report(view, problem);

    let text;
    try {
      if (options.src) {
        this.#abort = new AbortController();
        text = await fetchScript(options.src, this.baseURI, this.#abort.signal);
      } else {
        const inline = readInlineScript(this);
        for (const note of inline.notes) report(view, note);
        text = inline.text;
        this.#source = text;
      }
      if (text.trim() === '') {
        throw new Error('This <page-lab> has no script: write the C code between <page-lab> and </page-lab>, or give src="file.c".');
      }
      await start();
    } catch (error) {
      if (generation === this.#generation) this.#fail(`PageLab: ${error.message ?? error}`);
      return;
    }
    if (generation !== this.#generation || !this.isConnected) return;

    // The attributes are written into the script as a `#pragma pagelab` line at its end,
    // where the last setting wins and no line of the author's script moves, so messages
    // keep its line numbers (mount() then finds this line and keeps it as it is).
    const knobs = Object.entries(options.settings).map(([key, value]) => `${key}=${value}`);
    if (knobs.length) text = `${text}\n#pragma pagelab ${knobs.join(' ')}\n`;

    let module;
    try {
      module = await start();
    } catch (error) {
      if (generation === this.#generation) this.#fail(`PageLab: ${error.message ?? error}`);
      return;
    }
    if (generation !== this.#generation || !this.isConnected) return;
    try {
      this.#handle = mount(view.root, {
        Simulator,
        worker: { module, url: new URL('./pkg/run-worker.js', import.meta.url) },
        script: text,
        step: resume ?? options.step,
        autoplay: resume === null && options.autoplay,
        settings: options.settings,
      });
    } catch (error) {
      this.#fail(`PageLab could not start: ${error.message ?? error}`);
      return;
    }
    const handle = this.#handle;
    await handle.ready;
    if (generation !== this.#generation || this.#handle !== handle) return;
    const { player } = handle;
    if (resume === null && options.step > player.count) {
      report(view, `step=${options.step} is past the last step of this script (${player.count}); showing step ${player.cursor}.`);
    }
    this.#setState('ready');
  }

  #fail(message) {
    report(this.#view, message);
    this.#setState('error');
  }
}

if (!customElements.get('page-lab')) customElements.define('page-lab', PageLabElement);
