// The course on the real page: a lesson walked from start to end through its questions
// (one answered wrong, then right; one skipped), the step log and markers hidden until the
// reveal, the glossary opened from the keyboard, and the takeaway at the end.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, open, settle, screenshot, ROOT } from './harness.mjs';
import { encode } from './fixtures.mjs';

/** What the screen shows without scrolling, beside the full-page screenshots. */
const firstScreen = (page, name) => page.screenshot({ path: path.join(ROOT, 'target', 'screenshots', name) });

/** A teacher's own scenario with a question: the same syntax as the lessons. */
const TEACHER = `// One page, touched twice.
#pragma pagelab frames=4 pagefile=4 working_set=4
char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
//? Will the first write hit or miss the TLB? => tlb
p[0] = 1;
//? And the second write to the same page? => tlb
p[1] = 2;
`;

let server;
let browser;

before(async () => {
  server = await serve({
    files: {
      '/test/post.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>post</title>
<link rel="icon" href="data:,"><script type="module" src="/www/page-lab.js"></script></head>
<body><page-lab id="q">${TEACHER}</page-lab></body></html>`,
    },
  });
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
  for (const hidden of ['[data-role=script]', '[data-role=lesson-summary]', '[data-role=prose-intro]']) {
    assert.equal(await page.isVisible(hidden), false, `${hidden} is folded away while the question waits`);
  }
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
  // At 1280×800 the prose, the controls and the canvas show at once.
  await page.setViewportSize({ width: 1280, height: 800 });
  await settle(page);
  await screenshot(page, 'course-desktop.png');
  await firstScreen(page, 'course-desktop-screen.png');
  for (const sel of ['[data-action=step]', '[data-role=prose-note]', '[data-role=narration]', '[data-role=canvas]']) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box && box.height > 0 && box.y < 800 - 40, `${sel} shows on a 1280×800 screen (top ${box?.y})`);
  }
  // On a 390×844 phone the controls, the narration and the part of the picture that
  // changed show together, without scrolling the page.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('[data-action=next-fault]');
  await settle(page);
  await screenshot(page, 'course-phone.png');
  await firstScreen(page, 'course-phone-screen.png');
  for (const sel of ['[data-action=step]', '[data-action=next-statement]', '[data-role=narration]']) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 844, `${sel} is on the phone's first screen (${JSON.stringify(box)})`);
  }
  const change = await page.evaluate(() => {
    const root = document.querySelector('[data-pagelab]');
    const stage = root.querySelector('.stage');
    const band = root.pagelab.simulator.changed_band(root.pagelab.player.cursor, Math.floor(stage.clientWidth));
    const box = stage.getBoundingClientRect();
    return band && { top: box.top + band[0] - stage.scrollTop, bottom: box.top + band[1] - stage.scrollTop, stageTop: box.top, stageBottom: box.bottom };
  });
  assert.ok(change, 'the step changed part of the picture');
  assert.ok(change.top >= change.stageTop - 1 && change.top < Math.min(844, change.stageBottom), `the change is on screen: ${JSON.stringify(change)}`);
  // The editor folds away on the phone; "Script" opens it; a wide screen shows it again.
  assert.ok(await page.isHidden('[data-role=script]'), 'the script is folded on a phone');
  await page.click('[data-role=script-fold] > summary');
  assert.ok(await page.isVisible('[data-role=script]'), 'a tap on "Script" shows it');
  await page.click('[data-role=script-fold] > summary');
  assert.ok(await page.isHidden('[data-role=script]'));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForFunction(() => document.querySelector('[data-role=script-fold]').open);
  assert.ok(await page.isVisible('[data-role=script]'), 'wider, the script is open');
  assert.ok(await page.isHidden('[data-role=script-fold] > summary'), 'and has no fold of its own');
  assert.deepEqual(errors, []);
});

test('a share link asks its questions; running your own script renames the scenario', async () => {
  const { page, errors } = await open(browser.context, `${server.url}#s=${encode(TEACHER)}`);
  await settle(page);
  await page.click('[data-action=end]');
  await page.waitForSelector('[data-role=question]:not([hidden])');
  assert.match(await page.textContent('[data-role=question] legend'), /first write hit or miss/);
  await page.check('[data-role=choices] input[value=hit]');
  await page.click('[data-role=question] button[type=submit]');
  assert.match(await page.textContent('[data-role=question-result]'), /^Not hit\. The TLB remembers/);
  await page.check('[data-role=choices] input[value=miss]');
  await page.click('[data-role=question] button[type=submit]');
  assert.match(await page.textContent('[data-role=question-result]'), /^Right: miss\./);

  // A lesson, then the reader's own script: the picker and the Embed title follow.
  await page.goto(`${server.url}?lesson=granularity`);
  await settle(page);
  await page.fill('[data-role=script]', TEACHER);
  await page.click('[data-action=run]');
  await settle(page);
  assert.equal(await page.inputValue('[data-role=lessons]'), '');
  assert.equal(await page.$eval('[data-role=lessons]', (s) => s.selectedOptions[0].textContent), 'Your own script');
  await page.click('[data-action=embed]');
  await page.waitForFunction(() => document.querySelector('[data-role=embed-code]').value !== '');
  const snippet = await page.inputValue('[data-role=embed-code]');
  assert.match(snippet, /title="PageLab: Your own script"/);
  assert.doesNotMatch(snippet, /granularity/i);
  assert.deepEqual(errors, []);
});

test('a <page-lab> in a blog post asks the same questions', async () => {
  const { page, errors } = await open(browser.context, `${server.url}test/post.html`, { ready: false });
  const host = page.locator('#q');
  await host.locator('[data-pagelab][data-ready=true]').waitFor({ timeout: 15000 });
  for (let i = 0; i < 5 && !(await host.locator('[data-role=question]').isVisible()); i++) {
    await host.locator('[data-action=step]').click();
  }
  assert.match(await host.locator('[data-role=question] legend').textContent(), /first write hit or miss/);
  const before = await host.locator('[data-pagelab]').getAttribute('data-cursor');
  await host.locator('[data-action=step]').click();
  assert.equal(await host.locator('[data-pagelab]').getAttribute('data-cursor'), before, 'Step waits for the answer');
  await host.locator('[data-action=skip-question]').click();
  assert.match(await host.locator('[data-role=question-result]').textContent(), /^The answer: miss\./);
  assert.deepEqual(errors, []);
});

test('?quiz=SEED shows the problems and answers of `pagelab quiz --seed SEED --answers`, byte for byte, from the homework module only', async () => {
  // The command line's text: "N. prompt", then "   name: answer" lines and "   Why: …".
  const cli = execFileSync('cargo', ['run', '--quiet', '--bin', 'pagelab', '--', 'quiz', '--seed', '11', '--answers'], { cwd: ROOT, encoding: 'utf8' });
  const problems = cli.split('\n\n').slice(1).map((block) => {
    const [first, ...rest] = block.split('\n').filter(Boolean);
    const fields = rest.filter((l) => !l.startsWith('   Why: ')).map((l) => l.trim());
    const why = rest.find((l) => l.startsWith('   Why: ')).slice('   Why: '.length);
    return { legend: first, answers: `${fields.join('; ')}. ${why}` };
  });
  assert.equal(problems.length, 3, cli);

  const loaded = [];
  const { page, errors } = await open(browser.context, `${server.url}?lesson=demand-paging`);
  page.on('request', (request) => loaded.push(new URL(request.url()).pathname));
  await page.goto(`${server.url}?lesson=demand-paging`);
  await page.waitForSelector('[data-pagelab][data-ready=true]');
  await settle(page);
  assert.ok(!loaded.some((p) => /homework|pagelab-full|compare/.test(p)), `a lesson loads no homework code: ${loaded.join(' ')}`);

  await page.goto(`${server.url}?quiz=11`);
  await page.waitForSelector('[data-role=homework] form.problem');
  assert.ok(loaded.includes('/www/homework.js') && loaded.includes('/www/pkg/pagelab-full_bg.wasm'), loaded.join(' '));
  assert.equal(await page.textContent('[data-role=homework] h2'), 'Homework 11');
  const forms = page.locator('[data-role=homework] form.problem');
  assert.equal(await forms.count(), problems.length);
  for (let i = 0; i < problems.length; i++) {
    const form = forms.nth(i);
    assert.equal(await form.locator('legend').textContent(), problems[i].legend);
    await form.locator('button', { hasText: 'Show the answers' }).click();
    assert.equal(await form.locator('[aria-live]').textContent(), problems[i].answers);
  }
  assert.deepEqual(errors, []);
});

test('?quiz=SEED: homework answers stay hidden, wrong is told, right is confirmed', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?quiz=7`);
  await page.waitForSelector('[data-role=homework] form.problem');
  const forms = page.locator('[data-role=homework] form.problem');
  assert.equal(await forms.count(), 3);
  const address = forms.nth(1);
  assert.match(await address.locator('legend').textContent(), /PML4, PDPT, PD and PT indices/);
  assert.doesNotMatch(await page.textContent('[data-role=homework]'), /PML4 index: \d/, 'no answer before it is asked');
  const inputs = address.locator('input');
  for (let i = 0; i < 5; i++) await inputs.nth(i).fill('600');
  await address.locator('button[type=submit]').click();
  assert.match(await address.locator('[aria-live]').textContent(), /^Not yet: check PML4 index, PDPT index/);
  await address.locator('button', { hasText: 'Show the answers' }).click();
  const shown = await address.locator('[aria-live]').textContent();
  const values = ['PML4 index', 'PDPT index', 'PD index', 'PT index', 'offset'].map((n) => shown.match(new RegExp(`(?:^|; )${n}: (\\d+)`))[1]);
  for (let i = 0; i < 5; i++) await inputs.nth(i).fill(values[i]);
  await address.locator('button[type=submit]').click();
  assert.match(await address.locator('[aria-live]').textContent(), /^All right\./);
  // The indices put back together are the address of the question.
  const [a, b, c, d, o] = values.map(BigInt);
  const va = (a << 39n) | (b << 30n) | (c << 21n) | (d << 12n) | o;
  assert.match(await address.locator('legend').textContent(), new RegExp(`0x${va.toString(16)}\\b`));
  // A glossary word of the counters opens from the keyboard too.
  const term = page.locator('[data-role=counters] dt button.term').first();
  await term.focus();
  await page.keyboard.press('Enter');
  assert.equal(await term.getAttribute('aria-expanded'), 'true');
  assert.deepEqual(errors, []);
});
