//! What the VM API does to physical state: decommit and release drop pages entirely,
//! re-protecting updates PTEs and flushes the TLB, and `MEM_RESET` drops the need to save
//! contents and `MEM_RESET_UNDO` wants them back (reference §3.4, §4, §5, §8.6). These emit
//! events inside the API call's step.

use super::{Engine, Vad};
use crate::sim::addr::{Pfn, Slot, Vpn};
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::protection;

use super::narrate;

/// What decommit or release did to the physical state of its pages, as the events said:
/// the frames put on the free list, the page-file slots freed, and the pages that held
/// nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Discarded {
    /// Frames that went to the free list (`ListMove` to free).
    pub frames: Vec<Pfn>,
    /// Page-file slots freed (`SlotFreed`), including copies of pages that were in RAM.
    pub slots: Vec<Slot>,
    /// Pages whose PTE was empty: never touched.
    pub untouched: u64,
    /// Pages whose PTE was demand-zero: no frame and no slot.
    pub demand_zero: u64,
}

impl Discarded {
    /// Add `other`'s pages to these.
    pub fn extend(&mut self, other: Discarded) {
        self.frames.extend(other.frames);
        self.slots.extend(other.slots);
        self.untouched += other.untouched;
        self.demand_zero += other.demand_zero;
    }

    /// True when no page held anything: no frame and no slot was freed.
    pub fn nothing_held(&self) -> bool {
        self.frames.is_empty() && self.slots.is_empty() && self.demand_zero == 0
    }

    /// What was freed, as a clause: "frames 0 and 1 go to the free list, page-file slot 3
    /// is freed and 1 page was never touched". Empty when there were no pages.
    pub fn words(&self) -> String {
        let plural = |n: usize, one: &'static str, many: &'static str| {
            if n == 1 {
                one
            } else {
                many
            }
        };
        let mut parts = Vec::new();
        if !self.frames.is_empty() {
            let n = self.frames.len();
            // u64, as every other sort of numbers: one sort routine in the wasm module.
            let mut pfns: Vec<u64> = Vec::with_capacity(n);
            for p in &self.frames {
                pfns.push(u64::from(p.0));
            }
            pfns.sort_unstable();
            parts.push(format!(
                "{} {} {} to the free list",
                plural(n, "frame", "frames"),
                narrate::numbers(&pfns),
                plural(n, "goes", "go")
            ));
        }
        if !self.slots.is_empty() {
            let n = self.slots.len();
            parts.push(format!(
                "page-file {} {} {} freed",
                plural(n, "slot", "slots"),
                narrate::slots(&self.slots),
                plural(n, "is", "are")
            ));
        }
        if self.untouched > 0 {
            let n = self.untouched as usize;
            parts.push(format!(
                "{n} {} never touched",
                plural(n, "page was", "pages were")
            ));
        }
        if self.demand_zero > 0 {
            let n = self.demand_zero as usize;
            parts.push(format!(
                "{n} {} no frame and no page-file slot (demand-zero)",
                plural(n, "page had", "pages had")
            ));
        }
        narrate::join(&parts)
    }
}

