// PageLab's page: load the wasm module once, then mount a widget on every [data-pagelab].
import init, { Simulator } from './pkg/pagelab.js';
import { mount } from './widget.js';

const roots = document.querySelectorAll('[data-pagelab]');
try {
  await init();
  // The handle stays on its root element, for tools and tests: root.pagelab.simulator.
  for (const root of roots) root.pagelab = mount(root, { Simulator });
} catch (error) {
  for (const root of roots) {
    const status = root.querySelector('[data-role=status]');
    if (status) status.textContent = `PageLab could not start: ${error.message ?? error}`;
  }
  throw error;
}
