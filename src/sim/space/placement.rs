//! Where `VirtualAlloc(NULL, …)` puts a new allocation (reference §3.2, DESIGN §2):
//! the lowest free 64 KB-aligned hole at or above the placement base, or with
//! `MEM_TOP_DOWN` the highest one. Below the placement base only explicit addresses
//! allocate.

use super::super::addr::Vpn;
use super::{AddressSpace, PAGES_PER_GRANULE, USER_END_VPN};

/// Round a page number up to a 64 KB boundary; `None` on overflow.
fn granule_up(vpn: u64) -> Option<u64> {
    vpn.checked_add(PAGES_PER_GRANULE - 1)
        .map(|v| v & !(PAGES_PER_GRANULE - 1))
}

/// Round a page number down to a 64 KB boundary.
fn granule_down(vpn: u64) -> u64 {
    vpn & !(PAGES_PER_GRANULE - 1)
}

impl AddressSpace {
    /// A 64 KB-aligned base for `pages` free pages, or `None` when no hole is large enough
    /// (reference §3.2: ERROR_NOT_ENOUGH_MEMORY). The pages between an allocation's end and
    /// the next 64 KB boundary stay unusable because every base is 64 KB-aligned
    /// (reference §2).
    pub fn find_hole(&self, pages: u64, top_down: bool) -> Option<Vpn> {
        if pages == 0 {
            return None;
        }
        let lower = granule_up(self.placement_base().0)?;
        if top_down {
            self.highest_hole(pages, lower)
        } else {
            self.lowest_hole(pages, lower)
        }
    }

    fn lowest_hole(&self, pages: u64, lower: u64) -> Option<Vpn> {
        let mut candidate = lower;
        // Start with the allocation that may straddle `lower`, then every later one.
        let from = self.first_from(lower).saturating_sub(1);
        for a in &self.allocations[from..] {
            let end = candidate.checked_add(pages)?;
            if a.end().0 <= candidate {
                continue;
            }
            if a.base.0 >= end {
                break;
            }
            candidate = granule_up(a.end().0)?;
        }
        let end = candidate.checked_add(pages)?;
        (end <= USER_END_VPN).then_some(Vpn(candidate))
    }

    fn highest_hole(&self, pages: u64, lower: u64) -> Option<Vpn> {
        let mut limit = USER_END_VPN;
        for a in self.allocations.iter().rev() {
            let candidate = granule_down(limit.checked_sub(pages)?);
            if candidate < lower {
                return None;
            }
            let floor = granule_up(a.end().0)?;
            if candidate >= floor {
                return Some(Vpn(candidate));
            }
            limit = limit.min(a.base.0);
        }
        let candidate = granule_down(limit.checked_sub(pages)?);
        (candidate >= lower).then_some(Vpn(candidate))
    }
}

#[cfg(test)]
mod tests {
    use super::super::PageAttr;
    use super::*;
    use crate::sim::config::Config;

    fn space() -> AddressSpace {
        AddressSpace::new(&Config::default())
    }

    const BASE: u64 = 0x234_5670_0000 >> 12;

    #[test]
    fn first_hole_is_the_base() {
        assert_eq!(space().find_hole(1, false), Some(Vpn(BASE)));
    }

    #[test]
    fn next_hole_skips_the_unusable_tail() {
        let mut s = space();
        s.insert(Vpn(BASE), 1, 4, false, PageAttr::RESERVED);
        // One page used; the next 15 pages are unusable, the next hole is 64 KB further.
        assert_eq!(s.find_hole(1, false), Some(Vpn(BASE + 16)));
    }

    #[test]
    fn hole_between_allocations_is_used_when_large_enough() {
        let mut s = space();
        s.insert(Vpn(BASE), 16, 4, false, PageAttr::RESERVED);
        s.insert(Vpn(BASE + 48), 16, 4, false, PageAttr::RESERVED);
        assert_eq!(s.find_hole(32, false), Some(Vpn(BASE + 16)));
        assert_eq!(s.find_hole(33, false), Some(Vpn(BASE + 64)));
    }

    #[test]
    fn top_down_takes_the_highest_hole() {
        let mut s = space();
        let top = USER_END_VPN - 16;
        assert_eq!(s.find_hole(1, true), Some(Vpn(top)));
        s.insert(Vpn(top), 1, 4, false, PageAttr::RESERVED);
        assert_eq!(s.find_hole(1, true), Some(Vpn(top - 16)));
        assert_eq!(s.find_hole(17, true), Some(Vpn(top - 32)));
    }

    #[test]
    fn too_big_finds_nothing() {
        let s = space();
        assert_eq!(s.find_hole(USER_END_VPN, false), None);
        assert_eq!(s.find_hole(USER_END_VPN, true), None);
        assert_eq!(s.find_hole(u64::MAX, false), None);
    }

    #[test]
    fn allocation_below_base_is_skipped() {
        let mut s = space();
        s.insert(Vpn(BASE - 16), 32, 4, false, PageAttr::RESERVED);
        assert_eq!(s.find_hole(1, false), Some(Vpn(BASE + 16)));
    }
}
