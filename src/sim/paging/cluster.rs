//! Clustering (reference §8.5): a hard fault reads, in the same I/O, the neighbours of
//! the faulting page whose data sits in the page-file slots next to its slot, or for a
//! mapped file, its neighbouring file pages not in RAM. The pages read wait on the standby
//! list as prefetched pages.

use super::{Engine, Vad};
use crate::sim::addr::{Owner, Pfn, SectionId, Slot, Vpn};
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::words::agree;

use super::narrate;
use super::take::{repurposed_words, Repurposed};

impl<V: Vad> Engine<'_, V> {
    /// Clustering (reference §8.5): one I/O reads a run of contiguous page-file slots, so
    /// the neighbours of a hard-faulting page come in with it when they belong to the same
    /// allocation and their data sits in the slots next to its slot, in the same order.
    /// The run grows forward first, then backward, up to `cluster` pages in all; a
    /// neighbour already in RAM whose copy is in the run is read into a dummy page and
    /// thrown away (WI6 p.135); any other neighbour ends the run on that side. The pages
    /// read wait on the standby list as prefetched pages. Their frames come from the free,
    /// zeroed or standby lists only: a prefetch never forces a write. Taking a standby
    /// frame first turns its old page's PTE into a page-file PTE (reference §8.3).
    pub(super) fn prefetch_cluster(&mut self, vpn: Vpn, slot: Slot) {
        let size = self.sys.tuning.cluster as u64;
        let run = self.cluster_run(vpn, slot, size);
        let mut wanted = run.read.clone();
        // Only frames already on a list count: the prefetched pages join the standby tail,
        // so they are never taken back for their own neighbours.
        wanted.truncate(self.available());
        if wanted.is_empty() {
            let stops = run.stops;
            if !run.read.is_empty() || stops.is_empty() {
                return;
            }
            self.end_step(move || {
                format!(
                    "Clustering ({size} pages per hard fault) reads only neighbours whose data \
                     is in the slots next to slot {} in one I/O (reference §8.5), and none is: \
                     {}. Only the faulting page was read.",
                    slot.0,
                    stop_words(&stops)
                )
            });
            return;
        }
        // Step 1: take a frame for each neighbour, repurposing standby frames.
        let mut got = Vec::new();
        for (v, slot) in wanted {
            let Some((pfn, from, old)) = self.take_for_prefetch() else {
                break;
            };
            let owner = self.owner(v);
            self.sys.frames.get_mut(pfn).owner = Some(owner);
            got.push(Prefetched {
                vpn: v,
                slot,
                pfn,
                from,
                old,
            });
        }
        if got.is_empty() {
            return;
        }
        let cluster = size;
        let mut taken: Vec<(Pfn, FrameList, Option<Repurposed>)> = Vec::with_capacity(got.len());
        let mut pages: Vec<Vpn> = Vec::with_capacity(got.len());
        let mut slots: Vec<Slot> = Vec::with_capacity(got.len());
        for g in &got {
            taken.push((g.pfn, g.from, g.old));
            pages.push(g.vpn);
            slots.push(g.slot);
        }
        let vpns = pages.clone();
        let ClusterRun { dummies, stops, .. } = run;
        self.end_step(move || {
            let n = pages.len() as u64;
            let (which, verb) = (
                agree(n, "Neighbouring page", "Neighbouring pages"),
                agree(n, "is", "are"),
            );
            let dummy = match dummies.as_slice() {
                [] => String::new(),
                d => {
                    let one = d.len() == 1;
                    format!(
                        " {} {} {} already in RAM: {} copy in the run is read into a dummy \
                         page and thrown away.",
                        if one { "Page" } else { "Pages" },
                        narrate::pages(d),
                        if one { "is" } else { "are" },
                        if one { "its" } else { "their" },
                    )
                }
            };
            let stop = if stops.is_empty() {
                String::new()
            } else {
                format!(" The run ends there: {}.", stop_words(&stops))
            };
            format!(
                "Clustering ({cluster} pages per hard fault): one disk I/O reads a run of \
                 contiguous page-file slots, so it brings in the neighbours of the same \
                 allocation whose data is in the slots next to slot {} (reference §8.5). \
                 {which} {} {verb} in {} {}, so the same I/O brings {} in.{dummy}{stop} {}",
                slot.0,
                narrate::pages(&pages),
                agree(n, "slot", "slots"),
                narrate::slots(&slots),
                agree(n, "it", "them"),
                sources_words(&taken)
            )
        });
        // Step 2: one I/O reads them all; they wait on the standby list.
        self.emit(Event::ClusterRead { vpns });
        for g in &got {
            let (v, slot, pfn) = (g.vpn, g.slot, g.pfn);
            self.read_from_slot(slot, pfn, v);
            // The frame was on no list while the read filled it (FrameDb's `Active`).
            self.sys.frames.push_tail(pfn, FrameList::Standby);
            self.emit(Event::ListMove {
                pfn,
                from: FrameList::Active,
                to: FrameList::Standby,
            });
            self.set_pte(v, Pte::Transition { pfn });
        }
        self.end_step(move || {
            let mut slots: Vec<Slot> = Vec::with_capacity(got.len());
            let mut frames: Vec<u64> = Vec::with_capacity(got.len());
            for g in &got {
                slots.push(g.slot);
                frames.push(u64::from(g.pfn.0));
            }
            let one = got.len() == 1;
            let s = if one { "" } else { "s" };
            format!(
                "Disk I/O: the same read brings slot{s} {} into frame{s} {}. The prefetched \
                 page{s} {} on the standby list with transition PTEs: touching {} later is only \
                 a soft fault.",
                narrate::slots(&slots),
                narrate::numbers(&frames),
                if one { "waits" } else { "wait" },
                if one { "it" } else { "them" },
            )
        });
    }

    /// Clustering for a mapped file (reference §8.5, RC-PREF; docs/windows-sections.md
    /// §8.1): the hard fault on page `index` of file-backed `section` reads, in the same
    /// I/O, the neighbouring file pages no one has in RAM (their prototype PTE is empty),
    /// forward first, then backward, up to `cluster` pages in all and never more than 8
    /// (32 KB), within the section and the file. A neighbour in RAM ends the run on its
    /// side. Frames come from the free, zeroed or standby lists only, as for the page
    /// file; the pages wait on the standby list, clean, with transition prototype PTEs.
    pub(super) fn prefetch_file(&mut self, section: SectionId, index: u32) {
        let Some(file) = self.sys.backing_file(section) else {
            return;
        };
        let size = self.sys.tuning.cluster.min(8) as usize;
        // The section covers the file exactly (CreateFileMapping grows the file to the
        // section's size), so its end is the file's end.
        let Some(protos) = self.sys.section(section).map(|s| &s.prototypes) else {
            return;
        };
        let (mut run, mut resident) = (Vec::new(), Vec::new());
        for forward in [true, false] {
            let mut n = index;
            while run.len() + 1 < size {
                n = if forward { n + 1 } else { n.wrapping_sub(1) };
                match protos.get(n as usize) {
                    Some(Pte::Empty) => run.push(n),
                    Some(_) => {
                        resident.push(u64::from(n));
                        break;
                    }
                    None => break,
                }
            }
        }
        let (mut pages, mut frames, mut taken) = (Vec::new(), Vec::new(), Vec::new());
        for n in run {
            let Some((pfn, from, old)) = self.take_for_prefetch() else {
                break;
            };
            if let Some(e) = self.sys.read_in(section, n, pfn) {
                self.emit(e);
            }
            let f = self.sys.frames.get_mut(pfn);
            // A listed frame is clean and unshared; a page-file section's old copy is
            // its prototype PTE's now (`unhook_mapped`).
            f.owner = Some(Owner::Shared { section, index: n });
            f.slot = None;
            self.sys.frames.push_tail(pfn, FrameList::Standby);
            self.emit(Event::ListMove {
                pfn,
                from: FrameList::Active,
                to: FrameList::Standby,
            });
            if let Some(s) = self.sys.section_mut(section) {
                s.prototypes[n as usize] = Pte::Transition { pfn };
            }
            pages.push(u64::from(n));
            frames.push(u64::from(pfn.0));
            taken.push((pfn, from, old));
        }
        if pages.is_empty() {
            return;
        }
        self.end_step(move || {
            let n = pages.len() as u64;
            let stop = if resident.is_empty() {
                String::new()
            } else {
                format!(
                    " The run stops at {} {}: already in RAM.",
                    agree(resident.len() as u64, "page", "pages"),
                    narrate::numbers(&resident)
                )
            };
            format!(
                "Clustering (reference §8.5): the same I/O reads \"{file}\" {} {} into {} {}, \
                 the neighbours of page {index} not in RAM, {size} pages at most.{stop} Each \
                 waits on the standby list with a transition prototype PTE: a later touch is \
                 a soft fault. {}",
                agree(n, "page", "pages"),
                narrate::numbers(&pages),
                agree(n, "frame", "frames"),
                narrate::numbers(&frames),
                sources_words(&taken)
            )
        });
    }

    /// The pages one I/O reads around `vpn`, whose data is in `slot` (see
    /// [`Engine::prefetch_cluster`]): forward first, then backward, `size` pages at most.
    fn cluster_run(&self, vpn: Vpn, slot: Slot, size: u64) -> ClusterRun {
        let mut run = ClusterRun::default();
        let mut span = 1;
        for forward in [true, false] {
            let mut edge_dummies = Vec::new();
            for d in 1..size {
                if span >= size {
                    break;
                }
                let (v, s) = if forward {
                    (vpn.0.checked_add(d), slot.0.checked_add(d as u32))
                } else {
                    (vpn.0.checked_sub(d), slot.0.checked_sub(d as u32))
                };
                let (Some(v), Some(s)) = (v.map(Vpn), s.map(Slot)) else {
                    break;
                };
                if !self.vad.same_allocation(vpn, v) {
                    run.stops.push((v, Stop::OtherAllocation));
                    break;
                }
                match self.mmu.tables.pte(v) {
                    Pte::PageFile { slot: own } if own == s => {
                        run.dummies.append(&mut edge_dummies);
                        run.read.push((v, s));
                    }
                    Pte::Valid { pfn, .. } | Pte::Transition { pfn }
                        if self.sys.frames.get(pfn).slot == Some(s) =>
                    {
                        edge_dummies.push(v);
                    }
                    Pte::PageFile { .. } => {
                        run.stops.push((v, Stop::OtherSlot(s)));
                        break;
                    }
                    _ => {
                        run.stops.push((v, Stop::NotInPageFile(s)));
                        break;
                    }
                }
                span += 1;
            }
        }
        run
    }
}

