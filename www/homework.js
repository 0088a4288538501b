// Homework (`?quiz=SEED`): the problems of homework(seed), the same as
// `pagelab quiz --seed SEED`. Each answer stays hidden until the student checks it or asks
// to see it; checking is homework_check (numbers by value, names without case).
// Both come from the full module (www/pkg/pagelab-full.js, built with the `full`
// feature), not the index page's: app.js imports this file, and this file that module,
// only when the address asks for homework, so a reader opening a lesson downloads neither.

/** A heading and one sentence in `section`. */
function say(section, title, text) {
  const heading = document.createElement('h2');
  heading.textContent = title;
  const p = document.createElement('p');
  p.textContent = text;
  section.replaceChildren(heading, p);
}

/** Show the homework set of `seedText` in `section` (a bad seed says so). */
export async function showHomework(section, seedText) {
  if (!section) return;
  section.hidden = false;
  if (!/^\d{1,15}$/.test(seedText)) {
    say(section, 'Homework', 'The quiz number must be a whole number, like ?quiz=42.');
    return;
  }
  let homework;
  let isRight;
  try {
    const module = await import(new URL('./pkg/pagelab-full.js', import.meta.url).href);
    await module.default();
    homework = module.homework;
    isRight = module.homework_check;
  } catch (error) {
    say(section, 'Homework', `The homework could not be loaded (${error.message ?? error}).`);
    return;
  }
  const set = homework(Number(seedText));
  const heading = document.createElement('h2');
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
      const wrong = problem.fields.filter((f, k) => !isRight(f.answer, inputs[k].value)).map((f) => f.name);
      result.textContent = wrong.length ? `Not yet: check ${wrong.join(', ')}.` : `All right. ${problem.explanation}`;
    });
    show.addEventListener('click', () => {
      result.textContent = `${problem.fields.map((f) => `${f.name}: ${f.answer}`).join('; ')}. ${problem.explanation}`;
    });
    parts.push(form);
  });
  section.replaceChildren(...parts);
}
