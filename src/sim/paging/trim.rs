//! Trimming: pages leave the working set because the policy chose them (a full working
//! set, or no free frame), or because the program asked (`PageOut`, `EmptyWorkingSet`).
//! This module chooses the pages and says why; `evict` takes each one out and decides
//! where its frame goes.

use super::evict::Evicted;
use super::{Engine, Vad};
use crate::sim::addr::{Owner, Pfn, Slot, Vpn, PAGE_SIZE};
use crate::sim::config::Policy;
use crate::sim::event::Pte;
use crate::sim::system::System;
use crate::sim::words;

use super::narrate;
use crate::sim::process::working_set::{PageAge, NEVER};

/// Why the policy must trim a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TrimCause {
    /// The working set is at its hard maximum and a new page is coming in.
    WorkingSetFull,
    /// No frame is on any list, so a working-set page must give up its frame.
    NoFreeFrame,
    /// The working set passed its hard maximum earlier, when no page could leave; now one
    /// can, so it is trimmed back.
    OverLimit,
    /// `SetProcessWorkingSetSize(Ex)` lowered the maximum below the working set's size:
    /// it is trimmed at once (docs/windows-sections.md §11.3).
    NewLimit,
    /// Available memory is low: the working-set manager trims a working set that is above
    /// its minimum (soft limits, reference §8.4).
    MemoryLow,
    /// The running process (this id) needs a frame that neither the lists nor its own
    /// working set can give, so another process's working set is trimmed (reference §8.4).
    ForAnother(crate::sim::addr::ProcessId),
}

/// A page coming in by a hard fault: in the textbook model, a changed victim can trade
/// places with it through its slot when the page file is full.
#[derive(Clone, Copy, Debug)]
pub(super) struct Incoming {
    /// The faulting page.
    pub vpn: Vpn,
    /// The slot it is read from.
    pub slot: Slot,
}

/// What a trim achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Trimmed {
    /// No page could leave the working set; nothing changed and no step was recorded.
    Nothing,
    /// A page left; its frame went to a list (or, if it could not be saved, nowhere).
    Left,
    /// A page left by trading places with the incoming page: this frame now holds the
    /// incoming page's bytes, read from its slot.
    Swapped(Pfn),
}

