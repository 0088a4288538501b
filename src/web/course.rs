//! The course's exports (DESIGN §10): a script's prose, statements and questions. Each
//! forwards to the pure `crate::course` in a line. The homework of `?quiz=SEED` is in
//! `homework.rs`, built into the full module only.

use wasm_bindgen::prelude::*;

use super::json::Json;
use super::Simulator;
use crate::course;

#[wasm_bindgen]
impl Simulator {
    /// Study `text` for the page: `{intro, notes: [{line, text}], takeaway, statements:
    /// [[first, end]], questions: [{prompt, choices, ask, reveal, answer, explanation,
    /// hint}]}`. It runs the script once more without pictures, so call it once per run,
    /// not per step.
    pub fn study(text: &str) -> Result<JsValue, JsError> {
        let study = course::study(text);
        let mut j = Json::default();
        j.open().key("intro").str(&study.intro);
        j.key("notes").open_list();
        for note in &study.notes {
            j.open().key("line").uint(note.line.into());
            j.key("text").str(&note.text).close();
        }
        j.close_list()
            .key("takeaway")
            .opt_str(study.takeaway.as_deref());
        j.key("statements").open_list();
        for &(first, end) in &study.statements {
            j.open_list().count(first).count(end).close_list();
        }
        j.close_list().key("questions").open_list();
        for q in &study.questions {
            j.open().key("prompt").str(&q.prompt);
            j.key("choices").open_list();
            for choice in &q.choices {
                j.str(choice);
            }
            j.close_list().key("ask").count(q.ask);
            j.key("reveal").count(q.reveal);
            j.key("answer").str(&q.answer);
            j.key("explanation").str(&q.explanation);
            j.key("hint").str(q.hint).close();
        }
        j.close_list().close().finish()
    }

    /// The band of the picture at `cursor` that its step changed or reads (highlighted boxes), `[top, bottom]` in CSS
    /// pixels at `css_width`, or `undefined` when nothing is highlighted: a phone scrolls
    /// the picture to it, so the controls, the narration and the change show together.
    pub fn changed_band(&self, cursor: usize, css_width: f64) -> Option<Vec<f64>> {
        let scene = self.scene(cursor, css_width, 1.0);
        let mut band: Option<(f64, f64)> = None;
        for shape in &scene.shapes {
            use crate::view::{Ink, Shape};
            let marked = match shape {
                Shape::Box {
                    rect,
                    highlight,
                    stroke,
                    ..
                } => (*highlight
                    || matches!(stroke, Some(Ink::Highlight | Ink::Path | Ink::Focus)))
                .then_some(rect),
                _ => None,
            };
            if let Some(rect) = marked {
                let (top, bottom) = band.unwrap_or((rect.y, rect.y + rect.h));
                band = Some((top.min(rect.y), bottom.max(rect.y + rect.h)));
            }
        }
        band.map(|(top, bottom)| vec![top, bottom])
    }
}
