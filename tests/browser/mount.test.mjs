// The mount(root, options) contract that other pages build on: a compact root with only
// some parts, the script / step / settings options, two independent widgets, destroy()
// freeing the wasm handle, and the runaway-script guard.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch } from './harness.mjs';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>mount</title><link rel="stylesheet" href="/www/style.css"><script type="module" src="/compact.js"></script></head>
<body>
  <div class="pagelab" id="a" tabindex="0">
    <div class="player"><button type="button" data-action="step">Step</button><button type="button" data-action="back">Back</button></div>
    <p data-role="narration"></p><p data-role="status"></p>
    <div class="stage"><canvas data-role="canvas"></canvas></div>
  </div>
  <div class="pagelab" id="b" tabindex="0">
    <p data-role="narration"></p><p data-role="status"></p>
  </div>
</body></html>`;

const SCRIPT = `import init, { Simulator } from '/www/pkg/pagelab.js';
import { mount } from '/www/widget.js';
await init();
const script = 'p = VirtualAlloc(NULL, 8192, MEM_COMMIT, PAGE_READWRITE);\\nwrite(p, 1, 1);\\nwrite(p + 4096, 2, 1);\\n';
window.widgets = {
  a: mount(document.getElementById('a'), { Simulator, script, step: 2, settings: { frames: 5, policy: 'fifo' } }),
  b: mount(document.getElementById('b'), { Simulator, script, embed: true }),
};
window.mounted = true;`;

let server;
let browser;

before(async () => {
  server = await serve({ files: { '/compact.html': PAGE, '/compact.js': SCRIPT } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('mount works on a compact root, applies settings and step, widgets are independent, destroy frees', async () => {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}compact.html`);
  await page.waitForFunction(() => window.mounted === true);
  const state = await page.evaluate(() => {
    const { a, b } = window.widgets;
    return {
      a: { cursor: a.player.cursor, config: a.simulator.config(), script: a.script() },
      b: { cursor: b.player.cursor, frames: b.simulator.config().frames, embed: document.getElementById('b').dataset.embed },
    };
  });
  assert.equal(state.a.cursor, 2, 'the step option positions the player');
  assert.deepEqual([state.a.config.frames, state.a.config.policy], [5, 'fifo'], 'settings reach the machine');
  assert.match(state.a.script, /^#pragma pagelab frames=5 policy=fifo\n/, 'through the pragma line');
  assert.deepEqual(state.b, { cursor: 0, frames: 16, embed: 'true' });

  await page.click('#a [data-action=step]');
  assert.deepEqual(await page.evaluate(() => [widgets.a.player.cursor, widgets.b.player.cursor]), [3, 0], 'only a moved');
  await page.focus('#b');
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await page.evaluate(() => [widgets.a.player.cursor, widgets.b.player.cursor]), [3, 1], 'only b moved');

  await page.evaluate(() => widgets.a.destroy());
  assert.equal(await page.evaluate(() => widgets.a.simulator.__wbg_ptr), 0, 'the wasm handle is freed');
  await page.click('#a [data-action=step]');
  await page.focus('#a');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('#a', 'data-cursor'), '3', 'a destroyed widget no longer listens');
  assert.deepEqual(errors, []);
});

test('a runaway loop stops at the statement limit with a clear message', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}compact.html`);
  await page.waitForFunction(() => window.mounted === true);
  const report = await page.evaluate(() => {
    const started = performance.now();
    const r = widgets.b.load('int x = 0;\nfor (;;) { x = x + 1; }\n');
    return { stopped: r.stopped, steps: r.steps, ms: performance.now() - started, status: document.querySelector('#b [data-role=status]').textContent };
  });
  assert.ok(report.stopped, 'the run was stopped');
  assert.equal(report.stopped.line, 2);
  assert.match(report.stopped.message, /stopped after 1000000 statements/);
  assert.match(report.status, /Stopped at line 2: stopped after 1000000 statements/);
  assert.ok(report.ms < 10000, `stopped in ${Math.round(report.ms)} ms`);
  await page.close();
});
