// One PageLab widget: script editor, controls, player, narration, canvas and step log
// inside `root`. Everything is looked up inside `root` by data-role / data-action /
// data-form, every part but the root is optional (a compact embed has no editor, forms or
// log), and every listener sits on `root` or its own elements, so several widgets can
// share a page and none of them takes the host's keys. Text from the simulator, the
// script or a URL is only ever set with textContent or as a form field's value.

import { Player } from './player.js';
import { Editor } from './editor.js';
import { StepLog } from './steplog.js';
import { drawMarks, describeMarks } from './marks.js';
import { fillSettings, settingFrom } from './settings.js';
import { applySettings, setPragma } from './pragma.js';
import { shareLink, iframeSnippet } from './share.js';
import { attachCanvas } from './canvas-input.js';
import { attachSwitcher } from './switcher.js';
import { attachCourse } from './course.js';
import { loadGlossary, indexGlossary, linkTerms, toggleDefinition, fillGlossary } from './glossary.js';
import { attachStatementForms } from './statement-forms.js';
import { attachReplay } from './replay.js';

/**
 * Mount a widget on `root`.
 * @param {HTMLElement} root the element holding the widget's markup
 * @param {{
 *   Simulator: any,          // the wasm module's Simulator class (after init())
 *   script?: string,         // a script to load and run at once
 *   step?: number,           // the position to show after loading it (clamped)
 *   autoplay?: boolean,      // play from `step` to the end after loading
 *   embed?: boolean,         // compact chrome (sets data-embed on root for the CSS)
 *   settings?: object,       // pragma knobs ({frames, policy, …}) written into the script
 *   title?: string,          // the scenario's name (for the embed snippet)
 *   lesson?: string,         // the bundled lesson's name (course progress), if it is one
 *   shareBase?: string,      // the page that share links open (default: the app page)
 *   worker?: {module, url},  // run scripts in a Web Worker (replay.js); without it
 *                            // they run on the calling thread and load() returns at once
 * }} options
 * @returns {{ simulator: any, player: Player, destroy: () => void, load: Function,
 *             script: () => string, notify: Function, stop: () => void,
 *             ready: Promise<object | null> }}
 */
