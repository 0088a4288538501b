//! `VirtualQuery` (reference §6).

use super::super::addr::{Vpn, MAX_USER_ADDRESS, PAGE_SHIFT};
use super::super::consts::MBI_SIZE;
use super::super::error::Win32Error;
use super::super::machine::Machine;
use super::super::space::PageState;
use super::{refuse, Done, MemoryBasicInformation, Refusal};
use crate::sim::consts::protection_name;
use crate::sim::words::{addr, bytes};

impl Machine {
    /// `VirtualQuery` without the step bookkeeping.
    pub(crate) fn query(
        &mut self,
        address: u64,
        length: u64,
    ) -> Result<Done<MemoryBasicInformation>, Refusal> {
        // An address above the highest user address: ERROR_INVALID_PARAMETER (reference §6).
        if address > MAX_USER_ADDRESS {
            return refuse(
                Win32Error::InvalidParameter,
                format!(
                    "{} is above the highest user address {}",
                    addr(address),
                    addr(MAX_USER_ADDRESS)
                ),
            );
        }
        // A buffer shorter than the structure: ERROR_BAD_LENGTH (reference §6, §10.8).
        if length < MBI_SIZE {
            return refuse(
                Win32Error::BadLength,
                format!(
                    "the buffer holds {} but MEMORY_BASIC_INFORMATION needs {MBI_SIZE}",
                    bytes(length)
                ),
            );
        }
        // BaseAddress is the page-rounded address; the region runs while state, full
        // protection, type and allocation all match the first page (reference §6).
        let r = self.space().query(Vpn::of(address));
        let mbi = MemoryBasicInformation {
            BaseAddress: r.first.base(),
            AllocationBase: r.allocation_base,
            AllocationProtect: r.allocation_protect,
            RegionSize: r.pages << PAGE_SHIFT,
            State: r.state.mem_value(),
            Protect: r.protect,
            Type: r.kind,
        };
        self.set_focus(Some(address));
        let what = match r.state {
            PageState::Free => format!(
                "free (not part of any allocation; it reports Protect PAGE_NOACCESS and Type 0), and the free region runs {} to {}",
                bytes(mbi.RegionSize),
                if mbi.BaseAddress + mbi.RegionSize > MAX_USER_ADDRESS {
                    "the end of user space".to_string()
                } else {
                    format!("the next allocation at {}", addr(mbi.BaseAddress + mbi.RegionSize))
                }
            ),
            PageState::Reserved => format!(
                "reserved but not committed (Protect 0) in the allocation at {} made with {}; RegionSize {:#x} ({}) covers the pages from there in the same state",
                addr(mbi.AllocationBase),
                protection_name(mbi.AllocationProtect),
                mbi.RegionSize,
                bytes(mbi.RegionSize)
            ),
            PageState::Committed => format!(
                "committed as {} in the allocation at {} made with {}; RegionSize {:#x} ({}) covers the pages from there with the same state and protection",
                protection_name(mbi.Protect),
                addr(mbi.AllocationBase),
                protection_name(mbi.AllocationProtect),
                mbi.RegionSize,
                bytes(mbi.RegionSize)
            ),
        };
        let story = format!(
            "VirtualQuery looks at page {}: it is {what}. It returns {MBI_SIZE}, the size of the structure.",
            addr(mbi.BaseAddress)
        );
        Ok(Done {
            out: mbi,
            value: MBI_SIZE,
            story,
        })
    }
}
