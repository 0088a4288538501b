// The script editor: a plain <textarea> over a backdrop of line boxes, with a line-number
// gutter. The backdrop draws the current statement's line and the parse errors (a tinted
// line with a mark at the error's column); the gutter numbers the lines. Both follow the
// textarea's scrolling. Lines are built with textContent only: the script is untrusted.

export class Editor {
  /**
   * @param {HTMLTextAreaElement} textarea the script's text
   * @param {HTMLElement | null} gutter where line numbers go (optional)
   * @param {HTMLElement | null} backdrop where line highlights go (optional)
   */
  constructor(textarea, gutter, backdrop) {
    this.textarea = textarea;
    this.gutter = gutter;
    this.backdrop = backdrop;
    this.errors = [];
    this.current = null;
    this.queued = 0;
    this.gutterLines = gutter ? document.createElement('div') : null;
    this.backLines = backdrop ? document.createElement('div') : null;
    if (this.gutterLines) {
      this.gutterLines.className = 'lines';
      gutter.replaceChildren(this.gutterLines);
    }
    if (this.backLines) {
      this.backLines.className = 'lines';
      backdrop.replaceChildren(this.backLines);
    }
    this.onInput = () => this.queue();
    this.onScroll = () => this.follow();
    textarea.addEventListener('input', this.onInput);
    textarea.addEventListener('scroll', this.onScroll);
    this.render();
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.textarea.scrollTop = 0;
    this.render();
  }

  /** Show these parse errors (`[{line, col, message}]`), or none. */
  setErrors(errors) {
    this.errors = errors ?? [];
    this.render();
  }

  /** Highlight the statement on `line` (1-based), or nothing; scroll it into view. */
  setCurrentLine(line) {
    if (line === this.current) return;
    this.current = line ?? null;
    for (const box of [this.gutterLines, this.backLines]) {
      if (!box) continue;
      box.querySelector('.current')?.classList.remove('current');
      if (this.current) box.children[this.current - 1]?.classList.add('current');
    }
    if (this.current && document.activeElement !== this.textarea) this.reveal(this.current);
  }

  /** Put the caret at `line:col` (1-based, columns in characters) and focus the editor. */
  focusAt(line, col) {
    const all = this.textarea.value.split('\n');
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, all.length); i++) offset += all[i].length + 1;
    const text = all[line - 1] ?? '';
    // Columns count characters (code points); the textarea counts UTF-16 units.
    offset += Array.from(text).slice(0, Math.max(0, col - 1)).join('').length;
    this.textarea.focus();
    this.textarea.setSelectionRange(offset, offset);
    this.reveal(line);
  }

  reveal(line) {
    const height = this.lineHeight();
    const top = (line - 1) * height;
    const ta = this.textarea;
    if (top < ta.scrollTop || top + height > ta.scrollTop + ta.clientHeight - height) {
      ta.scrollTop = Math.max(0, top - ta.clientHeight / 3);
    }
  }

  lineHeight() {
    return parseFloat(getComputedStyle(this.textarea).lineHeight) || 20;
  }

  queue() {
    if (!this.queued) this.queued = requestAnimationFrame(() => {
      this.queued = 0;
      this.render();
    });
  }

  /** Rebuild the gutter and backdrop lines from the text and the errors. */
  render() {
    const texts = this.textarea.value.split('\n');
    const byLine = new Map();
    for (const e of this.errors) {
      if (!byLine.has(e.line)) byLine.set(e.line, []);
      byLine.get(e.line).push(e);
    }
    if (this.gutterLines) {
      const rows = [];
      for (let i = 1; i <= texts.length; i++) {
        const row = document.createElement('div');
        row.textContent = String(i);
        if (byLine.has(i)) {
          row.classList.add('error');
          row.title = byLine.get(i).map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n');
        }
        if (i === this.current) row.classList.add('current');
        rows.push(row);
      }
      this.gutterLines.replaceChildren(...rows);
    }
    if (this.backLines) {
      const rows = [];
      for (let i = 1; i <= texts.length; i++) {
        const row = document.createElement('div');
        const errors = byLine.get(i);
        if (errors) {
          row.classList.add('error');
          // Text before the column (invisible, so the mark sits under the right character).
          const chars = Array.from(texts[i - 1]);
          const col = Math.max(1, Math.min(errors[0].col, chars.length + 1));
          const mark = document.createElement('span');
          mark.className = 'mark';
          mark.textContent = chars[col - 1] && chars[col - 1] !== '\t' ? chars[col - 1] : ' ';
          row.append(chars.slice(0, col - 1).join(''), mark);
        }
        if (i === this.current) row.classList.add('current');
        rows.push(row);
      }
      this.backLines.replaceChildren(...rows);
    }
    this.follow();
  }

  /** Keep the gutter and backdrop aligned with the textarea's scroll position. */
  follow() {
    const { scrollTop, scrollLeft } = this.textarea;
    if (this.gutterLines) this.gutterLines.style.transform = `translateY(${-scrollTop}px)`;
    if (this.backLines) this.backLines.style.transform = `translate(${-scrollLeft}px, ${-scrollTop}px)`;
  }

  destroy() {
    cancelAnimationFrame(this.queued);
    this.textarea.removeEventListener('input', this.onInput);
    this.textarea.removeEventListener('scroll', this.onScroll);
  }
}
