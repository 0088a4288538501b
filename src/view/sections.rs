//! Sections (file mappings) and their prototype PTEs (reference §8.7): one cell per
//! prototype PTE, section after section, under RAM. A prototype PTE describes a shared
//! page once for every process that maps it; when the page is in RAM a line joins it to
//! its frame, whose cell shows the share count.

use super::geometry::Geometry;
use super::shape::{fit, Align, Ink, Pattern, Shape};
use super::{title, Frame};
use crate::sim::picture::SectionPicture;
use crate::sim::{Picture, Pte};

/// What a prototype PTE says, shortest words first fitting the cell.
fn state(picture: &Picture, pte: &Pte) -> (Ink, Pattern, String) {
    match pte {
        Pte::Valid { pfn, .. } => (
            Ink::List(crate::sim::FrameList::Active),
            Pattern::Solid,
            format!("valid → #{}", pfn.0),
        ),
        Pte::Transition { pfn } => {
            let list = picture
                .frames
                .get(pfn.0 as usize)
                .map_or(crate::sim::FrameList::Standby, |f| f.list);
            (
                Ink::List(list),
                Pattern::Dots,
                format!("trans. → #{}", pfn.0),
            )
        }
        Pte::PageFile { slot } => (
            Ink::SlotUsed,
            Pattern::Solid,
            format!("page file s{}", slot.0),
        ),
        Pte::DemandZero => (Ink::Panel, Pattern::Solid, "demand-zero".to_string()),
        Pte::Empty | Pte::Prototype { .. } => {
            (Ink::SlotFree, Pattern::Hollow, "not read yet".to_string())
        }
    }
}

/// How a section is named in the panel's title.
fn name(s: &SectionPicture) -> String {
    let backing = if s.backing == "pagefile" {
        "page file".to_string()
    } else {
        format!("file {}", s.backing)
    };
    match &s.name {
        Some(n) => format!("S{} \"{n}\" ({backing}, {} views)", s.id, s.views),
        None => format!("S{} ({backing}, {} views)", s.id, s.views),
    }
}

/// The sections panel's shapes.
pub fn shapes(g: &Geometry, frame: Frame<'_>, out: &mut Vec<Shape>) {
    let picture = frame.picture;
    if g.prototypes.is_empty() || picture.sections.is_empty() {
        return;
    }
    let mut names = Vec::with_capacity(picture.sections.len());
    for s in &picture.sections {
        names.push(name(s));
    }
    title(
        &g.sections_title,
        &format!("Sections' prototype PTEs: {}", names.join("; ")),
        out,
    );
    let mut ptes = Vec::with_capacity(g.prototypes.len());
    for s in &picture.sections {
        for (i, p) in s.prototypes.iter().enumerate() {
            ptes.push((s, i, p));
        }
    }
    let touched = super::memory::touched_frames(frame.step);
    for (cell, &(s, i, pte)) in g.prototypes.iter().zip(&ptes) {
        let before = frame
            .previous
            .and_then(|p| p.sections.iter().find(|o| o.id == s.id))
            .and_then(|o| o.prototypes.get(i));
        let (fill, pattern, words) = state(picture, pte);
        out.push(Shape::Box {
            rect: *cell,
            fill,
            pattern,
            stroke: Some(Ink::Grid),
            highlight: frame.previous.is_some() && before != Some(pte),
        });
        let line = |y: f64, text: String, size: f64| Shape::Text {
            x: cell.cx(),
            y,
            text: fit(&text, cell.w - 6.0, size, true),
            ink: Ink::Text,
            on: Some(fill),
            size,
            align: Align::Center,
            bold: false,
            mono: true,
        };
        out.push(line(cell.y + 10.0, format!("S{} p{i}", s.id), 10.0));
        out.push(line(cell.bottom() - 10.0, words, 10.0));
        // The page in RAM: a line up to its frame.
        if let Pte::Valid { pfn, .. } | Pte::Transition { pfn } = pte {
            if let Some(f) = g.frames.get(pfn.0 as usize) {
                let strong = touched.contains(&pfn.0);
                out.push(Shape::Line {
                    x1: cell.cx(),
                    y1: cell.y,
                    x2: f.cx(),
                    y2: f.bottom(),
                    ink: if strong { Ink::Focus } else { Ink::Muted },
                    width: if strong { 2.0 } else { 1.0 },
                    arrow: true,
                });
            }
        }
    }
}
