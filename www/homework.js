// Homework (`?quiz=SEED`): the problems of Simulator.quiz(seed), the same as
// `pagelab quiz --seed SEED`. Each answer stays hidden until the student checks it or asks
// to see it; checking is Simulator.quiz_check (numbers by value, names without case).

/** Show the homework set of `seedText` in `section` (a bad seed says so). */
export function showHomework(section, Simulator, seedText) {
  if (!section) return;
  section.hidden = false;
  const heading = document.createElement('h2');
  if (!/^\d{1,15}$/.test(seedText)) {
    heading.textContent = 'Homework';
    const p = document.createElement('p');
    p.textContent = 'The quiz number must be a whole number, like ?quiz=42.';
    section.replaceChildren(heading, p);
    return;
  }
  const set = Simulator.quiz(Number(seedText));
  heading.textContent = `Homework ${set.seed}`;
  const parts = [heading];
  set.problems.forEach((problem, i) => {
    const form = document.createElement('form');
    form.className = 'problem';
    const fieldset = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = `${i + 1}. ${problem.prompt}`;
    fieldset.append(legend);
    const inputs = problem.fields.map((f) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.autocomplete = 'off';
      input.spellcheck = false;
      label.append(`${f.name} `, input);
      fieldset.append(label);
      return input;
    });
    const check = document.createElement('button');
    check.type = 'submit';
    check.textContent = 'Check';
    const show = document.createElement('button');
    show.type = 'button';
    show.textContent = 'Show the answers';
    const result = document.createElement('p');
    result.setAttribute('aria-live', 'polite');
    fieldset.append(check, show, result);
    form.append(fieldset);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const wrong = problem.fields.filter((f, k) => !Simulator.quiz_check(f.answer, inputs[k].value)).map((f) => f.name);
      result.textContent = wrong.length ? `Not yet: check ${wrong.join(', ')}.` : `All right. ${problem.explanation}`;
    });
    show.addEventListener('click', () => {
      result.textContent = `${problem.fields.map((f) => `${f.name}: ${f.answer}`).join('; ')}. ${problem.explanation}`;
    });
    parts.push(form);
  });
  section.replaceChildren(...parts);
}
