//! Where each section of the canvas goes for a given width. Geometry depends only on the
//! width and the machine's sizes, never on the step, so the picture does not jump while
//! stepping and a test can find a frame's pixels before anything happens.

use serde::Serialize;

use super::legend::LEGEND;
use super::shape::{text_width, Rect};

/// Outer margin.
pub const PAD: f64 = 12.0;
/// Height of a section title line.
pub const TITLE_H: f64 = 24.0;
/// Height of the address-space strip.
pub const STRIP_H: f64 = 36.0;
/// Height of the caption line under the strip.
pub const CAPTION_H: f64 = 20.0;
/// Height of the address-split boxes.
pub const SPLIT_H: f64 = 44.0;
/// Narrowest RAM frame cell.
pub const FRAME_MIN_W: f64 = 80.0;
/// Height of a RAM frame cell.
pub const FRAME_H: f64 = 46.0;
/// Narrowest page-file slot cell.
pub const SLOT_MIN_W: f64 = 54.0;
/// Height of a page-file slot cell.
pub const SLOT_H: f64 = 32.0;
/// Space between cells.
pub const GAP: f64 = 4.0;
/// Space between sections.
pub const SECTION_GAP: f64 = 10.0;
/// Height of one legend row.
pub const LEGEND_ROW_H: f64 = 22.0;
/// Size of a legend swatch.
pub const SWATCH: f64 = 14.0;
/// Font size of legend labels.
pub const LEGEND_FONT: f64 = 12.0;
/// Narrowest canvas laid out; narrower requests are laid out at this width.
pub const MIN_WIDTH: f64 = 260.0;
/// Widest canvas laid out.
pub const MAX_WIDTH: f64 = 4096.0;

/// The position of every section and cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Geometry {
    /// Canvas width in CSS pixels.
    pub width: f64,
    /// Canvas height in CSS pixels.
    pub height: f64,
    /// Title line of the address-space section.
    pub space_title: Rect,
    /// The address-space strip.
    pub strip: Rect,
    /// The caption under the strip.
    pub strip_caption: Rect,
    /// Title line of the address split.
    pub split_title: Rect,
    /// The address-split boxes.
    pub split: Rect,
    /// Title line of the RAM section.
    pub ram_title: Rect,
    /// One cell per RAM frame, by frame number.
    pub frames: Vec<Rect>,
    /// Title line of the page-file section.
    pub pagefile_title: Rect,
    /// One cell per page-file slot, by slot number.
    pub slots: Vec<Rect>,
    /// One box per legend entry (swatch and label).
    pub legend: Vec<Rect>,
}

/// `n` cells of at least `min_w` by `h` in rows from (`x`, `y`) across `avail`.
/// Returns the cells and the bottom edge.
fn grid(x: f64, y: f64, avail: f64, n: usize, min_w: f64, h: f64) -> (Vec<Rect>, f64) {
    if n == 0 {
        return (Vec::new(), y);
    }
    let fit = ((avail + GAP) / (min_w + GAP)).floor().max(1.0) as usize;
    let mut cols = fit.min(n);
    let rows = n.div_ceil(cols);
    // Balance the rows so the last one is not nearly empty.
    cols = n.div_ceil(rows);
    let w = ((avail - GAP * (cols as f64 - 1.0)) / cols as f64).floor();
    let cells = (0..n)
        .map(|i| {
            let (r, c) = ((i / cols) as f64, (i % cols) as f64);
            Rect::new(x + c * (w + GAP), y + r * (h + GAP), w, h)
        })
        .collect();
    (cells, y + rows as f64 * (h + GAP) - GAP)
}

/// Legend entries flowed into rows across `avail`.
fn legend_boxes(x: f64, y: f64, avail: f64) -> (Vec<Rect>, f64) {
    let mut boxes = Vec::with_capacity(LEGEND.len());
    let (mut cx, mut cy) = (x, y);
    for entry in LEGEND {
        let w = (SWATCH + 6.0 + text_width(entry.label, LEGEND_FONT, false) + 14.0).ceil();
        if cx > x && cx + w > x + avail {
            cx = x;
            cy += LEGEND_ROW_H;
        }
        boxes.push(Rect::new(cx, cy, w.min(avail), LEGEND_ROW_H));
        cx += w;
    }
    (boxes, cy + LEGEND_ROW_H)
}

