//! The page-table walk for the focus address: CR3 → PML4 → PDPT → PD → PT, one card per
//! table showing the one entry the address's index selects, what that entry holds, and
//! the other 511 entries elided (reference §2, §8.1). The entries the current step's walk
//! reads light up level by level as its animation runs.

use super::geometry::{Geometry, PATH_H, PATH_TOP};
use super::shape::{first_fit, fit, text_width, Align, Ink, Pattern, Rect, Shape};
use super::space::about;
use super::{hex, hint, line, title, Frame};
use crate::sim::addr::{AddressSplit, Level, PAGE_SHIFT};
use crate::sim::picture::TableView;
use crate::sim::{Event, Picture, Pte};

/// Entries in every table (reference §2: 512 eight-byte entries in a 4 KB table).
pub const ENTRIES: u32 = 512;

/// What the selected entry of one level holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    /// PML4, PDPT or PD entry: whether it points at a next-level table.
    Table(bool),
    /// PT entry: the leaf PTE.
    Pte(Pte),
}

/// One level of the walk of an address, as the picture has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The table's level.
    pub level: Level,
    /// Whether that table exists (tables are made on first need).
    pub table: bool,
    /// The index the address selects (its 9 bits for this level).
    pub index: u16,
    /// What the entry holds (nothing when the table does not exist).
    pub holds: Holds,
    /// Other entries in use below the selected index.
    pub used_before: u32,
    /// Other entries in use above the selected index.
    pub used_after: u32,
}

/// Bytes one entry of `level` maps: 512 GiB, 1 GiB, 2 MiB, 4 KiB.
pub fn entry_span(level: Level) -> u64 {
    1u64 << level.shift()
}

/// First address of the table at `level` that maps `va`.
fn table_base(level: Level, va: u64) -> u64 {
    match level {
        Level::Pml4 => 0,
        _ => va & !((entry_span(level) << 9) - 1),
    }
}

fn next(level: Level) -> Option<Level> {
    Level::ALL
        .iter()
        .position(|l| *l == level)
        .and_then(|i| Level::ALL.get(i + 1).copied())
}

/// The four levels of the walk of `va` in `picture`, top first.
pub fn path(picture: &Picture, va: u64) -> [Entry; 4] {
    let split = AddressSplit::of(va);
    // The PML4 always exists: CR3 points at it from the process's start.
    let exists = |level: Level| {
        level == Level::Pml4
            || picture.tables.contains(&TableView {
                level,
                covers: table_base(level, va),
            })
    };
    Level::ALL.map(|level| {
        let index = split.index(level);
        let table = exists(level);
        let base = table_base(level, va);
        // Indices of the other entries in use in this table.
        let i = index as u32;
        let (mut used_before, mut used_after) = (0, 0);
        let mut used = |u: u32| {
            used_before += u32::from(u < i);
            used_after += u32::from(u > i);
        };
        match next(level) {
            Some(child) => {
                for t in &picture.tables {
                    if t.level == child && table_base(level, t.covers) == base {
                        used(((t.covers >> level.shift()) & 0x1FF) as u32);
                    }
                }
            }
            None => {
                let first = base >> PAGE_SHIFT;
                for (vpn, pte) in picture.ptes.range(first..first + ENTRIES as u64) {
                    if *pte != Pte::Empty {
                        used((vpn & 0x1FF) as u32);
                    }
                }
            }
        }
        let holds = match next(level) {
            Some(child) => Holds::Table(table && exists(child)),
            None => Holds::Pte(if table {
                picture
                    .ptes
                    .get(&(va >> PAGE_SHIFT))
                    .copied()
                    .unwrap_or(Pte::Empty)
            } else {
                Pte::Empty
            }),
        };
        Entry {
            level,
            table,
            index,
            holds,
            used_before,
            used_after,
        }
    })
}

/// The two lines that say what an entry holds, each as choices from longest to shortest.
fn describe(picture: &Picture, e: &Entry, va: u64) -> (Vec<String>, Vec<String>) {
    let i = e.index;
    let span = entry_span(e.level);
    let start = hex(va & !(span - 1));
    let maps = vec![
        format!("{} from {start}", about(span)),
        format!("from {start}"),
        start.clone(),
    ];
    let one = |s: String| vec![s];
    match e.holds {
        Holds::Table(true) => {
            let child = next(e.level).map_or("", Level::name);
            (one(format!("[{i}] → {child}")), maps)
        }
        Holds::Table(false) => (one(format!("[{i}] empty")), maps),
        Holds::Pte(pte) => match pte {
            Pte::Valid {
                pfn,
                accessed,
                dirty,
                writable,
            } => (
                vec![
                    format!("[{i}] valid → frame #{}", pfn.0),
                    format!("[{i}] valid → #{}", pfn.0),
                ],
                one(format!(
                    "A={} D={} W={}",
                    u8::from(accessed),
                    u8::from(dirty),
                    u8::from(writable)
                )),
            ),
            Pte::DemandZero => (
                vec![format!("[{i}] demand-zero"), format!("[{i}] demand 0")],
                vec![
                    "zero page on first touch".to_string(),
                    "zeros on first touch".to_string(),
                ],
            ),
            Pte::Transition { pfn } => {
                let list = picture
                    .frames
                    .get(pfn.0 as usize)
                    .map_or("a", |f| f.list.name());
                (
                    vec![
                        format!("[{i}] transition → #{}", pfn.0),
                        format!("[{i}] trans. → #{}", pfn.0),
                    ],
                    vec![
                        format!("frame on the {list} list"),
                        format!("on {list} list"),
                    ],
                )
            }
            Pte::PageFile { slot } => (
                vec![
                    format!("[{i}] in the page file"),
                    format!("[{i}] page file"),
                ],
                one(format!("slot s{}", slot.0)),
            ),
            Pte::Empty => (
                one(format!("[{i}] empty")),
                vec![
                    "the region (VAD) decides".to_string(),
                    "VAD decides".to_string(),
                ],
            ),
            Pte::Prototype { index } => (
                one(format!("[{i}] prototype")),
                one(format!("shared-section PTE {index}")),
            ),
        },
    }
}

