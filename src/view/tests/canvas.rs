//! Host tests of the walk, the zoomable strip, motion, and the layout's stability.

use super::*;
use crate::sim::addr::{AddressSplit, Level, Slot};
use crate::sim::picture::TableView;
use crate::view::walk::{path, Holds};
use crate::view::zoom::Window;

/// `touched()` with the four tables of BASE, and one more PT (another 2 MiB) in the same PD.
fn walked() -> Picture {
    let mut p = touched();
    let pt_other = (BASE & !((1 << 21) - 1)) + (5 << 21);
    p.tables = vec![
        TableView {
            level: Level::Pml4,
            covers: 0,
        },
        TableView {
            level: Level::Pdpt,
            covers: BASE & !((1 << 39) - 1),
        },
        TableView {
            level: Level::Pd,
            covers: BASE & !((1 << 30) - 1),
        },
        TableView {
            level: Level::Pt,
            covers: BASE & !((1 << 21) - 1),
        },
        TableView {
            level: Level::Pt,
            covers: pt_other,
        },
    ];
    // A neighbour's PTE in the same PT, two entries further on.
    p.ptes.insert((BASE >> 12) + 2, Pte::DemandZero);
    p
}

fn walk_step() -> Step {
    let s = AddressSplit::of(BASE);
    Step {
        events: Level::ALL
            .iter()
            .map(|l| Event::Walk {
                level: *l,
                index: s.index(*l),
                present: true,
            })
            .collect(),
        narration: String::new(),
        line: None,
    }
}

fn with(frame: Frame<'_>, width: f64, window: Option<Window>, progress: f64) -> Scene {
    layout_with(
        frame,
        width,
        Options {
            window,
            progress,
            ..Default::default()
        },
    )
}

fn frame_of<'a>(
    picture: &'a Picture,
    previous: Option<&'a Picture>,
    step: Option<&'a Step>,
) -> Frame<'a> {
    Frame {
        picture,
        previous,
        step,
    }
}

#[test]
fn the_walk_shows_exactly_the_path_entries_and_elides_the_rest() {
    let p = walked();
    let split = AddressSplit::of(BASE);
    let entries = path(&p, BASE);
    assert!(entries.iter().all(|e| e.table));
    for (e, level) in entries.iter().zip(Level::ALL) {
        assert_eq!((e.level, e.index), (level, split.index(level)));
    }
    assert_eq!(entries[0].holds, Holds::Table(true));
    assert_eq!(entries[3].holds, Holds::Pte(p.ptes[&(BASE >> 12)]));
    // The PD holds the path's PT and one more, five entries after it.
    assert_eq!((entries[2].used_before, entries[2].used_after), (0, 1));
    assert_eq!((entries[3].used_before, entries[3].used_after), (0, 1));

    let s = scene(&p, None, None, 1100.0);
    let t = texts(&s);
    for want in [
        "[4] → PDPT",
        "[209] → PD",
        "[179] → PT",
        "[256] valid → frame #0",
        "A=1 D=1 W=1",
        "… 4 entries above",
        "… 507 entries below",
        "… 332 below, 1 in use",
        "… 255 below, 1 in use",
        "CR3",
    ] {
        assert!(t.contains(&want), "{want:?} in {t:?}");
    }
    // Exactly one entry per table is drawn: the path's.
    let entry_texts = t.iter().filter(|t| t.starts_with('[')).count();
    assert_eq!(entry_texts, 4, "{t:?}");
}

#[test]
fn missing_tables_show_as_not_yet_made() {
    let p = touched(); // Only the PML4 exists.
    let entries = path(&p, BASE);
    assert!(entries[0].table && !entries[1].table);
    assert_eq!(entries[0].holds, Holds::Table(false));
    assert_eq!(entries[3].holds, Holds::Pte(Pte::Empty));
    let s = scene(&p, None, None, 1100.0);
    let t = texts(&s);
    assert!(t.contains(&"[4] empty") && t.contains(&"no PDPT yet") && t.contains(&"no PT yet"));
}

