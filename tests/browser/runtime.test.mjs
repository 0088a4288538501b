// Scripts run in a Web Worker (issue 13): a runaway script leaves the page responsive and
// can be stopped with its steps so far viewable; the script that used to kill the widget
// ends with a message and the next script runs; a run that traps inside the worker's wasm
// ends with a message and a new worker runs the next one; a script of two processes,
// replayed from the worker's calls, has the command line's steps; the <page-lab> element
// runs in its worker under the strict CSP; a share link with a runaway script opens a
// working tab; a new run frees the steps of the one before a piece at a time.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { serve, launch, open, ROOT, CSP } from './harness.mjs';
import { openPage, settled } from './element-harness.mjs';

/** A loop that runs to the step limit: every pass faults a page back in. */
const RUNAWAY = `#pragma pagelab frames=16 working_set=8 pagefile=1024
char *p = VirtualAlloc(NULL, 256 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 100000; i++) {
    p[(i % 256) * 4096] = i;
}
`;

/** The script of the issue: 87 s, 4.4 GB and a dead widget before. */
const KILLER = `#pragma pagelab frames=4096 working_set=4096
char *p = VirtualAlloc(NULL, 4096 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 100; i++) { memset(p, i, 4096 * 4096); }
`;

const NORMAL = `p = VirtualAlloc(NULL, 8192, MEM_COMMIT, PAGE_READWRITE);
write(p, 0x41, 1);
printf("%c\\n", read(p, 1));
`;

/** Marks a script whose run the test worker breaks with a wasm trap after a few messages of calls. */
const TRAP = '// trap-for-test\n';

let server;
let strict;
let browser;

/**
 * The real worker file `name` (app-worker.js for the index page, run-worker.js for
 * <page-lab>), except that for a script marked TRAP its fourth message of calls throws a
 * RuntimeError inside the run, as a trap (a panic, memory that cannot grow) would.
 */
async function trapping(name) {
  const worker = await readFile(path.join(ROOT, 'www', 'pkg', name), 'utf8');
  return `${worker}
const realHandler = self.onmessage;
self.onmessage = (event) => {
  if (event.data.type === 'run' && event.data.text.startsWith(${JSON.stringify(TRAP)})) {
    const post = self.postMessage.bind(self);
    let sent = 0;
    self.postMessage = (message) => {
      if (message.type === 'calls' && ++sent === 4) throw new WebAssembly.RuntimeError('unreachable');
      post(message);
    };
  }
  realHandler(event);
};
`;
}

