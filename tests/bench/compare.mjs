// The Compare view's benchmark (node tests/bench/compare.mjs after a build): not a test, a
// report. In headless Chromium it loads a 100,000-access seeded string and runs five
// policies at every frame count from 1 to 64 in the worker, and prints
//   - the wall time from the click to the drawn chart (median of runs) and the worker's own
//     time for the curves, against a baseline measured in the same run: the same page
//     computing the curves of a 1,000-access string (so the ratio shows the cost of 100×
//     the accesses, not the page's fixed costs);
//   - the longest main-thread task seen meanwhile (PerformanceObserver 'longtask', which
//     reports every task over 50 ms; none is the goal).

import { serve, launch } from '../browser/harness.mjs';

const RUNS = 5;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const server = await serve();
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}www/compare.html#src=typed&ref=1+2&frames=8&max=64`);
  await page.waitForFunction(() => document.querySelector('[data-compare]').dataset.idle === 'true');
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask', buffered: true });
  });

  async function run(length) {
    return page.evaluate(async (length) => {
      const root = document.querySelector('[data-compare]');
      const $ = (r) => root.querySelector(`[data-role=${r}]`);
      $('source').value = 'gen';
      $('source').dispatchEvent(new Event('change'));
      $('seed').value = String(1 + Math.floor(Math.random() * 1000));
      $('length').value = String(length);
      $('universe').value = '400';
      $('max').value = '64';
      const t0 = performance.now();
      root.querySelector('[data-action=run]').click();
      await new Promise((resolve) => {
        const check = () => (root.dataset.idle === 'true' ? resolve() : setTimeout(check, 2));
        setTimeout(check, 2);
      });
      return { wall: performance.now() - t0, worker: Number($('curves').dataset.ms) };
    }, length);
  }

  const big = [];
  const small = [];
  for (let i = 0; i < RUNS; i++) {
    small.push(await run(1000));
    big.push(await run(100_000));
  }
  const longTasks = await page.evaluate(() => window.longTasks);
  const wall = median(big.map((r) => r.wall));
  const worker = median(big.map((r) => r.worker));
  const base = median(small.map((r) => r.wall));
  console.log(`compare view, 5 policies x 64 frame counts over 100,000 accesses (median of ${RUNS}):`);
  console.log(`  click to chart: ${wall.toFixed(0)} ms (curves in the worker: ${worker.toFixed(0)} ms)`);
  console.log(`  baseline, 1,000 accesses: ${base.toFixed(0)} ms; ratio ${(wall / base).toFixed(1)}x`);
  console.log(`  main-thread tasks over 50 ms: ${longTasks.length}${longTasks.length ? ` (longest ${Math.max(...longTasks).toFixed(0)} ms)` : ''}`);
} finally {
  await browser.close();
  await server.close();
}
