//! Pages of sections (docs/windows-sections.md §8.2): a view's page is found through
//! its section's prototype PTE. The first touch in any process fills a zeroed frame
//! owned by the prototype PTE ([`Owner::Shared`]); a touch in another process finds the
//! prototype PTE valid and maps the same frame (a soft fault that raises the frame's
//! share count). Unmapping drops the share count.
//!
//! A view's page counts in the working set of each process whose PTE maps it (§8.2,
//! reference §8.4: Windows counts shared pages in every working set they are in): it
//! joins when the PTE becomes valid and leaves when it is trimmed (`evict.rs`) or unmapped.
//! At share count 0 the page goes to transition (`mapped.rs`): a page-file section's page
//! to the modified list (born modified) or, with an up-to-date slot, standby; the modified
//! page writer gives it a slot owned by the prototype PTE, which becomes a page-file PTE
//! when the frame is reused. When the section goes, its frames and slots are freed.

use super::{Engine, Vad};
use crate::sim::addr::{Owner, Pfn, SectionId, Vpn};
use crate::sim::error::{Access, ExceptionRecord};
use crate::sim::event::{Event, FrameList, Pte};
use crate::sim::protection;

use super::fault::FaultCtx;
use super::narrate;
use super::take::Need;

impl<V: Vad> Engine<'_, V> {
    /// Resolve a fault on page `vpn` of a view, showing page `index` of `section`.
    pub(super) fn shared_fault(
        &mut self,
        ctx: FaultCtx,
        (section, index): (SectionId, u32),
        protect: u32,
    ) -> Result<Pfn, ExceptionRecord> {
        // The page will join the working set (§8.2): a hard maximum makes room first,
        // before the prototype PTE is read (trimming may change it).
        self.make_room_in_working_set(None);
        let proto = self
            .sys
            .section(section)
            .and_then(|s| s.prototypes.get(index as usize).copied())
            .unwrap_or(Pte::DemandZero);
        self.emit(Event::PteRead {
            vpn: ctx.vpn,
            pte: proto,
        });
        match proto {
            Pte::Transition { pfn } => {
                return Ok(self.mapped_soft_fault(ctx, (section, index), pfn, protect))
            }
            Pte::Empty if self.sys.backing_file(section).is_some() => {
                return self.mapped_hard_fault(ctx, (section, index), None, protect)
            }
            Pte::PageFile { slot } => {
                return self.mapped_hard_fault(ctx, (section, index), Some(slot), protect)
            }
            _ => {}
        }
        let writable = protection::writable(protect);
        if let Pte::Valid { pfn, .. } = proto {
            // Resident through another view: a soft fault (docs/windows-sections.md §8.2).
            self.mmu.counters.transition += 1;
            let f = self.sys.frames.get_mut(pfn);
            f.share_count += 1;
            let share = f.share_count;
            self.map_shared(ctx.vpn, pfn, writable, ctx.access);
            self.end_step(move || {
                format!(
                    "The PTE of page {} points at nothing yet, so the handler reads the \
                     section's prototype PTE {index}: it is valid, frame {} already holds the \
                     page for another view. A soft fault: this PTE now maps the same frame, \
                     and its share count rises to {share}.",
                    narrate::page(ctx.vpn),
                    pfn.0
                )
            });
            return Ok(pfn);
        }
        // First touch of the section page anywhere: a zeroed frame (§8.1: a page-file
        // section's page is demand-zero, born modified), or for an image, a hard fault
        // that reads the page from the image file, clean (§8.1, §10).
        let image = self
            .sys
            .section(section)
            .is_some_and(crate::sim::system::section::Section::is_image);
        let need = if image {
            self.mmu.counters.hard += 1;
            Need::Fill
        } else {
            self.mmu.counters.demand_zero += 1;
            Need::Zeroed
        };
        let pfn = self.take_frame(ctx, need, None)?.pfn;
        if image {
            crate::sim::system::image::page_bytes(index, self.sys.frames.bytes_mut(pfn));
        }
        let f = self.sys.frames.get_mut(pfn);
        f.owner = Some(Owner::Shared { section, index });
        f.share_count = 1;
        f.modified = !image;
        if let Some(s) = self.sys.section_mut(section) {
            s.prototypes[index as usize] = Pte::Valid {
                pfn,
                accessed: true,
                dirty: !image,
                writable: !image,
            };
        }
        self.map_shared(ctx.vpn, pfn, writable, ctx.access);
        self.end_step(move || {
            let what = if image {
                "not in RAM: a hard fault reads it from kernel32.dll into"
            } else {
                "demand-zero, no process has touched it yet. It becomes"
            };
            format!(
                "Page {} belongs to a view of a section, so the handler reads the section's \
                 prototype PTE {index}: {what} frame {}. The prototype PTE now points at it, the \
                 frame's owner is that prototype PTE (not this process), and this process's \
                 PTE maps it with share count 1.",
                narrate::page(ctx.vpn),
                pfn.0
            )
        });
        Ok(pfn)
    }

    /// A write to a `PAGE_WRITECOPY` page of a view (docs/windows-sections.md §9, MS-PROT):
    /// the section's page is brought in if needed, then a new private frame gets a copy of
    /// its bytes and this process's PTE maps that frame `PAGE_READWRITE`. The old frame's
    /// share count drops; no other process sees the write. No commit is charged now (the
    /// view was charged when it was mapped, reference §8.6).
    pub(super) fn copy_on_write(
        &mut self,
        ctx: FaultCtx,
        page: (SectionId, u32),
        protect: u32,
        pte: Pte,
        found: String,
    ) -> Result<Pfn, ExceptionRecord> {
        let vpn = ctx.vpn;
        self.emit(Event::PageFault {
            va: ctx.va,
            fault: crate::sim::event::FaultKind::CopyOnWrite,
            access: ctx.access,
        });
        self.end_step(move || format!("{found} The page is copy-on-write: a copy-on-write fault."));
        let shared = match pte {
            Pte::Valid { pfn, .. } => pfn,
            // The section's page is only read (copied): it stays unchanged, and a slot
            // holding its bytes stays valid (§8.2).
            _ => self.shared_fault(
                FaultCtx {
                    access: Access::Read,
                    ..ctx
                },
                page,
                protect,
            )?,
        };
        // The shared page's place in the working set passes to the private copy (§8.2, §9).
        self.mmu.ws.remove(vpn);
        let copy = match self.take_frame(ctx, Need::Fill, None) {
            Ok(taken) => taken.pfn,
            Err(e) => {
                self.mmu.ws.insert(vpn);
                return Err(e);
            }
        };
        let bytes = self.sys.frames.bytes(shared).to_vec();
        self.sys.frames.bytes_mut(copy).copy_from_slice(&bytes);
        let f = self.sys.frames.get_mut(shared);
        f.share_count = f.share_count.saturating_sub(1);
        let share = f.share_count;
        if share == 0 {
            // A file's page no view maps goes to standby or modified (§8.2).
            self.mapped_unused(shared);
        }
        let private = protection::after_copy(protect);
        self.install_quiet(vpn, copy, private, true);
        self.vad.mark_copied(vpn, private);
        self.emit(Event::RegionChange {
            base: vpn.base(),
            size: crate::sim::addr::PAGE_SIZE,
            state: crate::sim::consts::MEM_COMMIT,
            protect: private,
        });
        if self.mmu.tlb.flush(vpn) {
            self.emit(Event::TlbFlush { vpn });
        }
        self.end_step(move || {
            format!(
                "Copy-on-write: frame {} gets a copy of frame {}, private to this process, \
                 PAGE_READWRITE; frame {} keeps the original for other views (share count \
                 {share}).",
                copy.0, shared.0, shared.0
            )
        });
        Ok(copy)
    }

    /// Make `vpn`'s PTE valid for the shared frame `pfn` and put the page in the working
    /// set (§8.2) (no step).
    pub(super) fn map_shared(&mut self, vpn: Vpn, pfn: Pfn, writable: bool, access: Access) {
        let now = self.sys.tick();
        let f = self.sys.frames.get_mut(pfn);
        f.last_use = now;
        if access == Access::Write {
            f.modified = true;
        }
        self.set_pte(
            vpn,
            Pte::Valid {
                pfn,
                accessed: true,
                dirty: false,
                writable,
            },
        );
        self.mmu.ws.insert(vpn);
    }

    /// Unmap pages `first..first+count` of a view: each valid PTE is emptied, its page
    /// leaves the working set, its TLB entry is flushed and its frame's share count dropped
    /// (docs/windows-sections.md §5, §8.2). Emits events, no step; returns the pages that
    /// were mapped.
    pub(crate) fn unmap_shared(&mut self, first: Vpn, count: u64) -> usize {
        let mut mapped = 0;
        for (vpn, pte) in self.mmu.tables.in_range(first, count) {
            if let Pte::Valid { pfn, .. } = pte {
                mapped += 1;
                self.mmu.ws.remove(vpn);
                let f = self.sys.frames.get_mut(pfn);
                f.share_count = f.share_count.saturating_sub(1);
                if f.share_count == 0 {
                    self.mapped_unused(pfn);
                }
            }
            if self.mmu.tlb.flush(vpn) {
                self.emit(Event::TlbFlush { vpn });
            }
            self.set_pte(vpn, Pte::Empty);
        }
        mapped
    }
}

