//! Where each section of the canvas goes for a given width. Geometry depends only on the
//! width and the machine's sizes, never on the step, so the picture does not jump while
//! stepping and a test can find a frame's pixels before anything happens.

mod cell_rows;

use serde::Serialize;

use super::shape::Rect;
use cell_rows::{fitted, grid, legend_boxes, walk_cards};

/// Outer margin.
pub const PAD: f64 = 12.0;
/// Height of a section title line.
pub const TITLE_H: f64 = 24.0;
/// Height of the whole-address-space overview above the strip.
pub const OVERVIEW_H: f64 = 12.0;
/// Space between the overview and the strip (the zoom lens is drawn there).
pub const LENS_H: f64 = 14.0;
/// Height of the address-space strip.
pub const STRIP_H: f64 = 40.0;
/// Width of the zoom buttons' place at the right of the address-space title.
pub const ZOOM_CONTROLS_W: f64 = 108.0;
/// Width of the CR3 register box at the left of the walk.
pub const CR3_W: f64 = 40.0;
/// Space between walk tables (their arrows run there).
pub const WALK_GAP: f64 = 22.0;
/// Height of one page-table card.
pub const TABLE_H: f64 = 102.0;
/// Top of a card's path row (its header and the "entries above" row come first).
pub const PATH_TOP: f64 = 43.0;
/// Height of a card's path row.
pub const PATH_H: f64 = 36.0;
/// Narrowest page-table card in a row of four; narrower canvases use two rows of two.
pub const TABLE_MIN_W: f64 = 132.0;
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
/// Narrowest TLB entry cell.
pub const TLB_MIN_W: f64 = 124.0;
/// Narrowest working-set cell.
pub const WS_MIN_W: f64 = 104.0;
/// Height of a TLB or working-set cell.
pub const ENTRY_H: f64 = 34.0;
/// From this width on, the TLB and the working set sit side by side.
pub const TWO_COLUMNS: f64 = 720.0;
/// Beyond this many of a thing, its cells are small squares without labels: hundreds of
/// labels cannot be read, and drawing them would cost more than a frame's budget.
pub const DENSE_FRAMES: usize = 64;
/// See [`DENSE_FRAMES`].
pub const DENSE_SLOTS: usize = 128;
/// See [`DENSE_FRAMES`].
pub const DENSE_WS: usize = 32;
/// Most squares the page file is drawn with: a larger page file gives each square several
/// slots, so its picture stays a few hundred pixels tall (65,536 slots one square each
/// made a canvas taller than browsers draw) and a step paints in a frame's budget.
pub const MAX_SLOT_CELLS: usize = 1024;
/// A dense frame cell.
pub const DENSE_FRAME: (f64, f64) = (26.0, 22.0);
/// A dense slot or working-set cell.
pub const DENSE_CELL: (f64, f64) = (16.0, 16.0);
/// Tallest a grid of dense cells is laid out before its cells shrink.
pub const MAX_DENSE_GRID_H: f64 = 480.0;
/// Smallest side of a shrunk dense cell.
pub const MIN_DENSE_SIDE: f64 = 6.0;
/// Narrowest prototype-PTE cell.
pub const PROTO_MIN_W: f64 = 96.0;
/// Most prototype PTEs drawn (a larger section shows its first ones).
pub const MAX_PROTOTYPES: usize = 64;
/// Narrowest canvas laid out; narrower requests are laid out at this width.
pub const MIN_WIDTH: f64 = 260.0;
/// Widest canvas laid out.
pub const MAX_WIDTH: f64 = 4096.0;

/// Which sections a geometry lays out: all of them (one process), or, for several
/// processes, one process's own column or the system's sections under the columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Part {
    /// Every section, for a machine with one process.
    All,
    /// A process's own sections: address space, split, walk and working set.
    Process,
    /// What the processes share: the TLB (of the running process), RAM, page file, legend.
    System,
}

