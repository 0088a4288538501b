//! The canvas's text alternative for screen readers: what the picture of a step shows and
//! what changed since the step before, in plain words, from the same frame the painter
//! draws. The page puts it in the DOM as text beside the canvas.

use std::fmt::Write;

use crate::sim::addr::Owner;
use crate::sim::picture::{FrameView, ProcessState};
use crate::sim::{FrameList, Picture, Pte};

use super::board::state_name;
use super::space::drawn_count;
use super::{count, Frame};

/// Most changes named one by one; the rest are counted.
const MAX_CHANGES: usize = 6;

/// The address of virtual page `vpn`.
fn page(vpn: u64) -> String {
    format!("page {:#x}", vpn << 12)
}

/// Frames on `list`.
pub(super) fn on(picture: &Picture, list: FrameList) -> usize {
    let mut n = 0;
    for f in &picture.frames {
        n += usize::from(f.list == list);
    }
    n
}

/// What the picture shows: regions, RAM by list, page file, working set and TLB.
fn shown(p: &Picture) -> String {
    let mut slots = 0;
    for s in &p.slots {
        slots += usize::from(s.is_some());
    }
    let free = on(p, FrameList::Free) + on(p, FrameList::Zeroed);
    let mut text = format!(
        "The picture shows {} of address space; RAM: {} in a working set, {} on standby, {} modified, {} free; page file: {} of {} in use; working set: {} of {}; TLB: {} of {} filled.",
        count(drawn_count(p) as u64, "region", "regions"),
        count(on(p, FrameList::Active) as u64, "frame", "frames"),
        on(p, FrameList::Standby),
        on(p, FrameList::Modified),
        free,
        slots,
        count(p.slots.len() as u64, "slot", "slots"),
        p.working_set.pages.len(),
        count(u64::from(p.working_set.limit), "page", "pages"),
        filled(&p.tlb),
        count(p.tlb.len() as u64, "entry", "entries"),
    );
    if let Some(va) = p.focus {
        let _ = write!(text, " Current address: {va:#x}.");
    }
    if p.processes.len() > 1 {
        let mut list = Vec::with_capacity(p.processes.len());
        for q in &p.processes {
            list.push(format!(
                "{} (PID {}, {})",
                q.name,
                q.id.0,
                state_name(q.state)
            ));
        }
        let _ = write!(text, " Processes: {}.", list.join(", "));
        let mut shared = Vec::new();
        for (pfn, f) in p.frames.iter().enumerate() {
            if matches!(f.owner, Some(Owner::Shared { .. })) {
                shared.push(format!("frame {pfn} ({})", frame_text(p, f)));
            }
        }
        if !shared.is_empty() {
            let _ = write!(text, " Shared frames: {}.", shared.join(", "));
        }
    }
    for s in &p.sections {
        let mut pages = Vec::with_capacity(s.prototypes.len());
        for (i, pte) in s.prototypes.iter().enumerate() {
            pages.push(match pte {
                Pte::Valid { pfn, .. } => format!("page {i} in frame {}", pfn.0),
                Pte::PageFile { slot } => format!("page {i} in page-file slot {}", slot.0),
                Pte::Transition { pfn } => format!("page {i} in transition in frame {}", pfn.0),
                Pte::DemandZero => format!("page {i} demand-zero"),
                _ => format!("page {i} not read yet"),
            });
        }
        let _ = write!(
            text,
            " Section {}{}: {} views, prototype PTEs: {}.",
            s.id,
            s.name
                .as_deref()
                .map(|n| format!(" \"{n}\""))
                .unwrap_or_default(),
            s.views,
            pages.join(", ")
        );
    }
    text
}

