//! Scenarios for every `VirtualFree` rule of reference §4.
//! Each test is named after its rule, cites the reference section, and checks the return
//! value, `GetLastError()` and the `VirtualQuery` fields the rule affects.

mod common;

use common::*;
use pagelab::sim::consts::*;

// ---------------------------------------------------------------------------------------
// 4 VirtualFree
// ---------------------------------------------------------------------------------------

// Reference 4.1: dwFreeType must be exactly MEM_DECOMMIT or MEM_RELEASE: 0, MEM_FREE,
// both together, and placeholder flags fail with 87.
#[test]
fn free_type_must_be_decommit_or_release() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    free_fails(&mut m, p, 0, 0, 87);
    free_fails(&mut m, p, 0, MEM_FREE, 87);
    free_fails(&mut m, p, 0, MEM_DECOMMIT | MEM_RELEASE, 87);
    free_fails(&mut m, p, 0, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER, 87);
    free_fails(&mut m, p, 0, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS, 87);
    free_fails(&mut m, p, 0x1000, MEM_COMMIT, 87);
}

// Reference 4.1 (W-K32): MEM_RELEASE with dwSize != 0 fails with 87, even at the base.
#[test]
fn release_needs_size_zero() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    free_fails(&mut m, p, 1, MEM_RELEASE, 87);
    free_fails(&mut m, p, 0x1_0000, MEM_RELEASE, 87);
    assert_eq!(query(&mut m, p).State, MEM_RESERVE);
}

// Reference 4.2 (W-NT): the release address is page-rounded first: base+0xFFF releases,
// base+0x1001 fails with 487.
#[test]
fn release_at_base_plus_fff_ok_base_plus_1001_fails() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    free_fails(&mut m, p + 0x1001, 0, MEM_RELEASE, 487);
    assert!(m.virtual_free(p + 0xFFF, 0, MEM_RELEASE));
    assert_eq!(m.last_error(), 487, "success leaves the last error alone");
    let q = query(&mut m, p);
    assert_eq!(q.State, MEM_FREE);
}

// Reference 4.2, 6, 8.6: release frees the whole allocation (mixed reserved and committed)
// and returns the charge; the pages report the free values.
#[test]
fn release_whole_allocation_returns_charge() {
    let (mut m, p) = with_alloc(0x4_0000, MEM_RESERVE, PAGE_READWRITE | PAGE_GUARD);
    assert_eq!(
        m.virtual_alloc(p + 0x2000, 0x3000, MEM_COMMIT, PAGE_READWRITE),
        p + 0x2000
    );
    assert_eq!(
        m.virtual_alloc(p + 0x2_0000, 0x1000, MEM_COMMIT, PAGE_EXECUTE),
        p + 0x2_0000
    );
    assert_eq!(m.commit_charge(), 4);
    assert!(m.virtual_free(p, 0, MEM_RELEASE));
    assert_eq!(m.commit_charge(), 0);
    assert!(regions(&m).is_empty());
    let q = query(&mut m, p + 0x2000);
    assert_eq!(q.BaseAddress, p + 0x2000);
    assert_eq!(q.AllocationBase, 0);
    assert_eq!(q.AllocationProtect, 0);
    assert_eq!(q.State, MEM_FREE);
    assert_eq!(q.Protect, PAGE_NOACCESS);
    assert_eq!(q.Type, 0);
}

// Reference 4.2: an address outside every allocation fails with 487 (also a second release).
#[test]
fn release_outside_allocation_fails_487() {
    let (mut m, p) = with_alloc(0x1000, MEM_RESERVE, PAGE_READWRITE);
    free_fails(&mut m, p + 0x1000, 0, MEM_RELEASE, 487);
    free_fails(&mut m, 0, 0, MEM_RELEASE, 487);
    assert!(m.virtual_free(p, 0, MEM_RELEASE));
    free_fails(&mut m, p, 0, MEM_RELEASE, 487);
}