/// Boxes filled with the path ink: the entries lit so far (and CR3 with the PML4).
fn lit(s: &Scene) -> usize {
    s.shapes
        .iter()
        .filter(|sh| {
            matches!(
                sh,
                Shape::Box {
                    fill: Ink::Path,
                    ..
                }
            )
        })
        .count()
}

#[test]
fn the_walk_lights_up_level_by_level() {
    let p = walked();
    let step = walk_step();
    let f = frame_of(&p, Some(&p), Some(&step));
    assert_eq!(lit(&with(f, 1100.0, None, 0.0)), 0);
    assert_eq!(
        lit(&with(f, 1100.0, None, 0.1)),
        2,
        "CR3 and the PML4 entry"
    );
    assert_eq!(lit(&with(f, 1100.0, None, 0.3)), 3);
    assert_eq!(lit(&with(f, 1100.0, None, 0.6)), 4);
    assert_eq!(lit(&with(f, 1100.0, None, 1.0)), 5);
    // Without walk events nothing is lit; a TLB hit says the walk was not needed.
    assert_eq!(lit(&scene(&p, Some(&p), None, 1100.0)), 0);
    let hit = Step {
        events: vec![Event::TlbHit {
            vpn: Vpn(BASE >> 12),
            pfn: Pfn(0),
        }],
        narration: String::new(),
        line: None,
    };
    let s = scene(&p, Some(&p), Some(&hit), 1100.0);
    assert!(texts(&s)
        .iter()
        .any(|t| t.ends_with("not needed, the TLB had it")));
}

#[test]
fn a_changed_walk_entry_is_highlighted() {
    let before = walked();
    let mut after = walked();
    after.ptes.insert(BASE >> 12, Pte::DemandZero);
    let g = Geometry::new(1100.0, sizes());
    let row = walk::path_row(&g.tables[3]);
    let s = scene(&after, Some(&before), None, 1100.0);
    assert_eq!(box_at(&s, &row).map(|b| b.2), Some(true));
    let same = scene(&before, Some(&before), None, 1100.0);
    assert_eq!(box_at(&same, &row).map(|b| b.2), Some(false));
}

/// The x of the focus line in the strip.
fn focus_x(s: &Scene, g: &Geometry) -> Option<f64> {
    s.shapes.iter().find_map(|sh| match sh {
        Shape::Line {
            x1,
            y2,
            ink: Ink::Focus,
            arrow: false,
            ..
        } if *y2 == g.strip.bottom() => Some(*x1),
        _ => None,
    })
}

#[test]
fn zooming_keeps_the_address_under_the_pointer_on_screen() {
    let mut p = walked();
    p.focus = Some(BASE + 0x3000);
    let g = Geometry::new(1100.0, sizes());
    let auto = space::auto_window(&p).expect("allocations");
    let f = frame_of(&p, None, None);
    let x = focus_x(&with(f, 1100.0, None, 1.0), &g).expect("focus in view");
    let fraction = (x - g.strip.x) / g.strip.w;
    for factor in [2.0, 8.0, 0.5] {
        let zoomed = auto.zoom(fraction, factor);
        let x2 = focus_x(&with(f, 1100.0, Some(zoomed), 1.0), &g).expect("still in view");
        assert!((x2 - x).abs() <= 1.0, "×{factor}: {x} → {x2}");
    }
    // Reset (no window) gives back exactly the first picture.
    assert_eq!(with(f, 1100.0, None, 1.0), scene(&p, None, None, 1100.0));
}

