//! The fault handler: demand-zero, soft (transition) and hard (page-file) faults, with
//! clustering on hard faults (reference §8.1–§8.5, §9).

use crate::sim::addr::{Pfn, Slot, Vpn};
use crate::sim::error::{Access, ExceptionRecord};
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::machine::Machine;
use crate::sim::protection;

use super::narrate;
use super::take::Need;
use super::trim::TrimCause;

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

impl Machine {
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
                self.paging.counters.transition += 1;
                self.make_room_in_working_set();
                self.soft_fault(vpn, pfn, protect);
                Ok(pfn)
            }
            Pte::PageFile { slot } => {
                self.paging.counters.hard += 1;
                self.hard_fault(ctx, slot, protect)
            }
            _ => {
                self.paging.counters.demand_zero += 1;
                self.demand_zero_fault(ctx, protect)
            }
        }
    }

    /// A full working set gives up a page before a new one comes in (reference §8.4).
    fn make_room_in_working_set(&mut self) {
        if self.paging.ws.is_full() {
            self.trim_one(TrimCause::WorkingSetFull);
        }
    }

    /// Demand-zero: build missing tables, take a zeroed frame (reference §8.3 order:
    /// zeroed, free + zero, standby + zero, else write out a modified page), map it.
    fn demand_zero_fault(&mut self, ctx: FaultCtx, protect: u32) -> Result<Pfn, ExceptionRecord> {
        let created = self.paging.tables.ensure(ctx.vpn);
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
        self.make_room_in_working_set();
        let taken = self.take_frame(ctx, Need::Zeroed, None)?;
        self.install(ctx.vpn, taken.pfn, protect, "a page of zeros");
        Ok(taken.pfn)
    }

    /// Soft fault: the frame still holds the page on standby or modified (reference §8.2).
    fn soft_fault(&mut self, vpn: Vpn, pfn: Pfn, protect: u32) {
        let from = self.paging.frames.get(pfn).list;
        self.paging.frames.unlink(pfn);
        self.emit(Event::ListMove {
            pfn,
            from,
            to: FrameList::Active,
        });
        let still_modified = self.paging.frames.get(pfn).modified;
        let note = if still_modified {
            "it still holds changes that are not in the page file"
        } else {
            "its contents are intact"
        };
        self.install_quiet(vpn, pfn, protect);
        let size = self.paging.ws.len();
        let limit = self.paging.ws.limit();
        self.end_step(move || {
            format!(
                "Frame {} leaves the {} list and goes back into the working set ({size} of \
                 {limit} pages); {note}. The PTE becomes valid again. No disk I/O was needed.",
                pfn.0,
                from.name()
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
        self.make_room_in_working_set();
        let taken = self.take_frame(ctx, Need::Fill, Some(slot))?;
        let pfn = taken.pfn;
        if !taken.swapped {
            let crate::sim::paging::Paging {
                pagefile, frames, ..
            } = &mut self.paging;
            pagefile.read(slot, frames.bytes_mut(pfn));
            let f = frames.get_mut(pfn);
            f.slot = Some(slot);
            f.modified = false;
            self.paging.counters.pagefile_reads += 1;
            self.emit(Event::PageFileRead {
                slot,
                pfn,
                vpn: ctx.vpn,
            });
            self.end_step(move || {
                format!(
                    "Disk I/O: page-file slot {} is read into frame {}. The slot keeps its copy, \
                     so while the page stays unchanged it need not be written again.",
                    slot.0, pfn.0
                )
            });
            if self.paging.standby && self.paging.cluster > 1 {
                self.prefetch_cluster(ctx.vpn);
            }
        }
        self.install(ctx.vpn, pfn, protect, "the page read back");
        Ok(pfn)
    }

    /// Clustering: the neighbours of a hard-faulting page in its cluster that are also in
    /// the page file come in with the same I/O and go to the standby list as prefetched
    /// pages (reference §8.5: pages already resident are skipped). Their frames come from
    /// the free, zeroed or standby lists only: a prefetch never forces a write.
    fn prefetch_cluster(&mut self, vpn: Vpn) {
        let size = self.paging.cluster as u64;
        let start = vpn.0 - vpn.0 % size;
        let mut wanted = Vec::new();
        for v in (start..start.saturating_add(size)).map(Vpn) {
            if v == vpn || !self.same_allocation(vpn, v) {
                continue;
            }
            if let Pte::PageFile { slot } = self.paging.tables.pte(v) {
                wanted.push((v, slot));
            }
        }
        if wanted.is_empty() {
            return;
        }
        let mut got = Vec::new();
        for (v, slot) in wanted {
            match self.take_quiet() {
                Some((pfn, from)) => got.push((v, slot, pfn, from)),
                None => break,
            }
        }
        if got.is_empty() {
            return;
        }
        self.emit(Event::ClusterRead {
            vpns: got.iter().map(|g| g.0).collect(),
        });
        for &(v, slot, pfn, from) in &got {
            let crate::sim::paging::Paging {
                pagefile, frames, ..
            } = &mut self.paging;
            pagefile.read(slot, frames.bytes_mut(pfn));
            let f = frames.get_mut(pfn);
            f.vpn = Some(v);
            f.slot = Some(slot);
            f.modified = false;
            frames.push_tail(pfn, FrameList::Standby);
            self.paging.counters.pagefile_reads += 1;
            self.emit(Event::ListMove {
                pfn,
                from,
                to: FrameList::Standby,
            });
            self.emit(Event::PageFileRead { slot, pfn, vpn: v });
            self.set_pte(v, Pte::Transition { pfn });
        }
        let cluster = size;
        self.end_step(move || {
            let pages: Vec<Vpn> = got.iter().map(|g| g.0).collect();
            let slots: Vec<Slot> = got.iter().map(|g| g.1).collect();
            let frames: Vec<String> = got.iter().map(|g| g.2 .0.to_string()).collect();
            let (which, verb, s) = if pages.len() == 1 {
                ("Neighbouring page", "is", "")
            } else {
                ("Neighbouring pages", "are", "s")
            };
            format!(
                "Clustering ({cluster} pages around a hard fault): {which} {} {verb} in the page \
                 file too, so the same I/O reads slot{s} {} into frame{s} {}. The prefetched \
                 page{s} go to the standby list with transition PTEs: touching them later is only \
                 a soft fault.",
                narrate::pages(&pages),
                narrate::slots(&slots),
                narrate::join(&frames)
            )
        });
    }

    /// Whether two pages belong to the same allocation (clustering stays inside one).
    fn same_allocation(&self, a: Vpn, b: Vpn) -> bool {
        match (self.space.allocation_at(a), self.space.allocation_at(b)) {
            (Some(x), Some(y)) => x.base == y.base,
            _ => false,
        }
    }

    /// Map `pfn` at `vpn` and add it to the working set, as its own step.
    fn install(&mut self, vpn: Vpn, pfn: Pfn, protect: u32, what: &'static str) {
        self.install_quiet(vpn, pfn, protect);
        let size = self.paging.ws.len();
        let limit = self.paging.ws.limit();
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
        self.paging.now += 1;
        let now = self.paging.now;
        let f = self.paging.frames.get_mut(pfn);
        f.vpn = Some(vpn);
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
        self.paging.ws.insert(vpn);
    }

    /// Write `vpn`'s PTE (creating its tables if needed) and record the change.
    pub(super) fn set_pte(&mut self, vpn: Vpn, new: Pte) -> Pte {
        let old = match self.paging.tables.set(vpn, new) {
            Some(old) => old,
            None => {
                for t in self.paging.tables.ensure(vpn) {
                    self.emit(Event::TableCreated {
                        level: t.level,
                        covers: t.covers,
                    });
                }
                self.paging.tables.set(vpn, new).unwrap_or(Pte::Empty)
            }
        };
        if old != new {
            self.emit(Event::PteWritten { vpn, old, new });
        }
        old
    }
}
