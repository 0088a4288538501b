// A blog post written in Markdown, built by the real engines bloggers' tools use
// (markdown-it: Eleventy, VitePress, Ghost's Markdown card; marked: Hexo; remark/rehype:
// Astro, Gatsby, Docusaurus), with and without a syntax highlighter, then opened in
// Chromium: the <page-lab> around a fenced code block runs the code with no error and gives
// the same steps as the PageLab page; without JavaScript the reader sees the code; a post
// whose script the engine formatted as prose is refused with the real cause.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import hljs from 'highlight.js';
import { marked } from 'marked';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import rehypeHighlight from 'rehype-highlight';
import rehypeStringify from 'rehype-stringify';
import { serve, launch, open as openApp } from './harness.mjs';
import { openPage, settled } from './element-harness.mjs';
import { encode } from './fixtures.mjs';

/** Real C as a post shows it: includes, blank lines, `*p`, a string literal with < and &. */
const CODE = `#include <windows.h>
#include <stdio.h>

int main(void)
{
    char *p = VirtualAlloc(NULL, 2 * 4096, MEM_COMMIT, PAGE_READWRITE);

    *p = 'A';
    p[4096] = *p + 1;

    printf("%s: %c%c\\n", "pages <1 & 2>", *p, p[4096]);
    return 0;
}`;

const POST = `# Demand-zero faults, live

A fresh allocation is only a *promise*: the first touch of each page faults.

<page-lab id="live" step="3">

\`\`\`c
${CODE}
\`\`\`

</page-lab>

Step through it with the arrow keys.
`;

/** The same code written straight inside the element: Markdown formats it as prose. */
const BARE = `Prose.

<page-lab id="bare">
${CODE}
</page-lab>
`;

/** The README's old form: a text/plain script, which Markdown also breaks at a blank line. */
const WRAPPED = `Prose.

<page-lab id="wrapped"><script type="text/plain">
${CODE}
</script></page-lab>
`;

const highlight = (code, language) => hljs.highlight(code, { language }).value;
const rehype = async (markdown) => String(await unified()
  .use(remarkParse)
  .use(remarkRehype, { allowDangerousHtml: true })
  .use(rehypeHighlight)
  .use(rehypeStringify, { allowDangerousHtml: true })
  .process(markdown));

/** Each engine as a blog's build runs it, raw HTML allowed (as Hugo's `unsafe = true`). */
const ENGINES = {
  'markdown-it': (markdown) => new MarkdownIt({ html: true }).render(markdown),
  'markdown-it with highlight.js': (markdown) => new MarkdownIt({ html: true, highlight }).render(markdown),
  marked: (markdown) => marked.parse(markdown),
  'remark and rehype with rehype-highlight': rehype,
};

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="icon" href="data:,">
<script type="module" src="/www/pkg/page-lab.js"></script></head>
<body><main>${body}</main></body></html>`;

const slug = (name) => name.replace(/\W+/g, '-');
const built = {};
let server;
let browser;

before(async () => {
  const files = {};
  for (const [name, render] of Object.entries(ENGINES)) {
    built[name] = await render(POST);
    files[`/post/${slug(name)}.html`] = page(name, built[name]);
    files[`/post/${slug(name)}-bare.html`] = page(name, await render(BARE));
    files[`/post/${slug(name)}-wrapped.html`] = page(name, await render(WRAPPED));
  }
  server = await serve({ files });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The steps the PageLab page itself records for CODE: count and narrations. */
async function pageSteps() {
  const { page: tab, errors } = await openApp(browser.context, `${server.url}#s=${encode(CODE)}`);
  const steps = await tab.evaluate(() => {
    const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
    return sim.steps_summary(1, sim.step_count()).map((s) => s.narration);
  });
  assert.deepEqual(errors, []);
  return steps;
}

test('each engine renders the fenced block as escaped code inside <page-lab>', () => {
  for (const [name, html] of Object.entries(built)) {
    assert.match(html, /<page-lab id="live" step="3">\s*<pre><code class="[^"]*language-c/, `${name}: a code block inside the element`);
    assert.match(html, /&lt;|&#x3C;/, `${name}: <windows.h> escaped`);
    assert.doesNotMatch(html, /<page-lab[^]*<p>[^]*<\/page-lab>/, `${name}: no paragraph inside the element`);
  }
});

