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
}

impl Evicted {
    fn words(&self, vpn: Vpn) -> String {
        let page = narrate::page(vpn);
        match (self.to, self.written, self.pte) {
            (FrameList::Standby, ..) => format!(
                "Page {page} was not changed since it was last saved, so frame {} goes to the \
                 end of the standby list and the PTE becomes a transition PTE: the page is still \
                 in RAM if it is needed again.",
                self.pfn.0
            ),
            (FrameList::Modified, ..) => format!(
                "Page {page} holds changes that are not in the page file, so frame {} goes to \
                 the modified list and the PTE becomes a transition PTE.",
                self.pfn.0
            ),
            (_, Some(slot), _) => format!(
                "The textbook model has no standby list: page {page} was changed, so it is \
                 written at once to page-file slot {} and frame {} is freed.",
                slot.0, self.pfn.0
            ),
            (_, None, Pte::PageFile { slot }) => format!(
                "The textbook model has no standby list: page {page} is unchanged since it was \
                 read from slot {}, so it is simply dropped and frame {} is freed.",
                slot.0, self.pfn.0
            ),
            _ => format!(
                "The textbook model has no standby list: page {page} was never changed, so it \
                 is dropped (its PTE goes back to demand-zero) and frame {} is freed.",
                self.pfn.0
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
                Policy::Clock | Policy::Opt => format!(
                    "The clock hand clears the accessed bit of {} (used recently, so they get a \
                     second chance) and stops at page {}, whose bit is clear: it is trimmed.",
                    narrate::pages(&cleared),
                    narrate::page(victim)
                ),
            };
            let went = match outcome {
                Some(e) => e.words(victim),
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
                    e.words(vpn)
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
