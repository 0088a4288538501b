// The <page-lab> element for blogs: independent instances, no stolen keys, handles freed on
// removal, element text treated as text, bad attributes reported, and the example post and
// the single-file module working under a strict Content-Security-Policy.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, screenshot } from './harness.mjs';
import { openPage, settled } from './element-harness.mjs';
import { tidy, readOptions } from '../../www/element/options.js';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; frame-src 'self'";

const COMMIT_AND_TOUCH = `
  char *p = VirtualAlloc(NULL, 2 * 4096, MEM_COMMIT, PAGE_READWRITE);
  p[0] = 'A';
  p[4096] = 'B';
`;
const PAGE_OUT = `
  char *q = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
  q[0] = 1;
  PageOut(q, 4096);
  q[0] = 2;
`;

const page = (body, module = '/www/page-lab.js') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>element test</title>
<link rel="icon" href="data:,">
<script type="module" src="${module}"></script></head>
<body>${body}</body></html>`;

const PAGES = {
  '/test/two.html': page(`
    <label>Host field <input id="host"></label>
    <page-lab id="a">${COMMIT_AND_TOUCH}</page-lab>
    <page-lab id="b" frames="4" policy="fifo">${PAGE_OUT}</page-lab>`),
  '/test/hostile.html': page(`
    <page-lab id="escaped">&lt;img src=x onerror="window.pwned = 1"&gt;</page-lab>
    <div id="slot"></div>`),
  '/test/bad.html': page(`
    <page-lab id="bad" frames="-3" step="abc" policy="belady" height="tall" autoplay="maybe">${COMMIT_AND_TOUCH}</page-lab>
    <page-lab id="lines" frames="4">
      p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
      ) oops
    </page-lab>
    <page-lab id="far" step="500">${COMMIT_AND_TOUCH}</page-lab>
    <page-lab id="missing" src="/test/nowhere.c"></page-lab>
    <page-lab id="fetched" src="/test/script.c" step="2"></page-lab>
    <page-lab id="empty">   </page-lab>`),
  '/test/script.c': COMMIT_AND_TOUCH,
  '/test/autoplay.html': page(`
    <page-lab id="played" autoplay height="200">${COMMIT_AND_TOUCH}</page-lab>
    <page-lab id="still" height="200px">${COMMIT_AND_TOUCH}</page-lab>`),
  '/test/single.html': page(`
    <page-lab id="one" frames="4">${COMMIT_AND_TOUCH}</page-lab>
    <page-lab id="two"><script type="text/plain">#include <windows.h>\n${PAGE_OUT}</script></page-lab>`,
  '/www/pkg/page-lab.js'),
};

let server;
let strict;

before(async () => {
  server = await serve({ files: PAGES });
  strict = await serve({ files: PAGES, headers: { 'content-security-policy': CSP } });
});

after(async () => {
  await server?.close();
  await strict?.close();
});

