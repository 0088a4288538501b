//! Motion: a page travelling between RAM and the page file or a file, or copied, drawn from the step's events
//! and the animation's progress alone (STYLE 4). While the step plays, an arrow grows from
//! the source cell to the destination with the page riding at its head; when it is done
//! (or at once, when the reader prefers reduced motion) the whole arrow stays, so the
//! still picture tells the same story.

use super::geometry::Geometry;
use super::shape::{text_width, Align, Ink, Pattern, Rect, Shape};
use super::{clamp, hex, Frame};
use crate::sim::addr::Pfn;
use crate::sim::event::Pte;
use crate::sim::{Event, FrameList};

/// Smooth start and stop for a progress from 0 to 1.
pub fn ease(progress: f64) -> f64 {
    let t = clamp(progress, 0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// One page moving between two cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Move {
    /// Where it leaves.
    pub from: Rect,
    /// Where it arrives.
    pub to: Rect,
    /// The page's label riding the arrow's head.
    pub label: String,
}

/// The moves of the step: page-file writes (frame → slot) and reads (slot → frame), a
/// mapped file's page read into its frame or written back from it (docs/windows-sections.md
/// §8.1), and a copy-on-write copy (shared frame → private frame, §9). `ReadFile` and
/// `WriteFile` only light their file pages: the core copies the bytes without knowing the
/// buffer's address, so it has no frame to draw an arrow from.
pub fn moves(g: &Geometry, frame: Frame<'_>) -> Vec<Move> {
    let events = frame.step.map(|s| s.events.as_slice()).unwrap_or_default();
    let mut out = Vec::new();
    for e in events {
        if let Some(m) = move_of(g, frame, e) {
            out.push(m);
        }
    }
    out
}

/// The move one event draws, if any.
fn move_of(g: &Geometry, frame: Frame<'_>, e: &Event) -> Option<Move> {
    let cell = |pfn: &Pfn| g.frames.get(pfn.0 as usize).copied();
    let file = |file: &str, offset| super::disk::cell_of(g, frame.picture, file, offset);
    // (frame, other cell, label, whether the frame is the source)
    let (ram, other, label, out) = match e {
        Event::PageFileWrite { slot, pfn, vpn } => (
            cell(pfn)?,
            *g.slot_cell(slot.0 as usize)?,
            match vpn {
                Some(v) => hex(v.0),
                // A section's page: named as its slot is (docs/windows-sections.md §8.2).
                None => frame
                    .picture
                    .slots
                    .get(slot.0 as usize)
                    .copied()
                    .flatten()
                    .map(super::memory::slot_label)
                    .unwrap_or_default(),
            },
            true,
        ),
        Event::PageFileRead { slot, pfn, vpn } => (
            cell(pfn)?,
            *g.slot_cell(slot.0 as usize)?,
            hex(vpn.0),
            false,
        ),
        Event::FileRead {
            file: name,
            offset,
            pfn: Some(pfn),
            ..
        }
        | Event::FileWrite {
            file: name,
            offset,
            pfn: Some(pfn),
            ..
        } => {
            let (at, label) = file(name, *offset)?;
            (cell(pfn)?, at, label, matches!(e, Event::FileWrite { .. }))
        }
        // Only a copy-on-write fault swaps one valid frame for another in a PTE.
        Event::PteWritten {
            vpn,
            old: Pte::Valid { pfn: a, .. },
            new: Pte::Valid { pfn: b, .. },
        } if a != b => (cell(a)?, cell(b)?, hex(vpn.0), true),
        _ => return None,
    };
    let (from, to) = if out { (ram, other) } else { (other, ram) };
    Some(Move { from, to, label })
}

/// The list a frame was on before the step moved it, if the step moved it.
pub fn list_before(frame: Frame<'_>, pfn: u32) -> Option<FrameList> {
    let events = frame.step.map(|s| s.events.as_slice()).unwrap_or_default();
    events.iter().find_map(|e| match e {
        Event::ListMove { pfn: p, from, .. } | Event::FrameTaken { pfn: p, from } if p.0 == pfn => {
            Some(*from)
        }
        Event::PageTrimmed { pfn: p, .. } if p.0 == pfn => Some(FrameList::Active),
        _ => None,
    })
}

/// The ends of the arrow from `from` to `to`: from the edge facing the destination to the
/// edge facing the source, so the cells' labels stay readable.
fn ends(from: &Rect, to: &Rect) -> (f64, f64, f64, f64) {
    if to.y > from.bottom() {
        (from.cx(), from.bottom(), to.cx(), to.y)
    } else if to.bottom() < from.y {
        (from.cx(), from.y, to.cx(), to.bottom())
    } else if to.x > from.x {
        (from.right(), from.cy(), to.x, to.cy())
    } else {
        (from.x, from.cy(), to.right(), to.cy())
    }
}

/// The moving pages' shapes at `progress`, drawn on top of everything.
pub fn shapes(g: &Geometry, frame: Frame<'_>, progress: f64, out: &mut Vec<Shape>) {
    let t = ease(progress);
    for m in moves(g, frame) {
        let (x1, y1, x2, y2) = ends(&m.from, &m.to);
        let (hx, hy) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
        if (hx - x1).abs() + (hy - y1).abs() >= 1.0 {
            out.push(Shape::Line {
                x1,
                y1,
                x2: hx,
                y2: hy,
                ink: Ink::Focus,
                width: 2.0,
                arrow: true,
            });
        }
        if t < 1.0 {
            // The page itself, riding at the head of the arrow.
            let label = m.label;
            let w = (text_width(&label, 10.0, true) + 10.0).ceil();
            let (w2, h2) = (w / 2.0, 9.0);
            let cx = clamp(hx, w2, (g.width - w2).max(w2));
            out.push(Shape::Box {
                rect: Rect::new((cx - w2).round(), (hy - h2).round(), w, 2.0 * h2),
                fill: Ink::Path,
                pattern: Pattern::Solid,
                stroke: Some(Ink::Focus),
                highlight: false,
            });
            out.push(Shape::Text {
                x: cx.round(),
                y: hy.round(),
                text: label,
                ink: Ink::Text,
                on: Some(Ink::Path),
                size: 10.0,
                align: Align::Center,
                bold: true,
                mono: true,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ease_starts_and_ends_still() {
        assert_eq!(ease(0.0), 0.0);
        assert_eq!(ease(1.0), 1.0);
        assert_eq!(ease(0.5), 0.5);
        assert_eq!(ease(7.0), 1.0);
        assert!(ease(0.1) < 0.1 && ease(0.9) > 0.9);
    }

    #[test]
    fn arrows_leave_and_enter_by_the_facing_edges() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        let below = Rect::new(40.0, 50.0, 10.0, 10.0);
        assert_eq!(ends(&a, &below), (5.0, 10.0, 45.0, 50.0));
        assert_eq!(ends(&below, &a), (45.0, 50.0, 5.0, 10.0));
        let right = Rect::new(20.0, 0.0, 10.0, 10.0);
        assert_eq!(ends(&a, &right), (10.0, 5.0, 20.0, 5.0));
    }
}
