//! Physical memory: the RAM frames coloured by list and labelled with their owner page,
//! and the page-file slots with the page each holds (reference §8.3).

use std::fmt::Write;

use super::geometry::Geometry;
use super::legend::{list_pattern, list_tag};
use super::motion::{ease, list_before};
use super::shape::{fit, fit_tail, text_width, Align, Ink, Pattern, Rect, Shape};
use super::{hex, title, Frame};
use crate::sim::addr::Owner;
use crate::sim::picture::FrameView;
use crate::sim::{Event, FrameList, Picture, Step};

/// Frames that the step's events name (taken, zeroed, moved, trimmed, read or written).
pub fn touched_frames(step: Option<&Step>) -> Vec<u32> {
    let mut pfns = Vec::new();
    for e in step.map(|s| s.events.as_slice()).unwrap_or_default() {
        match e {
            Event::FrameTaken { pfn, .. }
            | Event::FrameZeroed { pfn }
            | Event::ListMove { pfn, .. }
            | Event::PageTrimmed { pfn, .. }
            | Event::PageFileWrite { pfn, .. }
            | Event::PageFileRead { pfn, .. } => pfns.push(pfn.0),
            _ => {}
        }
    }
    pfns
}

/// Slots that the step's events name.
pub fn touched_slots(step: Option<&Step>) -> Vec<u32> {
    let mut slots = Vec::new();
    for e in step.map(|s| s.events.as_slice()).unwrap_or_default() {
        match e {
            Event::PageFileWrite { slot, .. }
            | Event::PageFileRead { slot, .. }
            | Event::SlotFreed { slot } => slots.push(slot.0),
            _ => {}
        }
    }
    slots
}

fn text(x: f64, y: f64, text: String, on: Ink, size: f64, align: Align, bold: bool) -> Shape {
    Shape::Text {
        x,
        y,
        text,
        ink: Ink::Text,
        on: Some(on),
        size,
        align,
        bold,
        mono: true,
    }
}

/// Whose page frame `f` holds, as its cell says it: a tag for the top line, when the
/// list's tag gives way to it, and the bottom line. One process: the page. Several: the
/// process's name, and the page. A section's page: `S1 p0`, and its share count.
pub fn owner_label(picture: &Picture, f: &FrameView) -> Option<(Option<String>, String)> {
    match f.owner {
        Some(Owner::Shared { section, index }) => Some((
            Some(format!("S{} p{index}", section.0)),
            // No view maps it: a section's page on the standby or modified list (§8.2).
            match f.share_count {
                0 => format!("section, {}", f.list.name()),
                n => format!("shared ×{n}"),
            },
        )),
        Some(Owner::Private { process, vpn }) if picture.processes.len() > 1 => {
            let name = picture
                .processes
                .iter()
                .find(|p| p.id == process)
                .map_or("?", |p| p.name.as_str());
            Some((Some(name.to_string()), hex(vpn.0)))
        }
        _ => f.vpn.map(|vpn| (None, hex(vpn.0))),
    }
}

/// What a page-file slot holds, in a few characters: a private page's number, or a
/// section's page as `S1 p0` (docs/windows-sections.md §8.2), as its frame is tagged.
pub fn slot_label(owner: Owner) -> String {
    match owner {
        Owner::Private { vpn, .. } => hex(vpn.0),
        Owner::Shared { section, index } => format!("S{} p{index}", section.0),
    }
}

