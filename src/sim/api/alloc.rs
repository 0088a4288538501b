//! `VirtualAlloc` (reference §3): validation, reserve, commit, reset.

use super::super::addr::{
    align_down, Vpn, ALLOCATION_GRANULARITY, MAX_USER_ADDRESS, MIN_USER_ADDRESS, PAGE_SHIFT,
    PAGE_SIZE,
};
use super::super::consts::*;
use super::super::error::Win32Error;
use super::super::event::Event;
use super::super::machine::Machine;
use super::super::protection::valid_for_private;
use super::super::space::PageAttr;
use super::{pages_of, refuse, Done, Refusal};
use crate::sim::consts::protection_name;
use crate::sim::words::{addr, agree, bytes, charge, page_bytes, pages};

/// Every `flAllocationType` bit `VirtualAlloc` knows (reference §1, §3.1 rule 2).
const KNOWN_TYPES: u32 = MEM_COMMIT
    | MEM_RESERVE
    | MEM_RESET
    | MEM_RESET_UNDO
    | MEM_TOP_DOWN
    | MEM_WRITE_WATCH
    | MEM_PHYSICAL
    | MEM_LARGE_PAGES;

/// The caching modifiers that belong to the whole allocation (reference §5).
const CACHING: u32 = PAGE_NOCACHE | PAGE_WRITECOMBINE;

/// The protection a page of an allocation made with `allocation_protect` really gets when
/// `requested` is asked for: on modern Windows PAGE_NOCACHE (and, we take it, its sibling
/// PAGE_WRITECOMBINE) belongs to the allocation, so the allocation's caching bit is kept
/// and a caching bit asked for later is dropped (reference §5, §10.5; W-K32).
pub(crate) fn effective_protect(allocation_protect: u32, requested: u32) -> u32 {
    (requested & !CACHING) | (allocation_protect & CACHING)
}

