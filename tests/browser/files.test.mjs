// Files on the disk (DESIGN §9) in the real page: the persisted-mapped-file lesson, stepped
// to the hard fault that reads the file and to the mapped page writer's write; the canvas's
// text alternative names the file's block and the page each step reads or writes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, settle, pixels, canvasWidth, screenshot } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch({ viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const words = (page) => page.textContent('[data-pagelab] [data-role=picture-text]');
const go = async (page, c) => {
  await page.evaluate((c) => document.querySelector('[data-pagelab]').pagelab.player.go(c), c);
  return settle(page);
};

test('persisted-mapped-file: the disk block shows notes.txt, lit when the fault reads it and when the writer writes it', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=persisted-mapped-file`);
  await settle(page);
  // Play to the end, skipping the lesson's questions, so the whole run is there.
  for (let guard = 0; guard < 20; guard++) {
    await page.click('[data-action=end]');
    await settle(page);
    if (!(await page.isVisible('[data-role=question]'))) break;
    await page.click('[data-action=skip-question]');
  }
  const found = await page.evaluate(() => {
    const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
    const log = sim.steps_summary(1, sim.step_count());
    const at = (re) => log.findIndex((s) => re.test(s.narration)) + 1;
    return { read: at(/reads it from the file/), write: at(/mapped page\s+writer writes it to its file/), last: sim.step_count() };
  });
  assert.ok(found.read > 0 && found.write > found.read, JSON.stringify(found));

  await go(page, found.read);
  let text = await words(page);
  assert.match(text, /Disk file notes\.txt: 19 bytes\./);
  assert.match(text, /This step reads page 0 of notes\.txt\./);
  assert.match(await page.textContent('[data-role=narration]'), /hard fault reads it from the file \(not the page file\)/);

  await go(page, found.write - 1);
  assert.doesNotMatch(await words(page), /This step (reads|writes)/, 'the step before touches no file');
  const width = await canvasWidth(page);
  const before = await pixels(page, [0, 0, width, 900]);
  await go(page, found.write);
  text = await words(page);
  assert.match(text, /This step writes page 0 of notes\.txt\./);
  assert.match(await page.textContent('[data-role=narration]'), /not to the page file/);
  assert.ok(!(await pixels(page, [0, 0, width, 900])).equals(before), 'the canvas changes at the write');
  await screenshot(page, 'files-mapped-writer.png');

  await go(page, found.last);
  assert.match(await page.textContent('[data-role=output]'), /Hello from the disk/);
  assert.deepEqual(errors, []);
});