export function mount(root, options) {
  const { Simulator } = options;
  const q = (selector) => root.querySelector(selector);
  const sim = new Simulator();
  const canvas = q('[data-role=canvas]');
  const stage = canvas?.parentElement ?? null;
  const narration = q('[data-role=narration]');
  const pictureText = q('[data-role=picture-text]');
  const status = q('[data-role=status]');
  const logList = q('[data-role=log]');
  const scrubber = q('[data-role=scrubber]');
  const marks = q('[data-role=marks]');
  const position = q('[data-role=position]');
  const speed = q('[data-role=speed]');
  const output = q('[data-role=output]');
  const errorList = q('[data-role=errors]');
  const settingsForm = q('[data-form=settings]');
  const sharePanel = q('[data-role=share-panel]');
  const shareField = q('[data-role=share-link]');
  const embedField = q('[data-role=embed-code]');
  const textarea = q('[data-role=script]');
  const button = (action) => q(`[data-action=${action}]`);
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
  const editor = textarea ? new Editor(textarea, q('[data-role=gutter]'), q('[data-role=backdrop]')) : null;
  const log = logList ? new StepLog(logList, sim) : null;
  const shareBase = options.shareBase ?? new URL('../index.html', import.meta.url).href;
  let title = options.title ?? 'PageLab scenario';

  if (options.embed) root.dataset.embed = 'true';

  // The scenario: the text that ran (the steps on show), the text as loaded (for Reset),
  // and what the run printed.
  let ranText = '';
  let loadedText = '';
  let transcript = [];
  let shownOutput = -1;
  let markers = [];
  let drawQueued = 0;
  let marksQueued = 0;
  let destroyed = false;
  /** Resolves to the first run's report once it has ended (null without a script). */
  let ready = Promise.resolve(null);

  const player = new Player(() => show());
  const course = attachCourse(root, { player });
  player.limit = () => course.limit();
  let lessonName = options.lesson ?? null;
  const definition = q('[data-role=definition]');
  const glossaryList = q('[data-role=glossary]');
  let glossary = null;
  if (narration && definition) {
    loadGlossary().then((entries) => {
      if (destroyed) return;
      glossary = { entries, index: indexGlossary(entries) };
      if (glossaryList) fillGlossary(glossaryList, entries);
      // The counters' names are glossary words too.
      for (const dt of root.querySelectorAll('[data-role=counters] dt')) linkTerms(dt, dt.textContent, glossary.index, definition);
      show();
    });
  }
  // A glossary word of the canvas opens its entry where the narration's do, and takes the
  // focus there so a screen reader reads it.
  const onTerm = (term) => {
    const entry = glossary?.index.find(term);
    if (!entry) return;
    toggleDefinition(null, entry, definition);
    definition.tabIndex = -1;
    definition.focus();
  };
  const canvasInput = attachCanvas(root, { sim, canvas, cursor: () => player.cursor, redraw: queueDraw, onTerm });
  const switcher = attachSwitcher({ sim, canvas, redraw: queueDraw });
  player.delay = reducedMotion.matches ? 0 : Number(speed?.value ?? 600);
  if (reducedMotion.matches && speed) speed.value = '0';
  player.onPlaying = (playing) => {
    root.dataset.playing = String(playing);
    const play = button('play');
    if (play) play.textContent = playing ? '❚❚ Pause' : '▶ Play';
  };
  root.dataset.playing = 'false';
  const runs = attachReplay(root, { sim, player, worker: options.worker, begin, progress, finish });
  const forms = attachStatementForms(root, { Simulator, script: scriptText, append, say });

  function say(text, kind = 'ok') {
    if (!status) return;
    status.textContent = text;
    status.dataset.kind = kind;
  }

  function setText(el, text) {
    if (el) el.textContent = text;
  }

  function setDisabled(action, disabled) {
    const b = button(action);
    if (b) b.disabled = disabled;
  }

  // Text and controls follow the cursor at once; the canvas on the next animation frame.
  function show() {
    const cursor = player.cursor;
    const step = sim.step(cursor);
    course.passTo(cursor);
    if (narration) linkTerms(narration, step.narration, glossary?.index, definition);
    if (definition && !definition.hidden) definition.hidden = true;
    course.show(cursor, step.line, player.count);
    root.dataset.limit = String(Math.min(player.count, course.limit()));
    // The canvas in words, for screen readers (Rust writes them: view::describe).
    if (pictureText) pictureText.textContent = sim.describe(cursor);
    setText(position, `step ${cursor} of ${player.count}`);
    if (scrubber) {
      scrubber.max = String(player.count);
      scrubber.value = String(cursor);
      scrubber.setAttribute('aria-valuetext', `step ${cursor} of ${player.count}`);
    }
    setDisabled('back', cursor === 0);
    setDisabled('start', cursor === 0);
    setDisabled('step', cursor >= player.count);
    setDisabled('end', cursor >= player.count);
    setDisabled('play', player.count === 0);
    root.dataset.cursor = String(cursor);
    root.dataset.steps = String(player.count);
    root.dataset.line = step.line ? String(step.line) : '';
    editor?.setCurrentLine(editor.value === ranText ? step.line : null);
    log?.show(cursor, course.limit());
    queueMarks();
    showOutput(cursor);
    showCounters(cursor);
    queueDraw();
  }

  // The transcript up to the cursor: what the program has printed by this step.
  function showOutput(cursor) {
    if (!output) return;
    let visible = 0;
    while (visible < transcript.length && transcript[visible].cursor <= cursor) visible++;
    if (visible === shownOutput) return;
    shownOutput = visible;
    const parts = transcript.slice(0, visible).map((entry) => {
      if (entry.kind === 'out') return document.createTextNode(entry.text);
      const span = document.createElement('span');
      span.className = entry.kind;
      span.textContent = entry.text;
      return span;
    });
    output.replaceChildren(...parts);
    output.scrollTop = output.scrollHeight;
  }

  function showCounters(cursor) {
    const c = sim.counters(cursor);
    const set = (name, text) => setText(root.querySelector(`[data-counter=${name}]`), text);
    for (const name of ['demand_zero', 'transition', 'hard', 'access_violation']) set(name, String(c[name]));
    const lookups = c.tlb_hits + c.tlb_misses;
    set('tlb', lookups ? `${Math.round((100 * c.tlb_hits) / lookups)}% of ${lookups}` : '–');
    set('working_set', `${c.working_set} of ${c.working_set_limit} pages`);
    set('pagefile', `${c.slots_used} of ${c.slots} slots`);
    set('commit', `${c.commit_charge} of ${c.commit_limit} pages`);
    const meter = root.querySelector('[data-counter=commit-meter]');
    if (meter) {
      meter.max = Math.max(1, c.commit_limit);
      meter.value = c.commit_charge;
      meter.high = meter.max * 0.9;
    }
  }

  function queueDraw() {
    if (!drawQueued && !destroyed) drawQueued = requestAnimationFrame(draw);
  }

  function draw() {
    drawQueued = 0;
    if (!canvas || !stage) {
      root.dataset.painted = String(player.cursor);
      return;
    }
    const width = Math.floor(stage.clientWidth);
    if (width <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    const height = sim.paint(canvas, player.cursor, width, dpr, dark.matches, canvasInput.progress(player.cursor));
    canvas.style.width = `${canvas.width / dpr}px`;
    canvas.style.height = `${height}px`;
    switcher.place(player.cursor, width);
    showChange(width);
    root.dataset.painted = String(player.cursor);
  }

  // When the picture is taller than its box (a phone), scroll it to what the step changed.
  function showChange(width) {
    if (!stage || stage.scrollHeight <= stage.clientHeight + 1) return;
    const band = sim.changed_band(player.cursor, width);
    if (!band) return;
    const [top, bottom] = band;
    if (top >= stage.scrollTop && bottom <= stage.scrollTop + stage.clientHeight) return;
    stage.scrollTop = Math.max(0, (top + bottom) / 2 - stage.clientHeight / 2);
  }

  function queueMarks() {
    if (marks && !marksQueued && !destroyed) {
      marksQueued = requestAnimationFrame(() => {
        marksQueued = 0;
        const limit = course.limit();
        drawMarks(marks, markers.filter((m) => m.cursor <= limit), player.count, 8, course.statements());
      });
    }
  }

  function showErrors(errors) {
    editor?.setErrors(errors);
    root.dataset.errors = String(errors.length);
    if (!errorList) return;
    const items = errors.map((e) => {
      const item = document.createElement('li');
      const jump = document.createElement('button');
      jump.type = 'button';
      jump.dataset.line = String(e.line);
      jump.dataset.col = String(e.col);
      const where = document.createElement('span');
      where.className = 'where';
      where.textContent = `${e.line}:${e.col}`;
      jump.append(where, ` ${e.message}`);
      item.append(jump);
      return item;
    });
    errorList.replaceChildren(...items);
    errorList.hidden = errors.length === 0;
  }

  /** A run starts in the worker (replay.js): none of its steps yet, and the transcript and
   * markers (`output`, `marked`) fill as they come; returns what shows its study. */
  function begin(text, output, marked, study) {
    transcript = output;
    shownOutput = -1;
    markers = marked;
    log?.reset(0);
    fillSettings(settingsForm, sim.config());
    const name = text === loadedText ? lessonName : null;
    course.load(text, Simulator, name, study);
    player.load(0, 0);
    return (given) => {
      course.load(text, Simulator, name, given);
      show();
    };
  }

  /** How far a slow run in the worker is: only what new steps change (the picture, its
   * words and the log stay as they are). */
  function progress(statements) {
    const count = player.count;
    say(`Running… ${count} step${count === 1 ? '' : 's'} so far (${statements} statement${statements === 1 ? '' : 's'}); Stop keeps them.`);
    setText(position, `step ${player.cursor} of ${count}`);
    if (scrubber) scrubber.max = String(count);
    for (const action of ['step', 'end', 'play']) setDisabled(action, player.cursor >= count && action !== 'play');
    root.dataset.steps = String(count);
    queueMarks();
  }

  /**
   * Show a run's report: its errors, or its steps with the player at `step`. `streamed`:
   * the run came from the worker, which sent its markers and study along the way.
   */
  function finish(text, report, { step = 0, playFrom = null, autoplay = false, own = false } = {}, streamed = false) {
    delete root.dataset.slow;
    if (report.errors.length) {
      showErrors(report.errors);
      const first = report.errors[0];
      const n = report.errors.length;
      say(`The script has ${n === 1 ? 'an error' : `${n} errors`} (first at line ${first.line}:${first.col}: ${first.message}); nothing ran.`, 'error');
      root.dataset.edited = String(editor ? editor.value !== ranText : false);
      return report;
    }
    showErrors([]);
    ranText = text;
    root.dataset.edited = 'false';
    transcript = report.output;
    shownOutput = -1;
    if (!streamed) {
      markers = sim.markers();
      course.load(text, Simulator, text === loadedText ? lessonName : null);
    }
    if (marks) marks.setAttribute('aria-label', `Markers: ${describeMarks(markers)}`);
    log?.reset(report.steps);
    fillSettings(settingsForm, sim.config());
    const statements = `${report.statements} statement${report.statements === 1 ? '' : 's'}`;
    let message = `Ran ${statements}: ${report.steps} step${report.steps === 1 ? '' : 's'}.`;
    if (report.stopped) {
      message = `${message} Stopped at line ${report.stopped.line}: ${report.stopped.message}.`;
    }
    say(message, report.stopped ? 'error' : 'ok');
    if (step > report.steps) {
      say(`${message} The link asked for step ${step}, past the last one; showing step ${report.steps}.`, 'error');
    }
    course.passTo(Math.min(step, report.steps));
    player.load(report.steps, Math.min(step, report.steps));
    queueMarks();
    if (own && text !== loadedText && title !== 'Your own script') {
      // The reader's own script: the picker and the Embed title stop naming the lesson.
      title = 'Your own script';
      lessonName = null;
      root.dispatchEvent(new CustomEvent('pagelab:scenario', { detail: { lesson: null, title } }));
    }
    if (playFrom !== null && playFrom <= report.steps) player.playFrom(playFrom);
    else if (autoplay) player.run();
    return report;
  }

  /** Load a new scenario: it becomes what Reset goes back to. */
  function load(text, { step = 0, autoplay = false, title: name, lesson = null } = {}) {
    loadedText = text;
    if (name) title = name;
    lessonName = lesson;
    forms.forget();
    if (editor) editor.value = text;
    if (sharePanel) sharePanel.hidden = true;
    return runs.run(text, { step, autoplay });
  }

  function scriptText() {
    return editor ? editor.value : ranText;
  }

  /** Append a statement to the script, run, and play its steps. */
  function append(statement) {
    const before = scriptText();
    const text = `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${statement}\n`;
    if (editor) {
      editor.value = text;
      textarea.scrollTop = textarea.scrollHeight;
    }
    const oldCount = before === ranText ? player.count : 0;
    return runs.run(text, { playFrom: oldCount + 1, own: true });
  }

  function runEditor() {
    if (!editor) return;
    const step = editor.value === ranText ? player.cursor : 0;
    runs.run(editor.value, { step, own: true });
  }

  function reset() {
    if (editor) editor.value = loadedText;
    runs.run(loadedText, { step: 0 });
  }

  async function share(embed) {
    if (!sharePanel) return;
    const text = ranText;
    const link = await shareLink(shareBase, text, player.cursor, embed);
    if (destroyed) return;
    sharePanel.hidden = false;
    sharePanel.dataset.mode = embed ? 'embed' : 'link';
    const edited = editor && editor.value !== ranText ? ' (It holds the script as last run: press Run to include your edits.)' : '';
    if (embed) {
      if (!embedField) return;
      embedField.value = iframeSnippet(link, `PageLab: ${title}`);
      embedField.focus();
      embedField.select();
      say(`Embed code for this scenario at step ${player.cursor}: paste it into a page.${edited}`);
      return;
    }
    if (shareField) shareField.value = link;
    try {
      await navigator.clipboard.writeText(link);
      say(`Link copied: it opens this scenario at step ${player.cursor}.${edited}`);
    } catch {
      // No clipboard access (permissions, an insecure origin): select the link instead.
      shareField?.focus();
      shareField?.select();
      say(`Copy the selected link: it opens this scenario at step ${player.cursor}.${edited}`);
    }
  }

  function applySetting(field) {
    const setting = settingFrom(field);
    if (!setting) return;
    if (setting.error) {
      say(setting.error, 'error');
      return;
    }
    const text = setPragma(scriptText(), setting.key, setting.value);
    if (editor) editor.value = text;
    runs.run(text, { step: player.cursor });
  }

  const actions = {
    ...forms.actions,
    run: runEditor,
    stop: runs.stop,
    reset,
    share: () => share(false),
    embed: () => share(true),
    start: () => player.start(),
    back: () => player.back(),
    play: () => player.toggle(),
    step: () => player.step(),
    end: () => player.end(),
    'next-statement': () => {
      player.pause();
      const next = course.nextStatement(player.cursor);
      if (next !== null) player.guarded(next);
    },
    'next-fault': () => {
      player.pause();
      const next = markers.find((m) => m.kind === 'fault' && m.cursor > player.cursor);
      player.guarded(next ? next.cursor : player.count);
    },
  };

  function onClick(event) {
    const target = event.target.closest('[data-action]');
    if (target && root.contains(target) && actions[target.dataset.action]) {
      event.preventDefault();
      actions[target.dataset.action]();
      return;
    }
    const term = event.target.closest('button.term');
    if (term && root.contains(term) && definition) {
      toggleDefinition(term, glossary?.index.find(term.dataset.term), definition);
      return;
    }
    const item = event.target.closest('li[data-cursor]');
    if (item && logList?.contains(item)) {
      player.pause();
      player.guarded(Number(item.dataset.cursor));
      return;
    }
    const jump = event.target.closest('button[data-line]');
    if (jump && errorList?.contains(jump)) editor?.focusAt(Number(jump.dataset.line), Number(jump.dataset.col));
  }

  function onSubmit(event) {
    event.preventDefault();
    if (event.target === settingsForm && document.activeElement?.form === settingsForm) applySetting(document.activeElement);
    else forms.submit(event.target);
  }

  function onChange(event) {
    if (settingsForm && event.target.form === settingsForm) {
      delete event.target.dataset.typing;
      applySetting(event.target);
    }
  }

  // A knob left without a change shows the script's setting again.
  function onFocusOut(event) {
    if (event.target.dataset?.typing) {
      delete event.target.dataset.typing;
      fillSettings(settingsForm, sim.config());
    }
  }

  // Keys act only while the widget has focus, and never while typing in a field
  // (except Ctrl+Enter in the editor, which runs the script).
  function onKey(event) {
    if (event.target === textarea && event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runEditor();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest('input, select, textarea, summary')) return;
    if (event.target.closest('button') && (event.key === ' ' || event.key === 'Enter')) return;
    const keys = {
      ArrowRight: () => player.step(),
      ArrowLeft: () => player.back(),
      ' ': () => player.toggle(),
      Home: () => player.start(),
      End: () => player.end(),
    };
    const act = keys[event.key];
    if (act) {
      event.preventDefault();
      act();
    }
  }

  function onInput(event) {
    if (event.target === textarea) {
      const edited = textarea.value !== ranText;
      root.dataset.edited = String(edited);
      if (edited) editor.setCurrentLine(null);
    } else if (settingsForm && event.target.form === settingsForm) {
      event.target.dataset.typing = 'true';
    }
  }

  const onSpeed = () => { player.delay = Number(speed.value); };
  const onScrub = () => {
    player.pause();
    player.guarded(Number(scrubber.value));
    if (Number(scrubber.value) !== player.cursor) scrubber.value = String(player.cursor);
  };
  // While a run streams in (data-running), its progress line and Stop button may move the
  // layout: the picture, which stays as it is, is redrawn once the run ends.
  const onResize = () => { if (root.dataset.running !== 'true') queueDraw(); queueMarks(); };
  const resize = new ResizeObserver(onResize);

  root.addEventListener('click', onClick);
  root.addEventListener('submit', onSubmit);
  root.addEventListener('change', onChange);
  root.addEventListener('keydown', onKey);
  root.addEventListener('input', onInput);
  root.addEventListener('focusout', onFocusOut);
  speed?.addEventListener('change', onSpeed);
  scrubber?.addEventListener('input', onScrub);
  dark.addEventListener('change', queueDraw);
  if (stage) resize.observe(stage);
  if (marks) resize.observe(marks);

  if (typeof options.script === 'string') {
    let text = options.script;
    try {
      text = applySettings(text, options.settings);
    } catch (error) {
      say(`Settings: ${error.message}`, 'error');
    }
    const report = load(text, { step: Math.max(0, Math.trunc(Number(options.step)) || 0), lesson: options.lesson ?? null });
    const first = (r) => {
      if (destroyed) return r;
      if (r.errors.length) show();
      else if (options.autoplay) player.run();
      root.dataset.ready = 'true';
      return r;
    };
    ready = report instanceof Promise ? report.then(first) : Promise.resolve(first(report));
  } else {
    show();
    root.dataset.ready = 'true';
  }

  return {
    simulator: sim,
    player,
    /** Load and run another script (`{step, autoplay, title}`); returns the run's report. */
    load,
    /** The script in the editor (or the one that ran, without an editor). */
    script: scriptText,
    /** The script whose steps are on show (as it last ran). */
    ran: () => ranText,
    /** Show a message in the status line (`kind` is 'ok' or 'error'). */
    notify: say,
    /** Stop the run on its way (the steps replayed so far stay). */
    stop: runs.stop,
    /** The first run's report, once it has ended. */
    get ready() { return ready; },
    destroy() {
      destroyed = true;
      runs.destroy();
      forms.destroy();
      player.pause();
      cancelAnimationFrame(drawQueued);
      cancelAnimationFrame(marksQueued);
      editor?.destroy();
      root.removeEventListener('click', onClick);
      root.removeEventListener('submit', onSubmit);
      root.removeEventListener('change', onChange);
      root.removeEventListener('focusout', onFocusOut);
      root.removeEventListener('keydown', onKey);
      root.removeEventListener('input', onInput);
      speed?.removeEventListener('change', onSpeed);
      scrubber?.removeEventListener('input', onScrub);
      dark.removeEventListener('change', queueDraw);
      resize.disconnect();
      canvasInput.destroy();
      switcher.destroy();
      course.destroy();
      delete root.dataset.ready;
      sim.free();
    },
  };
}
