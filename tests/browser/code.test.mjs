// Issue 5's code panel on the real built page: a lesson steps to its demand-zero fault
// (narration, RAM pixels, exact pixels back), parse errors at line:col, ?lesson=NAME,
// the settings panel rewriting the pragma, the forms writing code, scrubber markers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, settle, pixels, canvasWidth, screenshot } from './harness.mjs';
import { LESSON_FILES, RESERVE_THEN_COMMIT, DEMAND_PAGING } from './fixtures.mjs';

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

/** Move the player to `cursor` the way a reader does (the scrubber), and wait for paint. */
async function goTo(page, cursor) {
  await page.evaluate((c) => document.querySelector('[data-pagelab]').pagelab.player.go(c), cursor);
  return settle(page);
}

test('?lesson= opens that lesson; stepping to its demand-zero fault changes that RAM frame, back restores it', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=reserve-then-commit`);
  await settle(page);
  assert.equal(await page.inputValue('[data-role=script]'), RESERVE_THEN_COMMIT, 'the lesson is in the editor');
  assert.equal(await page.inputValue('[data-role=lessons]'), 'reserve-then-commit', 'the picker names it');
  assert.equal(await page.getAttribute('[data-pagelab]', 'data-cursor'), '0');

  // The first demand-zero fault, found from the step log's markers and narration, and the
  // frame it takes, from the canvas's text alternative ("frame N: zeroed → active (…)").
  const found = await page.evaluate(() => {
    const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
    const log = sim.steps_summary(1, sim.step_count());
    const fault = log.findIndex((s) => s.marker === 'fault' && /demand-zero fault/i.test(s.narration)) + 1;
    if (fault < 1) return null;
    for (let d = fault; d <= sim.step_count(); d++) {
      const taken = sim.describe(d).match(/frame (\d+): [^;]*→ active/);
      if (taken) return { fault, taken: d, pfn: Number(taken[1]), line: log[fault - 1].line };
    }
    return null;
  });
  assert.ok(found, 'the lesson has a demand-zero fault');
  assert.equal(found.line, 10, 'the fault belongs to the memmove on line 10');

  const width = await canvasWidth(page);
  const rect = await page.evaluate(([pfn, width]) =>
    Array.from(document.querySelector('[data-pagelab]').pagelab.simulator.part_rect('frame', pfn, width)), [found.pfn, width]);

  await goTo(page, found.fault - 1);
  const before = await pixels(page, rect);

  // Step with the button to the fault: narration and current line follow.
  await page.click('[data-action=step]');
  assert.equal(await settle(page), found.fault);
  assert.match(await page.textContent('[data-role=narration]'), /demand-zero fault/i);
  assert.equal(await page.getAttribute('[data-pagelab]', 'data-line'), '10');
  assert.equal(await page.textContent('[data-role=gutter] .current'), '10', 'the gutter marks line 10');
  assert.equal(await page.locator('[data-role=backdrop] .lines > div').nth(9).getAttribute('class'), 'current');

  for (let c = found.fault; c < found.taken; c++) await page.click('[data-action=step]');
  assert.equal(await settle(page), found.taken);
  assert.match(await page.textContent('[data-role=picture-text]'), new RegExp(`frame ${found.pfn}: [^;]*→ active`));
  const after = await pixels(page, rect);
  assert.ok(!after.equals(before), `frame ${found.pfn}'s pixels changed once the page is in it`);
  await screenshot(page, 'code-demand-zero.png');

  // Back to just before the fault: exactly the earlier pixels.
  for (let c = found.taken; c >= found.fault; c--) await page.click('[data-action=back]');
  assert.equal(await settle(page), found.fault - 1);
  assert.ok((await pixels(page, rect)).equals(before), 'back restores the earlier pixels exactly');

  // The output panel shows what the program printed by the step, and the exception later.
  await page.click('[data-action=end]');
  await settle(page);
  const out = await page.textContent('[data-role=output]');
  assert.match(out, /Hello from 0000023456700000/);
  assert.match(out, /line 12: exception STATUS_ACCESS_VIOLATION/);
  await goTo(page, 0);
  assert.equal(await page.textContent('[data-role=output]'), '', 'nothing printed at step 0');
  assert.deepEqual(errors, []);
});