#[test]
fn zoomed_out_allocations_stay_visible_and_off_screen_ones_are_counted() {
    let p = walked();
    let g = Geometry::new(800.0, sizes());
    let s = with(frame_of(&p, None, None), 800.0, Some(Window::ALL), 1.0);
    let mark = s.shapes.iter().find_map(|sh| match sh {
        Shape::Box {
            rect,
            fill: Ink::Committed(_),
            ..
        } if g.overview.contains(rect.x, rect.y) => Some(*rect),
        _ => None,
    });
    assert!(mark.is_some_and(|r| r.w >= 3.0), "{mark:?}");
    assert!(texts(&s).contains(&"128 TiB across"));
    // A window left of every allocation counts them at the right end.
    let left = Window::between(0x1_0000, 0x2_0000);
    let s = with(frame_of(&p, None, None), 800.0, Some(left), 1.0);
    let t = texts(&s).join("|");
    assert!(t.contains("2 ▶"), "{t}");
}

#[test]
fn a_page_moving_to_the_page_file_rides_an_arrow() {
    let mut p = touched();
    p.slots[3] = Some(private(Vpn(BASE >> 12)));
    let step = Step {
        events: vec![Event::PageFileWrite {
            slot: Slot(3),
            pfn: Pfn(0),
            vpn: Some(Vpn(BASE >> 12)),
        }],
        narration: String::new(),
        line: None,
    };
    let f = frame_of(&p, Some(&p), Some(&step));
    let g = Geometry::new(800.0, sizes());
    let arrow_end = |s: &Scene| {
        s.shapes.iter().rev().find_map(|sh| match sh {
            Shape::Line {
                x2,
                y2,
                arrow: true,
                ink: Ink::Focus,
                width,
                ..
            } if *width == 2.0 && *y2 > g.ram_title.y => Some((*x2, *y2)),
            _ => None,
        })
    };
    let done = with(f, 800.0, None, 1.0);
    assert_eq!(arrow_end(&done), Some((g.slots[3].cx(), g.slots[3].y)));
    assert!(
        !texts(&done).contains(&"0x23456700")
            || texts(&done).iter().filter(|t| **t == "0x23456700").count() == 1
    );
    let half = with(f, 800.0, None, 0.5);
    let (_, y) = arrow_end(&half).expect("a growing arrow");
    assert!(y > g.frames[0].bottom() && y < g.slots[3].y);
    // The page rides at the head while moving: one more label than when done.
    let count = |s: &Scene| texts(s).iter().filter(|t| **t == "0x23456700").count();
    assert_eq!(count(&half), count(&done) + 1);
}

#[test]
fn a_frame_changing_list_wipes_from_the_old_colour() {
    let mut p = touched();
    p.frames[0].list = FrameList::Standby;
    let step = Step {
        events: vec![Event::PageTrimmed {
            vpn: Vpn(BASE >> 12),
            pfn: Pfn(0),
            policy: None,
            to: FrameList::Standby,
        }],
        narration: String::new(),
        line: None,
    };
    let f = frame_of(&p, Some(&p), Some(&step));
    let g = Geometry::new(800.0, sizes());
    let half = with(f, 800.0, None, 0.5);
    let old = Box::new(g.frames[0]);
    assert!(half.shapes.iter().any(|sh| matches!(sh, Shape::Box { rect, fill: Ink::List(FrameList::Active), .. } if *rect == *old)));
    let done = with(f, 800.0, None, 1.0);
    assert!(!done.shapes.iter().any(|sh| matches!(sh, Shape::Box { fill: Ink::List(FrameList::Active), rect, .. } if *rect == *old)));
    assert!(texts(&done).contains(&"ACTIVE→STANDBY") || texts(&done).contains(&"STANDBY"));
}

#[test]
fn the_layout_does_not_jitter_between_steps() {
    let pictures = [zeroed_machine(), committed(), touched(), walked()];
    for width in [360.0, 1100.0] {
        let g = Geometry::new(width, sizes());
        let scenes: Vec<Scene> = pictures
            .iter()
            .map(|p| scene(p, None, None, width))
            .collect();
        for s in &scenes {
            assert_eq!((s.width, s.height), (g.width, g.height));
            for cell in g.frames.iter().chain(&g.slots).chain(&g.tlb).chain(&g.ws) {
                assert!(box_at(s, cell).is_some(), "a box at {cell:?}");
            }
            assert!(box_at(s, &g.strip).is_some() && box_at(s, &g.overview).is_some());
        }
        // Whatever the picture, the walk's cards and rows sit in the same places.
        for p in &pictures[2..] {
            let s = scene(p, None, None, width);
            for card in &g.tables {
                assert!(box_at(&s, card).is_some(), "{card:?} at {width}");
            }
        }
    }
}

