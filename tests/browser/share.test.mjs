// Issue 6 on the real built page: share links round-trip (same script, settings, step and
// pixels), hostile fragments run nothing and leave a working page, the strict CSP header,
// and embed=1 inside an iframe (compact, no scrollbars, height reported to the parent).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { serve, launch, open, settle, pixels, canvasWidth, screenshot, CSP } from './harness.mjs';
import { LESSON_FILES, DEMAND_PAGING, RESERVE_THEN_COMMIT, BY_HAND, encode, base64url } from './fixtures.mjs';

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

/** The whole canvas's pixels at the current step. */
async function canvasPixels(page) {
  const width = await canvasWidth(page);
  const height = await page.evaluate(() => parseFloat(document.querySelector('[data-pagelab] [data-role=canvas]').style.height));
  return pixels(page, [0, 0, width, height]);
}

async function fresh() {
  const page = await browser.context.newPage();
  const errors = [];
  const dialogs = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return { page, errors, dialogs };
}

async function openAt(url) {
  const tab = await fresh();
  await tab.page.goto(url);
  await tab.page.waitForSelector('[data-pagelab][data-ready=true]', { timeout: 15000 });
  await settle(tab.page);
  return tab;
}

test('a share link reproduces the scenario, its settings and its step, with equal pixels', async () => {
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const { page, errors } = await openAt(`${server.url}?lesson=demand-paging`);
  await page.fill('[data-form=settings] [name=working_set]', '3');
  await page.press('[data-form=settings] [name=working_set]', 'Tab');
  await page.waitForFunction(() => document.querySelector('[data-role=script]').value.includes('working_set=3'));
  // The knob re-runs the script in its worker: the steps are there once the run has ended.
  await page.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.running === 'false');
  await page.evaluate(() => document.querySelector('[data-pagelab]').pagelab.player.go(17));
  assert.equal(await settle(page), 17);
  const script = await page.inputValue('[data-role=script]');
  const picture = await canvasPixels(page);
  const narration = await page.textContent('[data-role=narration]');

  await page.click('[data-action=share]');
  await page.waitForFunction(() => document.querySelector('[data-role=share-link]').value !== '');
  const link = await page.inputValue('[data-role=share-link]');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/index\.html#s=[A-Za-z0-9_-]+&step=17$/);
  assert.match(await page.textContent('[data-role=status]'), /Link copied/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the link is on the clipboard');
  await screenshot(page, 'share-link.png');

  await page.click('[data-action=embed]');
  await page.waitForFunction(() => document.querySelector('[data-role=embed-code]').value !== '');
  const snippet = await page.inputValue('[data-role=embed-code]');
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/index\.html#s=[A-Za-z0-9_-]+&amp;step=17&amp;embed=1" title="PageLab: Demand paging" width="\d+" height="\d+" loading="lazy"[^>]*><\/iframe>$/);

  const copy = await openAt(link);
  assert.equal(await copy.page.inputValue('[data-role=script]'), script, 'the same script, pragma included');
  assert.equal(await copy.page.getAttribute('[data-pagelab]', 'data-cursor'), '17');
  assert.equal(await copy.page.textContent('[data-role=narration]'), narration);
  assert.equal(await copy.page.inputValue('[data-form=settings] [name=working_set]'), '3');
  assert.ok((await canvasPixels(copy.page)).equals(picture), 'the canvas is pixel for pixel the same');
  assert.deepEqual(copy.errors, []);
  assert.deepEqual(errors, []);
  await copy.page.close();
  await page.close();
});

test('a link made outside the page (deflate-raw, base64url) opens at its step', async () => {
  const { page, errors } = await openAt(`${server.url}#s=${encode(RESERVE_THEN_COMMIT)}&step=5`);
  assert.equal(await page.inputValue('[data-role=script]'), RESERVE_THEN_COMMIT);
  assert.equal(await page.getAttribute('[data-pagelab]', 'data-cursor'), '5');
  assert.equal(await page.getAttribute('[data-role=status]', 'data-kind'), 'ok');
  assert.deepEqual(errors, []);
  await page.close();
});

