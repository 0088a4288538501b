//! `VirtualFree` (reference §4): decommit and release.

use super::super::addr::{Vpn, PAGE_SHIFT};
use super::super::consts::*;
use super::super::error::Win32Error;
use super::super::event::Event;
use super::super::machine::Machine;
use super::super::paging::Discarded;
use super::super::space::PageAttr;
use super::{check_user_range, pages_of, refuse, Done, Refusal};
use crate::sim::words::{addr, agree, bytes, charge, page_bytes, pages};

/// Why `free_type` is not exactly MEM_DECOMMIT or MEM_RELEASE (reference §4.1).
fn bad_free_type(free_type: u32) -> String {
    let what = if free_type == 0 {
        "dwFreeType is 0".to_string()
    } else if free_type == MEM_FREE {
        "MEM_FREE is a page state, not a free type".to_string()
    } else if free_type & (MEM_DECOMMIT | MEM_RELEASE) == MEM_DECOMMIT | MEM_RELEASE {
        "MEM_DECOMMIT and MEM_RELEASE cannot be combined".to_string()
    } else if free_type & (MEM_COALESCE_PLACEHOLDERS | MEM_PRESERVE_PLACEHOLDER) != 0 {
        "the placeholder flags apply only to placeholders, and this machine has none".to_string()
    } else {
        format!("dwFreeType {free_type:#x} is not a free type")
    };
    format!("{what}; it must be exactly MEM_DECOMMIT or MEM_RELEASE")
}

impl Machine {
    /// `VirtualFree` without the step bookkeeping.
    pub(crate) fn free(
        &mut self,
        address: u64,
        size: u64,
        free_type: u32,
    ) -> Result<Done<()>, Refusal> {
        // dwFreeType must be exactly MEM_DECOMMIT or MEM_RELEASE (reference §4.1).
        if free_type != MEM_DECOMMIT && free_type != MEM_RELEASE {
            return refuse(Win32Error::InvalidParameter, bad_free_type(free_type));
        }
        // MEM_RELEASE needs size 0; the Win32 wrapper checks this first (reference §4.1).
        if free_type == MEM_RELEASE && size != 0 {
            return refuse(
                Win32Error::InvalidParameter,
                format!(
                    "MEM_RELEASE needs dwSize 0 (it always releases the whole allocation), not {}",
                    bytes(size)
                ),
            );
        }
        // The address and range must be in user space (ROS-MM; reference §10.8).
        check_user_range(address, size)?;
        self.set_focus(Some(address));
        let first = Vpn::of(address);
        // Not inside any allocation: STATUS_MEMORY_NOT_ALLOCATED → 487 (reference §4.2, §4.3).
        let Some(a) = self.space().allocation_at(first) else {
            return refuse(
                Win32Error::InvalidAddress,
                format!("{} is not inside any allocation", addr(address)),
            );
        };
        // A view is unmapped, never freed (docs/windows-sections.md §12.1: 87).
        if a.kind != MEM_PRIVATE {
            return refuse(
                Win32Error::InvalidParameter,
                format!(
                    "{} is inside a mapped view, which UnmapViewOfFile removes, not VirtualFree",
                    addr(address)
                ),
            );
        }
        let (base, alloc_end) = (a.base, a.end());
        let range = if size == 0 {
            // Size 0 means the whole allocation, and then the page-rounded address must be
            // the allocation base: STATUS_FREE_VM_NOT_AT_BASE → 487 (reference §4.2, §4.3;
            // W-NT: base+0xFFF works, base+0x1001 does not).
            if first != base {
                let later = if address == first.base() {
                    format!("{} starts a later page", addr(address))
                } else {
                    format!(
                        "{} lies in the later page at {}",
                        addr(address),
                        addr(first.base())
                    )
                };
                return refuse(
                    Win32Error::InvalidAddress,
                    format!(
                        "with dwSize 0 the address must lie in the first page of the allocation at {}, but {later}",
                        addr(base.base())
                    ),
                );
            }
            (base, alloc_end)
        } else {
            // MEM_DECOMMIT covers every page holding a byte of the range (reference §4.3);
            // a range past the allocation's end is STATUS_UNABLE_TO_FREE_VM → 87.
            let (first, end) = pages_of(address, size);
            if end > alloc_end {
                return refuse(
                    Win32Error::InvalidParameter,
                    format!(
                        "{} at {} runs past the end of its allocation at {} ({})",
                        bytes(size),
                        addr(address),
                        addr(base.base()),
                        addr(alloc_end.base())
                    ),
                );
            }
            (first, end)
        };
        if free_type == MEM_RELEASE {
            Ok(self.release(base, alloc_end))
        } else {
            Ok(self.decommit(range.0, range.1, size == 0))
        }
    }

