// The step log: one entry per step, each a button that jumps to its step. A short run is
// listed whole; a long one shows a window of entries around the cursor (with the right
// numbers), so a 75,000-step run costs a few hundred elements, fetched in one call.

const WHOLE = 1500;
const HALF = 150;

export class StepLog {
  /** @param {HTMLOListElement} list @param {any} sim */
  constructor(list, sim) {
    this.list = list;
    this.sim = sim;
    this.count = 0;
    this.from = 1;
    this.to = 0;
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
    if (this.count <= WHOLE) {
      if (this.to < this.count) this.fill(1, this.count);
    } else if (cursor < this.from + 20 || cursor > this.to - 20 || this.to === 0) {
      const from = Math.max(1, Math.min(cursor - HALF, this.count - 2 * HALF));
      this.fill(from, Math.min(this.count, from + 2 * HALF));
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

  fill(from, to) {
    this.from = from;
    this.to = to;
    this.list.start = from;
    const items = this.sim.steps_summary(from, to).map((step, i) => {
      const item = document.createElement('li');
      item.dataset.cursor = String(from + i);
      if (step.marker) item.dataset.marker = step.marker;
      const jump = document.createElement('button');
      jump.type = 'button';
      jump.textContent = step.line ? `${step.narration} (line ${step.line})` : step.narration;
      item.append(jump);
      return item;
    });
    this.list.replaceChildren(...items);
  }
}
