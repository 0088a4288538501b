// The step log: a window of SIZE entries around the cursor (with the right numbers), each
// a button that jumps to its step. The window moves when the cursor comes within EDGE
// entries of its edge, so a step costs a few dozen elements however long the run: listing
// hundreds of them forced a layout of tens of milliseconds in one task (issue 13).

const SIZE = 41;
const EDGE = 8;

export class StepLog {
  /** @param {HTMLOListElement} list @param {any} sim */
  constructor(list, sim) {
    this.list = list;
    this.sim = sim;
    this.reset(0);
  }

  /** Forget the entries (a new run). */
  reset(count) {
    this.count = count;
    this.from = 1;
    this.to = 0;
    this.list.replaceChildren();
  }

  /**
   * Make sure the entry of `cursor` is listed, mark it current, and keep it in view.
   * Entries past `limit` (a question waits there) are hidden, so they cannot give it away.
   */
  show(cursor, limit = Infinity) {
    const { from, to, count } = this;
    if (to ? (cursor < from + EDGE && from > 1) || (cursor > to - EDGE && to < count) : count) {
      this.fill(Math.max(1, Math.min(cursor - (SIZE >> 1), count - SIZE + 1)), cursor);
    }
    for (const item of this.list.children) item.hidden = Number(item.dataset.cursor) > limit;
    this.list.querySelector('[aria-current]')?.removeAttribute('aria-current');
    const item = this.list.children[cursor - this.from];
    if (cursor >= this.from && item) {
      item.setAttribute('aria-current', 'step');
      const box = this.list;
      if (item.offsetTop < box.scrollTop || item.offsetTop + item.offsetHeight > box.scrollTop + box.clientHeight) {
        box.scrollTop = item.offsetTop - box.clientHeight / 2;
      }
    }
  }

  /** List the entries from `from` on; a focused entry keeps the focus, or the entry of
   * `cursor` (the first for step 0) takes it. */
  fill(from, cursor) {
    const list = this.list;
    const focused = list.getRootNode().activeElement;
    const had = list.contains(focused) && Number(focused.parentElement.dataset.cursor);
    this.from = from;
    this.to = Math.min(this.count, from + SIZE - 1);
    list.start = from;
    const items = this.sim.steps_summary(from, this.to).map((step, i) => {
      const item = document.createElement('li');
      item.dataset.cursor = String(from + i);
      if (step.marker) item.dataset.marker = step.marker;
      const jump = document.createElement('button');
      jump.type = 'button';
      jump.textContent = step.line ? `${step.narration} (line ${step.line})` : step.narration;
      item.append(jump);
      return item;
    });
    list.replaceChildren(...items);
    if (had) (items[had - from] ?? items[Math.max(0, cursor - from)])?.firstChild.focus();
  }
}