/// Free the frames and page-file slots of a section that is going away: each frame goes
/// to the free list (docs/windows-sections.md §8.2, §11.2). Emits `ListMove`s and
/// `SlotFreed`s into `events`.
pub(crate) fn free_section_frames(
    sys: &mut crate::sim::system::System,
    section: SectionId,
    events: &mut Vec<Event>,
) {
    let Some(s) = sys.section_mut(section) else {
        return;
    };
    let prototypes = std::mem::take(&mut s.prototypes);
    for p in prototypes {
        let (pfn, slot) = match p {
            Pte::Valid { pfn, .. } | Pte::Transition { pfn } => {
                (Some(pfn), sys.frames.get(pfn).slot)
            }
            Pte::PageFile { slot } => (None, Some(slot)),
            _ => (None, None),
        };
        if let Some(slot) = slot {
            sys.pagefile.release(slot);
            events.push(Event::SlotFreed { slot });
        }
        let Some(pfn) = pfn else {
            continue;
        };
        let f = sys.frames.get_mut(pfn);
        let from = f.list;
        f.owner = None;
        f.share_count = 0;
        f.modified = false;
        f.slot = None;
        sys.frames.push_tail(pfn, FrameList::Free);
        events.push(Event::ListMove {
            pfn,
            from,
            to: FrameList::Free,
        });
    }
}
