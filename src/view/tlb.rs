//! The TLB: each entry's cached translation and its LRU recency (DESIGN §2: fully
//! associative, least recently used entry replaced).

use super::geometry::Geometry;
use super::shape::{fit, Align, Ink, Pattern, Shape};
use super::{count, hex, title, Frame};
use crate::sim::addr::Vpn;
use crate::sim::Event;

/// Pages whose TLB entry the step's events name.
fn touched(frame: Frame<'_>) -> Vec<Vpn> {
    let mut vpns = Vec::new();
    for e in frame.step.map(|s| s.events.as_slice()).unwrap_or_default() {
        match e {
            Event::TlbHit { vpn, .. } | Event::TlbFill { vpn, .. } | Event::TlbFlush { vpn } => {
                vpns.push(*vpn)
            }
            _ => {}
        }
    }
    vpns
}

/// The TLB's shapes.
pub fn shapes(g: &Geometry, frame: Frame<'_>, out: &mut Vec<Shape>) {
    let picture = frame.picture;
    // Recency rank: 1 is the most recently used entry, the last one is replaced next.
    let mut stamps = Vec::with_capacity(picture.tlb.len());
    for e in picture.tlb.iter().flatten() {
        stamps.push(e.last_use);
    }
    let used = stamps.len();
    let c = picture.counters;
    // With several processes the TLB holds the running one's translations only: a
    // context switch flushes it (DESIGN §9).
    let whose = match super::board::switch(frame) {
        Some((_, _, _, flushed)) => format!(
            " ({}: flushed by the context switch, {})",
            picture.process.name,
            super::count(flushed as u64, "entry", "entries")
        ),
        None if picture.processes.len() > 1 => format!(" ({})", picture.process.name),
        None => String::new(),
    };
    title(
        &g.tlb_title,
        &format!(
            "TLB{whose}: {used} of {} entries · {}, {}",
            picture.tlb.len(),
            count(c.tlb_hits, "hit", "hits"),
            count(c.tlb_misses, "miss", "misses")
        ),
        out,
    );
    let touched = touched(frame);
    // Ascending then reversed: the same sort routine as the rest of the module.
    stamps.sort_unstable();
    stamps.reverse();
    for (i, (cell, entry)) in g.tlb.iter().zip(&picture.tlb).enumerate() {
        let changed = frame
            .previous
            .is_some_and(|prev| prev.tlb.get(i) != Some(entry))
            || entry.is_some_and(|e| touched.contains(&e.vpn));
        let (fill, pattern) = match entry {
            Some(_) => (Ink::Panel, Pattern::Solid),
            None => (Ink::SlotFree, Pattern::Hollow),
        };
        out.push(Shape::Box {
            rect: *cell,
            fill,
            pattern,
            stroke: Some(Ink::Grid),
            highlight: changed,
        });
        let small = |x: f64, text: String, align: Align| Shape::Text {
            x,
            y: cell.y + 9.0,
            text,
            ink: Ink::Muted,
            on: None,
            size: 9.0,
            align,
            bold: false,
            mono: false,
        };
        out.push(small(cell.x + 4.0, format!("entry {i}"), Align::Left));
        match entry {
            Some(e) => {
                let rank = stamps.iter().position(|s| *s == e.last_use).unwrap_or(0) + 1;
                out.push(small(
                    cell.right() - 4.0,
                    format!("recent #{rank}"),
                    Align::Right,
                ));
                out.push(Shape::Text {
                    x: cell.cx(),
                    y: cell.bottom() - 10.0,
                    text: fit(
                        &format!("{} → #{}", hex(e.vpn.0), e.pfn.0),
                        cell.w - 6.0,
                        11.0,
                        true,
                    ),
                    ink: Ink::Text,
                    on: None,
                    size: 11.0,
                    align: Align::Center,
                    bold: false,
                    mono: true,
                });
            }
            None => out.push(Shape::Text {
                x: cell.cx(),
                y: cell.bottom() - 10.0,
                text: "empty".to_string(),
                ink: Ink::Muted,
                on: None,
                size: 10.0,
                align: Align::Center,
                bold: false,
                mono: false,
            }),
        }
    }
}