/// One frame as the picture labels it: its list and whose page it holds.
fn frame_text(p: &Picture, f: &FrameView) -> String {
    let dirty = if f.dirty { ", dirty" } else { "" };
    match (f.owner, f.vpn) {
        (Some(Owner::Shared { section, index }), _) => format!(
            "{}, page {index} of section {}, share count {}{dirty}",
            f.list.name(),
            section.0,
            f.share_count
        ),
        (Some(Owner::Private { process, vpn }), _) if p.processes.len() > 1 => {
            let name = p
                .processes
                .iter()
                .find(|q| q.id == process)
                .map_or("?", |q| q.name.as_str());
            format!("{} ({name}'s {}{dirty})", f.list.name(), page(vpn.0))
        }
        (_, Some(vpn)) => format!("{} ({}{dirty})", f.list.name(), page(vpn.0)),
        (_, None) => f.list.name().to_string(),
    }
}

/// TLB entries in use.
fn filled<T>(tlb: &[Option<T>]) -> usize {
    let mut n = 0;
    for e in tlb {
        n += usize::from(e.is_some());
    }
    n
}

/// What differs between `before` and `after`, one phrase each, in picture order.
fn changes(before: &Picture, after: &Picture) -> Vec<String> {
    let mut list = Vec::new();
    if before.process.id != after.process.id && after.processes.len() > 1 {
        // Loading CR3 (reference §2) drops every TLB entry: say so only when there were some.
        let dropped = filled(&before.tlb);
        let tlb = if dropped == 0 {
            "the TLB was empty".to_string()
        } else {
            format!(
                "the TLB flushed ({})",
                count(dropped as u64, "entry", "entries")
            )
        };
        list.push(format!(
            "context switch: {} runs now, CR3 {:#x}, {tlb}",
            after.process.name, after.process.cr3
        ));
    }
    for q in &after.processes {
        let old = before.processes.iter().find(|o| o.id == q.id);
        match old {
            Some(o) if o.state != q.state && q.state == ProcessState::Ended => {
                list.push(format!("{} ended", q.name))
            }
            None => list.push(format!("process {} started", q.name)),
            _ => {}
        }
    }
    let (was, is) = (drawn_count(before), drawn_count(after));
    if was != is {
        list.push(format!(
            "address space: {} → {}",
            count(was as u64, "region", "regions"),
            count(is as u64, "region", "regions")
        ));
    } else if before.regions != after.regions {
        list.push("address space: a region changed state or protection".to_string());
    }
    for (pfn, (old, new)) in before.frames.iter().zip(&after.frames).enumerate() {
        if old != new {
            list.push(format!(
                "frame {pfn}: {} → {}",
                frame_text(before, old),
                frame_text(after, new)
            ));
        }
    }
    for (slot, (old, new)) in before.slots.iter().zip(&after.slots).enumerate() {
        match (old, new) {
            (_, Some(owner)) if old != new => list.push(format!(
                "page-file slot {slot} now holds {}",
                match *owner {
                    Owner::Private { vpn, .. } => page(vpn.0),
                    Owner::Shared { section, index } =>
                        format!("page {index} of section {}", section.0),
                }
            )),
            (Some(_), None) => list.push(format!("page-file slot {slot} freed")),
            _ => {}
        }
    }
    let (ws_old, ws_new) = (&before.working_set.pages, &after.working_set.pages);
    for (from, to, verb) in [(ws_old, ws_new, "joined"), (ws_new, ws_old, "left")] {
        'pages: for p in to {
            for o in from {
                if o.vpn == p.vpn {
                    continue 'pages;
                }
            }
            list.push(format!("{} {verb} the working set", page(p.vpn.0)));
        }
    }
    if before.tlb != after.tlb {
        list.push("the TLB changed".to_string());
    }
    if before.commit.charge != after.commit.charge {
        list.push(format!(
            "commit charge: {} → {} pages",
            before.commit.charge, after.commit.charge
        ));
    }
    list
}