/// The levels the current step's walk reads, in order.
fn walked(frame: Frame<'_>) -> Vec<Level> {
    let mut out = Vec::new();
    for e in frame.step.map(|s| s.events.as_slice()).unwrap_or_default() {
        if let Event::Walk { level, .. } = e {
            out.push(*level);
        }
    }
    out
}

/// How many of `n` walked levels are lit at `progress`: one more per equal share of time.
pub fn lit_count(n: usize, progress: f64) -> usize {
    ((progress * n as f64).ceil() as usize).min(n)
}

fn text(x: f64, y: f64, text: String, ink: Ink, size: f64, align: Align, bold: bool) -> Shape {
    Shape::Text {
        x,
        y,
        text,
        ink,
        on: None,
        size,
        align,
        bold,
        mono: true,
    }
}

/// The path row of a card: where the selected entry is drawn.
pub fn path_row(card: &Rect) -> Rect {
    Rect::new(card.x + 2.0, card.y + PATH_TOP, card.w - 4.0, PATH_H)
}

fn arrow(x1: f64, y1: f64, x2: f64, y2: f64, lit: bool) -> Shape {
    Shape::Line {
        x1,
        y1,
        x2,
        y2,
        ink: if lit { Ink::Focus } else { Ink::Grid },
        width: if lit { 2.0 } else { 1.5 },
        arrow: true,
    }
}

/// The walk's shapes at `progress` through the step.
pub fn shapes(g: &Geometry, frame: Frame<'_>, progress: f64, out: &mut Vec<Shape>) {
    let picture = frame.picture;
    // A context switch loads this process's CR3 (reference §8.7, DESIGN §9).
    let switched = super::board::switch(frame).is_some();
    let Some(va) = picture.focus else {
        title(&g.walk_title, "Page-table walk", out);
        cr3_box(g, switched, out);
        let words = if super::board::is_running(picture) {
            "Access an address to see the CPU walk the four tables from CR3."
        } else {
            "Not running: CR3 holds another PML4."
        };
        hint(
            g.tables[0].x,
            g.cr3.cy(),
            words,
            g.width - g.tables[0].x - 12.0,
            out,
        );
        return;
    };
    let events = frame.step.map(|s| s.events.as_slice()).unwrap_or_default();
    let hit = events.iter().any(|e| matches!(e, Event::TlbHit { .. }));
    let walked = walked(frame);
    let lit = &walked[..lit_count(walked.len(), progress)];
    let heading = if hit {
        format!(
            "Page-table walk for {}: not needed, the TLB had it",
            hex(va)
        )
    } else if !walked.is_empty() {
        format!("Page-table walk for {}: one entry per level", hex(va))
    } else {
        format!("Page-table walk for {}", hex(va))
    };
    title(&g.walk_title, &heading, out);
    let entries = path(picture, va);
    let before = frame
        .previous
        .filter(|p| p.focus == Some(va))
        .map(|p| path(p, va));
    let mut created = Vec::new();
    for e in events {
        if let Event::TableCreated { level, covers } = e {
            if *covers == table_base(*level, va) {
                created.push(*level);
            }
        }
    }

    cr3_box(g, lit.contains(&Level::Pml4) || switched, out);
    let pml4_row = path_row(&g.tables[0]);
    out.push(arrow(
        g.cr3.right(),
        g.cr3.cy(),
        pml4_row.x - 1.0,
        pml4_row.cy(),
        lit.contains(&Level::Pml4),
    ));
    for (i, (card, e)) in g.tables.iter().zip(&entries).enumerate() {
        let changed = before.is_some_and(|b| b[i] != *e) || created.contains(&e.level);
        card_shapes(picture, card, e, va, lit.contains(&e.level), changed, out);
        // The arrow to the next table, when this entry points at one.
        if let (Holds::Table(true), Some(to)) = (e.holds, g.tables.get(i + 1)) {
            let on = next(e.level).is_some_and(|l| lit.contains(&l));
            let (from_row, to_row) = (path_row(card), path_row(to));
            if (to.y - card.y).abs() < 1.0 {
                out.push(arrow(
                    from_row.right() + 1.0,
                    from_row.cy(),
                    to_row.x - 1.0,
                    to_row.cy(),
                    on,
                ));
            } else {
                // Two rows of two: down from this card, across, and down into the next.
                let mid = (card.bottom() + to.y) / 2.0;
                let ink = if on { Ink::Focus } else { Ink::Grid };
                let width = if on { 2.0 } else { 1.5 };
                for (x1, y1, x2, y2) in [
                    (card.cx(), card.bottom(), card.cx(), mid),
                    (card.cx(), mid, to.cx(), mid),
                ] {
                    out.push(line(x1, y1, x2, y2, ink, width));
                }
                out.push(arrow(to.cx(), mid, to.cx(), to.y - 1.0, on));
            }
        }
    }
}