    /// Drop the committed pages of `first..end` from the paging engine; returns how many
    /// there were and what the engine freed (reference §4.3: their data is gone).
    pub(crate) fn discard_committed(&mut self, first: Vpn, end: Vpn) -> (u64, Discarded) {
        let committed = self.space().committed_runs(first, end);
        let mut freed = Discarded::default();
        let mut count = 0;
        for (vpn, n) in &committed {
            freed.extend(self.engine().discard_pages(*vpn, *n));
            count += n;
        }
        (count, freed)
    }

    /// MEM_DECOMMIT of pages `first..end` (reference §4.3).
    fn decommit(&mut self, first: Vpn, end: Vpn, whole: bool) -> Done<()> {
        let count = end.0 - first.0;
        let (committed, freed) = self.discard_committed(first, end);
        // Decommitted pages become MEM_RESERVE with Protect 0; reserved pages stay as they
        // are, which is no error (reference §4.3).
        if committed > 0 {
            self.space_mut().set(first, end, PageAttr::RESERVED);
            self.emit(Event::RegionChange {
                base: first.base(),
                size: count << PAGE_SHIFT,
                state: MEM_RESERVE,
                protect: 0,
            });
        }
        // Decommit returns the charge of the pages that were committed (reference §8.6).
        let old_charge = self.commit_charge();
        self.set_commit_charge(old_charge - committed);
        self.set_focus(Some(first.base()));
        let scope = if whole {
            format!(
                "the whole allocation at {} ({})",
                addr(first.base()),
                page_bytes(count)
            )
        } else {
            format!("{} at {}", pages(count), addr(first.base()))
        };
        let story = if committed == 0 {
            format!(
                "VirtualFree(MEM_DECOMMIT) on {scope}: no page there is committed, which is no error; nothing changes."
            )
        } else {
            // Say what the engine freed, from its events (frames, slots, untouched pages).
            let physical = if freed.nothing_held() {
                format!(
                    ". {} never touched, so no frame or page-file slot is freed",
                    agree(committed, "It was", "They were")
                )
            } else {
                format!(
                    " and {} data is gone: {}",
                    agree(committed, "its", "their"),
                    freed.words()
                )
            };
            let which = if committed == count {
                agree(committed, "it goes", "they go").to_string()
            } else {
                format!(
                    "the {} that {} committed {}",
                    pages(committed),
                    agree(committed, "was", "were"),
                    agree(committed, "goes", "go")
                )
            };
            format!(
                "VirtualFree decommits {scope}: {which} back to reserved (Protect 0){physical}. The commit charge falls {}; the address range stays reserved.",
                charge(old_charge, self.commit_charge(), self.commit_limit())
            )
        };
        Done {
            out: (),
            value: 1,
            story,
        }
    }

    /// MEM_RELEASE of the whole allocation `base..end` (reference §4.2).
    fn release(&mut self, base: Vpn, end: Vpn) -> Done<()> {
        // Committed pages are decommitted first; a mix with reserved pages is fine.
        let (committed, freed) = self.discard_committed(base, end);
        self.space_mut().remove(base);
        let size = (end.0 - base.0) << PAGE_SHIFT;
        self.emit(Event::RegionChange {
            base: base.base(),
            size,
            state: MEM_FREE,
            protect: 0,
        });
        let old_charge = self.commit_charge();
        self.set_commit_charge(old_charge - committed);
        self.set_focus(Some(base.base()));
        // Say what the engine freed, from its events (frames, slots, untouched pages).
        let data = if committed == 0 {
            String::new()
        } else if freed.nothing_held() {
            format!(
                " The {} that {} committed {} never touched, so no frame or page-file slot is freed. The commit charge falls {}.",
                pages(committed),
                agree(committed, "was", "were"),
                agree(committed, "was", "were"),
                charge(old_charge, self.commit_charge(), self.commit_limit())
            )
        } else {
            format!(
                " The {} that {} committed {} {} data: {}. The commit charge falls {}.",
                pages(committed),
                agree(committed, "was", "were"),
                agree(committed, "loses", "lose"),
                agree(committed, "its", "their"),
                freed.words(),
                charge(old_charge, self.commit_charge(), self.commit_limit())
            )
        };
        let story = format!(
            "VirtualFree releases the whole allocation at {} ({}): every page becomes free.{data} The address range can be reserved again.",
            addr(base.base()),
            bytes(size)
        );
        Done {
            out: (),
            value: 1,
            story,
        }
    }
}
