// PageLab's memory benchmark (npm run bench:memory): not a test, a report. With www/pkg
// built, for each script below it starts a fresh headless Chromium, opens the page, runs
// the script with the Run button (in the page's worker, which the page's own machine
// replays) and waits until the run has ended and its steps are shown. It prints the wall
// time from the click to the end of the run and the peak memory of the tab's renderer
// process (VmHWM of Linux's /proc: the page, its worker and both wasm modules), and the
// ratio of that peak to the one of a one-statement script measured in the same run. The
// scripts are the ones that push each limit of a run (docs/script-language.md, Limits):
// the contract is that none takes more than 256 MB or 10 s.

import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { serve, launch } from '../browser/harness.mjs';

const files = (n) => Array.from({ length: n }, (_, i) => `HANDLE h${i} = CreateFile("f${i}.bin", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
SetFilePointer(h${i}, 16777215, NULL, FILE_BEGIN);
WriteFile(h${i}, "x", 1, &n, NULL);`).join('\n');

const SCRIPTS = {
  'one statement (the baseline)': 'int x = 1;\n',
  'the issue\'s script: 100 memsets of 16 MiB, 4096 frames (work limit)': `#pragma pagelab frames=4096 working_set=4096
char *p = VirtualAlloc(NULL, 4096 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 100; i++) { memset(p, i, 4096 * 4096); }
`,
  'one 16 MiB memset, 4096 frames and a page file of 65,536 pages': `#pragma pagelab frames=4096 working_set=4096 pagefile=65536
char *p = VirtualAlloc(NULL, 16 * 1024 * 1024, MEM_COMMIT, PAGE_READWRITE);
memset(p, 1, 16 * 1024 * 1024);
`,
  'loop of 17-page memsets (step limit)': `#pragma pagelab frames=16 pagefile=65536
char *p = VirtualAlloc(NULL, 64 * 1024 * 1024, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 100000; i++) {
    memset(p + (i % 900) * 17 * 4096, i, 17 * 4096);
}
`,
  'the last byte of each page, paged out (storage limit)': `#pragma pagelab frames=16 pagefile=65536
char *p = VirtualAlloc(NULL, 60000 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 60000; i++) { p[i * 4096 + 4095] = 1; }
`,
  'forty files grown to 16 MiB (the disk is full after two)': `DWORD n;\n${files(40)}\n`,
  'the reserve-and-commit sample (983,613 statements)': readFileSync(
    new URL('../scripts/seh_reserve_commit_sample.c', import.meta.url), 'utf8'),
  'a runaway loop (statement limit)': 'int x = 0;\nfor (;;) { x = x + 1; }\n',
};

/** The renderer processes of Chromium now running: pid → peak resident set in bytes. */
async function renderers() {
  const peaks = new Map();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('--type=renderer')) continue;
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peaks.set(pid, Number(hwm[1]) * 1024);
    } catch {
      // The process ended while we looked.
    }
  }
  return peaks;
}

const mb = (x) => `${(x / 1e6).toFixed(0)} MB`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

console.log(`load average at the start: ${load()}`);
const server = await serve();
const rows = [];
try {
  // `npm run bench:memory -- WORD` measures the baseline and the scripts whose name holds WORD.
  const chosen = Object.entries(SCRIPTS).filter(([n], i) => i === 0 || n.includes(process.argv[2] ?? ''));
  for (const [name, text] of chosen) {
    const before = new Set((await renderers()).keys());
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(`${server.url}index.html`);
      await page.waitForSelector('[data-pagelab][data-ready=true]', { timeout: 30000 });
      await page.fill('[data-role=script]', text);
      const t0 = Date.now();
      await page.click('[data-action=run]');
      await page.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.running === 'false', null, { timeout: 600000, polling: 50 });
      const time = Date.now() - t0;
      const status = (await page.textContent('[data-role=status]')).trim();
      const steps = Number(await page.getAttribute('[data-pagelab]', 'data-steps'));
      // Step to the end: the last step's picture is laid out and painted too.
      if (await page.isEnabled('[data-action=end]')) await page.click('[data-action=end]');
      await page.waitForTimeout(300);
      let peak = 0;
      for (const [pid, bytes] of await renderers()) if (!before.has(pid)) peak = Math.max(peak, bytes);
      rows.push({ name, time, peak, steps, status });
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}
const base = rows[0];
for (const r of rows) {
  console.log(`\n${r.name}: ${r.steps} steps; "${r.status.slice(0, 110)}"`);
  console.log(`  click to end of run ${r.time} ms   renderer peak ${mb(r.peak)} (${(r.peak / base.peak).toFixed(2)}× the baseline's ${mb(base.peak)})`);
}
const worst = rows.reduce((a, r) => (r.peak > a.peak ? r : a), base);
const slowest = rows.reduce((a, r) => (r.time > a.time ? r : a), base);
console.log(`\nlargest peak: ${mb(worst.peak)} (${worst.name}); longest run: ${slowest.time} ms (${slowest.name})`);
console.log(`load average at the end: ${load()}`);
