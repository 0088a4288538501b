// The quick-action forms, which write the script for the reader: Reserve and Commit
// (VirtualAlloc), Read or Write a byte, and Page out each append one statement to the
// script, run it and play the new steps. The fields are checked here (an address is a
// number, NULL or a variable name); a mistake, or the new statement's result, is said in
// the status line. Every form is optional (a compact embed has none).

const hex = (n) => `0x${n.toString(16)}`;
/** A variable name or a number, as the forms accept for an address. */
const ADDRESS = /^([A-Za-z_][A-Za-z0-9_]*|0[xX][0-9a-fA-F]+|\d+)$/;

/**
 * Attach the forms of one widget ([data-form=alloc] and [data-form=access]).
 * @param {HTMLElement} root the widget root
 * @param {{
 *   Simulator: any,                 // the wasm module's Simulator class (its protections)
 *   script: () => string,           // the script as it is now
 *   append: (statement: string) => object | Promise<object>,
 *                                   // append a statement to the script, run it and play
 *                                   // its steps; returns the run's report (or its promise)
 *   say: (text: string, kind?: string) => void,  // the status line
 * }} options
 * @returns {{ actions: object, submit: (form: HTMLFormElement) => void,
 *             forget: () => void, destroy: () => void }}
 */
export function attachStatementForms(root, { Simulator, script, append, say }) {
  const allocForm = root.querySelector('[data-form=alloc]');
  const accessForm = root.querySelector('[data-form=access]');
  // The variable the last allocation named: the access forms' address when left empty.
  let lastVar = null;
  let destroyed = false;

  const protect = allocForm?.elements.protect;
  if (protect && protect.options.length === 0) {
    for (const name of Simulator.protections()) {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      option.selected = name === 'PAGE_READWRITE';
      protect.append(option);
    }
  }

  /** Append a statement the forms wrote, run, and play its steps; say its result. */
  function addStatement(statement) {
    const sayLast = (report) => {
      if (!report.errors.length && report.last && !report.stopped) {
        const value = report.last.value;
        const shown = value === null || value === undefined ? '' : ` → ${value > 0xffff ? hex(value) : value}`;
        say(`Line ${report.last.line}: ${report.last.text}${shown}`, report.last.last_error ? 'error' : 'ok');
      }
      return report;
    };
    const report = append(statement);
    return report instanceof Promise ? report.then(sayLast) : sayLast(report);
  }

  function freshVar() {
    const text = script();
    for (let n = 1; ; n++) {
      if (!new RegExp(`\\bp${n}\\b`).test(text)) return `p${n}`;
    }
  }

  function addressOf(text, what, { empty = null } = {}) {
    const t = text.trim();
    if (t === '' && empty !== null) return empty;
    if (t === '' || t === 'NULL') return 'NULL';
    if (!ADDRESS.test(t)) throw new Error(`${what}: write a number (0x10000), NULL or a variable name.`);
    return t;
  }

  function formError(error) {
    say(error.message, 'error');
  }

  function alloc(kind) {
    if (!allocForm) return;
    const form = allocForm.elements;
    try {
      const address = addressOf(form.address.value, 'Address');
      const size = form.size.value.trim();
      if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(size)) throw new Error('Size: write a number of bytes, like 8 or 0x1000.');
      const name = freshVar();
      const type = kind === 'reserve' ? 'MEM_RESERVE' : 'MEM_COMMIT';
      const done = (report) => {
        if (report.errors.length || destroyed) return;
        lastVar = name;
        if (accessForm) accessForm.elements.address.value = name;
        if (kind === 'reserve') form.address.value = name;
      };
      const report = addStatement(`${name} = VirtualAlloc(${address}, ${size}, ${type}, ${form.protect.value});`);
      if (report instanceof Promise) report.then(done);
      else done(report);
    } catch (error) {
      formError(error);
    }
  }

  function accessTarget() {
    if (!accessForm) return null;
    const text = accessForm.elements.address.value;
    if (text.trim() === '' && lastVar === null) throw new Error('Address: allocate some memory first, or type an address.');
    return addressOf(text, 'Address', { empty: lastVar });
  }

  function access() {
    if (!accessForm) return;
    const form = accessForm.elements;
    try {
      const address = accessTarget();
      if (form.kind.value === 'write') {
        const value = form.value.value.trim();
        const byte = /^0[xX][0-9a-fA-F]+$|^\d+$/.test(value) ? Number(value) : NaN;
        if (!(byte >= 0 && byte <= 255)) throw new Error('Byte: write a value from 0 to 255 (0xff).');
        addStatement(`write(${address}, ${hex(byte)}, 1);`);
      } else {
        addStatement(`read(${address}, 1);`);
      }
    } catch (error) {
      formError(error);
    }
  }

  function pageOut() {
    try {
      addStatement(`PageOut(${accessTarget()}, 1);`);
    } catch (error) {
      formError(error);
    }
  }

  return {
    /** What the forms' buttons do, by their data-action. */
    actions: { reserve: () => alloc('reserve'), commit: () => alloc('commit'), access, 'page-out': pageOut },
    /** A form was submitted: the alloc form commits, the access form reads or writes. */
    submit(form) {
      if (form === allocForm) alloc('commit');
      else if (form === accessForm) access();
    },
    /** A new scenario: no variable of the last one is the access forms' address. */
    forget() {
      lastVar = null;
    },
    destroy() {
      destroyed = true;
    },
  };
}
