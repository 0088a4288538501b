// The player: a cursor over recorded steps, moved by hand or in time with the display.
// Position 0 is before any step; position n is after step n - 1. JavaScript owns time:
// playing advances on requestAnimationFrame, one step every `delay` milliseconds.

export class Player {
  /** @param {(cursor: number) => void} onChange called after every move */
  constructor(onChange) {
    this.onChange = onChange;
    this.cursor = 0;
    this.count = 0;
    this.delay = 600;
    this.playing = false;
    this.frame = 0;
    this.last = 0;
    this.onPlaying = () => {};
    /** The furthest position the controls may move to now (a question waits there);
     *  `go` itself, for links and the widget's API, is not held. */
    this.limit = () => Infinity;
  }

  /** Go to `cursor` (clamped); stays playing only when asked by the clock. */
  go(cursor) {
    const next = Math.max(0, Math.min(this.count, Math.trunc(cursor) || 0));
    if (next !== this.cursor) {
      this.cursor = next;
      this.onChange(next);
    }
  }

  /** A new run: `count` steps, positioned at `cursor` (clamped); always calls onChange. */
  load(count, cursor = 0) {
    this.pause();
    this.count = count;
    this.cursor = Math.max(0, Math.min(count, Math.trunc(cursor) || 0));
    this.onChange(this.cursor);
  }

  setCount(count) {
    this.count = count;
    if (this.cursor > count) this.go(count);
  }

  /** Go to `cursor`, but no further than the limit (the controls' moves). */
  guarded(cursor) { this.go(Math.min(cursor, Math.max(this.cursor, this.limit()))); }

  step() { this.pause(); this.guarded(this.cursor + 1); }
  back() { this.pause(); this.go(this.cursor - 1); }
  start() { this.pause(); this.go(0); }
  end() { this.pause(); this.guarded(this.count); }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Play from the cursor to the last step (from the start when already there). */
  play() {
    if (this.cursor >= this.count) this.go(0);
    this.run();
  }

  /** Show `first`, then play on to the last step at the chosen speed. */
  playFrom(first) {
    this.pause();
    if (this.delay === 0) {
      this.go(this.count);
      return;
    }
    this.go(first);
    this.run();
  }

  run() {
    if (this.cursor >= Math.min(this.count, this.limit())) return;
    if (this.delay === 0) {
      this.go(Math.min(this.count, this.limit()));
      return;
    }
    this.playing = true;
    this.onPlaying(true);
    this.last = performance.now();
    const tick = (now) => {
      if (!this.playing) return;
      if (now - this.last >= this.delay) {
        this.last = now;
        this.guarded(this.cursor + 1);
      }
      if (this.cursor >= Math.min(this.count, this.limit())) this.pause();
      else this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.onPlaying(false);
  }
}