test('a script with an error shows it at line:col; clicking it puts the caret there; the old run stays', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=demand-paging`);
  const steps = Number(await page.getAttribute('[data-pagelab]', 'data-steps'));
  assert.ok(steps > 0);
  const broken = 'p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\n\n  VirtualAloc(p, 1);\n';
  await page.fill('[data-role=script]', broken);
  await page.click('[data-action=run]');
  const item = page.locator('[data-role=errors] li').first();
  assert.match(await item.textContent(), /^3:3 .*VirtualAloc/);
  assert.match(await page.textContent('[data-role=status]'), /line 3:3/);
  assert.equal(await page.getAttribute('[data-role=status]', 'data-kind'), 'error');
  assert.equal(await page.textContent('[data-role=gutter] .error'), '3', 'the gutter marks line 3');
  assert.equal(await page.textContent('[data-role=backdrop] .mark'), 'V', 'the mark sits under column 3');
  assert.equal(await page.getAttribute('[data-pagelab]', 'data-steps'), String(steps), 'the previous run is still shown');

  await item.locator('button').click();
  const caret = await page.evaluate(() => {
    const ta = document.querySelector('[data-role=script]');
    return { focused: document.activeElement === ta, at: ta.selectionStart };
  });
  assert.deepEqual(caret, { focused: true, at: broken.indexOf('VirtualAloc(p') }, 'the caret is at 3:3');
  await screenshot(page, 'code-error.png');

  // Fix it with Ctrl+Enter: the errors go and the new run is shown.
  await page.fill('[data-role=script]', 'p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\nwrite(p, 1, 1);\n');
  await page.press('[data-role=script]', 'Control+Enter');
  await page.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.errors === '0');
  assert.equal(await page.isHidden('[data-role=errors]'), true);
  assert.deepEqual(errors, []);
});

test('an unknown ?lesson= says so and opens the first lesson', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=%3Cimg%20src%3Dx%3E`);
  assert.match(await page.textContent('[data-role=status]'), /no lesson called "<img src=x>"/);
  assert.equal(await page.inputValue('[data-role=lessons]'), 'by-hand');
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(errors, []);
});

test('the picker loads a lesson; the settings panel rewrites the pragma and re-runs', async () => {
  const { page, errors } = await open(browser.context, server.url);
  await page.selectOption('[data-role=lessons]', 'demand-paging');
  await page.waitForFunction(() => document.querySelector('[data-role=script]').value.includes('Three pages'));
  assert.match(page.url(), /\?lesson=demand-paging$/);
  assert.equal(await page.inputValue('[data-form=settings] [name=frames]'), '6', 'the panel shows the pragma');
  assert.equal(await page.inputValue('[data-form=settings] [name=policy]'), 'fifo');

  await page.fill('[data-form=settings] [name=frames]', '12');
  await page.press('[data-form=settings] [name=frames]', 'Tab');
  await page.selectOption('[data-form=settings] [name=policy]', 'lru');
  await page.selectOption('[data-form=settings] [name=standby]', 'off');
  await page.fill('[data-form=settings] [name=tlb]', '4');
  await page.press('[data-form=settings] [name=tlb]', 'Tab');
  await page.waitForFunction(() => document.querySelector('[data-role=script]').value.includes('tlb=4'));
  const script = await page.inputValue('[data-role=script]');
  assert.equal(script, DEMAND_PAGING.replace('frames=6', 'frames=12').replace('policy=fifo', 'policy=lru standby=off tlb=4'),
    'one pragma line carries every setting; nothing else changed');
  const config = await page.evaluate(() => document.querySelector('[data-pagelab]').pagelab.simulator.config());
  assert.deepEqual([config.frames, config.policy, config.standby, config.tlb], [12, 'lru', false, 4]);
  assert.deepEqual(errors, []);
});

test('a script without a pragma gets one when a knob changes', async () => {
  const { page, errors } = await open(browser.context, server.url);
  await page.fill('[data-role=script]', '// hello\np = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\n');
  await page.click('[data-action=run]');
  // The run ends (in its worker) before a knob is touched: its end refills the settings.
  await page.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.running === 'false');
  await page.fill('[data-form=settings] [name=pagefile]', '3');
  await page.press('[data-form=settings] [name=pagefile]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-role=script]').value.includes('pragma'));
  assert.equal(await page.inputValue('[data-role=script]'),
    '// hello\n#pragma pagelab pagefile=3\np = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\n');
  assert.match(await page.textContent('[data-counter=commit]'), /of 19 pages/, '16 frames + 3 slots');
  assert.deepEqual(errors, []);
});

