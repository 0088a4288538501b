// Several processes on the canvas (DESIGN §9): two processes side by side on a wide
// screen, a tab switcher on a phone, the running process marked, a context switch that
// moves the mark, and the text alternative that says so.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, settle, pixels, canvasWidth, screenshot } from './harness.mjs';

let server;

before(async () => {
  server = await serve();
});

after(async () => {
  await server?.close();
});

/**
 * Run tests/scripts/processes_round_robin.c in the widget: `main` and `reader` take turns
 * at their waiting calls. Returns the cursors of the first two context switches (to
 * `reader`, back to `main`) and the last cursor.
 */
async function twoProcesses(page) {
  return page.evaluate(async () => {
    const text = await (await fetch('/tests/scripts/processes_round_robin.c')).text();
    const widget = document.querySelector('[data-pagelab]').pagelab;
    const report = await widget.load(text, { title: 'Two processes' });
    if (report.errors.length) throw new Error(report.errors[0].message);
    const sim = widget.simulator;
    const switches = [];
    // A switch from one process to another: 'Context switch: "main" waits, so "reader" … runs.'
    for (let c = 1; c <= sim.step_count(); c++) {
      if (/^Context switch: "[^"]+" waits/.test(sim.step(c).narration)) switches.push(c);
    }
    return { switched: switches[0], back: switches[1], last: sim.step_count() };
  });
}

const go = (page, cursor) => page.evaluate((c) => document.querySelector('[data-pagelab]').pagelab.player.go(c), cursor);
const words = (page) => page.textContent('[data-pagelab] [data-role=picture-text]');
const tabs = (page) => page.$$eval('[data-pagelab] [data-role=processes] [role=tab]', (list) =>
  list.map((b) => ({ label: b.getAttribute('aria-label'), selected: b.getAttribute('aria-selected'), state: b.dataset.state })));

