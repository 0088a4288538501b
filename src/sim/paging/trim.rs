//! Trimming: pages leave the working set because the policy chose them (a full working
//! set, or no free frame), or because the program asked (`PageOut`, `EmptyWorkingSet`).
//! A clean page goes to standby and a dirty one to modified, with a transition PTE
//! (reference §8.3, §9). With standby off (the textbook model) a dirty page is written to
//! the page file at once and a clean one is dropped; either way the frame is freed.

use super::{Engine, Vad};
use crate::sim::addr::{Owner, Pfn, Slot, Vpn, PAGE_SIZE};
use crate::sim::config::Policy;
use crate::sim::event::{Event, FrameList, Pte};
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
    /// A view's page of a page-file-backed section (docs/windows-sections.md §8.2).
    page_file: bool,
    /// Textbook model, page file full: the page that took the slot was found in RAM with a
    /// copy there, and gave it up.
    reclaimed: Option<Vpn>,
    /// Textbook model, page file full: the hard-faulting page that traded places with this
    /// one through its slot.
    swapped: Option<Vpn>,
    /// A view's page: the frame's share count after it left.
    share: Option<u32>,
}

impl Evicted {
    /// What happened to the page, in words; the page was named just before.
    fn words(&self) -> String {
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

    /// Rather than fail an access, the textbook model lets the working set grow past its
    /// hard maximum when no page can leave (every page in it was changed and every
    /// page-file slot holds a page that is not in RAM). Trim it back as soon as pages can
    /// leave, one step each; nothing is recorded while none can.
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

    pub(super) fn trim_back_to_limit(&mut self) {
        while self.mmu.ws.over_hard_max() {
            if self.trim_one(TrimCause::OverLimit, None) != Trimmed::Left {
                break;
            }
        }
    }

    /// Take `vpn` out of the working set (no step). `None` when it cannot leave: the
    /// textbook model must write a changed page and the page file is full. A changed page
    /// trades places with `incoming` when the page file has no free slot.
    fn evict(
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