const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';

test('a fragment carrying markup is only text: shown with its errors, nothing runs, no element is made', async () => {
  const { page, errors, dialogs } = await openAt(`${server.url}#s=${encode(HOSTILE)}&step=3`);
  assert.equal(await page.inputValue('[data-role=script]'), HOSTILE, 'the text is in the editor as text');
  assert.equal(await page.getAttribute('[data-pagelab]', 'data-steps'), '0', 'nothing ran');
  assert.equal(await page.getAttribute('[data-role=status]', 'data-kind'), 'error');
  assert.ok(await page.locator('[data-role=errors] li').count() > 0, 'its errors are listed');
  assert.equal(await page.locator('img').count(), 0, 'no img element');
  assert.equal(await page.locator('main script, [data-role=errors] script').count(), 0);
  // The page still works: a lesson loads and runs.
  await page.selectOption('[data-role=lessons]', 'demand-paging');
  await page.waitForFunction(() => Number(document.querySelector('[data-pagelab]').dataset.steps) > 0);
  await page.waitForTimeout(100);
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.deepEqual(errors, []);
  await page.close();
});

/** Open a bad link: the status explains, the default lesson is shown and works. */
async function rejects(fragment, message) {
  const { page, errors, dialogs } = await openAt(`${server.url}#${fragment}`);
  const status = await page.textContent('[data-role=status]');
  assert.match(status, message);
  assert.equal(await page.getAttribute('[data-role=status]', 'data-kind'), 'error');
  assert.equal(await page.inputValue('[data-role=script]'), BY_HAND, 'the default lesson is open');
  await page.selectOption('[data-role=speed]', '0');
  await page.click('[data-action=commit]');
  await settle(page);
  assert.ok(Number(await page.getAttribute('[data-pagelab]', 'data-steps')) > 0, 'and it works');
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  await page.close();
}

test('invalid base64 is refused with a message', async () => {
  await rejects('s=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', /damaged: its script is not valid base64url/);
  await rejects('s=A', /damaged: its script is not valid base64url/);
});

test('base64 that is not deflate data is refused', async () => {
  await rejects(`s=${base64url(Buffer.from('this is not compressed at all, just text'))}`, /could not be unpacked/);
});

test('a 1 MB fragment is refused before decoding', async () => {
  await rejects(`s=${'A'.repeat(1024 * 1024)}`, /too long \(1024 KB\)/);
});

test('a small payload that inflates past 256 KB is stopped', async () => {
  const bomb = base64url(deflateRawSync(Buffer.alloc(64 * 1024 * 1024, 0x20)));
  assert.ok(bomb.length < 100_000, `the bomb is small (${bomb.length} characters)`);
  await rejects(`s=${bomb}`, /larger than 256 KB once unpacked/);
});

