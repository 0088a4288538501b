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

    /// A full working set gives up pages before a new one comes in (reference §8.4),
    /// until there is room for one more. On a hard fault (`incoming`) a changed page may
    /// trade places with the faulting page; the frame it leaves, already holding the
    /// faulting page, is returned. When no page can leave (textbook model only), the
    /// working set passes its soft limit, as a step of its own.
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

    /// No page can leave the full working set: the limit is soft (reference §8.4), so the
    /// new page joins anyway. Only the textbook model gets here, and then RAM always has a
    /// free frame for it (see `take_frame`).
    fn limit_passed(&mut self) {
        let limit = self.mmu.ws.limit();
        let size = self.mmu.ws.len();
        self.end_step(move || {
            format!(
                "The working set holds {} (its limit is {limit}), but none can \
                 leave: each was changed, and every page-file slot holds a page that is not in \
                 RAM, so there is nowhere to write one. The limit is soft, so the working set \
                 grows past it for now; it is trimmed back as soon as a page can leave.",
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
        self.install(ctx.vpn, taken.pfn, protect, "a page of zeros");
        Ok(taken.pfn)
    }

    /// Soft fault: the frame still holds the page on standby or modified (reference §8.2).
    fn soft_fault(&mut self, vpn: Vpn, pfn: Pfn, protect: u32) {
        let from = self.sys.frames.get(pfn).list;
        self.sys.frames.unlink(pfn);
        self.emit(Event::ListMove {
            pfn,
            from,
            to: FrameList::Active,
        });
        let still_modified = self.sys.frames.get(pfn).modified;
        self.install_quiet(vpn, pfn, protect);
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
                 in the working set ({size} of {limit} pages) with its contents intact.{note}",
                pfn.0,
                from.name(),
                narrate::page(vpn)
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
                self.prefetch_cluster(ctx.vpn);
            }
        }
        self.install(ctx.vpn, pfn, protect, "the page read back");
        Ok(pfn)
    }

    /// Clustering: the neighbours of a hard-faulting page in its cluster that are also in
    /// the page file come in with the same I/O and go to the standby list as prefetched
    /// pages (reference §8.5: pages already resident are skipped). Their frames come from
    /// the free, zeroed or standby lists only: a prefetch never forces a write. Taking a
    /// standby frame first turns its old page's PTE into a page-file PTE (reference §8.3).
    fn prefetch_cluster(&mut self, vpn: Vpn) {
        let size = self.sys.tuning.cluster as u64;
        let start = vpn.0 - vpn.0 % size;
        let mut wanted = Vec::new();
        for v in (start..start.saturating_add(size)).map(Vpn) {
            if v == vpn || !self.vad.same_allocation(vpn, v) {
                continue;
            }
            if let Pte::PageFile { slot } = self.mmu.tables.pte(v) {
                wanted.push((v, slot));
            }
        }
        // Only frames already on a list count: the prefetched pages join the standby tail,
        // so they are never taken back for their own neighbours.
        let available = [FrameList::Free, FrameList::Zeroed, FrameList::Standby]
            .iter()
            .map(|l| self.sys.frames.count(*l))
            .sum::<usize>();
        wanted.truncate(available);
        if wanted.is_empty() {
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
        self.end_step(move || {
            let n = pages.len() as u64;
            let (which, verb) = (
                agree(n, "neighbouring page", "neighbouring pages"),
                agree(n, "is", "are"),
            );
            format!(
                "Clustering ({cluster} pages around a hard fault): {which} {} {verb} in the page \
                 file too, so the same I/O can bring {} in. {}",
                narrate::pages(&pages),
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

    /// Map `pfn` at `vpn` and add it to the working set, as its own step.
    fn install(&mut self, vpn: Vpn, pfn: Pfn, protect: u32, what: &'static str) {
        self.install_quiet(vpn, pfn, protect);
        let size = self.mmu.ws.len();
        let limit = self.mmu.ws.limit();
        let writable = protection::writable(protect);
        self.end_step(move || {
            format!(
                "The handler writes the PTE: page {} → frame {} holding {what}, valid, {}. The \
                 page joins the working set ({size} of {limit} pages).",
                narrate::page(vpn),
                pfn.0,
                if writable { "writable" } else { "read-only" }
            )
        });
    }

    /// Make `vpn`'s PTE valid for `pfn` and put it in the working set (no step).
    fn install_quiet(&mut self, vpn: Vpn, pfn: Pfn, protect: u32) {
        let now = self.sys.tick();
        let owner = self.owner(vpn);
        let f = self.sys.frames.get_mut(pfn);
        f.owner = Some(owner);
        // A private page in its working set has one user: its PTE (reference §8.7).
        f.share_count = 1;
        f.loaded = now;
        f.last_use = now;
        self.set_pte(
            vpn,
            Pte::Valid {
                pfn,
                accessed: true,
                dirty: false,
                writable: protection::writable(protect),
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
