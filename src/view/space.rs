//! The virtual address space: an overview of the whole 128 TB user range, where every
//! allocation is a mark at least a few pixels wide, and under it the strip, drawn to scale
//! for the window the reader zoomed to (by default, the allocations and the focus).
//! Regions are coloured by state and protection; a mark under a page tells where its data
//! lives.

use super::geometry::Geometry;
use super::shape::{fit, text_width, Align, Ink, Pattern, ProtClass, Rect, Shape};
use super::zoom::Window;
use super::{bytes, clamp, hex, hint, line, title, Frame};
use crate::sim::addr::{align_down, align_up, ALLOCATION_GRANULARITY, PAGE_SHIFT, PAGE_SIZE};
use crate::sim::consts::{MEM_COMMIT, MEM_IMAGE, MEM_RESERVE};
use crate::sim::picture::RegionView;
use crate::sim::system::image::KERNEL32_NAME;
use crate::sim::{FrameList, Picture, Pte};

/// Most page separators drawn; beyond this the strip is too dense for them to help.
const MAX_PAGE_LINES: usize = 1024;
/// Narrowest mark of an allocation, so that a 64 KiB allocation shows in 128 TB.
const MIN_MARK_W: f64 = 3.0;
/// Narrowest drawing of the strip's window on the overview.
const MIN_LENS_W: f64 = 5.0;

/// Whether the strip and the overview draw kernel32.dll's image: it is mapped in every
/// process (DESIGN §9), so it is drawn only while the process has no memory of its own and
/// the CPU works on no address outside it, and a lesson's strip stays on what the lesson
/// allocates or touches.
pub fn image_drawn(picture: &Picture) -> bool {
    let mut focus_in_image = picture.focus.is_none();
    for r in &picture.regions {
        if r.state != 0 && r.kind != MEM_IMAGE {
            return false;
        }
        if let Some(va) = picture.focus {
            focus_in_image |= r.kind == MEM_IMAGE && va >= r.base && va - r.base < r.size;
        }
    }
    focus_in_image
}

/// Whether region `r` is drawn, `image` being [`image_drawn`].
fn drawn(r: &RegionView, image: bool) -> bool {
    r.state != 0 && (image || r.kind != MEM_IMAGE)
}

/// How many regions the strip draws (all of them when zoomed out far enough).
pub fn drawn_count(picture: &Picture) -> usize {
    let image = image_drawn(picture);
    picture.regions.iter().filter(|r| drawn(r, image)).count()
}

/// The window the strip shows unless the reader zoomed: every allocation drawn and the
/// focus address (unless it is in an image left out), widened to whole 64 KiB units.
/// `None` when there is nothing to show.
pub fn auto_window(picture: &Picture) -> Option<Window> {
    let mut lo = u64::MAX;
    let mut hi = 0u64;
    let image = image_drawn(picture);
    let mut hidden = 0..0;
    for r in &picture.regions {
        if drawn(r, image) {
            lo = lo.min(r.base);
            hi = hi.max(r.base.saturating_add(r.size));
        } else if r.state != 0 {
            // The image left out: one allocation, its regions in address order.
            hidden = r.allocation_base..r.base.saturating_add(r.size);
        }
    }
    if let Some(va) = picture.focus.filter(|va| !hidden.contains(va)) {
        lo = lo.min(va);
        hi = hi.max(va.saturating_add(1));
    }
    if lo >= hi {
        return None;
    }
    let lo = align_down(lo, ALLOCATION_GRANULARITY);
    let hi = align_up(hi, ALLOCATION_GRANULARITY).unwrap_or(u64::MAX);
    Some(Window::between(lo, hi))
}

/// The window the strip shows: the reader's, else the automatic one, else everything.
pub fn window(picture: &Picture, chosen: Option<Window>) -> Window {
    chosen
        .map(Window::clamped)
        .or_else(|| auto_window(picture))
        .unwrap_or(Window::ALL)
}

/// The fill and pattern of a region of pages (reference §6: MEM_COMMIT / MEM_RESERVE),
/// with its labels, longest first.
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

