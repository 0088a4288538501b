//! The address space: allocations (VADs) and the state and protection of each page
//! (reference §2, §6).
//!
//! Allocations live in a map keyed by their first page, so finding the allocation of a
//! page is O(log allocations); inside an allocation, page attributes are stored as runs
//! ([`runs::Runs`]), so finding a page's attributes is O(log runs) and a terabyte
//! reservation costs no per-page memory.

pub mod placement;
pub mod runs;
pub mod views;

use serde::Serialize;

use super::addr::{Vpn, ALLOCATION_GRANULARITY, MAX_USER_ADDRESS, PAGE_SHIFT, PAGE_SIZE};
use super::config::Config;
use super::consts::{MEM_COMMIT, MEM_FREE, MEM_PRIVATE, MEM_RESERVE, PAGE_GUARD, PAGE_NOACCESS};
use super::picture::{RegionSource, RegionView};
pub use runs::{PageAttr, Run, Runs};

/// Pages per allocation-granularity unit (64 KB / 4 KB).
pub const PAGES_PER_GRANULE: u64 = ALLOCATION_GRANULARITY / PAGE_SIZE;

/// One past the last page a program may allocate (reference §2: the top 64 KB below
/// 0x8000_0000_0000 is never allocatable).
pub const USER_END_VPN: u64 = (MAX_USER_ADDRESS + 1) >> PAGE_SHIFT;

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

impl PageState {
    /// The `MEM_*` value `VirtualQuery` reports for this state (reference §6).
    pub fn mem_value(self) -> u32 {
        match self {
            PageState::Free => MEM_FREE,
            PageState::Reserved => MEM_RESERVE,
            PageState::Committed => MEM_COMMIT,
        }
    }
}

/// What the region (VAD) says about one page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageInfo {
    /// State of the page.
    pub state: PageState,
    /// Current protection including modifiers such as `PAGE_GUARD` (0 unless committed).
    pub protect: u32,
}

impl PageInfo {
    /// A page outside every allocation.
    pub const FREE: PageInfo = PageInfo {
        state: PageState::Free,
        protect: 0,
    };

    fn of(attr: PageAttr) -> PageInfo {
        PageInfo {
            state: if attr.committed {
                PageState::Committed
            } else {
                PageState::Reserved
            },
            protect: attr.protect,
        }
    }
}

/// One allocation (one VAD): made by one successful reserve (reference §2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    /// First page; its address is 64 KB-aligned.
    pub base: Vpn,
    /// `flProtect` exactly as passed when the allocation was made (reference §3.2).
    pub allocation_protect: u32,
    /// `MEM_PRIVATE` for `VirtualAlloc` memory.
    pub kind: u32,
    /// Made with `MEM_WRITE_WATCH` (reference §3.1 rule 4).
    pub write_watch: bool,
    /// Per-page attributes, page offsets `0..pages`.
    pub runs: Runs,
}

impl Allocation {
    /// Pages in the allocation.
    pub fn pages(&self) -> u64 {
        self.runs.len()
    }

    /// One past its last page.
    pub fn end(&self) -> Vpn {
        Vpn(self.base.0 + self.pages())
    }

    /// First byte.
    pub fn base_address(&self) -> u64 {
        self.base.base()
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.pages() << PAGE_SHIFT
    }

    /// True when `vpn` lies inside.
    pub fn contains(&self, vpn: Vpn) -> bool {
        vpn >= self.base && vpn < self.end()
    }
}

/// What `VirtualQuery` reports about the region holding one page (reference §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegionInfo {
    /// First page of the region (the queried page).
    pub first: Vpn,
    /// Pages from `first` to the first page whose attributes differ.
    pub pages: u64,
    /// State of these pages.
    pub state: PageState,
    /// Their protection: the full value when committed, 0 when reserved,
    /// `PAGE_NOACCESS` when free (reference §6, §10.1).
    pub protect: u32,
    /// The allocation's base address, 0 when free.
    pub allocation_base: u64,
    /// The allocation's protection, 0 when free.
    pub allocation_protect: u32,
    /// `MEM_PRIVATE`, or 0 when free.
    pub kind: u32,
}

