//! The legend: what each colour and pattern means, in words.

use super::geometry::{Geometry, LEGEND_FONT, SWATCH};
use super::shape::{Align, Ink, Pattern, ProtClass, Shape};
use crate::sim::FrameList;

/// One legend entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegendEntry {
    /// The fill.
    pub ink: Ink,
    /// Its pattern.
    pub pattern: Pattern,
    /// What it means.
    pub label: &'static str,
    /// The glossary entry that explains it (the canvas opens it on a click: see
    /// [`super::terms`]).
    pub term: &'static str,
}

/// The pattern a frame on `list` is drawn with, so lists differ without colour too.
pub fn list_pattern(list: FrameList) -> Pattern {
    match list {
        FrameList::Active | FrameList::Zeroed => Pattern::Solid,
        FrameList::Standby => Pattern::Dots,
        FrameList::Modified => Pattern::Hatch,
        FrameList::Free => Pattern::Hollow,
    }
}

/// The short tag written on a frame of `list`.
pub fn list_tag(list: FrameList) -> &'static str {
    match list {
        FrameList::Active => "ACTIVE",
        FrameList::Standby => "STANDBY",
        FrameList::Modified => "MODIFIED",
        FrameList::Free => "FREE",
        FrameList::Zeroed => "ZEROED",
    }
}

const fn entry(ink: Ink, pattern: Pattern, label: &'static str, term: &'static str) -> LegendEntry {
    LegendEntry {
        ink,
        pattern,
        label,
        term,
    }
}

/// Every entry, in reading order.
pub const LEGEND: &[LegendEntry] = &[
    entry(
        Ink::List(FrameList::Active),
        Pattern::Solid,
        "active: in the working set",
        "ACTIVE",
    ),
    entry(
        Ink::List(FrameList::Standby),
        Pattern::Dots,
        "standby: clean, reusable",
        "standby list",
    ),
    entry(
        Ink::List(FrameList::Modified),
        Pattern::Hatch,
        "modified: dirty, to be written",
        "modified list",
    ),
    entry(
        Ink::List(FrameList::Zeroed),
        Pattern::Solid,
        "zeroed",
        "zeroed list",
    ),
    entry(
        Ink::List(FrameList::Free),
        Pattern::Hollow,
        "free",
        "free list",
    ),
    entry(
        Ink::SlotUsed,
        Pattern::Solid,
        "page-file slot in use",
        "slot",
    ),
    entry(Ink::FilePage, Pattern::Solid, "file on disk", "disk"),
    entry(
        Ink::Committed(ProtClass::ReadWrite),
        Pattern::Solid,
        "committed read/write",
        "committed",
    ),
    entry(
        Ink::Committed(ProtClass::ReadOnly),
        Pattern::Solid,
        "committed read-only",
        "committed",
    ),
    entry(Ink::Reserved, Pattern::Hatch, "reserved", "reserved"),
];

/// The legend's shapes.
pub fn shapes(g: &Geometry, out: &mut Vec<Shape>) {
    for (entry, b) in LEGEND.iter().zip(&g.legend) {
        let top = (b.cy() - SWATCH / 2.0).round();
        out.push(Shape::Box {
            rect: super::shape::Rect::new(b.x, top, SWATCH, SWATCH),
            fill: entry.ink,
            pattern: entry.pattern,
            stroke: Some(Ink::Grid),
            highlight: false,
        });
        out.push(Shape::Text {
            x: b.x + SWATCH + 6.0,
            y: b.cy(),
            text: entry.label.to_string(),
            ink: Ink::Text,
            on: None,
            size: LEGEND_FONT,
            align: Align::Left,
            bold: false,
            mono: false,
        });
    }
}
