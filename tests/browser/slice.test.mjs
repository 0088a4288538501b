// Issue 2's end-to-end slice on the real built page: commit, access, see the demand-zero
// fault in the narration and in the RAM frames, and step back to the exact earlier pixels.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, settle, pixels, canvasWidth, screenshot } from './harness.mjs';
import { LESSON_FILES } from './fixtures.mjs';

let server;
let browser;

before(async () => {
  server = await serve({ files: LESSON_FILES });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Colour of one CSS pixel of the canvas as [r, g, b]. */
async function colourAt(page, x, y) {
  const [r, g, b] = await pixels(page, [x, y, 1, 1]);
  return [r, g, b];
}

test('commit then access: demand-zero fault, RAM pixels change, back restores them', async () => {
  const { page, errors } = await open(browser.context, server.url);
  await page.selectOption('[data-role=speed]', '150');

  await page.click('[data-action=commit]');
  const afterCommit = await settle(page);
  assert.ok(afterCommit > 0, 'commit recorded at least one step');
  assert.match(await page.textContent('[data-role=status]'), /VirtualAlloc\(NULL, 8, MEM_COMMIT, PAGE_READWRITE\); → 0x[0-9a-f]+/);

  // The RAM area as a whole, and the frames' rectangles from the layout.
  const width = await canvasWidth(page);
  const frames = await page.evaluate((width) => {
    const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
    const rects = [];
    for (let pfn = 0; ; pfn++) {
      const r = sim.part_rect('frame', pfn, width);
      if (!r) break;
      rects.push(Array.from(r));
    }
    return rects;
  }, width);
  assert.equal(frames.length, 16, 'the default machine has 16 frames');
  const ram = [
    frames[0][0],
    frames[0][1],
    Math.max(...frames.map((r) => r[0] + r[2])) - frames[0][0],
    Math.max(...frames.map((r) => r[1] + r[3])) - frames[0][1],
  ];
  const before = await pixels(page, ram);

  await page.click('[data-action=access]');
  const end = await settle(page);
  assert.ok(end > afterCommit, 'the access recorded steps');

  // (1) The narration of the access's steps mentions the demand-zero fault.
  // (The log lists a window of entries around the cursor: those of the access's steps.)
  const accessSteps = await page.$$eval('[data-role=log] li', (items, from) => items
    .filter((li) => Number(li.dataset.cursor) > from).map((li) => li.textContent), afterCommit);
  assert.ok(accessSteps.some((text) => /demand[- ]zero/i.test(text)),
    `a step of the access mentions the demand-zero fault:\n${accessSteps.join('\n')}`);

  // (2) The frame that now holds the page, as the canvas's text alternative names it
  // ("frame N: zeroed → active (…)"), is painted in the active colour, and was not before.
  const pfn = await page.evaluate(([from, to]) => {
    const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
    for (let c = to; c > from; c--) {
      const taken = sim.describe(c).match(/frame (\d+): [^;]*→ active/);
      if (taken) return Number(taken[1]);
    }
    return -1;
  }, [afterCommit, end]);
  assert.ok(pfn >= 0, 'a frame became active during the access');
  const [x, y, w, h] = frames[pfn];
  const probe = [x + w - 8, y + Math.round(h / 2)];
  const ACTIVE = [0x00, 0x72, 0xb2];
  assert.deepEqual(await colourAt(page, ...probe), ACTIVE, `frame ${pfn} is painted active`);
  const afterPixels = await pixels(page, ram);
  assert.ok(!afterPixels.equals(before), 'a pixel in the RAM area changed colour');
  assert.equal(await page.textContent('[data-counter=demand_zero]'), '1', 'the counter shows the fault');
  await screenshot(page, 'slice-after-access.png');

  // (3) Back, step by step, to where the access began: the RAM pixels are exactly as before.
  for (let cursor = end; cursor > afterCommit; cursor--) {
    await page.click('[data-action=back]');
    assert.equal(await settle(page), cursor - 1);
  }
  assert.notDeepEqual(await colourAt(page, ...probe), ACTIVE);
  assert.equal(await page.textContent('[data-counter=demand_zero]'), '0');
  const restored = await pixels(page, ram);
  assert.equal(restored.length, before.length);
  assert.ok(restored.equals(before), 'back restores the earlier pixels exactly');
  await screenshot(page, 'slice-after-back.png');

  assert.deepEqual(errors, [], 'no console errors');
});