/// All allocations of one process.
#[derive(Clone, Debug)]
pub struct AddressSpace {
    /// Allocations sorted by their first page number, searched by bisection: a `Vec`, not
    /// a B-tree map, so the wasm module carries no B-tree code for this value type (the
    /// page's download budget); a process holds few allocations.
    allocations: Vec<Allocation>,
    /// Lowest page `VirtualAlloc(NULL, …)` may place an allocation at (DESIGN §2).
    placement_base: Vpn,
    /// Committed pages whose contents `MEM_RESET` declared unneeded while they held data,
    /// not yet taken back by `MEM_RESET_UNDO` (reference §3.4), each with whether the
    /// engine has since dropped that data. Sorted by page, searched by bisection.
    reset: Vec<(u64, bool)>,
    /// Views of sections, by address (each also an allocation of type `MEM_MAPPED`).
    views: Vec<views::ViewLink>,
    /// Pages of views made private by copy-on-write, sorted (docs/windows-sections.md §9).
    copied: Vec<u64>,
    /// Bumped whenever an allocation or a page's attributes change (for the picture).
    version: u64,
}

impl Default for AddressSpace {
    fn default() -> Self {
        AddressSpace::new(&Config::default())
    }
}

impl AddressSpace {
    /// An empty address space.
    pub fn new(config: &Config) -> AddressSpace {
        AddressSpace {
            allocations: Vec::new(),
            placement_base: Vpn::of(config.base),
            reset: Vec::new(),
            views: Vec::new(),
            copied: Vec::new(),
            version: 0,
        }
    }

    /// The lowest page a NULL-address allocation may start at (DESIGN §2).
    pub fn placement_base(&self) -> Vpn {
        self.placement_base
    }

    /// Index of the first allocation starting at or after page `vpn`.
    fn first_from(&self, vpn: u64) -> usize {
        self.allocations.partition_point(|a| a.base.0 < vpn)
    }

    /// Index of the allocation that may hold page `vpn`: the last one starting at or
    /// before it, if any.
    fn index_at(&self, vpn: Vpn) -> Option<usize> {
        self.allocations
            .partition_point(|a| a.base <= vpn)
            .checked_sub(1)
    }

    /// The allocation holding page `vpn`, if any. O(log allocations).
    pub fn allocation_at(&self, vpn: Vpn) -> Option<&Allocation> {
        self.index_at(vpn)
            .map(|i| &self.allocations[i])
            .filter(|a| a.contains(vpn))
    }

    fn allocation_at_mut(&mut self, vpn: Vpn) -> Option<&mut Allocation> {
        let i = self.index_at(vpn)?;
        Some(&mut self.allocations[i]).filter(|a| a.contains(vpn))
    }

    /// Every allocation, by address.
    pub fn allocations(&self) -> impl Iterator<Item = &Allocation> {
        self.allocations.iter()
    }

    /// True when no allocation overlaps pages `first..end`.
    pub fn is_free(&self, first: Vpn, end: Vpn) -> bool {
        if first >= end {
            return true;
        }
        // The last allocation starting before `end` is the only candidate for overlap
        // (allocations never overlap each other).
        match self.first_from(end.0).checked_sub(1) {
            Some(i) => self.allocations[i].end() <= first,
            None => true,
        }
    }

    /// State and protection of page `vpn`. O(log allocations + log runs): it is on the
    /// access path of the paging engine.
    pub fn page(&self, vpn: Vpn) -> PageInfo {
        match self.allocation_at(vpn) {
            Some(a) => PageInfo::of(a.runs.get(vpn.0 - a.base.0)),
            None => PageInfo::FREE,
        }
    }

    /// Add a new allocation of `pages` pages at `base` with every page set to `attr`.
    /// The caller has checked that the range is free and 64 KB-aligned.
    pub fn insert(
        &mut self,
        base: Vpn,
        pages: u64,
        allocation_protect: u32,
        write_watch: bool,
        attr: PageAttr,
    ) {
        let a = Allocation {
            base,
            allocation_protect,
            kind: MEM_PRIVATE,
            write_watch,
            runs: Runs::new(pages, attr),
        };
        self.version += 1;
        let i = self.first_from(base.0);
        match self.allocations.get_mut(i) {
            Some(old) if old.base == base => *old = a,
            _ => self.allocations.insert(i, a),
        }
    }

    /// Remove the allocation starting at `base` and return it.
    pub fn remove(&mut self, base: Vpn) -> Option<Allocation> {
        let i = self.first_from(base.0);
        if self.allocations.get(i)?.base != base {
            return None;
        }
        let a = self.allocations.remove(i);
        self.version += 1;
        self.take_reset(a.base, a.end());
        Some(a)
    }

    /// Give pages `first..end` (inside one allocation) the attributes `attr`. Pages that
    /// stop being committed forget any `MEM_RESET` (their data is gone anyway).
    pub fn set(&mut self, first: Vpn, end: Vpn, attr: PageAttr) {
        self.version += 1;
        if let Some(a) = self.allocation_at_mut(first) {
            let base = a.base.0;
            a.runs.set(first.0 - base, end.0 - base, attr);
        }
        if !attr.committed {
            self.take_reset(first, end);
        }
    }