/// The run of pages one clustered I/O covers.
#[derive(Clone, Debug, Default)]
struct ClusterRun {
    /// Pages read, with their slots: forward ones nearest first, then backward ones.
    read: Vec<(Vpn, Slot)>,
    /// Resident neighbours inside the run, read into a dummy page.
    dummies: Vec<Vpn>,
    /// Where the run stopped on each side, and why.
    stops: Vec<(Vpn, Stop)>,
}

/// Why a clustered read stops at a neighbour.
#[derive(Clone, Copy, Debug)]
enum Stop {
    /// It belongs to another allocation (or none).
    OtherAllocation,
    /// Its data is in the page file, but not in the next slot of the run.
    OtherSlot(Slot),
    /// Its data is not in the page file (it is in RAM without a copy in this slot, or
    /// demand-zero).
    NotInPageFile(Slot),
}

/// Why the run stopped, in words: "page 0x… belongs to another allocation; page 0x…'s
/// data is not in slot 7".
fn stop_words(stops: &[(Vpn, Stop)]) -> String {
    let mut words = String::new();
    for &(v, why) in stops {
        if !words.is_empty() {
            words.push_str("; ");
        }
        let page = narrate::page(v);
        words.push_str(&match why {
            Stop::OtherAllocation => format!("page {page} is not in the same allocation"),
            Stop::OtherSlot(s) => {
                format!("page {page} is in the page file but not in slot {}", s.0)
            }
            Stop::NotInPageFile(s) => {
                format!("slot {} does not hold page {page}'s data", s.0)
            }
        });
    }
    words
}

