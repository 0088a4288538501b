//! Trimming: pages leave the working set because the policy chose them (a full working
//! set, or no free frame), or because the program asked (`PageOut`, `EmptyWorkingSet`).
//! A clean page goes to standby and a dirty one to modified, with a transition PTE
//! (reference §8.3, §9). With standby off (the textbook model) a dirty page is written to
//! the page file at once and a clean one is dropped; either way the frame is freed.

use crate::sim::addr::{Pfn, Slot, Vpn, PAGE_SIZE};
use crate::sim::config::Policy;
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::machine::Machine;

use super::narrate;
use super::working_set::PageAge;

/// Why the policy must trim a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TrimCause {
    /// The working set is at its limit and a new page is coming in.
    WorkingSetFull,
    /// No frame is on any list, so a working-set page must give up its frame.
    NoFreeFrame,
}

/// Where a trimmed page went.
#[derive(Clone, Copy, Debug)]
pub(super) struct Evicted {
    pfn: Pfn,
    to: FrameList,
    /// Textbook model: the slot written, or the PTE left behind.
    written: Option<Slot>,
    pte: Pte,
    /// The page-file slot that held a copy of the page when it left, if any.
    saved: Option<Slot>,
    /// The frame held only zeros when the page left.
    zeros: bool,
}

