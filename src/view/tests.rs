//! Host tests of the whole layout, on pictures built by hand.

use super::*;
use crate::sim::addr::{Pfn, Vpn};
use crate::sim::consts::{MEM_COMMIT, MEM_PRIVATE, MEM_RESERVE, PAGE_READWRITE};
use crate::sim::picture::{FrameView, RegionView};
use crate::sim::{Event, FrameList, Pte};

const BASE: u64 = 0x234_5670_0000;

/// Process 1's page `vpn`, as a page-file slot's owner.
fn private(vpn: Vpn) -> crate::sim::addr::Owner {
    crate::sim::addr::Owner::Private {
        process: crate::sim::addr::ProcessId(1),
        vpn,
    }
}

fn zeroed_machine() -> Picture {
    Picture {
        frames: vec![
            FrameView {
                list: FrameList::Zeroed,
                vpn: None,
                dirty: false,
                owner: None,
                share_count: 0,
            };
            16
        ],
        slots: vec![None; 32],
        tlb: vec![None; 8],
        working_set: crate::sim::picture::WorkingSetView {
            limit: 8,
            ..Default::default()
        },
        ..Picture::default()
    }
}

/// One page committed at BASE, the rest of the 64 KiB reserved.
fn committed() -> Picture {
    let mut p = zeroed_machine();
    p.regions = vec![
        RegionView {
            base: BASE,
            size: 0x1000,
            state: MEM_COMMIT,
            protect: PAGE_READWRITE,
            allocation_base: BASE,
            allocation_protect: PAGE_READWRITE,
            kind: MEM_PRIVATE,
        },
        RegionView {
            base: BASE + 0x1000,
            size: 0xF000,
            state: MEM_RESERVE,
            protect: 0,
            allocation_base: BASE,
            allocation_protect: PAGE_READWRITE,
            kind: MEM_PRIVATE,
        },
    ];
    p.ptes.insert(BASE >> 12, Pte::DemandZero);
    p
}

/// `committed()` after a write to BASE took frame 0.
fn touched() -> Picture {
    let mut p = committed();
    p.frames[0] = FrameView {
        list: FrameList::Active,
        vpn: Some(Vpn(BASE >> 12)),
        dirty: true,
        owner: None,
        share_count: 1,
    };
    p.ptes.insert(
        BASE >> 12,
        Pte::Valid {
            pfn: Pfn(0),
            accessed: true,
            dirty: true,
            writable: true,
        },
    );
    p.focus = Some(BASE);
    p
}

fn sizes() -> geometry::Sizes {
    geometry::Sizes {
        frames: 16,
        slots: 32,
        tlb: 8,
        working_set: 8,
        prototypes: 0,
        file_pages: 0,
    }
}

fn scene(picture: &Picture, previous: Option<&Picture>, step: Option<&Step>, width: f64) -> Scene {
    layout(
        Frame {
            picture,
            previous,
            step,
        },
        width,
    )
}

/// The box drawn exactly at `rect`, topmost first.
fn box_at(scene: &Scene, rect: &Rect) -> Option<(Ink, Pattern, bool)> {
    scene.shapes.iter().rev().find_map(|s| match s {
        Shape::Box {
            rect: r,
            fill,
            pattern,
            highlight,
            ..
        } if r == rect => Some((*fill, *pattern, *highlight)),
        _ => None,
    })
}

