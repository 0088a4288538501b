//! Pure layout of a step's picture into shapes (DESIGN §1, §4).
//!
//! [`layout`] turns a [`Picture`] (plus the picture before it and the step that led to it)
//! into a [`Scene`]: positioned rectangles, text and lines with semantic inks. The painter
//! in `web` draws a scene on a canvas; nothing here knows about the browser, so every rule
//! of the picture is tested on the host.

pub mod board;
pub mod describe;
pub mod disk;
pub mod geometry;
pub mod legend;
pub mod memory;
pub mod motion;
pub mod palette;
pub mod sections;
pub mod shape;
pub mod space;
pub mod split;
pub mod terms;
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

/// Lay out `frame` on a canvas `width` CSS pixels wide with the reader's `options`. One
/// process: every section in one column. Several: the process bar, a column per shown
/// process drawn as that process sees the picture, and the system's sections under them
/// (see [`board`]). Each section is drawn from one place, whatever the number of columns.
pub fn layout_with(frame: Frame<'_>, width: f64, options: Options) -> Scene {
    let picture = frame.picture;
    let progress = options.progress();
    let several =
        board::several(picture).then(|| board::Board::of(picture, width, options.process));
    let single;
    let (system, columns): (&Geometry, Vec<(Option<usize>, &Geometry)>) = match &several {
        Some(b) => (&b.system, {
            let mut list = Vec::with_capacity(b.columns.len());
            for (i, g) in &b.columns {
                list.push((Some(*i), g));
            }
            list
        }),
        None => {
            single = Geometry::new(width, geometry::Sizes::of_picture(picture));
            (&single, vec![(None, &single)])
        }
    };
    let (width, height) = several
        .as_ref()
        .map_or((system.width, system.height), |b| (b.width, b.height));
    let mut shapes = Vec::with_capacity(64 + 8 * (system.frames.len() + system.slots.len()));
    shapes.push(Shape::Box {
        rect: Rect::new(0.0, 0.0, width, height),
        fill: Ink::Background,
        pattern: Pattern::Solid,
        stroke: None,
        highlight: false,
    });
    if let Some(b) = &several {
        board::bar(b, frame, &mut shapes);
    }
    let running = board::running_id(picture);
    let mut seen = Vec::with_capacity(columns.len());
    for (index, g) in columns {
        let (mine, before, step) = match index {
            Some(i) => {
                let id = picture.processes[i].id;
                let before = frame.previous.and_then(|prev| {
                    let j = prev.processes.iter().position(|p| p.id == id)?;
                    Some(board::projection(prev, j))
                });
                // Only the running process acts, so only its column shows the step's events.
                let step = frame.step.filter(|_| running == Some(id));
                (board::projection(picture, i), before, step)
            }
            None => (
                std::borrow::Cow::Borrowed(picture),
                frame.previous.map(std::borrow::Cow::Borrowed),
                frame.step,
            ),
        };
        let column = Frame {
            picture: &mine,
            previous: before.as_deref(),
            step,
        };
        space::shapes(g, column, options.window, &mut shapes);
        split::shapes(g, column, &mut shapes);
        walk::shapes(g, column, progress, &mut shapes);
        working_set::shapes(g, column, &mut shapes);
        seen.push((g, mine));
    }
    tlb::shapes(system, frame, &mut shapes);
    memory::shapes(system, frame, progress, &mut shapes);
    sections::shapes(system, frame, &mut shapes);
    disk::shapes(system, frame, &mut shapes);
    legend::shapes(system, &mut shapes);
    if several.is_some() {
        board::share_lines(system, frame, &seen, options.window, &mut shapes);
    }
    motion::shapes(system, frame, progress, &mut shapes);
    Scene {
        width,
        height,
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
