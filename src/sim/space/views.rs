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

    /// Give the allocation at `base` the type `kind` (`MEM_IMAGE` for an image view).
    pub fn set_kind(&mut self, base: Vpn, kind: u32) {
        if let Some(a) = self.allocation_at_mut(base) {
            a.kind = kind;
        }
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
        let lo = self.copied.partition_point(|&v| v < base.0);
        let hi = self.copied.partition_point(|&v| v < base.0 + link.pages);
        self.copied.drain(lo..hi);
        let a = self.remove(base)?;
        Some((link, a))
    }

    /// The section page shown at `vpn`, if `vpn` is in a view and not yet made private
    /// by copy-on-write (docs/windows-sections.md §9: a copied page is private memory).
    pub fn view_page(&self, vpn: Vpn) -> Option<(SectionId, u32)> {
        if self.copied.binary_search(&vpn.0).is_ok() {
            return None;
        }
        let v = self.view_at(vpn)?;
        Some((v.section, v.first + (vpn.0 - v.base.0) as u32))
    }

    /// Copy-on-write made page `vpn` of a view private, now with `protect` (its own
    /// region, docs/windows-sections.md §9).
    pub fn mark_copied(&mut self, vpn: Vpn, protect: u32) {
        if let Err(i) = self.copied.binary_search(&vpn.0) {
            self.copied.insert(i, vpn.0);
        }
        self.set(vpn, Vpn(vpn.0 + 1), PageAttr::committed(protect));
    }

    /// The pages of `link`'s view that copy-on-write made private.
    pub fn copied_in(&self, link: &ViewLink) -> Vec<Vpn> {
        let mut out = Vec::new();
        for &v in &self.copied {
            if v >= link.base.0 && v < link.base.0 + link.pages {
                out.push(Vpn(v));
            }
        }
        out
    }
}