/// How many of each thing the machine has: what the geometry depends on besides the width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sizes {
    /// RAM frames.
    pub frames: usize,
    /// Page-file slots.
    pub slots: usize,
    /// TLB entries.
    pub tlb: usize,
    /// Working-set limit in pages.
    pub working_set: usize,
    /// Prototype PTEs of every living section (0 draws no sections panel).
    pub prototypes: usize,
    /// Cells of the disk's files (0 draws no disk panel).
    pub file_pages: usize,
}

impl Sizes {
    /// The sizes a machine with `config` has.
    pub fn of_config(config: &crate::sim::Config) -> Sizes {
        Sizes {
            frames: config.frames as usize,
            slots: config.pagefile as usize,
            tlb: config.tlb as usize,
            working_set: config.working_set_limits().max as usize,
            prototypes: 0,
            file_pages: 0,
        }
    }

    /// The sizes a picture shows.
    pub fn of_picture(picture: &crate::sim::Picture) -> Sizes {
        let mut prototypes = 0;
        for s in &picture.sections {
            prototypes += s.prototypes.len();
        }
        Sizes {
            frames: picture.frames.len(),
            slots: picture.slots.len(),
            tlb: picture.tlb.len(),
            working_set: (picture.working_set.limit as usize).max(picture.working_set.pages.len()),
            prototypes,
            file_pages: super::disk::cells(picture).len(),
        }
    }
}

/// The position of every section and cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Geometry {
    /// Canvas width in CSS pixels.
    pub width: f64,
    /// Canvas height in CSS pixels.
    pub height: f64,
    /// Title line of the address-space section.
    pub space_title: Rect,
    /// Where the zoom buttons go (the page puts real buttons there).
    pub zoom_controls: Rect,
    /// The whole user address space, with the strip's window marked on it.
    pub overview: Rect,
    /// The address-space strip.
    pub strip: Rect,
    /// The caption under the strip.
    pub strip_caption: Rect,
    /// Title line of the address split.
    pub split_title: Rect,
    /// The address-split boxes.
    pub split: Rect,
    /// Title line of the page-table walk.
    pub walk_title: Rect,
    /// The CR3 register, which points at the PML4.
    pub cr3: Rect,
    /// One card per table level: PML4, PDPT, PD, PT.
    pub tables: [Rect; 4],
    /// Whether the cards sit in one row (else two rows of two).
    pub walk_one_row: bool,
    /// Title line of the TLB.
    pub tlb_title: Rect,
    /// One cell per TLB entry.
    pub tlb: Vec<Rect>,
    /// Title line of the working set.
    pub ws_title: Rect,
    /// One cell per working-set place, up to the limit.
    pub ws: Vec<Rect>,
    /// Title line of the RAM section.
    pub ram_title: Rect,
    /// One cell per RAM frame, by frame number.
    pub frames: Vec<Rect>,
    /// Title line of the sections panel (empty when no section lives).
    pub sections_title: Rect,
    /// One cell per prototype PTE, section after section.
    pub prototypes: Vec<Rect>,
    /// Title line of the page-file section.
    pub pagefile_title: Rect,
    /// One cell per [`Geometry::slots_per_cell`] page-file slots, by slot number.
    pub slots: Vec<Rect>,
    /// Page-file slots a cell stands for: 1 up to [`MAX_SLOT_CELLS`] slots.
    pub slots_per_cell: usize,
    /// Title line of the disk panel (empty when the disk has no file).
    pub disk_title: Rect,
    /// One cell per page of the disk's files.
    pub disk: Vec<Rect>,
    /// One box per legend entry (swatch and label).
    pub legend: Vec<Rect>,
    /// RAM frames drawn as small unlabelled squares (more than [`DENSE_FRAMES`]).
    pub dense_frames: bool,
    /// Page-file slots drawn as small unlabelled squares.
    pub dense_slots: bool,
    /// Working-set places drawn as small unlabelled squares.
    pub dense_ws: bool,
}

