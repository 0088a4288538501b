//! The fault handler: demand-zero, soft (transition) and hard (page-file) faults, with
//! clustering on hard faults (reference §8.1–§8.5, §9).

use super::{Engine, Vad};
use crate::sim::addr::{Pfn, Slot, Vpn};
use crate::sim::error::{Access, ExceptionRecord};
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::protection;
use crate::sim::words;

use super::narrate;
use super::take::{Need, Taken};
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
        if let Some(page) = self.vad.view_page(vpn) {
            return self.shared_fault(ctx, page, protect);
        }
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
    /// (reference §8.4, `QUOTA_LIMITS_HARDWS_MAX_ENABLE`), until there is room for one
    /// more. On a hard fault (`incoming`) a changed page may trade places with the
    /// faulting page; the frame it leaves, already holding the faulting page, is returned. When no page can leave (textbook model only), the
    /// working set passes its hard maximum, as a step of its own.
    pub(super) fn make_room_in_working_set(&mut self, incoming: Option<Incoming>) -> Option<Pfn> {
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
            let mut names: Vec<String> = Vec::with_capacity(created.len());
            for t in &created {
                names.push(t.level.name().to_string());
            }
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
    pub(super) fn install_quiet(&mut self, vpn: Vpn, pfn: Pfn, protect: u32, born_modified: bool) {
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