/** The visible state of one element: cursor, narration, position text and a hash of the canvas. */
async function look(tab, id) {
  return tab.evaluate((id) => {
    const el = document.getElementById(id);
    const root = el.shadowRoot;
    const canvas = root.querySelector('canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 1) hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
    return {
      cursor: el.debugState().cursor,
      narration: root.querySelector('[data-role=narration]').textContent,
      position: root.querySelector('[data-role=position]').textContent,
      canvas: `${canvas.width}x${canvas.height}:${hash}`,
    };
  }, id);
}

test('scripts written inside an indented post keep their own line and column numbers', () => {
  const text = '\n\n    p = f(1);\n      if (p) {\n\t\n    }\n  \n';
  assert.equal(tidy(text), 'p = f(1);\n  if (p) {\n\n}');
  assert.equal(tidy('\r\n  a;\r\n  b;'), 'a;\nb;');
  assert.equal(tidy('a;\n  b;'), 'a;\n  b;', 'no common indentation: unchanged');
});

test('attributes are checked one by one; good ones are kept', () => {
  const element = (attrs) => ({ getAttribute: (name) => (name in attrs ? attrs[name] : null) });
  const ok = readOptions(element({ frames: ' 4 ', policy: 'FIFO', step: '3', autoplay: '', height: '320px' }));
  assert.deepEqual(ok, {
    settings: { frames: 4, policy: 'fifo' }, step: 3, autoplay: true, height: 320, src: null, problems: [],
  });
  const bad = readOptions(element({ frames: '4.5', step: '-1', height: '1e3', autoplay: 'false', src: ' ' }));
  assert.deepEqual(bad.settings, {});
  assert.equal(bad.autoplay, false);
  assert.deepEqual(bad.problems.map((p) => p.split('=')[0]), ['frames', 'step', 'height', 'src']);
  assert.match(readOptions(element({ frames: 'x'.repeat(100) })).problems[0], /^frames="x{39}…" is not valid/,
    'a long value is quoted cut short');
});

test('two <page-lab> elements on one page step independently', async () => {
  const browser = await launch();
  try {
    const { tab, errors } = await openPage(browser.context, `${server.url}test/two.html`);
    await settled(tab);
    const a0 = await look(tab, 'a');
    const b0 = await look(tab, 'b');
    assert.equal(a0.cursor, 0, 'a starts at step 0');
    assert.ok(b0.canvas !== a0.canvas || b0.narration !== a0.narration, 'two scenarios, two pictures');

    await tab.click('#a [data-action=step]');
    await settled(tab);
    const a1 = await look(tab, 'a');
    assert.equal(a1.cursor, 1, 'a moved one step');
    assert.notEqual(a1.narration, a0.narration, "a's narration follows it");
    assert.notEqual(a1.canvas, a0.canvas, "a's canvas follows it");
    assert.deepEqual(await look(tab, 'b'), b0, 'b did not move: cursor, narration and pixels unchanged');

    await tab.click('#b [data-action=step]');
    await tab.click('#b [data-action=step]');
    await settled(tab);
    assert.equal((await look(tab, 'b')).cursor, 2, 'b moved two steps');
    assert.deepEqual(await look(tab, 'a'), a1, 'a stayed where it was');

    // The b element was asked for 4 frames and FIFO: its machine has them.
    const frames = await tab.evaluate(() => {
      const sim = document.getElementById('b').pagelab.simulator;
      return sim.config().frames;
    });
    assert.equal(frames, 4, 'frames="4" reached the simulator');
    await screenshot(tab, 'element-two.png');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('keys on the host page stay with the host; the widget takes them only with focus', async () => {
  const browser = await launch();
  try {
    // Scripts by id, to tell the page's own listeners from the test tool's.
    const scripts = new Map();
    let cdp;
    const { tab, errors } = await openPage(browser.context, `${server.url}test/two.html`, async (tab) => {
      cdp = await browser.context.newCDPSession(tab);
      cdp.on('Debugger.scriptParsed', ({ scriptId, url }) => scripts.set(scriptId, url));
      await cdp.send('Debugger.enable');
    });
    await settled(tab);
    const before = { a: await look(tab, 'a'), b: await look(tab, 'b') };

    await tab.focus('#host');
    await tab.keyboard.press('ArrowRight');
    await tab.keyboard.type('x y');
    await tab.keyboard.press('Space');
    await tab.keyboard.press('ArrowLeft');
    await tab.keyboard.press('End');
    assert.equal(await tab.inputValue('#host'), 'x y ', 'the host field received every key, space included');

    // Nothing focused (the body): keys are the page's, not the widget's.
    await tab.evaluate(() => document.activeElement?.blur());
    for (const key of ['ArrowRight', 'Space', 'End']) await tab.keyboard.press(key);
    await settled(tab);
    assert.deepEqual(await look(tab, 'a'), before.a, 'a did not move');
    assert.deepEqual(await look(tab, 'b'), before.b, 'b did not move');

    // With focus, the arrow keys step that widget, and only that one.
    await tab.focus('#a [data-pagelab]');
    await tab.keyboard.press('ArrowRight');
    await tab.keyboard.press('ArrowRight');
    await settled(tab);
    assert.equal((await look(tab, 'a')).cursor, 2, 'ArrowRight steps the focused widget');
    assert.deepEqual(await look(tab, 'b'), before.b, 'the other widget did not move');
    assert.equal(await tab.inputValue('#host'), 'x y ', 'and the host field did not change');

    // No listener was added to window or document by the page's scripts (the elements).
    assert.ok([...scripts.values()].some((url) => url.endsWith('/www/widget.js')), 'the scripts are known');
    for (const target of ['window', 'document']) {
      const { result } = await cdp.send('Runtime.evaluate', { expression: target });
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
      const ours = listeners.filter((l) => (scripts.get(l.scriptId) ?? '').startsWith(server.url));
      assert.deepEqual(ours.map((l) => `${l.type} from ${scripts.get(l.scriptId)}`), [], `no listeners on ${target}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('removing an element frees its handle; putting it back starts again where it was', async () => {
  const browser = await launch();
  try {
    const { tab, errors } = await openPage(browser.context, `${server.url}test/two.html`);
    await settled(tab);
    await tab.click('#a [data-action=step]');
    await settled(tab);

    const removed = await tab.evaluate(() => {
      const el = document.getElementById('a');
      const sim = el.pagelab.simulator;
      const alive = sim.step_count();
      el.remove();
      let error = null;
      try {
        sim.step_count();
      } catch (e) {
        error = String(e.message ?? e);
      }
      window.removedElement = el;
      return { alive, error, state: el.debugState(), shadow: el.shadowRoot.childElementCount };
    });
    assert.ok(removed.alive > 0, 'the handle worked before removal');
    assert.ok(removed.error, 'the freed handle refuses calls');
    assert.equal(removed.state.handles, 0, 'no handle held after removal');
    assert.equal(removed.state.freed, 1, 'exactly one handle freed');
    assert.equal(removed.shadow, 0, 'the widget was taken down');
    assert.equal((await look(tab, 'b')).cursor, 0, 'the other element is untouched');

    await tab.evaluate(() => document.body.append(window.removedElement));
    await settled(tab);
    const back = await tab.evaluate(() => document.getElementById('a').debugState());
    assert.equal(back.state, 'ready');
    assert.equal(back.handles, 1, 'a new handle');
    assert.equal(back.cursor, 1, 'back at the step it was on');

    // Removed while still loading, and many times over: no errors, nothing left held.
    const churn = await tab.evaluate(async () => {
      const states = [];
      for (let i = 0; i < 20; i++) {
        const el = document.createElement('page-lab');
        el.textContent = 'p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);';
        document.body.append(el);
        if (i % 2) await new Promise((resolve) => setTimeout(resolve, 30));
        el.remove();
        await new Promise((resolve) => setTimeout(resolve, 0));
        states.push(el.debugState());
      }
      return states;
    });
    for (const state of churn) {
      assert.equal(state.handles, 0, 'nothing held after removal');
      assert.ok(state.freed <= 1);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('autoplay plays to the end (at once with reduced motion); height bounds the picture', async () => {
  const browser = await launch({ reducedMotion: 'reduce' });
  try {
    const { tab, errors } = await openPage(browser.context, `${server.url}test/autoplay.html`);
    await settled(tab);
    const played = await tab.evaluate(() => document.getElementById('played').debugState());
    const still = await tab.evaluate(() => document.getElementById('still').debugState());
    assert.ok(played.steps > 2);
    assert.equal(played.cursor, played.steps, 'autoplay went to the last step');
    assert.equal(still.cursor, 0, 'without autoplay it waits at the start');
    const stage = await tab.evaluate(() => {
      const box = document.getElementById('still').shadowRoot.querySelector('.stage');
      return { height: box.getBoundingClientRect().height, inner: box.scrollHeight };
    });
    assert.equal(Math.round(stage.height), 200, 'height="200px" sets the picture area');
    assert.ok(stage.inner > 200, 'the taller picture scrolls inside it');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('on a 360 px phone the example post does not scroll sideways', async () => {
  const browser = await launch({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const { tab, errors } = await openPage(browser.context, `${server.url}www/embed-demo.html`);
    await settled(tab);
    await tab.tap('#demand-zero [data-action=step]');
    await settled(tab);
    assert.equal((await look(tab, 'demand-zero')).cursor, 2, 'a tap steps');
    const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the post is ${overflow}px wider than the phone`);
    await screenshot(tab, 'embed-demo-phone.png');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('markup in the script is text: no <img> is ever created', async () => {
  const browser = await launch();
  try {
    const { tab, errors } = await openPage(browser.context, `${server.url}test/hostile.html`);
    await tab.evaluate(() => {
      const el = document.createElement('page-lab');
      el.id = 'built';
      el.textContent = '<img src=x onerror="window.pwned = 2">\np = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);';
      document.getElementById('slot').append(el);
    });
    await settled(tab, ['escaped', 'built']);
    const found = await tab.evaluate(() => {
      const all = [document, ...[...document.querySelectorAll('page-lab')].map((el) => el.shadowRoot)];
      return {
        images: all.reduce((n, root) => n + root.querySelectorAll('img').length, 0),
        pwned: window.pwned ?? null,
        texts: [...document.querySelectorAll('page-lab')].map((el) => el.shadowRoot.querySelector('[data-pagelab]').textContent),
        states: [...document.querySelectorAll('page-lab')].map((el) => el.debugState()),
      };
    });
    assert.equal(found.images, 0, 'no img element anywhere');
    assert.equal(found.pwned, null, 'nothing ran');
    for (const text of found.texts) {
      assert.match(text, /line 1\b/, 'the script error is shown, as text');
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('bad attributes, a missing src and an empty element say what is wrong', async () => {
  const browser = await launch();
  try {
    const { tab, errors } = await openPage(browser.context, `${server.url}test/bad.html`);
    await settled(tab);
    const states = await tab.evaluate(() => Object.fromEntries(
      [...document.querySelectorAll('page-lab')].map((el) => [el.id, {
        ...el.debugState(),
        status: el.shadowRoot.querySelector('[data-role=status]')?.textContent,
        frames: el.pagelab?.simulator.config().frames,
      }])));

    const bad = states.bad.problems.join('\n');
    assert.match(bad, /frames="-3" is not valid: write a whole number from 1 to 4096/);
    assert.match(bad, /step="abc" is not valid/);
    assert.match(bad, /policy="belady" is not valid: write one of clock, fifo, lru, opt, random/);
    assert.match(bad, /height="tall" is not valid/);
    assert.match(bad, /autoplay="maybe" is not valid/);
    assert.equal(states.bad.state, 'ready', 'the scenario still runs with the defaults');
    assert.equal(states.bad.cursor, 0);
    const shown = await tab.locator('#bad [data-role=problems]').innerText();
    assert.match(shown, /frames="-3"/, 'the messages are visible inside the element');

    assert.match(states.lines.status, /line 2:1/, 'frames="4" does not move the line numbers of the script');

    assert.match(states.far.problems.join('\n'), /step=500 is past the last step/);
    assert.equal(states.far.cursor, states.far.steps, 'shows the last step instead');

    assert.equal(states.missing.state, 'error');
    assert.match(states.missing.problems.join('\n'), /Could not load src="\/test\/nowhere.c": the server answered 404/);

    assert.equal(states.fetched.state, 'ready', 'a same-origin src is fetched and run');
    assert.equal(states.fetched.cursor, 2, 'at the step asked for');

    assert.equal(states.empty.state, 'error');
    assert.match(states.empty.problems.join('\n'), /has no script/);

    // A script past the size limit is refused with its size, and the element still works
    // once its text is fixed.
    await tab.evaluate(() => { document.getElementById('empty').textContent = `// ${'x'.repeat(300 * 1024)}\n`; });
    await tab.waitForFunction(() => /KB/.test(document.getElementById('empty').debugState().problems.join()));
    assert.match((await tab.evaluate(() => document.getElementById('empty').debugState())).problems.join(),
      /The script is 301 KB; the most a <page-lab> runs is 256 KB/);
    await tab.evaluate(() => { document.getElementById('empty').textContent = 'p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);'; });
    await tab.waitForFunction(() => document.getElementById('empty').debugState().state === 'ready');

    // An attribute fixed later takes effect.
    await tab.evaluate(() => document.getElementById('bad').setAttribute('frames', '4'));
    await tab.waitForFunction(() => !/frames=/.test(document.getElementById('bad').debugState().problems.join()));
    await screenshot(tab, 'element-bad.png');
    const notFound = errors.filter((e) => !/404/.test(e));
    assert.deepEqual(notFound, [], 'no errors but the 404 the test asked for');
  } finally {
    await browser.close();
  }
});

test('the example post works under a strict Content-Security-Policy', async () => {
  const browser = await launch();
  try {
    const { tab, errors } = await openPage(browser.context, `${strict.url}www/embed-demo.html`);
    const header = await tab.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.match(header, /script-src 'self' 'wasm-unsafe-eval'/, 'the server sent the strict policy');
    await settled(tab);
    const ids = await tab.evaluate(() => [...document.querySelectorAll('page-lab')].map((el) => el.id));
    assert.deepEqual(ids, ['demand-zero', 'page-file']);
    assert.equal((await look(tab, 'demand-zero')).cursor, 1, 'step="1" is honoured');
    await tab.click('#page-file [data-action=step]');
    await settled(tab);
    assert.equal((await look(tab, 'page-file')).cursor, 1);
    // The styles came through the constructed stylesheet, which the policy allows.
    const border = await tab.evaluate(() => getComputedStyle(
      document.getElementById('page-file').shadowRoot.querySelector('.pagelab')).borderTopStyle);
    assert.equal(border, 'solid', 'the shadow root is styled');

    // The iframe embed loads the page itself, same origin, under the same policy.
    await tab.locator('iframe.pagelab-embed').scrollIntoViewIfNeeded();
    const frame = tab.frameLocator('iframe.pagelab-embed');
    // Conditions, not short timeouts: a loaded machine may take long to start the iframe.
    await frame.locator('[data-pagelab][data-ready=true]').waitFor({ timeout: 60000 });
    // It reports its height and the post's optional helper fits the iframe to it.
    await tab.waitForFunction(() => {
      const iframe = document.querySelector('iframe.pagelab-embed');
      const inner = iframe.contentDocument.documentElement;
      return iframe.style.height !== '' && inner.scrollHeight <= inner.clientHeight + 1;
    }, null, { timeout: 60000 });
    const fitted = await tab.evaluate(() => document.querySelector('iframe.pagelab-embed').getBoundingClientRect().height);
    assert.ok(fitted > 560, `the iframe grew to its content (${fitted}px)`);
    await screenshot(tab, 'embed-demo.png');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the single-file module works on its own under the strict policy', async () => {
  const browser = await launch();
  try {
    const { tab, errors } = await openPage(browser.context, `${strict.url}test/single.html`);
    const loaded = [];
    tab.on('request', (request) => loaded.push(new URL(request.url()).pathname));
    await tab.reload();
    await settled(tab);
    const states = await tab.evaluate(() => [...document.querySelectorAll('page-lab')].map((el) => el.debugState()));
    assert.deepEqual(states.map((s) => s.state), ['ready', 'ready']);
    assert.deepEqual(states[1].problems, [], 'the text/plain wrapper keeps <windows.h> as text');
    assert.ok(states[1].steps > 0);
    const scripts = [...new Set(loaded.filter((p) => p.endsWith('.js') || p.endsWith('.wasm')))];
    assert.deepEqual(scripts.sort(), ['/www/pkg/page-lab.js', '/www/pkg/pagelab_bg.wasm', '/www/pkg/run-worker.js'],
      'one module, the wasm and the run worker beside it, nothing else');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
