// Accessibility, checked by axe-core (npm) on the real pages: the index, a lesson, the
// compact embed=1 page and the example blog post have no serious or critical violation;
// and the canvas has a text alternative that follows the step (what is shown, what changed).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { serve, launch, open, settle } from './harness.mjs';
import { openPage, settled } from './element-harness.mjs';
import { LESSON_FILES } from './fixtures.mjs';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server;

before(async () => {
  server = await serve({ files: LESSON_FILES });
});

after(async () => {
  await server?.close();
});

/** Serious and critical violations on `tab`, one line each (rule, impact, where). */
async function violations(tab) {
  // Through the DevTools protocol: a page's Content-Security-Policy does not apply to it.
  await tab.evaluate(AXE);
  const found = await tab.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3),
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) at ${v.targets.join(', ')}`);
}

for (const [name, path] of [
  ['the index page', ''],
  ['a lesson', '?lesson=demand-paging'],
  ['the embed=1 page', '?lesson=demand-paging&embed=1'],
]) {
  test(`axe-core finds no serious or critical violation on ${name}`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser.context, `${server.url}${path}`);
      // One step in, when there is one (the first lesson may start empty).
      if (await page.isEnabled('[data-action=step]')) await page.click('[data-action=step]');
      await settle(page);
      assert.deepEqual(await violations(page), []);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test('axe-core finds no serious or critical violation on the example post', async () => {
  const browser = await launch();
  try {
    const { tab, errors } = await openPage(browser.context, `${server.url}www/embed-demo.html`);
    await settled(tab);
    // At the last step every part of each element shows (the program's output too).
    await tab.evaluate(() => document.querySelectorAll('page-lab').forEach((el) => el.pagelab.player.end()));
    await settled(tab);
    assert.equal(await tab.locator('main').count(), 1, 'the post has a main landmark');
    assert.deepEqual(await violations(tab), []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the canvas has a text alternative that follows the step: what is shown and what changed', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser.context, `${server.url}?lesson=demand-paging`);
    const words = async () => page.evaluate(() => {
      const canvas = document.querySelector('[data-pagelab] [data-role=canvas]');
      const text = document.getElementById(canvas.getAttribute('aria-describedby'));
      return text.textContent;
    });
    const start = await words();
    // kernel32.dll's image, mapped in every process (DESIGN §9), is alone: its 3 regions.
    assert.match(start, /^The picture shows 3 regions of address space; RAM: .* Nothing has happened yet\.$/);
    const seen = new Set([start]);
    let fault = null;
    const steps = Number(await page.getAttribute('[data-pagelab]', 'data-steps'));
    for (let i = 1; i <= steps; i++) {
      await page.click('[data-action=step]');
      await settle(page);
      const text = await words();
      seen.add(text);
      assert.match(text, /^The picture shows .*(Changed: .*|Nothing in the picture changed at this step)\.$/);
      if (!fault && /frame \d+: \w+ → active \(page 0x/.test(text)) fault = text;
    }
    assert.ok(fault, 'a demand-zero fault is told: a frame joins a working set');
    assert.ok(seen.size > steps / 2, `the words follow the steps (${seen.size} texts for ${steps} steps)`);
    const box = await page.evaluate(() => document.getElementById('picture-text').getBoundingClientRect().width);
    assert.ok(box <= 1, 'the text is for screen readers, not shown');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
