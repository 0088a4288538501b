//! Choosing a frame for a fault, by the allocation orders of reference §8.3:
//! - a page that must start as zeros: zeroed list, else free (and zero it), else standby
//!   (unlink it from its old PTE, then zero it);
//! - a page about to be filled by a read: free, else zeroed, else standby;
//! - when all of those are empty, a modified page is written out first (it then sits on
//!   standby and is repurposed), and when no frame is on any list, a page is trimmed from
//!   the working set to make one (in the textbook model a changed page trades places with
//!   the hard-faulting page when the page file is full).
//!
//! Why an access to a committed page always gets a frame, so that `out_of_memory`
//! (STATUS_IN_PAGE_ERROR) is only a safety net. Let F be the frames, S the slots and C
//! the commit charge; C ≤ F + S (the commit limit, reference §8.6). Invariants: each slot
//! belongs to exactly one committed page, each frame holds at most one page, and a frame
//! holding a slot copy is clean (a write gives the stale slot back). Let p be the
//! faulting page.
//! - Textbook model (no standby or modified list): each frame is free or holds a
//!   working-set page.
//!   - Hard fault (p's bytes are in slot s): a free frame is taken; otherwise the policy's
//!     victim v leaves. A clean v is dropped (its bytes are in its slot, or are zeros); a
//!     changed v is written to a free slot, and when none is free, v and p trade places
//!     through s in one I/O. Every page can leave, so a frame always results.
//!   - Demand-zero fault (p has no frame and no slot): a free frame is taken; otherwise
//!     all F frames hold distinct working-set pages. If none could leave, each would be
//!     changed (so holds no slot), no slot would be free and no working-set page could
//!     give one back, so all S slots would belong to pages not in RAM, none of them p:
//!     C ≥ F + S + 1, a contradiction. So a page leaves (with a free or reclaimed slot).
//! - Standby model: a zeroed, free or standby frame is taken. Else a modified frame is
//!   written out to a free or reclaimed slot and then taken from standby; on a hard fault
//!   it can instead trade places with p through s (`swap_in`). On a demand-zero fault the
//!   write fails only if no slot is free and no working-set page holds one; the standby
//!   list is empty, so all S slots belong to pages with page-file PTEs, none of them p,
//!   while all F frames hold distinct active or modified pages: C ≥ F + S + 1 again. When
//!   every list is empty, every frame is active, and trimming a working-set page always
//!   succeeds (it goes to standby or modified), so a later round takes its frame. The
//!   page comes from the running process's working set, or, when that has none, from
//!   another process's (reference §8.4, `trim_another`). A section's page in a working set
//!   leaves like a private one (at share count 0 to standby or modified, `shared`); only
//!   in the textbook model does a page no view maps stay active, outside every working set.
//!
//! The working set passes a hard maximum (reference §8.4) only in the textbook model,
//! when no page in it can leave; by the same count C ≥ |working set| + S + 1 then, so RAM
//! still has a free frame for the new page. It is trimmed back as soon as a page can
//! leave (`trim_back_to_limit`).

use super::{Engine, Vad};
use crate::sim::addr::{Owner, Pfn, Slot, Vpn};
use crate::sim::consts::STATUS_IN_PAGE_ERROR;
use crate::sim::error::ExceptionRecord;
use crate::sim::event::{Event, FrameList, Pte};

use super::fault::FaultCtx;
use super::narrate;
use super::trim::{Incoming, TrimCause, Trimmed};
use super::writer::Trigger;

/// The page a reused standby frame held, and what its PTE became.
#[derive(Clone, Copy, Debug)]
pub(super) struct Repurposed {
    /// The page that had the frame.
    pub owner: Vpn,
    /// Its new PTE: page-file, or demand-zero.
    pub pte: Pte,
    /// The frame held only zeros.
    pub zeros: bool,
}

