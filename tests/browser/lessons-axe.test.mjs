// Accessibility of a lesson in the middle of the course, checked by axe-core (npm): with a
// question open (fieldset, radios, Check, Skip), a glossary definition open and the
// homework of ?quiz=SEED shown, no serious or critical violation.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { serve, launch, open, settle } from './harness.mjs';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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

/** Serious and critical violations on `page`, one line each (rule, impact, where). */
async function violations(page) {
  // Through the DevTools protocol: the page's Content-Security-Policy does not apply to it.
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${v.targets.join(', ')}`);
}

test('a lesson with a question and a definition open has no serious or critical violation', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=standby-and-modified&quiz=5`);
  await settle(page);
  await page.click('[data-action=end]');
  await page.waitForSelector('[data-role=question]:not([hidden]) input[type=radio]');
  await page.click('[data-role=narration] button.term');
  assert.equal(await page.isVisible('[data-role=definition]'), true);
  assert.ok(await page.isVisible('[data-role=homework] fieldset'), 'the homework shows');
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(errors, []);
});
