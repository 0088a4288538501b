// The Compare view: one reference string under FIFO, LRU, CLOCK, OPT and RANDOM side by
// side (lanes over a window, stepping and scrubbing) and every policy's faults against
// frames as a chart. All simulation runs in compare-worker.js; this module owns the DOM,
// the controls and the share link (#…, untrusted: parsed with limits, shown as text).

import { drawCurves } from './compare-curve.js';
import { drawLanes } from './compare-lanes.js';
import { reportHeight } from './embed-height.js';
import { decodeScript } from './share.js';

const BELADY = '1 2 3 4 1 2 5 1 2 3 4 5';
const WINDOW = 16;
const MAX_TEXT = 2_000_000;

const root = document.querySelector('[data-compare]');
const $ = (role) => root.querySelector(`[data-role=${role}]`);
const worker = new Worker(new URL('./compare-worker.js', import.meta.url), { type: 'module' });
let nextId = 0;
const waiting = new Map();
worker.onmessage = ({ data }) => {
  const done = waiting.get(data.id);
  waiting.delete(data.id);
  // Tests and the benchmark wait for this: nothing asked is still out (drawing follows
  // in this same task).
  root.dataset.idle = String(waiting.size === 0);
  if (data.error) done?.reject(new Error(data.error));
  else done?.resolve(data);
};

/** Ask the worker; resolves to its reply. */
function ask(op, fields = {}) {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    root.dataset.idle = 'false';
    worker.postMessage({ id, op, ...fields });
  });
}

const state = { source: 'typed', encoded: '', text: BELADY, seed: 1, length: 40, universe: 8, frames: 3, max: 8, step: 0, length_: 0, embed: false };

function clampInt(text, low, high, fallback) {
  const n = Number.parseInt(String(text), 10);
  return Number.isFinite(n) ? Math.min(high, Math.max(low, n)) : fallback;
}

/** Read the share state from the fragment (untrusted). */
function readFragment() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const source = params.get('src');
  if (source === 'gen' || source === 'typed' || source === 'example') state.source = source;
  // A trace lesson of the index page names its bundled trace (the one there is).
  if (params.get('trace') === 'matrix-walk') state.source = 'example';
  // A script from the index page (its share encoding): the view replays its page references.
  const encoded = params.get('s');
  if (encoded !== null) {
    state.source = 'script';
    state.encoded = encoded;
  }
  const ref = params.get('ref');
  if (ref !== null) state.text = ref.slice(0, 10_000);
  state.seed = clampInt(params.get('seed'), 0, 2 ** 31, state.seed);
  state.length = clampInt(params.get('len'), 1, 200_000, state.length);
  state.universe = clampInt(params.get('pages'), 1, 1_000_000, state.universe);
  state.frames = clampInt(params.get('frames'), 1, 64, state.frames);
  state.max = clampInt(params.get('max'), 1, 64, state.max);
  state.step = clampInt(params.get('step'), 0, 10_000_000, 0);
  if (params.get('embed') === '1') {
    state.embed = true;
    document.documentElement.dataset.embed = 'true';
    reportHeight(root);
  }
}

/** The share link of what is on screen (an imported file cannot travel in a link). */
function shareLink() {
  const params = new URLSearchParams();
  if (state.source === 'script') params.set('s', state.encoded);
  else params.set('src', state.source === 'file' ? 'typed' : state.source);
  if (state.source === 'typed') params.set('ref', state.text);
  if (state.source === 'gen') {
    params.set('seed', state.seed);
    params.set('len', state.length);
    params.set('pages', state.universe);
  }
  params.set('frames', state.frames);
  params.set('max', state.max);
  params.set('step', state.step);
  if (state.embed) params.set('embed', '1');
  const url = new URL(window.location.href);
  url.hash = params.toString();
  return url.toString();
}

function status(message, kind = '') {
  const line = $('status');
  line.textContent = message;
  line.dataset.kind = kind;
}

function syncControls() {
  $('source').value = state.source;
  $('ref').value = state.text;
  $('seed').value = state.seed;
  $('length').value = state.length;
  $('universe').value = state.universe;
  $('frames').value = state.frames;
  $('max').value = state.max;
  for (const part of root.querySelectorAll('[data-source]')) part.hidden = part.dataset.source !== state.source;
}