impl Geometry {
    /// The layout of a machine with `frames` RAM frames and `slots` page-file slots on a
    /// canvas `width` CSS pixels wide (clamped to [`MIN_WIDTH`]..=[`MAX_WIDTH`]).
    pub fn new(width: f64, frames: usize, slots: usize) -> Geometry {
        let width = if width.is_finite() {
            width.clamp(MIN_WIDTH, MAX_WIDTH).floor()
        } else {
            MIN_WIDTH
        };
        let avail = width - 2.0 * PAD;
        let row = |y: f64, h: f64| Rect::new(PAD, y, avail, h);

        let mut y = PAD;
        let space_title = row(y, TITLE_H);
        y += TITLE_H;
        let strip = row(y, STRIP_H);
        y += STRIP_H;
        let strip_caption = row(y, CAPTION_H);
        y += CAPTION_H + SECTION_GAP;

        let split_title = row(y, TITLE_H);
        y += TITLE_H;
        let split = row(y, SPLIT_H);
        y += SPLIT_H + SECTION_GAP;

        let ram_title = row(y, TITLE_H);
        y += TITLE_H;
        let (frame_cells, bottom) = grid(PAD, y, avail, frames, FRAME_MIN_W, FRAME_H);
        y = bottom + SECTION_GAP;

        let pagefile_title = row(y, TITLE_H);
        y += TITLE_H;
        let (slot_cells, bottom) = grid(PAD, y, avail, slots, SLOT_MIN_W, SLOT_H);
        y = bottom + SECTION_GAP;

        let (legend, bottom) = legend_boxes(PAD, y, avail);
        Geometry {
            width,
            height: (bottom + PAD).ceil(),
            space_title,
            strip,
            strip_caption,
            split_title,
            split,
            ram_title,
            frames: frame_cells,
            pagefile_title,
            slots: slot_cells,
            legend,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_inside(g: &Geometry, r: &Rect, what: &str) {
        assert!(
            r.x >= 0.0 && r.y >= 0.0 && r.right() <= g.width && r.bottom() <= g.height,
            "{what} {r:?} outside {}x{}",
            g.width,
            g.height
        );
    }

    #[test]
    fn cells_fit_and_do_not_overlap_at_many_widths() {
        for width in [260.0, 360.0, 414.0, 768.0, 1280.0, 2560.0] {
            for (frames, slots) in [(16, 32), (1, 0), (256, 1024)] {
                let g = Geometry::new(width, frames, slots);
                assert_eq!(g.frames.len(), frames);
                assert_eq!(g.slots.len(), slots);
                let all: Vec<&Rect> = g.frames.iter().chain(&g.slots).chain(&g.legend).collect();
                for (i, a) in all.iter().enumerate() {
                    assert_inside(&g, a, "cell");
                    for b in &all[i + 1..] {
                        assert!(!a.overlaps(b), "{a:?} overlaps {b:?} at {width}");
                    }
                }
                for r in [&g.strip, &g.split, &g.ram_title, &g.pagefile_title] {
                    assert_inside(&g, r, "section");
                }
                assert!(g
                    .frames
                    .iter()
                    .all(|r| r.w >= FRAME_MIN_W || frames == 1 || width < 300.0));
            }
        }
    }

    #[test]
    fn narrower_canvas_is_taller() {
        let wide = Geometry::new(1280.0, 16, 32);
        let phone = Geometry::new(360.0, 16, 32);
        assert!(phone.height > wide.height);
        assert_eq!(phone.width, 360.0);
        assert_eq!(Geometry::new(10.0, 16, 32).width, MIN_WIDTH);
        assert_eq!(Geometry::new(f64::NAN, 16, 32).width, MIN_WIDTH);
    }

    #[test]
    fn rows_are_balanced() {
        // 16 frames where 12 would fit in a row: two rows of 8, not 12 + 4.
        let avail = 12.0 * (FRAME_MIN_W + GAP);
        let (cells, _) = grid(0.0, 0.0, avail, 16, FRAME_MIN_W, FRAME_H);
        assert_eq!(cells[8].y, cells[15].y);
        assert!(cells[7].y < cells[8].y);
    }
}
