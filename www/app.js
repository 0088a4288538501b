// PageLab's page: read the scenario from the address (a shared script in the fragment, or
// `?lesson=NAME`), load the wasm module, and mount the widget. The address is untrusted:
// share.js decodes it with limits, lessons are picked only from the index, and every
// problem becomes a sentence in the status line while the page opens the default lesson.

import init, { Simulator } from './pkg/pagelab.js';
import { mount } from './widget.js';
import { compileWasm } from './worker-client.js';
import { readLocation, decodeScript, parseStep, ShareError, shareLink } from './share.js';
import { loadIndex, loadLesson, DEFAULT_SCRIPT } from './lessons.js';
import { finishedLessons } from './course.js';
import { reportHeight } from './embed-height.js';

const root = document.querySelector('[data-pagelab]');
const picker = root.querySelector('[data-role=lessons]');
const summary = root.querySelector('[data-role=lesson-summary]');
const state = readLocation(window.location);
const notices = [];

if (state.embed) {
  document.documentElement.dataset.embed = 'true';
  reportHeight(root);
}

// On a phone the script folds away under the picture (a tap on "Script" opens it), so the
// controls, the narration and the picture share the first screen; wider, it stays open.
// An error's line:col link opens it to show the line.
const fold = root.querySelector('[data-role=script-fold]');
const phone = window.matchMedia('(max-width: 700px)');
const fitFold = () => { fold.open = !phone.matches; };
fitFold();
phone.addEventListener('change', fitFold);
root.querySelector('[data-role=errors]').addEventListener('click', () => { fold.open = true; }, true);

/** Where a message for the reader goes before the widget exists. */
function fail(message) {
  const status = root.querySelector('[data-role=status]');
  if (status) {
    status.textContent = message;
    status.dataset.kind = 'error';
  }
}

async function shared() {
  if (state.encoded === null) return null;
  try {
    return { script: await decodeScript(state.encoded), title: 'Shared scenario', lesson: null };
  } catch (error) {
    notices.push(error instanceof ShareError ? error.message : 'The shared link could not be opened.');
    return null;
  }
}

/** A trace lesson is the Compare view on its bundled trace (the name checked by loadIndex). */
function openTrace(entry, replace) {
  window.location[replace ? 'replace' : 'assign'](`www/compare.html#trace=${entry.trace}&frames=8&max=40${state.embed ? '&embed=1' : ''}`);
}

async function lessonScenario(index) {
  let entry = null;
  if (state.lesson !== null) {
    entry = index.find((l) => l.name === state.lesson) ?? null;
    if (!entry) {
      const shown = state.lesson.length > 60 ? `${state.lesson.slice(0, 60)}…` : state.lesson;
      notices.push(`There is no lesson called "${shown}"; showing the first lesson instead.`);
    }
  }
  entry ??= index[0] ?? null;
  if (entry?.trace) openTrace(entry, true);
  else if (entry) {
    try {
      return { script: await loadLesson(entry), title: entry.title, lesson: entry };
    } catch (error) {
      notices.push(`${error.message}; showing the built-in example.`);
    }
  }
  return { script: DEFAULT_SCRIPT, title: 'Your first VirtualAlloc', lesson: null };
}

function fillPicker(index, current) {
  if (!picker) return;
  const options = index.map((l) => {
    const option = document.createElement('option');
    option.value = l.name;
    option.textContent = finishedLessons().has(l.name) ? `${l.title} ✓` : l.title;
    option.selected = current?.name === l.name;
    return option;
  });
  if (!current) {
    const option = document.createElement('option');
    option.value = '';
    option.textContent = index.length ? 'Your own script' : 'Built-in example';
    option.selected = true;
    options.unshift(option);
  }
  picker.replaceChildren(...options);
  picker.disabled = index.length === 0;
}

function showSummary(lesson) {
  if (summary) summary.textContent = lesson?.summary ?? '';
  // The replacement-policy lessons lead on to the Compare view with the bundled trace.
  const compare = root.querySelector('[data-role=lesson-compare]');
  if (compare) compare.hidden = !lesson?.name?.startsWith('policy-');
}

try {
  const [module, index] = await Promise.all([
    compileWasm(init, new URL('./pkg/pagelab_bg.wasm', import.meta.url)),
    loadIndex().catch((error) => {
      notices.push(`The lessons are not available (${error.message}).`);
      return [];
    }),
  ]);
  const fromLink = await shared();
  const scenario = fromLink ?? (await lessonScenario(index));
  let step = 0;
  if (fromLink || state.encoded === null) {
    const parsed = parseStep(state.stepText);
    if (parsed.problem) notices.push(parsed.problem);
    step = parsed.step;
  }
  fillPicker(index, scenario.lesson);
  showSummary(scenario.lesson);
  // The handle stays on its root element, for tools and tests: root.pagelab.simulator.
  // Scripts run in a worker (run-worker.js), so none can freeze the page.
  // (app-worker.js: the build's copy of run-worker.js that shares this page's glue.)
  const worker = { module, url: new URL('./pkg/app-worker.js', import.meta.url) };
  const widget = mount(root, { Simulator, script: scenario.script, step, title: scenario.title, lesson: scenario.lesson?.name, embed: state.embed, worker });
  root.pagelab = widget;
  if (notices.length) widget.ready.then(() => widget.notify(notices.join(' '), 'error'));
  // The reader ran a script of their own: the picker stops naming the lesson.
  root.addEventListener('pagelab:scenario', () => {
    fillPicker(index, null);
    showSummary(null);
  });
  // The Compare view replays the page references of the script on show (sent as in a share
  // link; that view runs it), with the working set's hard limit as its frames.
  root.querySelector('[data-role=compare-script]')?.addEventListener('click', async (event) => {
    event.preventDefault();
    const frames = Number.parseInt(root.querySelector('[name=working_set]')?.value, 10);
    const link = await shareLink(new URL('www/compare.html', window.location.href), widget.ran(), 0);
    window.location.assign(frames > 0 ? `${link}&frames=${Math.min(frames, 64)}` : link);
  });
  const quiz = new URLSearchParams(window.location.search).get('quiz');
  // The homework and its module load only when asked for (www/homework.js).
  if (quiz !== null) {
    const section = document.querySelector('[data-role=homework]');
    import(new URL('./homework.js', import.meta.url).href)
      .then(({ showHomework }) => showHomework(section, quiz))
      .catch((error) => widget.notify(`The homework could not be loaded (${error.message}).`, 'error'));
  }

  picker?.addEventListener('change', async () => {
    const entry = index.find((l) => l.name === picker.value);
    if (entry?.trace) openTrace(entry, false);
    if (!entry || entry.trace) return;
    try {
      const text = await loadLesson(entry);
      fillPicker(index, entry);
      showSummary(entry);
      widget.load(text, { title: entry.title, lesson: entry.name });
      if (!state.embed) window.history.replaceState(null, '', `?lesson=${encodeURIComponent(entry.name)}`);
    } catch (error) {
      widget.notify(`${error.message}.`, 'error');
    }
  });
} catch (error) {
  fail(`PageLab could not start: ${error.message ?? error}`);
  throw error;
}
