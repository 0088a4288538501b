// The compact widget a <page-lab> element draws in its shadow root: one line of controls,
// the narration, lines for messages, what the program printed so far, and the canvas. Built with createElement and
// textContent only; styled by one constructed stylesheet shared by every instance (allowed
// by a strict Content-Security-Policy, which forbids inline <style> and style="").

import { buildQuestionParts } from '../course.js';

const CSS = `
:host {
  display: block;
  margin: 1.5em 0;
  --pl-bg: #ffffff;
  --pl-fg: #16181d;
  --pl-muted: #555b66;
  --pl-panel: #f1f3f6;
  --pl-line: #d3d8df;
  --pl-accent: #0072b2;
  --pl-error: #b3261e;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :host {
    --pl-bg: #14161b;
    --pl-fg: #e9ebef;
    --pl-muted: #a3a9b4;
    --pl-panel: #1f232b;
    --pl-line: #3a404c;
    --pl-accent: #56b4e9;
    --pl-error: #ff8a80;
  }
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.pagelab {
  display: grid;
  gap: 6px;
  padding: 8px;
  border: 1px solid var(--pl-line);
  border-radius: 10px;
  background: var(--pl-bg);
  color: var(--pl-fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  outline: none;
  min-width: 0;
}
.pagelab:focus-visible { box-shadow: 0 0 0 3px var(--pl-accent); }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
button {
  font: inherit;
  font-size: 0.9rem;
  color: var(--pl-fg);
  background: var(--pl-panel);
  border: 1px solid var(--pl-line);
  border-radius: 6px;
  padding: 3px 10px;
  min-height: 32px;
  cursor: pointer;
}
button:hover:not(:disabled) { border-color: var(--pl-accent); }
button:disabled { opacity: 0.45; cursor: default; }
button[hidden] { display: none; }
button:focus-visible { outline: 3px solid var(--pl-accent); outline-offset: 1px; }
output {
  margin-left: auto;
  font: 0.85rem ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  color: var(--pl-muted);
  white-space: nowrap;
}
.narration {
  margin: 0;
  min-height: 2.9em;
  padding: 6px 10px;
  border-left: 4px solid var(--pl-accent);
  background: var(--pl-panel);
  border-radius: 0 8px 8px 0;
}
.status:empty, .problems:empty, .output:empty, .status[data-kind=ok] { display: none; }
.output {
  margin: 0;
  max-height: 8em;
  overflow: auto;
  padding: 4px 10px;
  border-radius: 6px;
  background: var(--pl-panel);
  font: 0.85rem/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
.output .exception, .output .error { color: var(--pl-error); }
.status, .problems p {
  margin: 0;
  font: 0.85rem/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  color: var(--pl-muted);
  overflow-wrap: anywhere;
  white-space: pre-wrap;
}
.status[data-kind=error], .problems p { color: var(--pl-error); }
.stage {
  min-width: 0;
  border: 1px solid var(--pl-line);
  border-radius: 8px;
  overflow: hidden auto;
  line-height: 0;
}
.stage canvas { display: block; max-width: 100%; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap;
}
.pagelab[data-state=error] .stage, .pagelab[data-state=error] .bar,
.pagelab[data-state=error] .narration { display: none; }
.prose .result:empty { display: none; }
.prose p { margin: 0.4em 0; }
.question fieldset { border: 2px solid currentColor; border-radius: 6px; }
.question legend { font-weight: 600; }
.question .choices { display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 4px 0; }
`;

let sheet = null;

/** The element's stylesheet, made once and shared by every instance. */
export function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

function make(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/**
 * Build the widget's parts, found by mount() through their data-role / data-action.
 * @param {{ height: number | null }} options the checked attributes
 * @returns {{ root: HTMLElement, problems: HTMLElement, status: HTMLElement }}
 */
export function buildView({ height }) {
  const button = (action, text, title) => make('button', { type: 'button', 'data-action': action, title, text });
  const bar = make('div', { class: 'bar' },
    button('back', '◀ Back', 'Back (←)'),
    button('play', '▶ Play', 'Play / pause (space)'),
    button('step', 'Step ▶', 'Step (→)'),
    button('stop', '■ Stop', 'Stop the run: the steps recorded so far stay'),
    make('output', { 'data-role': 'position', 'aria-live': 'off', text: 'loading…' }));
  const narration = make('p', { class: 'narration', 'data-role': 'narration', 'aria-live': 'polite' });
  const status = make('p', { class: 'status', 'data-role': 'status', role: 'status' });
  const output = make('pre', {
    class: 'output', 'data-role': 'output', role: 'region', tabindex: '0', 'aria-label': 'What the program printed',
  });
  const problems = make('div', { class: 'problems', 'data-role': 'problems', role: 'alert' });
  const canvas = make('canvas', {
    'data-role': 'canvas',
    role: 'img',
    'aria-label': 'The address space, RAM frames and page file at this step',
    'aria-describedby': 'picture-text',
  });
  // The picture in words for screen readers, kept up to date by mount() (ids are per shadow root).
  const words = make('p', { class: 'visually-hidden', id: 'picture-text', 'data-role': 'picture-text' });
  const stage = make('div', { class: 'stage' }, canvas, words);
  // Through the CSSOM, which a strict CSP allows (a style="" attribute it would block).
  if (height) stage.style.height = `${height}px`;
  const root = make('div', {
    class: 'pagelab',
    'data-pagelab': '',
    'data-state': 'loading',
    tabindex: '0',
    role: 'group',
    'aria-label': 'PageLab simulation. While it has focus, the arrow keys step and space plays.',
  }, bar, buildQuestionParts(), narration, problems, status, output, stage);
  return { root, problems, status };
}

/** Add one message to the problems line (as text). */
export function report(view, message) {
  view.problems.append(make('p', { text: message }));
}
