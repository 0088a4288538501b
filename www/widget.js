// One PageLab widget: controls, player, narration, canvas and step log inside `root`.
// Everything is looked up inside `root` and every listener sits on `root` or its own
// elements, so several widgets can share a page and none of them takes the host's keys.
// Text from the simulator or the reader is only ever set with textContent.

import { Player } from './player.js';
import { attachCanvas } from './canvas-input.js';

const hex = (n) => `0x${n.toString(16)}`;

/**
 * Mount a widget on `root`.
 * @param {HTMLElement} root the element holding the widget's markup
 * @param {{ Simulator: any }} options the wasm module's Simulator class
 * @returns {{ simulator: any, player: Player, destroy: () => void }}
 */
export function mount(root, { Simulator }) {
  const q = (selector) => root.querySelector(selector);
  const sim = new Simulator();
  const canvas = q('[data-role=canvas]');
  const stage = canvas.parentElement;
  const narration = q('[data-role=narration]');
  const status = q('[data-role=status]');
  const log = q('[data-role=log]');
  const scrubber = q('[data-role=scrubber]');
  const position = q('[data-role=position]');
  const speed = q('[data-role=speed]');
  const allocForm = q('[data-form=alloc]');
  const accessForm = q('[data-form=access]');
  const button = (action) => q(`[data-action=${action}]`);
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

  for (const { name, value } of Simulator.protections()) {
    const option = document.createElement('option');
    option.value = String(value);
    option.textContent = name;
    option.selected = name === 'PAGE_READWRITE';
    allocForm.elements.protect.append(option);
  }

  let lastAlloc = null;
  let drawQueued = 0;

  const player = new Player(() => show());
  const canvasInput = attachCanvas(root, { sim, canvas, cursor: () => player.cursor, redraw: queueDraw });
  player.delay = reducedMotion.matches ? 0 : Number(speed.value);
  if (reducedMotion.matches) speed.value = '0';
  player.onPlaying = (playing) => {
    root.dataset.playing = String(playing);
    button('play').textContent = playing ? '❚❚ Pause' : '▶ Play';
  };
  root.dataset.playing = 'false';

  // Text and controls follow the cursor at once; the canvas on the next animation frame.
  function show() {
    const cursor = player.cursor;
    const step = sim.step(cursor);
    narration.textContent = step.narration;
    position.textContent = `step ${cursor} of ${player.count}`;
    scrubber.max = String(player.count);
    scrubber.value = String(cursor);
    button('back').disabled = button('start').disabled = cursor === 0;
    button('step').disabled = button('end').disabled = cursor >= player.count;
    button('play').disabled = player.count === 0;
    root.dataset.cursor = String(cursor);
    root.dataset.steps = String(player.count);
    const current = log.querySelector('[aria-current]');
    if (current) current.removeAttribute('aria-current');
    const item = log.children[cursor - 1];
    if (item) {
      item.setAttribute('aria-current', 'step');
      const box = log.parentElement;
      if (item.offsetTop < box.scrollTop || item.offsetTop + item.offsetHeight > box.scrollTop + box.clientHeight) {
        box.scrollTop = item.offsetTop - box.clientHeight / 2;
      }
    }
    showCounters(cursor);
    queueDraw();
  }

  function showCounters(cursor) {
    const c = sim.counters(cursor);
    const set = (name, text) => {
      const el = root.querySelector(`[data-counter=${name}]`);
      if (el) el.textContent = text;
    };
    for (const name of ['demand_zero', 'transition', 'hard', 'access_violation']) set(name, String(c.counters[name]));
    const lookups = c.counters.tlb_hits + c.counters.tlb_misses;
    set('tlb', lookups ? `${Math.round((100 * c.counters.tlb_hits) / lookups)}% of ${lookups}` : '–');
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
    if (!drawQueued) drawQueued = requestAnimationFrame(draw);
  }

  function draw() {
    drawQueued = 0;
    const width = Math.floor(stage.clientWidth);
    if (width <= 0) return;
    const height = sim.paint(canvas, player.cursor, width, window.devicePixelRatio || 1, dark.matches, canvasInput.progress(player.cursor));
    canvas.style.width = `${canvas.width / (window.devicePixelRatio || 1)}px`;
    canvas.style.height = `${height}px`;
    root.dataset.painted = String(player.cursor);
  }

  // New steps join the log; the log's entries jump to their step.
  function syncLog() {
    const count = sim.step_count();
    for (let cursor = log.children.length + 1; cursor <= count; cursor++) {
      const step = sim.step(cursor);
      const item = document.createElement('li');
      item.dataset.cursor = String(cursor);
      if (step.marker) item.dataset.marker = step.marker;
      const jump = document.createElement('button');
      jump.type = 'button';
      jump.textContent = step.narration;
      item.append(jump);
      log.append(item);
    }
  }

  function parse(text, what) {
    try {
      return Simulator.parse_number(text.trim() === '' ? 'NULL' : text);
    } catch (error) {
      throw new Error(`${what}: ${error.message}`);
    }
  }

  // Run one operation, report it, and play the steps it recorded.
  function operate(op) {
    let outcome;
    try {
      outcome = op();
    } catch (error) {
      status.textContent = error.message;
      status.dataset.kind = 'error';
      return;
    }
    status.textContent = outcome.message;
    status.dataset.kind = outcome.error || outcome.exception ? 'error' : 'ok';
    syncLog();
    player.setCount(sim.step_count());
    if (outcome.step_count > outcome.first_step) player.playFrom(outcome.first_step + 1);
    else show();
    return outcome;
  }

  function alloc(kind) {
    const form = allocForm.elements;
    const outcome = operate(() => {
      const address = parse(form.address.value, 'Address');
      const size = parse(form.size.value, 'Size');
      const protect = Number(form.protect.value);
      return kind === 'reserve' ? sim.reserve(address, size, protect) : sim.commit(address, size, protect);
    });
    if (outcome && outcome.value) {
      lastAlloc = outcome.value;
      accessForm.elements.address.value = hex(outcome.value);
      if (kind === 'reserve') form.address.value = hex(outcome.value);
    }
  }

  function accessAddress() {
    const text = accessForm.elements.address.value;
    if (text.trim() === '') {
      if (lastAlloc === null) throw new Error('Address: allocate some memory first, or type an address.');
      return lastAlloc;
    }
    return parse(text, 'Address');
  }

  function access() {
    const form = accessForm.elements;
    operate(() => {
      const address = accessAddress();
      const value = parse(form.value.value, 'Byte');
      if (value > 255) throw new Error('Byte: write a value from 0 to 255 (0xff).');
      return sim.access(address, form.kind.value === 'write', value);
    });
  }

  function pageOut() {
    operate(() => sim.page_out(accessAddress(), 1));
  }

  const actions = {
    reserve: () => alloc('reserve'),
    commit: () => alloc('commit'),
    access,
    'page-out': pageOut,
    start: () => player.start(),
    back: () => player.back(),
    play: () => player.toggle(),
    step: () => player.step(),
    end: () => player.end(),
  };

  function onClick(event) {
    const target = event.target.closest('[data-action]');
    if (target && root.contains(target) && actions[target.dataset.action]) {
      event.preventDefault();
      actions[target.dataset.action]();
      return;
    }
    const item = event.target.closest('li[data-cursor]');
    if (item && log.contains(item)) {
      player.pause();
      player.go(Number(item.dataset.cursor));
    }
  }

  function onSubmit(event) {
    event.preventDefault();
    if (event.target === allocForm) alloc('commit');
    else if (event.target === accessForm) access();
  }

  // Keys act only while the widget has focus, and never while typing in a field.
  function onKey(event) {
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

  const onSpeed = () => { player.delay = Number(speed.value); };
  const onScrub = () => { player.pause(); player.go(Number(scrubber.value)); };
  const resize = new ResizeObserver(queueDraw);

  root.addEventListener('click', onClick);
  root.addEventListener('submit', onSubmit);
  root.addEventListener('keydown', onKey);
  speed.addEventListener('change', onSpeed);
  scrubber.addEventListener('input', onScrub);
  dark.addEventListener('change', queueDraw);
  resize.observe(stage);

  show();
  root.dataset.ready = 'true';

  return {
    simulator: sim,
    player,
    destroy() {
      player.pause();
      cancelAnimationFrame(drawQueued);
      root.removeEventListener('click', onClick);
      root.removeEventListener('submit', onSubmit);
      root.removeEventListener('keydown', onKey);
      speed.removeEventListener('change', onSpeed);
      scrubber.removeEventListener('input', onScrub);
      dark.removeEventListener('change', queueDraw);
      resize.disconnect();
      canvasInput.destroy();
      sim.free();
    },
  };
}
