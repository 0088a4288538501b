// PageLab's run benchmark (npm run bench:runtime): not a test, a report. With www/pkg built,
// it opens the page in headless Chromium and, for each script below, measures in the same
// run:
//   - baseline: the script run on the main thread, as the page did before runs moved to a
//     worker (Simulator.load_script in the page's thread);
//   - the page: the script run with the Run button: in the worker, whose engine calls
//     the page replays on its own machine a slice at a time;
// and prints the wall time of each, the long tasks (over 50 ms) seen by a
// PerformanceObserver during each (count and longest), animation frames drawn during each,
// the steps recorded, and the page history's estimated bytes per step; then the ratios
// page / baseline. For the page it also prints the longest slice of replay (the task that
// replays calls) and the longest paint of the canvas, to tell the run's own tasks from
// the drawing of a big picture (which every step shown costs, run or not), the longest
// single replay() and begin_replay() calls, and each long animation frame over 50 ms
// (LoAF) with its scripts' sources, so a long task's cause can be told apart. The
// machine's load average is printed first and last: other work slows every figure.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { serve, launch } from '../browser/harness.mjs';

const SCRIPTS = {
  'the issue\'s script: 100 memsets of 16 MiB, 4096 frames': `#pragma pagelab frames=4096 working_set=4096
char *p = VirtualAlloc(NULL, 4096 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 100; i++) { memset(p, i, 4096 * 4096); }
`,
  'two processes taking turns over 1,000 pages each, 4096 frames': `#pragma pagelab frames=4096 working_set=4096
char *p = VirtualAlloc(NULL, 1000 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 20; i++) { memset(p, i, 1000 * 4096); Sleep(0); }
#pragma pagelab process other
char *q = VirtualAlloc(NULL, 1000 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 20; i++) { memset(q, i, 1000 * 4096); Sleep(0); }
`,
  'one 16 MiB memset, 4096 frames': `#pragma pagelab frames=4096 working_set=4096 pagefile=65536
char *p = VirtualAlloc(NULL, 16 * 1024 * 1024, MEM_COMMIT, PAGE_READWRITE);
memset(p, 1, 16 * 1024 * 1024);
`,
  'a fault loop to the step limit, 16 frames': `#pragma pagelab frames=16 working_set=8 pagefile=1024
char *p = VirtualAlloc(NULL, 256 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 100000; i++) {
    p[(i % 256) * 4096] = i;
}
`,
  'the reserve-and-commit sample: 80 pages written byte by byte (983,613 statements)': readFileSync(
    new URL('../scripts/seh_reserve_commit_sample.c', import.meta.url), 'utf8'),
  'a runaway loop to the statement limit': 'int x = 0;\nfor (;;) { x = x + 1; }\n',
  'loop of 17-page memsets to the step limit': `#pragma pagelab frames=16 pagefile=65536
char *p = VirtualAlloc(NULL, 64 * 1024 * 1024, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 100000; i++) {
    memset(p + (i % 900) * 17 * 4096, i, 17 * 4096);
}
`,
};

const ms = (x) => `${x.toFixed(0)} ms`;
const ratio = (x, base) => (base > 0 ? `${(x / base).toFixed(2)}×` : (x > 0 ? '∞' : '–'));

/** In the page: watch long tasks and frames until `stop()`; returns what was seen. */
function watch() {
  window.__watch = { tasks: [], frames: 0, on: true, paint: 0, replayed: 0, call: 0, begin: 0, loaf: [] };
  const w = window.__watch;
  // Time the page's replay slices and paints (its own simulator, wrapped once).
  const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
  const proto = Object.getPrototypeOf(sim);
  if (!proto.__timed) {
    proto.__timed = true;
    const { paint, replay, begin_replay: begin } = proto;
    const timed = (f, key, add) => function (...a) {
      const t0 = performance.now();
      try { return f.apply(this, a); } finally {
        const t = performance.now() - t0;
        const w = window.__watch;
        w[key] = Math.max(w[key], t);
        if (add) w.replayed += t;
      }
    };
    proto.begin_replay = timed(begin, 'begin');
    proto.paint = function (...a) {
      const t0 = performance.now();
      try { return paint.apply(this, a); } finally { window.__watch.paint = Math.max(window.__watch.paint, performance.now() - t0); }
    };
    proto.replay = timed(replay, 'call', true);
  }
  w.observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.tasks.push(e.duration);
  });
  w.observer.observe({ type: 'longtask' });
  w.frameObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration <= 50) continue;
      const scripts = e.scripts.map((s) => `${s.invoker} ${s.sourceFunctionName || ''}@${(s.sourceURL || '').split('/').pop()}:${s.sourceCharPosition} ${s.duration.toFixed(0)} ms (forced layout ${s.forcedStyleAndLayoutDuration.toFixed(0)})`);
      w.loaf.push(`${e.duration.toFixed(0)} ms (blocking ${e.blockingDuration.toFixed(0)}, rendering ${(e.startTime + e.duration - e.renderStart).toFixed(0)}): ${scripts.join('; ') || 'no script'}`);
    }
  });
  w.frameObserver.observe({ type: 'long-animation-frame' });
  const tick = () => {
    if (!w.on) return;
    w.frames += 1;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  w.t0 = performance.now();
}

