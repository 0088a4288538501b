//! Views of sections in an address space (docs/windows-sections.md §4–§5): an allocation
//! of type `MEM_MAPPED` that also remembers which section pages it shows.

use super::{AddressSpace, Allocation, PageAttr};
use crate::sim::addr::{SectionId, Vpn};
use crate::sim::consts::MEM_MAPPED;

/// Which section pages a view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewLink {
    /// The view's first page (64 KB-aligned).
    pub base: Vpn,
    /// Pages in the view.
    pub pages: u64,
    /// The section.
    pub section: SectionId,
    /// The section page (prototype PTE index) shown at the view's first page.
    pub first: u32,
}

impl AddressSpace {
    /// Map a view: an allocation of `MEM_MAPPED` pages with `attr` (docs/windows-sections.md
    /// §4.1: AllocationProtect is the view's protection, Type MEM_MAPPED).
    pub fn insert_view(&mut self, link: ViewLink, allocation_protect: u32, attr: PageAttr) {
        self.insert(link.base, link.pages, allocation_protect, false, attr);
        if let Some(a) = self.allocation_at_mut(link.base) {
            a.kind = MEM_MAPPED;
        }
        let i = self.views.partition_point(|v| v.base < link.base);
        self.views.insert(i, link);
    }

    /// The view that holds page `vpn`, if any.
    pub fn view_at(&self, vpn: Vpn) -> Option<&ViewLink> {
        let i = self
            .views
            .partition_point(|v| v.base <= vpn)
            .checked_sub(1)?;
        let v = &self.views[i];
        (vpn.0 < v.base.0 + v.pages).then_some(v)
    }

    /// Every view, by address.
    pub fn views(&self) -> &[ViewLink] {
        &self.views
    }

    /// Unmap the view at `base`: its allocation and its link go.
    pub fn remove_view(&mut self, base: Vpn) -> Option<(ViewLink, Allocation)> {
        let i = self.views.iter().position(|v| v.base == base)?;
        let link = self.views.remove(i);
        let a = self.remove(base)?;
        Some((link, a))
    }

    /// The section page shown at `vpn`, if `vpn` is in a view.
    pub fn view_page(&self, vpn: Vpn) -> Option<(SectionId, u32)> {
        let v = self.view_at(vpn)?;
        Some((v.section, v.first + (vpn.0 - v.base.0) as u32))
    }
}
