//! Evicting one page: taking it out of the working set and sending its frame where it
//! belongs. A clean page goes to standby and a dirty one to modified, with a transition PTE
//! (reference §8.3, §9). With standby off (the textbook model) a dirty page is written to
//! the page file at once and a clean one is dropped; either way the frame is freed. A
//! view's page leaves through its prototype PTE, and in the textbook model a changed page
//! may trade places with the hard-faulting page through its slot. `trim` chooses the pages.

use super::trim::Incoming;
use super::{narrate, Engine, Vad};
use crate::sim::addr::{Owner, Pfn, Slot, Vpn};
use crate::sim::config::Policy;
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::system::System;

/// Where a trimmed page went.
#[derive(Clone, Copy, Debug)]
pub(super) struct Evicted {
    /// The frame the page was in.
    pub(super) pfn: Pfn,
    to: FrameList,
    /// Textbook model: the slot written, or the PTE left behind.
    written: Option<Slot>,
    pte: Pte,
    /// The page-file slot that held a copy of the page when it left, if any.
    saved: Option<Slot>,
    /// The frame held only zeros when the page left.
    zeros: bool,
    /// A view's page of a page-file-backed section (docs/windows-sections.md §8.2).
    page_file: bool,
    /// Textbook model, page file full: the page that took the slot was found in RAM with a
    /// copy there, and gave it up.
    reclaimed: Option<Vpn>,
    /// Textbook model, page file full: the hard-faulting page that traded places with this
    /// one through its slot.
    pub(super) swapped: Option<Vpn>,
    /// A view's page: the frame's share count after it left.
    share: Option<u32>,
}

impl Evicted {
    /// What happened to the page, in words; the page was named just before.
    pub(super) fn words(&self) -> String {
        let f = self.pfn.0;
        if let (Some(share), Pte::Prototype { index }) = (self.share, self.pte) {
            // docs/windows-sections.md §8.2: trimming a view's page leaves a PTE that
            // points at the prototype PTE, and the frame's share count drops.
            let mut s = format!(
                "It is a view's page: its PTE points at the section's prototype PTE {index} \
                 again and frame {f}'s share count drops to {share}"
            );
            s.push_str(match (self.to, share) {
                (FrameList::Active, 0) => {
                    ": no view maps it now, but with no standby list it stays in RAM until the \
                     section goes."
                }
                (FrameList::Active, _) => ": the frame stays in RAM for the views that map it.",
                // Born modified, as a demand-zero page is (docs/windows-sections.md §8.2).
                (FrameList::Modified, _) if self.page_file => {
                    ": no view maps it now, and a page-file section's page is born modified, so \
                     it goes to the modified list and its prototype PTE becomes a transition PTE."
                }
                (FrameList::Modified, _) => {
                    ": no view maps it now, and it was changed, so it goes to the modified list \
                     and its prototype PTE becomes a transition PTE."
                }
                _ => {
                    ": no view maps it now, so it goes to the standby list and its prototype \
                     PTE becomes a transition PTE."
                }
            });
            return s;
        }
        // Why a clean page with no page-file copy needs no saving: it holds only zeros,
        // or MEM_RESET said its contents are no longer needed (reference §3.4).
        let nothing_to_save = if self.zeros {
            "The page still holds only zeros and has no page-file copy, so nothing needs saving"
        } else {
            "MEM_RESET said the page's contents are no longer needed, so nothing is saved"
        };
        if let (Some(incoming), Pte::PageFile { slot }) = (self.swapped, self.pte) {
            let (v, s) = (narrate::page(incoming), slot.0);
            return format!(
                "The page was changed, and RAM and the page file are full, so it and page {v} \
                 trade places through slot {s}, page {v}'s own slot (reading page {v} in frees \
                 it), in one I/O: frame {f}'s bytes are written to slot {s} while the slot's \
                 bytes come into frame {f}. Page {v} now lives only in RAM, so it counts as \
                 changed."
            );
        }
        let reclaim = self.reclaimed.map_or(String::new(), |v| {
            format!(
                " (the page file was full: page {} is also in RAM, so it gave up its copy in \
                 that slot and now counts as changed)",
                narrate::page(v)
            )
        });
        match (self.to, self.written, self.pte) {
            (FrameList::Standby, ..) => match self.saved {
                Some(slot) => format!(
                    "The page is unchanged since it was saved to page-file slot {}, so frame \
                     {f} goes to the end of the standby list and the PTE becomes a transition \
                     PTE: the page stays in RAM in case it is needed again.",
                    slot.0
                ),
                // A standby frame without a slot goes back to demand-zero when it is
                // reused (take.rs, `unhook`; reference §8.3).
                None => format!(
                    "{nothing_to_save}: frame {f} goes to the end of the standby list and the \
                     PTE becomes a transition PTE. If the frame is reused, the PTE goes back to \
                     demand-zero."
                ),
            },
            (FrameList::Modified, ..) => format!(
                "The page has no up-to-date copy in the page file (it was written, or it is a \
                 demand-zero page, which is born modified even if only read), so frame {f} goes \
                 to the modified list and the PTE becomes a transition PTE: the modified page \
                 writer must save it before the frame can be reused."
            ),
            (_, Some(slot), _) => format!(
                "The textbook model has no standby list: the page has no up-to-date copy in the \
                 page file (it was written, or it is a demand-zero page, born modified), so it \
                 is written at once to page-file slot {}{reclaim} and frame {f} is freed.",
                slot.0
            ),
            (_, None, Pte::PageFile { slot }) => format!(
                "The textbook model has no standby list: page-file slot {} still holds the same \
                 bytes, so the page is simply dropped and frame {f} is freed.",
                slot.0
            ),
            _ => format!(
                "The textbook model has no standby list. {nothing_to_save}: the page is dropped \
                 (its PTE goes back to demand-zero) and frame {f} is freed."
            ),
        }
    }
}

