//! The process switcher's exports (DESIGN §9): where each process's tab is drawn, which
//! processes the canvas shows, and the reader's pick. The page puts real buttons over the
//! tabs; the layout is `view::board`, tested on the host.

use wasm_bindgen::prelude::*;

use super::json::Json;
use super::Simulator;
use crate::sim::addr::ProcessId;
use crate::view::board::{self, Board};

/// One process's tab, as JavaScript receives it.
struct TabView<'a> {
    /// Its process id.
    id: u32,
    /// Its name.
    name: &'a str,
    /// `running`, `ready`, `waiting` or `ended`.
    state: &'static str,
    /// Whether the canvas shows its column.
    shown: bool,
    /// Where its tab is drawn: `[x, y, width, height]` in CSS pixels.
    rect: [f64; 4],
}

impl TabView<'_> {
    /// `{id, name, state, shown, rect}`.
    fn json(&self, j: &mut Json) {
        j.open().key("id").uint(self.id.into());
        j.key("name").str(self.name);
        j.key("state").str(self.state);
        j.key("shown").bool(self.shown);
        j.key("rect").open_list();
        for x in self.rect {
            j.px(x);
        }
        j.close_list().close();
    }
}

#[wasm_bindgen]
impl Simulator {
    /// The process tabs at position `cursor` on a canvas `css_width` CSS pixels wide:
    /// `[{id, name, state, shown, rect}]`, empty when the machine has one process.
    pub fn process_tabs(&self, cursor: usize, css_width: f64) -> Result<JsValue, JsError> {
        let picture = self.picture_at(cursor);
        let mut j = Json::default();
        j.open_list();
        if board::several(&picture) {
            let b = Board::of(&picture, css_width, self.view.process);
            for (i, (p, r)) in picture.processes.iter().zip(&b.tabs).enumerate() {
                TabView {
                    id: p.id.0,
                    name: &p.name,
                    state: board::state_name(p.state),
                    shown: b.columns.iter().any(|(c, _)| *c == i),
                    rect: [r.x, r.y, r.w, r.h],
                }
                .json(&mut j);
            }
        }
        j.close_list().finish()
    }

    /// Show process `id` when the processes do not all fit side by side; `undefined`
    /// follows the running process again. Returns true when the choice changed.
    pub fn show_process(&mut self, id: Option<u32>) -> bool {
        let pick = id.map(ProcessId);
        let changed = self.view.process != pick;
        self.view.process = pick;
        changed
    }
}
