// What a <page-lab> element asks for: its attributes, checked, and its script, read as text
// from the element or fetched from `src=`. Everything here is untrusted input from the host
// page or another site: it is parsed and bounded, never evaluated and never used as markup.

/** Longest script the element runs, in bytes (the simulator's own bound for a script). */
export const MAX_SCRIPT_BYTES = 256 * 1024;

/** Policies a script may run with (opt needs the whole future: trace mode only). */
export const POLICIES = ['clock', 'fifo', 'lru', 'opt', 'random'];

const LIMITS = {
  frames: [1, 4096],
  step: [0, 1_000_000],
  height: [80, 4000],
};

/** An attribute value as it may be quoted in a message: one line, at most 40 characters. */
export function quote(value) {
  const flat = String(value).replace(/\s+/g, ' ');
  return `"${flat.length > 40 ? `${flat.slice(0, 39)}…` : flat}"`;
}

/**
 * A whole decimal number within `[lo, hi]` (optionally followed by `unit`), or an Error
 * saying what is allowed.
 */
function wholeNumber(name, value, [lo, hi], { what = 'a whole number', unit = '' } = {}) {
  let text = value.trim();
  if (unit && text.toLowerCase().endsWith(unit)) text = text.slice(0, -unit.length).trim();
  if (/^\d{1,10}$/.test(text)) {
    const n = Number(text);
    if (n >= lo && n <= hi) return n;
  }
  return new Error(`${name}=${quote(value)} is not valid: write ${what} from ${lo} to ${hi}.`);
}

function flag(name, value) {
  const text = value.trim().toLowerCase();
  if (['', name, 'true', 'on', 'yes'].includes(text)) return true;
  if (['false', 'off', 'no'].includes(text)) return false;
  return new Error(`${name}=${quote(value)} is not valid: write ${name} alone to turn it on, or leave it out.`);
}

/**
 * Read and check the attributes of `element`. A bad value is left out (its default is used)
 * and reported in `problems`, one sentence each, in attribute order.
 * @param {Element} element
 * @returns {{ settings: {frames?: number, policy?: string}, step: number, autoplay: boolean,
 *   height: number | null, src: string | null, problems: string[] }}
 */
export function readOptions(element) {
  const problems = [];
  const options = { settings: {}, step: 0, autoplay: false, height: null, src: null, problems };
  const take = (result, use) => {
    if (result instanceof Error) problems.push(`${result.message} Using the default.`);
    else use(result);
  };
  const attr = (name) => element.getAttribute(name);

  if (attr('frames') !== null) {
    take(wholeNumber('frames', attr('frames'), LIMITS.frames), (n) => { options.settings.frames = n; });
  }
  if (attr('policy') !== null) {
    const policy = attr('policy').trim().toLowerCase();
    if (POLICIES.includes(policy)) options.settings.policy = policy;
    else problems.push(`policy=${quote(attr('policy'))} is not valid: write one of ${POLICIES.join(', ')}. Using the default.`);
  }
  if (attr('step') !== null) take(wholeNumber('step', attr('step'), LIMITS.step), (n) => { options.step = n; });
  if (attr('autoplay') !== null) take(flag('autoplay', attr('autoplay')), (on) => { options.autoplay = on; });
  if (attr('height') !== null) {
    const height = wholeNumber('height', attr('height'), LIMITS.height,
      { what: 'a height in CSS pixels', unit: 'px' });
    take(height, (n) => { options.height = n; });
  }
  if (attr('src') !== null) {
    if (attr('src').trim() === '') problems.push('src="" is empty: give the address of a script file, or remove src and put the script between the tags.');
    else options.src = attr('src').trim();
  }
  return options;
}

function byteLength(text) {
  return new TextEncoder().encode(text).length;
}

function tooLong(bytes) {
  return new Error(`The script is ${Math.ceil(bytes / 1024)} KB; the most a <page-lab> runs is ${MAX_SCRIPT_BYTES / 1024} KB.`);
}

/**
 * Tidy a script written inside an indented blog post: drop blank lines at the start and
 * whitespace at the end, and remove the indentation all lines share, so that line and
 * column numbers in messages match the script as its author sees it.
 */
export function tidy(text) {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n');
  while (lines.length && lines[0].trim() === '') lines.shift();
  const indents = lines.filter((line) => line.trim() !== '').map((line) => line.match(/^[ \t]*/)[0]);
  let common = indents[0] ?? '';
  for (const indent of indents) {
    while (!indent.startsWith(common)) common = common.slice(0, -1);
  }
  return lines.map((line) => line.slice(common.length)).join('\n');
}