    /// Remember that `MEM_RESET` declared the data of committed page `vpn` unneeded
    /// (reference §3.4), so that `MEM_RESET_UNDO` can tell whether it survived.
    pub fn mark_reset(&mut self, vpn: Vpn) {
        match self.reset_index(vpn) {
            Ok(i) => self.reset[i].1 = false,
            Err(i) => self.reset.insert(i, (vpn.0, false)),
        }
    }

    /// The engine dropped the data of page `vpn` (its PTE went back to demand-zero): if
    /// `MEM_RESET` marked it, `MEM_RESET_UNDO` must now fail for it (reference §3.4).
    pub fn note_data_dropped(&mut self, vpn: Vpn) {
        if let Ok(i) = self.reset_index(vpn) {
            self.reset[i].1 = true;
        }
    }

    /// Page `vpn` was written after `MEM_RESET`: what it holds now is the program's, so
    /// `MEM_RESET_UNDO` succeeds for it even if its old data was dropped (reference §3.4:
    /// a write ends the reset).
    pub fn note_written(&mut self, vpn: Vpn) {
        if let Ok(i) = self.reset_index(vpn) {
            self.reset[i].1 = false;
        }
    }

    /// Where page `vpn` is (`Ok`) or would go (`Err`) among the `MEM_RESET` marks.
    fn reset_index(&self, vpn: Vpn) -> Result<usize, usize> {
        self.reset.binary_search_by_key(&vpn.0, |&(v, _)| v)
    }

    /// Forget and return the `MEM_RESET` marks of pages `first..end`, in order, each with
    /// whether its data was dropped since.
    pub fn take_reset(&mut self, first: Vpn, end: Vpn) -> Vec<(Vpn, bool)> {
        if first >= end {
            return Vec::new();
        }
        let lo = self.reset.partition_point(|&(v, _)| v < first.0);
        let hi = self.reset.partition_point(|&(v, _)| v < end.0);
        let mut out = Vec::with_capacity(hi - lo);
        for (v, lost) in self.reset.drain(lo..hi) {
            out.push((Vpn(v), lost));
        }
        out
    }

    /// The runs of pages `first..end` (inside one allocation), as absolute page numbers.
    pub fn runs_in(&self, first: Vpn, end: Vpn) -> Vec<Run> {
        match self.allocation_at(first) {
            Some(a) => {
                let base = a.base.0;
                let mut runs = a.runs.runs_in(first.0 - base, end.0 - base);
                for r in &mut runs {
                    r.start += base;
                    r.end += base;
                }
                runs
            }
            None => Vec::new(),
        }
    }

    /// The committed runs of pages `first..end` (inside one allocation), as (first page,
    /// page count).
    pub fn committed_runs(&self, first: Vpn, end: Vpn) -> Vec<(Vpn, u64)> {
        let mut out = Vec::new();
        for r in self.runs_in(first, end) {
            if r.attr.committed {
                out.push((Vpn(r.start), r.len()));
            }
        }
        out
    }

    /// Disarm `PAGE_GUARD` on page `vpn` after it fired (reference §7): the page keeps
    /// its other protection bits, so its region merges again with equal neighbours
    /// (reference §6, W-K32 test_guard_page).
    pub fn clear_guard(&mut self, vpn: Vpn) {
        let info = self.page(vpn);
        if info.state == PageState::Committed && info.protect & PAGE_GUARD != 0 {
            self.set(
                vpn,
                Vpn(vpn.0 + 1),
                PageAttr::committed(info.protect & !PAGE_GUARD),
            );
        }
    }

    /// What `VirtualQuery` reports for page `vpn` (reference §6). The caller has checked
    /// that `vpn` is in the user range.
    pub fn query(&self, vpn: Vpn) -> RegionInfo {
        if let Some(a) = self.allocation_at(vpn) {
            // A region never crosses its allocation (reference §6); runs are maximal, so
            // the run holding the page ends at the first page whose attributes differ.
            let run = a.runs.run_at(vpn.0 - a.base.0);
            let info = PageInfo::of(run.attr);
            return RegionInfo {
                first: vpn,
                pages: a.base.0 + run.end - vpn.0,
                state: info.state,
                protect: info.protect,
                allocation_base: a.base_address(),
                allocation_protect: a.allocation_protect,
                kind: a.kind,
            };
        }
        // A free region extends to the start of the next allocation (reference §6, MS-VQ),
        // or to the end of the allocatable user range for the last hole.
        let end = self
            .allocations
            .get(self.first_from(vpn.0))
            .map_or(USER_END_VPN, |a| a.base.0)
            .max(vpn.0 + 1);
        RegionInfo {
            first: vpn,
            pages: end - vpn.0,
            state: PageState::Free,
            // Free pages report PAGE_NOACCESS, AllocationBase NULL, AllocationProtect 0 and
            // Type 0 (reference §6, §10.1, pinned by W-K32).
            protect: PAGE_NOACCESS,
            allocation_base: 0,
            allocation_protect: 0,
            kind: 0,
        }
    }

