// The `#pragma pagelab key=value …` line(s) of a script, edited as text, so that a
// scenario stays fully described by its script (DESIGN §5): the settings panel and the
// `settings` option of mount() change a knob by rewriting the pragma, never behind it.

/** The knobs the settings panel offers, in pragma order. */
export const KNOBS = ['frames', 'pagefile', 'working_set', 'policy', 'cluster', 'tlb', 'standby'];

const PRAGMA = /^(\s*#\s*pragma\s+pagelab)(\s.*)?$/;
const VALUE = /^[A-Za-z0-9_]+$/;

/** Split text into lines, keeping each line's ending so a rewrite changes nothing else. */
function lines(text) {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * `text` with `key` set to `value` in its `#pragma pagelab` line(s): every existing
 * `key=…` is rewritten (the last one wins when the script runs, so all must agree);
 * otherwise the setting joins the first pragma line, or a new pragma line goes in after
 * the script's opening comment lines. Keys and values are plain words; others throw.
 */
export function setPragma(text, key, value) {
  const v = String(value);
  if (!KNOBS.includes(key) && !/^[a-z_]+$/.test(key)) throw new Error(`'${key}' is not a setting.`);
  if (!VALUE.test(v)) throw new Error(`'${v}' is not a value for ${key}.`);
  const all = lines(text);
  let found = false;
  let firstPragma = -1;
  const setting = new RegExp(`(^|\\s)${key}=\\S*`, 'g');
  for (let i = 0; i < all.length; i++) {
    const [body, ending] = splitEnding(all[i]);
    const m = PRAGMA.exec(body);
    if (!m) continue;
    if (firstPragma < 0) firstPragma = i;
    if (setting.test(body)) {
      found = true;
      setting.lastIndex = 0;
      all[i] = body.replace(setting, (_, space) => `${space}${key}=${v}`) + ending;
    }
    setting.lastIndex = 0;
  }
  if (found) return all.join('');
  if (firstPragma >= 0) {
    const [body, ending] = splitEnding(all[firstPragma]);
    all[firstPragma] = `${body.replace(/\s+$/, '')} ${key}=${v}${ending}`;
    return all.join('');
  }
  // A new pragma line after the opening `//` comments (or at the top).
  let at = 0;
  while (at < all.length && /^\s*\/\//.test(all[at])) at++;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  if (at > 0 && !/\n$/.test(all[at - 1])) all[at - 1] += newline;
  all.splice(at, 0, `#pragma pagelab ${key}=${v}${newline}`);
  return all.join('');
}

/** `text` with every knob of `settings` (an object of key → value) set. */
export function applySettings(text, settings) {
  let out = text;
  for (const [key, value] of Object.entries(settings ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    out = setPragma(out, key, value);
  }
  return out;
}

function splitEnding(line) {
  const m = /(\r?\n)$/.exec(line);
  return m ? [line.slice(0, -m[1].length), m[1]] : [line, ''];
}