test('policy=opt shows in the Policy menu; an empty working-set field asks for soft limits', async () => {
  const { page, errors } = await open(browser.context, server.url);
  await page.fill('[data-role=script]', '#pragma pagelab frames=8 policy=opt working_set=3\np = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\n');
  await page.click('[data-action=run]');
  await page.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.running === 'false');
  await page.waitForFunction(() => document.querySelector('[data-form=settings] [name=working_set]').value === '3');
  assert.equal(await page.inputValue('[data-form=settings] [name=policy]'), 'opt', 'the menu is not blank');
  await page.fill('[data-form=settings] [name=working_set]', '');
  await page.press('[data-form=settings] [name=working_set]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-role=script]').value.includes('working_set=soft'));
  await page.waitForFunction(() => document.querySelector('[data-form=settings] [name=working_set]').value === '');
  assert.equal(await page.inputValue('[data-form=settings] [name=policy]'), 'opt');
  assert.deepEqual(errors, []);
});

test('the forms add statements to the script; the scrubber has markers', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=by-hand`);
  await page.selectOption('[data-role=speed]', '0');
  await page.click('[data-action=commit]');
  await settle(page);
  assert.match(await page.textContent('[data-role=status]'), /p1 = VirtualAlloc\(NULL, 8, MEM_COMMIT, PAGE_READWRITE\); → 0x23456700000/);
  await page.click('[data-action=access]');
  await page.click('[data-action=page-out]');
  await settle(page);
  assert.equal(await page.inputValue('[data-role=script]'),
    '// Use the forms below: each one adds a line here.\np1 = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\nwrite(p1, 0x41, 1);\nPageOut(p1, 1);\n');
  const markers = await page.evaluate(() => document.querySelector('[data-pagelab]').pagelab.simulator.markers());
  assert.ok(markers.some((m) => m.kind === 'fault') && markers.some((m) => m.kind === 'pageout'), JSON.stringify(markers));
  assert.match(await page.getAttribute('[data-role=marks]', 'aria-label'), /1 page fault, \d+ page-outs?, 0 exceptions/);
  // The strip has ink where the fault is.
  const ink = await page.evaluate(() => {
    const c = document.querySelector('[data-role=marks]');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
  assert.ok(ink > 0, 'markers are drawn');
  assert.deepEqual(errors, []);
});

test('hostile numbers (2^64 - 1 sizes, kernel addresses) give Win32 errors and every step still shows', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=demand-paging`);
  const script = [
    'p = VirtualAlloc(NULL, 0xFFFFFFFFFFFFFFFF, MEM_COMMIT, PAGE_READWRITE);',
    'q = VirtualAlloc(0xFFFF800000000000, 4096, MEM_COMMIT, PAGE_READWRITE);',
    'write(0xFFFF800000001000, 1, 1);',
    'r = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);',
    'write(r, 7, 1);',
  ].join('\n');
  await page.fill('[data-role=script]', script);
  // The click starts the run at once (data-running is 'true' when it returns); wait for its end.
  await page.click('[data-action=run]');
  await page.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.running === 'false');
  assert.equal(await page.getAttribute('[data-pagelab]', 'data-errors'), '0');
  const steps = Number(await page.getAttribute('[data-pagelab]', 'data-steps'));
  assert.ok(steps > 4, `the run recorded its steps (${steps})`);
  // Every step, including those whose arguments pass 2^53, can be shown.
  for (let cursor = 1; cursor <= steps; cursor++) await goTo(page, cursor);
  // The page tells the true size; it never rounds it to a JS number.
  await goTo(page, 1);
  const narration = await page.textContent('[data-role=narration]');
  assert.match(narration, /0xffffffffffffffff bytes/, 'the narration names the exact size');
  assert.match(narration, /ERROR_INVALID_PARAMETER|ERROR_NOT_ENOUGH_MEMORY/);
  // The full module's typed events carry it as an exact hex string.
  const call = await page.evaluate(async (script) => {
    const full = await import('/www/pkg/pagelab-full.js');
    await full.default();
    const sim = new full.Simulator();
    sim.load_script(script);
    const found = sim.events(1).find((e) => e.kind === 'call');
    sim.free();
    return found;
  }, script);
  assert.equal(call.args[1], '0xffffffffffffffff', 'a size past 2^53 crosses as an exact hex string');
  assert.match(await page.textContent('[data-role=narration]'), /\S/);
  assert.deepEqual(errors, []);
});
