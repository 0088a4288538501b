//! The whole state for tools, in the full module only: a step's typed events and the
//! picture at a position. The page shows the narration and paints the picture without
//! either crossing to JavaScript, so the index page's module (`www/pkg/pagelab.js`) leaves
//! them out; the full module (the `full` feature, `www/pkg/pagelab-full.js`, the same
//! `Simulator`) has them.
//!
//! ```js
//! import init, { Simulator } from "./pkg/pagelab-full.js";
//! await init();
//! const sim = new Simulator();
//! sim.load_script("p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\n*p = 1;");
//! const kinds = sim.events(2).map((e) => e.kind);   // ["address_split", "tlb_miss"]
//! const active = sim.picture(sim.step_count()).frames.filter((f) => f.list === "active");
//! ```

use wasm_bindgen::prelude::*;

use super::{to_js, Simulator};

#[wasm_bindgen]
impl Simulator {
    /// The typed events of the step that leads to position `cursor`, in order
    /// (`[{kind, …}]`, DESIGN §3); empty at cursor 0. An integer past 2^53 (a hostile
    /// size) arrives as its exact hex text.
    pub fn events(&self, cursor: usize) -> Result<JsValue, JsError> {
        let history = self.machine.history();
        let step = cursor.checked_sub(1).and_then(|i| history.step(i));
        to_js(step.map_or(&[][..], |s| s.events.as_slice()))
    }

    /// The picture at position `cursor` (clamped to the last step): regions, frames,
    /// slots, counters, …; `ptes` is an object from virtual page number (as a decimal
    /// string) to entry.
    pub fn picture(&self, cursor: usize) -> Result<JsValue, JsError> {
        to_js(&self.picture_at(cursor))
    }

    /// The picture of the machine as it is now (the same as `picture(step_count())` while
    /// recording).
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.machine.picture())
    }
}
