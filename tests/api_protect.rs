//! Scenarios for every `VirtualProtect` rule of reference §5.
//! Each test is named after its rule, cites the reference section, and checks the return
//! value, `GetLastError()` and the `VirtualQuery` fields the rule affects.

mod common;

use common::*;
use pagelab::sim::consts::*;

// ---------------------------------------------------------------------------------------
// 5 VirtualProtect
// ---------------------------------------------------------------------------------------

// Reference 5, 6 (W-K32): protect 3 pages READONLY splits the region; back to READWRITE
// re-coalesces it; the old protection is returned each time.
#[test]
fn protect_three_pages_then_back_recoalesces() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(
        m.virtual_protect(p, 0x3000, PAGE_READONLY, true),
        Some(PAGE_READWRITE)
    );
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(region(&mut m, p), (0x3000, MEM_COMMIT, PAGE_READONLY));
    assert_eq!(
        region(&mut m, p + 0x3000),
        (0xD000, MEM_COMMIT, PAGE_READWRITE)
    );
    assert_eq!(
        m.virtual_protect(p, 0x3000, PAGE_READWRITE, true),
        Some(PAGE_READONLY)
    );
    assert_eq!(region(&mut m, p), (0x1_0000, MEM_COMMIT, PAGE_READWRITE));
}

// Reference 5: the old protection is the first page's; pages with different protections
// inside one allocation change together.
#[test]
fn protect_returns_first_page_old_protection() {
    let (mut m, p) = with_alloc(0x3000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(
        m.virtual_protect(p, 0x1000, PAGE_EXECUTE_READ, true),
        Some(PAGE_READWRITE)
    );
    assert_eq!(
        m.virtual_protect(p + 0x1000, 0x1000, PAGE_NOACCESS, true),
        Some(PAGE_READWRITE)
    );
    assert_eq!(
        m.virtual_protect(p, 0x3000, PAGE_READONLY, true),
        Some(PAGE_EXECUTE_READ)
    );
    assert_eq!(region(&mut m, p), (0x3000, MEM_COMMIT, PAGE_READONLY));
    assert_eq!(
        m.virtual_protect(p + 0x1000, 0x2000, PAGE_READWRITE, true),
        Some(PAGE_READONLY)
    );
}

// Reference 5 (W-K32): a NULL lpflOldProtect fails with ERROR_NOACCESS and changes nothing.
#[test]
fn protect_null_old_pointer_fails_998() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    protect_fails(&mut m, p, 0x1000, PAGE_READONLY, false, 998);
    assert_eq!(query(&mut m, p).Protect, PAGE_READWRITE);
}

// Reference 5: flNewProtect must be valid (3.1 rule 6); WRITECOPY kinds fail with 87 for
// private memory. An invalid protection is reported before the NULL pointer.
#[test]
fn protect_invalid_protection_fails_87() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    for bad in [
        0,
        0x03,
        PAGE_WRITECOPY,
        PAGE_EXECUTE_WRITECOPY,
        PAGE_NOACCESS | PAGE_GUARD,
    ] {
        protect_fails(&mut m, p, 0x1000, bad, true, 87);
    }
    protect_fails(&mut m, p, 0x1000, PAGE_WRITECOPY, false, 87);
}

// Reference 5 (W-K32): every page must be committed: a partly committed or wholly reserved
// range fails with 487 and no page changes.
#[test]
fn protect_uncommitted_pages_fail_487_nothing_changes() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE), p);
    protect_fails(&mut m, p, 0x2000, PAGE_READONLY, true, 487);
    protect_fails(&mut m, p + 0x1000, 0x1000, PAGE_READONLY, true, 487);
    assert_eq!(region(&mut m, p), (0x1000, MEM_COMMIT, PAGE_READWRITE));
}