/// One page read ahead by clustering.
struct Prefetched {
    vpn: Vpn,
    slot: Slot,
    pfn: Pfn,
    /// The list its frame came from.
    from: FrameList,
    /// The page that frame held, when it came from the standby list.
    old: Option<Repurposed>,
}

/// Where the frames for prefetched pages came from, in words: "Frames 5 and 6 come from
/// the standby list: their old pages 0x… and 0x… now have page-file PTEs (slots 4 and 5
/// hold the same bytes)."
fn sources_words(taken: &[(Pfn, FrameList, Option<Repurposed>)]) -> String {
    let mut out = String::new();
    for list in [FrameList::Free, FrameList::Zeroed] {
        let mut from = Vec::new();
        for t in taken {
            if t.1 == list {
                from.push(u64::from(t.0 .0));
            }
        }
        if !from.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!(
                "{} {} from the {} list.",
                numbered("Frame", &from),
                agree(from.len() as u64, "comes", "come"),
                list.name()
            ));
        }
    }
    // Standby frames, grouped by what became of their old pages.
    for fate in 0..3 {
        let mut pfns: Vec<u64> = Vec::new();
        let mut old: Vec<Repurposed> = Vec::new();
        for t in taken {
            if let (FrameList::Standby, Some(r)) = (t.1, t.2) {
                if r.fate() == fate {
                    pfns.push(u64::from(t.0 .0));
                    old.push(r);
                }
            }
        }
        if pfns.is_empty() {
            continue;
        }
        let one = pfns.len() == 1;
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!(
            "{} {} from the standby list: {} old {}.",
            numbered("Frame", &pfns),
            if one { "comes" } else { "come" },
            if one { "its" } else { "their" },
            repurposed_words(&old)
        ));
    }
    out
}

/// "Frame 5" or "Frames 5, 6 and 7".
fn numbered(noun: &str, items: &[u64]) -> String {
    let s = agree(items.len() as u64, "", "s");
    format!("{noun}{s} {}", narrate::numbers(items))
}
