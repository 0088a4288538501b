// The course beside the picture (DESIGN §10): the lesson's prose follows the player, its
// questions stop the player before chosen steps until they are answered or skipped, and
// "next statement" / "next fault" move by meaning rather than by micro-step. The study of
// a script (prose, statements, questions with their answers) comes from
// Simulator.study(text); every text reaches the page through textContent.

const DONE_KEY = 'pagelab:course:done';

/** Lessons finished, from localStorage (an empty set when storage is unavailable). */
export function finishedLessons() {
  try {
    const list = JSON.parse(localStorage.getItem(DONE_KEY) ?? '[]');
    return new Set(Array.isArray(list) ? list.filter((n) => typeof n === 'string') : []);
  } catch {
    return new Set();
  }
}

function markFinished(name) {
  if (!name) return;
  try {
    const done = finishedLessons();
    done.add(name);
    localStorage.setItem(DONE_KEY, JSON.stringify([...done]));
  } catch {
    // No storage (private mode, an iframe's policy): progress simply is not kept.
  }
}

/**
 * The question parts of a compact widget (the `<page-lab>` element): a question form with
 * Check and Skip, the result line and the takeaway, found by attachCourse by data-role.
 */
export function buildQuestionParts() {
  const make = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) node.setAttribute(k, v);
    node.append(...children);
    return node;
  };
  const check = make('button', { type: 'submit', class: 'primary' }, 'Check');
  const skip = make('button', { type: 'button', 'data-action': 'skip-question' }, 'Skip');
  const fieldset = make('fieldset', {}, make('legend'), make('div', { class: 'choices', 'data-role': 'choices' }), make('div', { class: 'buttons' }, check, skip));
  const form = make('form', { class: 'question', 'data-role': 'question' }, fieldset);
  form.hidden = true;
  const takeaway = make('p', { class: 'takeaway', 'data-role': 'takeaway' });
  takeaway.hidden = true;
  return make('section', { class: 'prose', 'aria-label': 'Questions' }, form,
    make('p', { class: 'result', 'data-role': 'question-result', 'aria-live': 'polite' }), takeaway);
}

/**
 * The course part of a widget inside `root`; every element is optional.
 * @param {HTMLElement} root
 * @param {{ player: any, go: (cursor: number) => void }} hooks
 */
