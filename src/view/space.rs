//! The virtual address space strip: the allocations (VADs) around the action, coloured by
//! state and protection, with a mark under every page that has a physical home.

use super::geometry::Geometry;
use super::shape::{fit, text_width, Align, Ink, Pattern, ProtClass, Rect, Shape};
use super::{bytes, hex, title, Frame};
use crate::sim::addr::{align_down, align_up, ALLOCATION_GRANULARITY, PAGE_SHIFT, PAGE_SIZE};
use crate::sim::consts::{MEM_COMMIT, MEM_RESERVE};
use crate::sim::picture::RegionView;
use crate::sim::{FrameList, Picture, Pte};

/// Most page separators drawn; beyond this the strip is too dense for them to help.
const MAX_PAGE_LINES: usize = 1024;

/// The address window the strip shows: every allocation and the focus address,
/// widened to whole 64 KiB units. `None` when there is nothing to show.
pub fn window(picture: &Picture) -> Option<(u64, u64)> {
    let mut lo = u64::MAX;
    let mut hi = 0u64;
    for r in picture.regions.iter().filter(|r| r.state != 0) {
        lo = lo.min(r.base);
        hi = hi.max(r.base.saturating_add(r.size));
    }
    if let Some(va) = picture.focus {
        lo = lo.min(va);
        hi = hi.max(va.saturating_add(1));
    }
    if lo >= hi {
        return None;
    }
    let lo = align_down(lo, ALLOCATION_GRANULARITY);
    let hi = align_up(hi, ALLOCATION_GRANULARITY).unwrap_or(u64::MAX);
    Some((lo, hi))
}

/// The fill and pattern of a region of pages (reference §6: MEM_COMMIT / MEM_RESERVE).
fn region_ink(r: &RegionView) -> Option<(Ink, Pattern, [String; 2])> {
    match r.state {
        MEM_COMMIT => {
            let class = ProtClass::of(r.protect);
            let pattern = if class == ProtClass::Guard {
                Pattern::Hatch
            } else {
                Pattern::Solid
            };
            Some((
                Ink::Committed(class),
                pattern,
                [
                    format!("committed {} · {}", class.tag(), bytes(r.size)),
                    class.tag().to_string(),
                ],
            ))
        }
        MEM_RESERVE => Some((
            Ink::Reserved,
            Pattern::Hatch,
            [format!("reserved · {}", bytes(r.size)), "res".to_string()],
        )),
        _ => None,
    }
}

/// Where a page's data lives, as a mark under the page (none when it has no data yet).
fn residence(picture: &Picture, pte: &Pte) -> Option<Ink> {
    match pte {
        Pte::Valid { .. } => Some(Ink::List(FrameList::Active)),
        Pte::Transition { pfn } => picture
            .frames
            .get(pfn.0 as usize)
            .map(|f| Ink::List(f.list)),
        Pte::PageFile { .. } => Some(Ink::SlotUsed),
        _ => None,
    }
}

