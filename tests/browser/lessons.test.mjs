// The bundled lessons on the real page: the picker lists every lesson of
// www/lessons/index.json, and each one loads into the editor and runs without errors.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serve, launch, open, settle, screenshot, ROOT } from './harness.mjs';

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

test('every bundled lesson loads from the picker and runs', async () => {
  const index = JSON.parse(await readFile(path.join(ROOT, 'www', 'lessons', 'index.json'), 'utf8'));
  assert.ok(index.length > 0);
  const { page, errors } = await open(browser.context, server.url);
  assert.equal(await page.inputValue('[data-role=lessons]'), index[0].name, 'the first lesson opens by default');
  const names = await page.$$eval('[data-role=lessons] option', (options) => options.map((o) => o.value));
  assert.deepEqual(names, index.map((l) => l.name));
  // A trace lesson opens the Compare view instead (tests/browser/compare.test.mjs).
  const scripts = index.filter((l) => l.file);
  for (const lesson of scripts) {
    const text = await readFile(path.join(ROOT, 'www', 'lessons', lesson.file), 'utf8');
    await page.selectOption('[data-role=lessons]', lesson.name);
    await page.waitForFunction((t) => document.querySelector('[data-role=script]').value === t, text);
    await settle(page);
    assert.equal(await page.getAttribute('[data-pagelab]', 'data-errors'), '0', `${lesson.name} parses`);
    assert.ok(Number(await page.getAttribute('[data-pagelab]', 'data-steps')) > 0, `${lesson.name} records steps`);
    assert.equal(await page.textContent('[data-role=lesson-summary]'), lesson.summary);
  }
  assert.match(page.url(), new RegExp(`\\?lesson=${scripts.at(-1).name}$`));
  assert.deepEqual(errors, []);
});

test('?lesson=reserve-then-commit opens the lesson at its step, and End stops at each question', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=reserve-then-commit#step=4`);
  assert.equal(await settle(page), 4);
  assert.match(await page.inputValue('[data-role=script]'), /MEM_RESERVE/);
  const steps = Number(await page.getAttribute('[data-pagelab]', 'data-steps'));
  let questions = 0;
  for (let guard = 0; guard < 20; guard++) {
    await page.click('[data-action=end]');
    await settle(page);
    if (!(await page.isVisible('[data-role=question]'))) break;
    questions++;
    await page.click('[data-action=skip-question]');
  }
  assert.ok(questions >= 2, `End stopped at ${questions} questions`);
  assert.equal(Number(await page.getAttribute('[data-pagelab]', 'data-cursor')), steps);
  assert.match(await page.textContent('[data-role=output]'), /Hello from a committed page/);
  await screenshot(page, 'lesson-reserve-then-commit.png');
  assert.deepEqual(errors, []);
});