export function attachCourse(root, { player }) {
  const q = (s) => root.querySelector(s);
  const intro = q('[data-role=prose-intro]');
  const note = q('[data-role=prose-note]');
  const takeaway = q('[data-role=takeaway]');
  const form = q('[data-role=question]');
  const legend = form?.querySelector('legend');
  const choices = form?.querySelector('[data-role=choices]');
  const result = q('[data-role=question-result]');
  let study = { intro: '', notes: [], takeaway: null, statements: [], questions: [] };
  let answered = new Set();
  let lesson = null;
  let shown = -1;
  let uid = 0;
  /** The position where the last answer was revealed: its result shows there only. */
  let revealedAt = -1;

  /** The first question not yet answered, or null. */
  function pending() {
    return study.questions.find((_, i) => !answered.has(i)) ?? null;
  }

  function limit() {
    // A widget with nowhere to ask (no question form) never holds the player.
    if (!form) return Infinity;
    const p = pending();
    return p ? p.ask : Infinity;
  }

  function ask(question) {
    if (!form || !legend || !choices) return;
    const index = study.questions.indexOf(question);
    if (shown === index) return;
    shown = index;
    form.hidden = false;
    legend.textContent = question.prompt;
    const name = `pagelab-q-${++uid}`;
    const inputs = question.choices.length
      ? question.choices.map((c) => {
        const label = document.createElement('label');
        const radio = document.createElement('input');
        radio.type = 'radio';
        radio.name = name;
        radio.value = c;
        label.append(radio, ` ${c}`);
        return label;
      })
      : [(() => {
        const label = document.createElement('label');
        const input = document.createElement('input');
        input.name = name;
        input.inputMode = 'numeric';
        input.autocomplete = 'off';
        input.spellcheck = false;
        label.append('Your answer ', input);
        return label;
      })()];
    choices.replaceChildren(...inputs);
    // The answer just revealed stays in view when the next question follows at once.
    if (result && question.ask !== revealedAt) result.textContent = '';
  }

  function given() {
    if (!choices) return '';
    const checked = choices.querySelector('input[type=radio]:checked');
    if (checked) return checked.value;
    const field = choices.querySelector('input:not([type=radio])');
    return field ? field.value.trim() : '';
  }

  function same(answer, text) {
    if (/^\d+$/.test(answer)) {
      const t = text.toLowerCase();
      const n = /^0x[0-9a-f]+$/.test(t) ? BigInt(t) : /^\d+$/.test(t) ? BigInt(t) : null;
      return n !== null && n === BigInt(answer);
    }
    return answer === text;
  }

  function reveal(question, right) {
    const index = study.questions.indexOf(question);
    answered.add(index);
    shown = -1;
    if (form) form.hidden = true;
    const verdict = right ? 'Right' : 'The answer';
    if (result) result.textContent = `${verdict}: ${question.answer}. ${question.explanation}`;
    root.dataset.question = '';
    revealedAt = question.reveal;
    player.go(question.reveal);
  }

  function check(event) {
    event.preventDefault();
    const question = pending();
    if (!question || player.cursor !== question.ask) return;
    const text = given();
    if (text === '') {
      if (result) result.textContent = 'Choose an answer first, or press Skip to see it.';
      return;
    }
    if (same(question.answer, text)) {
      reveal(question, true);
      return;
    }
    let direction = '';
    if (/^\d+$/.test(question.answer) && /^\d+$/.test(text)) {
      direction = BigInt(text) > BigInt(question.answer) ? ' That is too many.' : ' That is too few.';
    }
    if (result) result.textContent = `Not ${text}.${direction} ${question.hint} Try again, or Skip to see the answer.`;
  }

  function onClick(event) {
    const skip = event.target.closest('[data-action=skip-question]');
    if (skip && root.contains(skip)) {
      event.preventDefault();
      const question = pending();
      if (question && player.cursor === question.ask) reveal(question, false);
    }
  }

  form?.addEventListener('submit', check);
  root.addEventListener('click', onClick);

  return {
    /** A new run of `text` (the lesson `name`, or null for the reader's own script);
     * `given` is its study when the run's worker made it already. */
    load(text, Simulator, name, given = undefined) {
      lesson = name ?? null;
      try {
        study = given ?? Simulator.study(text);
      } catch {
        study = { intro: '', notes: [], takeaway: null, statements: [], questions: [] };
      }
      answered = new Set();
      shown = -1;
      revealedAt = -1;
      if (form) form.hidden = true;
      if (result) result.textContent = '';
      if (intro) intro.textContent = study.intro;
      root.dataset.questions = String(study.questions.length);
    },
    /** The furthest position the player may go to now (the pending question's). */
    limit,
    /**
     * Questions before `cursor` count as passed: a link or the widget's API moved there,
     * so they are not asked on the way back.
     */
    passTo(cursor) {
      study.questions.forEach((question, i) => {
        if (question.ask < cursor) answered.add(i);
      });
    },
    /** Statement boundaries, for the scrubber. */
    statements: () => study.statements,
    /** Follow the player to `cursor` (on step `line`, of `count` steps). */
    show(cursor, line, count) {
      const p = pending();
      if (p && cursor === p.ask) {
        root.dataset.question = 'open';
        ask(p);
      } else if (form && !form.hidden) {
        form.hidden = true;
        shown = -1;
        root.dataset.question = '';
      }
      if (result && cursor !== revealedAt && !(p && cursor === p.ask)) result.textContent = '';
      if (intro) intro.hidden = cursor !== 0;
      let text = cursor === 0 ? '' : null;
      if (text === null) {
        const found = study.notes.filter((n) => line && n.line <= line).pop();
        text = found ? found.text : '';
      }
      if (note) note.textContent = text;
      const end = count > 0 && cursor >= count && !p;
      if (takeaway) {
        takeaway.hidden = !(end && study.takeaway);
        takeaway.textContent = study.takeaway ? `Takeaway: ${study.takeaway}` : '';
      }
      if (end) markFinished(lesson);
    },
    /** Where "next statement" goes from `cursor`. */
    nextStatement(cursor) {
      const s = study.statements.find(([, end]) => end > cursor);
      return s ? s[1] : null;
    },
    destroy() {
      form?.removeEventListener('submit', check);
      root.removeEventListener('click', onClick);
    },
  };
}