/// The strip's shapes.
pub fn shapes(g: &Geometry, frame: Frame<'_>, out: &mut Vec<Shape>) {
    let picture = frame.picture;
    title(&g.space_title, "Virtual address space", out);
    let strip = g.strip;
    out.push(Shape::Box {
        rect: strip,
        fill: Ink::Panel,
        pattern: Pattern::Solid,
        stroke: Some(Ink::Grid),
        highlight: false,
    });
    let caption = |text: String, align: Align, out: &mut Vec<Shape>| {
        let x = match align {
            Align::Left => g.strip_caption.x,
            Align::Center => g.strip_caption.cx(),
            Align::Right => g.strip_caption.right(),
        };
        out.push(Shape::Text {
            x,
            y: g.strip_caption.cy(),
            text,
            ink: Ink::Muted,
            on: None,
            size: 11.0,
            align,
            bold: false,
            mono: true,
        });
    };
    let Some((lo, hi)) = window(picture) else {
        out.push(Shape::Text {
            x: strip.x + 8.0,
            y: strip.cy(),
            text: fit(
                "Nothing allocated yet: every user address is free.",
                strip.w - 16.0,
                12.0,
                false,
            ),
            ink: Ink::Muted,
            on: None,
            size: 12.0,
            align: Align::Left,
            bold: false,
            mono: false,
        });
        caption(
            fit(
                "user range 0x10000 – 0x7ffffffeffff",
                g.strip_caption.w,
                11.0,
                true,
            ),
            Align::Left,
            out,
        );
        return;
    };
    let span = (hi - lo) as f64;
    let x_of = |va: u64| strip.x + ((va.clamp(lo, hi) - lo) as f64 / span * strip.w).round();
    let page_w = strip.w * PAGE_SIZE as f64 / span;
    let inner = Rect::new(strip.x, strip.y + 1.0, strip.w, strip.h - 2.0);

    let mut lines = 0;
    for r in &picture.regions {
        let Some((ink, pattern, labels)) = region_ink(r) else {
            continue;
        };
        let x0 = x_of(r.base);
        let x1 = x_of(r.base.saturating_add(r.size)).max(x0 + 2.0);
        let rect = Rect::new(x0, inner.y, x1 - x0, inner.h);
        let changed = frame.previous.is_some_and(|prev| !prev.regions.contains(r));
        out.push(Shape::Box {
            rect,
            fill: ink,
            pattern,
            stroke: Some(Ink::Grid),
            highlight: changed,
        });
        // Page boundaries, while pages are wide enough to tell apart.
        if page_w >= 6.0 {
            let mut va = r.base.saturating_add(PAGE_SIZE);
            while va < r.base.saturating_add(r.size) && lines < MAX_PAGE_LINES {
                let x = x_of(va);
                out.push(Shape::Line {
                    x1: x,
                    y1: rect.y + 1.0,
                    x2: x,
                    y2: rect.bottom() - 1.0,
                    ink: Ink::Grid,
                    width: 1.0,
                    arrow: false,
                });
                va += PAGE_SIZE;
                lines += 1;
            }
        }
        // The long label where it fits, else the short one, else none.
        let room = rect.w - 10.0;
        if let Some(text) = labels
            .into_iter()
            .find(|l| text_width(l, 11.0, false) <= room)
        {
            out.push(Shape::Text {
                x: rect.x + 5.0,
                y: rect.y + 11.0,
                text,
                ink: Ink::Text,
                on: Some(ink),
                size: 11.0,
                align: Align::Left,
                bold: false,
                mono: false,
            });
        }
    }

    // A mark under each page whose data has a home: a frame or a page-file slot.
    for (vpn, pte) in picture.ptes.range(lo >> PAGE_SHIFT..hi >> PAGE_SHIFT) {
        if let Some(ink) = residence(picture, pte) {
            let x = x_of(vpn << PAGE_SHIFT);
            let w = (page_w - 4.0).max(2.0).min(page_w.max(2.0));
            out.push(Shape::Box {
                rect: Rect::new(
                    (x + (page_w - w) / 2.0).round(),
                    inner.bottom() - 10.0,
                    w.round().max(2.0),
                    8.0,
                ),
                fill: ink,
                pattern: Pattern::Solid,
                stroke: Some(Ink::Grid),
                highlight: false,
            });
        }
    }

    if let Some(va) = picture.focus {
        let x = x_of(va).max(strip.x + 1.0).min(strip.right() - 1.0);
        out.push(Shape::Line {
            x1: x,
            y1: strip.y - 7.0,
            x2: x,
            y2: strip.bottom(),
            ink: Ink::Focus,
            width: 2.0,
            arrow: false,
        });
        out.push(Shape::Line {
            x1: x,
            y1: strip.y - 8.0,
            x2: x,
            y2: strip.y + 4.0,
            ink: Ink::Focus,
            width: 2.0,
            arrow: true,
        });
    }

    let left = hex(lo);
    let right = hex(hi);
    caption(left.clone(), Align::Left, out);
    if text_width(&left, 11.0, true) + text_width(&right, 11.0, true) + 12.0 <= g.strip_caption.w {
        caption(right, Align::Right, out);
    }
}