// Reference 5: a range in free space, or not inside one allocation, fails with 487.
#[test]
fn protect_free_or_spanning_allocations_fails_487() {
    let mut m = machine();
    let a = m.virtual_alloc(0, 0x1_0000, MEM_COMMIT, PAGE_READWRITE);
    let b = m.virtual_alloc(0, 0x1_0000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(b, a + 0x1_0000);
    protect_fails(&mut m, a, 0x2_0000, PAGE_READONLY, true, 487);
    protect_fails(&mut m, BASE + 0x10_0000, 0x1000, PAGE_READONLY, true, 487);
    protect_fails(&mut m, a - 0x1000, 0x2000, PAGE_READONLY, true, 487);
}

// Reference 5: the range is page-rounded like decommit: 2 bytes straddling give 2 pages.
#[test]
fn protect_two_bytes_straddling_changes_two_pages() {
    let (mut m, p) = with_alloc(0x4000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(
        m.virtual_protect(p + 0x1FFF, 2, PAGE_READONLY, true),
        Some(PAGE_READWRITE)
    );
    assert_eq!(
        region(&mut m, p + 0x1000),
        (0x2000, MEM_COMMIT, PAGE_READONLY)
    );
    assert_eq!(region(&mut m, p), (0x1000, MEM_COMMIT, PAGE_READWRITE));
}

// Reference 5 (W-K32 test_VirtualAlloc): in a RW|NOCACHE allocation, protecting to RW
// returns old RW|NOCACHE and the page stays RW|NOCACHE; READONLY gives READONLY|NOCACHE.
#[test]
fn protect_nocache_belongs_to_allocation() {
    let (mut m, p) = with_alloc(0x2000, MEM_COMMIT, PAGE_READWRITE | PAGE_NOCACHE);
    assert_eq!(
        m.virtual_protect(p, 0x1000, PAGE_READWRITE, true),
        Some(PAGE_READWRITE | PAGE_NOCACHE)
    );
    assert_eq!(query(&mut m, p).Protect, PAGE_READWRITE | PAGE_NOCACHE);
    assert_eq!(
        m.virtual_protect(p, 0x1000, PAGE_READONLY, true),
        Some(PAGE_READWRITE | PAGE_NOCACHE)
    );
    assert_eq!(query(&mut m, p).Protect, PAGE_READONLY | PAGE_NOCACHE);
}

// Reference 5 (W-K32): adding NOCACHE to a normal RW allocation is silently dropped.
#[test]
fn protect_adding_nocache_is_dropped() {
    let (mut m, p) = with_alloc(0x2000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(
        m.virtual_protect(p, 0x1000, PAGE_READONLY | PAGE_NOCACHE, true),
        Some(PAGE_READWRITE)
    );
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(query(&mut m, p).Protect, PAGE_READONLY);
}

// Reference 5, 6 (W-K32 test_guard_page): the old protection includes PAGE_GUARD (0x104);
// AllocationProtect keeps it while Protect changes.
#[test]
fn protect_guard_page_old_protection_0x104() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    assert_eq!(
        m.virtual_protect(p, 0x1000, PAGE_READWRITE, true),
        Some(0x104)
    );
    let q = query(&mut m, p);
    assert_eq!(q.Protect, PAGE_READWRITE);
    assert_eq!(q.AllocationProtect, 0x104);
    // And the other way round: setting a guard splits the region.
    let (mut m, p) = with_alloc(0x3000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(
        m.virtual_protect(p + 0x1000, 1, PAGE_READWRITE | PAGE_GUARD, true),
        Some(4)
    );
    assert_eq!(region(&mut m, p + 0x1000), (0x1000, MEM_COMMIT, 0x104));
    assert_eq!(
        region(&mut m, p + 0x2000),
        (0x1000, MEM_COMMIT, PAGE_READWRITE)
    );
}

// Reference 5 (NT parameter checks, 10.8): size 0, kernel addresses and sizes running out
// of user space fail with 87, without overflow.
#[test]
fn protect_bad_ranges_fail_87() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    protect_fails(&mut m, p, 0, PAGE_READONLY, true, 87);
    protect_fails(
        &mut m,
        0xFFFF_8000_0000_0000,
        0x1000,
        PAGE_READONLY,
        true,
        87,
    );
    protect_fails(&mut m, p, u64::MAX, PAGE_READONLY, true, 87);
    protect_fails(&mut m, p, 1 << 63, PAGE_READONLY, true, 87);
    protect_fails(&mut m, u64::MAX, 2, PAGE_READONLY, true, 87);
}
