//! The Win32 virtual-memory API with the reference's exact semantics (reference §3–§6).
//!
//! Each public call records one step: `Event::Call`, the changes it makes (region changes,
//! commit charge, and whatever the paging engine emits for discarded pages), then
//! `Event::Return` with the value and the last error, closed by a narration that says
//! what happened and why.
//!
//! Errors are [`Win32Error`]s inside; the public wrappers turn them into `GetLastError()`.
//! A successful call leaves the last error unchanged, as Windows does (the Win32 memory
//! functions set it only on failure), so a script can still see an older error.
//!
//! # Where the reference leaves room, this is what PageLab does
//!
//! - `MEM_RESET_UNDO` must be used alone, like `MEM_RESET`, and its range must lie inside
//!   one allocation (487 otherwise). It fails when a page reset while holding data has
//!   since lost it (its frame was reused, so it reads zeros); the reference names no error
//!   code for that, and PageLab uses ERROR_INVALID_ADDRESS (487). Pages whose data
//!   survived count as changed again, so a later page-out saves them (see `reset`).
//! - A page written after `MEM_RESET` holds the program's new data, so `MEM_RESET_UNDO`
//!   counts it as intact.
//! - `MEM_RESET` / `MEM_RESET_UNDO` with a NULL address names the free first page of the
//!   address space, so it fails like any range outside an allocation: 487.
//! - `MEM_LARGE_PAGES` and `MEM_PHYSICAL` are checked by the rules of §3.1 rule 4 and then
//!   refused with 87 anyway: the machine has no large pages (the large-page minimum would
//!   be 0) and no AWE physical pages.
//! - `PAGE_NOCACHE` and `PAGE_WRITECOMBINE` belong to the allocation (§5): `VirtualProtect`
//!   and a `MEM_COMMIT` into an existing reservation keep the allocation's caching bit and
//!   drop one asked for later.
//! - `VirtualAlloc(NULL, size)` with a size larger than the whole user range fails with 87
//!   (§3.1 rule 7 with address 0); a size that fits the range but no hole above the
//!   placement base fails with 8. `MEM_TOP_DOWN` also stays at or above the placement base.
//! - `MEM_RESERVE|MEM_COMMIT` at an explicit address commits the whole rounded region, from
//!   its 64 KB base, and returns that base.
//! - `VirtualFree` and `VirtualProtect` refuse an address above the highest user address,
//!   or a size running past it, with 87 (the NT services' parameter checks; no overflow).
//!   `VirtualProtect` with size 0 is 87. Its checks run in the NT order: protection (87),
//!   then the NULL out pointer (998), then the range.
//! - `VirtualFree` with a placeholder flag is 87: this machine has no placeholders.
//! - `VirtualQuery`: the last free hole runs to the end of the allocatable user range
//!   (0x7FFF_FFFF_0000); an address from there up is above the highest user address: 87.

mod alloc;
mod file;
mod free;
mod image;
mod mapped;
mod process;
mod protect;
mod query;
mod reset;
mod section;
mod view;
mod working_set;

pub(crate) use image::map_kernel32;
use serde::Serialize;

use super::addr::{Vpn, MAX_USER_ADDRESS, PAGE_SHIFT};
use super::error::Win32Error;
use super::event::Event;
use super::journal::Op;
use super::machine::Machine;

/// `MEMORY_BASIC_INFORMATION` as `VirtualQuery` fills it (reference §6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[allow(non_snake_case)]
pub struct MemoryBasicInformation {
    /// Page-rounded query address.
    pub BaseAddress: u64,
    /// Base of the containing allocation (0 for free).
    pub AllocationBase: u64,
    /// Protection given at allocation (0 for free).
    pub AllocationProtect: u32,
    /// Bytes from `BaseAddress` with the same attributes.
    pub RegionSize: u64,
    /// `MEM_COMMIT`, `MEM_RESERVE` or `MEM_FREE`.
    pub State: u32,
    /// Current protection (0 reserved, `PAGE_NOACCESS` free).
    pub Protect: u32,
    /// `MEM_PRIVATE`, `MEM_MAPPED`, `MEM_IMAGE` or 0.
    pub Type: u32,
}