impl Geometry {
    /// The layout of a machine of `sizes` on a canvas `width` CSS pixels wide (clamped to
    /// [`MIN_WIDTH`]..=[`MAX_WIDTH`]).
    pub fn new(width: f64, sizes: Sizes) -> Geometry {
        Geometry::part(width, sizes, Part::All)
    }

    /// The layout of `part` only, from the top left of a box `width` CSS pixels wide; the
    /// sections of the other part are empty rectangles at the top (see [`Part`]).
    pub fn part(width: f64, sizes: Sizes, part: Part) -> Geometry {
        let width = if width.is_finite() {
            super::clamp(width, MIN_WIDTH, MAX_WIDTH).floor()
        } else {
            MIN_WIDTH
        };
        let avail = width - 2.0 * PAD;
        let row = |y: f64, h: f64| Rect::new(PAD, y, avail, h);

        let mut y = PAD;
        let has_process = part != Part::System;
        let has_system = part != Part::Process;
        // A part's left-out sections are empty rectangles at its top.
        let none = Rect::new(PAD, y, 0.0, 0.0);

        let (mut space_title, mut zoom_controls, mut overview, mut strip, mut strip_caption) =
            (none, none, none, none, none);
        let (mut split_title, mut split, mut walk_title) = (none, none, none);
        let (mut cr3, mut tables, mut walk_one_row) = (none, [none; 4], true);
        if has_process {
            space_title = row(y, TITLE_H);
            let controls_w = ZOOM_CONTROLS_W.min(avail / 2.0);
            zoom_controls = Rect::new(PAD + avail - controls_w, y, controls_w, TITLE_H);
            y += TITLE_H;
            overview = row(y, OVERVIEW_H);
            y += OVERVIEW_H + LENS_H;
            strip = row(y, STRIP_H);
            y += STRIP_H;
            strip_caption = row(y, CAPTION_H);
            y += CAPTION_H + SECTION_GAP;

            split_title = row(y, TITLE_H);
            y += TITLE_H;
            split = row(y, SPLIT_H);
            y += SPLIT_H + SECTION_GAP;

            walk_title = row(y, TITLE_H);
            y += TITLE_H;
            let bottom;
            (cr3, tables, walk_one_row, bottom) = walk_cards(y, avail);
            y = bottom + SECTION_GAP;
        }

        // TLB and working set: side by side when there is room, else one above the other.
        // The working set is a process's; the TLB is the CPU's, holding the running
        // process's translations.
        let dense_ws = sizes.working_set > DENSE_WS;
        let ws_cell = |avail: f64| {
            if dense_ws {
                fitted(sizes.working_set, avail, DENSE_CELL)
            } else {
                (WS_MIN_W, ENTRY_H)
            }
        };
        let (mut tlb_title, mut tlb, mut ws_title, mut ws) = (none, Vec::new(), none, Vec::new());
        if part == Part::All && width >= TWO_COLUMNS {
            let half = ((avail - 2.0 * SECTION_GAP) / 2.0).floor();
            let right = PAD + half + 2.0 * SECTION_GAP;
            tlb_title = Rect::new(PAD, y, half, TITLE_H);
            ws_title = Rect::new(right, y, avail - half - 2.0 * SECTION_GAP, TITLE_H);
            let top = y + TITLE_H;
            let (cells, tlb_bottom) = grid(PAD, top, half, sizes.tlb, TLB_MIN_W, ENTRY_H);
            tlb = cells;
            let (ws_w, ws_h) = ws_cell(ws_title.w);
            let (cells, ws_bottom) = grid(right, top, ws_title.w, sizes.working_set, ws_w, ws_h);
            ws = cells;
            y = tlb_bottom.max(ws_bottom) + SECTION_GAP;
        } else {
            if has_system {
                tlb_title = row(y, TITLE_H);
                let (cells, bottom) = grid(PAD, y + TITLE_H, avail, sizes.tlb, TLB_MIN_W, ENTRY_H);
                tlb = cells;
                y = bottom + SECTION_GAP;
            }
            if has_process {
                ws_title = row(y, TITLE_H);
                let (ws_w, ws_h) = ws_cell(avail);
                let (cells, bottom) = grid(PAD, y + TITLE_H, avail, sizes.working_set, ws_w, ws_h);
                ws = cells;
                y = bottom + SECTION_GAP;
            }
        }

        let (mut ram_title, mut frame_cells, mut pagefile_title, mut slot_cells, mut legend) =
            (none, Vec::new(), none, Vec::new(), Vec::new());
        let (mut sections_title, mut prototypes) = (none, Vec::new());
        let (mut disk_title, mut disk) = (none, Vec::new());
        let dense_frames = sizes.frames > DENSE_FRAMES;
        let dense_slots = sizes.slots > DENSE_SLOTS;
        let slots_per_cell = sizes.slots.div_ceil(MAX_SLOT_CELLS).max(1);
        if has_system {
            ram_title = row(y, TITLE_H);
            y += TITLE_H;
            let (fw, fh) = if dense_frames {
                fitted(sizes.frames, avail, DENSE_FRAME)
            } else {
                (FRAME_MIN_W, FRAME_H)
            };
            let bottom;
            (frame_cells, bottom) = grid(PAD, y, avail, sizes.frames, fw, fh);
            y = bottom + SECTION_GAP;

            // Under RAM, so a prototype PTE's line to its frame stays short.
            if sizes.prototypes > 0 {
                sections_title = row(y, TITLE_H);
                y += TITLE_H;
                let n = sizes.prototypes.min(MAX_PROTOTYPES);
                (prototypes, y) = grid(PAD, y, avail, n, PROTO_MIN_W, ENTRY_H);
                y += SECTION_GAP;
            }

            pagefile_title = row(y, TITLE_H);
            y += TITLE_H;
            let slot_cells_n = sizes.slots.div_ceil(slots_per_cell);
            let (sw, sh) = if dense_slots {
                fitted(slot_cells_n, avail, DENSE_CELL)
            } else {
                (SLOT_MIN_W, SLOT_H)
            };
            (slot_cells, y) = grid(PAD, y, avail, slot_cells_n, sw, sh);
            y += SECTION_GAP;
            if sizes.file_pages > 0 {
                disk_title = row(y, TITLE_H);
                (disk, y) = grid(
                    PAD,
                    y + TITLE_H,
                    avail,
                    sizes.file_pages,
                    SLOT_MIN_W,
                    ENTRY_H,
                );
                y += SECTION_GAP;
            }

            (legend, y) = legend_boxes(PAD, y, avail);
        } else {
            y -= SECTION_GAP;
        }
        Geometry {
            width,
            height: (y + PAD).ceil(),
            space_title,
            zoom_controls,
            overview,
            strip,
            strip_caption,
            split_title,
            split,
            walk_title,
            cr3,
            tables,
            walk_one_row,
            tlb_title,
            tlb,
            ws_title,
            ws,
            ram_title,
            frames: frame_cells,
            sections_title,
            prototypes,
            pagefile_title,
            slots: slot_cells,
            slots_per_cell,
            disk_title,
            disk,
            legend,
            dense_frames,
            dense_slots,
            dense_ws,
        }
    }