async function seen(page) {
  // Long tasks are reported after they end: give the observer a moment.
  await page.waitForTimeout(200);
  return page.evaluate(() => {
    const w = window.__watch;
    w.on = false;
    w.observer.disconnect();
    w.frameObserver.disconnect();
    return { tasks: w.tasks.length, longest: Math.max(0, ...w.tasks), frames: w.frames, paint: w.paint, replayed: w.replayed, call: w.call, begin: w.begin, loaf: w.loaf };
  });
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load average at the start: ${load()}`);
const server = await serve();
const browser = await launch();
try {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${server.url}index.html`);
  await page.waitForSelector('[data-pagelab][data-ready=true]', { timeout: 30000 });
  await page.evaluate(async () => {
    const glue = await import('/www/pkg/pagelab.js');
    await glue.default();
    window.__Simulator = glue.Simulator;
  });
  const rows = [];
  // `npm run bench:runtime -- WORD` measures only the scripts whose name holds WORD.
  for (const [name, text] of Object.entries(SCRIPTS).filter(([n]) => n.includes(process.argv[2] ?? ''))) {
    // Baseline: on the main thread.
    await page.evaluate(watch);
    // In a task of the page's own (a long task the observer sees), as a click would run it.
    const base = await page.evaluate((text) => new Promise((resolve) => setTimeout(() => {
      const sim = new window.__Simulator();
      const t0 = performance.now();
      const report = sim.load_script(text);
      const time = performance.now() - t0;
      sim.free();
      resolve({ time, steps: report.steps });
    }, 0)), text);
    const baseSeen = await seen(page);
    // The page: the Run button, in the worker.
    await page.fill('[data-role=script]', text);
    await page.evaluate(watch);
    const t0 = await page.evaluate(() => performance.now());
    await page.click('[data-action=run]');
    await page.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.running === 'false', null, { timeout: 600000, polling: 100 });
    const t1 = await page.evaluate(() => performance.now());
    const pageSeen = await seen(page);
    const steps = Number(await page.getAttribute('[data-pagelab]', 'data-steps'));
    const bytes = await page.evaluate(() => document.querySelector('[data-pagelab]').pagelab.simulator.history_bytes());
    rows.push({ name, base, baseSeen, page: { time: t1 - t0, steps }, pageSeen, bytes });
  }
  for (const r of rows) {
    console.log(`\n${r.name}: ${r.page.steps} steps (baseline ${r.base.steps}); page history ${r.page.steps ? (r.bytes / r.page.steps).toFixed(0) : '–'} bytes per step (${(r.bytes / 2 ** 20).toFixed(1)} MiB)`);
    console.log(`  wall time     baseline ${ms(r.base.time)}   page ${ms(r.page.time)}   ${ratio(r.page.time, r.base.time)}`);
    console.log(`  long tasks    baseline ${r.baseSeen.tasks} (longest ${ms(r.baseSeen.longest)})   page ${r.pageSeen.tasks} (longest ${ms(r.pageSeen.longest)})   longest ${ratio(r.pageSeen.longest, r.baseSeen.longest)}`);
    console.log(`  frames drawn  baseline ${r.baseSeen.frames}   page ${r.pageSeen.frames}`);
    console.log(`  page: replaying took ${ms(r.pageSeen.replayed)} in all (slices of about 4 ms); longest paint of the canvas ${ms(r.pageSeen.paint)}`);
    console.log(`  page: longest replay() call ${r.pageSeen.call.toFixed(1)} ms; begin_replay() ${r.pageSeen.begin.toFixed(1)} ms`);
    for (const f of r.pageSeen.loaf) console.log(`  page: long animation frame ${f}`);
  }
  console.log(`\nload average at the end: ${load()}`);
} finally {
  await browser.close();
  await server.close();
}
