// The lanes of the Compare view: one table per policy, a column per access of the window
// and a row per frame, hits and misses coloured, victims named, and the policy's own state
// in each cell (CLOCK's use bits and hand, LRU's recency order, OPT's next use, FIFO's
// load order). Drawn from the worker's records only, never from the previous picture.

const HEADER = 5;
const HIT = 0;
const EVICT = 2;

/** What a frame's number means for each policy, as a short cell note. */
function note(policy, number, numbers, position) {
  if (number < 0 && policy === 'opt') return 'never';
  switch (policy) {
    case 'clock':
      return number ? 'use 1' : 'use 0';
    case 'lru':
    case 'fifo': {
      // Rank among the frames: 1 = most recent (LRU) or oldest (FIFO, the next victim).
      const sorted = [...numbers].sort((a, b) => (policy === 'lru' ? b - a : a - b));
      return `${policy === 'lru' ? 'recent' : 'age'} #${sorted.indexOf(number) + 1}`;
    }
    case 'opt':
      return `next ${number - position}`;
    default:
      return '';
  }
}

/**
 * Draw the lanes into `root`: `lanes` [{ policy, records, soFar, total }], `frames`
 * frames, the window's first access `start`, and `step` the current access.
 */
export function drawLanes(root, lanes, frames, start, step) {
  root.replaceChildren();
  const width = HEADER + 2 * frames;
  for (const { policy, records, soFar, total } of lanes) {
    const count = records.length / width;
    const section = document.createElement('section');
    section.className = 'lane';
    section.dataset.policy = policy;
    const h = document.createElement('h3');
    h.textContent = policy.toUpperCase();
    const totals = document.createElement('span');
    totals.className = 'totals';
    totals.dataset.role = 'totals';
    totals.textContent = `${soFar} fault${soFar === 1 ? "" : "s"} up to access ${step + 1}; ${total} in all`;
    h.append(' ', totals);
    const table = document.createElement('table');
    table.className = 'lane-grid';
    const head = table.createTHead();
    const refs = head.insertRow();
    const corner = document.createElement('th');
    corner.textContent = 'page';
    refs.append(corner);
    const bodies = table.createTBody();
    const rows = [];
    for (let f = 0; f < frames; f++) {
      const row = bodies.insertRow();
      const th = document.createElement('th');
      th.textContent = `frame ${f}`;
      row.append(th);
      rows.push(row);
    }
    const victims = bodies.insertRow();
    victims.className = 'victims';
    const vth = document.createElement('th');
    vth.textContent = 'evicted';
    victims.append(vth);
    for (let i = 0; i < count; i++) {
      const r = records.subarray(i * width, (i + 1) * width);
      const position = start + i;
      const [page, kind, victim, frame, hand] = r;
      const th = document.createElement('th');
      th.textContent = String(page);
      th.title = `access ${position + 1}`;
      th.className = kind === HIT ? 'hit' : 'miss';
      if (position === step) th.classList.add('now');
      refs.append(th);
      const numbers = [];
      for (let f = 0; f < frames; f++) if (r[HEADER + 2 * f] >= 0) numbers.push(r[HEADER + 2 * f + 1]);
      for (let f = 0; f < frames; f++) {
        const cell = rows[f].insertCell();
        const held = r[HEADER + 2 * f];
        if (position === step) cell.classList.add('now');
        if (held < 0) {
          cell.className += ' empty';
          continue;
        }
        const p = document.createElement('span');
        p.className = 'page';
        p.textContent = String(held);
        const s = document.createElement('span');
        s.className = 'state';
        s.textContent = note(policy, r[HEADER + 2 * f + 1], numbers, position);
        cell.append(p, s);
        if (f === frame) cell.classList.add(kind === HIT ? 'hit' : 'miss');
        if (hand === f) {
          cell.classList.add('hand');
          cell.title = "clock's hand points here";
        }
      }
      const v = victims.insertCell();
      v.textContent = kind === EVICT ? String(victim) : '';
    }
    section.append(h, table);
    root.append(section);
  }
}