before(async () => {
  server = await serve({ files: { '/www/pkg/app-worker.js': await trapping('app-worker.js') } });
  const post = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>post</title><script type="module" src="/www/pkg/page-lab.js"></script></head>
<body><page-lab id="a"><script type="text/plain">${NORMAL}</script></page-lab>
<page-lab id="b"><script type="text/plain">${KILLER}</script></page-lab>
<page-lab id="c"><script type="text/plain">${TRAP}${RUNAWAY}</script></page-lab></body></html>`;
  strict = await serve({
    files: { '/post.html': post, '/www/pkg/run-worker.js': await trapping('run-worker.js') },
    headers: { 'content-security-policy': CSP },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await strict?.close();
});

/** Count animation frames from now on (window.__frames). */
async function countFrames(page) {
  await page.evaluate(() => {
    window.__frames = 0;
    const tick = () => {
      window.__frames += 1;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function runScript(page, text) {
  await page.fill('[data-role=script]', text);
  await page.click('[data-action=run]');
}

async function idle(page, timeout = 60000) {
  await page.waitForFunction(() => document.querySelector('[data-pagelab]').dataset.running === 'false', null, { timeout });
}

const data = (page) => page.evaluate(() => ({ ...document.querySelector('[data-pagelab]').dataset }));

test('a runaway script leaves the page responsive, Stop keeps the steps so far viewable, the next script runs', async () => {
  const { page, errors } = await open(browser.context, `${server.url}index.html`);
  await countFrames(page);
  const before = await page.evaluate(() => window.__frames);
  await runScript(page, RUNAWAY);
  // Stop shows after about 200 ms of a run; the run goes on for about a second more, so
  // pressing it as soon as it shows finds the run going (a fixed wait could outlast it on a
  // quiet machine).
  await page.waitForFunction(() => document.querySelector('[data-action=stop]')?.hidden === false, null, { timeout: 10000, polling: 50 });
  // Look and press Stop in one go: the run must not end in between.
  const during = await page.evaluate(() => {
    const root = document.querySelector('[data-pagelab]');
    const seen = { frames: window.__frames, running: root.dataset.running, steps: Number(root.dataset.steps) };
    root.querySelector('[data-action=stop]').click();
    return seen;
  });
  assert.equal(during.running, 'true', 'still running when Stop is pressed');
  assert.ok(during.frames - before >= 3, `animation frames go on during the run (${during.frames - before} before Stop)`);
  // The steps stream in while it runs.
  const streaming = during.steps;
  assert.ok(streaming > 0, `steps arrive while it runs (${streaming})`);

  const stopped = await data(page);
  assert.equal(stopped.running, 'false');
  assert.equal(stopped.runner, 'worker', 'it ran in the worker');
  assert.ok(Number(stopped.steps) >= streaming, 'the steps so far stay');
  assert.match(await page.textContent('[data-role=status]'), /you pressed Stop/);
  assert.ok(await page.isHidden('[data-action=stop]'), 'Stop goes away');
  // Step, scrub, narrate.
  await page.click('[data-action=step]');
  assert.equal((await data(page)).cursor, '1');
  assert.match(await page.textContent('[data-role=narration]'), /VirtualAlloc/);
  const last = Number(stopped.steps);
  await page.$eval('[data-role=scrubber]', (s, v) => { s.value = String(v); s.dispatchEvent(new Event('input', { bubbles: true })); }, last);
  await page.waitForFunction((v) => document.querySelector('[data-pagelab]').dataset.painted === String(v), last);
  assert.ok((await page.textContent('[data-role=narration]')).length > 10, 'the last step has its narration');

  await runScript(page, NORMAL);
  await idle(page);
  const after = await data(page);
  assert.equal(after.errors, '0');
  assert.ok(Number(after.steps) > 5, `the next script runs (${after.steps} steps)`);
  await page.click('[data-action=end]');
  assert.match(await page.textContent('[data-role=output]'), /A/);
  assert.deepEqual(errors, []);
});

test('the script that killed the widget stops at a limit with a message, and the next script runs', async () => {
  const { page, errors } = await open(browser.context, `${server.url}index.html`);
  await countFrames(page);
  await runScript(page, KILLER);
  await idle(page, 120000);
  const ended = await data(page);
  assert.ok(Number(ended.steps) > 1000, `its steps are kept (${ended.steps})`);
  assert.match(await page.textContent('[data-role=status]'), /Stopped at line 3: stopped after/);
  assert.ok(await page.evaluate(() => window.__frames) > 10, 'the page kept drawing');
  await runScript(page, NORMAL);
  await idle(page);
  assert.equal((await data(page)).errors, '0');
  await page.click('[data-action=end]');
  assert.match(await page.textContent('[data-role=output]'), /A/);
  assert.deepEqual(errors, []);
});

test('a knob typed during a run keeps what was typed when the run ends; Enter applies it', async () => {
  const { page, errors } = await open(browser.context, `${server.url}index.html`);
  await runScript(page, RUNAWAY);
  assert.equal((await data(page)).running, 'true', 'the run is going');
  // Typed, not yet committed (no change event): the run's end refills the other knobs only.
  await page.fill('[data-form=settings] [name=tlb]', '4');
  await idle(page);
  assert.equal(await page.inputValue('[data-form=settings] [name=tlb]'), '4', 'what was typed stays');
  assert.equal(await page.inputValue('[data-form=settings] [name=frames]'), '16', 'the script\'s frames are shown');
  assert.doesNotMatch(await page.inputValue('[data-role=script]'), /tlb=4/);
  await page.press('[data-form=settings] [name=tlb]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-role=script]').value.includes('tlb=4'));
  await page.evaluate(() => document.querySelector('[data-action=stop]').click());
  await idle(page);
  assert.equal(await page.inputValue('[data-form=settings] [name=tlb]'), '4');
  assert.deepEqual(errors, []);
});

test('a run that traps inside the worker ends with a message; a new worker runs the next script', async () => {
  const { page, errors } = await open(browser.context, `${server.url}index.html`);
  await runScript(page, `${TRAP}${RUNAWAY}`);
  await idle(page);
  const failed = await data(page);
  assert.match(await page.textContent('[data-role=status]'), /failed inside the simulator \(unreachable\)/);
  assert.ok(Number(failed.steps) > 0, 'the steps before it are viewable');
  await page.click('[data-action=step]');
  await runScript(page, NORMAL);
  await idle(page);
  assert.equal((await data(page)).errors, '0');
  await page.click('[data-action=end]');
  assert.match(await page.textContent('[data-role=output]'), /A/);
  assert.deepEqual(errors, []);
});

test('a script of two processes runs through the worker with the command line\'s steps, byte for byte', async () => {
  const file = 'tests/scripts/processes_round_robin.c';
  const cli = execFileSync('cargo', ['run', '--quiet', '--bin', 'pagelab', '--', 'run', file, '--json', '--steps'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  // The command line's rows hold every step: the statements' and the system's own (a
  // process created, a context switch, a process's exit, in rows marked `system`).
  const rows = cli.trim().split('\n').map((row) => JSON.parse(row));
  assert.ok(rows.filter((r) => r.system).length >= 5, 'creation, switches and exits are rows');
  const expected = rows.flatMap((row) => row.steps)
    .map((s) => JSON.stringify({ narration: s.narration, line: s.line }));
  assert.ok(expected.length > 20, `the command line records steps (${expected.length})`);

  const { page, errors } = await open(browser.context, `${server.url}index.html`);
  await runScript(page, await readFile(path.join(ROOT, file), 'utf8'));
  await idle(page);
  const shown = await page.evaluate(() => {
    const root = document.querySelector('[data-pagelab]');
    const sim = root.pagelab.simulator;
    const steps = [];
    for (let c = 1; c <= sim.step_count(); c++) {
      const s = sim.step(c);
      steps.push(JSON.stringify({ narration: s.narration, line: s.line }));
    }
    return { runner: root.dataset.runner, steps, tabs: sim.process_tabs(sim.step_count(), 900).length };
  });
  assert.equal(shown.runner, 'worker');
  assert.deepEqual(shown.steps, expected, 'every step, in order, as the command line prints them');
  const switches = shown.steps.filter((s) => s.startsWith('{"narration":"Context switch: ')).length;
  assert.ok(switches >= 3, `the processes take turns (${switches} context switches)`);
  assert.equal(shown.tabs, 2, 'the page\'s own machine ran both processes');
  await page.click('[data-action=end]');
  assert.match(await page.textContent('[data-role=output]'), /\[reader\] reader ends/);
  assert.deepEqual(errors, []);
});

for (const file of ['tests/scripts/seh_commit_on_demand.c', 'tests/scripts/shared_memory_by_name.c']) test(`${file}: the command line's rows hold every step the page shows, in order`, async () => {
  const several = file.includes('shared_memory');
  const cli = execFileSync('cargo', ['run', '--quiet', '--bin', 'pagelab', '--', 'run', file, '--json', '--steps'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const rows = cli.trim().split('\n').map((row) => JSON.parse(row));
  // Each fault's steps are in the partial row of its attempt, before the filter's rows.
  if (several) assert.ok(rows.some((r) => r.system && r.text.startsWith('context switch') && r.steps.length === 1), 'switches are system rows');
  else assert.ok(rows.some((r) => r.partial && r.raised && r.steps.length > 0), 'attempt rows hold the faults');
  const expected = rows.flatMap((r) => r.steps).map((s) => JSON.stringify({ narration: s.narration, line: s.line }));
  const { page, errors } = await open(browser.context, `${server.url}index.html`);
  await runScript(page, await readFile(path.join(ROOT, file), 'utf8'));
  await idle(page);
  const shown = await page.evaluate(() => {
    const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
    const all = [];
    for (let c = 1; c <= sim.step_count(); c++) all.push(JSON.stringify({ narration: sim.step(c).narration, line: sim.step(c).line }));
    return all;
  });
  assert.deepEqual(expected, shown, 'every step in exactly one row, in order');
  const statements = rows.filter((r) => !r.partial && !r.system).length;
  assert.match(await page.textContent('[data-role=status]'), new RegExp(`Ran ${statements} statements`), 'the page counts runs, not parts');
  assert.deepEqual(errors, []);
});

test('accesses that repeat join one step: the page has the command line\'s steps, and stepping, the log and the scrubber reach the grown step', async () => {
  const text = `char *p = VirtualAlloc(NULL, 8192, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 8192; i++) {
    p[i] = 1;
    if (i % 3000 == 0) printf("%d\\n", i);
}
`;
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'pagelab-')), 'repeat.c');
  await writeFile(file, text);
  const cli = execFileSync('cargo', ['run', '--quiet', '--bin', 'pagelab', '--', 'run', file, '--json', '--steps'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const expected = cli.trim().split('\n').flatMap((row) => JSON.parse(row).steps)
    .map((s) => JSON.stringify({ narration: s.narration, line: s.line }));
  const grown = expected.findIndex((s) => s.includes('more writes to page')) + 1;
  assert.ok(grown > 0 && expected.length < 40, `a few steps, some grown (${expected.length})`);

  const { page, errors } = await open(browser.context, `${server.url}index.html`);
  await runScript(page, text);
  await idle(page);
  const steps = await page.evaluate(() => {
    const sim = document.querySelector('[data-pagelab]').pagelab.simulator;
    const all = [];
    for (let c = 1; c <= sim.step_count(); c++) all.push(JSON.stringify({ narration: sim.step(c).narration, line: sim.step(c).line }));
    return all;
  });
  assert.deepEqual(steps, expected, 'the same steps, grown ones included');
  const cursor = async () => Number((await data(page)).cursor);
  const said = () => page.textContent('[data-role=narration]');
  await page.click('[data-action=end]');
  await page.click(`[data-role=log] li[data-cursor="${grown}"] button`);
  assert.equal(await cursor(), grown, 'the log jumps to the grown step');
  assert.match(await said(), /more writes to page 0x[0-9a-f]+: each hits the TLB/);
  await page.click('[data-action=step]');
  assert.equal(await cursor(), grown + 1);
  await page.click('[data-action=back]');
  assert.equal(await cursor(), grown, 'back returns to it');
  assert.match(await said(), /more writes/);
  assert.equal(await page.getAttribute('[data-role=scrubber]', 'max'), String(expected.length));
  assert.deepEqual(errors, []);
});

test('a share link with a runaway script opens a tab that works', async () => {
  const { page } = await open(browser.context, `${server.url}index.html`);
  const link = await page.evaluate(async (text) => {
    const { shareLink } = await import('/www/share.js');
    return shareLink(`${location.origin}/index.html`, text, 0);
  }, RUNAWAY);
  const visit = await browser.context.newPage();
  const problems = [];
  visit.on('pageerror', (e) => problems.push(String(e)));
  await visit.goto(link);
  // Stop once some steps have reached the page (pressed before any, it would rightly keep none).
  await visit.waitForFunction(() => document.querySelector('[data-action=stop]')?.hidden === false
    && Number(document.querySelector('[data-pagelab]').dataset.steps) > 0, null, { timeout: 10000, polling: 50 });
  await visit.evaluate(() => document.querySelector('[data-action=stop]').click());
  await visit.waitForSelector('[data-pagelab][data-ready=true]');
  assert.ok(Number(await visit.getAttribute('[data-pagelab]', 'data-steps')) > 0);
  assert.deepEqual(problems, []);
  await visit.close();
});

test('<page-lab> elements run in their own workers under the strict CSP; one at its limit leaves the other working', async () => {
  const { tab, errors } = await openPage(browser.context, `${strict.url}post.html`);
  await settled(tab, ['a', 'b']);
  const state = await tab.evaluate(() => ['a', 'b'].map((id) => {
    const el = document.getElementById(id);
    const root = el.shadowRoot.querySelector('[data-pagelab]');
    return { ...el.debugState(), runner: root.dataset.runner, status: el.shadowRoot.querySelector('[data-role=status]').textContent };
  }));
  assert.equal(state[0].runner, 'worker', 'no fallback to the page: the worker file is allowed');
  assert.equal(state[1].runner, 'worker');
  assert.ok(state[0].steps > 5);
  assert.ok(state[1].steps > 1000);
  assert.match(state[1].status, /stopped after/);
  // The first element still steps.
  await tab.evaluate(() => document.getElementById('a').pagelab.player.step());
  assert.equal(await tab.evaluate(() => document.getElementById('a').pagelab.player.cursor), 1);
  assert.deepEqual(errors, []);
});

test('a <page-lab> whose worker traps says so, the others go on, and it runs its next script', async () => {
  const { tab, errors } = await openPage(browser.context, `${strict.url}post.html`);
  await settled(tab, ['a', 'b', 'c']);
  const status = (id) => tab.evaluate((id) => document.getElementById(id).shadowRoot.querySelector('[data-role=status]').textContent, id);
  assert.match(await status('c'), /failed inside the simulator \(unreachable\)/);
  const kept = await tab.evaluate(() => document.getElementById('c').pagelab.player.count);
  assert.ok(kept > 0, `the steps before the trap are kept (${kept})`);
  await tab.evaluate(() => document.getElementById('a').pagelab.player.step());
  assert.equal(await tab.evaluate(() => document.getElementById('a').pagelab.player.cursor), 1, 'another element still steps');
  const next = await tab.evaluate(async (text) => {
    const report = await document.getElementById('c').pagelab.load(text);
    return { steps: report.steps, stopped: report.stopped };
  }, NORMAL);
  assert.ok(next.steps > 5 && next.stopped === null, `a new worker runs the next script (${next.steps} steps)`);
  assert.match(await status('c'), /^Ran 3 statements/);
  assert.deepEqual(errors, []);
});

test('a new run frees the steps of the run it replaces a piece at a time, with replay() saying so', async () => {
  const { page, errors } = await open(browser.context, `${server.url}index.html`);
  const seen = await page.evaluate(async ([big, next]) => {
    const glue = await import('/www/pkg/pagelab.js');
    await glue.default();
    const sim = new glue.Simulator();
    const steps = sim.load_script(big).steps;
    const parsed = sim.begin_replay(next);
    let pieces = 0;
    while (sim.replay(16) === 1) pieces += 1;
    const after = sim.step_count();
    sim.free();
    return { steps, parsed, pieces, after };
  }, [RUNAWAY, NORMAL]);
  assert.ok(seen.parsed);
  assert.ok(seen.steps > 70000, `${seen.steps} steps`);
  // At most 1,024 steps a call: a begin_replay that freed them all at once took 50 ms.
  assert.equal(seen.pieces + 1, Math.ceil(seen.steps / 1024), "the last piece ends the freeing");
  assert.equal(seen.after, 0, 'no call of the new run was queued');
  assert.deepEqual(errors, []);
});
