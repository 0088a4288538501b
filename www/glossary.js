// The glossary (DESIGN §10): www/glossary.json, fetched lazily. Words of the narration
// that have an entry become buttons (a disclosure: aria-expanded, aria-controls) that show
// the definition below the narration; the whole list sits in a <details>. Only text nodes
// and elements are made, never HTML from a string.

const URL_JSON = new URL('glossary.json', import.meta.url);
let loading = null;

/** The entries `[{term, aliases, text}]`, fetched once. */
export function loadGlossary() {
  loading ??= fetch(URL_JSON)
    .then((r) => (r.ok ? r.json() : []))
    .then((list) => (Array.isArray(list) ? list.filter((e) => typeof e?.term === 'string' && typeof e?.text === 'string') : []))
    .catch(() => []);
  return loading;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A matcher for every name of `entries` (longest first), and the entry of each name. */
export function indexGlossary(entries) {
  const byName = new Map();
  for (const e of entries) {
    for (const name of [e.term, ...(e.aliases ?? [])]) {
      if (!name.endsWith('*') && name.length > 1) byName.set(name.toLowerCase(), e);
    }
  }
  const names = [...byName.keys()].sort((a, b) => b.length - a.length).map(escape);
  const pattern = names.length ? new RegExp(`(?<![A-Za-z0-9_])(${names.join('|')})(?![A-Za-z0-9_])`, 'gi') : null;
  const find = (word) => byName.get(word.toLowerCase())
    ?? entries.find((e) => e.term.endsWith('*') && word.startsWith(e.term.slice(0, -1)));
  return { pattern, find };
}

/**
 * Fill `target` with `text`, each glossary word a button that shows its entry in `box`.
 * Each term is linked once per text, so a long narration does not become a row of buttons.
 */
export function linkTerms(target, text, index, box) {
  if (!index?.pattern || !box) {
    target.textContent = text;
    return;
  }
  const parts = [];
  const seen = new Set();
  let last = 0;
  for (const m of text.matchAll(index.pattern)) {
    const entry = index.find(m[0]);
    if (!entry || seen.has(entry.term)) continue;
    seen.add(entry.term);
    parts.push(document.createTextNode(text.slice(last, m.index)));
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'term';
    button.dataset.term = entry.term;
    button.setAttribute('aria-expanded', 'false');
    if (box.id) button.setAttribute('aria-controls', box.id);
    button.textContent = m[0];
    parts.push(button);
    last = m.index + m[0].length;
  }
  parts.push(document.createTextNode(text.slice(last)));
  target.replaceChildren(...parts);
}

/**
 * Show `entry` in `box` for `button` (toggling it closed when it is already open); without
 * a button (a word of the canvas) it just opens.
 */
export function toggleDefinition(button, entry, box) {
  const open = button?.getAttribute('aria-expanded') === 'true';
  for (const b of box.ownerDocument.querySelectorAll(`[aria-controls="${box.id}"][aria-expanded=true]`)) {
    b.setAttribute('aria-expanded', 'false');
  }
  if (open || !entry) {
    box.hidden = true;
    return;
  }
  button?.setAttribute('aria-expanded', 'true');
  const term = document.createElement('strong');
  term.textContent = entry.term;
  box.replaceChildren(term, `: ${entry.text}`);
  box.hidden = false;
}

/** Fill the glossary list `dl` with every entry. */
export function fillGlossary(dl, entries) {
  const rows = entries.flatMap((e) => {
    const dt = document.createElement('dt');
    dt.textContent = e.term;
    const dd = document.createElement('dd');
    dd.textContent = e.text;
    return [dt, dd];
  });
  dl.replaceChildren(...rows);
}
