//! Pure layout of a step's picture into shapes (DESIGN §1, §4).
//!
//! [`layout`] turns a [`Picture`] (plus the picture before it and the step that led to it)
//! into a [`Scene`]: positioned rectangles, text and lines with semantic inks. The painter
//! in `web` draws a scene on a canvas; nothing here knows about the browser, so every rule
//! of the picture is tested on the host.

pub mod board;
pub mod describe;
pub mod geometry;
pub mod legend;
pub mod memory;
pub mod motion;
pub mod palette;
pub mod shape;
pub mod space;
pub mod split;
pub mod tlb;
pub mod walk;
pub mod working_set;
pub mod zoom;

use serde::Serialize;

use crate::sim::{Picture, Step};
pub use geometry::Geometry;
pub use palette::{Palette, Theme};
pub use shape::{Align, Ink, Pattern, ProtClass, Rect, Shape};
pub use zoom::Window;

/// Everything to draw for one step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scene {
    /// Canvas width in CSS pixels.
    pub width: f64,
    /// Canvas height in CSS pixels.
    pub height: f64,
    /// Shapes in painting order (later ones on top).
    pub shapes: Vec<Shape>,
}

/// What a step shows: the picture after it, the picture before it (to highlight changes)
/// and the step itself (to highlight what its events touch).
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// The picture to draw.
    pub picture: &'a Picture,
    /// The picture one step earlier, if any.
    pub previous: Option<&'a Picture>,
    /// The step that produced `picture`, if any.
    pub step: Option<&'a Step>,
}

/// How to draw a frame besides the picture: the reader's zoom and the animation's time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// The addresses the strip shows; `None` zooms to the allocations.
    pub window: Option<Window>,
    /// How far the step's animation has run, from 0 (just started) to 1 (done). Layout
    /// depends on it and on nothing remembered from earlier frames (STYLE 4).
    pub progress: f64,
    /// The process the reader picked to see, when there are more than fit side by side;
    /// `None` shows the running one.
    pub process: Option<crate::sim::addr::ProcessId>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            window: None,
            progress: 1.0,
            process: None,
        }
    }
}

impl Options {
    /// `progress` kept to 0..=1 (1 when it is not a number).
    pub fn progress(&self) -> f64 {
        if self.progress.is_finite() {
            clamp(self.progress, 0.0, 1.0)
        } else {
            1.0
        }
    }
}

/// A section title.
pub(crate) fn title(rect: &Rect, text: &str, out: &mut Vec<Shape>) {
    out.push(Shape::Text {
        x: rect.x,
        y: rect.cy(),
        text: shape::fit(text, rect.w, 14.0, false),
        ink: Ink::Text,
        on: None,
        size: 14.0,
        align: Align::Left,
        bold: true,
        mono: false,
    });
}

/// A muted one-line hint, left-aligned at (`x`, `y`) and shortened to `max` pixels: what a
/// section shows before there is anything to draw.
pub(crate) fn hint(x: f64, y: f64, text: &str, max: f64, out: &mut Vec<Shape>) {
    out.push(Shape::Text {
        x,
        y,
        text: shape::fit(text, max, 12.0, false),
        ink: Ink::Muted,
        on: None,
        size: 12.0,
        align: Align::Left,
        bold: false,
        mono: false,
    });
}

/// A straight line without an arrow head.
pub(crate) fn line(x1: f64, y1: f64, x2: f64, y2: f64, ink: Ink, width: f64) -> Shape {
    Shape::Line {
        x1,
        y1,
        x2,
        y2,
        ink,
        width,
        arrow: false,
    }
}

/// Lay out `frame` on a canvas `width` CSS pixels wide, zoomed to the allocations and with
/// every animation finished.
pub fn layout(frame: Frame<'_>, width: f64) -> Scene {
    layout_with(frame, width, Options::default())
}

