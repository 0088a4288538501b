// The process switcher: when a script runs several processes, the canvas draws one tab
// per process (view::board); this module puts a real tab button over each, so a reader
// can pick the process whose address space, walk and working set the canvas shows, by
// mouse, touch or keyboard (Tab to the tabs, ← → between them, Enter or Space to pick).
// Picking the running process follows the running process again. The buttons sit on the
// widget's own stage; every listener is on them.

/**
 * Attach the switcher to one widget's canvas.
 * @param {{ sim: any, canvas: HTMLCanvasElement, redraw: () => void }} options
 * @returns {{ place: (cursor: number, width: number) => void, destroy: () => void }}
 */
export function attachSwitcher({ sim, canvas, redraw }) {
  const stage = canvas?.parentElement;
  if (!stage) return { place() {}, destroy() {} };
  const list = document.createElement('div');
  list.setAttribute('role', 'tablist');
  list.setAttribute('aria-label', 'Processes: pick the one the picture shows');
  list.dataset.role = 'processes';
  list.className = 'process-tabs';
  list.hidden = true;
  stage.append(list);
  let key = '';

  function place(cursor, width) {
    const tabs = sim.process_tabs(cursor, width);
    list.hidden = tabs.length === 0;
    if (!tabs.length) return;
    const now = JSON.stringify(tabs);
    if (now === key) return;
    key = now;
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.process : null;
    const buttons = tabs.map((tab) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('role', 'tab');
      button.dataset.process = String(tab.id);
      button.dataset.state = tab.state;
      button.setAttribute('aria-selected', String(tab.shown));
      button.tabIndex = tab.shown ? 0 : -1;
      // The canvas draws the tab; the button is its clickable, focusable, named twin.
      button.setAttribute('aria-label', `${tab.name}, process ${tab.id}, ${tab.state}`);
      const [x, y, w, h] = tab.rect;
      Object.assign(button.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` });
      return button;
    });
    // Only one tab in the tab order (the first shown), as a tablist does.
    const first = buttons.find((b) => b.tabIndex === 0);
    for (const b of buttons) b.tabIndex = b === first ? 0 : -1;
    list.replaceChildren(...buttons);
    if (focused) buttons.find((b) => b.dataset.process === focused)?.focus();
  }

  function pick(button) {
    const id = Number(button.dataset.process);
    // The running process's tab follows the running process from now on.
    const follow = button.dataset.state === 'running';
    if (sim.show_process(follow ? undefined : id)) redraw();
  }

  function onClick(event) {
    const button = event.target.closest('button[data-process]');
    if (button) {
      event.preventDefault();
      pick(button);
    }
  }

  function onKey(event) {
    const button = event.target.closest('button[data-process]');
    if (!button) return;
    const buttons = [...list.querySelectorAll('button[data-process]')];
    const at = buttons.indexOf(button);
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 };
    if (event.key in moves) {
      // The widget's own keys (← → step the player) stay out of the tab list.
      event.preventDefault();
      event.stopPropagation();
      const next = buttons[(moves[event.key] + buttons.length) % buttons.length];
      for (const b of buttons) b.tabIndex = b === next ? 0 : -1;
      next.focus();
    }
  }

  list.addEventListener('click', onClick);
  list.addEventListener('keydown', onKey);
  return {
    place,
    destroy() {
      list.removeEventListener('click', onClick);
      list.removeEventListener('keydown', onKey);
      list.remove();
    },
  };
}
