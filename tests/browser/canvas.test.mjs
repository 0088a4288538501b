// The canvas itself: the page-table walk lights up as the walk step plays, and the
// address-space strip zooms (buttons, wheel) and resets to exactly the picture it had.

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
 * Commit 8 pages and write the first two: the second write walks all four levels (the
 * first made the tables). Returns the cursor of that walk step, found by its narration.
 */
async function fullWalk(page) {
  return page.evaluate(async () => {
    const widget = document.querySelector('[data-pagelab]').pagelab;
    // With the page's run worker, load() resolves once the run has ended.
    await widget.load('char *p = VirtualAlloc(NULL, 0x8000, MEM_COMMIT, PAGE_READWRITE);\nwrite(p, 0x41, 1);\nwrite(p + 0x1000, 0x42, 1);\n');
    const sim = widget.simulator;
    // The narration of a four-level walk: "The walk reads PML4[i] → PDPT[j] → PD[k] → PT[l]".
    for (let c = sim.step_count(); c >= 1; c--) {
      if (/PML4\[\d+\] → PDPT\[\d+\] → PD\[\d+\] → PT\[\d+\]/.test(sim.step(c).narration)) return c;
    }
    return -1;
  });
}

const go = (page, cursor) => page.evaluate((c) => document.querySelector('[data-pagelab]').pagelab.player.go(c), cursor);
const nextFrames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const same = (a, b) => Buffer.compare(a, b) === 0;

test('the walk lights up as the fault\'s walk step plays, and back restores it', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser.context, server.url);
    const walk = await fullWalk(page);
    assert.ok(walk > 1, 'a step walks the tables');
    await go(page, walk - 1);
    await settle(page);
    const width = await canvasWidth(page);
    const entry = (level) => page.evaluate(([l, w]) => document.querySelector('[data-pagelab]').pagelab.simulator.part_rect('walk_entry', l, w), [level, width]);
    const [pml4, pt] = [await entry(0), await entry(3)];
    const before = await pixels(page, pml4);
    const ptBefore = await pixels(page, pt);

    // Step forward: the animation starts with nothing lit and ends with all four levels.
    // The step's first frame is read as it is painted (a busy machine could otherwise let
    // the 450 ms animation end before a second round trip reads it).
    await page.evaluate(([c, [x, y, w, h]]) => {
      const root = document.querySelector('[data-pagelab]');
      const observer = new MutationObserver(() => {
        if (root.dataset.painted !== String(c) || window.__early) return;
        const canvas = root.querySelector('[data-role=canvas]');
        const scale = canvas.width / parseFloat(canvas.style.width);
        window.__early = Array.from(canvas.getContext('2d').getImageData(
          Math.round(x * scale), Math.round(y * scale), Math.round(w * scale), Math.round(h * scale)).data);
        observer.disconnect();
      });
      observer.observe(root, { attributes: true, attributeFilter: ['data-painted'] });
    }, [walk, pt]);
    await page.focus('[data-pagelab]');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.__early !== undefined);
    const ptEarly = Buffer.from(await page.evaluate(() => window.__early));
    assert.equal(await settle(page), walk);
    const ptLit = await pixels(page, pt);
    assert.ok(!same(before, await pixels(page, pml4)), 'the PML4 entry is lit once the walk reads it');
    assert.ok(!same(ptBefore, ptLit), 'the PT entry is lit at the end of the walk');
    assert.ok(!same(ptEarly, ptLit), 'the PT entry lights up after the first frame of the step');
    await screenshot(page, 'canvas-walk.png');

    await page.keyboard.press('ArrowLeft');
    assert.equal(await settle(page), walk - 1);
    assert.ok(same(before, await pixels(page, pml4)), 'stepping back restores the pixels exactly');
    assert.ok(same(ptBefore, await pixels(page, pt)));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('zooming changes the strip and Fit restores it exactly', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser.context, server.url);
    const walk = await fullWalk(page);
    await go(page, walk);
    await settle(page);
    const width = await canvasWidth(page);
    const strip = await page.evaluate((w) => document.querySelector('[data-pagelab]').pagelab.simulator.part_rect('strip', 0, w), width);
    const original = await pixels(page, strip);
    const fit = page.locator('[data-pagelab] [data-zoom=reset]');
    assert.equal(await fit.isDisabled(), true, 'nothing to reset yet');

    await page.click('[data-pagelab] [data-zoom=in]');
    await nextFrames(page);
    const zoomed = await pixels(page, strip);
    assert.ok(!same(original, zoomed), 'zooming in redraws the strip');
    await screenshot(page, 'canvas-zoomed.png');

    // The wheel over the strip zooms too (out, here), and keys work while focused.
    const box = await page.locator('[data-pagelab] [data-role=canvas]').boundingBox();
    await page.mouse.move(box.x + strip[0] + strip[2] / 3, box.y + strip[1] + strip[3] / 2);
    await page.mouse.wheel(0, 400);
    await nextFrames(page);
    assert.ok(!same(zoomed, await pixels(page, strip)), 'the wheel zooms');

    await fit.click();
    await nextFrames(page);
    assert.ok(same(original, await pixels(page, strip)), 'Fit restores the strip exactly');
    assert.equal(await fit.isDisabled(), true);

    await page.focus('[data-pagelab]');
    await page.keyboard.press('+');
    await nextFrames(page);
    assert.ok(!same(original, await pixels(page, strip)), 'the + key zooms');
    await page.keyboard.press('0');
    await nextFrames(page);
    assert.ok(same(original, await pixels(page, strip)), 'the 0 key resets');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
