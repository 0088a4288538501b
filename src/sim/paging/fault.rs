//! The fault handler: demand-zero, soft (transition) and hard (page-file) faults, with
//! clustering on hard faults (reference §8.1–§8.5, §9).

use super::{Engine, Vad};
use crate::sim::addr::{Pfn, Slot, Vpn};
use crate::sim::error::{Access, ExceptionRecord};
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::protection;
use crate::sim::words::{self, agree};

use super::narrate;
use super::take::{repurposed_words, Need, Repurposed, Taken};
use super::trim::{Incoming, TrimCause, Trimmed};

/// The access being served by a fault.
#[derive(Clone, Copy, Debug)]
pub(super) struct FaultCtx {
    /// Faulting address.
    pub va: u64,
    /// Its page.
    pub vpn: Vpn,
    /// The access.
    pub access: Access,
}

impl<V: Vad> Engine<'_, V> {
    /// Resolve a fault on `vpn` whose PTE is `pte`; returns the frame now mapping it.
    pub(super) fn resolve_fault(
        &mut self,
        va: u64,
        vpn: Vpn,
        access: Access,
        pte: Pte,
        protect: u32,
    ) -> Result<Pfn, ExceptionRecord> {
        let ctx = FaultCtx { va, vpn, access };
        // A soft maximum: the working-set manager trims when available memory is low.
        self.working_set_manager();
        match pte {
            Pte::Transition { pfn } => {
                self.mmu.counters.transition += 1;
                self.make_room_in_working_set(None);
                self.soft_fault(vpn, pfn, protect);
                Ok(pfn)
            }
            Pte::PageFile { slot } => {
                self.mmu.counters.hard += 1;
                self.hard_fault(ctx, slot, protect)
            }
            _ => {
                self.mmu.counters.demand_zero += 1;
                self.demand_zero_fault(ctx, protect)
            }
        }
    }

    /// A working set at its hard maximum gives up pages before a new one comes in
    /// (reference §8.4, `QUOTA_LIMITS_HARDWS_MAX_ENABLE`), until there is room for one more. On a hard fault (`incoming`) a changed page may
    /// trade places with the faulting page; the frame it leaves, already holding the
    /// faulting page, is returned. When no page can leave (textbook model only), the
    /// working set passes its hard maximum, as a step of its own.
    fn make_room_in_working_set(&mut self, incoming: Option<Incoming>) -> Option<Pfn> {
        let mut swapped = None;
        while self.mmu.ws.is_full() {
            // Only one page can trade places with the faulting page.
            let offer = if swapped.is_none() { incoming } else { None };
            match self.trim_one(TrimCause::WorkingSetFull, offer) {
                Trimmed::Left => {}
                Trimmed::Swapped(pfn) => swapped = Some(pfn),
                Trimmed::Nothing => {
                    self.limit_passed();
                    break;
                }
            }
        }
        swapped
    }

    /// No page can leave the working set at its hard maximum: rather than fail the access,
    /// the new page joins anyway. Only the textbook model gets here, and then RAM always
    /// has a free frame for it (see `take_frame`).
    fn limit_passed(&mut self) {
        let limit = self.mmu.ws.limit();
        let size = self.mmu.ws.len();
        self.end_step(move || {
            format!(
                "The working set holds {} (its hard maximum is {limit}), but none \
                 can leave: each was changed, and every page-file slot holds a page that is not \
                 in RAM, so there is nowhere to write one. Rather than fail the access, the \
                 working set grows past its maximum for now; it is trimmed back as soon as a \
                 page can leave.",
                words::pages(size as u64)
            )
        });
    }

    /// Demand-zero: build missing tables, take a zeroed frame (reference §8.3 order:
    /// zeroed, free + zero, standby + zero, else write out a modified page), map it.
    fn demand_zero_fault(&mut self, ctx: FaultCtx, protect: u32) -> Result<Pfn, ExceptionRecord> {
        let created = self.mmu.tables.ensure(ctx.vpn);
        if !created.is_empty() {
            for t in &created {
                self.emit(Event::TableCreated {
                    level: t.level,
                    covers: t.covers,
                });
            }
            let names: Vec<String> = created.iter().map(|t| t.level.name().to_string()).collect();
            self.end_step(move || {
                format!(
                    "Page tables are created on first need: the fault handler builds a new {} so \
                     that page {} can have a PTE. Each table has 512 entries, all empty.",
                    narrate::join(&names),
                    narrate::page(ctx.vpn)
                )
            });
        }
        self.make_room_in_working_set(None);
        let taken = self.take_frame(ctx, Need::Zeroed, None)?;
        self.install(ctx.vpn, taken.pfn, protect, Filled::Zeros);
        Ok(taken.pfn)
    }

    /// Soft fault: the frame still holds the page on standby or modified (reference §8.2).
    fn soft_fault(&mut self, vpn: Vpn, pfn: Pfn, protect: u32) {
        let hard = self.mmu.ws.limits().hard;
        let from = self.sys.frames.get(pfn).list;
        self.sys.frames.unlink(pfn);
        self.emit(Event::ListMove {
            pfn,
            from,
            to: FrameList::Active,
        });
        let still_modified = self.sys.frames.get(pfn).modified;
        self.install_quiet(vpn, pfn, protect, false);
        let size = self.mmu.ws.len();
        let limit = self.mmu.ws.limit();
        self.end_step(move || {
            let note = if still_modified {
                " Its changes are still not in the page file, so the frame still counts as \
                 changed."
            } else {
                ""
            };
            format!(
                "Frame {} leaves the {} list and the PTE becomes valid again: page {} is back \
                 in the working set ({}) with its contents intact.{note}",
                pfn.0,
                from.name(),
                narrate::page(vpn),
                ws_words(size, limit, hard)
            )
        });
    }

    /// Hard fault: read the page back from its slot, with neighbours (reference §8.5).
    fn hard_fault(
        &mut self,
        ctx: FaultCtx,
        slot: Slot,
        protect: u32,
    ) -> Result<Pfn, ExceptionRecord> {
        let incoming = Incoming { vpn: ctx.vpn, slot };
        let taken = match self.make_room_in_working_set(Some(incoming)) {
            Some(pfn) => Taken { pfn, swapped: true },
            None => self.take_frame(ctx, Need::Fill, Some(slot))?,
        };
        let pfn = taken.pfn;
        if !taken.swapped {
            self.read_from_slot(slot, pfn, ctx.vpn);
            self.end_step(move || {
                format!(
                    "Disk I/O: page-file slot {} is read into frame {}. The slot keeps its copy, \
                     so while the page stays unchanged it need not be written again.",
                    slot.0, pfn.0
                )
            });
            if self.sys.tuning.standby && self.sys.tuning.cluster > 1 {
                self.prefetch_cluster(ctx.vpn, slot);
            }
        }
        self.install(ctx.vpn, pfn, protect, Filled::ReadBack);
        Ok(pfn)
    }

    /// Clustering (reference §8.5): one I/O reads a run of contiguous page-file slots, so
    /// the neighbours of a hard-faulting page come in with it when they belong to the same
    /// allocation and their data sits in the slots next to its slot, in the same order.
    /// The run grows forward first, then backward, up to `cluster` pages in all; a
    /// neighbour already in RAM whose copy is in the run is read into a dummy page and
    /// thrown away (WI6 p.135); any other neighbour ends the run on that side. The pages
    /// read wait on the standby list as prefetched pages. Their frames come from the free,
    /// zeroed or standby lists only: a prefetch never forces a write. Taking a standby
    /// frame first turns its old page's PTE into a page-file PTE (reference §8.3).
    fn prefetch_cluster(&mut self, vpn: Vpn, slot: Slot) {
        let size = self.sys.tuning.cluster as u64;
        let run = self.cluster_run(vpn, slot, size);
        let mut wanted = run.read.clone();
        // Only frames already on a list count: the prefetched pages join the standby tail,
        // so they are never taken back for their own neighbours.
        let available = [FrameList::Free, FrameList::Zeroed, FrameList::Standby]
            .iter()
            .map(|l| self.sys.frames.count(*l))
            .sum::<usize>();
        wanted.truncate(available);
        if wanted.is_empty() {
            let stops = run.stops;
            if stops.is_empty() {
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
        let taken: Vec<(Pfn, FrameList, Option<Repurposed>)> =
            got.iter().map(|g| (g.pfn, g.from, g.old)).collect();
        let pages: Vec<Vpn> = got.iter().map(|g| g.vpn).collect();
        let slots: Vec<Slot> = got.iter().map(|g| g.slot).collect();
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
        self.emit(Event::ClusterRead {
            vpns: got.iter().map(|g| g.vpn).collect(),
        });
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
            let slots: Vec<Slot> = got.iter().map(|g| g.slot).collect();
            let frames: Vec<String> = got.iter().map(|g| g.pfn.0.to_string()).collect();
            let one = got.len() == 1;
            let s = if one { "" } else { "s" };
            format!(
                "Disk I/O: the same read brings slot{s} {} into frame{s} {}. The prefetched \
                 page{s} {} on the standby list with transition PTEs: touching {} later is only \
                 a soft fault.",
                narrate::slots(&slots),
                narrate::join(&frames),
                if one { "waits" } else { "wait" },
                if one { "it" } else { "them" },
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

    /// Map `pfn` at `vpn` and add it to the working set, as its own step.
    fn install(&mut self, vpn: Vpn, pfn: Pfn, protect: u32, filled: Filled) {
        let zeros = filled == Filled::Zeros;
        self.install_quiet(vpn, pfn, protect, zeros);
        let size = self.mmu.ws.len();
        let limits = self.mmu.ws.limits();
        let writable = protection::writable(protect);
        self.end_step(move || {
            let (what, bits, born) = match (filled, writable) {
                (Filled::ReadBack, w) => (
                    "the page read back",
                    if w { "writable" } else { "read-only" },
                    "",
                ),
                (Filled::Zeros, w) => (
                    "a page of zeros",
                    if w { "writable and dirty" } else { "read-only" },
                    " A demand-zero page is born modified (reference §8.2): no copy of it \
                     exists anywhere else, so even if it is only read, it must be written to \
                     the page file before its frame can be reused.",
                ),
            };
            format!(
                "The handler writes the PTE: page {} → frame {} holding {what}, valid, {bits}.\
                 {born} The page joins the working set ({}).",
                narrate::page(vpn),
                pfn.0,
                ws_words(size, limits.max, limits.hard)
            )
        });
    }

    /// Make `vpn`'s PTE valid for `pfn` and put it in the working set (no step). A fresh
    /// demand-zero page (`born_modified`) gets a modified frame and, when writable, a
    /// dirty PTE, as `MiResolveDemandZeroFault` does (reference §8.2).
    fn install_quiet(&mut self, vpn: Vpn, pfn: Pfn, protect: u32, born_modified: bool) {
        let now = self.sys.tick();
        let owner = self.owner(vpn);
        let writable = protection::writable(protect);
        let f = self.sys.frames.get_mut(pfn);
        f.owner = Some(owner);
        // A private page in its working set has one user: its PTE (reference §8.7).
        f.share_count = 1;
        f.loaded = now;
        f.last_use = now;
        if born_modified {
            f.modified = true;
        }
        self.set_pte(
            vpn,
            Pte::Valid {
                pfn,
                accessed: true,
                dirty: born_modified && writable,
                writable,
            },
        );
        self.mmu.ws.insert(vpn);
    }

    /// Write `vpn`'s PTE (creating its tables if needed) and record the change.
    pub(super) fn set_pte(&mut self, vpn: Vpn, new: Pte) -> Pte {
        let old = match self.mmu.tables.set(vpn, new) {
            Some(old) => old,
            None => {
                for t in self.mmu.tables.ensure(vpn) {
                    self.emit(Event::TableCreated {
                        level: t.level,
                        covers: t.covers,
                    });
                }
                self.mmu.tables.set(vpn, new).unwrap_or(Pte::Empty)
            }
        };
        if old != new {
            self.emit(Event::PteWritten { vpn, old, new });
            if new == Pte::DemandZero {
                // A page that held data now reads zeros: MEM_RESET_UNDO must know (§3.4).
                self.vad.note_data_dropped(vpn);
            }
        }
        old
    }
}

/// What a newly mapped frame holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Filled {
    /// Zeros: a demand-zero fault.
    Zeros,
    /// The page's bytes, read back from the page file.
    ReadBack,
}

/// "3 of 4 pages, its hard maximum" or "3 pages; soft maximum 8".
pub(super) fn ws_words(size: usize, max: u32, hard: bool) -> String {
    if hard {
        format!("{size} of {max} pages, its hard maximum")
    } else {
        format!("{}; soft maximum {max}", words::pages(size as u64))
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
    let parts: Vec<String> = stops
        .iter()
        .map(|&(v, why)| {
            let page = narrate::page(v);
            match why {
                Stop::OtherAllocation => format!("page {page} is not in the same allocation"),
                Stop::OtherSlot(s) => {
                    format!("page {page} is in the page file but not in slot {}", s.0)
                }
                Stop::NotInPageFile(s) => {
                    format!("slot {} does not hold page {page}'s data", s.0)
                }
            }
        })
        .collect();
    parts.join("; ")
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
    let frames = |list: FrameList, keep: &dyn Fn(&Option<Repurposed>) -> bool| -> Vec<String> {
        taken
            .iter()
            .filter(|t| t.1 == list && keep(&t.2))
            .map(|t| t.0 .0.to_string())
            .collect()
    };
    let mut out = Vec::new();
    for list in [FrameList::Free, FrameList::Zeroed] {
        let from = frames(list, &|_| true);
        if !from.is_empty() {
            out.push(format!(
                "{} {} from the {} list.",
                numbered("Frame", &from),
                agree(from.len() as u64, "comes", "come"),
                list.name()
            ));
        }
    }
    // Standby frames, grouped by what became of their old pages.
    for fate in 0..3 {
        let group: Vec<(Pfn, Repurposed)> = taken
            .iter()
            .filter_map(|t| match (t.1, t.2) {
                (FrameList::Standby, Some(r)) if r.fate() == fate => Some((t.0, r)),
                _ => None,
            })
            .collect();
        if group.is_empty() {
            continue;
        }
        let pfns: Vec<String> = group.iter().map(|g| g.0 .0.to_string()).collect();
        let old: Vec<Repurposed> = group.iter().map(|g| g.1).collect();
        let one = group.len() == 1;
        out.push(format!(
            "{} {} from the standby list: {} old {}.",
            numbered("Frame", &pfns),
            if one { "comes" } else { "come" },
            if one { "its" } else { "their" },
            repurposed_words(&old)
        ));
    }
    out.join(" ")
}

/// "Frame 5" or "Frames 5, 6 and 7".
fn numbered(noun: &str, items: &[String]) -> String {
    let s = agree(items.len() as u64, "", "s");
    format!("{noun}{s} {}", narrate::join(items))
}