impl<V: Vad> Engine<'_, V> {
    /// Trim one page chosen by the policy, as one step. `incoming` is the hard-faulting
    /// page that a changed victim may trade places with. [`Trimmed::Nothing`] when no page
    /// left the working set (no step is recorded when no page could leave).
    pub(super) fn trim_one(&mut self, cause: TrimCause, incoming: Option<Incoming>) -> Trimmed {
        // Textbook model: a changed page needs a page-file slot to leave. There is room
        // when a slot is free, when a resident page's slot copy can be reclaimed, or when
        // the incoming page's slot can take it in a swap; otherwise only unchanged pages
        // can leave. With standby lists every page can leave (to standby or modified).
        let room = self.sys.tuning.standby || incoming.is_some() || self.slot_obtainable();
        let size = self.mmu.ws.len();
        let pid = self.mmu.pid;
        let (ws, tables) = (&mut self.mmu.ws, &self.mmu.tables);
        let System {
            rng,
            frames,
            future,
            ..
        } = &mut *self.sys;
        let next_use = |v: Vpn| future.next_use(pid, v).unwrap_or(NEVER);
        let Some(choice) = ws.choose(rng, |v| match tables.pte(v) {
            Pte::Valid { pfn, accessed, .. } => {
                let f = frames.get(pfn);
                PageAge {
                    accessed,
                    loaded: f.loaded,
                    last_use: f.last_use,
                    // A view's page leaves through its prototype PTE, needing no slot.
                    can_leave: room || !f.modified || matches!(f.owner, Some(Owner::Shared { .. })),
                    next_use: next_use(v),
                }
            }
            _ => PageAge {
                accessed: false,
                loaded: 0,
                last_use: 0,
                can_leave: true,
                next_use: next_use(v),
            },
        }) else {
            return Trimmed::Nothing;
        };
        let policy = self.mmu.ws.policy();
        // Clock aging (reference §8.4): the hand clears each set accessed bit it passes.
        for &v in &choice.cleared {
            if let Pte::Valid {
                pfn,
                dirty,
                writable,
                ..
            } = self.mmu.tables.pte(v)
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
        let passed = choice.passed;
        let limits = self.mmu.ws.limits();
        let limit = limits.max;
        let min = limits.min;
        // OPT's reason: the victim's next reference, counted from 1 as "access N".
        let known = self.sys.future.is_known();
        let next = self.sys.future.next_use(pid, victim);
        let available = self.available();
        let low = self.low_memory_threshold();
        let outcome = self.evict(victim, Some(policy), incoming);
        let self_name = self.name.to_string();
        self.end_step(move || {
            let why = match cause {
                TrimCause::WorkingSetFull if size > limit as usize => format!(
                    "The working set holds {size} pages, above its hard maximum of {limit}, so \
                     pages leave before the new one comes in."
                ),
                TrimCause::WorkingSetFull => format!(
                    "The working set is at its hard maximum of {} (as \
                     SetProcessWorkingSetSizeEx with QUOTA_LIMITS_HARDWS_MAX_ENABLE sets it), so \
                     one of its own pages must leave before the new one comes in.",
                    words::pages(limit as u64)
                ),
                TrimCause::MemoryLow => format!(
                    "Available memory is low: {} zeroed, free or on standby, below \
                     the working-set manager's threshold of {low}. The working set holds {size} \
                     pages, above its minimum of {min} (its maximum of {limit} is soft), so the \
                     working-set manager trims it.",
                    agree_frames(available)
                ),
                TrimCause::NoFreeFrame => "No frame is zeroed, free, on standby or modified, \
                                           so a page must leave the working set to free one."
                    .into(),
                TrimCause::ForAnother(running) => format!(
                    "Process {} needs a frame, but none is zeroed, free, on standby or \
                     modified, and its own working set has no page to give. So the \
                     working-set manager trims a page of another process, \"{}\" (id {}), \
                     whose working set holds {size} pages: idle processes and those above \
                     their minimum are trimmed first, the running one last (reference §8.4). \
                     The page's PTE is in that process's page tables.",
                    running.0, self_name, pid.0
                ),
                TrimCause::NewLimit => {
                    format!("The new maximum is {limit}: the working set ({size}) is trimmed now.")
                }
                TrimCause::OverLimit => format!(
                    "The working set holds {size} pages, above its hard maximum of {limit}: it \
                     grew past it when no page could leave. Now one can, so the working set is \
                     trimmed back."
                ),
            };
            let skipped = passed_words(&passed);
            let among = if passed.is_empty() {
                ""
            } else {
                " that can leave"
            };
            let chose =
                match policy {
                    Policy::Fifo => format!(
                        "FIFO picks page {}, the one loaded earliest{among}.",
                        narrate::page(victim)
                    ),
                    Policy::Lru => format!(
                        "LRU picks page {}, the one used longest ago{among}.",
                        narrate::page(victim)
                    ),
                    Policy::Random if passed.is_empty() => {
                        format!("The random policy picks page {}.", narrate::page(victim))
                    }
                    Policy::Random => format!(
                        "The random policy picks page {} among the pages that can leave.",
                        narrate::page(victim)
                    ),
                    Policy::Opt => {
                        let why = match (known, next) {
                            (false, _) => "no reference string was recorded, so every page \
                                           counts as never used again and the newest goes"
                                .to_string(),
                            (true, Some(n)) => format!(
                                "it is used again furthest in the future, at access {}",
                                n + 1
                            ),
                            (true, None) => "it is never used again".to_string(),
                        };
                        format!("OPT picks page {}{among}: {why}.", narrate::page(victim))
                    }
                    Policy::Clock if cleared.is_empty() => {
                        format!(
                    "The clock hand {} page {}, whose accessed bit is clear: it was not used \
                     since the hand last passed, so it is trimmed.",
                    if passed.is_empty() { "is on" } else { "stops at" },
                    narrate::page(victim)
                )
                    }
                    Policy::Clock => {
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
                    "But page {} was changed and the page file is full, so it cannot leave.",
                    narrate::page(victim)
                ),
            };
            format!("{why} {skipped}{chose} {went}")
        });
        match outcome {
            Some(Evicted {
                pfn,
                swapped: Some(_),
                ..
            }) => Trimmed::Swapped(pfn),
            Some(_) => Trimmed::Left,
            None => Trimmed::Nothing,
        }
    }

    /// Trim until the working set is no larger than its maximum, hard or soft (a new,
    /// lower limit, docs/windows-sections.md §11.3); returns the pages trimmed.
    pub(crate) fn trim_to_limit(&mut self) -> usize {
        let mut n = 0;
        while self.mmu.ws.len() > self.mmu.ws.limit() as usize {
            if self.trim_one(TrimCause::NewLimit, None) != Trimmed::Left {
                break;
            }
            n += 1;
        }
        n
    }

    /// Rather than fail an access, the textbook model lets the working set grow past its
    /// hard maximum when no page can leave (every page in it was changed and every
    /// page-file slot holds a page that is not in RAM). Trim it back as soon as pages can
    /// leave, one step each; nothing is recorded while none can.
    pub(super) fn trim_back_to_limit(&mut self) {
        while self.mmu.ws.over_hard_max() {
            if self.trim_one(TrimCause::OverLimit, None) != Trimmed::Left {
                break;
            }
        }
    }

    /// `PageOut(va, size)`: trim the resident pages of the range, one step each.
    pub(super) fn trim_range(&mut self, va: u64, size: u64) -> usize {
        let first = Vpn::of(va);
        let last = Vpn::of(va.saturating_add(size.max(1) - 1));
        let pages = sorted(self.mmu.ws.pages(), first, last);
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
        let pages = sorted(self.mmu.ws.pages(), Vpn(0), Vpn(u64::MAX));
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
            let outcome = self.evict(vpn, None, None);
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

/// "1 frame is" or "3 frames are".
fn agree_frames(n: usize) -> String {
    let n = n as u64;
    format!(
        "{n} {} {}",
        words::agree(n, "frame", "frames"),
        words::agree(n, "is", "are")
    )
}

/// Pages the policy passed over because they cannot leave, as a sentence (empty when none).
fn passed_words(passed: &[Vpn]) -> String {
    match passed {
        [] => String::new(),
        [one] => format!(
            "Page {} was changed and the page file has no room for it (every slot holds a page \
             that is not in RAM), so it cannot leave and the policy passes over it. ",
            narrate::page(*one)
        ),
        _ => format!(
            "Pages {} were changed and the page file has no room for them (every slot holds a \
             page that is not in RAM), so they cannot leave and the policy passes over them. ",
            narrate::pages(passed)
        ),
    }
}

/// The pages of `vpns` from `first` to `last` in ascending order. Sorting the plain numbers
/// keeps a single sort routine in the wasm module (the page's download budget) for every
/// ascending sort of numbers.
fn sorted(vpns: &[Vpn], first: Vpn, last: Vpn) -> Vec<Vpn> {
    let mut raw: Vec<u64> = Vec::with_capacity(vpns.len());
    for v in vpns {
        if *v >= first && *v <= last {
            raw.push(v.0);
        }
    }
    raw.sort_unstable();
    let mut out = Vec::with_capacity(raw.len());
    for v in raw {
        out.push(Vpn(v));
    }
    out
}