/// The CR3 register box, lit while the walk starts.
fn cr3_box(g: &Geometry, lit: bool, out: &mut Vec<Shape>) {
    let fill = if lit { Ink::Path } else { Ink::Panel };
    out.push(Shape::Box {
        rect: g.cr3,
        fill,
        pattern: Pattern::Solid,
        stroke: Some(if lit { Ink::Focus } else { Ink::Grid }),
        highlight: false,
    });
    out.push(Shape::Text {
        x: g.cr3.cx(),
        y: g.cr3.cy(),
        text: "CR3".to_string(),
        ink: Ink::Text,
        on: Some(fill),
        size: 11.0,
        align: Align::Center,
        bold: true,
        mono: true,
    });
}

/// One table's card: header, the entries before, the selected entry, the entries after.
fn card_shapes(
    picture: &Picture,
    card: &Rect,
    e: &Entry,
    va: u64,
    lit: bool,
    changed: bool,
    out: &mut Vec<Shape>,
) {
    let name = e.level.name();
    out.push(Shape::Box {
        rect: *card,
        fill: if e.table { Ink::Panel } else { Ink::SlotFree },
        pattern: if e.table {
            Pattern::Solid
        } else {
            Pattern::Hollow
        },
        stroke: Some(Ink::Grid),
        highlight: changed && !e.table,
    });
    let head_y = card.y + 11.0;
    out.push(Shape::Text {
        x: card.x + 6.0,
        y: head_y,
        text: name.to_string(),
        ink: Ink::Text,
        on: None,
        size: 12.0,
        align: Align::Left,
        bold: true,
        mono: false,
    });
    let room = card.w - 12.0 - text_width(name, 12.0, false) - 8.0;
    let per = about(entry_span(e.level));
    let scale = first_fit(
        &[
            format!("512 entries × {per}"),
            format!("512 × {per}"),
            format!("× {per}"),
        ],
        room,
        10.0,
        true,
    );
    out.push(text(
        card.right() - 6.0,
        head_y,
        scale,
        Ink::Muted,
        10.0,
        Align::Right,
        false,
    ));
    if !e.table {
        let row = path_row(card);
        out.push(text(
            row.cx(),
            row.y + 11.0,
            fit(&format!("no {name} yet"), row.w - 8.0, 11.0, true),
            Ink::Muted,
            11.0,
            Align::Center,
            true,
        ));
        out.push(text(
            row.cx(),
            row.y + 26.0,
            fit("made on first need", row.w - 8.0, 10.0, true),
            Ink::Muted,
            10.0,
            Align::Center,
            false,
        ));
        return;
    }
    let i = e.index as u32;
    let elided = |n: u32, used: u32, side: &str| -> Vec<String> {
        match (n, used) {
            (0, _) => vec![format!("(no entries {side})"), format!("(none {side})")],
            (n, 0) => vec![format!("… {n} entries {side}"), format!("… {n} {side}")],
            (n, u) => vec![
                format!("… {n} {side}, {u} in use"),
                format!("… {n} {side}, {u} used"),
                format!("… {n} {side}"),
            ],
        }
    };
    let rows = [
        (card.y + 32.0, elided(i, e.used_before, "above")),
        (
            card.y + PATH_TOP + PATH_H + 11.0,
            elided(ENTRIES - 1 - i, e.used_after, "below"),
        ),
    ];
    for (y, words) in rows {
        out.push(text(
            card.x + 6.0,
            y,
            first_fit(&words, card.w - 12.0, 10.0, true),
            Ink::Muted,
            10.0,
            Align::Left,
            false,
        ));
    }
    let row = path_row(card);
    let fill = if lit { Ink::Path } else { Ink::Background };
    out.push(Shape::Box {
        rect: row,
        fill,
        pattern: Pattern::Solid,
        stroke: Some(if lit { Ink::Focus } else { Ink::Grid }),
        highlight: changed,
    });
    let (first, second) = describe(picture, e, va);
    for (y, words, size, bold) in [
        (row.y + 11.0, first, 11.0, true),
        (row.y + 26.0, second, 10.0, false),
    ] {
        out.push(Shape::Text {
            x: row.x + 6.0,
            y,
            text: first_fit(&words, row.w - 12.0, size, true),
            ink: Ink::Text,
            on: Some(fill),
            size,
            align: Align::Left,
            bold,
            mono: true,
        });
    }
}
