//! Host tests of the canvas's glossary words (issue 10): where they are, what they open.

use super::*;
use crate::view::legend::LEGEND;
use crate::view::terms::{term_at, terms};

/// Every name (term and alias) of the page's glossary, lower-cased.
fn glossary_names() -> Vec<String> {
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../../www/glossary.json")).expect("glossary.json");
    let mut names = Vec::new();
    for e in &entries {
        names.push(e["term"].as_str().expect("a term").to_lowercase());
        for a in e["aliases"].as_array().into_iter().flatten() {
            names.push(a.as_str().expect("an alias").to_lowercase());
        }
    }
    names
}

#[test]
fn every_canvas_term_is_on_the_canvas_over_its_word_and_has_a_glossary_entry() {
    let names = glossary_names();
    let picture = touched();
    for width in [320.0, 600.0, 900.0, 1400.0] {
        let scene = scene(&picture, None, None, width);
        let g = Geometry::new(width, geometry::Sizes::of_picture(&picture));
        let list = terms(&g);
        // The headings, CR3, the four table cards and every legend entry.
        assert!(list.len() >= 12 + LEGEND.len(), "{width}: {list:?}");
        for (rect, term) in &list {
            assert!(
                rect.x >= 0.0
                    && rect.y >= 0.0
                    && rect.right() <= scene.width
                    && rect.bottom() <= scene.height,
                "{width}: '{term}' at {rect:?} is off the canvas"
            );
            assert!(
                names.contains(&term.to_lowercase()),
                "'{term}' has no glossary entry"
            );
            // The painter writes a word inside the rectangle.
            let written = scene.shapes.iter().any(|s| match s {
                Shape::Text { x, y, text, .. } => !text.is_empty() && rect.contains(*x, *y),
                _ => false,
            });
            assert!(written, "{width}: no word is painted where '{term}' is");
        }
    }
}

#[test]
fn a_heading_opens_its_term_and_empty_space_none() {
    let g = Geometry::new(900.0, sizes());
    let at = |r: &Rect| term_at(&g, r.x + 4.0, r.cy());
    assert_eq!(at(&g.tlb_title), Some("TLB"));
    assert_eq!(at(&g.walk_title), Some("walk"));
    assert_eq!(at(&g.ram_title), Some("RAM"));
    assert_eq!(at(&g.legend[1]), Some("standby list"));
    assert_eq!(at(&g.cr3), Some("CR3"));
    // A frame cell, the strip and the space between the sections are not words.
    assert_eq!(at(&g.frames[0]), None);
    assert_eq!(term_at(&g, g.strip.cx(), g.strip.cy()), None);
    assert_eq!(term_at(&g, 450.0, g.height + 50.0), None);
    assert_eq!(term_at(&g, -5.0, -5.0), None);
}
