//! What the VM API does to physical state: decommit and release drop pages entirely,
//! re-protecting updates PTEs and flushes the TLB, and `MEM_RESET` drops the need to save
//! contents (reference §3.4, §4, §5, §8.6). These emit events inside the API call's step.

use crate::sim::addr::{Pfn, Vpn};
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::machine::Machine;
use crate::sim::protection;

impl Machine {
    /// Decommit/release: frames go to the free list, slots are freed, PTEs emptied and TLB
    /// entries flushed; the data is gone (reference §4.3: recommitting yields zeros).
    pub(super) fn discard_range(&mut self, first: Vpn, count: u64) {
        self.flush_range(first, count);
        for (vpn, pte) in self.paging.tables.in_range(first, count) {
            match pte {
                Pte::Valid { pfn, .. } | Pte::Transition { pfn } => {
                    self.paging.ws.remove(vpn);
                    self.free_frame(pfn);
                }
                Pte::PageFile { slot } => {
                    self.paging.pagefile.release(slot);
                    self.emit(Event::SlotFreed { slot });
                }
                Pte::DemandZero | Pte::Prototype { .. } | Pte::Empty => {}
            }
            self.set_pte(vpn, Pte::Empty);
        }
    }

    /// Put `pfn` on the free list with its slot released (its bytes stay as garbage).
    fn free_frame(&mut self, pfn: Pfn) {
        let from = self.paging.frames.get(pfn).list;
        let f = self.paging.frames.get_mut(pfn);
        let slot = f.slot.take();
        f.vpn = None;
        f.modified = false;
        if let Some(slot) = slot {
            self.paging.pagefile.release(slot);
            self.emit(Event::SlotFreed { slot });
        }
        self.paging.frames.push_tail(pfn, FrameList::Free);
        self.emit(Event::ListMove {
            pfn,
            from,
            to: FrameList::Free,
        });
    }

    /// Flush every TLB entry of the range.
    fn flush_range(&mut self, first: Vpn, count: u64) {
        for vpn in self.paging.tlb.in_range(first, count) {
            self.paging.tlb.flush(vpn);
            self.emit(Event::TlbFlush { vpn });
        }
    }

    /// New protection: valid PTEs take the new writable bit, and cached translations are
    /// flushed so the next access sees the new protection (reference §5).
    pub(super) fn reprotect_range(&mut self, first: Vpn, count: u64) {
        self.flush_range(first, count);
        for (vpn, pte) in self.paging.tables.in_range(first, count) {
            if let Pte::Valid {
                pfn,
                accessed,
                dirty,
                ..
            } = pte
            {
                let writable = protection::writable(self.space.page(vpn).protect);
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
        for (vpn, pte) in self.paging.tables.in_range(first, count) {
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
                    if self.paging.frames.get(pfn).list == FrameList::Modified {
                        self.paging.frames.push_tail(pfn, FrameList::Standby);
                        self.emit(Event::ListMove {
                            pfn,
                            from: FrameList::Modified,
                            to: FrameList::Standby,
                        });
                    }
                }
                Pte::PageFile { slot } => {
                    self.paging.pagefile.release(slot);
                    self.emit(Event::SlotFreed { slot });
                    self.set_pte(vpn, Pte::DemandZero);
                }
                Pte::DemandZero | Pte::Prototype { .. } | Pte::Empty => {}
            }
        }
    }

    /// The frame's bytes need not be kept: clean, and no page-file copy.
    fn forget_contents(&mut self, pfn: Pfn) {
        let f = self.paging.frames.get_mut(pfn);
        f.modified = false;
        if let Some(slot) = f.slot.take() {
            self.paging.pagefile.release(slot);
            self.emit(Event::SlotFreed { slot });
        }
    }
}