/// Why a call failed: the Win32 error and a plain-words reason for the narration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// What `GetLastError()` will return.
    pub error: Win32Error,
    /// The reason, as the end of a sentence, e.g. "MEM_RELEASE needs dwSize 0".
    pub why: String,
}

/// Fail with `error` because of `why`.
pub(crate) fn refuse<T>(error: Win32Error, why: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal {
        error,
        why: why.into(),
    })
}

/// A successful call: what it gives back and what the narration says.
pub(crate) struct Done<T> {
    /// The result handed to the caller.
    pub out: T,
    /// The value shown in `Event::Return`.
    pub value: u64,
    /// The narration sentence(s).
    pub story: String,
}

/// The pages `first..end` holding every byte of `[address, address + size)` (reference
/// §3.3, §4.3, §5: a 2-byte range straddling a page boundary covers 2 pages). The caller
/// has checked that `size > 0` and that the range does not wrap.
pub(crate) fn pages_of(address: u64, size: u64) -> (Vpn, Vpn) {
    let last = address + (size - 1);
    (Vpn::of(address), Vpn((last >> PAGE_SHIFT) + 1))
}

/// Check that `[address, address + size)` lies in the user range, as the NT free and
/// protect services do (ROS-MM, reference §10.8): an address above the highest user
/// address, or a size running past it, is ERROR_INVALID_PARAMETER.
pub(crate) fn check_user_range(address: u64, size: u64) -> Result<(), Refusal> {
    if address > MAX_USER_ADDRESS {
        return refuse(
            Win32Error::InvalidParameter,
            format!(
                "{} is above the highest user address {}",
                crate::sim::words::addr(address),
                crate::sim::words::addr(MAX_USER_ADDRESS)
            ),
        );
    }
    if size > MAX_USER_ADDRESS - address {
        return refuse(
            Win32Error::InvalidParameter,
            format!(
                "{} from {} runs past the end of user space",
                crate::sim::words::bytes(size),
                crate::sim::words::addr(address)
            ),
        );
    }
    Ok(())
}

impl Machine {
    /// Set the commit charge to `new` pages, recording the change (reference §8.6).
    pub(crate) fn set_commit_charge(&mut self, new: u64) {
        let old = self.commit_charge();
        if old != new {
            self.system_mut().commit_charge = new;
            self.emit(Event::CommitCharge {
                old,
                new,
                limit: self.commit_limit(),
            });
        }
    }

    /// Run one API call as one step: `Call`, the changes `body` makes, `Return`, narration.
    /// Generic only in what the call hands back; the step itself is [`Machine::api_return`].
    fn api_step<T>(
        &mut self,
        name: &'static str,
        args: &[u64],
        body: impl FnOnce(&mut Machine) -> Result<Done<T>, Refusal>,
    ) -> Option<T> {
        self.api_call(name, args);
        match body(self) {
            Ok(done) => {
                self.api_return(name, Ok((done.value, done.story)));
                Some(done.out)
            }
            Err(refusal) => {
                self.api_return(name, Err(refusal));
                None
            }
        }
    }

    /// Open a call's step: `Call` with the name and the arguments.
    fn api_call(&mut self, name: &'static str, args: &[u64]) {
        self.emit(Event::Call {
            name: name.to_string(),
            args: args.to_vec(),
        });
    }

    /// Close a call's step: `Return` with the value (0 on failure) and the last error, and
    /// the narration, `story` or why the call failed.
    fn api_return(&mut self, name: &'static str, result: Result<(u64, String), Refusal>) {
        let value = match &result {
            // Success leaves GetLastError() unchanged, as on Windows.
            Ok((value, _)) => *value,
            Err(refusal) => {
                // The field, not set_last_error: that one is a call of its own, noted in
                // the journal, and this one is part of the API call being noted.
                self.process_mut().last_error = refusal.error.code();
                0
            }
        };
        self.emit(Event::Return {
            value,
            last_error: self.last_error(),
        });
        self.end_step(|| match result {
            Ok((_, story)) => story,
            Err(refusal) => format!(
                "{name} fails with {} ({}): {}.",
                refusal.error.name(),
                refusal.error.code(),
                refusal.why
            ),
        });
    }