fn texts(scene: &Scene) -> Vec<&str> {
    scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn frames_are_coloured_by_list_and_labelled_with_their_page() {
    let p = touched();
    let s = scene(&p, None, None, 800.0);
    let g = Geometry::new(800.0, sizes());
    assert_eq!(
        box_at(&s, &g.frames[0]),
        Some((Ink::List(FrameList::Active), Pattern::Solid, false))
    );
    assert_eq!(
        box_at(&s, &g.frames[1]).map(|b| b.0),
        Some(Ink::List(FrameList::Zeroed))
    );
    let t = texts(&s);
    assert!(t.contains(&"0x23456700"), "{t:?}");
    let wide = scene(&p, None, None, 2000.0);
    assert!(texts(&wide).contains(&"0x23456700 dirty"));
    assert!(t.contains(&"ACTIVE") && t.contains(&"ZEROED"));
}

#[test]
fn changes_since_the_previous_step_are_highlighted() {
    let before = committed();
    let after = touched();
    let g = Geometry::new(800.0, sizes());
    let s = scene(&after, Some(&before), None, 800.0);
    assert_eq!(box_at(&s, &g.frames[0]).map(|b| b.2), Some(true));
    assert_eq!(box_at(&s, &g.frames[1]).map(|b| b.2), Some(false));

    // A step whose event names frame 5 highlights it even when nothing else changed.
    let step = Step {
        events: vec![Event::FrameZeroed { pfn: Pfn(5) }],
        narration: String::new(),
        line: None,
    };
    let s = scene(&after, Some(&after), Some(&step), 800.0);
    assert_eq!(box_at(&s, &g.frames[5]).map(|b| b.2), Some(true));
    assert_eq!(box_at(&s, &g.frames[0]).map(|b| b.2), Some(false));
}

#[test]
fn regions_show_state_protection_and_resident_pages() {
    let s = scene(&touched(), None, None, 800.0);
    let inks: Vec<(Ink, Pattern)> = s
        .shapes
        .iter()
        .filter_map(|sh| match sh {
            Shape::Box { fill, pattern, .. } => Some((*fill, *pattern)),
            _ => None,
        })
        .collect();
    assert!(inks.contains(&(Ink::Committed(ProtClass::ReadWrite), Pattern::Solid)));
    assert!(inks.contains(&(Ink::Reserved, Pattern::Hatch)));
    let t = texts(&s);
    assert!(
        t.iter().any(|t| t.starts_with("reserved · 60 KiB")),
        "{t:?}"
    );
    assert!(
        t.contains(&"0x23456700000") && t.contains(&"0x23456710000"),
        "{t:?}"
    );
    // The resident mark under the committed page, inside the strip.
    let g = Geometry::new(800.0, sizes());
    let marks = s
        .shapes
        .iter()
        .filter(|sh| matches!(sh, Shape::Box { fill: Ink::List(FrameList::Active), rect, .. } if g.strip.contains(rect.x, rect.y)))
        .count();
    assert_eq!(marks, 1);
}

#[test]
fn the_split_shows_each_table_index() {
    let s = scene(&touched(), None, None, 800.0);
    let t = texts(&s);
    let split = crate::sim::addr::AddressSplit::of(BASE);
    assert!(t.contains(&"Address split of 0x23456700000"), "{t:?}");
    for index in [split.pml4, split.pdpt, split.pd, split.pt] {
        assert!(t.contains(&index.to_string().as_str()), "{index} in {t:?}");
    }
    assert!(t.contains(&"0x000"));
    let empty = scene(&zeroed_machine(), None, None, 800.0);
    assert!(texts(&empty)
        .iter()
        .any(|t| t.starts_with("Access an address")));
}

#[test]
fn page_file_slots_show_their_page() {
    let mut p = touched();
    p.slots[3] = Some(private(Vpn(0x2345_6701)));
    let s = scene(&p, None, None, 800.0);
    let g = Geometry::new(800.0, sizes());
    assert_eq!(box_at(&s, &g.slots[3]).map(|b| b.0), Some(Ink::SlotUsed));
    assert_eq!(
        box_at(&s, &g.slots[2]).map(|b| (b.0, b.1)),
        Some((Ink::SlotFree, Pattern::Hollow))
    );
    let t = texts(&s);
    assert!(t.contains(&"Page file: 1 of 32 slots in use"), "{t:?}");
}

/// A slot held by a page-file section's page is labelled with the section and page, as
/// its frame is (docs/windows-sections.md §8.2).
#[test]
fn a_slot_held_by_a_section_page_names_the_section() {
    let mut p = touched();
    p.slots[5] = Some(crate::sim::addr::Owner::Shared {
        section: crate::sim::addr::SectionId(2),
        index: 1,
    });
    let s = scene(&p, None, None, 800.0);
    let g = Geometry::new(800.0, sizes());
    assert_eq!(box_at(&s, &g.slots[5]).map(|b| b.0), Some(Ink::SlotUsed));
    assert!(texts(&s).contains(&"S2 p1"), "{:?}", texts(&s));
}

#[test]
fn every_shape_stays_on_the_canvas() {
    for width in [260.0, 360.0, 1024.0] {
        for p in [zeroed_machine(), committed(), touched()] {
            canvas::assert_inside(&scene(&p, None, None, width), &format!("width {width}"));
        }
    }
}

#[test]
fn layout_is_deterministic() {
    let a = scene(&touched(), Some(&committed()), None, 640.0);
    let b = scene(&touched(), Some(&committed()), None, 640.0);
    assert_eq!(a, b);
    assert_eq!(bytes(4096), "4 KiB");
    assert_eq!(bytes(8), "8 bytes");
    assert_eq!(bytes(0x10_0000), "1 MiB");
}

#[test]
fn tlb_and_working_set_show_translation_and_policy_state() {
    use crate::sim::picture::{TlbView, WsPageView};
    let before = touched();
    let mut p = touched();
    p.tlb[2] = Some(TlbView {
        vpn: Vpn(BASE >> 12),
        pfn: Pfn(0),
        last_use: 5,
    });
    p.working_set.pages.push(WsPageView {
        vpn: Vpn(BASE >> 12),
        accessed: true,
        loaded: 1,
        last_use: 5,
    });
    p.counters.tlb_misses = 1;
    let s = scene(&p, Some(&before), None, 1000.0);
    let t = texts(&s);
    assert!(t.contains(&"0x23456700 → #0"), "{t:?}");
    assert!(t.contains(&"recent #1"));
    assert!(t.contains(&"A=1 ◀ hand"), "{t:?}");
    assert!(t.contains(&"TLB: 1 of 8 entries · 0 hits, 1 miss"));
    assert!(t.contains(&"Working set: 1 of 8 pages · clock"));
    let g = Geometry::new(1000.0, sizes());
    assert_eq!(
        box_at(&s, &g.tlb[2]).map(|b| b.2),
        Some(true),
        "new entry highlighted"
    );
    assert_eq!(box_at(&s, &g.tlb[1]).map(|b| b.1), Some(Pattern::Hollow));
    assert_eq!(
        box_at(&s, &g.ws[0]).map(|b| (b.0, b.2)),
        Some((Ink::List(FrameList::Active), true))
    );
    // Side by side on a wide canvas, stacked on a phone.
    assert_eq!(g.tlb_title.y, g.ws_title.y);
    let phone = Geometry::new(360.0, sizes());
    assert!(phone.ws_title.y > phone.tlb_title.y);
}

mod canvas;
mod motion;
mod processes;
mod terms;

/// kernel32.dll's image is in every address space (DESIGN §9): the strip draws and names
/// it while it is alone, and leaves it out once the process has memory of its own.
#[test]
fn the_image_is_drawn_only_while_it_is_alone() {
    use crate::sim::system::image::KERNEL32_BASE;
    let image = crate::sim::Machine::new(crate::sim::Config::default())
        .picture()
        .regions;
    assert_eq!(image.len(), 3, "{image:?}");
    let mut alone = zeroed_machine();
    alone.regions = image.clone();
    let s = scene(&alone, None, None, 800.0);
    let t = texts(&s);
    assert!(t.contains(&"kernel32.dll"), "{t:?}");
    assert!(t.contains(&hex(KERNEL32_BASE).as_str()), "{t:?}");
    let mut both = committed();
    both.regions.extend(image);
    let s = scene(&both, None, None, 800.0);
    let t = texts(&s);
    assert!(!t.contains(&"kernel32.dll"), "{t:?}");
    assert!(
        t.contains(&"0x23456710000"),
        "the strip ends with the allocation: {t:?}"
    );
    assert_eq!(space::drawn_count(&both), 2);
}

/// With no memory of its own but an address in focus elsewhere (a view just unmapped),
/// the strip stays on that address rather than stretching to the image.
#[test]
fn the_image_is_left_out_when_the_focus_is_elsewhere() {
    let mut p = zeroed_machine();
    p.regions = crate::sim::Machine::new(crate::sim::Config::default())
        .picture()
        .regions;
    p.focus = Some(BASE);
    assert!(!space::image_drawn(&p));
    let t = texts(&scene(&p, None, None, 800.0)).join("|");
    assert!(
        t.contains("0x23456710000") && !t.contains("kernel32.dll"),
        "{t}"
    );
    p.focus = Some(crate::sim::system::image::KERNEL32_BASE + 0x1000);
    assert!(space::image_drawn(&p));
}
