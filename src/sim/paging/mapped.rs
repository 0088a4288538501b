//! Pages of file-backed sections in the paging engine (docs/windows-sections.md §8.1,
//! §8.2): a first touch is a hard fault that reads the file; a page no view maps goes to
//! standby (clean) or modified (changed) with its prototype PTE in transition, as an
//! image's page goes to standby (§10); the mapped
//! page writer writes a changed page to its file, never to the page file; a standby page
//! whose frame is reused is read from the file again.

use super::{Engine, Vad};
use crate::sim::addr::{Owner, Pfn, SectionId, Slot};
use crate::sim::error::ExceptionRecord;
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::protection;

use super::fault::FaultCtx;
use super::narrate;
use super::take::Need;
use super::writer::Trigger;

impl<V: Vad> Engine<'_, V> {
    /// A view's page whose prototype PTE is in transition: its frame is taken back from
    /// standby or modified (a soft fault, §8.2).
    pub(super) fn mapped_soft_fault(
        &mut self,
        ctx: FaultCtx,
        (section, index): (SectionId, u32),
        pfn: Pfn,
        protect: u32,
    ) -> Pfn {
        let list = self.sys.frames.get(pfn).list;
        self.sys.frames.unlink(pfn);
        self.emit(Event::ListMove {
            pfn,
            from: list,
            to: FrameList::Active,
        });
        let f = self.sys.frames.get_mut(pfn);
        f.share_count = 1;
        let dirty = f.modified;
        self.set_prototype(section, index, pfn, dirty);
        self.map_view_page(ctx, pfn, protect);
        self.end_step(move || {
            format!(
                "The section's prototype PTE {index} is in transition: frame {} still holds \
                 the page. A soft fault takes it back and this PTE maps it.",
                pfn.0
            )
        });
        pfn
    }

    /// A view's page that no one has in RAM: a hard fault that reads the page from the
    /// file (zeros past its end) (§8.1), or for a page-file section, from `slot`, which
    /// keeps its copy until the page is changed or the section goes, as a private page's
    /// does (docs/windows-sections.md §8.2; reference §8.2, §8.3). A file's neighbouring
    /// pages come in with it (clustering, [`Engine::prefetch_file`]).
    pub(super) fn mapped_hard_fault(
        &mut self,
        ctx: FaultCtx,
        (section, index): (SectionId, u32),
        slot: Option<Slot>,
        protect: u32,
    ) -> Result<Pfn, ExceptionRecord> {
        self.mmu.counters.hard += 1;
        let pfn = self.take_frame(ctx, Need::Fill, None)?.pfn;
        match slot {
            Some(slot) => self.read_from_slot(slot, pfn, ctx.vpn),
            None => {
                if let Some(e) = self.sys.read_in(section, index, pfn) {
                    self.emit(e);
                }
            }
        }
        let f = self.sys.frames.get_mut(pfn);
        f.owner = Some(Owner::Shared { section, index });
        f.share_count = 1;
        f.modified = false;
        self.set_prototype(section, index, pfn, false);
        self.map_view_page(ctx, pfn, protect);
        let from = match slot {
            Some(slot) => format!(
                "a page-file PTE: the {} is in page-file slot {}. A hard fault reads it",
                narrate::section_page(self.sys.section(section), index),
                slot.0
            ),
            None => format!(
                "empty: the page is only in \"{}\". A hard fault reads it from the file (not \
                 the page file)",
                self.sys.backing_file(section).unwrap_or_default()
            ),
        };
        self.end_step(move || {
            format!(
                "Prototype PTE {index} is {from} into frame {}, and page {} maps it.",
                pfn.0,
                narrate::page(ctx.vpn)
            )
        });
        if slot.is_none() && self.sys.tuning.standby && self.sys.tuning.cluster > 1 {
            self.prefetch_file(section, index);
        }
        Ok(pfn)
    }

    fn set_prototype(&mut self, section: SectionId, index: u32, pfn: Pfn, dirty: bool) {
        if let Some(p) = self
            .sys
            .section_mut(section)
            .and_then(|s| s.prototypes.get_mut(index as usize))
        {
            *p = Pte::Valid {
                pfn,
                accessed: true,
                dirty,
                writable: true,
            };
        }
    }

    fn map_view_page(&mut self, ctx: FaultCtx, pfn: Pfn, protect: u32) {
        self.map_shared(ctx.vpn, pfn, protection::writable(protect), ctx.access);
    }

    /// The share count of section page `pfn` reached 0: its prototype PTE goes to
    /// transition and the frame to the modified list if changed, else standby (§8.2; an
    /// image's page is never changed, §10; a page-file section's page is born modified and
    /// is clean only while its page-file slot holds the same bytes). In the textbook model
    /// (no lists) the page stays active until the section goes. Emits events.
    pub(super) fn mapped_unused(&mut self, pfn: Pfn) {
        let f = *self.sys.frames.get(pfn);
        let Some(Owner::Shared { section, index }) = f.owner else {
            return;
        };
        if !self.sys.tuning.standby || self.sys.section(section).is_none() {
            return;
        }
        if let Some(p) = self
            .sys
            .section_mut(section)
            .and_then(|s| s.prototypes.get_mut(index as usize))
        {
            *p = Pte::Transition { pfn };
        }
        let to = if f.modified {
            FrameList::Modified
        } else {
            FrameList::Standby
        };
        self.sys.frames.push_tail(pfn, to);
        self.emit(Event::ListMove {
            pfn,
            from: FrameList::Active,
            to,
        });
    }

    /// The mapped page writer: write modified file page `pfn` to its file and move it to
    /// standby, as one step (§8.1). False when it is not such a page.
    pub(super) fn write_mapped(&mut self, pfn: Pfn, trigger: Trigger) -> bool {
        let mut events = Vec::new();
        if !self.sys.write_back(pfn, &mut events) {
            return false;
        }
        for e in events {
            self.emit(e);
        }
        let why = match trigger {
            Trigger::Explicit => "WriteModifiedPages() runs the writers.",
            Trigger::Threshold => "The modified list reached its threshold.",
            Trigger::Continuing => "The writers go on.",
            Trigger::NeedFrame => "A fault needs a frame and only modified pages are left.",
        };
        self.end_step(move || {
            format!(
                "{why} Frame {} holds a changed page of a mapped file, so the mapped page \
                 writer writes it to its file, not to the page file, and the frame moves to \
                 standby.",
                pfn.0
            )
        });
        true
    }

    /// Before standby frame `pfn` of a section page is reused, its prototype PTE forgets
    /// it: a file's or image's next touch reads the file again (§8.1); a page-file
    /// section's prototype PTE becomes a page-file PTE for the slot holding the same bytes
    /// (§8.2, reference §8.3). True when it was a section page.
    pub(super) fn unhook_mapped(&mut self, pfn: Pfn) -> bool {
        let f = *self.sys.frames.get(pfn);
        let Some(Owner::Shared { section, index }) = f.owner else {
            return false;
        };
        let new = match f.slot {
            Some(slot) if self.sys.backing_file(section).is_none() => Pte::PageFile { slot },
            _ => Pte::Empty,
        };
        if let Some(p) = self
            .sys
            .section_mut(section)
            .and_then(|s| s.prototypes.get_mut(index as usize))
        {
            *p = new;
        }
        self.sys.frames.get_mut(pfn).owner = None;
        true
    }
}