for (const name of Object.keys(ENGINES)) {
  test(`a post built by ${name} runs its fenced code: no error, the page's steps`, async () => {
    const expected = await pageSteps();
    const { tab, errors } = await openPage(browser.context, `${server.url}post/${slug(name)}.html`);
    await settled(tab);
    const state = await tab.evaluate(() => {
      const el = document.getElementById('live');
      const sim = el.pagelab.simulator;
      el.pagelab.player.end();
      return {
        ...el.debugState(),
        narrations: sim.steps_summary(1, sim.step_count()).map((s) => s.narration),
        status: el.shadowRoot.querySelector('[data-role=status]').textContent,
        words: el.shadowRoot.querySelector('[data-role=picture-text]').textContent,
      };
    });
    assert.equal(state.state, 'ready');
    assert.deepEqual(state.problems, [], 'no message: the fenced form is the intended one');
    assert.equal(state.cursor, state.steps, 'at the end');
    assert.ok(expected.length > 3, `the page recorded steps (${expected.length})`);
    assert.deepEqual(state.narrations, expected, 'the same steps as the page, word for word');
    await tab.waitForFunction(() => /pages <1 & 2>: AB/.test(
      document.getElementById('live').shadowRoot.querySelector('[data-role=output]').textContent));
    assert.doesNotMatch(state.status, /error/i);
    assert.match(state.words, /^The picture shows 1 region of address space; RAM: 2 frames in a working set/,
      'the canvas in words, at the last step: two pages touched');
    assert.deepEqual(errors, []);
  });
}

test('a highlighter that wraps the code in spans in the browser does not re-run it; a new text does', async () => {
  const { tab, errors } = await openPage(browser.context, `${server.url}post/${slug('marked')}.html`);
  await settled(tab);
  const before = await tab.evaluate(() => document.getElementById('live').debugState());
  // What Prism or highlight.js do on the page: the same text, now in spans.
  await tab.evaluate(() => {
    const code = document.querySelector('#live code');
    const spans = code.textContent.split(/(\s+)/).map((part) => {
      const span = document.createElement('span');
      span.className = 'token';
      span.textContent = part;
      return span;
    });
    code.replaceChildren(...spans);
  });
  await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
  const after = await tab.evaluate(() => document.getElementById('live').debugState());
  assert.equal(after.freed, before.freed, 'the widget was not rebuilt');
  assert.equal(after.cursor, before.cursor);
  await tab.evaluate(() => { document.querySelector('#live code').textContent = "char *q = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\n*q = 'B';"; });
  await tab.waitForFunction((freed) => document.getElementById('live').debugState().freed > freed, before.freed);
  await settled(tab);
  const edited = await tab.evaluate(() => document.getElementById('live').debugState());
  assert.equal(edited.state, 'ready', 'a changed text runs again');
  assert.notEqual(edited.steps, before.steps);
  assert.deepEqual(errors, []);
});

test('without JavaScript (a feed reader) the post shows the code as written', async () => {
  const plain = await launch({ javaScriptEnabled: false });
  try {
    const tab = await plain.context.newPage();
    await tab.goto(`${server.url}post/${slug('markdown-it with highlight.js')}.html`);
    const text = await tab.innerText('main');
    for (const line of ['#include <windows.h>', "*p = 'A';", 'printf("%s: %c%c\\n", "pages <1 & 2>", *p, p[4096]);']) {
      assert.ok(text.includes(line), `the reader sees ${line}`);
    }
    assert.equal(await tab.locator('page-lab pre').count(), 1, 'as a code block');
  } finally {
    await plain.close();
  }
});

for (const [form, suffix] of [['plain code', 'bare'], ['<script type="text/plain">', 'wrapped']]) {
  test(`${form} inside <page-lab>, formatted by Markdown, is refused with the real cause`, async () => {
    for (const name of ['markdown-it', 'marked']) {
      const { tab, errors } = await openPage(browser.context, `${server.url}post/${slug(name)}-${suffix}.html`);
      await settled(tab);
      const state = await tab.evaluate((id) => document.getElementById(id).debugState(), suffix);
      assert.equal(state.state, 'error', `${name}: nothing runs`);
      assert.match(state.problems.join('\n'),
        /^PageLab: Markdown formatting reached the script: put the code in a fenced block/m, name);
      assert.doesNotMatch(state.problems.join('\n'), /expected a value|The browser read/, `${name}: no misleading cause`);
      assert.deepEqual(errors, []);
    }
  });
}
