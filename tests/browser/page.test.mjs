// The page as a whole: keys only while the widget has focus, no horizontal scroll on a
// phone, and the dark theme.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, settle, pixels, screenshot } from './harness.mjs';
import { LESSON_FILES } from './fixtures.mjs';

let server;

before(async () => {
  server = await serve({ files: LESSON_FILES });
});

after(async () => {
  await server?.close();
});

test('arrow keys step only while the widget has focus', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser.context, server.url);
    await page.selectOption('[data-role=speed]', '0');
    await page.click('[data-action=commit]');
    const end = await settle(page);
    assert.ok(end >= 1, 'commit recorded a step');

    // Focus outside the widget: the host page keeps its keys.
    await page.focus('header.site h1').catch(() => {});
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Home');
    assert.equal(await settle(page), end, 'keys outside the widget do nothing');

    // Typing in a field inside the widget does not step either.
    await page.focus('[data-form=alloc] input[name=size]');
    await page.keyboard.press('Home');
    assert.equal(await settle(page), end);

    await page.focus('[data-pagelab]');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await settle(page), end - 1, 'ArrowLeft steps back');
    await page.keyboard.press('Home');
    assert.equal(await settle(page), 0, 'Home goes to the start');
    await page.keyboard.press('End');
    assert.equal(await settle(page), end, 'End goes to the last step');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('no horizontal scroll on a 360 px phone, and the canvas is crisp at 3x', async () => {
  const browser = await launch({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  try {
    const { page, errors } = await open(browser.context, server.url);
    await page.selectOption('[data-role=speed]', '0');
    await page.tap('[data-action=commit]');
    await settle(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the viewport`);
    const canvas = await page.evaluate(() => {
      const c = document.querySelector('[data-pagelab] [data-role=canvas]');
      return { backing: c.width, css: c.getBoundingClientRect().width };
    });
    assert.equal(canvas.backing, Math.round(canvas.css * 3), 'one canvas pixel per device pixel');
    await screenshot(page, 'phone-360.png');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('dark mode paints a dark canvas', async () => {
  const browser = await launch({ colorScheme: 'dark' });
  try {
    const { page, errors } = await open(browser.context, server.url);
    await settle(page);
    const [r, g, b] = await pixels(page, [2, 2, 1, 1]);
    assert.deepEqual([r, g, b], [0x14, 0x16, 0x1b], 'the dark background');
    const bodyBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bodyBg, 'rgb(20, 22, 27)');
    await screenshot(page, 'dark.png');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