impl Evicted {
    /// What happened to the page, in words; the page was named just before.
    fn words(&self) -> String {
        let f = self.pfn.0;
        // Why a clean page with no page-file copy needs no saving: it holds only zeros,
        // or MEM_RESET said its contents are no longer needed (reference §3.4).
        let nothing_to_save = if self.zeros {
            "The page still holds only zeros and has no page-file copy, so nothing needs saving"
        } else {
            "MEM_RESET said the page's contents are no longer needed, so nothing is saved"
        };
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
                "The page holds changes that are not in the page file, so frame {f} goes to the \
                 modified list and the PTE becomes a transition PTE."
            ),
            (_, Some(slot), _) => format!(
                "The textbook model has no standby list: the page was changed, so it is \
                 written at once to page-file slot {} and frame {f} is freed.",
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

impl Machine {
    /// Trim one page chosen by the policy, as one step. False when nothing could be trimmed.
    pub(super) fn trim_one(&mut self, cause: TrimCause) -> bool {
        let crate::sim::paging::Paging {
            ws,
            rng,
            tables,
            frames,
            ..
        } = &mut self.paging;
        let Some(choice) = ws.choose(rng, |v| match tables.pte(v) {
            Pte::Valid { pfn, accessed, .. } => {
                let f = frames.get(pfn);
                PageAge {
                    accessed,
                    loaded: f.loaded,
                    last_use: f.last_use,
                }
            }
            _ => PageAge {
                accessed: false,
                loaded: 0,
                last_use: 0,
            },
        }) else {
            return false;
        };
        let policy = self.paging.ws.policy();
        // Clock aging (reference §8.4): the hand clears each set accessed bit it passes.
        for &v in &choice.cleared {
            if let Pte::Valid {
                pfn,
                dirty,
                writable,
                ..
            } = self.paging.tables.pte(v)
            {
                self.set_pte(
                    v,
                    Pte::Valid {
                        pfn,
                        accessed: false,
                        dirty,
                        writable,
                    },
                );
            }
        }
        let victim = choice.victim;
        let cleared = choice.cleared;
        let limit = self.paging.ws.limit();
        let outcome = self.evict(victim, Some(policy));
        self.end_step(move || {
            let why = match cause {
                TrimCause::WorkingSetFull => format!(
                    "The working set is at its limit of {limit} pages, so one page must leave \
                     before the new one comes in."
                ),
                TrimCause::NoFreeFrame => "No frame is zeroed, free, on standby or modified, \
                                           so a page must leave the working set to free one."
                    .into(),
            };
            let chose = match policy {
                Policy::Fifo => format!(
                    "FIFO picks page {}, the one loaded earliest.",
                    narrate::page(victim)
                ),
                Policy::Lru => format!(
                    "LRU picks page {}, the one used longest ago.",
                    narrate::page(victim)
                ),
                Policy::Random => {
                    format!("The random policy picks page {}.", narrate::page(victim))
                }
                Policy::Clock | Policy::Opt if cleared.is_empty() => format!(
                    "The clock hand is on page {}, whose accessed bit is clear: it was not used \
                     since the hand last passed, so it is trimmed.",
                    narrate::page(victim)
                ),
                Policy::Clock | Policy::Opt => {
                    let passed = match cleared.as_slice() {
                        [one] => format!(
                            "The clock hand clears the accessed bit of page {} (it was used \
                             recently, so it gets a second chance)",
                            narrate::page(*one)
                        ),
                        _ => format!(
                            "The clock hand clears the accessed bits of pages {} (each was used \
                             recently, so it gets a second chance)",
                            narrate::pages(&cleared)
                        ),
                    };
                    // The hand may go all the way around and stop at a page it cleared.
                    if cleared.contains(&victim) {
                        format!(
                            "{passed}, comes back around to page {}, whose bit is now clear, and \
                             trims it.",
                            narrate::page(victim)
                        )
                    } else {
                        format!(
                            "{passed} and stops at page {}, whose bit is clear: it is trimmed.",
                            narrate::page(victim)
                        )
                    }
                }
            };
            let went = match outcome {
                Some(e) => e.words(),
                None => format!(
                    "But page {} was changed and the page file is full, so it cannot leave; the \
                     working set grows past its limit for now.",
                    narrate::page(victim)
                ),
            };
            format!("{why} {chose} {went}")
        });
        outcome.is_some()
    }

    /// Take `vpn` out of the working set (no step). `None` when it cannot leave: the
    /// textbook model must write a changed page and the page file is full.
    fn evict(&mut self, vpn: Vpn, policy: Option<Policy>) -> Option<Evicted> {
        let Pte::Valid { pfn, .. } = self.paging.tables.pte(vpn) else {
            self.paging.ws.remove(vpn);
            return None;
        };
        let frame = *self.paging.frames.get(pfn);
        // Only a clean page without a page-file copy needs this (the narration says why
        // nothing is saved).
        let zeros = !frame.modified
            && frame.slot.is_none()
            && self.paging.frames.bytes(pfn).iter().all(|&b| b == 0);
        let (to, written, pte) = if self.paging.standby {
            let to = if frame.modified {
                FrameList::Modified
            } else {
                FrameList::Standby
            };
            (to, None, Pte::Transition { pfn })
        } else if frame.modified {
            let (slot, _) = self.obtain_slot(vpn, true)?;
            (FrameList::Free, Some(slot), Pte::PageFile { slot })
        } else {
            let pte = match frame.slot {
                Some(slot) => Pte::PageFile { slot },
                None => Pte::DemandZero,
            };
            (FrameList::Free, None, pte)
        };
        self.paging.ws.remove(vpn);
        self.emit(Event::PageTrimmed {
            vpn,
            pfn,
            policy,
            to,
        });
        if self.paging.tlb.flush(vpn) {
            self.emit(Event::TlbFlush { vpn });
        }
        if let Some(slot) = written {
            self.write_to_slot(pfn, slot, vpn);
        }
        self.set_pte(vpn, pte);
        if to == FrameList::Free {
            let f = self.paging.frames.get_mut(pfn);
            f.vpn = None;
            f.slot = None;
            f.modified = false;
        }
        self.paging.frames.push_tail(pfn, to);
        Some(Evicted {
            pfn,
            to,
            written,
            pte,
            saved: frame.slot,
            zeros,
        })
    }

    /// `PageOut(va, size)`: trim the resident pages of the range, one step each.
    pub(super) fn trim_range(&mut self, va: u64, size: u64) -> usize {
        let first = Vpn::of(va);
        let last = Vpn::of(va.saturating_add(size.max(1) - 1));
        let mut pages: Vec<Vpn> = self
            .paging
            .ws
            .pages()
            .iter()
            .copied()
            .filter(|v| *v >= first && *v <= last)
            .collect();
        pages.sort_unstable();
        if pages.is_empty() {
            let bytes = (last.0 - first.0 + 1).saturating_mul(PAGE_SIZE);
            self.end_step(move || {
                format!(
                    "PageOut: none of the pages in {:#x}..{:#x} is in the working set, so there \
                     is nothing to trim.",
                    first.base(),
                    first.base().saturating_add(bytes)
                )
            });
            return 0;
        }
        let n = self.trim_pages(&pages, "PageOut");
        self.writer_if_due();
        n
    }

    /// `EmptyWorkingSet()`: trim every page, one step each.
    pub(super) fn trim_all(&mut self) -> usize {
        let mut pages = self.paging.ws.pages().to_vec();
        pages.sort_unstable();
        if pages.is_empty() {
            self.end_step(|| "EmptyWorkingSet: the working set is already empty.".into());
            return 0;
        }
        let n = self.trim_pages(&pages, "EmptyWorkingSet");
        self.writer_if_due();
        n
    }

    fn trim_pages(&mut self, pages: &[Vpn], call: &'static str) -> usize {
        let mut trimmed = 0;
        for &vpn in pages {
            let outcome = self.evict(vpn, None);
            trimmed += outcome.is_some() as usize;
            self.end_step(move || match outcome {
                Some(e) => format!(
                    "{call} removes page {} from the working set. {}",
                    narrate::page(vpn),
                    e.words()
                ),
                None => format!(
                    "{call} cannot remove page {}: it was changed and the page file is full, so \
                     it stays in the working set.",
                    narrate::page(vpn)
                ),
            });
        }
        trimmed
    }
}