    /// The non-free runs, as `VirtualQuery` would report them, by address (reference §6).
    pub fn regions(&self) -> Vec<RegionView> {
        let mut out = Vec::new();
        for a in &self.allocations {
            for run in a.runs.all() {
                let info = PageInfo::of(run.attr);
                out.push(RegionView {
                    base: (a.base.0 + run.start) << PAGE_SHIFT,
                    size: run.len() << PAGE_SHIFT,
                    state: info.state.mem_value(),
                    protect: info.protect,
                    allocation_base: a.base_address(),
                    allocation_protect: a.allocation_protect,
                    kind: a.kind,
                });
            }
        }
        out
    }
}

impl RegionSource for AddressSpace {
    fn region_views(&self) -> Vec<RegionView> {
        self.regions()
    }

    fn version(&self) -> u64 {
        self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::consts::{PAGE_READONLY, PAGE_READWRITE};

    fn space() -> AddressSpace {
        AddressSpace::new(&Config::default())
    }

    #[test]
    fn empty_space_is_free_everywhere() {
        let s = space();
        assert_eq!(s.page(Vpn(0x10)), PageInfo::FREE);
        assert!(s.regions().is_empty());
        let q = s.query(Vpn(0x10));
        assert_eq!(q.state, PageState::Free);
        assert_eq!(q.protect, PAGE_NOACCESS);
        assert_eq!(q.pages, USER_END_VPN - 0x10);
    }

    #[test]
    fn page_reports_state_and_protection() {
        let mut s = space();
        s.insert(Vpn(0x100), 16, PAGE_READWRITE, false, PageAttr::RESERVED);
        s.set(Vpn(0x100), Vpn(0x101), PageAttr::committed(PAGE_READWRITE));
        assert_eq!(s.page(Vpn(0x100)).state, PageState::Committed);
        assert_eq!(s.page(Vpn(0x100)).protect, PAGE_READWRITE);
        assert_eq!(s.page(Vpn(0x101)), PageInfo::of(PageAttr::RESERVED));
        assert_eq!(s.page(Vpn(0x110)), PageInfo::FREE);
        assert_eq!(s.page(Vpn(0xFF)), PageInfo::FREE);
    }

    #[test]
    fn free_region_ends_at_next_allocation() {
        let mut s = space();
        s.insert(Vpn(0x200), 16, PAGE_READWRITE, false, PageAttr::RESERVED);
        let q = s.query(Vpn(0x180));
        assert_eq!((q.state, q.pages), (PageState::Free, 0x80));
        let q = s.query(Vpn(0x208));
        assert_eq!((q.state, q.pages, q.protect), (PageState::Reserved, 8, 0));
        assert_eq!(q.allocation_base, 0x200 << PAGE_SHIFT);
    }

    #[test]
    fn is_free_detects_overlap() {
        let mut s = space();
        s.insert(Vpn(0x200), 16, PAGE_READWRITE, false, PageAttr::RESERVED);
        assert!(s.is_free(Vpn(0x1F0), Vpn(0x200)));
        assert!(!s.is_free(Vpn(0x1F0), Vpn(0x201)));
        assert!(!s.is_free(Vpn(0x20F), Vpn(0x300)));
        assert!(s.is_free(Vpn(0x210), Vpn(0x300)));
        assert!(!s.is_free(Vpn(0x100), Vpn(0x300)));
    }

    #[test]
    fn clear_guard_merges_regions() {
        let mut s = space();
        s.insert(
            Vpn(0x200),
            4,
            PAGE_READWRITE,
            false,
            PageAttr::committed(PAGE_READWRITE),
        );
        s.set(
            Vpn(0x200),
            Vpn(0x201),
            PageAttr::committed(PAGE_READWRITE | PAGE_GUARD),
        );
        assert_eq!(s.regions().len(), 2);
        s.clear_guard(Vpn(0x200));
        assert_eq!(s.regions().len(), 1);
        assert_eq!(s.page(Vpn(0x200)).protect, PAGE_READWRITE);
        // Clearing a page without a guard changes nothing.
        s.set(Vpn(0x201), Vpn(0x202), PageAttr::committed(PAGE_READONLY));
        s.clear_guard(Vpn(0x201));
        assert_eq!(s.page(Vpn(0x201)).protect, PAGE_READONLY);
    }
}
