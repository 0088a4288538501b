// Shared pieces of the browser tests: a static server for the repository (the real built
// page), headless Chromium through playwright-core, and helpers that read the widget.
// If Chromium cannot start, the tests fail: they never skip.

import http from 'node:http';
import { mkdtemp, readFile, rm, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'target', 'screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The strict Content-Security-Policy the page must work under (issue 6). */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

/**
 * Serve the repository on a free loopback port. Resolves to { url, close }.
 * Options (all optional): `headers`, extra response headers for every file (e.g.
 * `{ 'content-security-policy': CSP }`); `files`, a map from a URL path
 * (`/www/lessons/index.json`) to the text served there instead of the repository's file;
 * `root`, the folder to serve (default: the repository); `gzip`, compress responses for
 * clients that accept it, as a real static host does (for the benchmark's download times).
 */
export async function serve({ headers = {}, files = {}, root = ROOT, gzip = false } = {}) {
  await stat(path.join(ROOT, 'www', 'pkg', 'pagelab_bg.wasm')).catch(() => {
    throw new Error('www/pkg is missing: build the page first (scripts/test does)');
  });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (url.pathname.endsWith('/')) file = path.join(file, 'index.html');
    try {
      const override = Object.hasOwn(files, url.pathname) ? files[url.pathname] : undefined;
      let body = override ?? (await readFile(file));
      const compress = gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      if (compress) body = gzipSync(body, { level: 9 });
      res.writeHead(200, {
        ...(compress ? { 'content-encoding': 'gzip' } : {}),
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...headers,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Start Chromium with a fresh profile. `options` go to launchPersistentContext. */
export async function launch(options = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'pagelab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 900 },
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Open the page in `context` and wait until the widget is ready. Console errors and
 * uncaught exceptions are collected in the returned `errors` array.
 */
export async function open(context, url, { ready = true } = {}) {
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  if (ready) await page.waitForSelector('[data-pagelab][data-ready=true]', { timeout: 15000 });
  return { page, errors };
}

/**
 * Wait until the widget's run (in its worker) has ended, it has stopped playing, and the
 * canvas shows the current step with its animation finished.
 */
export async function settle(page) {
  await page.waitForFunction(() => {
    const root = document.querySelector('[data-pagelab]');
    return root.dataset.playing === 'false' && root.dataset.painted === root.dataset.cursor
      && root.dataset.moving !== 'true' && root.dataset.running !== 'true';
  }, null, { timeout: 15000 });
  return Number(await page.getAttribute('[data-pagelab]', 'data-cursor'));
}

/** The canvas pixels (RGBA bytes, device pixels) inside a CSS-pixel rectangle, as a Buffer. */
export async function pixels(page, [x, y, w, h]) {
  const base64 = await page.evaluate(([x, y, w, h]) => {
    const canvas = document.querySelector('[data-pagelab] [data-role=canvas]');
    const scale = canvas.width / parseFloat(canvas.style.width);
    const data = canvas.getContext('2d').getImageData(
      Math.round(x * scale), Math.round(y * scale), Math.round(w * scale), Math.round(h * scale)).data;
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) {
      binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }, [x, y, w, h]);
  return Buffer.from(base64, 'base64');
}

/** The CSS width the canvas is laid out at. */
export async function canvasWidth(page) {
  return page.evaluate(() => parseFloat(document.querySelector('[data-pagelab] [data-role=canvas]').style.width));
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
