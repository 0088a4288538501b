// The canvas's own input and time: zoom and pan of the address-space strip (wheel, pinch,
// drag, the + / − / reset buttons, and the + - 0 keys while the widget has focus), and the
// progress of a step's animation. The zoom window lives in the simulator (it is part of
// what it paints); this module only turns gestures into calls. Every listener sits on the
// widget's own elements.

/** How long a step's animation runs, in milliseconds. */
export const DURATION = 450;

const LINE_PX = 16;
const WHEEL_ZOOM = 0.0015;

/**
 * Attach zoom, pan and animation time to one widget's canvas.
 * @param {HTMLElement} root the widget root (keys are read there, only while it has focus)
 * A click on a word of the canvas that the glossary explains (a heading, the legend) calls
 * `onTerm` with its glossary term.
 * @param {{ sim: any, canvas: HTMLCanvasElement, cursor: () => number, redraw: () => void, onTerm?: (term: string) => void }} options
 * @returns {{ progress: (cursor: number) => number, destroy: () => void }}
 */
export function attachCanvas(root, { sim, canvas, cursor, redraw, onTerm }) {
  // A compact widget may have no canvas: nothing to zoom, nothing to animate.
  if (!canvas || !canvas.parentElement) return { progress: () => 1, destroy() {} };
  const stage = canvas.parentElement;
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
  const width = () => Math.floor(stage.clientWidth);
  const local = (event) => {
    const box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };

  // The buttons: real, focusable buttons over the canvas, where the layout leaves room.
  if (getComputedStyle(stage).position === 'static') stage.style.position = 'relative';
  const controls = document.createElement('div');
  controls.setAttribute('role', 'group');
  controls.setAttribute('aria-label', 'Zoom the address space');
  controls.dataset.role = 'zoom';
  Object.assign(controls.style, {
    position: 'absolute', display: 'flex', gap: '4px', justifyContent: 'flex-end',
    alignItems: 'center', lineHeight: 'normal',
  });
  const make = (text, label, action) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = text;
    button.title = label;
    button.setAttribute('aria-label', label);
    button.dataset.zoom = action;
    Object.assign(button.style, {
      padding: '0 8px', minWidth: '28px', minHeight: '0', height: '22px', fontSize: '13px', lineHeight: '1',
    });
    controls.append(button);
    return button;
  };
  const zoomOut = make('−', 'Zoom out (-)', 'out');
  const zoomIn = make('+', 'Zoom in (+)', 'in');
  const reset = make('Fit', 'Fit: zoom to the allocations (0)', 'reset');
  stage.append(controls);

  function placeControls() {
    const [x, y, w, h] = sim.part_rect('zoom_controls', 0, width());
    Object.assign(controls.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` });
    reset.disabled = !sim.space_zoomed();
  }

  function changed(didChange) {
    if (didChange) redraw();
    reset.disabled = !sim.space_zoomed();
  }

  const act = {
    in: () => changed(sim.zoom_space_steps(cursor(), 1)),
    out: () => changed(sim.zoom_space_steps(cursor(), -1)),
    reset: () => changed(sim.reset_space()),
  };

  function onControls(event) {
    const button = event.target.closest('button[data-zoom]');
    if (button && act[button.dataset.zoom]) {
      event.preventDefault();
      act[button.dataset.zoom]();
    }
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest('input, select, textarea, [contenteditable]')) return;
    const keys = { '+': act.in, '=': act.in, '-': act.out, '_': act.out, '0': act.reset };
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
    }
  }

  // Inside a blog post (an embed or a <page-lab> element) the plain wheel scrolls the post;
  // zooming there takes Ctrl or ⌘ (a trackpad pinch sends Ctrl by itself).
  const embedded = () => root.dataset.embed === 'true' || root.getRootNode() instanceof ShadowRoot;
  function onWheel(event) {
    const { x, y } = local(event);
    const hit = sim.space_hit(width(), x, y);
    if (!hit) return;
    const vertical = Math.abs(event.deltaY) >= Math.abs(event.deltaX) && !event.shiftKey;
    if (vertical && embedded() && !event.ctrlKey && !event.metaKey) return;
    event.preventDefault();
    const scale = event.deltaMode === 1 ? LINE_PX : event.deltaMode === 2 ? canvas.clientWidth : 1;
    const dx = (event.shiftKey ? event.deltaY : event.deltaX) * scale;
    const dy = event.shiftKey ? 0 : event.deltaY * scale;
    let did = false;
    if (Math.abs(dx) > Math.abs(dy)) did = sim.pan_space(cursor(), width(), -dx);
    else if (dy !== 0) did = sim.zoom_space(cursor(), width(), x, Math.exp(-dy * WHEEL_ZOOM));
    changed(did);
  }

  // Pointers: one drags (pans the strip, or moves the window along the overview); two pinch.
  const pointers = new Map();
  let gesture = '';
  function onDown(event) {
    const p = local(event);
    const hit = sim.space_hit(width(), p.x, p.y);
    if (!hit && pointers.size === 0) return;
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    pointers.set(event.pointerId, p);
    if (pointers.size === 1) gesture = hit;
    if (gesture === 'overview') changed(sim.centre_space(cursor(), width(), p.x));
  }
  function onMove(event) {
    if (!pointers.has(event.pointerId)) {
      const p = local(event);
      canvas.style.cursor = sim.space_hit(width(), p.x, p.y) ? 'grab' : sim.term_at(width(), p.x, p.y) ? 'pointer' : '';
      return;
    }
    const p = local(event);
    const before = [...pointers.values()];
    const old = pointers.get(event.pointerId);
    pointers.set(event.pointerId, p);
    let did = false;
    if (pointers.size >= 2 && gesture === 'strip') {
      const [a, b] = [...pointers.values()];
      const [a0, b0] = before;
      const span = Math.abs(b.x - a.x);
      const span0 = Math.abs(b0.x - a0.x);
      if (span0 > 4 && span > 4) did = sim.zoom_space(cursor(), width(), (a.x + b.x) / 2, span / span0);
    } else if (gesture === 'strip') {
      did = sim.pan_space(cursor(), width(), p.x - old.x);
    } else if (gesture === 'overview') {
      did = sim.centre_space(cursor(), width(), p.x);
    }
    changed(did);
  }
  function onUp(event) {
    pointers.delete(event.pointerId);
    if (pointers.size === 0) gesture = '';
  }
  function onClick(event) {
    const { x, y } = local(event);
    const term = !sim.space_hit(width(), x, y) && sim.term_at(width(), x, y);
    if (term) onTerm?.(term);
  }
  function onDoubleClick(event) {
    const { x, y } = local(event);
    if (sim.space_hit(width(), x, y) !== 'strip') return;
    event.preventDefault();
    changed(sim.zoom_space(cursor(), width(), x, event.shiftKey ? 0.5 : 2));
  }

  // Horizontal drags and pinches on the canvas are ours; vertical swipes still scroll.
  canvas.style.touchAction = 'pan-y';
  controls.addEventListener('click', onControls);
  root.addEventListener('keydown', onKey);
  canvas.addEventListener('wheel', onWheel, { passive: false });
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', onUp);
  canvas.addEventListener('dblclick', onDoubleClick);
  canvas.addEventListener('click', onClick);

  // Animation time: a step reached by stepping forward plays from 0 to 1; any other move
  // (back, a jump, a scrub) shows the finished picture at once, as does reduced motion.
  let shown = null;
  let started = -Infinity;
  function progress(at) {
    placeControls();
    if (at !== shown) {
      const forward = shown !== null && at === shown + 1;
      started = forward && !reducedMotion.matches ? performance.now() : -Infinity;
      shown = at;
    }
    const p = Math.min(1, Math.max(0, (performance.now() - started) / DURATION));
    root.dataset.moving = String(p < 1);
    if (p < 1) redraw();
    return p;
  }

  return {
    progress,
    destroy() {
      controls.removeEventListener('click', onControls);
      root.removeEventListener('keydown', onKey);
      canvas.removeEventListener('wheel', onWheel);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointercancel', onUp);
      canvas.removeEventListener('dblclick', onDoubleClick);
      canvas.removeEventListener('click', onClick);
      controls.remove();
    },
  };
}
