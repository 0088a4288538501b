// Scrubber markers: a thin strip under the slider with a tick at every fault, page-out
// and exception step, so a reader sees where the interesting steps are and can jump there.

/** Kinds in drawing order: rarer kinds drawn last, so they stay visible. */
const KINDS = ['fault', 'pageout', 'exception'];

/**
 * Draw `markers` (and a thin tick where each of `statements` `[[first, end]]` begins) (`[{cursor, kind}]` from Simulator.markers()) for a run of `count` steps
 * on `canvas`, whose CSS box sets the size. The slider's thumb travels `inset` CSS pixels
 * in from each end, so ticks line up with the thumb's centre at their step.
 */
export function drawMarks(canvas, markers, count, inset = 8, statements = []) {
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (width <= 0 || height <= 0) return;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (count <= 0) return;
  const style = getComputedStyle(canvas);
  const colour = {
    fault: style.getPropertyValue('--mark-fault').trim() || '#d55e00',
    pageout: style.getPropertyValue('--mark-pageout').trim() || '#009e73',
    exception: style.getPropertyValue('--mark-exception').trim() || '#b3261e',
  };
  const span = Math.max(1, width - 2 * inset);
  // Statement boundaries: short thin ticks along the top, under the event ticks.
  ctx.fillStyle = style.getPropertyValue('--mark-statement').trim() || '#8a8a8a';
  for (const [first] of statements) {
    ctx.fillRect(Math.round(inset + (first / count) * span), 0, 1, Math.max(2, height * 0.25));
  }
  // Exceptions are full height, faults two thirds, page-outs one third: shape as well as colour.
  const tall = { fault: height * 0.66, pageout: height * 0.4, exception: height };
  for (const kind of KINDS) {
    ctx.fillStyle = colour[kind];
    let lastX = -2;
    for (const m of markers) {
      if (m.kind !== kind) continue;
      const x = Math.round(inset + (m.cursor / count) * span) - 1;
      if (x === lastX) continue;
      lastX = x;
      ctx.fillRect(x, height - tall[kind], 2, tall[kind]);
    }
  }
}

/** How many markers of each kind, as a sentence for the strip's label. */
export function describeMarks(markers) {
  const n = { fault: 0, pageout: 0, exception: 0 };
  for (const m of markers) n[m.kind] = (n[m.kind] ?? 0) + 1;
  const plural = (k, one, many) => `${k} ${k === 1 ? one : many}`;
  return `${plural(n.fault, 'page fault', 'page faults')}, ${plural(n.pageout, 'page-out', 'page-outs')}, ${plural(n.exception, 'exception', 'exceptions')}`;
}