/** Elements a Markdown engine makes of prose: found in a script, they mean the engine ran on it. */
const MARKDOWN_TAGS = new Set(['p', 'em', 'strong', 'code', 'br', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'ul', 'ol', 'li', 'blockquote', 'hr', 'del', 's']);

/** The same, written out as text inside a `<script type="text/plain">` (a line starting with a block tag, or emphasis). */
const MARKDOWN_TEXT = /^[ \t]*<\/?(p|h[1-6]|ul|ol|li|blockquote|pre)>|<\/?(em|strong)>/m;

/** Why a script is refused when a Markdown engine formatted it. */
export const MARKDOWN_FORMATTED = 'Markdown formatting reached the script: put the code in a fenced block ' +
  '(```c … ```) inside <page-lab>, with a blank line after <page-lab> and before </page-lab>.';

/**
 * The code block inside `element`, as a Markdown engine renders a fenced block
 * (`<pre><code class="language-c">`, escaped, perhaps split into a highlighter's spans), or
 * null. A block marked with a language wins over one without (a line-number column).
 */
function codeBlock(element) {
  const blocks = [...element.querySelectorAll('pre')];
  return blocks.find((pre) => pre.querySelector('code[class*="language-"], code[data-lang]')) ?? blocks[0] ?? null;
}

/**
 * The script written inside `element`, read as text, never as HTML, from the first of:
 * a child `<script type="text/plain">` (the browser keeps `<windows.h>` in it as written);
 * a code block (`<pre>`, what Markdown makes of a fenced block: its text is the code, even
 * through a syntax highlighter's spans, and readers without JavaScript see it as code);
 * the element's own text. Throws when a Markdown engine has formatted the script as prose
 * (blank lines end an HTML block; `*p` becomes emphasis), since its text is no longer the
 * code. `notes` names other markup the browser made of the text.
 * @returns {{ text: string, notes: string[] }}
 */
export function readInlineScript(element) {
  const wrapper = [...element.children].find(
    (child) => child.localName === 'script' && child.type.trim().toLowerCase() === 'text/plain');
  const block = wrapper ? null : codeBlock(element);
  const notes = [];
  let text;
  if (wrapper) {
    text = wrapper.textContent;
    if (MARKDOWN_TEXT.test(text)) throw new Error(MARKDOWN_FORMATTED);
  } else {
    // Markup outside the code block: prose tags mean Markdown split the script (an indented
    // line after a blank one even becomes a code block of its own).
    const outside = [...element.querySelectorAll('*')].filter((child) => !block?.contains(child));
    const tags = [...new Set(outside.map((child) => child.localName))];
    if (tags.some((tag) => MARKDOWN_TAGS.has(tag))) throw new Error(MARKDOWN_FORMATTED);
    text = block ? block.textContent : element.textContent;
    if (tags.length && !block) {
      notes.push(`The browser read ${tags.slice(0, 3).map((tag) => `<${tag}>`).join(', ')} in the script as HTML. ` +
        'Write < as &lt;, put the code in a fenced block (Markdown) or a <pre>, or put it inside ' +
        '<script type="text/plain">…</script>, to keep it exactly as written.');
    }
  }
  const bytes = byteLength(text);
  if (bytes > MAX_SCRIPT_BYTES) throw tooLong(bytes);
  return { text: tidy(text), notes };
}

/**
 * Fetch the script at `src` (relative to `base`) as text: http(s) only, same origin or a
 * server that allows CORS, at most MAX_SCRIPT_BYTES (checked while reading, so a huge
 * file is not downloaded whole). Throws an Error whose message can be shown as is.
 * @param {string} src
 * @param {string} base the document's base URL
 * @param {AbortSignal} signal
 */
export async function fetchScript(src, base, signal) {
  let url;
  try {
    url = new URL(src, base);
  } catch {
    throw new Error(`src=${quote(src)} is not a valid address.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`src=${quote(src)} is not valid: give an http or https address of a script file.`);
  }
  let response;
  try {
    response = await fetch(url, { mode: 'cors', credentials: 'same-origin', signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error(`Could not load src=${quote(src)}: the file cannot be reached, or it is on another site ` +
      'that does not allow it (CORS), or the page\'s Content-Security-Policy does not allow it (connect-src).');
  }
  if (!response.ok) {
    throw new Error(`Could not load src=${quote(src)}: the server answered ${response.status} ${response.statusText}`.trim() + '.');
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_SCRIPT_BYTES) {
    await response.body?.cancel();
    throw tooLong(declared);
  }
  const chunks = [];
  let bytes = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (bytes > MAX_SCRIPT_BYTES) {
        await reader.cancel();
        throw tooLong(bytes);
      }
      chunks.push(value);
    }
  }
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return tidy(new TextDecoder().decode(all));
}
