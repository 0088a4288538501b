// The canvas's words that the glossary explains (issue 10): a heading shows a pointer
// cursor, and a click opens its definition in the page's glossary box and moves the focus
// there; empty canvas keeps the default cursor and opens nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, settle, canvasWidth } from './harness.mjs';

let server;

before(async () => {
  server = await serve();
});

after(async () => {
  await server?.close();
});

/** A point (CSS pixels of the canvas) whose word opens `term`, found through the wasm export. */
function pointOf(page, width, term) {
  return page.evaluate(([w, t]) => {
    const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
    const canvas = document.querySelector('[data-pagelab] [data-role=canvas]');
    const h = parseFloat(canvas.style.height);
    const at = (x, y) => sim.term_at(w, x, y) === t;
    for (let y = 2; y < h; y += 4) {
      for (let x = 2; x < w; x += 4) {
        if (!at(x, y)) continue;
        // Well inside the word's rectangle, away from its edges (the mouse lands on whole
        // pixels).
        let right = x;
        while (at(right + 1, y)) right++;
        let bottom = y;
        while (at(x, bottom + 1)) bottom++;
        return [(x + right) / 2, (y + bottom) / 2];
      }
    }
    return null;
  }, [width, term]);
}

test('a heading on the canvas opens its glossary entry; empty space does not', async () => {
  // Tall enough that the whole canvas is in the viewport, where the mouse reaches it.
  const browser = await launch({ viewport: { width: 1100, height: 2400 } });
  try {
    const { page, errors } = await open(browser.context, server.url);
    await settle(page);
    // The glossary is fetched lazily: its list is filled once it has arrived.
    await page.waitForSelector('[data-pagelab] [data-role=glossary] dt', { state: 'attached' });
    const width = await canvasWidth(page);
    const canvas = page.locator('[data-pagelab] [data-role=canvas]');
    const box = await canvas.boundingBox();
    const cursor = () => canvas.evaluate((c) => getComputedStyle(c).cursor);

    const tlb = await pointOf(page, width, 'TLB');
    assert.ok(tlb, 'the TLB heading is a glossary word of the canvas');
    // A RAM frame is a picture, not a word.
    const frame = await page.evaluate((w) => document.querySelector('[data-pagelab]').pagelab.simulator.part_rect('frame', 0, w), width);
    const empty = [frame[0] + frame[2] / 2, frame[1] + frame[3] / 2];
    assert.equal(await page.evaluate(([w, [x, y]]) => document.querySelector('[data-pagelab]').pagelab.simulator.term_at(w, x, y), [width, empty]), undefined);

    await page.mouse.move(box.x + empty[0], box.y + empty[1]);
    assert.notEqual(await cursor(), 'pointer', 'empty space keeps the default cursor');
    await page.mouse.move(box.x + tlb[0], box.y + tlb[1]);
    assert.equal(await cursor(), 'pointer', 'a glossary word shows a pointer');
    await page.mouse.move(box.x + empty[0], box.y + empty[1]);
    assert.notEqual(await cursor(), 'pointer');

    // A click on empty space opens nothing.
    await page.mouse.click(box.x + empty[0], box.y + empty[1]);
    assert.equal(await page.isHidden('[data-pagelab] [data-role=definition]'), true);

    await page.mouse.click(box.x + tlb[0], box.y + tlb[1]);
    const shown = await page.evaluate(() => {
      const d = document.querySelector('[data-pagelab] [data-role=definition]');
      return { hidden: d.hidden, text: d.textContent, focused: document.activeElement === d };
    });
    assert.equal(shown.hidden, false, 'the definition opens');
    assert.match(shown.text, /^TLB: /, 'it is the TLB\'s entry');
    assert.equal(shown.focused, true, 'the focus moves to the definition');

    // A legend entry opens its list's entry.
    const standby = await pointOf(page, width, 'standby list');
    assert.ok(standby, 'the legend\'s standby entry is a glossary word');
    // Focusing the definition may have scrolled the page: where the canvas is now.
    const now = await canvas.boundingBox();
    await page.mouse.click(now.x + standby[0], now.y + standby[1]);
    assert.match(await page.textContent('[data-pagelab] [data-role=definition]'), /^standby list: /);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('with two processes, the headings of both columns open the glossary', async () => {
  const browser = await launch({ viewport: { width: 1280, height: 1600 } });
  try {
    const { page, errors } = await open(browser.context, `${server.url}index.html?lesson=two-processes`);
    await settle(page);
    const width = await canvasWidth(page);
    // Every point of the canvas whose word opens the walk's entry: one heading per column.
    const xs = await page.evaluate((w) => {
      const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
      const h = parseFloat(document.querySelector('[data-pagelab] [data-role=canvas]').style.height);
      const found = [];
      for (let y = 2; y < h; y += 3) {
        for (let x = 2; x < w; x += 3) if (sim.term_at(w, x, y) === 'walk') found.push(x);
      }
      return found;
    }, width);
    assert.ok(xs.some((x) => x < width / 2), 'the first column\'s walk heading');
    assert.ok(xs.some((x) => x > width / 2), 'the second column\'s walk heading');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
