//! The canvas's own input: zoom and pan of the address-space strip. The window the reader
//! chose lives here, beside the machine, and is part of what `paint` draws; the maths is
//! `view::zoom`, tested on the host.

use wasm_bindgen::prelude::*;

use super::Simulator;
use crate::sim::addr::ProcessId;
use crate::view::geometry::Sizes;
use crate::view::{board, clamp, space, terms, zoom, Geometry, Window};

/// What the reader did to the canvas that outlives a frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct CanvasView {
    /// The strip's window, when the reader zoomed or panned; `None` follows the allocations.
    pub window: Option<Window>,
    /// The process the reader picked in the switcher; `None` follows the running one.
    pub process: Option<ProcessId>,
}

/// A zoomable part of the address-space section, as JavaScript receives it: a string.
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum SpacePart {
    /// The strip, which shows the window.
    Strip = "strip",
    /// The overview of the whole user range above it.
    Overview = "overview",
}

impl Simulator {
    /// Where the address space (the first column's, with several processes) and the
    /// system's sections (TLB, RAM, page file) are drawn at `css_width`: the same at every
    /// step of a run. With one process they are one layout.
    fn geometries(&self, css_width: f64) -> (Geometry, Option<Geometry>) {
        if let Some(b) = self.board(css_width) {
            if let Some((_, column)) = b.columns.into_iter().next() {
                return (column, Some(b.system));
            }
        }
        (
            Geometry::new(css_width, Sizes::of_config(self.machine.config())),
            None,
        )
    }

    /// The board of several processes at `css_width` (the same at every step of a run), or
    /// `None` with one process.
    fn board(&self, css_width: f64) -> Option<board::Board> {
        let last = self.picture_at(usize::MAX);
        if !board::several(&last) {
            return None;
        }
        let shown = board::shown(&last, css_width, self.view.process);
        Some(board::Board::new(
            css_width,
            Sizes::of_picture(&last),
            last.processes.len(),
            &shown,
        ))
    }

    /// Where the address space is drawn at `css_width` (see [`Self::geometries`]).
    fn geometry(&self, css_width: f64) -> Geometry {
        self.geometries(css_width).0
    }

    /// Where the system's sections are drawn at `css_width` (see [`Self::geometries`]).
    fn system_geometry(&self, css_width: f64) -> Geometry {
        let (column, system) = self.geometries(css_width);
        system.unwrap_or(column)
    }

    /// The window shown now at `cursor`.
    fn space_window(&self, cursor: usize) -> Window {
        space::window(&self.picture_at(cursor), self.view.window)
    }

    /// Set the window; true when it changed.
    fn set_window(&mut self, window: Window) -> bool {
        let changed = self.view.window != Some(window);
        self.view.window = Some(window);
        changed
    }
}

#[wasm_bindgen]
impl Simulator {
    /// Zoom the address-space strip by `factor` (above 1 zooms in) around the point `css_x`
    /// CSS pixels from the canvas's left edge, as painted at `css_width` and `cursor`: the
    /// address under that point stays under it. Returns true when the picture changed.
    pub fn zoom_space(&mut self, cursor: usize, css_width: f64, css_x: f64, factor: f64) -> bool {
        let strip = self.geometry(css_width).strip;
        let fraction = (css_x - strip.x) / strip.w;
        let window = self.space_window(cursor).zoom(fraction, factor);
        self.set_window(window)
    }

    /// Zoom in (`steps` > 0) or out (`steps` < 0) by whole button presses around the
    /// strip's centre, or around the focus address when it is in view.
    pub fn zoom_space_steps(&mut self, cursor: usize, steps: i32) -> bool {
        let window = self.space_window(cursor);
        let focus = self.picture_at(cursor).focus;
        let fraction = focus
            .map(|va| window.fraction(va))
            .filter(|f| (0.0..=1.0).contains(f))
            .unwrap_or(0.5);
        let factor = zoom::STEP.powi(steps.clamp(-60, 60));
        self.set_window(window.zoom(fraction, factor))
    }

    /// Pan the strip as a drag of `dx` CSS pixels would (dragging right shows lower
    /// addresses). Returns true when the picture changed.
    pub fn pan_space(&mut self, cursor: usize, css_width: f64, dx: f64) -> bool {
        let strip = self.geometry(css_width).strip;
        let window = self.space_window(cursor).pan(-dx / strip.w);
        self.set_window(window)
    }

    /// Centre the strip on the address at `css_x` of the overview bar (the whole 128 TB),
    /// keeping its width. Returns true when the picture changed.
    pub fn centre_space(&mut self, cursor: usize, css_width: f64, css_x: f64) -> bool {
        let overview = self.geometry(css_width).overview;
        let fraction = clamp((css_x - overview.x) / overview.w, 0.0, 1.0);
        let va = Window::ALL.at(fraction) as u64;
        let window = self.space_window(cursor).centred(va);
        self.set_window(window)
    }

    /// Back to the default window: every allocation and the focus. Returns true when the
    /// strip had been zoomed or panned.
    pub fn reset_space(&mut self) -> bool {
        self.view.window.take().is_some()
    }

    /// True while the reader's zoom or pan is in force.
    pub fn space_zoomed(&self) -> bool {
        self.view.window.is_some()
    }

    /// Which zoomable part of the canvas is at (`x`, `y`) CSS pixels, painted at
    /// `css_width`: `"strip"`, `"overview"` or `undefined`.
    pub fn space_hit(&self, css_width: f64, x: f64, y: f64) -> Option<SpacePart> {
        let g = self.geometry(css_width);
        if g.strip.contains(x, y) {
            Some(SpacePart::Strip)
        } else if g.overview.contains(x, y) {
            Some(SpacePart::Overview)
        } else {
            None
        }
    }

    /// The glossary term of the canvas word at (`x`, `y`) CSS pixels, painted at
    /// `css_width` (a heading, the CR3 register, a table card or a legend entry), or
    /// `undefined` (`view::terms`).
    pub fn term_at(&self, css_width: f64, x: f64, y: f64) -> Option<String> {
        let term = match self.board(css_width) {
            Some(b) => {
                let mut found = terms::term_at(&b.system, x, y);
                for (_, column) in &b.columns {
                    found = found.or_else(|| terms::term_at(column, x, y));
                }
                found
            }
            None => terms::term_at(&self.geometry(css_width), x, y),
        };
        Some(term?.to_string())
    }

    /// Where part `part` of the picture is drawn at `css_width`: `[x, y, width, height]`
    /// in CSS pixels, or `undefined` when there is no such part. `part` is
    /// `"zoom_controls"` (the page's zoom buttons), `"strip"` (the address-space strip),
    /// `"walk_entry"` (the path entry of table `index`: 0 = PML4 … 3 = PT) or `"frame"`
    /// (RAM frame `index`).
    pub fn part_rect(&self, part: &str, index: usize, css_width: f64) -> Option<Vec<f64>> {
        let r = match part {
            "zoom_controls" => self.geometry(css_width).zoom_controls,
            "strip" => self.geometry(css_width).strip,
            "walk_entry" => {
                crate::view::walk::path_row(self.geometry(css_width).tables.get(index)?)
            }
            "frame" => *self.system_geometry(css_width).frames.get(index)?,
            _ => return None,
        };
        Some(vec![r.x, r.y, r.w, r.h])
    }
}