/// The rules of reference §3.1, in their order. All failures are ERROR_INVALID_PARAMETER.
fn validate(address: u64, size: u64, ty: u32, protect: u32) -> Result<(), Refusal> {
    let bad = |why: String| refuse(Win32Error::InvalidParameter, why);
    // Rule 1: at least one of MEM_COMMIT, MEM_RESERVE, MEM_RESET, MEM_RESET_UNDO.
    if ty & (MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO) == 0 {
        return bad(format!(
            "flAllocationType {ty:#x} has none of MEM_COMMIT, MEM_RESERVE, MEM_RESET or MEM_RESET_UNDO"
        ));
    }
    // Rule 2: unknown bits, including AT_ROUND_TO_PAGE and the placeholder flags.
    if ty & !KNOWN_TYPES != 0 {
        return bad(format!(
            "flAllocationType has bits VirtualAlloc does not accept ({:#x})",
            ty & !KNOWN_TYPES
        ));
    }
    // Rule 3: MEM_RESET must be used alone. We treat MEM_RESET_UNDO the same way (MS-VA
    // documents it only as the undo of a MEM_RESET on the same range).
    for (flag, name) in [(MEM_RESET, "MEM_RESET"), (MEM_RESET_UNDO, "MEM_RESET_UNDO")] {
        if ty & flag != 0 && ty != flag {
            return bad(format!("{name} cannot be combined with any other flag"));
        }
    }
    // Rule 4: MEM_WRITE_WATCH needs MEM_RESERVE.
    if ty & MEM_WRITE_WATCH != 0 && ty & MEM_RESERVE == 0 {
        return bad("MEM_WRITE_WATCH is allowed only together with MEM_RESERVE".into());
    }
    // Rule 4: MEM_LARGE_PAGES needs MEM_RESERVE|MEM_COMMIT and a size and address that are
    // multiples of GetLargePageMinimum(). This machine has no large pages (the minimum
    // would be 0), so no request can satisfy the rule.
    if ty & MEM_LARGE_PAGES != 0 {
        if ty & (MEM_RESERVE | MEM_COMMIT) != (MEM_RESERVE | MEM_COMMIT) {
            return bad("MEM_LARGE_PAGES needs MEM_RESERVE and MEM_COMMIT together".into());
        }
        return bad(
            "this machine has no large pages, so no size is a multiple of the large-page minimum"
                .into(),
        );
    }
    // Rule 4: MEM_PHYSICAL needs MEM_RESERVE alone (MEM_TOP_DOWN allowed) and
    // PAGE_READWRITE. This machine has no AWE physical pages to map there, so even a
    // well-formed request is refused.
    if ty & MEM_PHYSICAL != 0 {
        if ty & MEM_RESERVE == 0 || ty & !(MEM_RESERVE | MEM_TOP_DOWN | MEM_PHYSICAL) != 0 {
            return bad("MEM_PHYSICAL is allowed only with MEM_RESERVE".into());
        }
        if protect != PAGE_READWRITE {
            return bad("MEM_PHYSICAL needs PAGE_READWRITE".into());
        }
        return bad("this machine has no AWE physical pages for a MEM_PHYSICAL region".into());
    }
    // Rule 5: a size of 0.
    if size == 0 {
        return bad("dwSize is 0".into());
    }
    // Rule 6: flProtect is validated even for a reserve-only call or MEM_RESET.
    if !valid_for_private(protect) {
        return bad(format!(
            "{} ({protect:#x}) is not a valid protection for VirtualAlloc",
            protection_name(protect)
        ));
    }
    // Rule 7: a non-NULL address below 64 KB, or a range beyond the user range.
    if address != 0 && address < MIN_USER_ADDRESS {
        return bad(format!(
            "{} is below the lowest allocatable address {}",
            addr(address),
            addr(MIN_USER_ADDRESS)
        ));
    }
    if address > MAX_USER_ADDRESS {
        return bad(format!(
            "{} is above the highest user address {}",
            addr(address),
            addr(MAX_USER_ADDRESS)
        ));
    }
    if size > MAX_USER_ADDRESS + 1 - address {
        return bad(format!(
            "{} from {} runs past the end of user space",
            bytes(size),
            addr(address)
        ));
    }
    Ok(())
}

impl Machine {
    /// `VirtualAlloc` without the step bookkeeping.
    pub(crate) fn alloc(
        &mut self,
        address: u64,
        size: u64,
        ty: u32,
        protect: u32,
    ) -> Result<Done<u64>, Refusal> {
        validate(address, size, ty, protect)?;
        if address != 0 {
            self.set_focus(Some(address));
        }
        if ty & (MEM_RESET | MEM_RESET_UNDO) != 0 {
            return self.reset(address, size, ty);
        }
        // A reserve, or MEM_COMMIT with NULL, makes a new allocation (reference §3.2).
        if address == 0 || ty & MEM_RESERVE != 0 {
            return self.reserve(address, size, ty, protect);
        }
        self.commit(address, size, protect)
    }

