// PageLab's browser benchmark (npm run bench): not a test, a report. It builds nothing: it
// assumes www/pkg is built (scripts/build), serves the repository on loopback, opens
// headless Chromium and prints medians of
//   - the time from navigation to the first painted frame (page vs. a baseline page that
//     paints one canvas fill), on loopback and under throttling through the Chrome DevTools
//     Protocol (10 Mbit/s, 40 ms round trip; responses gzipped as a real host sends them),
//   - the paint time per frame at the defaults and at a large setting (256 frames, 1024
//     page-file slots, a busy address space), each against an empty-canvas clear+fill
//     measured in the same run,
//   - the gzipped size of the JavaScript and wasm a reader downloads.
// Every paint sample includes a 1-pixel getImageData, which makes the canvas rasterise the
// frame, so the figures count the drawing and not only the recording of commands.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { serve, launch, ROOT } from '../browser/harness.mjs';

const LOADS = 9;
const SAMPLES = 25;
const PER_SAMPLE = 8;
const WIDTH = 1100;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(2)} ms`;
const ratio = (x, base) => `${(x / base).toFixed(1)}×`;

/** The large setting: 256 frames, 1024 slots, 48 allocations of 16 pages, most touched. */
export const LARGE_SCRIPT = `#pragma pagelab frames=256 pagefile=1024 working_set=200
int main() {
    for (int a = 0; a < 48; a++) {
        char *p = VirtualAlloc(NULL, 16 * 4096, MEM_COMMIT, PAGE_READWRITE);
        for (int i = 0; i < 16; i += 1 + a % 3) {
            p[i * 4096] = a;
        }
        VirtualAlloc(NULL, 8 * 4096, MEM_RESERVE, PAGE_NOACCESS);
    }
    return 0;
}
`;

/** The throttled network: 10 Mbit/s both ways, 40 ms round trip (CDP Network conditions). */
const THROTTLE = { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8 };

/** Navigation to first painted frame, for `url`, `LOADS` times (throttled when `throttle`). */
async function firstFrames(context, url, { throttle = false } = {}) {
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', THROTTLE);
  }
  // Record when the widget first marks a frame painted, and the animation frame after it.
  await page.addInitScript(() => {
    const seen = new MutationObserver(() => {
      const el = document.querySelector('[data-painted]');
      if (el && !window.__painted) {
        window.__painted = performance.now();
        requestAnimationFrame(() => { window.__presented = performance.now(); });
        seen.disconnect();
      }
    });
    seen.observe(document, { attributes: true, subtree: true, attributeFilter: ['data-painted'] });
  });
  const painted = [];
  const presented = [];
  for (let i = 0; i < LOADS; i++) {
    await page.goto(url);
    await page.waitForFunction(() => window.__presented !== undefined, null, { timeout: 60000 });
    const [a, b] = await page.evaluate(() => [window.__painted, window.__presented]);
    painted.push(a);
    presented.push(b);
  }
  await page.close();
  return { painted: median(painted), presented: median(presented) };
}

/** Medians of paint time per frame on the widget's simulator, for a list of positions. */
async function paintTimes(page, positions) {
  return page.evaluate(async ({ positions, SAMPLES, PER_SAMPLE, WIDTH }) => {
    const { simulator: sim } = document.querySelector('[data-pagelab]').pagelab;
    const canvas = document.createElement('canvas');
    document.body.append(canvas);
    const ctx = canvas.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
    const time = (frame) => {
      const samples = [];
      for (let s = 0; s < SAMPLES; s++) {
        const t0 = performance.now();
        for (let i = 0; i < PER_SAMPLE; i++) {
          frame(i);
          ctx.getImageData(0, 0, 1, 1);
        }
        samples.push((performance.now() - t0) / PER_SAMPLE);
      }
      return median(samples);
    };
    // Warm up (JIT, fonts) before measuring.
    for (const p of positions) sim.paint(canvas, p.cursor, WIDTH, dpr, false, p.progress);
    const baseline = time(() => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = '#f1f3f6';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    });
    const results = positions.map((p) => ({
      ...p,
      ms: time((i) => sim.paint(canvas, p.cursor, WIDTH, dpr, false, p.progress + (i % 2) * 1e-9)),
    }));
    canvas.remove();
    return { baseline, results, size: [canvas.width, canvas.height] };
  }, { positions, SAMPLES, PER_SAMPLE, WIDTH });
}

/** The default machine, running the tutorial's demand-paging story as a script. */
async function defaultScenario(page) {
  return page.evaluate(() => {
    const { simulator: sim, player } = document.querySelector('[data-pagelab]').pagelab;
    const run = sim.load_script([
      'char *a = VirtualAlloc(NULL, 8 * 4096, MEM_COMMIT, PAGE_READWRITE);',
      'for (int i = 0; i < 8; i++) a[i * 4096] = i;',
      'char *b = VirtualAlloc(NULL, 16 * 4096, MEM_COMMIT, PAGE_READWRITE);',
      'for (int i = 0; i < 16; i++) b[i * 4096] = i;',
      'for (int i = 0; i < 4; i++) read(a + i * 4096, 1);',
    ].join('\n'));
    if (run.errors.length) throw new Error(`the default scenario does not parse: ${JSON.stringify(run.errors[0])}`);
    player.setCount(sim.step_count());
    let walk = 1;
    for (let c = 1; c <= sim.step_count(); c++) {
      if (/The walk reads/.test(sim.step(c).narration)) walk = c;
    }
    return { last: sim.step_count(), walk };
  });
}

/** The large setting through the script façade, when the page has one. */
async function largeScenario(page, script) {
  return page.evaluate((script) => {
    const { simulator: sim, player } = document.querySelector('[data-pagelab]').pagelab;
    if (typeof sim.load_script !== 'function') return null;
    const run = sim.load_script(script);
    if (run.errors?.length) throw new Error(`the large script does not parse: ${JSON.stringify(run.errors[0])}`);
    player.setCount(sim.step_count());
    let move = sim.step_count();
    for (let c = sim.step_count(); c >= 1; c--) {
      if (/page-file slot \d+/.test(sim.step(c).narration)) { move = c; break; }
    }
    // The counts, as the canvas's text alternative says them.
    const words = sim.describe(sim.step_count());
    const slots = words.match(/page file: (\d+) of (\d+) slots?/) ?? [];
    return {
      last: sim.step_count(),
      move,
      frames: sim.config().frames,
      slots: Number(slots[2]),
      slotsUsed: Number(slots[1]),
      regions: Number(words.match(/shows (\d+) regions?/)?.[1]),
    };
  }, script);
}

/** The two-process lesson (its context switch and a later walk), when the page runs it. */
async function twoProcesses(page) {
  const script = await readFile(path.join(ROOT, 'www', 'lessons', 'two-processes.c'), 'utf8');
  return page.evaluate((script) => {
    const { simulator: sim, player } = document.querySelector('[data-pagelab]').pagelab;
    if (typeof sim.process_tabs !== 'function') return null;
    const run = sim.load_script(script);
    if (run.errors?.length) throw new Error(`the two-process lesson does not parse: ${JSON.stringify(run.errors[0])}`);
    player.setCount(sim.step_count());
    let switched = 1;
    let walk = 1;
    for (let c = 1; c <= sim.step_count(); c++) {
      const { narration } = sim.step(c);
      if (narration.startsWith('Context switch') && switched === 1) switched = c;
      if (/The walk reads/.test(narration)) walk = c;
    }
    return { last: sim.step_count(), switched, walk };
  }, script);
}

// What a reader downloads for the index page: the one bundled module index.html loads
// and the wasm (scripts/size follows the imports and enforces the budget); the blog
// element's single file is listed apart.
async function sizes() {
  const rows = [];
  for (const [file, shipped] of [
    ['www/pkg/app.js', true],
    ['www/pkg/pagelab_bg.wasm', true],
    ['www/pkg/page-lab.js', false],
  ]) {
    const body = await readFile(path.join(ROOT, file));
    rows.push({ file, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length, shipped });
  }
  return rows;
}

async function main() {
  const server = await serve({ gzip: true });
  const browser = await launch({ viewport: { width: WIDTH + 50, height: 900 }, deviceScaleFactor: 1 });
  try {
    console.log(`PageLab benchmark: Chromium headless, loopback, viewport ${WIDTH + 50} px, dpr 1`);
    console.log(`medians of ${LOADS} loads; paint: ${SAMPLES} samples × ${PER_SAMPLE} frames, each with a raster flush\n`);

    for (const throttle of [false, true]) {
      const base = await firstFrames(browser.context, `${server.url}www/bench.html`, { throttle });
      const real = await firstFrames(browser.context, server.url, { throttle });
      const how = throttle ? 'throttled: 10 Mbit/s, 40 ms RTT, gzip' : 'loopback';
      const target = throttle ? 600 : 300;
      console.log(`first frame, ${how} (navigation → canvas painted / → next animation frame)`);
      console.log(`  baseline page:  ${ms(base.painted)} / ${ms(base.presented)}`);
      console.log(`  PageLab page:   ${ms(real.painted)} / ${ms(real.presented)}   (${ratio(real.painted, base.painted)} baseline; target ≤ ${target} ms)\n`);
    }

    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('[data-pagelab][data-ready=true]');
    const d = await defaultScenario(page);
    const def = await paintTimes(page, [
      { name: 'defaults, last step', cursor: d.last, progress: 1 },
      { name: 'defaults, walk step mid-animation', cursor: d.walk, progress: 0.5 },
    ]);
    console.log(`paint per frame at the defaults (16 frames, 32 slots; canvas ${def.size.join('×')} px)`);
    console.log(`  baseline clear+fill: ${ms(def.baseline)}`);
    for (const r of def.results) console.log(`  ${r.name}: ${ms(r.ms)}   (${ratio(r.ms, def.baseline)} baseline; target ≤ 4 ms)`);

    const large = await largeScenario(page, LARGE_SCRIPT);
    if (large) {
      const big = await paintTimes(page, [
        { name: 'large, last step', cursor: large.last, progress: 1 },
        { name: 'large, page moving mid-animation', cursor: large.move, progress: 0.5 },
      ]);
      console.log(`\npaint per frame at the large setting (${large.frames} frames, ${large.slots} slots, ${large.slotsUsed} in use, ${large.regions} regions, ${large.last} steps; canvas ${big.size.join('×')} px)`);
      console.log(`  baseline clear+fill: ${ms(big.baseline)}`);
      for (const r of big.results) console.log(`  ${r.name}: ${ms(r.ms)}   (${ratio(r.ms, big.baseline)} baseline; target ≤ 8 ms)`);
    } else {
      console.log('\nlarge setting: skipped (this build has no Simulator.load_script to run a #pragma script)');
    }

    const two = await twoProcesses(page);
    if (two) {
      const both = await paintTimes(page, [
        { name: 'two processes side by side, context switch', cursor: two.switched, progress: 1 },
        { name: 'two processes side by side, a walk mid-animation', cursor: two.walk, progress: 0.5 },
      ]);
      console.log(`\npaint per frame with two processes (lesson two-processes, ${two.last} steps; canvas ${both.size.join('×')} px)`);
      console.log(`  baseline clear+fill: ${ms(both.baseline)}`);
      for (const r of both.results) console.log(`  ${r.name}: ${ms(r.ms)}   (${ratio(r.ms, both.baseline)} baseline; target ≤ 4 ms)`);
    }
    await page.close();

    const rows = await sizes();
    console.log('\ndownload (gzip -9)');
    for (const r of rows) console.log(`  ${r.file.padEnd(26)} ${String(r.bytes).padStart(7)} bytes  ${String(r.gzip).padStart(7)} gzipped${r.shipped ? '' : '  (the <page-lab> element for blogs, with the same wasm)'}`);
    const total = rows.filter((r) => r.shipped).reduce((s, r) => s + r.gzip, 0);
    console.log(`  index page total: ${total} bytes gzipped (budget ≤ 204800, 200 KB: scripts/size)`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
