//! The address space: allocations (VADs) and the state and protection of each page
//! (reference §2, §6). SKELETON: to be replaced by the VM-API work.

use serde::Serialize;

use super::addr::Vpn;
use super::config::Config;
use super::picture::RegionView;

/// The state of one page (reference §2, MS-STATE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PageState {
    /// Not part of any allocation.
    Free,
    /// Reserved, not committed.
    Reserved,
    /// Committed.
    Committed,
}

/// What the region (VAD) says about one page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageInfo {
    /// State of the page.
    pub state: PageState,
    /// Current protection including modifiers (0 unless committed).
    pub protect: u32,
}

/// All allocations of one process.
#[derive(Clone, Debug, Default)]
pub struct AddressSpace {}

impl AddressSpace {
    /// An empty address space.
    pub fn new(_config: &Config) -> AddressSpace {
        AddressSpace {}
    }

    /// State and protection of page `vpn`.
    pub fn page(&self, _vpn: Vpn) -> PageInfo {
        PageInfo {
            state: PageState::Free,
            protect: 0,
        }
    }

    /// Disarm `PAGE_GUARD` on page `vpn` after it fired (reference §7).
    pub fn clear_guard(&mut self, _vpn: Vpn) {}

    /// The non-free runs, as `VirtualQuery` would report them (reference §6).
    pub fn regions(&self) -> Vec<RegionView> {
        Vec::new()
    }
}