impl Repurposed {
    /// Which of the three fates the old page met (for grouping in narration).
    pub fn fate(&self) -> u8 {
        match self.pte {
            Pte::PageFile { .. } => 0,
            _ if self.zeros => 1,
            _ => 2,
        }
    }
}

/// What became of the old pages of reused standby frames, all of one [`Repurposed::fate`]:
/// "page 0x… now has a page-file PTE (slot 4 holds the same bytes)", or for several,
/// "pages 0x… and 0x… now have page-file PTEs (slots 4 and 5 hold the same bytes)".
pub(super) fn repurposed_words(group: &[Repurposed]) -> String {
    let one = group.len() == 1;
    let pick = |a: &'static str, b: &'static str| if one { a } else { b };
    let mut owners: Vec<Vpn> = Vec::with_capacity(group.len());
    let mut slots: Vec<Slot> = Vec::new();
    for r in group {
        owners.push(r.owner);
        if let Pte::PageFile { slot } = r.pte {
            slots.push(slot);
        }
    }
    let pages = format!("{} {}", pick("page", "pages"), narrate::pages(&owners));
    match group.first().map(Repurposed::fate) {
        Some(0) => format!(
            "{pages} now {} (slot{} {} {} the same bytes)",
            pick("has a page-file PTE", "have page-file PTEs"),
            pick("", "s"),
            narrate::slots(&slots),
            pick("holds", "hold")
        ),
        Some(1) => format!(
            "{pages} held only zeros and {}, so {} back to demand-zero",
            pick("has no page-file copy", "have no page-file copies"),
            pick("its PTE goes", "their PTEs go")
        ),
        _ => format!(
            "{pages} had {} contents given up by MEM_RESET, so {} back to demand-zero",
            pick("its", "their"),
            pick("its PTE goes", "their PTEs go")
        ),
    }
}

/// What the frame is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Need {
    /// It must hold zeros (demand-zero fault).
    Zeroed,
    /// It will be overwritten by a page-file read.
    Fill,
}

/// A frame handed to the fault handler.
#[derive(Clone, Copy, Debug)]
pub(super) struct Taken {
    /// The frame.
    pub pfn: Pfn,
    /// The page's bytes already came in by a swap with a modified page (no read step).
    pub swapped: bool,
}

impl Need {
    fn order(self) -> [FrameList; 3] {
        match self {
            Need::Zeroed => [FrameList::Zeroed, FrameList::Free, FrameList::Standby],
            Need::Fill => [FrameList::Free, FrameList::Zeroed, FrameList::Standby],
        }
    }
}