/** Load the string the controls describe into the worker, then redraw everything. */
async function load(fileText = null) {
  root.dataset.idle = 'false';
  status('Working…');
  try {
    let reply;
    if (state.source === 'gen') {
      reply = await ask('generate', { seed: state.seed, length: state.length, universe: state.universe });
    } else if (state.source === 'script') {
      reply = await ask('script', { text: await decodeScript(state.encoded) });
      reply.format = 'the script\'s page references';
    } else if (state.source === 'example') {
      const response = await fetch(new URL('./traces/matrix-walk.trace', import.meta.url));
      if (!response.ok) throw new Error('the example trace could not be fetched');
      reply = await ask('parse', { text: await response.text(), format: 'pages', pageSize: 4096 });
    } else {
      const text = fileText ?? state.text;
      if (text.length > MAX_TEXT && fileText === null) throw new Error('the string is too long to type here; import it as a file');
      const format = state.source === 'file' ? $('format').value : 'pages';
      const pageSize = clampInt($('page-size').value, 1, 2 ** 30, 4096);
      reply = await ask('parse', { text, format, pageSize });
    }
    state.length_ = reply.length;
    if (reply.length === 0) throw new Error('the reference string is empty');
    const cut = reply.total > reply.length
      ? ` The page keeps the first ${reply.length.toLocaleString('en')} of ${reply.total.toLocaleString('en')} accesses (pagelab trace on the command line streams all of them).`
      : '';
    $('note').textContent = `${reply.length.toLocaleString('en')} accesses${reply.format ? ` (read as ${reply.format})` : ''}. Lanes show a window of ${WINDOW} accesses ending at the current one.${cut}`;
    state.step = Math.min(state.step, reply.length - 1);
    await Promise.all([curves(), lanes()]);
    status('');
  } catch (error) {
    status(`Could not read the reference string: ${error.message}`, 'error');
  }
  root.dataset.idle = String(waiting.size === 0);
}

async function curves() {
  const reply = await ask('curves', { max: state.max, seed: state.seed });
  drawCurves($('curves'), reply.curves, state.frames);
  $('curves').dataset.ms = reply.ms.toFixed(1);
}

async function lanes() {
  const scrub = $('scrub');
  scrub.max = String(state.length_ - 1);
  scrub.value = String(state.step);
  $('position').textContent = `access ${state.step + 1} of ${state.length_}`;
  const start = Math.max(0, state.step - WINDOW + 1);
  const reply = await ask('lanes', {
    frames: state.frames, seed: state.seed, start, len: state.step - start + 1, upto: state.step + 1,
  });
  drawLanes($('lanes'), reply.lanes, state.frames, start, state.step);
  $('share-link').value = shareLink();
}

function go(step) {
  state.step = Math.max(0, Math.min(state.length_ - 1, step));
  lanes().catch((e) => status(e.message, 'error'));
}

function readControls() {
  state.source = $('source').value;
  if (state.source === 'script' && !state.encoded) state.source = 'typed';
  state.text = $('ref').value;
  state.seed = clampInt($('seed').value, 0, 2 ** 31, 1);
  state.length = clampInt($('length').value, 1, 200_000, 40);
  state.universe = clampInt($('universe').value, 1, 1_000_000, 8);
  state.frames = clampInt($('frames').value, 1, 64, 3);
  state.max = clampInt($('max').value, 1, 64, 8);
  syncControls();
}

root.querySelector('[data-form=source]').addEventListener('submit', (event) => {
  event.preventDefault();
  readControls();
  state.step = 0;
  // Busy from the click on: reading a file takes a moment before load() starts.
  root.dataset.idle = 'false';
  if (state.source === 'file') {
    const file = $('file').files?.[0];
    if (!file) {
      status('Choose a file to import.', 'error');
      root.dataset.idle = 'true';
      return;
    }
    file.text().then((text) => load(text), () => {
      status('The file could not be read.', 'error');
      root.dataset.idle = 'true';
    });
  } else {
    load();
  }
});
$('source').addEventListener('change', () => { state.source = $('source').value; syncControls(); });
for (const role of ['frames', 'max']) {
  $(role).addEventListener('change', () => { readControls(); Promise.all([curves(), lanes()]).catch((e) => status(e.message, 'error')); });
}
root.querySelector('[data-action=belady]').addEventListener('click', () => {
  Object.assign(state, { source: 'typed', text: BELADY, frames: 4, max: 6, step: 11 });
  syncControls();
  load();
});
root.querySelector('[data-action=back]').addEventListener('click', () => go(state.step - 1));
root.querySelector('[data-action=step]').addEventListener('click', () => go(state.step + 1));
root.querySelector('[data-action=start]').addEventListener('click', () => go(0));
root.querySelector('[data-action=end]').addEventListener('click', () => go(state.length_ - 1));
$('scrub').addEventListener('input', () => go(Number($('scrub').value)));
root.addEventListener('keydown', (event) => {
  if (event.target.closest('input, textarea, select')) return;
  if (event.key === 'ArrowRight') go(state.step + 1);
  else if (event.key === 'ArrowLeft') go(state.step - 1);
  else return;
  event.preventDefault();
});

readFragment();
syncControls();
load();
