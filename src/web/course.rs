//! The course's exports (DESIGN §10): a script's prose, statements and questions, and the
//! homework problems of `?quiz=SEED`. Each forwards to the pure `crate::course` in a line.

use wasm_bindgen::prelude::*;

use super::{to_js, Simulator};
use crate::course;

#[wasm_bindgen]
impl Simulator {
    /// Study `text` for the page: `{intro, notes: [{line, text}], takeaway, statements:
    /// [[first, end]], questions: [{line, prompt, about, choices, ask, reveal, answer,
    /// explanation, hint}], errors: [{line, col, message}]}`. It runs the script once more
    /// without pictures, so call it once per run, not per step.
    pub fn study(text: &str) -> Result<JsValue, JsError> {
        to_js(&course::study(text))
    }

    /// The homework set of `seed` (the same as `pagelab quiz --seed SEED`).
    pub fn quiz(seed: f64) -> Result<JsValue, JsError> {
        to_js(&course::quiz::homework(seed as u64))
    }

    /// Whether `given` is the homework `answer` (numbers by value, names without case).
    pub fn quiz_check(answer: &str, given: &str) -> bool {
        course::quiz::check(answer, given)
    }
}