/// The text alternative of `frame`: what is shown, then what changed since the step before.
pub fn describe(frame: Frame) -> String {
    let mut text = shown(frame.picture);
    for f in &frame.picture.files {
        let _ = write!(text, " Disk file {}: {} bytes.", f.name, f.size);
    }
    for (file, page, written) in super::disk::touched(frame.step) {
        let verb = if written { "writes" } else { "reads" };
        let _ = write!(text, " This step {verb} page {page} of {file}.");
    }
    let Some(before) = frame.previous else {
        text.push_str(" Nothing has happened yet.");
        return text;
    };
    let list = changes(before, frame.picture);
    if list.is_empty() {
        text.push_str(" Nothing in the picture changed at this step.");
        return text;
    }
    let named = list.len().min(MAX_CHANGES);
    let _ = write!(text, " Changed: {}", list[..named].join("; "));
    if list.len() > named {
        let _ = write!(
            text,
            "; and {}",
            count((list.len() - named) as u64, "more change", "more changes")
        );
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::consts::{MEM_COMMIT, PAGE_READWRITE};
    use crate::sim::Machine;

    /// The pictures before and after each step of: commit one page, write it.
    fn run() -> (Machine, Vec<Picture>) {
        let mut m = Machine::new(Default::default());
        let va = m.virtual_alloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
        m.write(va, &[0x41])
            .expect("a committed page takes a write");
        let h = m.history();
        let mut pictures = vec![h.initial_picture().clone()];
        pictures.extend((0..h.len()).filter_map(|i| h.picture_after(i)));
        (m, pictures)
    }

    fn describe_at(pictures: &[Picture], i: usize) -> String {
        describe(Frame {
            picture: &pictures[i],
            previous: i.checked_sub(1).map(|j| &pictures[j]),
            step: None,
        })
    }

    #[test]
    fn the_start_says_what_is_shown_and_that_nothing_happened() {
        let (_, pictures) = run();
        let text = describe_at(&pictures, 0);
        // kernel32.dll's image, alone in the address space, is drawn (DESIGN §9).
        assert!(text.starts_with("The picture shows 3 regions of address space; RAM: 0 frames in a working set, 0 on standby, 0 modified, 16 free; page file: 0 of 64 slots in use"), "{text}");
        assert!(text.ends_with("Nothing has happened yet."), "{text}");
    }

    #[test]
    fn each_step_names_what_changed_and_the_fault_takes_a_frame() {
        let (_, pictures) = run();
        let texts: Vec<String> = (1..pictures.len())
            .map(|i| describe_at(&pictures, i))
            .collect();
        assert!(
            texts
                .iter()
                .any(|t| t.contains("address space: 3 regions → 1 region")),
            "{texts:#?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("commit charge: 0 → 1 pages")),
            "{texts:#?}"
        );
        let fault = texts
            .iter()
            .find(|t| t.contains("frame ") && t.contains("→ active (page 0x"))
            .expect("a step puts a frame in the working set");
        assert!(fault.contains("Changed: "), "{fault}");
        assert!(
            texts
                .last()
                .is_some_and(|t| t.contains("RAM: 1 frame in a working set")),
            "{texts:#?}"
        );
    }

    #[test]
    fn an_unchanged_picture_says_so_and_long_lists_are_cut() {
        let (_, pictures) = run();
        let same = describe(Frame {
            picture: &pictures[1],
            previous: Some(&pictures[1]),
            step: None,
        });
        assert!(
            same.ends_with("Nothing in the picture changed at this step."),
            "{same}"
        );
        let mut busy = pictures[0].clone();
        for f in &mut busy.frames {
            f.list = FrameList::Modified;
        }
        let text = describe(Frame {
            picture: &busy,
            previous: Some(&pictures[0]),
            step: None,
        });
        assert!(text.ends_with("; and 10 more changes."), "{text}");
        assert_eq!(
            text,
            describe(Frame {
                picture: &busy,
                previous: Some(&pictures[0]),
                step: None
            }),
            "deterministic"
        );
    }
}
