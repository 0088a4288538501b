//! Host tests of the arrows of file I/O and copy-on-write (issue 9's picture).

use super::*;
use crate::sim::picture::FilePicture;
use crate::view::geometry::Sizes;
use crate::view::motion::moves;

/// `touched()` with "notes.txt", two pages long, on the disk.
fn with_file() -> Picture {
    let mut p = touched();
    p.files = vec![FilePicture {
        name: "notes.txt".into(),
        size: 5000,
    }];
    p
}

fn geometry() -> Geometry {
    Geometry::new(
        800.0,
        Sizes {
            file_pages: 2,
            ..sizes()
        },
    )
}

fn step(events: Vec<Event>) -> Step {
    Step {
        events,
        narration: String::new(),
        line: None,
    }
}

fn frame<'a>(picture: &'a Picture, step: &'a Step) -> Frame<'a> {
    Frame {
        picture,
        previous: Some(picture),
        step: Some(step),
    }
}

/// The (from, to) cells of the step's arrows.
fn arrows(g: &Geometry, f: Frame<'_>) -> Vec<(Rect, Rect)> {
    moves(g, f).into_iter().map(|m| (m.from, m.to)).collect()
}

/// How many arrows the scene draws at `progress` beyond those of a step with no event, and
/// how many texts equal `label`.
fn drawn(f: Frame<'_>, progress: f64, label: &str) -> (usize, usize) {
    let quiet = step(Vec::new());
    let (lines, _) = scene_counts(frame(f.picture, &quiet), progress, label);
    let (more, with) = scene_counts(f, progress, label);
    (more - lines, with)
}

fn scene_counts(f: Frame<'_>, progress: f64, label: &str) -> (usize, usize) {
    let s = layout_with(
        f,
        800.0,
        Options {
            progress,
            ..Default::default()
        },
    );
    let lines = s
        .shapes
        .iter()
        .filter(|sh| {
            matches!(sh, Shape::Line { arrow: true, ink: Ink::Focus, width, .. } if *width == 2.0)
        })
        .count();
    (lines, texts(&s).iter().filter(|t| **t == label).count())
}

#[test]
fn a_mapped_file_page_rides_from_its_file_into_a_frame_and_back() {
    let p = with_file();
    let g = geometry();
    let read = step(vec![Event::FileRead {
        file: "notes.txt".into(),
        offset: 4096,
        bytes: 904,
        pfn: Some(Pfn(3)),
    }]);
    assert_eq!(arrows(&g, frame(&p, &read)), vec![(g.disk[1], g.frames[3])]);
    let (lines, _) = drawn(frame(&p, &read), 1.0, "notes.txt p1");
    assert_eq!(lines, 1);
    // The page rides at the head while moving, named by its file and page: one more label
    // than when done.
    assert_eq!(
        drawn(frame(&p, &read), 0.5, "notes.txt p1").1,
        drawn(frame(&p, &read), 1.0, "notes.txt p1").1 + 1
    );
    // The mapped page writer or a flush: frame → the file's page.
    let written = step(vec![Event::FileWrite {
        file: "notes.txt".into(),
        offset: 0,
        bytes: 4096,
        pfn: Some(Pfn(5)),
    }]);
    assert_eq!(
        arrows(&g, frame(&p, &written)),
        vec![(g.frames[5], g.disk[0])]
    );
    // A file the disk does not show draws nothing.
    let other = step(vec![Event::FileWrite {
        file: "other.txt".into(),
        offset: 0,
        bytes: 1,
        pfn: Some(Pfn(5)),
    }]);
    assert!(arrows(&g, frame(&p, &other)).is_empty());
}

#[test]
fn write_file_lights_its_pages_without_an_arrow() {
    let p = with_file();
    let g = geometry();
    let s = step(vec![Event::FileWrite {
        file: "notes.txt".into(),
        offset: 4000,
        bytes: 200,
        pfn: None,
    }]);
    assert!(arrows(&g, frame(&p, &s)).is_empty());
    assert_eq!(drawn(frame(&p, &s), 1.0, "p1").0, 0);
    let lit = disk::touched(Some(&s));
    assert_eq!(lit, vec![("notes.txt", 0, true), ("notes.txt", 1, true)]);
}

#[test]
fn copy_on_write_draws_the_copy_from_the_shared_frame_to_the_private_one() {
    let p = touched();
    let g = geometry();
    let valid = |pfn, writable| Pte::Valid {
        pfn: Pfn(pfn),
        accessed: true,
        dirty: writable,
        writable,
    };
    let copy = step(vec![Event::PteWritten {
        vpn: Vpn(BASE >> 12),
        old: valid(1, false),
        new: valid(2, true),
    }]);
    assert_eq!(
        arrows(&g, frame(&p, &copy)),
        vec![(g.frames[1], g.frames[2])]
    );
    assert_eq!(drawn(frame(&p, &copy), 1.0, "").0, 1);
    // The same frame made writable (VirtualProtect) is no copy.
    let same = step(vec![Event::PteWritten {
        vpn: Vpn(BASE >> 12),
        old: valid(1, false),
        new: valid(1, true),
    }]);
    assert!(arrows(&g, frame(&p, &same)).is_empty());
}

/// A file's pages on the disk have a colour of their own, not the page file's, and the
/// legend says what it means.
#[test]
fn disk_cells_have_their_own_colour_and_legend_entry() {
    let s = scene(&with_file(), None, None, 800.0);
    let fills: Vec<Ink> = s
        .shapes
        .iter()
        .filter_map(|sh| match sh {
            Shape::Box { fill, .. } => Some(*fill),
            _ => None,
        })
        .collect();
    // Two pages of notes.txt and the legend's swatch.
    assert_eq!(fills.iter().filter(|f| **f == Ink::FilePage).count(), 3);
    let slot_inks = fills.iter().filter(|f| **f == Ink::SlotUsed).count();
    assert_eq!(slot_inks, 1, "only the legend's: no slot is in use");
    assert!(texts(&s).contains(&"file on disk"));
}
