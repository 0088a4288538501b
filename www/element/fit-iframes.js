// Optional, for a page that embeds PageLab with <iframe>: each embedded page reports its
// height ({type: 'pagelab:height', height}) and this sets the height of the iframe it came
// from, so it shows without an inner scrollbar. Only messages from the window of an
// iframe on this page marked `data-pagelab-fit` count; the height is checked and bounded.
//
//   <script type="module" src="/pagelab/fit-iframes.js"></script>
//   <iframe data-pagelab-fit src="/pagelab/index.html#s=…&embed=1" …></iframe>
//
// An iframe with sandbox="allow-scripts" (no allow-same-origin) has an opaque origin: its
// messages come from origin "null", and count when they come from that iframe's window.
// A page that reported before this module ran is asked to report again.
// (The <page-lab> element does not need this: it sizes itself.)

const MIN = 120;
const MAX = 6000;
const FRAMES = 'iframe[data-pagelab-fit]';

/** The origin messages from `frame` come from: its address's, or "null" when sandboxed to an opaque one. */
function originOf(frame) {
  const sandbox = frame.getAttribute('sandbox');
  if (sandbox !== null && !frame.sandbox.contains('allow-same-origin')) return 'null';
  return new URL(frame.src, document.baseURI).origin;
}

window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || typeof data !== 'object' || data.type !== 'pagelab:height') return;
  const height = Number(data.height);
  if (!Number.isFinite(height)) return;
  for (const frame of document.querySelectorAll(FRAMES)) {
    if (frame.contentWindow !== event.source) continue;
    if (event.origin !== originOf(frame)) return;
    // Through the CSSOM, which a strict CSP allows.
    frame.style.height = `${Math.round(Math.min(MAX, Math.max(MIN, height)))}px`;
    return;
  }
});

/** Ask one embedded page for its height (it may have reported before this module listened). */
function ask(frame) {
  // '*': the request carries nothing private, and a sandboxed frame's origin is opaque.
  frame.contentWindow?.postMessage({ type: 'pagelab:measure' }, '*');
}

for (const frame of document.querySelectorAll(FRAMES)) {
  ask(frame);
  frame.addEventListener('load', () => ask(frame));
}
