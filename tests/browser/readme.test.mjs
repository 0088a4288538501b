// The README's embedding instructions, followed to the letter: its copy commands run into a
// temporary site folder, which is served on its own; a post made of the README's own
// snippets (the Markdown example built by markdown-it, the HTML form, the iframe and its
// height helper) works from that copy with no missing file, sandboxed or not; and the
// README's JavaScript API example runs as written against the copied module.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { ROOT, serve, launch } from './harness.mjs';
import { openPage, settled } from './element-harness.mjs';

/** The README's fenced blocks of one language (```lang or ````lang), in order. */
function blocks(readme, lang) {
  const found = [];
  const pattern = new RegExp(`^(\`{3,})${lang}\\n([^]*?)\\n\\1$`, 'gm');
  for (const match of readme.matchAll(pattern)) found.push(match[2]);
  return found;
}

const one = (list, needle) => {
  const hits = list.filter((text) => text.includes(needle));
  assert.equal(hits.length, 1, `one README block holds ${needle}`);
  return hits[0];
};

let site;
let plain;
let cors;
let snippets;

before(async () => {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const copy = one(blocks(readme, 'sh'), '$SITE/pagelab');
  site = await mkdtemp(path.join(tmpdir(), 'pagelab-site-'));
  // The build already ran (the test set-up does it); the rest runs as written.
  const commands = copy.split('\n').filter((line) => line.trim() !== 'scripts/build').join('\n');
  execFileSync('bash', ['-euo', 'pipefail', '-c', commands], { cwd: ROOT, env: { ...process.env, SITE: site } });

  const html = blocks(readme, 'html');
  snippets = {
    markdown: new MarkdownIt({ html: true }).render(one(blocks(readme, 'markdown'), '<page-lab')),
    element: one(html, '<page-lab'),
    iframe: one(html, '<iframe'),
    api: one(blocks(readme, 'js'), 'new Simulator()'),
  };
  const post = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
  await writeFile(path.join(site, 'post.html'),
    post('README post', `${snippets.markdown}\n${snippets.element.replace('<page-lab', '<page-lab id="html"')}\n${snippets.iframe}`));
  const opaque = snippets.iframe.replace(/sandbox="[^"]*"/, 'sandbox="allow-scripts"');
  assert.notEqual(opaque, snippets.iframe, 'the README iframe has a sandbox attribute');
  await writeFile(path.join(site, 'opaque.html'), post('Sandboxed post', opaque));
  // The API example as written, then its values handed to the test.
  await writeFile(path.join(site, 'api.js'), `${snippets.api}\nwindow.apiResult = { region, page, back };\n`);
  await writeFile(path.join(site, 'api.html'), post('API', '<script type="module" src="/api.js"></script>'));
  plain = await serve({ root: site });
  cors = await serve({ root: site, headers: { 'access-control-allow-origin': '*' } });
});

after(async () => {
  await plain?.close();
  await cors?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

/** Open `url` with a fresh browser, recording every failed request; `listen(tab)` runs before it loads. */
async function openSite(url, check, listen = () => {}) {
  const browser = await launch();
  try {
    const failed = [];
    const { tab, errors } = await openPage(browser.context, url, async (tab) => {
      tab.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      tab.on('requestfailed', (request) => failed.push(`failed ${request.url()}`));
      listen(tab);
    });
    await check(tab);
    assert.deepEqual(failed, [], 'every file the README names is there');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
}

/** Wait until the post's iframe holds a ready widget and the helper has fitted it. */
async function fitted(tab) {
  const frame = tab.frameLocator('iframe[data-pagelab-fit]');
  await frame.locator('[data-pagelab][data-ready=true]').waitFor({ timeout: 60000 });
  await tab.waitForFunction(() => parseFloat(document.querySelector('iframe[data-pagelab-fit]').style.height) > 560,
    null, { timeout: 60000 });
  return tab.evaluate(() => document.querySelector('iframe[data-pagelab-fit]').getBoundingClientRect().height);
}

test('the README copy gives the element (Markdown and HTML forms), the iframe and the fit helper', async () => {
  await openSite(`${plain.url}post.html`, async (tab) => {
    await settled(tab);
    const states = await tab.evaluate(() => [...document.querySelectorAll('page-lab')].map((el) => el.debugState()));
    assert.equal(states.length, 2);
    for (const state of states) {
      assert.equal(state.state, 'ready');
      assert.deepEqual(state.problems, []);
      assert.ok(state.steps > 0);
    }
    const height = await fitted(tab);
    assert.ok(height > 560, `the helper fitted the iframe to its page (${height}px)`);
    const inner = await tab.evaluate(() => {
      const doc = document.querySelector('iframe[data-pagelab-fit]').contentDocument.documentElement;
      return doc.scrollHeight - doc.clientHeight;
    });
    assert.ok(inner <= 1, `nothing is cut off inside the iframe (${inner}px more)`);
  });
});

test('an iframe with sandbox="allow-scripts" alone (an opaque origin) runs and is fitted, with CORS', async () => {
  await openSite(`${cors.url}opaque.html`, async (tab) => {
    const height = await fitted(tab);
    assert.ok(height > 560, `fitted from a message of origin "null" (${height}px)`);
    const origin = await tab.frameLocator('iframe[data-pagelab-fit]').locator('body').evaluate(() => window.origin);
    assert.equal(origin, 'null', 'the embedded page really has an opaque origin');
  });
});

test("the README's JavaScript API example runs as written: reserve, commit, access, page_out", async () => {
  const logs = [];
  await openSite(`${plain.url}api.html`, async (tab) => {
    await tab.waitForFunction(() => window.apiResult, null, { timeout: 60000 });
    const { region, page, back } = await tab.evaluate(() => window.apiResult);
    assert.ok(region.value >= 0x10000, `reserve returned an address (${region.value})`);
    assert.equal(region.error, null);
    assert.equal(page.value, region.value, 'commit inside the reservation returns its base');
    assert.equal(back.value, 0x41, 'the byte written reads back after the page-out');
    assert.equal(back.exception, null);
    assert.ok(logs.length > 4, `the example printed every step's narration (${logs.length})`);
    assert.ok(logs.some((line) => /demand-zero/i.test(line)), 'a demand-zero fault among them');
  }, (tab) => tab.on('console', (message) => {
    if (message.type() === 'log') logs.push(message.text());
  }));
});