    /// MEM_RESERVE [| MEM_COMMIT], or MEM_COMMIT with a NULL address (reference §3.2).
    fn reserve(
        &mut self,
        address: u64,
        size: u64,
        ty: u32,
        protect: u32,
    ) -> Result<Done<u64>, Refusal> {
        let commit = ty & MEM_COMMIT != 0;
        let (base, count, rounding) = if address == 0 {
            // NULL: the size is rounded up to whole pages and the system picks a 64 KB-aligned
            // hole: the lowest one at or above the placement base, or the highest one with
            // MEM_TOP_DOWN (reference §3.2, DESIGN §2). Validation bounded `size`.
            let count = size.div_ceil(PAGE_SIZE);
            let Some(base) = self.space().find_hole(count, ty & MEM_TOP_DOWN != 0) else {
                return refuse(
                    Win32Error::NotEnoughMemory,
                    format!(
                        "no free 64 KB-aligned hole of {} is left{}",
                        page_bytes(count),
                        if ty & MEM_TOP_DOWN != 0 {
                            ""
                        } else {
                            " at or above the placement base"
                        }
                    ),
                );
            };
            let rounding = if size.is_multiple_of(PAGE_SIZE) {
                String::new()
            } else {
                format!(" (rounded up from {} to whole pages)", bytes(size))
            };
            (base, count, rounding)
        } else {
            // An explicit address is rounded down to 64 KB, and the region runs to the end of
            // the page holding the last byte (reference §3.2; ROS-MM End = (a+s-1)|0xFFF).
            // Validation guarantees address + size <= the end of user space.
            let base = align_down(address, ALLOCATION_GRANULARITY);
            let end = ((address + (size - 1)) | (PAGE_SIZE - 1)) + 1;
            let (first, last) = (Vpn::of(base), Vpn::of(end));
            // Any overlap with an existing allocation: ERROR_INVALID_ADDRESS (reference §3.2).
            if !self.space().is_free(first, last) {
                let hit = self
                    .space()
                    .allocations()
                    .find(|a| a.base < last && a.end() > first)
                    .map(|a| a.base_address())
                    .unwrap_or(base);
                return refuse(
                    Win32Error::InvalidAddress,
                    format!(
                        "{}..{} overlaps the allocation at {}; a reservation needs free address space",
                        addr(base),
                        addr(end),
                        addr(hit)
                    ),
                );
            }
            let rounding = if base == address && (end - base) == size {
                String::new()
            } else {
                format!(
                    " ({} at {} rounded out to 64 KB-aligned base {} and whole pages)",
                    bytes(size),
                    addr(address),
                    addr(base)
                )
            };
            (first, last.0 - first.0, rounding)
        };
        // Commit charge is taken at commit time, never for a reserve (reference §8.6).
        let old_charge = self.commit_charge();
        if commit {
            self.check_commit_limit(count)?;
        }
        let attr = if commit {
            PageAttr::committed(protect)
        } else {
            PageAttr::RESERVED
        };
        // AllocationProtect is flProtect exactly as passed, modifiers included (reference §3.2).
        self.space_mut()
            .insert(base, count, protect, ty & MEM_WRITE_WATCH != 0, attr);
        let base_va = base.base();
        let size_bytes = count << PAGE_SHIFT;
        self.set_focus(Some(base_va));
        self.emit(Event::RegionChange {
            base: base_va,
            size: size_bytes,
            state: if commit { MEM_COMMIT } else { MEM_RESERVE },
            protect: attr.protect,
        });
        let mut story = format!(
            "VirtualAlloc reserves {} at {}{}",
            bytes(size_bytes),
            addr(base_va),
            rounding
        );
        if commit {
            self.set_commit_charge(old_charge + count);
            story.push_str(&format!(
                " and commits {} as {}. The commit charge rises {}. No RAM is used yet: the first touch of each page will fault in a zeroed frame.",
                pages(count),
                protection_name(protect),
                charge(old_charge, self.commit_charge(), self.commit_limit())
            ));
        } else {
            story.push_str(
                ". Reserving costs no commit charge and no RAM; touching these pages before committing them is an access violation.",
            );
        }
        let tail = size_bytes % ALLOCATION_GRANULARITY;
        if tail != 0 {
            story.push_str(&format!(
                " The base is on a 64 KB boundary, so the other {} of its last 64 KB stay free but unusable.",
                bytes(ALLOCATION_GRANULARITY - tail)
            ));
        }
        Ok(Done {
            out: base_va,
            value: base_va,
            story,
        })
    }

    /// Fail with ERROR_COMMITMENT_LIMIT when `new_pages` more would pass the limit
    /// (reference §3.3, §8.6).
    fn check_commit_limit(&self, new_pages: u64) -> Result<(), Refusal> {
        let limit = self.commit_limit();
        let wanted = self.commit_charge().saturating_add(new_pages);
        if wanted > limit {
            return refuse(
                Win32Error::CommitmentLimit,
                format!(
                    "committing {} more would raise the commit charge from {} to {}, above the commit limit of {} (RAM frames plus page-file slots)",
                    pages(new_pages),
                    self.commit_charge(),
                    wanted,
                    limit
                ),
            );
        }
        Ok(())
    }