test('two processes side by side: a context switch moves the running mark and the words say so', async () => {
  const browser = await launch({ viewport: { width: 1280, height: 800 } });
  try {
    const { page, errors } = await open(browser.context, server.url);
    const { switched, back } = await twoProcesses(page);
    assert.ok(switched > 1, 'a context-switch step');

    await go(page, switched - 1);
    await settle(page);
    const width = await canvasWidth(page);
    const rect = (i) => page.evaluate(([w, i]) => {
      const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
      return sim.process_tabs(sim.step_count(), w)[i].rect;
    }, [width, i]);
    // The running mark: a bar at the left edge of the running tab.
    const mark = async (i) => { const [x, y, , h] = await rect(i); return pixels(page, [x + 3, y + 6, 6, h - 12]); };
    const mainBefore = await mark(0);
    const writerBefore = await mark(1);
    assert.match(await words(page), /Processes: main \(PID \d+, running\), reader \(PID \d+, (ready|waiting)\)/);

    await go(page, switched);
    await settle(page);
    const text = await words(page);
    assert.match(text, /context switch: reader runs now, CR3 0x[0-9a-f]+, the TLB flushed/);
    assert.match(text, /reader \(PID \d+, running\)/);
    assert.notDeepEqual(await mark(0), mainBefore, 'main loses the running mark');
    assert.notDeepEqual(await mark(1), writerBefore, 'reader gains it');
    const list = await tabs(page);
    assert.equal(list.length, 2);
    assert.ok(list.every((t) => t.selected === 'true'), `both shown side by side at ${width} CSS pixels`);
    assert.equal(list[1].state, 'running');
    await screenshot(page, 'processes-switch-desktop.png');

    await go(page, back - 1);
    await settle(page);
    await screenshot(page, 'processes-desktop.png');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('on a phone one process at a time: the tabs are buttons, by keyboard too', async () => {
  const browser = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  try {
    const { page, errors } = await open(browser.context, server.url);
    const { switched } = await twoProcesses(page);
    await go(page, switched);
    await settle(page);
    let list = await tabs(page);
    assert.deepEqual(list.map((t) => t.selected), ['false', 'true'], 'the running process is shown');
    const width = await canvasWidth(page);
    const strip = await page.evaluate((w) => document.querySelector('[data-pagelab]').pagelab.simulator.part_rect('strip', 0, w), width);
    const before = await pixels(page, strip);

    // Keyboard: focus the running tab, ← to main's, Enter picks it.
    await page.focus('[data-pagelab] [role=tab][aria-selected=true]');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.state), 'waiting');
    assert.equal(Number(await page.getAttribute('[data-pagelab]', 'data-cursor')), switched, 'the arrow key moved between tabs, not the player');
    await page.keyboard.press('Enter');
    await settle(page);
    await page.waitForFunction(() => document.querySelector('[data-pagelab] [role=tab][aria-selected=true]')?.dataset.state === 'waiting');
    list = await tabs(page);
    assert.deepEqual(list.map((t) => t.selected), ['true', 'false']);
    assert.notDeepEqual(await pixels(page, strip), before, "the other process's address space replaces the running one's");
    await screenshot(page, 'processes-phone.png');

    // The running process's tab follows the running process again.
    await page.click('[data-pagelab] [role=tab][data-state=running]');
    await page.waitForFunction(() => document.querySelector('[data-pagelab] [role=tab][aria-selected=true]')?.dataset.state === 'running');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the shared-memory lesson, stepped: both processes, a context switch, and the shared frame\'s share count', async () => {
  const browser = await launch({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  try {
    const { page, errors } = await open(browser.context, `${server.url}?lesson=shared-memory`);
    await page.focus('[data-pagelab]');
    const root = '[data-pagelab]';
    const cursor = async () => Number(await page.getAttribute(root, 'data-cursor'));
    const steps = Number(await page.getAttribute(root, 'data-steps'));
    assert.ok(steps > 20, `the lesson runs (${steps} steps)`);
    let sawFirstRunning = false;
    let switchedAt = -1;
    let sharedAt = -1;
    let previous = null;
    const sharedFrame = () => page.evaluate(() => {
      const root = document.querySelector('[data-pagelab]');
      const sim = root.pagelab.simulator;
      // The text alternative lists the shared frames: "Shared frames: frame N (…)".
      const shared = sim.describe(Number(root.dataset.cursor)).match(/Shared frames: frame (\d+) \(/);
      const pfn = shared ? Number(shared[1]) : -1;
      const width = parseFloat(root.querySelector('[data-role=canvas]').style.width);
      return pfn < 0 ? null : sim.part_rect('frame', pfn, width);
    });
    while ((await cursor()) < steps && sharedAt < 0) {
      const at = await cursor();
      // Step with the key; a question in the way is skipped (which plays its statement).
      if (await page.isVisible('[data-role=question]')) await page.click('[data-action=skip-question]');
      else await page.keyboard.press('ArrowRight');
      await page.focus(root);
      await page.waitForFunction((c) => Number(document.querySelector('[data-pagelab]').dataset.cursor) !== c
        || document.querySelector('[data-role=question]:not([hidden])'), at);
      await settle(page);
      const text = await words(page);
      const rect = await sharedFrame();
      const shown = rect ? await pixels(page, rect) : null;
      if (/Processes: main \(PID \d+, running\), second/.test(text)) sawFirstRunning = true;
      if (switchedAt < 0 && /context switch: second runs now/.test(text)) {
        switchedAt = await cursor();
        assert.match(text, /second \(PID \d+, running\)/);
        assert.match(text, /main \(PID \d+, waiting\)/);
      }
      if (/share count 2/.test(text)) {
        sharedAt = await cursor();
        assert.match(previous?.text ?? '', /share count 1/, 'the frame was mapped once before');
        assert.notDeepEqual(shown, previous.shown, 'the frame cell is redrawn with its new share count');
        assert.match(text, /Section \d+ "Local\\MyFileMappingObject": 2 views/);
      }
      previous = { text, shown };
    }
    assert.ok(sawFirstRunning, 'the first process ran first');
    assert.ok(switchedAt > 0, 'a context switch made the second process run');
    assert.ok(sharedAt > switchedAt, 'the second process maps the shared frame after the switch');
    assert.equal((await tabs(page)).length, 2, 'a tab per process');
    await screenshot(page, 'shared-memory-desktop.png');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the shared-dll lesson, stepped: kernel32\'s code frame shared by both processes, then a copy-on-write', async () => {
  const browser = await launch({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  try {
    const { page, errors } = await open(browser.context, `${server.url}?lesson=shared-dll`);
    await page.focus('[data-pagelab]');
    const root = '[data-pagelab]';
    const cursor = async () => Number(await page.getAttribute(root, 'data-cursor'));
    const steps = Number(await page.getAttribute(root, 'data-steps'));
    assert.ok(steps > 20, `the lesson runs (${steps} steps)`);
    let sharedAt = -1;
    let copiedAt = -1;
    while ((await cursor()) < steps) {
      const at = await cursor();
      if (await page.isVisible('[data-role=question]')) await page.click('[data-action=skip-question]');
      else await page.keyboard.press('ArrowRight');
      await page.focus(root);
      await page.waitForFunction((c) => Number(document.querySelector('[data-pagelab]').dataset.cursor) !== c
        || document.querySelector('[data-role=question]:not([hidden])'), at);
      await settle(page);
      const text = await words(page);
      // The image section appears once a page of it is in RAM, with a view per process.
      if (sharedAt < 0 && /share count 2/.test(text)) {
        sharedAt = await cursor();
        assert.match(text, /Section 0: 2 views/);
        assert.match(text, /writer \(PID \d+, running\)/);
      }
    }
    const output = await page.textContent('[data-role=output]');
    assert.match(output, /writer reads "Kernel32 data"/);
    assert.match(output, /main still reads "kernel32 data"/);
    // Skipping the write's question plays its statement at once, so the copy's step is
    // found by its narration and shown with the player.
    copiedAt = await page.evaluate(() => {
      const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
      for (let c = 1; c <= sim.step_count(); c++) if (/^Copy-on-write: frame \d+ gets a copy/.test(sim.step(c).narration)) return c;
      return -1;
    });
    if (copiedAt > 0) {
      await go(page, copiedAt);
      await settle(page);
      assert.match(await page.textContent('[data-role=narration]'), /Copy-on-write: frame \d+ gets a copy of frame \d+, private to this process/);
      await screenshot(page, 'shared-dll-copy.png');
    }
    assert.ok(sharedAt > 0, 'the code frame is shared by both processes');
    assert.ok(copiedAt > sharedAt, 'the write to the data page makes a private copy afterwards');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