test('a negative, non-numeric or too-late step gets a message and a clamped position', async () => {
  for (const [step, expected, message] of [
    ['-3', 0, /not a whole number/],
    ['abc', 0, /not a whole number/],
    ['1e3', 0, /not a whole number/],
    ['99999', null, /asked for step 99999, past the last one/],
  ]) {
    const { page, errors } = await openAt(`${server.url}#s=${encode(DEMAND_PAGING)}&step=${step}`);
    const steps = Number(await page.getAttribute('[data-pagelab]', 'data-steps'));
    assert.ok(steps > 0);
    assert.equal(Number(await page.getAttribute('[data-pagelab]', 'data-cursor')), expected ?? steps, `step=${step}`);
    assert.match(await page.textContent('[data-role=status]'), message);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('the page works under the strict CSP header, with no violations', async () => {
  const strict = await serve({ files: LESSON_FILES, headers: { 'content-security-policy': CSP } });
  const csp = await launch();
  try {
    await csp.context.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const { page, errors } = await open(csp.context, `${strict.url}?lesson=demand-paging`);
    const console = [];
    page.on('console', (m) => console.push(m.text()));
    const header = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.equal(header, CSP, 'the server sent the header');
    await page.selectOption('[data-role=speed]', '0');
    await page.click('[data-action=end]');
    await settle(page);
    await page.fill('[data-form=settings] [name=frames]', '9');
    await page.press('[data-form=settings] [name=frames]', 'Tab');
    await page.waitForFunction(() => document.querySelector('[data-role=script]').value.includes('frames=9'));
    await page.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.running === 'false');
    await page.click('[data-action=share]');
    await page.waitForFunction(() => document.querySelector('[data-role=share-link]').value !== '');
    await page.click('[data-action=commit]');
    await settle(page);
    const link = await page.inputValue('[data-role=share-link]');
    await page.goto(link);
    await page.waitForSelector('[data-pagelab][data-ready=true]');
    await settle(page);
    assert.ok(Number(await page.getAttribute('[data-pagelab]', 'data-steps')) > 0, 'the shared scenario ran');
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(console.filter((t) => /Content.Security.Policy|Refused to/i.test(t)), []);
    assert.deepEqual(errors, []);
    await screenshot(page, 'csp.png');
  } finally {
    await csp.close();
    await strict.close();
  }
});

test('embed=1 in an iframe: compact, no scrollbars, height reported to the parent', async () => {
  const link = `/index.html#s=${encode(DEMAND_PAGING)}&step=9&embed=1`;
  const host = await serve({
    files: {
      ...LESSON_FILES,
      '/host.html': `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>host</title></head>
<body><p>A blog post.</p><iframe src="${link}" title="PageLab" width="640" height="560" loading="lazy"></iframe></body></html>`,
    },
  });
  const b = await launch();
  try {
    await b.context.addInitScript(() => {
      if (window.parent === window) {
        window.__messages = [];
        window.addEventListener('message', (e) => window.__messages.push(e.data));
      }
    });
    const page = b.context.pages()[0] ?? (await b.context.newPage());
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${host.url}host.html`);
    const frame = page.frameLocator('iframe');
    await frame.locator('[data-pagelab][data-ready=true]').waitFor({ timeout: 15000 });
    const inner = page.frames().find((f) => f !== page.mainFrame());
    await inner.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.painted === '9');
    assert.equal(await frame.locator('[data-role=script]').isVisible(), false, 'no editor');
    assert.equal(await frame.locator('.ops').isVisible(), false, 'no forms');
    assert.equal(await frame.locator('header.site').isVisible(), false, 'no page header');
    assert.equal(await frame.locator('[data-role=canvas]').isVisible(), true);
    assert.equal(await frame.locator('[data-role=narration]').isVisible(), true);
    const box = await inner.evaluate(() => {
      const player = document.querySelector('.player').getBoundingClientRect();
      const step = document.querySelector('[data-action=step]').getBoundingClientRect();
      const scrub = document.querySelector('[data-role=scrubber]').getBoundingClientRect();
      return {
        overflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        style: getComputedStyle(document.documentElement).overflow,
        oneLine: Math.abs(step.top - scrub.top) < player.height,
      };
    });
    assert.ok(box.overflowX <= 0, 'no horizontal overflow');
    assert.equal(box.style, 'hidden', 'no scrollbars');
    assert.ok(box.oneLine, 'buttons and scrubber share one line');
    await page.waitForFunction(() => window.__messages.some((m) => m && m.type === 'pagelab:height'));
    const heights = await page.evaluate(() => window.__messages.filter((m) => m.type === 'pagelab:height').map((m) => m.height));
    const content = await inner.evaluate(() => document.documentElement.scrollHeight);
    assert.equal(heights.at(-1), content, 'the last height is the content height');
    await frame.locator('[data-action=step]').click();
    await inner.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.cursor === '10');
    await screenshot(page, 'embed-iframe.png');
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
    await host.close();
  }
});