impl<V: Vad> Engine<'_, V> {
    /// Take a frame for the faulting page, as a "frame chosen" step (with the I/O or trim
    /// steps it needs before). `swap_slot` is the faulting page's slot on a hard fault.
    pub(super) fn take_frame(
        &mut self,
        ctx: FaultCtx,
        need: Need,
        swap_slot: Option<Slot>,
    ) -> Result<Taken, ExceptionRecord> {
        // Each round either takes a frame, writes a modified page to standby, or trims a
        // working-set page, so the rounds are bounded.
        let rounds = 3 * self.sys.frames.len() + 8;
        for _ in 0..rounds {
            for list in need.order() {
                if let Some(pfn) = self.sys.frames.head(list) {
                    self.take_from(ctx, need, pfn, list);
                    return Ok(Taken {
                        pfn,
                        swapped: false,
                    });
                }
            }
            if let Some(pfn) = self.sys.frames.head(FrameList::Modified) {
                if self.write_one(pfn, Trigger::NeedFrame) {
                    continue;
                }
                if let Some(slot) = swap_slot {
                    if let Some(taken) = self.swap_in(ctx, pfn, slot) {
                        return Ok(taken);
                    }
                }
                break;
            }
            // Textbook model: a changed victim trades places with the hard-faulting page
            // when the page file is full (see `evict`).
            let incoming = swap_slot.map(|slot| Incoming { vpn: ctx.vpn, slot });
            match self.trim_one(TrimCause::NoFreeFrame, incoming) {
                Trimmed::Left => {}
                Trimmed::Swapped(pfn) => return Ok(Taken { pfn, swapped: true }),
                // Its own working set has nothing to give: another process's does
                // (reference §8.4).
                Trimmed::Nothing if self.trim_another() => {}
                Trimmed::Nothing => break,
            }
        }
        Err(self.out_of_memory(ctx))
    }

    /// Take `pfn` off the head of `list` for the faulting page, as one step.
    fn take_from(&mut self, ctx: FaultCtx, need: Need, pfn: Pfn, list: FrameList) {
        // A page-file section's page keeps its bytes in its slot (§8.2 of
        // docs/windows-sections.md); a file's page has no slot.
        let f = *self.sys.frames.get(pfn);
        let proto_slot = f
            .slot
            .filter(|_| matches!(f.owner, Some(Owner::Shared { .. })));
        let old_owner = self.unhook(pfn);
        self.sys.frames.unlink(pfn);
        self.emit(Event::FrameTaken { pfn, from: list });
        let zero = need == Need::Zeroed && list != FrameList::Zeroed;
        if zero {
            self.sys.frames.bytes_mut(pfn).fill(0);
            self.emit(Event::FrameZeroed { pfn });
        }
        let owner = self.owner(ctx.vpn);
        let f = self.sys.frames.get_mut(pfn);
        f.owner = Some(owner);
        f.modified = false;
        f.slot = None;
        let vpn = ctx.vpn;
        self.end_step(move || {
            let why = match (need, list) {
                (Need::Zeroed, FrameList::Zeroed) => format!(
                    "Frame {} is taken from the head of the zeroed list: it already holds zeros.",
                    pfn.0
                ),
                (Need::Zeroed, FrameList::Free) => format!(
                    "The zeroed list is empty, so frame {} comes from the free list. It still \
                     holds old bytes.",
                    pfn.0
                ),
                (Need::Fill, FrameList::Free) => format!(
                    "Frame {} is taken from the head of the free list; the read will overwrite \
                     its old bytes.",
                    pfn.0
                ),
                (Need::Fill, FrameList::Zeroed) => format!(
                    "The free list is empty, so frame {} comes from the zeroed list.",
                    pfn.0
                ),
                _ => {
                    let old = match (old_owner, proto_slot) {
                        (Some(r), _) => format!(": its old {}", repurposed_words(&[r])),
                        (_, Some(slot)) => format!(
                            ": it held a section's page, whose prototype PTE now points at \
                             page-file slot {} (it holds the same bytes)",
                            slot.0
                        ),
                        _ => String::new(),
                    };
                    let empty = match need {
                        Need::Zeroed => "zeroed and free",
                        Need::Fill => "free and zeroed",
                    };
                    format!(
                        "The {empty} lists are empty, so frame {}, the oldest on the standby \
                         list, is repurposed{old}.",
                        pfn.0
                    )
                }
            };
            let next = if zero {
                "The frame is zeroed and will hold"
            } else {
                "It will hold"
            };
            format!("{why} {next} page {}.", narrate::page(vpn))
        });
    }

    /// A frame for a prefetched page: free, zeroed or standby, never one that needs a
    /// write. Emits the old owner's `PteWritten` (for a standby frame) and `FrameTaken`;
    /// no step. Returns the frame, its list and the page it was taken from.
    pub(super) fn take_for_prefetch(&mut self) -> Option<(Pfn, FrameList, Option<Repurposed>)> {
        for list in Need::Fill.order() {
            if let Some(pfn) = self.sys.frames.head(list) {
                let old = self.unhook(pfn);
                self.sys.frames.unlink(pfn);
                self.emit(Event::FrameTaken { pfn, from: list });
                return Some((pfn, list, old));
            }
        }
        None
    }

    /// A standby frame keeps its page until it is reused: before reuse, the old owner's
    /// transition PTE becomes a page-file PTE, or demand-zero when the page has no
    /// page-file copy (it holds only zeros, or `MEM_RESET` gave its contents up)
    /// (reference §8.3, §9). Emits the owner's `PteWritten`; returns the old owner.
    fn unhook(&mut self, pfn: Pfn) -> Option<Repurposed> {
        if let Some(pid) = self.other_owner(pfn) {
            // The old page's PTE is in its own process's page tables.
            return self.as_owner(pid, |e| e.unhook(pfn)).flatten();
        }
        let f = *self.sys.frames.get(pfn);
        if f.list != FrameList::Standby || self.unhook_mapped(pfn) {
            return None;
        }
        let owner = f.vpn()?;
        let zeros = f.slot.is_none() && self.sys.frames.bytes(pfn).iter().all(|&b| b == 0);
        let new = match f.slot {
            Some(slot) => Pte::PageFile { slot },
            None => Pte::DemandZero,
        };
        self.set_pte(owner, new);
        let fm = self.sys.frames.get_mut(pfn);
        fm.owner = None;
        fm.slot = None;
        Some(Repurposed {
            owner,
            pte: new,
            zeros,
        })
    }

    /// RAM and the page file are both full of changed pages: the modified page in `pfn`
    /// trades places with the faulting page in `slot`, in one I/O that writes the frame
    /// to the slot and reads the slot into the frame.
    fn swap_in(&mut self, ctx: FaultCtx, pfn: Pfn, slot: Slot) -> Option<Taken> {
        let owner = self.sys.frames.get(pfn).vpn()?;
        let other = self.other_owner(pfn);
        let old_owner = self.sys.frames.get(pfn).owner?;
        let new_owner = self.owner(ctx.vpn);
        self.sys.frames.unlink(pfn);
        self.emit(Event::FrameTaken {
            pfn,
            from: FrameList::Modified,
        });
        self.swap_through_slot(slot, pfn, old_owner, new_owner);
        self.emit(Event::PageFileWrite {
            slot,
            pfn,
            vpn: Some(owner),
        });
        match other {
            // The old page's PTE is in its own process's page tables.
            Some(pid) => {
                self.as_owner(pid, |e| e.set_pte(owner, Pte::PageFile { slot }));
            }
            None => {
                self.set_pte(owner, Pte::PageFile { slot });
            }
        }
        self.emit(Event::PageFileRead {
            slot,
            pfn,
            vpn: ctx.vpn,
        });
        let vpn = ctx.vpn;
        self.end_step(move || {
            format!(
                "Every frame holds changed data and every page-file slot is in use. So frame {} \
                 (page {}, on the modified list) and slot {} (page {}) trade places in one I/O: \
                 the frame's bytes go to the slot and the slot's bytes come into the frame. \
                 Page {} now lives only in RAM, so it counts as changed.",
                pfn.0,
                narrate::page(owner),
                slot.0,
                narrate::page(vpn),
                narrate::page(vpn)
            )
        });
        Some(Taken { pfn, swapped: true })
    }

    /// No frame can be found: every frame holds changed data and the page file is full.
    /// The access fails with an in-page error; nothing is lost.
    fn out_of_memory(&mut self, ctx: FaultCtx) -> ExceptionRecord {
        let record = ExceptionRecord {
            code: STATUS_IN_PAGE_ERROR,
            info: [ctx.access.info_code(), ctx.va],
        };
        self.raise(&record);
        let vpn = ctx.vpn;
        self.end_step(move || {
            format!(
                "There is nowhere to put page {}: every frame holds a page that must be kept \
                 and every page-file slot is in use. The access fails with \
                 STATUS_IN_PAGE_ERROR (0xC0000006); no data was lost.",
                narrate::page(vpn)
            )
        });
        record
    }
}
