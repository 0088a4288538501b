//! The disk's files beside the page file (DESIGN §9): one small cell per 4 KB page of each
//! file, the first one named; the pages a step reads or writes are highlighted.

use super::geometry::Geometry;
use super::shape::{fit, Align, Ink, Pattern, Rect, Shape};
use super::{title, Frame};
use crate::sim::picture::FilePicture;
use crate::sim::{Event, Picture, Step};

/// Most file cells drawn.
pub const MAX_FILE_CELLS: usize = 64;

/// Every file page the picture shows: (file, page index); an empty file has one cell.
pub fn cells(picture: &Picture) -> Vec<(&FilePicture, u64)> {
    let mut out = Vec::new();
    for f in &picture.files {
        for i in 0..f.size.div_ceil(4096).max(1) {
            if out.len() == MAX_FILE_CELLS {
                return out;
            }
            out.push((f, i));
        }
    }
    out
}

/// The file pages the step's events read or written: (file, page, written).
pub fn touched(step: Option<&Step>) -> Vec<(&str, u64, bool)> {
    let mut out = Vec::new();
    for e in step.map(|s| s.events.as_slice()).unwrap_or_default() {
        let (file, offset, bytes, written) = match e {
            Event::FileRead {
                file,
                offset,
                bytes,
                ..
            } => (file, offset, bytes, false),
            Event::FileWrite {
                file,
                offset,
                bytes,
                ..
            } => (file, offset, bytes, true),
            _ => continue,
        };
        let last = (offset + bytes.saturating_sub(1)) >> 12;
        for p in offset >> 12..=last {
            out.push((file.as_str(), p, written));
        }
    }
    out
}

/// The cell of the page holding byte `offset` of `file`, and the page's label: the file's
/// name and the page, `notes.txt p1`.
pub fn cell_of(g: &Geometry, picture: &Picture, file: &str, offset: u64) -> Option<(Rect, String)> {
    let mut first = 0;
    for f in &picture.files {
        let pages = f.size.div_ceil(4096).max(1);
        if f.name == file {
            let i = offset >> 12;
            let cell = g.disk.get((first + i) as usize).filter(|_| i < pages)?;
            return Some((*cell, format!("{file} p{i}")));
        }
        first += pages;
    }
    None
}

/// The disk panel's shapes.
pub fn shapes(g: &Geometry, frame: Frame<'_>, out: &mut Vec<Shape>) {
    if g.disk.is_empty() {
        return;
    }
    title(&g.disk_title, "Disk: each file's 4 KB pages", out);
    let hot = touched(frame.step);
    for (cell, (f, i)) in g.disk.iter().zip(cells(frame.picture)) {
        let lit = hot.iter().any(|&(n, p, _)| n == f.name && p == i);
        out.push(Shape::Box {
            rect: *cell,
            fill: Ink::FilePage,
            pattern: Pattern::Solid,
            stroke: Some(if lit { Ink::Focus } else { Ink::Grid }),
            highlight: lit,
        });
        let words = if i == 0 {
            f.name.clone()
        } else {
            format!("p{i}")
        };
        out.push(Shape::Text {
            x: cell.cx(),
            y: cell.cy(),
            text: fit(&words, cell.w - 6.0, 10.0, true),
            ink: Ink::Text,
            on: Some(Ink::FilePage),
            size: 10.0,
            align: Align::Center,
            bold: false,
            mono: true,
        });
    }
}