/// The RAM and page-file shapes; a frame that changes list wipes from its old list's
/// colour to the new one as `progress` runs from 0 to 1.
pub fn shapes(g: &Geometry, frame: Frame<'_>, progress: f64, out: &mut Vec<Shape>) {
    let picture = frame.picture;
    let touched = touched_frames(frame.step);
    let mut heading = format!("Physical memory (RAM): {} frames", picture.frames.len());
    let used = super::describe::on(picture, FrameList::Active);
    if used > 0 {
        let _ = write!(heading, ", {used} active");
    }
    title(&g.ram_title, &heading, out);

    for (i, (cell, f)) in g.frames.iter().zip(&picture.frames).enumerate() {
        let ink = Ink::List(f.list);
        let changed = frame
            .previous
            .is_some_and(|prev| prev.frames.get(i) != Some(f))
            || touched.contains(&(i as u32));
        let was = list_before(frame, i as u32).filter(|l| *l != f.list);
        let t = ease(progress);
        if let (Some(old), true) = (was, t < 1.0) {
            // The old list's colour, with the new one wiping in from the left.
            out.push(Shape::Box {
                rect: *cell,
                fill: Ink::List(old),
                pattern: list_pattern(old),
                stroke: None,
                highlight: false,
            });
            let w = (cell.w * t).round();
            if w >= 1.0 {
                out.push(Shape::Box {
                    rect: Rect::new(cell.x, cell.y, w, cell.h),
                    fill: ink,
                    pattern: list_pattern(f.list),
                    stroke: None,
                    highlight: false,
                });
            }
            out.push(Shape::Box {
                rect: *cell,
                fill: ink,
                pattern: Pattern::Outline,
                stroke: Some(Ink::Grid),
                highlight: changed,
            });
        } else {
            let pattern = match list_pattern(f.list) {
                Pattern::Hollow if g.dense_frames => Pattern::Solid,
                p => p,
            };
            out.push(Shape::Box {
                rect: *cell,
                fill: ink,
                pattern,
                stroke: (!g.dense_frames).then_some(Ink::Grid),
                highlight: changed,
            });
        }
        if g.dense_frames {
            continue; // Small squares: colour and pattern say the list.
        }
        let number = format!("#{i}");
        let number_w = text_width(&number, 11.0, true);
        out.push(text(
            cell.x + 5.0,
            cell.y + 11.0,
            number,
            ink,
            11.0,
            Align::Left,
            true,
        ));
        let room = cell.w - number_w - 14.0;
        let moved = was.map(|old| format!("{}→{}", list_tag(old), list_tag(f.list)));
        let owner = owner_label(picture, f);
        let tag = match (moved, &owner) {
            (Some(m), _) if text_width(&m, 10.0, true) <= room => m,
            // With several processes the colour and pattern say the list; the tag says whose.
            (_, Some((Some(whose), _))) => fit(whose, room, 10.0, true),
            _ => fit(list_tag(f.list), room, 10.0, true),
        };
        if !tag.is_empty() {
            out.push(text(
                cell.right() - 5.0,
                cell.y + 11.0,
                tag,
                ink,
                10.0,
                Align::Right,
                false,
            ));
        }
        if let Some((_, owner)) = owner {
            let with_dirty = format!("{owner} dirty");
            let line = if f.dirty && text_width(&with_dirty, 11.0, true) <= cell.w - 8.0 {
                with_dirty
            } else {
                owner
            };
            out.push(text(
                cell.cx(),
                cell.bottom() - 12.0,
                fit_tail(&line, cell.w - 8.0, 11.0, true),
                ink,
                11.0,
                Align::Center,
                false,
            ));
        }
    }

    let mut in_use = 0;
    for s in &picture.slots {
        in_use += usize::from(s.is_some());
    }
    let per = g.slots_per_cell;
    let mut heading = format!(
        "Page file: {in_use} of {} slots in use",
        picture.slots.len()
    );
    if per > 1 {
        let _ = write!(heading, " ({per} slots a square)");
    }
    title(&g.pagefile_title, &heading, out);
    let touched = touched_slots(frame.step);
    let mut before = frame.previous.map(|prev| prev.slots.chunks(per));
    for (j, (cell, group)) in g.slots.iter().zip(picture.slots.chunks(per)).enumerate() {
        // A square of several slots is in use when any of them is.
        let slot = group.iter().find_map(|s| *s);
        let (ink, pattern) = match slot {
            Some(_) => (Ink::SlotUsed, Pattern::Solid),
            // Small squares: a plain panel, since hundreds of dashed outlines cost too much.
            None if g.dense_slots => (Ink::SlotFree, Pattern::Solid),
            None => (Ink::SlotFree, Pattern::Hollow),
        };
        let changed = before.as_mut().is_some_and(|b| b.next() != Some(group))
            || touched.iter().any(|&t| t as usize / per == j);
        out.push(Shape::Box {
            rect: *cell,
            fill: ink,
            pattern,
            stroke: (!g.dense_slots).then_some(Ink::Grid),
            highlight: changed,
        });
        if g.dense_slots {
            continue;
        }
        out.push(text(
            cell.x + 4.0,
            cell.y + 9.0,
            format!("s{j}"),
            ink,
            9.0,
            Align::Left,
            false,
        ));
        if let Some(owner) = slot {
            out.push(text(
                cell.cx(),
                cell.bottom() - 9.0,
                fit_tail(&slot_label(owner), cell.w - 6.0, 10.0, true),
                ink,
                10.0,
                Align::Center,
                false,
            ));
        }
    }
}
