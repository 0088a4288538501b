//! `VirtualProtect` (reference §5).

use super::super::addr::{Vpn, PAGE_SHIFT};
use super::super::consts::*;
use super::super::error::Win32Error;
use super::super::event::Event;
use super::super::machine::Machine;
use super::super::protection::valid_for_private;
use super::super::space::PageAttr;
use super::alloc::effective_protect;
use super::{check_user_range, pages_of, refuse, Done, Refusal};
use crate::sim::consts::protection_name;
use crate::sim::words::{addr, bytes, pages};

impl Machine {
    /// `VirtualProtect` without the step bookkeeping. `old_out` is false for a NULL
    /// `lpflOldProtect`.
    pub(crate) fn protect(
        &mut self,
        address: u64,
        size: u64,
        new_protect: u32,
        old_out: bool,
    ) -> Result<Done<u32>, Refusal> {
        // flNewProtect must be valid by reference §3.1 rule 6 (WRITECOPY kinds included):
        // ERROR_INVALID_PARAMETER. NT checks this before it probes the out pointer.
        if !valid_for_private(new_protect) {
            return refuse(
                Win32Error::InvalidParameter,
                format!(
                    "{} ({new_protect:#x}) is not a valid protection for private memory",
                    protection_name(new_protect)
                ),
            );
        }
        // A NULL lpflOldProtect: STATUS_ACCESS_VIOLATION → ERROR_NOACCESS (reference §5).
        if !old_out {
            return refuse(
                Win32Error::NoAccess,
                "lpflOldProtect is NULL, and VirtualProtect must store the old protection there",
            );
        }
        // Address and size must stay in user space, and a size of 0 is invalid (ROS-MM /
        // the NT service's parameter checks; reference §10.8).
        check_user_range(address, size)?;
        if size == 0 {
            return refuse(Win32Error::InvalidParameter, "dwSize is 0");
        }
        self.set_focus(Some(address));
        // The range is page-rounded like a decommit (reference §5).
        let (first, end) = pages_of(address, size);
        // Not inside one allocation, or in free space: STATUS_CONFLICTING_ADDRESSES → 487.
        let Some(a) = self.space().allocation_at(first).filter(|a| end <= a.end()) else {
            return refuse(
                Win32Error::InvalidAddress,
                self.outside_one_allocation(first, end, "the protect"),
            );
        };
        let allocation_protect = a.allocation_protect;
        let view = a.kind != MEM_PRIVATE;
        if view {
            view_protection_allowed(allocation_protect, new_protect)?;
        }
        // Every page must be committed, or nothing changes: STATUS_NOT_COMMITTED → 487.
        let runs = self.space().runs_in(first, end);
        if let Some(hole) = runs.iter().find(|r| !r.attr.committed) {
            return refuse(
                Win32Error::InvalidAddress,
                format!(
                    "the page at {} is only reserved; every page of the range must be committed, so no page changes",
                    addr(Vpn(hole.start).base())
                ),
            );
        }
        // The old protection is the first page's, with its modifiers (reference §5).
        let old = runs.first().map_or(0, |r| r.attr.protect);
        // PAGE_NOCACHE belongs to the allocation (reference §5): kept when the allocation
        // has it, dropped when it does not.
        let mut effective = effective_protect(allocation_protect, new_protect);
        // §12.1: on a copy-on-write view (FILE_MAP_COPY, an image), READWRITE becomes
        // WRITECOPY: a write still makes a private copy (W-K32 test_mapping).
        if view && crate::sim::protection::is_writecopy(allocation_protect) {
            effective = match effective & 0xFF {
                PAGE_READWRITE => (effective & !0xFF) | PAGE_WRITECOPY,
                PAGE_EXECUTE_READWRITE => (effective & !0xFF) | PAGE_EXECUTE_WRITECOPY,
                _ => effective,
            };
        }
        let mut changed: Vec<(Vpn, u64)> = Vec::new();
        for r in &runs {
            if r.attr.protect != effective {
                changed.push((Vpn(r.start), r.len()));
            }
        }
        let count = end.0 - first.0;
        self.space_mut()
            .set(first, end, PageAttr::committed(effective));
        if !changed.is_empty() {
            self.emit(Event::RegionChange {
                base: first.base(),
                size: count << PAGE_SHIFT,
                state: MEM_COMMIT,
                protect: effective,
            });
        }
        // The paging engine updates valid PTEs and flushes the TLB for changed pages.
        for (vpn, n) in &changed {
            self.engine().protection_changed(*vpn, *n);
        }
        let mut story = format!(
            "VirtualProtect sets {} at {} to {}",
            pages(count),
            addr(first.base()),
            protection_name(effective)
        );
        if first.base() != address || count << PAGE_SHIFT != size {
            story.push_str(&format!(
                " (every page holding a byte of {} at {})",
                bytes(size),
                addr(address)
            ));
        }
        story.push_str(&format!(
            " and stores the first page's old protection, {} ({old:#x}), in *lpflOldProtect.",
            protection_name(old)
        ));
        if new_protect & PAGE_NOCACHE != 0 && effective & PAGE_NOCACHE == 0 {
            story.push_str(" PAGE_NOCACHE is dropped: caching belongs to the whole allocation, which was made without it.");
        } else if new_protect & PAGE_NOCACHE == 0 && effective & PAGE_NOCACHE != 0 {
            story.push_str(" PAGE_NOCACHE stays: the allocation was made with it, and caching belongs to the whole allocation.");
        }
        if effective & PAGE_GUARD != 0 {
            story.push_str(" The pages are now guard pages: the first access to each raises STATUS_GUARD_PAGE_VIOLATION and disarms its guard.");
        }
        if changed.is_empty() {
            story.push_str(" Nothing actually changes: the pages already had that protection.");
        }
        Ok(Done {
            out: old,
            value: 1,
            story,
        })
    }
}

/// docs/windows-sections.md §12.1: on a view, the new protection's rights (read, write,
/// execute) must lie within the view's AllocationProtect, else 87. (PAGE_WRITECOPY itself
/// is refused before, with 87, by the private-memory check: PageLab does not turn a view
/// copy-on-write by `VirtualProtect`.)
fn view_protection_allowed(allocation_protect: u32, new_protect: u32) -> Result<(), Refusal> {
    use crate::sim::error::Access;
    use crate::sim::protection::allows;
    let base = new_protect & 0xFF;
    let within = [Access::Read, Access::Write, Access::Execute]
        .into_iter()
        .all(|a| !allows(base, a) || allows(allocation_protect, a));
    if !within {
        return refuse(
            Win32Error::InvalidParameter,
            format!(
                "on a view the protection may not give more than the view's {}",
                protection_name(allocation_protect)
            ),
        );
    }
    Ok(())
}
