//! What the paging engine asks the address space: the narrow interface between the fault
//! handler and the VADs (reference §8.1 kind 4: "the fault handler consults the VAD").

use crate::sim::addr::{SectionId, Vpn};
use crate::sim::picture::RegionSource;
use crate::sim::space::{AddressSpace, PageInfo};

/// The questions the engine asks about a process's regions, and the few marks it leaves
/// there. The engine sees nothing else of the address space.
pub trait Vad: RegionSource {
    /// State and protection of page `vpn`.
    fn page(&self, vpn: Vpn) -> PageInfo;
    /// Whether two pages belong to the same allocation (clustering stays inside one).
    fn same_allocation(&self, a: Vpn, b: Vpn) -> bool;
    /// A guard page fired: remove `PAGE_GUARD` from page `vpn` (reference §7).
    fn clear_guard(&mut self, vpn: Vpn);
    /// The data of page `vpn` was dropped (its PTE went back to demand-zero): a
    /// `MEM_RESET` mark must remember it (reference §3.4).
    fn note_data_dropped(&mut self, vpn: Vpn);
    /// `MEM_RESET` found page `vpn` holding data (reference §3.4).
    fn mark_reset(&mut self, vpn: Vpn);
    /// Page `vpn` was written: its bytes are the program's again, so a `MEM_RESET` mark
    /// forgets that its old data was dropped (reference §3.4).
    fn note_written(&mut self, vpn: Vpn);
    /// The section page (prototype PTE) that page `vpn` of a view shows, if it is in one.
    fn view_page(&self, vpn: Vpn) -> Option<(SectionId, u32)>;
    /// Copy-on-write made page `vpn` of a view private, with `protect` from now on.
    fn mark_copied(&mut self, vpn: Vpn, protect: u32);
}

impl Vad for AddressSpace {
    fn page(&self, vpn: Vpn) -> PageInfo {
        AddressSpace::page(self, vpn)
    }

    fn same_allocation(&self, a: Vpn, b: Vpn) -> bool {
        match (self.allocation_at(a), self.allocation_at(b)) {
            (Some(x), Some(y)) => x.base == y.base,
            _ => false,
        }
    }

    fn clear_guard(&mut self, vpn: Vpn) {
        AddressSpace::clear_guard(self, vpn)
    }

    fn note_data_dropped(&mut self, vpn: Vpn) {
        AddressSpace::note_data_dropped(self, vpn)
    }

    fn mark_reset(&mut self, vpn: Vpn) {
        AddressSpace::mark_reset(self, vpn)
    }

    fn note_written(&mut self, vpn: Vpn) {
        AddressSpace::note_written(self, vpn)
    }

    fn view_page(&self, vpn: Vpn) -> Option<(SectionId, u32)> {
        AddressSpace::view_page(self, vpn)
    }

    fn mark_copied(&mut self, vpn: Vpn, protect: u32) {
        AddressSpace::mark_copied(self, vpn, protect)
    }
}
