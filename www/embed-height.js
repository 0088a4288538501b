// In an iframe with embed=1, tell the host page how tall the content is:
// postMessage({type: 'pagelab:height', height}) whenever it changes, and again when the
// host's fit helper (fit-iframes.js) asks with 'pagelab:measure'. Used by the simulator
// page and the Compare view alike.

/** Report the bottom of `root` to the parent window while it changes. */
export function reportHeight(root) {
  if (window.parent === window) return;
  let last = 0;
  const report = () => {
    // The content's own height: the document's never shrinks below the iframe's.
    const box = root.getBoundingClientRect();
    const height = Math.ceil(box.bottom + window.scrollY);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: 'pagelab:height', height }, '*');
    }
  };
  new ResizeObserver(report).observe(root);
  // The host's fit helper asks again when it starts after the first report.
  window.addEventListener('message', (event) => {
    if (event.source === window.parent && event.data?.type === 'pagelab:measure') {
      last = 0;
      report();
    }
  });
}
