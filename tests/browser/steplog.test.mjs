// The step log lists a window of 41 entries around the current step, not every step
// (issue 13: listing hundreds forced a long layout): the current entry is listed, marked
// and in view; the window moves on when the cursor nears its edge; a focused entry keeps
// the keyboard focus; the first and the last steps can be reached.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, settle } from './harness.mjs';
import { encode } from './fixtures.mjs';

const SCRIPT = `char *p = VirtualAlloc(NULL, 100 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 100; i++) { p[i * 4096] = i; }
`;

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

/** The listed entries' steps, the current one, whether it is in the list's view, and the
 * step of the focused entry (null when the focus is elsewhere). */
function log(page) {
  return page.evaluate(() => {
    const list = document.querySelector('[data-role=log]');
    const items = [...list.children].map((li) => Number(li.dataset.cursor));
    const current = list.querySelector('li[aria-current=step]');
    const box = list.getBoundingClientRect();
    const at = current?.getBoundingClientRect();
    const focused = document.activeElement?.closest('[data-role=log] li');
    return {
      first: items[0],
      last: items.at(-1),
      count: items.length,
      numbered: items.every((c, i) => c === items[0] + i) && list.start === items[0],
      current: current ? Number(current.dataset.cursor) : null,
      inView: Boolean(at && at.top >= box.top - 1 && at.bottom <= box.bottom + 1),
      focused: focused ? Number(focused.dataset.cursor) : null,
    };
  });
}

async function press(page, key, times = 1) {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
  return settle(page);
}

test('the step log shows a window of 41 entries that follows the cursor and keeps the focus', async () => {
  const { page, errors } = await open(browser.context, `${server.url}index.html#s=${encode(SCRIPT)}&step=100`);
  assert.equal(await settle(page), 100);
  const steps = Number(await page.getAttribute('[data-pagelab]', 'data-steps'));
  assert.ok(steps > 200, `${steps} steps`);

  let l = await log(page);
  assert.deepEqual([l.first, l.last, l.count, l.numbered, l.current, l.inView], [80, 120, 41, true, 100, true]);

  // Keys on a focused entry move the cursor; within 8 of the window's edge it re-centres,
  // and the focused entry keeps the focus.
  await page.focus('[data-role=log] li[aria-current] button');
  await press(page, 'ArrowRight', 12);
  l = await log(page);
  assert.deepEqual([l.first, l.current, l.focused], [80, 112, 100], 'not yet at the edge');
  await press(page, 'ArrowRight');
  l = await log(page);
  assert.deepEqual([l.first, l.last, l.count, l.current, l.inView, l.focused], [93, 133, 41, 113, true, 100]);

  // A click on the window's first entry jumps there and re-centres around it, focus kept.
  await page.click('[data-role=log] li:first-child button');
  await settle(page);
  l = await log(page);
  assert.deepEqual([l.first, l.last, l.current, l.inView, l.focused], [73, 113, 93, true, 93]);

  // The last step and the first are reachable.
  await press(page, 'End');
  l = await log(page);
  assert.deepEqual([l.last, l.count, l.current, l.inView], [steps, 41, steps, true]);
  await press(page, 'Home');
  l = await log(page);
  assert.deepEqual([l.first, l.count, l.current], [1, 41, null], 'step 0 has no entry');
  await press(page, 'ArrowRight');
  l = await log(page);
  assert.deepEqual([l.first, l.current, l.inView], [1, 1, true]);
  assert.deepEqual(errors, []);
});