/// Every shape's extent lies inside the canvas.
pub(super) fn assert_inside(s: &Scene, what: &str) {
    for sh in &s.shapes {
        match sh {
            Shape::Box { rect, .. } => assert!(
                rect.x >= 0.0
                    && rect.y >= 0.0
                    && rect.right() <= s.width
                    && rect.bottom() <= s.height,
                "{what}: {rect:?} outside {}×{}",
                s.width,
                s.height
            ),
            Shape::Text {
                x,
                y,
                text,
                size,
                align,
                mono,
                ..
            } => {
                let w = shape::text_width(text, *size, *mono);
                let left = match align {
                    Align::Left => *x,
                    Align::Center => x - w / 2.0,
                    Align::Right => x - w,
                };
                assert!(left >= 0.0 && left + w <= s.width, "{what}: {text:?}");
                assert!(*y >= 0.0 && *y <= s.height, "{what}: {text:?}");
            }
            Shape::Line { x1, y1, x2, y2, .. } => {
                for (x, y) in [(x1, y1), (x2, y2)] {
                    assert!(
                        *x >= 0.0 && *x <= s.width && *y >= 0.0 && *y <= s.height,
                        "{what}: line at {x},{y}"
                    );
                }
            }
        }
    }
}

#[test]
fn everything_stays_inside_the_canvas_at_phone_and_desktop_widths() {
    let p = walked();
    let step = walk_step();
    let windows = [
        None,
        Some(Window::ALL),
        Some(Window::between(BASE + 0x3000, BASE + 0x5000)),
        Some(Window::between(0, 0x10_0000)),
    ];
    for width in [360.0, 1600.0] {
        for window in windows {
            for progress in [0.0, 0.5, 1.0] {
                for picture in [zeroed_machine(), committed(), touched(), walked()] {
                    let f = frame_of(&picture, Some(&p), Some(&step));
                    assert_inside(
                        &with(f, width, window, progress),
                        &format!("{width} {window:?} {progress}"),
                    );
                }
            }
        }
    }
}

#[test]
fn hundreds_of_frames_and_slots_are_drawn_as_unlabelled_squares() {
    let mut p = walked();
    p.frames = vec![p.frames[1]; 256];
    p.slots = vec![Some(private(Vpn(BASE >> 12))); 1024];
    p.working_set.limit = 200;
    let s = scene(&p, None, None, 1100.0);
    let g = Geometry::new(1100.0, geometry::Sizes::of_picture(&p));
    assert!(g.dense_frames && g.dense_slots && g.dense_ws);
    assert_eq!(g.slots.len(), 1024);
    let t = texts(&s);
    assert!(
        !t.iter().any(|t| t.starts_with("s1") || t.starts_with("#1")),
        "no per-cell labels"
    );
    assert!(t.len() < 200, "{} texts", t.len());
    assert_inside(&s, "dense");
}

