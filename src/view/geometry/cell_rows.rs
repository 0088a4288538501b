//! How runs of boxes are placed across a width: cells in balanced rows (shrunk when
//! there are many), legend entries flowed into rows, and the walk's cards in one row or two.

use super::{
    CR3_W, GAP, LEGEND_FONT, LEGEND_ROW_H, MAX_DENSE_GRID_H, MIN_DENSE_SIDE, PAD, PATH_H, PATH_TOP,
    SWATCH, TABLE_H, TABLE_MIN_W, WALK_GAP,
};
use crate::view::legend::LEGEND;
use crate::view::shape::{text_width, Rect};

/// The size of `n` dense cells of `cell` across `avail`: smaller, down to
/// [`MIN_DENSE_SIDE`], when their grid would be taller than [`MAX_DENSE_GRID_H`] (4,096
/// frames of full size made a canvas over 9,000 px tall, slow to paint and to composite).
pub(super) fn fitted(n: usize, avail: f64, (w, h): (f64, f64)) -> (f64, f64) {
    let mut scale = 1.0;
    loop {
        let (cw, ch) = ((w * scale).floor(), (h * scale).floor());
        let gap = gap_for(ch);
        let per_row = ((avail + gap) / (cw + gap)).floor().max(1.0);
        let rows = (n as f64 / per_row).ceil();
        if rows * (ch + gap) <= MAX_DENSE_GRID_H || ch <= MIN_DENSE_SIDE {
            return (cw, ch);
        }
        scale *= 0.9;
    }
}

/// The space between cells `h` tall: shrunk dense cells sit closer.
fn gap_for(h: f64) -> f64 {
    if h < 12.0 {
        2.0
    } else {
        GAP
    }
}

/// `n` cells of at least `min_w` by `h` in rows from (`x`, `y`) across `avail`.
/// Returns the cells and the bottom edge.
pub(super) fn grid(x: f64, y: f64, avail: f64, n: usize, min_w: f64, h: f64) -> (Vec<Rect>, f64) {
    if n == 0 {
        return (Vec::new(), y);
    }
    let gap = gap_for(h);
    let fit = ((avail + gap) / (min_w + gap)).floor().max(1.0) as usize;
    let mut cols = fit.min(n);
    let rows = n.div_ceil(cols);
    // Balance the rows so the last one is not nearly empty.
    cols = n.div_ceil(rows);
    // Whole-pixel cells that fill the row exactly: each column starts at its share.
    let pitch = (avail + gap) / cols as f64;
    let left = |c: usize| x + (c as f64 * pitch).round();
    let mut cells = Vec::with_capacity(n);
    for i in 0..n {
        let (r, c) = (i / cols, i % cols);
        let x0 = left(c);
        cells.push(Rect::new(
            x0,
            y + r as f64 * (h + gap),
            left(c + 1) - gap - x0,
            h,
        ));
    }
    (cells, y + rows as f64 * (h + gap) - gap)
}

/// Legend entries flowed into rows across `avail`.
pub(super) fn legend_boxes(x: f64, y: f64, avail: f64) -> (Vec<Rect>, f64) {
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

/// The CR3 box and the four table cards from `y` across `avail`: one row when each card
/// gets [`TABLE_MIN_W`], else two rows of two. Returns them, whether in one row, and the
/// bottom edge.
pub(super) fn walk_cards(y: f64, avail: f64) -> (Rect, [Rect; 4], bool, f64) {
    let left = PAD + CR3_W + WALK_GAP;
    let room = avail - CR3_W - WALK_GAP;
    let one_row = (room - 3.0 * WALK_GAP) / 4.0 >= TABLE_MIN_W;
    let cols = if one_row { 4.0 } else { 2.0 };
    let w = ((room - (cols - 1.0) * WALK_GAP) / cols).floor();
    let card = |i: usize| {
        let (r, c) = if one_row {
            (0.0, i as f64)
        } else {
            ((i / 2) as f64, (i % 2) as f64)
        };
        Rect::new(
            left + c * (w + WALK_GAP),
            y + r * (TABLE_H + WALK_GAP),
            w,
            TABLE_H,
        )
    };
    let tables = [card(0), card(1), card(2), card(3)];
    let cr3 = Rect::new(PAD, y + PATH_TOP, CR3_W, PATH_H);
    (cr3, tables, one_row, tables[3].bottom())
}

#[cfg(test)]
mod tests {
    use super::super::{FRAME_H, FRAME_MIN_W};
    use super::*;

    #[test]
    fn rows_are_balanced() {
        // 16 frames where 12 would fit in a row: two rows of 8, not 12 + 4.
        let avail = 12.0 * (FRAME_MIN_W + GAP);
        let (cells, _) = grid(0.0, 0.0, avail, 16, FRAME_MIN_W, FRAME_H);
        assert_eq!(cells[8].y, cells[15].y);
        assert!(cells[7].y < cells[8].y);
    }
}
