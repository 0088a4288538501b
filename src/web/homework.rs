//! The homework's exports (`?quiz=SEED`, DESIGN §10): the problems of a seed and the
//! check of an answer. They are built only into the full module
//! (`www/pkg/pagelab-full_bg.wasm`, the `full` feature), which `www/homework.js` imports when
//! the address asks for homework, so the index page's own module stays without them.
//!
//! ```js
//! const { default: init, homework, homework_check } = await import('./pkg/pagelab-full.js');
//! await init();
//! const set = homework(42); // {seed, problems: [{kind, prompt, fields: [{name, answer}], explanation}]}
//! homework_check(set.problems[0].fields[0].answer, '1 2 5');
//! ```

use wasm_bindgen::prelude::*;

use super::to_js;
use crate::course::quiz;

/// The homework set of `seed` (the same as `pagelab quiz --seed SEED`).
#[wasm_bindgen]
pub fn homework(seed: f64) -> Result<JsValue, JsError> {
    to_js(&quiz::homework(seed as u64))
}

/// Whether `given` is the homework `answer` (numbers by value, names without case).
#[wasm_bindgen]
pub fn homework_check(answer: &str, given: &str) -> bool {
    quiz::check(answer, given)
}
