// URL state (DESIGN §7): a script travels in the fragment as `#s=<deflate-raw, base64url>`
// with `&step=N`. Everything read from a URL is untrusted: it is decoded with hard limits,
// never evaluated, and only ever shown as text. Errors carry a sentence for the reader.

/** Most characters of `s=` accepted (a 256 KB script compresses well below this). */
export const MAX_ENCODED = 350_000;
/** Most bytes a script may inflate to; decompression stops as soon as it passes this. */
export const MAX_SCRIPT_BYTES = 256 * 1024;
/** Digits of the highest step number a URL may ask for (the simulator records at most 75,000 steps). */
const MAX_STEP_DIGITS = 9;

/** A problem with URL state, with a message meant for the reader. */
export class ShareError extends Error {}

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new ShareError('The shared link is damaged: its script is not valid base64url text.');
  }
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary;
  try {
    binary = atob(base64);
  } catch {
    throw new ShareError('The shared link is damaged: its script is not valid base64url text.');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Compress `script` for a link: deflate-raw, then base64url without padding. */
export async function encodeScript(script) {
  const input = new Blob([new TextEncoder().encode(script)]).stream();
  const compressed = await new Response(input.pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer();
  return toBase64Url(new Uint8Array(compressed));
}

/**
 * Undo `encodeScript`. Throws a ShareError for text that is too long, not base64url, not
 * deflate data, inflates past MAX_SCRIPT_BYTES (stopping the stream there) or is not UTF-8.
 */
export async function decodeScript(encoded) {
  if (encoded.length > MAX_ENCODED) {
    throw new ShareError(`The shared link is too long (${Math.round(encoded.length / 1024)} KB); PageLab opens links up to ${Math.round(MAX_ENCODED / 1024)} KB.`);
  }
  const bytes = fromBase64Url(encoded);
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_SCRIPT_BYTES) {
        await reader.cancel().catch(() => {});
        throw new ShareError(`The shared script is larger than ${MAX_SCRIPT_BYTES / 1024} KB once unpacked; PageLab does not open it.`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ShareError) throw error;
    throw new ShareError('The shared link is damaged: its script could not be unpacked.');
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(all);
  } catch {
    throw new ShareError('The shared link is damaged: its script is not UTF-8 text.');
  }
}

/**
 * Read a step number from URL text: a whole number of at most 9 digits. Returns
 * `{step, problem}`; on a bad value `step` is 0 and `problem` says why.
 */
export function parseStep(text) {
  if (text === null || text === undefined || text === '') return { step: 0, problem: null };
  if (!/^\d+$/.test(text) || text.length > MAX_STEP_DIGITS) {
    return { step: 0, problem: 'The link\'s step is not a whole number from 0 up; showing the first step.' };
  }
  return { step: Number(text), problem: null };
}

/**
 * The state in a page address: `{encoded, step, stepText, embed, lesson}`, read from both the
 * fragment (`#s=…&step=…&embed=1`) and the query (`?lesson=…&embed=1`). Nothing is decoded yet.
 */
export function readLocation(location) {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  return {
    encoded: hash.get('s'),
    stepText: hash.get('step') ?? query.get('step'),
    embed: hash.get('embed') === '1' || query.get('embed') === '1',
    lesson: query.get('lesson'),
  };
}

/** The link that opens `script` at `step` on the page at `base` (embedded when `embed`). */
export async function shareLink(base, script, step, embed = false) {
  const url = new URL(base);
  url.search = '';
  url.hash = `s=${await encodeScript(script)}&step=${Math.max(0, Math.trunc(step) || 0)}${embed ? '&embed=1' : ''}`;
  return url.href;
}

/** Escape text for an HTML attribute value in quotes (for the embed snippet the reader copies). */
function attribute(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The `<iframe>` code a blog pastes to embed `link` (an embed=1 link). */
export function iframeSnippet(link, title, width = 720, height = 720) {
  return `<iframe src="${attribute(link)}" title="${attribute(title)}" width="${width}" height="${height}" loading="lazy"></iframe>`;
}