impl<V: Vad> Engine<'_, V> {
    /// Take `vpn` out of the working set (no step). `None` when it cannot leave: the
    /// textbook model must write a changed page and the page file is full. A changed page
    /// trades places with `incoming` when the page file has no free slot.
    pub(super) fn evict(
        &mut self,
        vpn: Vpn,
        policy: Option<Policy>,
        incoming: Option<Incoming>,
    ) -> Option<Evicted> {
        let Pte::Valid { pfn, .. } = self.mmu.tables.pte(vpn) else {
            self.mmu.ws.remove(vpn);
            return None;
        };
        if let Some(page) = self.vad.view_page(vpn) {
            return Some(self.evict_view_page(vpn, pfn, page, policy));
        }
        let frame = *self.sys.frames.get(pfn);
        // Only a clean page without a page-file copy needs this (the narration says why
        // nothing is saved).
        let zeros = !frame.modified
            && frame.slot.is_none()
            && self.sys.frames.bytes(pfn).iter().all(|&b| b == 0);
        let mut reclaimed = None;
        let (to, written, pte) = if self.sys.tuning.standby {
            let to = if frame.modified {
                FrameList::Modified
            } else {
                FrameList::Standby
            };
            (to, None, Pte::Transition { pfn })
        } else if frame.modified {
            // Textbook model, page file full: the faulting page's slot is freed by the very
            // read that brings it in, so the victim and the faulting page trade places in
            // one I/O (as the standby model's `swap_in` does with a modified frame).
            if let (0, Some(inc)) = (self.sys.pagefile.free_count(), incoming) {
                return Some(self.trade_places(vpn, pfn, policy, inc));
            }
            let (slot, from) = self.obtain_slot(self.owner(vpn), true)?;
            reclaimed = from;
            (FrameList::Free, Some(slot), Pte::PageFile { slot })
        } else {
            let pte = match frame.slot {
                Some(slot) => Pte::PageFile { slot },
                None => Pte::DemandZero,
            };
            (FrameList::Free, None, pte)
        };
        self.mmu.ws.remove(vpn);
        self.emit(Event::PageTrimmed {
            vpn,
            pfn,
            policy,
            to,
        });
        if self.mmu.tlb.flush(vpn) {
            self.emit(Event::TlbFlush { vpn });
        }
        if let Some(slot) = written {
            self.write_to_slot(pfn, slot, Some(vpn));
        }
        self.set_pte(vpn, pte);
        let f = self.sys.frames.get_mut(pfn);
        // No PTE maps the frame any more (a transition PTE does not count).
        f.share_count = 0;
        if to == FrameList::Free {
            f.owner = None;
            f.slot = None;
            f.modified = false;
        }
        self.sys.frames.push_tail(pfn, to);
        Some(Evicted {
            pfn,
            to,
            written,
            pte,
            saved: frame.slot,
            zeros,
            reclaimed,
            swapped: None,
            share: None,
            page_file: false,
        })
    }

    /// Take view page `vpn`, mapping shared frame `pfn` through prototype PTE `index`, out
    /// of the working set (no step): its PTE points at the prototype PTE again and the
    /// frame's share count drops; at 0 a file's or image's page goes to standby or
    /// modified (docs/windows-sections.md §8.2, `mapped_unused`).
    fn evict_view_page(
        &mut self,
        vpn: Vpn,
        pfn: Pfn,
        (section, index): (crate::sim::addr::SectionId, u32),
        policy: Option<Policy>,
    ) -> Evicted {
        self.mmu.ws.remove(vpn);
        if self.mmu.tlb.flush(vpn) {
            self.emit(Event::TlbFlush { vpn });
        }
        let pte = Pte::Prototype { index };
        self.set_pte(vpn, pte);
        let f = self.sys.frames.get_mut(pfn);
        f.share_count = f.share_count.saturating_sub(1);
        let share = f.share_count;
        if share == 0 {
            self.mapped_unused(pfn);
        }
        let to = self.sys.frames.get(pfn).list;
        self.emit(Event::PageTrimmed {
            vpn,
            pfn,
            policy,
            to,
        });
        let page_file = self
            .sys
            .section(section)
            .is_some_and(|s| s.backing == crate::sim::system::section::Backing::PageFile);
        Evicted {
            pfn,
            to,
            written: None,
            pte,
            saved: None,
            zeros: false,
            page_file,
            reclaimed: None,
            swapped: None,
            share: Some(share),
        }
    }

    /// One I/O through `slot`: frame `pfn`'s bytes (the page of `old_owner`) are written
    /// to the slot, which `old_owner` now owns, and the slot's bytes read into the frame,
    /// which `new_owner` now owns on no list. Its page lives only in RAM: changed.
    pub(super) fn swap_through_slot(
        &mut self,
        slot: Slot,
        pfn: Pfn,
        old_owner: Owner,
        new_owner: Owner,
    ) {
        let System {
            pagefile, frames, ..
        } = &mut *self.sys;
        pagefile.swap(slot, frames.bytes_mut(pfn));
        pagefile.set_owner(slot, old_owner);
        let f = frames.get_mut(pfn);
        f.owner = Some(new_owner);
        f.share_count = 0;
        f.modified = true;
        f.slot = None;
        self.sys.io.pagefile_writes += 1;
        self.sys.io.pagefile_reads += 1;
    }

    /// Changed page `vpn` in frame `pfn` and the hard-faulting page `inc` trade places
    /// through `inc.slot` in one I/O: the frame's bytes are written to the slot and the
    /// slot's bytes read into the frame, which passes straight to the faulting page (on
    /// no list). That page now lives only in RAM, so its frame counts as changed.
    fn trade_places(
        &mut self,
        vpn: Vpn,
        pfn: Pfn,
        policy: Option<Policy>,
        inc: Incoming,
    ) -> Evicted {
        let slot = inc.slot;
        let (old_owner, new_owner) = (self.owner(vpn), self.owner(inc.vpn));
        self.mmu.ws.remove(vpn);
        self.emit(Event::PageTrimmed {
            vpn,
            pfn,
            policy,
            to: FrameList::Active,
        });
        if self.mmu.tlb.flush(vpn) {
            self.emit(Event::TlbFlush { vpn });
        }
        self.swap_through_slot(slot, pfn, old_owner, new_owner);
        self.emit(Event::PageFileWrite {
            slot,
            pfn,
            vpn: Some(vpn),
        });
        self.set_pte(vpn, Pte::PageFile { slot });
        self.emit(Event::PageFileRead {
            slot,
            pfn,
            vpn: inc.vpn,
        });
        Evicted {
            pfn,
            to: FrameList::Active,
            written: Some(slot),
            pte: Pte::PageFile { slot },
            saved: None,
            zeros: false,
            reclaimed: None,
            swapped: Some(inc.vpn),
            share: None,
            page_file: false,
        }
    }
}
