// Shared pieces of the tests of pages that hold <page-lab> elements (a blog post as a
// blogger's tools make it): open such a page collecting every error, and wait until its
// elements have settled.

/** Tabs already opened by openPage (each gets its listeners once). */
const used = new WeakSet();

/**
 * Open `url` in the context's first tab, or a new one once that is taken; console errors,
 * page errors and CSP violations are collected in `errors`.
 */
export async function openPage(context, url, beforeGoto = async () => {}) {
  const first = context.pages()[0];
  const tab = first && !used.has(first) ? first : await context.newPage();
  used.add(tab);
  await beforeGoto(tab);
  const errors = [];
  tab.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  tab.on('pageerror', (error) => errors.push(`page: ${error}`));
  await tab.exposeFunction('reportViolation', (text) => errors.push(`csp: ${text}`));
  await tab.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  await tab.goto(url);
  return { tab, errors };
}

/** Wait until every <page-lab> (or those given) has settled: ready or error, painted, not playing. */
export async function settled(tab, ids = null) {
  await tab.waitForFunction((ids) => {
    const elements = ids ? ids.map((id) => document.getElementById(id)) : [...document.querySelectorAll('page-lab')];
    return elements.every((el) => {
      const s = el?.debugState?.();
      if (!s) return false;
      if (s.state === 'error') return true;
      const root = el.shadowRoot.querySelector('[data-pagelab]');
      return s.state === 'ready' && root.dataset.playing === 'false' && s.painted === String(s.cursor);
    });
  }, ids, { timeout: 60000 });
}

