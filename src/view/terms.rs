//! The canvas's words that have a glossary entry (issue 10): the section headings, the CR3
//! register, the table cards and the legend. Their places are the painter's own (the
//! [`Geometry`]); a click there opens the entry in the page's glossary.

use super::geometry::Geometry;
use super::legend::LEGEND;
use super::shape::Rect;

/// Every word of the canvas laid out by `g` that the glossary explains: its rectangle in
/// CSS pixels and the glossary term it opens. A section the layout leaves out has an empty
/// rectangle, which no point is inside.
pub fn terms(g: &Geometry) -> Vec<(Rect, &'static str)> {
    let mut out = Vec::with_capacity(HEADINGS.len() + LEGEND.len());
    let rects = [
        &g.space_title,
        &g.split_title,
        &g.walk_title,
        &g.cr3,
        &g.tables[0],
        &g.tables[1],
        &g.tables[2],
        &g.tables[3],
        &g.tlb_title,
        &g.ws_title,
        &g.ram_title,
        &g.sections_title,
        &g.pagefile_title,
        &g.disk_title,
    ];
    for (rect, term) in rects.into_iter().zip(HEADINGS) {
        if rect.w > 0.0 && rect.h > 0.0 {
            out.push((*rect, term));
        }
    }
    for (entry, rect) in LEGEND.iter().zip(&g.legend) {
        out.push((*rect, entry.term));
    }
    out
}

/// The glossary terms of the headings, CR3 and the table cards, in the order of `terms`.
const HEADINGS: [&str; 14] = [
    "virtual address space",
    "virtual address",
    "walk",
    "CR3",
    "PML4",
    "PDPT",
    "PD",
    "PT",
    "TLB",
    "working set",
    "RAM",
    "prototype PTE",
    "page file",
    "disk",
];

/// The glossary term of the word at (`x`, `y`) CSS pixels of the canvas laid out by `g`.
pub fn term_at(g: &Geometry, x: f64, y: f64) -> Option<&'static str> {
    for (rect, term) in terms(g) {
        if rect.contains(x, y) {
            return Some(term);
        }
    }
    None
}
