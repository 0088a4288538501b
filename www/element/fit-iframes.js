// Optional, for a page that embeds PageLab with <iframe>: each embedded page reports its
// height ({type: 'pagelab:height', height}) and this sets the height of the iframe it came
// from, so it shows without an inner scrollbar. Only messages from the window of an
// iframe on this page marked `data-pagelab-fit` count; the height is checked and bounded.
//
//   <script type="module" src=".../element/fit-iframes.js"></script>
//   <iframe data-pagelab-fit src=".../index.html#s=…&embed=1" …></iframe>
//
// (The <page-lab> element does not need this: it sizes itself.)

const MIN = 120;
const MAX = 6000;

window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || typeof data !== 'object' || data.type !== 'pagelab:height') return;
  const height = Number(data.height);
  if (!Number.isFinite(height)) return;
  for (const frame of document.querySelectorAll('iframe[data-pagelab-fit]')) {
    if (frame.contentWindow !== event.source) continue;
    if (event.origin !== new URL(frame.src, document.baseURI).origin) return;
    // Through the CSSOM, which a strict CSP allows.
    frame.style.height = `${Math.round(Math.min(MAX, Math.max(MIN, height)))}px`;
    return;
  }
});
