// The faults-against-frames chart of the Compare view: one line per policy (SVG built node
// by node, never from an HTML string), Belady's anomaly circled where a curve rises, and a
// sentence that explains each rise.

const SVG = 'http://www.w3.org/2000/svg';
const W = 560;
const H = 260;
const PAD = { left: 44, right: 12, top: 12, bottom: 34 };

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

/** Frame counts (1-based) where `faults` rises from one frame count to the next. */
export function anomalies(faults) {
  const out = [];
  for (let i = 1; i < faults.length; i++) if (faults[i] > faults[i - 1]) out.push(i + 1);
  return out;
}

/**
 * Draw `curves` ([{ policy, faults }], faults[i] for i + 1 frames) into `root` (emptied
 * first); `frames` marks the frame count the lanes use.
 */
export function drawCurves(root, curves, frames) {
  root.replaceChildren();
  const max = curves[0]?.faults.length ?? 0;
  const top = Math.max(1, ...curves.flatMap((c) => c.faults));
  const x = (f) => PAD.left + ((f - 1) / Math.max(1, max - 1)) * (W - PAD.left - PAD.right);
  const y = (v) => PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'curve-chart' });
  svg.append(el('title', {}, 'Page faults against the number of frames, one line per policy'));
  svg.append(el('line', { x1: PAD.left, y1: y(0), x2: W - PAD.right, y2: y(0), class: 'axis' }));
  svg.append(el('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: y(0), class: 'axis' }));
  for (const v of [0, Math.round(top / 2), top]) {
    svg.append(el('text', { x: PAD.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, String(v)));
  }
  const every = Math.max(1, Math.ceil(max / 16));
  for (let f = 1; f <= max; f += every) {
    svg.append(el('text', { x: x(f), y: H - PAD.bottom + 16, class: 'tick', 'text-anchor': 'middle' }, String(f)));
  }
  svg.append(el('text', { x: (W + PAD.left) / 2, y: H - 4, class: 'label', 'text-anchor': 'middle' }, 'frames'));
  if (frames >= 1 && frames <= max) {
    svg.append(el('line', { x1: x(frames), y1: PAD.top, x2: x(frames), y2: y(0), class: 'current' }));
  }
  const notes = [];
  for (const { policy, faults } of curves) {
    const points = faults.map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    svg.append(el('polyline', { points, class: `line ${policy}`, 'data-policy': policy }));
    for (const f of anomalies(faults)) {
      const mark = el('circle', { cx: x(f), cy: y(faults[f - 1]), r: 6, class: `anomaly ${policy}`, 'data-frames': f });
      mark.append(el('title', {}, `${policy.toUpperCase()}: ${faults[f - 2]} faults with ${f - 1} frames, ${faults[f - 1]} with ${f}`));
      svg.append(mark);
      notes.push({ policy, f, before: faults[f - 2], after: faults[f - 1] });
    }
  }
  const legend = document.createElement('p');
  legend.className = 'curve-legend';
  for (const { policy, faults } of curves) {
    const item = document.createElement('span');
    item.className = `key ${policy}`;
    item.textContent = `${policy.toUpperCase()} (${faults[faults.length - 1]} with ${max})`;
    legend.append(item, ' ');
  }
  const explain = document.createElement('div');
  explain.className = 'anomaly-notes';
  explain.dataset.role = 'anomalies';
  if (notes.length === 0) {
    const p = document.createElement('p');
    p.textContent = 'No anomaly here: every curve falls or stays flat as frames are added.';
    explain.append(p);
  } else {
    const p = document.createElement('p');
    p.textContent = "Belady's anomaly: with more frames, more faults. LRU and OPT never show it (the pages they keep with n frames are always kept with n + 1); FIFO, CLOCK and RANDOM can.";
    const list = document.createElement('ul');
    for (const n of notes) {
      const li = document.createElement('li');
      li.textContent = `${n.policy.toUpperCase()}: ${n.before} faults with ${n.f - 1} frames, but ${n.after} with ${n.f}.`;
      list.append(li);
    }
    explain.append(p, list);
  }
  const table = document.createElement('table');
  table.className = 'curve-table';
  const head = table.createTHead().insertRow();
  for (const text of ['frames', ...curves.map((c) => c.policy)]) {
    const th = document.createElement('th');
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  for (let f = 1; f <= max; f++) {
    const row = body.insertRow();
    row.insertCell().textContent = String(f);
    for (const { faults } of curves) {
      const cell = row.insertCell();
      cell.textContent = String(faults[f - 1]);
      if (anomalies(faults).includes(f)) cell.className = 'anomaly';
    }
  }
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'Faults as a table';
  details.append(summary, table);
  root.append(svg, legend, explain, details);
}