/// A byte count to about two figures: `64 KiB`, `1.5 MiB`, `128 TiB` (integers only, so
/// no float formatting reaches the wasm).
pub fn about(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut unit = 0;
    let mut scale = 1u64;
    while unit + 1 < UNITS.len() && n >= scale * 1024 {
        scale *= 1024;
        unit += 1;
    }
    // With n = q·scale + r the tenths are 10q + (10r + scale/2)/scale; q < 2^24.
    let tenths = n / scale * 10 + (n % scale * 10 + scale / 2) / scale;
    if tenths >= 100 || tenths.is_multiple_of(10) {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

fn label(x: f64, y: f64, text: String, ink: Ink, size: f64, align: Align) -> Shape {
    Shape::Text {
        x,
        y,
        text,
        ink,
        on: None,
        size,
        align,
        bold: false,
        mono: true,
    }
}

/// A region's name inside its box at (`x`, `y`), on the region's `ink`.
fn region_label(x: f64, y: f64, text: String, ink: Ink) -> Shape {
    Shape::Text {
        x: x + 5.0,
        y: y + 11.0,
        text,
        ink: Ink::Text,
        on: Some(ink),
        size: 11.0,
        align: Align::Left,
        bold: false,
        mono: false,
    }
}

/// The section's shapes, with the strip showing `chosen` (or the allocations).
pub fn shapes(g: &Geometry, frame: Frame<'_>, chosen: Option<Window>, out: &mut Vec<Shape>) {
    let picture = frame.picture;
    let title_rect = Rect::new(
        g.space_title.x,
        g.space_title.y,
        g.zoom_controls.x - g.space_title.x - 8.0,
        g.space_title.h,
    );
    let heading = if picture.processes.len() > 1 {
        let name = &picture.process.name;
        super::shape::first_fit(
            &[
                format!("Virtual address space of {name}"),
                format!("Address space of {name}"),
                name.clone(),
            ],
            title_rect.w,
            14.0,
            false,
        )
    } else {
        "Virtual address space".to_string()
    };
    title(&title_rect, &heading, out);
    let win = window(picture, chosen);
    overview(g, picture, win, out);
    let nothing = drawn_count(picture) == 0 && picture.focus.is_none();
    strip(g, frame, win, nothing && chosen.is_none(), out);
}

/// The whole user range, with allocation marks and the strip's window.
fn overview(g: &Geometry, picture: &Picture, win: Window, out: &mut Vec<Shape>) {
    let o = g.overview;
    out.push(Shape::Box {
        rect: o,
        fill: Ink::Panel,
        pattern: Pattern::Solid,
        stroke: Some(Ink::Grid),
        highlight: false,
    });
    let x_of = |va: u64| o.x + Window::ALL.fraction(va) * o.w;
    let size = 9.0;
    out.push(label(
        o.x + 3.0,
        o.cy(),
        "0".into(),
        Ink::Muted,
        size,
        Align::Left,
    ));
    out.push(label(
        o.right() - 3.0,
        o.cy(),
        about(Window::ALL.span),
        Ink::Muted,
        size,
        Align::Right,
    ));
    // One mark per allocation, never thinner than MIN_MARK_W.
    let mut last_right = f64::NEG_INFINITY;
    let image = image_drawn(picture);
    for r in picture.regions.iter().filter(|r| drawn(r, image)) {
        let Some((ink, _, _)) = region_ink(r) else {
            continue;
        };
        let x0 = x_of(r.base).floor().min(o.right() - MIN_MARK_W);
        let x1 = x_of(r.base.saturating_add(r.size))
            .ceil()
            .max(x0 + MIN_MARK_W);
        if x1 <= last_right {
            continue; // Already covered by a neighbour's mark at this scale.
        }
        last_right = x1;
        out.push(Shape::Box {
            rect: Rect::new(x0, o.y + 2.0, x1 - x0, o.h - 4.0),
            fill: ink,
            pattern: Pattern::Solid,
            stroke: None,
            highlight: false,
        });
    }
    // The lens: the strip's window on the overview, and lines down to the strip's ends.
    let mut lx0 = x_of(win.lo);
    let mut lx1 = x_of(win.hi());
    if lx1 - lx0 < MIN_LENS_W {
        let c = (lx0 + lx1) / 2.0;
        lx0 = clamp(c - MIN_LENS_W / 2.0, o.x, o.right() - MIN_LENS_W);
        lx1 = lx0 + MIN_LENS_W;
    }
    let (lx0, lx1) = (lx0.round(), lx1.round());
    let (top, bottom) = (o.y - 1.0, o.bottom() + 1.0);
    for (x1, y1, x2, y2) in [
        (lx0, top, lx1, top),
        (lx0, bottom, lx1, bottom),
        (lx0, top, lx0, bottom),
        (lx1, top, lx1, bottom),
    ] {
        out.push(line(x1, y1, x2, y2, Ink::Focus, 2.0));
    }
    let s = g.strip;
    out.push(line(lx0, bottom, s.x, s.y, Ink::Grid, 1.0));
    out.push(line(lx1, bottom, s.right(), s.y, Ink::Grid, 1.0));
}

/// The strip at `win`, or a hint when nothing is allocated and the reader has not zoomed.
fn strip(g: &Geometry, frame: Frame<'_>, win: Window, empty: bool, out: &mut Vec<Shape>) {
    let picture = frame.picture;
    let strip = g.strip;
    out.push(Shape::Box {
        rect: strip,
        fill: Ink::Panel,
        pattern: Pattern::Solid,
        stroke: Some(Ink::Grid),
        highlight: false,
    });
    let cap = g.strip_caption;
    if empty {
        hint(
            strip.x + 8.0,
            strip.cy(),
            "Nothing allocated yet: every user address is free.",
            strip.w - 16.0,
            out,
        );
        let text = fit("user range 0x10000 – 0x7ffffffeffff", cap.w, 11.0, true);
        out.push(label(cap.x, cap.cy(), text, Ink::Muted, 11.0, Align::Left));
        return;
    }
    let (lo, hi) = (win.lo, win.hi());
    let x_of = |va: u64| {
        let f = clamp(win.fraction(va), 0.0, 1.0);
        strip.x + (f * strip.w).round()
    };
    let page_w = strip.w * PAGE_SIZE as f64 / win.span as f64;
    let inner = Rect::new(strip.x, strip.y + 1.0, strip.w, strip.h - 2.0);

    let (mut left_out, mut right_out) = (0, 0);
    let mut lines = 0;
    let image = image_drawn(picture);
    // Where kernel32.dll's image is drawn, and the fill its name sits on.
    let mut image_at: Option<(f64, f64, Ink)> = None;
    for r in picture.regions.iter().filter(|r| drawn(r, image)) {
        let Some((ink, pattern, labels)) = region_ink(r) else {
            continue;
        };
        let end = r.base.saturating_add(r.size);
        if end <= lo {
            left_out += 1;
            continue;
        }
        if r.base >= hi {
            right_out += 1;
            continue;
        }
        let x0 = x_of(r.base).min(strip.right() - 2.0);
        let x1 = x_of(end).max(x0 + 2.0);
        let rect = Rect::new(x0, inner.y, x1 - x0, inner.h);
        if r.kind == MEM_IMAGE {
            // The image's pages are named once, across them all, below.
            let at = image_at.get_or_insert((x0, x1, ink));
            at.1 = x1;
        }
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
            let first = align_up(r.base.max(lo).saturating_add(1), PAGE_SIZE).unwrap_or(end);
            let mut va = first;
            while va < end.min(hi) && lines < MAX_PAGE_LINES {
                let x = x_of(va);
                out.push(line(
                    x,
                    rect.y + 1.0,
                    x,
                    rect.bottom() - 1.0,
                    Ink::Grid,
                    1.0,
                ));
                va += PAGE_SIZE;
                lines += 1;
            }
        }
        // The long label where it fits, else the short one, else none.
        let room = rect.w - 10.0;
        if let Some(text) = labels
            .into_iter()
            .find(|l| r.kind != MEM_IMAGE && text_width(l, 11.0, false) <= room)
        {
            out.push(region_label(rect.x, rect.y, text, ink));
        }
    }
    if let Some((x0, x1, ink)) = image_at {
        if text_width(KERNEL32_NAME, 11.0, false) <= x1 - x0 - 10.0 {
            out.push(region_label(x0, inner.y, KERNEL32_NAME.to_string(), ink));
        }
    }
    resident_marks(picture, win, &inner, out);
    // Allocations beyond the window's edges, counted at the ends of the strip.
    for (n, x, align, arrow) in [
        (left_out, strip.x + 4.0, Align::Left, "◀"),
        (right_out, strip.right() - 4.0, Align::Right, "▶"),
    ] {
        if n > 0 {
            let text = if align == Align::Left {
                format!("{arrow} {n}")
            } else {
                format!("{n} {arrow}")
            };
            out.push(label(x, strip.cy(), text, Ink::Muted, 11.0, align));
        }
    }

    if let Some(va) = picture.focus.filter(|va| (lo..hi).contains(va)) {
        let x = x_of(va).max(strip.x + 1.0).min(strip.right() - 1.0);
        out.push(line(x, strip.y - 7.0, x, strip.bottom(), Ink::Focus, 2.0));
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
    let scale = format!("{} across", about(win.span));
    let (lw, rw) = (
        text_width(&left, 11.0, true),
        text_width(&right, 11.0, true),
    );
    out.push(label(cap.x, cap.cy(), left, Ink::Muted, 11.0, Align::Left));
    if lw + rw + 12.0 <= cap.w {
        out.push(label(
            cap.right(),
            cap.cy(),
            right,
            Ink::Muted,
            11.0,
            Align::Right,
        ));
    }
    if lw + rw + text_width(&scale, 11.0, true) + 24.0 <= cap.w {
        out.push(label(
            cap.cx(),
            cap.cy(),
            scale,
            Ink::Text,
            11.0,
            Align::Center,
        ));
    }
}

/// A mark under each page whose data has a home (a frame or a page-file slot); marks of
/// the same kind that would touch at this scale are drawn as one.
fn resident_marks(picture: &Picture, win: Window, inner: &Rect, out: &mut Vec<Shape>) {
    let page_w = inner.w * PAGE_SIZE as f64 / win.span as f64;
    let w = if page_w >= 6.0 {
        (page_w - 4.0).round()
    } else {
        page_w.max(2.0)
    };
    let mut run: Option<(Ink, f64, f64)> = None;
    let flush = |run: Option<(Ink, f64, f64)>, out: &mut Vec<Shape>| {
        if let Some((ink, x0, x1)) = run {
            out.push(Shape::Box {
                rect: Rect::new(x0, inner.bottom() - 10.0, (x1 - x0).max(2.0), 8.0),
                fill: ink,
                pattern: Pattern::Solid,
                stroke: Some(Ink::Grid),
                highlight: false,
            });
        }
    };
    let range = win.lo >> PAGE_SHIFT..win.hi().div_ceil(PAGE_SIZE);
    for (vpn, pte) in picture.ptes.range(range) {
        let Some(ink) = residence(picture, pte) else {
            continue;
        };
        let x = inner.x + win.fraction(vpn << PAGE_SHIFT) * inner.w;
        let x0 = (x + (page_w - w) / 2.0).round().max(inner.x);
        let x1 = (x0 + w).round().min(inner.right());
        match &mut run {
            Some((i, _, end)) if *i == ink && x0 <= *end + 1.0 => *end = x1.max(*end),
            _ => {
                flush(run.take(), out);
                run = Some((ink, x0, x1));
            }
        }
    }
    flush(run, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_rounds_to_two_figures() {
        assert_eq!(about(4096), "4 KiB");
        assert_eq!(about(0x18_0000), "1.5 MiB");
        assert_eq!(about(1 << 47), "128 TiB");
        assert_eq!(about(100), "100 bytes");
        assert_eq!(about(0x1_0000 * 10 + 1), "640 KiB");
    }
}