    /// `VirtualAlloc`: the page-aligned base, or 0 with the last error set (reference §3).
    pub fn virtual_alloc(
        &mut self,
        address: u64,
        size: u64,
        allocation_type: u32,
        protect: u32,
    ) -> u64 {
        let args = [address, size, allocation_type as u64, protect as u64];
        self.note(Op::VirtualAlloc, &args, &[]);
        self.api_step("VirtualAlloc", &args, |m| {
            m.alloc(address, size, allocation_type, protect)
        })
        .unwrap_or(0)
    }

    /// `VirtualFree`: TRUE, or FALSE with the last error set (reference §4).
    pub fn virtual_free(&mut self, address: u64, size: u64, free_type: u32) -> bool {
        let args = [address, size, free_type as u64];
        self.note(Op::VirtualFree, &args, &[]);
        self.api_step("VirtualFree", &args, |m| m.free(address, size, free_type))
            .is_some()
    }

    /// `VirtualProtect`: `Some(old protection of the first page)` on success, `None` on
    /// failure with the last error set. `old_out` is false when the script passed NULL
    /// for `lpflOldProtect` (reference §5: 998).
    pub fn virtual_protect(
        &mut self,
        address: u64,
        size: u64,
        new_protect: u32,
        old_out: bool,
    ) -> Option<u32> {
        let args = [address, size, new_protect as u64, old_out as u64];
        self.note(Op::VirtualProtect, &args, &[]);
        self.api_step("VirtualProtect", &args, |m| {
            m.protect(address, size, new_protect, old_out)
        })
    }

    /// `VirtualQuery`: the structure, or `None` (the call returns 0) with the last error set
    /// (reference §6). `length` is the caller's buffer size.
    pub fn virtual_query(&mut self, address: u64, length: u64) -> Option<MemoryBasicInformation> {
        let args = [address, length];
        self.note(Op::VirtualQuery, &args, &[]);
        self.api_step("VirtualQuery", &args, |m| m.query(address, length))
    }
}

#[cfg(test)]
mod tests {
    use super::super::addr::Vpn;
    use super::super::config::Config;
    use super::super::consts::*;
    use super::*;

    // Reference 6, 7 (W-K32 test_guard_page): a guard page that fired loses PAGE_GUARD, so
    // its region merges with its neighbours again; AllocationProtect keeps the guard.
    #[test]
    fn fired_guard_page_merges_back() {
        let mut m = Machine::new(Config::default());
        let p = m.virtual_alloc(0, 0x3000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
        assert_eq!(
            m.virtual_protect(p, 0x1000, PAGE_READWRITE, true),
            Some(0x104)
        );
        assert_eq!(
            m.virtual_protect(p + 0x2000, 0x1000, PAGE_READWRITE, true),
            Some(0x104)
        );
        let of_p = m
            .space()
            .regions()
            .iter()
            .filter(|r| r.allocation_base == p)
            .count();
        assert_eq!(of_p, 3);
        assert_eq!(m.space().page(Vpn::of(p + 0x1000)).protect, 0x104);
        m.space_mut().clear_guard(Vpn::of(p + 0x1000));
        let q = m.virtual_query(p, MBI_SIZE).expect("query");
        assert_eq!(q.RegionSize, 0x3000);
        assert_eq!(q.Protect, PAGE_READWRITE);
        assert_eq!(q.AllocationProtect, 0x104);
    }

    #[test]
    fn pages_of_covers_every_touched_page() {
        assert_eq!(pages_of(0x1FFF, 2), (Vpn(1), Vpn(3)));
        assert_eq!(pages_of(0x1000, 0x1000), (Vpn(1), Vpn(2)));
        assert_eq!(pages_of(0x1000, 1), (Vpn(1), Vpn(2)));
    }

    #[test]
    fn user_range_check_has_no_overflow() {
        assert!(check_user_range(MAX_USER_ADDRESS, 0).is_ok());
        assert!(check_user_range(MAX_USER_ADDRESS, 1).is_err());
        assert!(check_user_range(u64::MAX, u64::MAX).is_err());
        assert!(check_user_range(0x1_0000, u64::MAX).is_err());
    }
}