impl<V: Vad> Engine<'_, V> {
    /// Decommit/release: frames go to the free list, slots are freed, PTEs emptied and TLB
    /// entries flushed; the data is gone (reference §4.3: recommitting yields zeros).
    /// Returns what was freed, for the narration.
    pub(super) fn discard_range(&mut self, first: Vpn, count: u64) -> Discarded {
        self.flush_range(first, count);
        let mut done = Discarded::default();
        let mut held = 0;
        for (vpn, pte) in self.mmu.tables.in_range(first, count) {
            if pte == Pte::Empty {
                continue;
            }
            held += 1;
            match pte {
                Pte::Valid { pfn, .. } | Pte::Transition { pfn } => {
                    self.mmu.ws.remove(vpn);
                    if let Some(slot) = self.free_frame(pfn) {
                        done.slots.push(slot);
                    }
                    done.frames.push(pfn);
                }
                Pte::PageFile { slot } => {
                    self.sys.pagefile.release(slot);
                    self.emit(Event::SlotFreed { slot });
                    done.slots.push(slot);
                }
                Pte::DemandZero => done.demand_zero += 1,
                Pte::Empty | Pte::Prototype { .. } => {}
            }
            self.set_pte(vpn, Pte::Empty);
        }
        // An empty PTE, or none at all (no page table yet): the page was never touched.
        done.untouched += count.saturating_sub(held);
        done
    }

    /// Put `pfn` on the free list with its slot released (its bytes stay as garbage).
    /// Returns the slot freed, if the frame had one.
    fn free_frame(&mut self, pfn: Pfn) -> Option<Slot> {
        let from = self.sys.frames.get(pfn).list;
        let f = self.sys.frames.get_mut(pfn);
        let slot = f.slot.take();
        f.owner = None;
        f.share_count = 0;
        f.modified = false;
        if let Some(slot) = slot {
            self.sys.pagefile.release(slot);
            self.emit(Event::SlotFreed { slot });
        }
        self.sys.frames.push_tail(pfn, FrameList::Free);
        self.emit(Event::ListMove {
            pfn,
            from,
            to: FrameList::Free,
        });
        slot
    }

    /// Flush every TLB entry of the range.
    fn flush_range(&mut self, first: Vpn, count: u64) {
        for vpn in self.mmu.tlb.in_range(first, count) {
            self.mmu.tlb.flush(vpn);
            self.emit(Event::TlbFlush { vpn });
        }
    }

    /// New protection: valid PTEs take the new writable bit, and cached translations are
    /// flushed so the next access sees the new protection (reference §5).
    pub(super) fn reprotect_range(&mut self, first: Vpn, count: u64) {
        self.flush_range(first, count);
        for (vpn, pte) in self.mmu.tables.in_range(first, count) {
            if let Pte::Valid {
                pfn,
                accessed,
                dirty,
                ..
            } = pte
            {
                let writable = protection::writable(self.vad.page(vpn).protect);
                self.set_pte(
                    vpn,
                    Pte::Valid {
                        pfn,
                        accessed,
                        dirty,
                        writable,
                    },
                );
            }
        }
    }

    /// `MEM_RESET` (reference §3.4): the contents need not be saved any more. Resident
    /// pages become clean with no page-file copy (a modified frame moves to standby), and
    /// a page only in the page file goes back to demand-zero. Reading such a page later
    /// gives its old bytes while they stay in RAM, or zeros once the frame was reused;
    /// reference §3.4 allows both.
    pub(super) fn reset_range(&mut self, first: Vpn, count: u64) {
        for (vpn, pte) in self.mmu.tables.in_range(first, count) {
            match pte {
                Pte::Valid {
                    pfn,
                    accessed,
                    writable,
                    ..
                } => {
                    self.forget_contents(pfn);
                    self.set_pte(
                        vpn,
                        Pte::Valid {
                            pfn,
                            accessed,
                            dirty: false,
                            writable,
                        },
                    );
                }
                Pte::Transition { pfn } => {
                    self.forget_contents(pfn);
                    if self.sys.frames.get(pfn).list == FrameList::Modified {
                        self.sys.frames.push_tail(pfn, FrameList::Standby);
                        self.emit(Event::ListMove {
                            pfn,
                            from: FrameList::Modified,
                            to: FrameList::Standby,
                        });
                    }
                }
                Pte::PageFile { slot } => {
                    self.sys.pagefile.release(slot);
                    self.emit(Event::SlotFreed { slot });
                    self.set_pte(vpn, Pte::DemandZero);
                }
                Pte::DemandZero | Pte::Prototype { .. } | Pte::Empty => {}
            }
        }
    }

    /// Mark the pages of `first..first + count` that hold data (in RAM or in the page
    /// file) as reset, before `MEM_RESET` lets the engine drop it.
    pub(crate) fn mark_holding_data(&mut self, first: Vpn, count: u64) {
        for (vpn, pte) in self.mmu.tables.in_range(first, count) {
            if matches!(
                pte,
                Pte::Valid { .. } | Pte::Transition { .. } | Pte::PageFile { .. }
            ) {
                self.vad.mark_reset(vpn);
            }
        }
    }

    /// `MEM_RESET_UNDO` for one reset page: false when its data is gone (its frame was
    /// reused and the PTE went back to demand-zero). When the data is still in a frame
    /// that MEM_RESET made clean, the frame counts as changed again, so that trimming sends
    /// it to the modified list and the modified page writer saves it. Emits events.
    pub(crate) fn keep_contents(&mut self, vpn: Vpn) -> bool {
        let pte = self.mmu.tables.pte(vpn);
        let pfn = match pte {
            Pte::Valid { pfn, .. } | Pte::Transition { pfn } => pfn,
            // Written again after the reset and saved since: the data is the program's.
            Pte::PageFile { .. } => return true,
            Pte::Empty | Pte::DemandZero | Pte::Prototype { .. } => return false,
        };
        let frame = self.sys.frames.get(pfn);
        // A frame already changed, or with a page-file copy, keeps its data safely.
        if frame.modified || frame.slot.is_some() {
            return true;
        }
        self.sys.frames.get_mut(pfn).modified = true;
        match pte {
            Pte::Valid {
                pfn,
                accessed,
                writable,
                ..
            } => {
                let new = Pte::Valid {
                    pfn,
                    accessed,
                    dirty: true,
                    writable,
                };
                self.mmu.tables.set(vpn, new);
                self.emit(Event::PteWritten { vpn, old: pte, new });
            }
            _ => {
                // A clean reset page on standby moves to the modified list.
                let from = self.sys.frames.get(pfn).list;
                self.sys.frames.push_tail(pfn, FrameList::Modified);
                self.emit(Event::ListMove {
                    pfn,
                    from,
                    to: FrameList::Modified,
                });
            }
        }
        true
    }

    /// The frame's bytes need not be kept: clean, and no page-file copy.
    fn forget_contents(&mut self, pfn: Pfn) {
        let f = self.sys.frames.get_mut(pfn);
        f.modified = false;
        if let Some(slot) = f.slot.take() {
            self.sys.pagefile.release(slot);
            self.emit(Event::SlotFreed { slot });
        }
    }
}
