// The Compare view (www/compare.html) on the real build: Belady's string gives FIFO 9
// faults with 3 frames and 10 with 4, the curve circles the rise and explains it, five
// lanes with totals and policy state, stepping, share links, hostile fragments, imports in
// each format (malformed lines named), the bundled real-program trace, and a lesson's
// script opened here from the simulator (its page references, FIFO agreeing with
// `pagelab trace`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { serve, launch, open, ROOT } from './harness.mjs';

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

/** Open the Compare view at `hash` and wait until it has drawn. */
async function openCompare(hash = '') {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}www/compare.html${hash}`);
  await idle(page);
  return { page, errors };
}

async function idle(page) {
  await page.waitForFunction(() => document.querySelector('[data-compare]').dataset.idle === 'true', null, { timeout: 20000 });
}

/** The faults table of the curve: { policy: [faults for 1.. frames] }. */
async function faultTable(page) {
  return page.evaluate(() => {
    const table = document.querySelector('.curve-table');
    const policies = [...table.tHead.rows[0].cells].slice(1).map((c) => c.textContent);
    const out = Object.fromEntries(policies.map((p) => [p, []]));
    for (const row of table.tBodies[0].rows) {
      policies.forEach((p, i) => out[p].push(Number(row.cells[i + 1].textContent)));
    }
    return out;
  });
}

const totals = (page) => page.$$eval('.lane', (lanes) => Object.fromEntries(lanes.map((l) => [l.dataset.policy, l.querySelector('[data-role=totals]').textContent])));

test("Belady's string: FIFO 9 faults with 3 frames, 10 with 4, and the rise is circled and explained", async () => {
  const { page, errors } = await openCompare('#src=typed&ref=1+2+3+4+1+2+5+1+2+3+4+5&frames=3&max=6&step=0');
  const table = await faultTable(page);
  assert.deepEqual(table.fifo, [12, 12, 9, 10, 5, 5]);
  assert.deepEqual(table.lru, [12, 12, 10, 8, 5, 5]);
  assert.deepEqual(table.opt, [12, 9, 7, 6, 5, 5]);
  // The anomaly: a circle on FIFO's line at 4 frames, a highlighted cell, a sentence.
  assert.equal(await page.locator('circle.anomaly.fifo[data-frames="4"]').count(), 1);
  assert.equal(await page.locator('circle.anomaly.lru, circle.anomaly.opt').count(), 0);
  const notes = await page.textContent('[data-role=anomalies]');
  assert.match(notes, /Belady's anomaly/);
  assert.match(notes, /FIFO: 9 faults with 3 frames, but 10 with 4\./);
  assert.equal(await page.locator('.curve-table tbody tr:nth-child(4) td.anomaly').first().textContent(), '10');
  // Five lanes with their totals at 3 frames.
  const t = await totals(page);
  assert.deepEqual(Object.keys(t), ['fifo', 'lru', 'clock', 'opt', 'random']);
  assert.match(t.fifo, /^1 fault up to access 1; 9 in all$/);
  assert.match(t.opt, /7 in all$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('stepping and scrubbing move the lanes; policy state is visible; the one-click demo', async () => {
  const { page } = await openCompare('#src=typed&ref=1+2+3+4+1+2+5+1+2+3+4+5&frames=3&max=6&step=0');
  for (let i = 0; i < 3; i++) {
    await page.click('[data-action=step]');
    await idle(page);
  }
  assert.equal(await page.textContent('[data-role=position]'), 'access 4 of 12');
  // Access 4 (page 4) misses in every lane; FIFO evicts page 1.
  const fifo = page.locator('.lane[data-policy=fifo]');
  assert.equal(await fifo.locator('thead th.now').textContent(), '4');
  assert.ok(await fifo.locator('thead th.now.miss').count());
  assert.equal(await fifo.locator('tr.victims td').last().textContent(), '1');
  // State: CLOCK's hand and use bits, OPT's next uses, LRU's recency.
  const clock = page.locator('.lane[data-policy=clock]');
  assert.equal(await clock.locator('td.now.hand').count(), 1);
  assert.match(await clock.locator('td.now').first().textContent(), /use [01]/);
  assert.match(await page.locator('.lane[data-policy=opt] td.now').allTextContents().then((t) => t.join(' ')), /next \d+/);
  assert.match(await page.locator('.lane[data-policy=lru] td.now').allTextContents().then((t) => t.join(' ')), /recent #1/);
  // Scrub to the end: the running totals are the whole totals.
  await page.locator('[data-role=scrub]').fill('11');
  await idle(page);
  assert.match((await totals(page)).fifo, /^9 faults up to access 12; 9 in all$/);
  // The Belady demo: 4 frames, FIFO 10 faults.
  await page.click('[data-action=belady]');
  await idle(page);
  assert.equal(await page.inputValue('[data-role=frames]'), '4');
  assert.match((await totals(page)).fifo, /10 in all$/);
  await page.close();
});

test('a share link reopens the same view; a hostile fragment is shown as text only', async () => {
  const { page } = await openCompare('#src=gen&seed=7&len=300&pages=12&frames=5&max=10&step=120');
  const link = await page.inputValue('[data-role=share-link]');
  const before = { table: await faultTable(page), totals: await totals(page) };
  await page.close();
  const again = await openCompare(new URL(link).hash);
  assert.deepEqual({ table: await faultTable(again.page), totals: await totals(again.page) }, before);
  assert.equal(await again.page.textContent('[data-role=position]'), 'access 121 of 300');
  await again.page.close();

  const hostile = '#src=typed&ref=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&frames=99999999999&max=-5&step=1e99';
  const { page: bad, errors } = await openCompare(hostile);
  assert.match(await bad.textContent('[data-role=status]'), /Could not read the reference string: .*not a page number/);
  assert.equal(await bad.locator('img').count(), 0);
  assert.equal(await bad.inputValue('[data-role=frames]'), '64');
  assert.deepEqual(errors, []);
  await bad.close();
});

test('imports: page numbers, byte addresses and Lackey output, detected; malformed lines named', async () => {
  const { page } = await openCompare();
  const cases = [
    ['1 2 3 1', 'pages', ''],
    ['0x1000\n0x2010\n0x3fff\n0x1abc\n', 'addresses', ''],
    ['==7== Lackey\nI  00001000,3\n L 00002010,8\n S 00003ff8,8\n M 00001abc,4\n', 'lackey', ''],
  ];
  await page.selectOption('[data-role=source]', 'file');
  await page.fill('[data-role=frames]', '2');
  for (const [text, format] of cases) {
    await page.setInputFiles('[data-role=file]', { name: 'trace.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await page.click('[data-action=run]');
    await idle(page);
    assert.match(await page.textContent('[data-role=note]'), new RegExp(`^4 accesses \\(read as ${format}\\)`));
    assert.deepEqual(await page.$$eval('.lane[data-policy=lru] thead th:not(:first-child)', (c) => c.map((x) => x.textContent)), ['1']);
  }
  await page.setInputFiles('[data-role=file]', { name: 'bad.txt', mimeType: 'text/plain', buffer: Buffer.from('==7== x\nI  1000,4\nnonsense here\n') });
  await page.click('[data-action=run]');
  await idle(page);
  assert.match(await page.textContent('[data-role=status]'), /line 3 "nonsense here" is not Valgrind Lackey output/);
  await page.close();
});

test('the real program trace loads and shows its knee', async () => {
  const { page, errors } = await openCompare('#src=example&frames=34&max=36&step=0');
  assert.match(await page.textContent('[data-role=note]'), /^32,656 accesses/);
  const table = await faultTable(page);
  assert.equal(table.lru[33], 101);
  assert.equal(table.lru[34], 35);
  assert.ok(table.opt[20] < table.lru[20]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed=1 in an iframe: no chrome, the share-link state, stepping, and the height reported to the host', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // A host page on the same server (the view's CSP allows only its own origin for scripts).
  await page.goto(`${server.url}www/embed-demo.html`);
  const src = `${server.url}www/compare.html#src=typed&ref=1+2+3+4+1+2+5+1+2+3+4+5&frames=4&max=6&step=10&embed=1`;
  await page.evaluate((url) => {
    window.heights = [];
    window.addEventListener('message', (e) => { if (e.data?.type === 'pagelab:height') window.heights.push(e.data.height); });
    const frame = document.createElement('iframe');
    frame.src = url;
    frame.width = '900';
    frame.height = '500';
    frame.title = 'PageLab: compare policies';
    document.body.prepend(frame);
  }, src);
  const frame = page.frameLocator('iframe[title="PageLab: compare policies"]');
  await frame.locator('[data-compare][data-idle=true] .lane').first().waitFor({ timeout: 20000 });
  const inner = page.frames().find((f) => f.url().startsWith(`${server.url}www/compare.html`));
  assert.equal(await inner.evaluate(() => document.documentElement.dataset.embed), 'true');
  // The chrome is hidden: the site header, the source form and the link field.
  for (const selector of ['header.site', '[data-form=source]', 'label.link']) {
    assert.equal(await frame.locator(selector).isVisible(), false, selector);
  }
  // The state came from the link: Belady's string, 4 frames in the lanes, access 11.
  assert.equal(await frame.locator('[data-role=position]').textContent(), 'access 11 of 12');
  assert.match(await frame.locator('.lane[data-policy=fifo] [data-role=totals]').textContent(), /^9 faults up to access 11; 10 in all$/);
  assert.equal(await frame.locator('circle.anomaly.fifo[data-frames="4"]').count(), 1);
  // Stepping works, and the share link keeps the embed.
  await frame.locator('[data-action=step]').click();
  await frame.locator('[data-compare][data-idle=true]').waitFor();
  assert.equal(await frame.locator('[data-role=position]').textContent(), 'access 12 of 12');
  assert.match(await frame.locator('.lane[data-policy=fifo] [data-role=totals]').textContent(), /^10 faults up to access 12; 10 in all$/);
  const link = await frame.locator('[data-role=share-link]').inputValue();
  assert.match(link, /[#&]embed=1(&|$)/);
  assert.match(link, /step=11/);
  // The host heard the view's height.
  await page.waitForFunction(() => window.heights.length > 0);
  assert.ok(await page.evaluate(() => window.heights.at(-1)) > 200);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the replacement-policy lessons link to the Compare view with the bundled real-program trace', async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=policy-lru`);
  const link = page.locator('[data-role=lesson-compare] a');
  assert.equal(await link.isVisible(), true);
  // Another lesson hides the link.
  await page.selectOption('[data-role=lessons]', 'demand-paging');
  await page.waitForFunction(() => document.querySelector('[data-role=lesson-compare]').hidden);
  await page.selectOption('[data-role=lessons]', 'policy-fifo');
  await page.waitForFunction(() => !document.querySelector('[data-role=lesson-compare]').hidden);
  await link.click();
  await page.waitForURL(/compare\.html#src=example/);
  await idle(page);
  assert.equal(await page.inputValue('[data-role=source]'), 'example');
  assert.match(await page.locator('[data-role=note]').textContent(), /^32,656 accesses/);
  assert.equal(await page.locator('.curve-table tbody tr').count(), 32);
  assert.deepEqual(errors, []);
});

/** `pagelab trace --policy P --frames N` on `pages`, through the command line's own build. */
function pagelabTrace(policy, frames, pages) {
  const out = execFileSync('cargo', ['run', '--quiet', '--', 'trace', '--policy', policy, '--frames', String(frames)], {
    cwd: ROOT, input: pages.join(' '), encoding: 'utf8', timeout: 600_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

test("the simulator's link opens the Compare view on the script's page references; FIFO agrees with pagelab trace", { timeout: 700_000 }, async () => {
  const { page, errors } = await open(browser.context, `${server.url}?lesson=policy-fifo`);
  const control = page.locator('[data-role=compare-script]');
  // A real link beside the policy menu, reached by the keyboard.
  assert.equal(await control.evaluate((a) => a.tagName), 'A');
  assert.equal(await control.evaluate((a) => a.previousElementSibling.querySelector('[name=policy]') !== null), true);
  await page.locator('[name=policy]').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.role), 'compare-script');
  await page.keyboard.press('Enter');
  await page.waitForURL(/compare\.html#s=/);
  await idle(page);
  assert.equal(await page.inputValue('[data-role=source]'), 'script');
  // The lesson's working set (3 pages) became the lanes' frames.
  assert.equal(await page.inputValue('[data-role=frames]'), '3');
  assert.match(await page.textContent('[data-role=note]'), /^16 accesses \(read as the script's page references\)/);
  // The lanes show the lesson's string: the hot page between each of four cold pages, twice.
  await page.click('[data-action=end]');
  await idle(page);
  const pages = await page.$$eval('.lane[data-policy=fifo] thead tr:first-child th', (cells) => cells.slice(1).map((c) => Number(c.textContent)));
  const hot = pages[0];
  assert.deepEqual(pages, [1, 2, 3, 4, 1, 2, 3, 4].flatMap((c) => [hot, hot + c]));
  // FIFO's total equals the command line's misses on the same string (and the lesson's 11).
  const cli = pagelabTrace('fifo', 3, pages);
  assert.deepEqual([cli.accesses, cli.misses], [16, 11]);
  const t = await totals(page);
  assert.match(t.fifo, new RegExp(`; ${cli.misses} in all$`));
  // The view's own link keeps the script.
  assert.match(await page.inputValue('[data-role=share-link]'), /#s=[A-Za-z0-9_-]+&/);
  assert.deepEqual(errors, []);
  await page.close();
  // A damaged or hostile script in the fragment is a sentence, shown as text.
  const bad = await openCompare('#s=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E');
  assert.match(await bad.page.textContent('[data-role=status]'), /Could not read the reference string: The shared link is damaged/);
  assert.equal(await bad.page.locator('img').count(), 0);
  assert.deepEqual(bad.errors, []);
  await bad.page.close();
});

test('the trace lesson: picked in the simulator, it opens the Compare view on the bundled trace with its provenance', async () => {
  const { page, errors } = await open(browser.context, server.url);
  const option = page.locator('[data-role=lessons] option[value=real-program-trace]');
  assert.equal(await option.textContent(), "Policies on a real program's memory trace");
  await page.selectOption('[data-role=lessons]', 'real-program-trace');
  await page.waitForURL(/compare\.html#trace=matrix-walk/);
  await idle(page);
  assert.equal(await page.inputValue('[data-role=source]'), 'example');
  assert.match(await page.locator('[data-role=note]').textContent(), /^32,656 accesses/);
  // The provenance, shown: the program, the tools and commands, and the full record.
  const provenance = page.locator('[data-role=provenance]');
  assert.equal(await provenance.isVisible(), true);
  const text = await provenance.textContent();
  assert.match(text, /valgrind --tool=lackey --trace-mem=yes/);
  assert.match(text, /gcc 12\.2\.0 and Valgrind 3\.19\.0/);
  for (const file of ['matrix-walk.c', 'matrix-walk.md', 'matrix-walk.trace']) {
    const href = await provenance.locator(`a[href="traces/${file}"]`).getAttribute('href');
    const response = await page.request.get(new URL(href, page.url()).href);
    assert.equal(response.status(), 200, file);
  }
  // Its curve: LRU's knee where the whole matrix, the code and the stack fit (35 frames).
  const table = await faultTable(page);
  assert.equal(table.lru.length, 40);
  assert.deepEqual([table.lru[33], table.lru[34]], [101, 35]);
  // ?lesson= opens it too, in place of the simulator.
  await page.goto(`${server.url}?lesson=real-program-trace`);
  await page.waitForURL(/compare\.html#trace=matrix-walk/);
  await idle(page);
  assert.deepEqual(errors, []);
  await page.close();
});