#[test]
fn a_dense_working_set_outlines_only_the_clock_hand() {
    let mut p = walked();
    p.working_set.limit = 200;
    let page = |n: u64| crate::sim::picture::WsPageView {
        vpn: Vpn(n),
        accessed: n.is_multiple_of(2),
        loaded: n,
        last_use: n,
    };
    p.working_set.pages = (0..150).map(page).collect();
    p.working_set.hand = 7;
    let s = scene(&p, None, None, 1100.0);
    let g = Geometry::new(1100.0, geometry::Sizes::of_picture(&p));
    assert!(g.dense_ws);
    let mut outlined = Vec::new();
    for (i, cell) in g.ws.iter().enumerate() {
        for sh in &s.shapes {
            if let Shape::Box {
                rect,
                pattern,
                stroke,
                ..
            } = sh
            {
                if rect == cell {
                    assert_ne!(*pattern, Pattern::Hollow, "place {i} has no dashed outline");
                    if stroke.is_some() {
                        outlined.push((i, *stroke));
                    }
                }
            }
        }
    }
    assert_eq!(outlined, vec![(7, Some(Ink::Focus))]);
    // Members, free places and cleared accessed bits still look different.
    assert_eq!(box_at(&s, &g.ws[0]).map(|b| b.1), Some(Pattern::Solid));
    assert_eq!(box_at(&s, &g.ws[1]).map(|b| b.1), Some(Pattern::Hatch));
    assert_eq!(box_at(&s, &g.ws[199]).map(|b| b.0), Some(Ink::SlotFree));
}

#[test]
fn a_page_file_of_65536_slots_is_drawn_with_squares_of_several_slots() {
    let mut p = walked();
    p.slots = vec![None; 65_536];
    let before = p.clone();
    p.slots[65_000] = Some(private(Vpn(BASE >> 12)));
    let step = Step {
        events: vec![Event::PageFileWrite {
            slot: Slot(65_000),
            pfn: Pfn(1),
            vpn: Some(Vpn(BASE >> 12)),
        }],
        narration: String::new(),
        line: None,
    };
    let g = Geometry::new(800.0, geometry::Sizes::of_picture(&p));
    assert_eq!(g.slots_per_cell, 64);
    assert_eq!(g.slots.len(), 1024);
    assert!(
        g.height < 2500.0,
        "the canvas stays drawable: {} px",
        g.height
    );
    let s = with(frame_of(&p, Some(&before), Some(&step)), 800.0, None, 1.0);
    let square = &g.slots[65_000 / 64];
    assert_eq!(
        box_at(&s, square),
        Some((Ink::SlotUsed, Pattern::Solid, true)),
        "the square holding slot 65,000 is in use and changed"
    );
    assert_eq!(
        box_at(&s, &g.slots[0]).map(|b| (b.0, b.2)),
        Some((Ink::SlotFree, false))
    );
    assert!(texts(&s).contains(&"Page file: 1 of 65536 slots in use (64 slots a square)"));
    // The page's arrow ends at the square that holds its slot.
    let ends_there = s.shapes.iter().any(|sh| {
        matches!(sh, Shape::Line { x2, y2, arrow: true, .. }
            if *x2 == square.cx() && *y2 == square.y)
    });
    assert!(ends_there, "the arrow goes to slot 65,000's square");
    assert_inside(&s, "65,536 slots");
}

#[test]
fn four_thousand_frames_shrink_their_squares_instead_of_making_the_canvas_tall() {
    let mut p = walked();
    p.frames = vec![p.frames[1]; 4096];
    p.working_set.limit = 4096;
    let sizes = geometry::Sizes::of_picture(&p);
    for width in [619.0, 1100.0] {
        let g = Geometry::new(width, sizes);
        assert_eq!(g.frames.len(), 4096, "one square a frame");
        assert_eq!(g.ws.len(), 4096, "one square a working-set place");
        let ram = g.frames.last().expect("frames").bottom() - g.frames[0].y;
        // At the smallest squares the grid may pass MAX_DENSE_GRID_H a little (4,500 px before).
        assert!(ram < 600.0, "RAM is {ram} px tall at {width}");
        assert!(g
            .frames
            .iter()
            .all(|f| f.h >= geometry::MIN_DENSE_SIDE && f.w >= f.h));
        assert!(g.height < 2000.0, "{} px tall at {width}", g.height);
        assert_inside(&scene(&p, None, None, width), "4096 frames");
    }
    // A few hundred frames keep the full-size squares.
    let mut q = walked();
    q.frames = vec![q.frames[1]; 256];
    let g = Geometry::new(1100.0, geometry::Sizes::of_picture(&q));
    assert_eq!(g.frames[0].h, geometry::DENSE_FRAME.1);
}