// Reference 4.3 (MS-VF, W-NT): a 2-byte decommit straddling a page boundary decommits 2 pages.
#[test]
fn decommit_two_bytes_straddling_decommits_two_pages() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(m.commit_charge(), 16);
    assert!(m.virtual_free(p + 0x1FFF, 2, MEM_DECOMMIT));
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(region(&mut m, p), (0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_eq!(region(&mut m, p + 0x1000), (0x2000, MEM_RESERVE, 0));
    assert_eq!(
        region(&mut m, p + 0x3000),
        (0xD000, MEM_COMMIT, PAGE_READWRITE)
    );
    assert_eq!(m.commit_charge(), 14);
}

// Reference 4.3 (W-NT): size 0 decommits the whole allocation when the page-rounded address
// is the base (base+0xFFE works); otherwise 487 (base+0x1001).
#[test]
fn decommit_size_zero_needs_base() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_COMMIT, PAGE_READWRITE);
    free_fails(&mut m, p + 0x1001, 0, MEM_DECOMMIT, 487);
    assert!(m.virtual_free(p + 0xFFE, 0, MEM_DECOMMIT));
    let q = query(&mut m, p);
    assert_eq!(
        (q.RegionSize, q.State, q.Protect),
        (0x1_0000, MEM_RESERVE, 0)
    );
    assert_eq!(q.AllocationBase, p);
    assert_eq!(m.commit_charge(), 0);
}

// Reference 4.3 (W-K32): decommitting pages that are only reserved is no error.
#[test]
fn decommit_reserved_pages_is_no_error() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE), p);
    assert!(m.virtual_free(p, 0x1_0000, MEM_DECOMMIT));
    assert_eq!(region(&mut m, p), (0x1_0000, MEM_RESERVE, 0));
    assert!(
        m.virtual_free(p, 0x1_0000, MEM_DECOMMIT),
        "again: all reserved"
    );
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(m.commit_charge(), 0);
}

// Reference 4.3: a decommit running past the end of the allocation fails with 87
// (STATUS_UNABLE_TO_FREE_VM); outside any allocation with 487.
#[test]
fn decommit_past_end_87_outside_487() {
    let (mut m, p) = with_alloc(0x2000, MEM_COMMIT, PAGE_READWRITE);
    free_fails(&mut m, p, 0x3000, MEM_DECOMMIT, 87);
    free_fails(&mut m, p + 0x1FFF, 2, MEM_DECOMMIT, 87);
    free_fails(&mut m, p + 0x2000, 0x1000, MEM_DECOMMIT, 487);
    free_fails(&mut m, BASE + 0x100_0000, 0x1000, MEM_DECOMMIT, 487);
}

// Reference 4.3, 3.3: decommit then recommit: reserved with Protect 0 in between, and the
// recommit is charged again.
#[test]
fn decommit_then_recommit() {
    let (mut m, p) = with_alloc(0x2000, MEM_COMMIT, PAGE_READWRITE);
    assert!(m.virtual_free(p, 0x1000, MEM_DECOMMIT));
    assert_eq!(region(&mut m, p), (0x1000, MEM_RESERVE, 0));
    assert_eq!(m.commit_charge(), 1);
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE), p);
    assert_eq!(region(&mut m, p), (0x2000, MEM_COMMIT, PAGE_READWRITE));
    assert_eq!(m.commit_charge(), 2);
}

// Reference 4 (ROS-MM, 10.8): kernel addresses and sizes that run out of user space fail
// with 87, without overflow.
#[test]
fn free_beyond_user_range_fails_87() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    free_fails(&mut m, 0xFFFF_8000_0000_0000, 0, MEM_RELEASE, 87);
    free_fails(&mut m, 0xFFFF_8000_0000_0000, 0x1000, MEM_DECOMMIT, 87);
    free_fails(&mut m, p, u64::MAX, MEM_DECOMMIT, 87);
    free_fails(&mut m, p, 1 << 63, MEM_DECOMMIT, 87);
    free_fails(&mut m, u64::MAX, 2, MEM_DECOMMIT, 87);
}