    /// The cell that shows page-file slot `slot`.
    pub fn slot_cell(&self, slot: usize) -> Option<&Rect> {
        self.slots.get(slot / self.slots_per_cell)
    }

    /// Every rectangle moved by (`dx`, `dy`): a part placed on a larger canvas.
    pub fn translate(&mut self, dx: f64, dy: f64) {
        let moved = |r: &mut Rect| {
            r.x += dx;
            r.y += dy;
        };
        for r in [
            &mut self.space_title,
            &mut self.zoom_controls,
            &mut self.overview,
            &mut self.strip,
            &mut self.strip_caption,
            &mut self.split_title,
            &mut self.split,
            &mut self.walk_title,
            &mut self.cr3,
            &mut self.tlb_title,
            &mut self.ws_title,
            &mut self.ram_title,
            &mut self.sections_title,
            &mut self.pagefile_title,
            &mut self.disk_title,
        ] {
            moved(r);
        }
        for list in [
            &mut self.tables[..],
            &mut self.tlb[..],
            &mut self.ws[..],
            &mut self.frames[..],
            &mut self.prototypes[..],
            &mut self.slots[..],
            &mut self.disk[..],
            &mut self.legend[..],
        ] {
            for r in list {
                moved(r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(frames: usize, slots: usize) -> Sizes {
        Sizes {
            frames,
            slots,
            tlb: 8,
            working_set: 8,
            prototypes: 0,
            file_pages: 0,
        }
    }

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
                let g = Geometry::new(width, sizes(frames, slots));
                assert_eq!(g.frames.len(), frames);
                assert_eq!(g.slots.len(), slots);
                let all: Vec<&Rect> = g
                    .frames
                    .iter()
                    .chain(&g.slots)
                    .chain(&g.legend)
                    .chain(&g.tlb)
                    .chain(&g.ws)
                    .chain(&g.tables)
                    .chain([&g.cr3, &g.overview, &g.strip, &g.split])
                    .collect();
                for (i, a) in all.iter().enumerate() {
                    assert_inside(&g, a, "cell");
                    for b in &all[i + 1..] {
                        assert!(!a.overlaps(b), "{a:?} overlaps {b:?} at {width}");
                    }
                }
                for r in [
                    &g.zoom_controls,
                    &g.walk_title,
                    &g.tlb_title,
                    &g.ws_title,
                    &g.ram_title,
                    &g.pagefile_title,
                ] {
                    assert_inside(&g, r, "section");
                }
                assert!(g
                    .frames
                    .iter()
                    .all(|r| r.w >= FRAME_MIN_W || frames == 1 || width < 300.0 || g.dense_frames));
                assert_eq!(g.dense_frames, frames > DENSE_FRAMES);
                assert_eq!(g.dense_slots, slots > DENSE_SLOTS);
            }
        }
    }

    #[test]
    fn narrower_canvas_is_taller() {
        let wide = Geometry::new(1280.0, sizes(16, 32));
        let phone = Geometry::new(360.0, sizes(16, 32));
        assert!(phone.height > wide.height);
        assert_eq!(phone.width, 360.0);
        assert_eq!(Geometry::new(10.0, sizes(16, 32)).width, MIN_WIDTH);
        assert_eq!(Geometry::new(f64::NAN, sizes(16, 32)).width, MIN_WIDTH);
    }

    #[test]
    fn walk_cards_in_one_row_on_wide_canvases_and_two_on_phones() {
        let wide = Geometry::new(1600.0, sizes(16, 32));
        assert!(wide.walk_one_row);
        assert!(wide
            .tables
            .windows(2)
            .all(|t| t[0].y == t[1].y && t[0].right() < t[1].x));
        assert!(wide.cr3.right() < wide.tables[0].x);
        let phone = Geometry::new(360.0, sizes(16, 32));
        assert!(!phone.walk_one_row);
        assert_eq!(phone.tables[0].y, phone.tables[1].y);
        assert_eq!(phone.tables[0].x, phone.tables[2].x, "columns line up");
        assert!(phone.tables[2].y > phone.tables[0].bottom());
        assert!(phone.tables.iter().all(|t| t.w >= 120.0));
        assert!(
            wide.split.bottom() < wide.walk_title.y && wide.tables[0].bottom() < wide.tlb_title.y
        );
    }
}