    /// MEM_COMMIT at a non-NULL address without MEM_RESERVE (reference §3.3).
    fn commit(&mut self, address: u64, size: u64, protect: u32) -> Result<Done<u64>, Refusal> {
        // The range is page-rounded: every page holding a byte of it (reference §3.3).
        let (first, end) = pages_of(address, size);
        // The entire range must lie inside one allocation, else ERROR_INVALID_ADDRESS.
        let Some(a) = self.space().allocation_at(first).filter(|a| end <= a.end()) else {
            return refuse(
                Win32Error::InvalidAddress,
                self.outside_one_allocation(first, end, "commit"),
            );
        };
        let effective = effective_protect(a.allocation_protect, protect);
        let dropped_cache = protect & CACHING != 0 && effective & CACHING == 0;
        let runs = self.space().runs_in(first, end);
        let mut already = 0;
        let mut reprotected: Vec<(Vpn, u64)> = Vec::new();
        for r in &runs {
            if r.attr.committed {
                already += r.len();
                if r.attr.protect != effective {
                    reprotected.push((Vpn(r.start), r.len()));
                }
            }
        }
        let count = end.0 - first.0;
        let new = count - already;
        // Commit charge only for pages not committed yet (reference §8.6, §10.9).
        self.check_commit_limit(new)?;
        // Recommitting committed pages is no error; their protection becomes the new one
        // (reference §3.3). AllocationProtect stays as it was.
        self.space_mut()
            .set(first, end, PageAttr::committed(effective));
        let start_va = first.base();
        self.emit(Event::RegionChange {
            base: start_va,
            size: count << PAGE_SHIFT,
            state: MEM_COMMIT,
            protect: effective,
        });
        let old_charge = self.commit_charge();
        self.set_commit_charge(old_charge + new);
        for (vpn, n) in &reprotected {
            self.engine().protection_changed(*vpn, *n);
        }
        self.set_focus(Some(start_va));
        let mut story = format!(
            "VirtualAlloc commits {} at {} as {}",
            pages(count),
            addr(start_va),
            protection_name(effective)
        );
        if start_va != address || count << PAGE_SHIFT != size {
            story.push_str(&format!(
                " (every page holding a byte of {} at {})",
                bytes(size),
                addr(address)
            ));
        }
        if already > 0 {
            story.push_str(&format!(
                "; {} of them {} already committed, which is no error and costs no new charge",
                already,
                agree(already, "was", "were")
            ));
            if !reprotected.is_empty() {
                story.push_str(", but their protection changes");
            }
        }
        if dropped_cache {
            story.push_str(
                "; the caching modifier is dropped because caching belongs to the whole allocation",
            );
        }
        if new > 0 {
            story.push_str(&format!(
                ". The commit charge rises {}; no RAM is used until the first touch.",
                charge(old_charge, self.commit_charge(), self.commit_limit())
            ));
        } else {
            story.push_str(". The commit charge stays the same.");
        }
        Ok(Done {
            out: start_va,
            value: start_va,
            story,
        })
    }

    /// Why pages `first..end` are not inside one allocation, for the narration of `what`.
    pub(crate) fn outside_one_allocation(&self, first: Vpn, end: Vpn, what: &str) -> String {
        let range = format!("{}..{}", addr(first.base()), addr(end.base()));
        match self.space().allocation_at(first) {
            Some(a) => format!(
                "{what} range {range} runs past the end of the allocation at {} ({}..{})",
                addr(a.base_address()),
                addr(a.base_address()),
                addr(a.end().base())
            ),
            None => format!(
                "{what} range {range} starts in free memory; it must lie inside one reserved allocation"
            ),
        }
    }
}
