//! Pure layout of a step's picture into shapes (DESIGN §1, §4).
//!
//! [`layout`] turns a [`Picture`] (plus the picture before it and the step that led to it)
//! into a [`Scene`]: positioned rectangles, text and lines with semantic inks. The painter
//! in `web` draws a scene on a canvas; nothing here knows about the browser, so every rule
//! of the picture is tested on the host.

pub mod geometry;
pub mod legend;
pub mod memory;
pub mod palette;
pub mod shape;
pub mod space;
pub mod split;
pub mod tlb;
pub mod working_set;

use serde::Serialize;

use crate::sim::{Picture, Step};
pub use geometry::Geometry;
pub use palette::{Palette, Theme};
pub use shape::{Align, Ink, Pattern, ProtClass, Rect, Shape};

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

/// Lay out `frame` on a canvas `width` CSS pixels wide.
pub fn layout(frame: Frame<'_>, width: f64) -> Scene {
    let picture = frame.picture;
    let g = Geometry::new(width, geometry::Sizes::of_picture(picture));
    let mut shapes = Vec::with_capacity(16 + 8 * (g.frames.len() + g.slots.len()));
    shapes.push(Shape::Box {
        rect: Rect::new(0.0, 0.0, g.width, g.height),
        fill: Ink::Background,
        pattern: Pattern::Solid,
        stroke: None,
        highlight: false,
    });
    space::shapes(&g, frame, &mut shapes);
    split::shapes(&g, frame, &mut shapes);
    tlb::shapes(&g, frame, &mut shapes);
    working_set::shapes(&g, frame, &mut shapes);
    memory::shapes(&g, frame, &mut shapes);
    legend::shapes(&g, &mut shapes);
    Scene {
        width: g.width,
        height: g.height,
        shapes,
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
