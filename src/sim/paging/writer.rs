//! The modified page writer: writes modified pages to page-file slots and moves them to
//! the tail of the standby list; their PTEs stay in transition and the page file now holds
//! a valid copy (reference §8.3, §9). It runs on `WriteModifiedPages()`, by itself when the
//! modified list reaches the threshold, and when a fault needs a frame and only modified
//! pages are left.

use super::{Engine, Vad};
use crate::sim::addr::{Owner, Pfn, Slot, Vpn};
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::system::System;
use crate::sim::words::{self, agree};

use super::narrate;

/// Why the writer runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Trigger {
    /// `WriteModifiedPages()`.
    Explicit,
    /// The modified list reached the threshold.
    Threshold,
    /// A fault needs a frame and only modified pages are left.
    NeedFrame,
    /// The writer goes on with the next page of the same run.
    Continuing,
}

impl<V: Vad> Engine<'_, V> {
    /// Write every page on the modified list, one step per page; returns pages written.
    pub(super) fn run_writer(&mut self, trigger: Trigger) -> usize {
        if self.sys.frames.count(FrameList::Modified) == 0 {
            if trigger == Trigger::Explicit {
                let textbook = !self.sys.tuning.standby;
                self.end_step(move || {
                    if textbook {
                        "The textbook model (standby off) has no modified list: changed pages \
                         were written when they were evicted. Nothing to write."
                            .into()
                    } else {
                        "The modified list is empty: there is nothing to write.".into()
                    }
                });
            }
            return 0;
        }
        let mut written = 0;
        while let Some(pfn) = self.sys.frames.head(FrameList::Modified) {
            let trigger = if written == 0 {
                trigger
            } else {
                Trigger::Continuing
            };
            if !self.write_one(pfn, trigger) {
                let left = self.sys.frames.count(FrameList::Modified);
                self.end_step(move || {
                    format!(
                        "The page file is full, so the modified page writer stops: {} {} on \
                         the modified list, still safe in RAM.",
                        words::pages(left as u64),
                        agree(left as u64, "stays", "stay")
                    )
                });
                break;
            }
            written += 1;
        }
        written
    }

    /// Wake the writer when the modified list has reached the threshold and a slot is free.
    pub(super) fn writer_if_due(&mut self) {
        if self.sys.tuning.standby
            && self.sys.frames.count(FrameList::Modified)
                >= self.sys.tuning.modified_threshold as usize
            && self.sys.pagefile.free_count() > 0
        {
            self.run_writer(Trigger::Threshold);
        }
    }

    /// Write modified frame `pfn` to a slot and move it to standby, as one step. False
    /// when no slot can be found. A page-file section's page gets a slot of its own,
    /// owned by its prototype PTE (docs/windows-sections.md §8.2).
    pub(super) fn write_one(&mut self, pfn: Pfn, trigger: Trigger) -> bool {
        if self.write_mapped(pfn, trigger) {
            return true;
        }
        if let Some(pid) = self.other_owner(pfn) {
            // The page (and the slot it gets) is another process's.
            return self
                .as_owner(pid, |e| e.write_one(pfn, trigger))
                .unwrap_or(false);
        }
        let Some(page) = self.sys.frames.get(pfn).owner else {
            return false;
        };
        let Some((slot, reclaimed)) = self.obtain_slot(
            page,
            matches!(trigger, Trigger::Explicit | Trigger::NeedFrame),
        ) else {
            return false;
        };
        let vpn = page.private_vpn();
        self.write_to_slot(pfn, slot, vpn);
        self.sys.frames.unlink(pfn);
        self.sys.frames.push_tail(pfn, FrameList::Standby);
        self.emit(Event::ListMove {
            pfn,
            from: FrameList::Modified,
            to: FrameList::Standby,
        });
        let count = self.sys.frames.count(FrameList::Modified) + 1;
        let threshold = self.sys.tuning.modified_threshold;
        let subject = match page {
            Owner::Shared { section, index } => {
                format!(
                    "The {}",
                    narrate::section_page(self.sys.section(section), index)
                )
            }
            Owner::Private { vpn, .. } => format!("Page {}", narrate::page(vpn)),
        };
        self.end_step(move || {
            let why = match trigger {
                Trigger::Explicit => "WriteModifiedPages() runs the modified page writer.".into(),
                Trigger::Threshold => format!(
                    "The modified list holds {} (the threshold is {threshold}), so \
                     the modified page writer wakes up.",
                    words::pages(count as u64)
                ),
                Trigger::Continuing => "The modified page writer goes on.".into(),
                Trigger::NeedFrame => "No frame is zeroed, free or on standby, so the \
                                       modified page writer must save a page first."
                    .into(),
            };
            let reclaim = reclaimed.map_or(String::new(), |v| {
                format!(
                    " The page file was full; slot {} held a copy of page {}, which is also in \
                     RAM, so that slot is taken back (page {} now counts as changed).",
                    slot.0,
                    narrate::page(v),
                    narrate::page(v)
                )
            });
            let pte = if vpn.is_some() {
                "PTE"
            } else {
                "prototype PTE"
            };
            format!(
                "{why}{reclaim} {subject} (frame {}) is written to page-file slot {} and the \
                 frame moves to the end of the standby list. Its {pte} stays in transition: the \
                 page file now holds a copy, so the frame can be reused without losing anything.",
                pfn.0, slot.0
            )
        });
        true
    }

    /// Copy `slot` into frame `pfn` for page `vpn` and record it (no step). The slot keeps
    /// its copy, so the frame starts out unchanged.
    pub(super) fn read_from_slot(&mut self, slot: Slot, pfn: Pfn, vpn: Vpn) {
        let System {
            pagefile, frames, ..
        } = &mut *self.sys;
        pagefile.read(slot, frames.bytes_mut(pfn));
        let f = frames.get_mut(pfn);
        f.slot = Some(slot);
        f.modified = false;
        self.sys.io.pagefile_reads += 1;
        self.emit(Event::PageFileRead { slot, pfn, vpn });
    }

    /// Copy frame `pfn` into `slot` for page `owner` (`None` for a section's page) and
    /// record it (no step).
    pub(super) fn write_to_slot(&mut self, pfn: Pfn, slot: Slot, owner: Option<Vpn>) {
        let System {
            pagefile, frames, ..
        } = &mut *self.sys;
        pagefile.write(slot, frames.bytes(pfn));
        let f = frames.get_mut(pfn);
        f.slot = Some(slot);
        f.modified = false;
        self.sys.io.pagefile_writes += 1;
        self.emit(Event::PageFileWrite {
            slot,
            pfn,
            vpn: owner,
        });
    }

    /// A slot for `page`: the lowest free one; when the page file is full and `reclaim`
    /// allows, the slot of a working-set page whose frame holds the same bytes (that page
    /// then counts as changed). Returns the slot and the page it was taken from.
    pub(super) fn obtain_slot(
        &mut self,
        page: Owner,
        reclaim: bool,
    ) -> Option<(Slot, Option<Vpn>)> {
        if let Some(slot) = self.sys.pagefile.alloc(page) {
            return Some((slot, None));
        }
        if !reclaim {
            return None;
        }
        let (slot, victim, pfn) = self.reclaimable_slot(page.private_vpn())?;
        let f = self.sys.frames.get_mut(pfn);
        f.slot = None;
        f.modified = true;
        self.sys.pagefile.release(slot);
        self.emit(Event::SlotFreed { slot });
        let slot = self.sys.pagefile.alloc(page)?;
        Some((slot, Some(victim)))
    }

    /// Whether [`Engine::obtain_slot`] with reclaim would find a slot for a changed page
    /// (which has no slot of its own): a free slot, or one it can reclaim.
    pub(super) fn slot_obtainable(&self) -> bool {
        self.sys.pagefile.free_count() > 0 || self.reclaimable_slot(None).is_some()
    }

    /// The lowest slot held by a working-set page (other than `not`) whose frame holds the
    /// same bytes: the page is also in RAM, so it can give the slot up.
    fn reclaimable_slot(&self, not: Option<Vpn>) -> Option<(Slot, Vpn, Pfn)> {
        let mut best: Option<(Slot, Vpn, Pfn)> = None;
        for &v in self.mmu.ws.pages() {
            if Some(v) == not {
                continue;
            }
            if let Pte::Valid { pfn, .. } = self.mmu.tables.pte(v) {
                let f = self.sys.frames.get(pfn);
                if let (Some(s), false) = (f.slot, f.modified) {
                    // The first of equal slots, as min_by_key.
                    if best.is_none_or(|b| s < b.0) {
                        best = Some((s, v, pfn));
                    }
                }
            }
        }
        best
    }
}