/// Lay out `frame` on a canvas `width` CSS pixels wide with the reader's `options`.
pub fn layout_with(frame: Frame<'_>, width: f64, options: Options) -> Scene {
    let picture = frame.picture;
    let progress = options.progress();
    if board::several(picture) {
        return layout_board(frame, width, options);
    }
    let g = Geometry::new(width, geometry::Sizes::of_picture(picture));
    let mut shapes = Vec::with_capacity(16 + 8 * (g.frames.len() + g.slots.len()));
    shapes.push(Shape::Box {
        rect: Rect::new(0.0, 0.0, g.width, g.height),
        fill: Ink::Background,
        pattern: Pattern::Solid,
        stroke: None,
        highlight: false,
    });
    space::shapes(&g, frame, options.window, &mut shapes);
    split::shapes(&g, frame, &mut shapes);
    walk::shapes(&g, frame, progress, &mut shapes);
    tlb::shapes(&g, frame, &mut shapes);
    working_set::shapes(&g, frame, &mut shapes);
    memory::shapes(&g, frame, progress, &mut shapes);
    legend::shapes(&g, &mut shapes);
    motion::shapes(&g, frame, progress, &mut shapes);
    Scene {
        width: g.width,
        height: g.height,
        shapes,
    }
}

/// The layout of a machine with several processes: the process bar, a column per shown
/// process, and the system's sections under them (see [`board`]).
fn layout_board(frame: Frame<'_>, width: f64, options: Options) -> Scene {
    let picture = frame.picture;
    let progress = options.progress();
    let b = board::Board::of(picture, width, options.process);
    let mut shapes = Vec::with_capacity(64 + 8 * (b.system.frames.len() + b.system.slots.len()));
    shapes.push(Shape::Box {
        rect: Rect::new(0.0, 0.0, b.width, b.height),
        fill: Ink::Background,
        pattern: Pattern::Solid,
        stroke: None,
        highlight: false,
    });
    board::bar(&b, frame, &mut shapes);
    let running = board::running_id(picture);
    let mut seen = Vec::with_capacity(b.columns.len());
    for (i, g) in &b.columns {
        let mine = board::projection(picture, *i);
        let id = picture.processes[*i].id;
        let before = frame.previous.and_then(|prev| {
            let j = prev.processes.iter().position(|p| p.id == id)?;
            Some(board::projection(prev, j))
        });
        // Only the running process acts, so only its column shows the step's events.
        let column = Frame {
            picture: &mine,
            previous: before.as_deref(),
            step: frame.step.filter(|_| running == Some(id)),
        };
        space::shapes(g, column, options.window, &mut shapes);
        split::shapes(g, column, &mut shapes);
        walk::shapes(g, column, progress, &mut shapes);
        working_set::shapes(g, column, &mut shapes);
        seen.push(mine);
    }
    let g = &b.system;
    tlb::shapes(g, frame, &mut shapes);
    memory::shapes(g, frame, progress, &mut shapes);
    legend::shapes(g, &mut shapes);
    board::share_lines(&b, frame, &seen, options.window, &mut shapes);
    motion::shapes(g, frame, progress, &mut shapes);
    Scene {
        width: b.width,
        height: b.height,
        shapes,
    }
}

/// `x` limited to `lo..=hi`, as `f64::clamp` but without its panic message, whose float
/// printing would add about 16 KB to the wasm module (NaN stays NaN; `lo` wins if `lo > hi`).
pub(crate) fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

/// A number in hex as the screen shows addresses and page numbers: `0x23456700`.
pub(crate) fn hex(value: u64) -> String {
    format!("{value:#x}")
}

/// `n` with the singular or plural noun: `1 miss`, `2 misses`.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A byte count in the largest whole unit (`4 KiB`, `64 KiB`, `1 MiB`).
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n;
    let mut unit = 0;
    while value >= 1024 && value.is_multiple_of(1024) && unit + 1 < UNITS.len() {
        value /= 1024;
        unit += 1;
    }
    format!("{value} {}", UNITS[unit])
}

#[cfg(test)]
mod tests;
