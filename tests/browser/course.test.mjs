// The course on the real page: a lesson walked from start to end through its questions
// (one answered wrong, then right; one skipped), the step log and markers hidden until the
// reveal, the glossary opened from the keyboard, and the takeaway at the end.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, settle, screenshot } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a lesson is walked through its questions to its takeaway', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=demand-paging`);
  await settle(page);
  const root = '[data-pagelab]';
  const steps = Number(await page.getAttribute(root, 'data-steps'));
  assert.ok(steps > 0);
  // The first question waits before the VirtualAlloc statement: End stops there.
  await page.click('[data-action=end]');
  await page.waitForSelector('[data-role=question]:not([hidden])');
  const limit = Number(await page.getAttribute(root, 'data-limit'));
  assert.ok(limit < steps, 'the player stops at the question');
  assert.equal(Number(await page.getAttribute(root, 'data-cursor')), limit);
  const hiddenLog = await page.$$eval('[data-role=log] li', (items, l) => items.filter((i) => Number(i.dataset.cursor) > l && !i.hidden).length, limit);
  assert.equal(hiddenLog, 0, 'no step past the question is listed');
  assert.match(await page.textContent('[data-role=question] legend'), /How many page faults/);
  // Wrong first: committing takes no fault, so 3 is too many.
  await page.fill('[data-role=choices] input', '3');
  await page.click('[data-role=question] button[type=submit]');
  assert.match(await page.textContent('[data-role=question-result]'), /^Not 3\. That is too many\./);
  assert.equal(Number(await page.getAttribute(root, 'data-cursor')), limit, 'a wrong answer does not move on');
  await page.fill('[data-role=choices] input', '0');
  await page.click('[data-role=question] button[type=submit]');
  assert.match(await page.textContent('[data-role=question-result]'), /^Right: 0\./);
  assert.ok(Number(await page.getAttribute(root, 'data-cursor')) > limit, 'the reveal shows the statement');
  // Skip the rest, answering nothing, until the end.
  for (let i = 0; i < 10 && (await page.isVisible('[data-role=question]') || Number(await page.getAttribute(root, 'data-cursor')) < steps); i++) {
    await page.click('[data-action=end]');
    if (await page.isVisible('[data-role=question]')) {
      await page.click('[data-action=skip-question]');
      assert.match(await page.textContent('[data-role=question-result]'), /^The answer: /);
    }
  }
  assert.equal(Number(await page.getAttribute(root, 'data-cursor')), steps);
  assert.match(await page.textContent('[data-role=takeaway]'), /^Takeaway: /);
  assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem('pagelab:course:done'))), ['demand-paging']);
  // A glossary word in the narration opens its definition from the keyboard.
  await page.click('[data-action=start]');
  await page.click('[data-action=next-fault]');
  await page.waitForSelector('[data-role=narration] button.term');
  await page.focus('[data-role=narration] button.term');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('[data-role=narration] button.term', 'aria-expanded'), 'true');
  assert.ok((await page.textContent('[data-role=definition]')).length > 30);
  await settle(page);
  await screenshot(page, 'course-desktop.png');
  await page.setViewportSize({ width: 390, height: 844 });
  await settle(page);
  await screenshot(page, 'course-phone.png');
  for (const sel of ['[data-action=step]', '[data-role=narration]']) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box && box.y + box.height <= 844, `${sel} is on the phone's first screen`);
  }
  assert.deepEqual(errors, []);
});
