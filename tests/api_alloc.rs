//! Scenarios for `VirtualAlloc` reserve, commit and reset: reference §3.2–§3.4.
//! Each test is named after its rule, cites the reference section, and checks the return
//! value, `GetLastError()` and the `VirtualQuery` fields the rule affects.

mod common;

use common::*;
use pagelab::sim::consts::*;
use pagelab::sim::system::image::KERNEL32_BASE;

// ---------------------------------------------------------------------------------------
// 3.2 MEM_RESERVE, or MEM_COMMIT with NULL
// ---------------------------------------------------------------------------------------

// Reference 3.2: an explicit address rounds down to 64 KB, and the region runs to the end
// of the page holding the last byte (ROS-MM End = (a+s-1)|0xFFF).
#[test]
fn reserve_explicit_address_rounds_down_to_64k_and_up_to_pages() {
    let mut m = machine();
    let p = m.virtual_alloc(BASE + 0x1234, 0x100, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(p, BASE);
    assert_eq!(m.last_error(), SENTINEL);
    let q = query(&mut m, BASE);
    assert_eq!(q.AllocationBase, BASE);
    assert_eq!((q.RegionSize, q.State, q.Protect), (0x2000, MEM_RESERVE, 0));
    assert_eq!(query(&mut m, BASE + 0x2000).State, MEM_FREE);
}

// Reference 3.2: with NULL, the size rounds up to whole pages at a 64 KB-aligned hole.
#[test]
fn reserve_null_rounds_size_to_pages_at_64k_hole() {
    let mut m = machine();
    let p = m.virtual_alloc(0, 8, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(p, BASE);
    assert_eq!(p % 0x1_0000, 0);
    assert_eq!(region(&mut m, p), (0x1000, MEM_RESERVE, 0));
    let q = m.virtual_alloc(0, 0x1001, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(q, BASE + 0x1_0000, "the next 64 KB-aligned hole");
    assert_eq!(region(&mut m, q), (0x2000, MEM_RESERVE, 0));
}

// Reference 2 (W-NT): the pages after an allocation's end up to the next 64 KB boundary
// stay free but cannot be reserved: a reserve there rounds down onto the allocation (487).
#[test]
fn reserve_in_unusable_tail_conflicts() {
    let (mut m, p) = with_alloc(0x1000, MEM_RESERVE, PAGE_READWRITE);
    let q = query(&mut m, p + 0x1000);
    assert_eq!(q.State, MEM_FREE);
    alloc_fails(&mut m, p + 0x1000, 0x1000, MEM_RESERVE, PAGE_READWRITE, 487);
    // MEM_COMMIT there is outside any allocation: 487 as well (reference 3.3).
    alloc_fails(&mut m, p + 0x1000, 0x1000, MEM_COMMIT, PAGE_READWRITE, 487);
}

// Reference 3.2: any overlap with an existing allocation fails with ERROR_INVALID_ADDRESS.
#[test]
fn reserve_overlapping_allocation_fails_487() {
    let (mut m, p) = with_alloc(0x2_0000, MEM_RESERVE, PAGE_READWRITE);
    alloc_fails(&mut m, p, 0x1000, MEM_RESERVE, PAGE_READWRITE, 487);
    alloc_fails(
        &mut m,
        p + 0x1_0000,
        0x1000,
        MEM_RESERVE | MEM_COMMIT,
        PAGE_READWRITE,
        487,
    );
    alloc_fails(
        &mut m,
        p - 0x1_0000,
        0x1_0001,
        MEM_RESERVE,
        PAGE_READWRITE,
        487,
    );
    // Just below it is free.
    assert_eq!(
        m.virtual_alloc(p - 0x1_0000, 0x1_0000, MEM_RESERVE, PAGE_READWRITE),
        p - 0x1_0000
    );
}

// Reference 3.2: MEM_TOP_DOWN picks the highest possible address.
#[test]
fn reserve_top_down_takes_highest_hole() {
    let mut m = machine();
    let p = m.virtual_alloc(0, 0x1000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE);
    assert_eq!(p, USER_END - 0x1_0000);
    let q = m.virtual_alloc(0, 0x1_0001, MEM_COMMIT | MEM_TOP_DOWN, PAGE_READWRITE);
    assert_eq!(q, USER_END - 0x3_0000);
    assert_eq!(region(&mut m, q), (0x1_1000, MEM_COMMIT, PAGE_READWRITE));
    // TOP_DOWN with an explicit address is ignored: the address wins.
    let r = m.virtual_alloc(BASE, 0x1000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE);
    assert_eq!(r, BASE);
}

// Reference 3.2: no hole large enough: ERROR_NOT_ENOUGH_MEMORY (8).
#[test]
fn reserve_without_free_hole_fails_8() {
    let mut m = machine();
    // Fits the user range (rule 7) but not above the placement base.
    alloc_fails(
        &mut m,
        0,
        USER_END - 0x1_0000,
        MEM_RESERVE,
        PAGE_READWRITE,
        8,
    );
    alloc_fails(
        &mut m,
        0,
        USER_END - BASE + 0x1000,
        MEM_RESERVE | MEM_TOP_DOWN,
        PAGE_READWRITE,
        8,
    );
    // kernel32.dll's image (in every process, DESIGN §9) splits the space above the base:
    // each of the two holes fits exactly.
    assert_eq!(
        m.virtual_alloc(0, KERNEL32_BASE - BASE, MEM_RESERVE, PAGE_READWRITE),
        BASE
    );
    let above = KERNEL32_BASE + 0x1_0000;
    assert_eq!(
        m.virtual_alloc(0, USER_END - above, MEM_RESERVE, PAGE_READWRITE),
        above
    );
    alloc_fails(&mut m, 0, 0x1000, MEM_RESERVE, PAGE_READWRITE, 8);
}

// Reference 3.2: a terabyte reserve is cheap (no per-page state) and reports one region.
#[test]
fn reserve_one_terabyte_is_one_region() {
    let mut m = machine();
    let p = m.virtual_alloc(0, 1 << 40, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(p, BASE);
    assert_eq!(region(&mut m, p + (1 << 39)), ((1 << 39), MEM_RESERVE, 0));
    assert_eq!(
        m.virtual_alloc(p + (1 << 39), 0x1000, MEM_COMMIT, PAGE_READONLY),
        p + (1 << 39)
    );
    assert_eq!(regions(&m).len(), 3);
    assert_eq!(m.commit_charge(), 1);
}

// Reference 3.2 (W-K32 test_VirtualAlloc_protection): MEM_COMMIT with NULL behaves as
// reserve+commit: AllocationBase == BaseAddress, one page, State COMMIT.
#[test]
fn commit_with_null_is_reserve_plus_commit() {
    let mut m = machine();
    let p = m.virtual_alloc(0, 8, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(p, BASE);
    assert_eq!(m.last_error(), SENTINEL);
    let q = query(&mut m, p);
    assert_eq!(q.BaseAddress, p);
    assert_eq!(q.AllocationBase, p);
    assert_eq!(q.AllocationProtect, PAGE_READWRITE);
    assert_eq!(
        (q.RegionSize, q.State, q.Protect),
        (0x1000, MEM_COMMIT, PAGE_READWRITE)
    );
    assert_eq!(q.Type, MEM_PRIVATE);
    assert_eq!(m.commit_charge(), 1);
}

// Reference 3.2: RESERVE|COMMIT at an explicit address commits the whole rounded region
// and returns its 64 KB base.
#[test]
fn reserve_commit_explicit_commits_whole_rounded_region() {
    let mut m = machine();
    let p = m.virtual_alloc(
        BASE + 0x3000,
        0x1000,
        MEM_RESERVE | MEM_COMMIT,
        PAGE_READONLY,
    );
    assert_eq!(p, BASE);
    assert_eq!(region(&mut m, BASE), (0x4000, MEM_COMMIT, PAGE_READONLY));
    assert_eq!(m.commit_charge(), 4);
}

// Reference 3.2: AllocationProtect is flProtect exactly as passed, modifiers included.
#[test]
fn allocation_protect_keeps_modifiers() {
    let mut m = machine();
    let g = m.virtual_alloc(0, 0x1000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    let q = query(&mut m, g);
    assert_eq!(q.AllocationProtect, 0x104);
    assert_eq!(q.Protect, 0x104);
    let n = m.virtual_alloc(0, 0x1000, MEM_RESERVE, PAGE_READWRITE | PAGE_NOCACHE);
    let q = query(&mut m, n);
    assert_eq!(q.AllocationProtect, PAGE_READWRITE | PAGE_NOCACHE);
    assert_eq!((q.State, q.Protect), (MEM_RESERVE, 0));
}

// Reference 3.2 (W-K32): releasing and re-reserving at the same base works.
#[test]
fn release_then_reserve_same_base() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    assert!(m.virtual_free(p, 0, MEM_RELEASE));
    assert_eq!(m.virtual_alloc(p, 0x1_0000, MEM_RESERVE, PAGE_READWRITE), p);
    assert_eq!(
        m.virtual_alloc(0, 0x1000, MEM_RESERVE, PAGE_READWRITE),
        p + 0x1_0000
    );
}

// ---------------------------------------------------------------------------------------
// 3.3 MEM_COMMIT at an address
// ---------------------------------------------------------------------------------------

// Reference 3.3, 6 (W-K32): reserve 0xFFFC, commit the first page: two regions.
#[test]
fn commit_first_page_of_reservation_splits_regions() {
    let (mut m, p) = with_alloc(0xFFFC, MEM_RESERVE, PAGE_NOACCESS);
    assert_eq!(m.commit_charge(), 0);
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE), p);
    assert_eq!(m.last_error(), SENTINEL);
    let q = query(&mut m, p);
    assert_eq!(
        (q.RegionSize, q.State, q.Protect),
        (0x1000, MEM_COMMIT, PAGE_READWRITE)
    );
    assert_eq!(
        q.AllocationProtect, PAGE_NOACCESS,
        "unchanged by the commit"
    );
    let q = query(&mut m, p + 0x1000);
    assert_eq!((q.RegionSize, q.State, q.Protect), (0xF000, MEM_RESERVE, 0));
    assert_eq!(q.AllocationBase, p);
    assert_eq!(m.commit_charge(), 1);
}

// Reference 3.3: the range is page-rounded and the page-aligned start is returned.
#[test]
fn commit_returns_page_aligned_start_of_rounded_range() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(
        m.virtual_alloc(p + 0x1FFF, 2, MEM_COMMIT, PAGE_READWRITE),
        p + 0x1000
    );
    assert_eq!(
        region(&mut m, p + 0x1000),
        (0x2000, MEM_COMMIT, PAGE_READWRITE)
    );
    assert_eq!(region(&mut m, p), (0x1000, MEM_RESERVE, 0));
    assert_eq!(m.commit_charge(), 2);
}

// Reference 3.3: the whole range must lie in one allocation: free space, straddling the
// end, or spanning two allocations all fail with 487.
#[test]
fn commit_outside_one_allocation_fails_487() {
    let mut m = machine();
    let a = m.virtual_alloc(0, 0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    let b = m.virtual_alloc(0, 0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(b, a + 0x1_0000);
    alloc_fails(
        &mut m,
        BASE + 0x10_0000,
        0x1000,
        MEM_COMMIT,
        PAGE_READWRITE,
        487,
    );
    alloc_fails(&mut m, a + 0xF000, 0x2000, MEM_COMMIT, PAGE_READWRITE, 487);
    alloc_fails(&mut m, a, 0x2_0000, MEM_COMMIT, PAGE_READWRITE, 487);
    alloc_fails(&mut m, a - 0x1000, 0x2000, MEM_COMMIT, PAGE_READWRITE, 487);
}

// Reference 3.3, 8.6, 9: recommitting committed pages is no error, their protection
// becomes the new one, only newly committed pages are charged, AllocationProtect stays.
#[test]
fn recommit_changes_protection_and_charges_new_pages_only() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(m.virtual_alloc(p, 0x2000, MEM_COMMIT, PAGE_READWRITE), p);
    assert_eq!(m.commit_charge(), 2);
    assert_eq!(m.virtual_alloc(p, 0x3000, MEM_COMMIT, PAGE_READONLY), p);
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(m.commit_charge(), 3);
    let q = query(&mut m, p);
    assert_eq!(
        (q.RegionSize, q.State, q.Protect),
        (0x3000, MEM_COMMIT, PAGE_READONLY)
    );
    assert_eq!(q.AllocationProtect, PAGE_READWRITE);
    // The same commit again changes nothing and charges nothing.
    assert_eq!(m.virtual_alloc(p, 0x3000, MEM_COMMIT, PAGE_READONLY), p);
    assert_eq!(m.commit_charge(), 3);
}

// Reference 3.3, 8.6: a commit past the commit limit fails with 1455 and changes nothing.
#[test]
fn commit_over_limit_fails_1455() {
    let mut m = machine();
    let limit = m.commit_limit();
    assert_eq!(limit, 80);
    let p = m.virtual_alloc(0, 0x10_0000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(
        m.virtual_alloc(p, 72 * 0x1000, MEM_COMMIT, PAGE_READWRITE),
        p
    );
    alloc_fails(&mut m, p, 81 * 0x1000, MEM_COMMIT, PAGE_READWRITE, 1455);
    // Recommitting the 72 pages plus 8 new ones reaches the limit exactly.
    assert_eq!(
        m.virtual_alloc(p, 80 * 0x1000, MEM_COMMIT, PAGE_READWRITE),
        p
    );
    assert_eq!(m.commit_charge(), 80);
    alloc_fails(&mut m, 0, 0x1000, MEM_COMMIT, PAGE_READWRITE, 1455);
    // A reserve needs no commit and still works.
    assert_ne!(m.virtual_alloc(0, 0x1000, MEM_RESERVE, PAGE_READWRITE), 0);
}

// Reference 3.3, 8.6: reserve+commit over the limit makes no allocation at all.
#[test]
fn reserve_commit_over_limit_makes_nothing() {
    let mut m = machine();
    alloc_fails(&mut m, 0, 81 * 0x1000, MEM_COMMIT, PAGE_READWRITE, 1455);
    alloc_fails(
        &mut m,
        BASE,
        81 * 0x1000,
        MEM_RESERVE | MEM_COMMIT,
        PAGE_READWRITE,
        1455,
    );
    assert!(regions(&m).is_empty());
    assert_eq!(query(&mut m, BASE).State, MEM_FREE);
}

// Reference 3.3 + 5: committing with a caching modifier into an allocation made without it
// drops it, because caching belongs to the allocation (our reading of 5 for commits).
#[test]
fn commit_follows_allocation_caching() {
    let (mut m, p) = with_alloc(0x2000, MEM_RESERVE, PAGE_READWRITE | PAGE_NOCACHE);
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE), p);
    assert_eq!(query(&mut m, p).Protect, PAGE_READWRITE | PAGE_NOCACHE);
    let (mut m, p) = with_alloc(0x2000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(
        m.virtual_alloc(p, 0x1000, MEM_COMMIT, PAGE_READONLY | PAGE_NOCACHE),
        p
    );
    assert_eq!(query(&mut m, p).Protect, PAGE_READONLY);
}

// ---------------------------------------------------------------------------------------
// 3.4 MEM_RESET / MEM_RESET_UNDO
// ---------------------------------------------------------------------------------------

// Reference 3.4 (W-K32): MEM_RESET on a committed RW page returns the address; the page
// stays committed READWRITE (the passed PAGE_NOACCESS is ignored).
#[test]
fn reset_keeps_committed_pages_and_protection() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_RESET, PAGE_NOACCESS), p);
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(region(&mut m, p), (0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_eq!(m.commit_charge(), 1);
}

// Reference 3.4: flProtect is ignored by MEM_RESET but must still be valid.
#[test]
fn reset_still_validates_protection() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    alloc_fails(&mut m, p, 0x1000, MEM_RESET, 0, 87);
    alloc_fails(&mut m, p, 0x1000, MEM_RESET, PAGE_WRITECOPY, 87);
}

// Reference 3.4: MEM_RESET on reserved pages succeeds and changes nothing.
#[test]
fn reset_on_reserved_pages_changes_nothing() {
    let (mut m, p) = with_alloc(0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    let before = regions(&m);
    assert_eq!(
        m.virtual_alloc(p + 0x10, 0x100, MEM_RESET, PAGE_READWRITE),
        p
    );
    assert_eq!(regions(&m), before);
    assert_eq!(region(&mut m, p), (0x1_0000, MEM_RESERVE, 0));
}

// Reference 3.4: MEM_RESET across the end of the allocation (or in free space, or with a
// NULL address) fails with ERROR_INVALID_ADDRESS.
#[test]
fn reset_outside_allocation_fails_487() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    alloc_fails(&mut m, p, 0x2000, MEM_RESET, PAGE_READWRITE, 487);
    alloc_fails(&mut m, p + 0x1_0000, 0x1000, MEM_RESET, PAGE_READWRITE, 487);
    alloc_fails(&mut m, 0, 0x1000, MEM_RESET, PAGE_READWRITE, 487);
}

// Reference 3.4: MEM_RESET_UNDO right after MEM_RESET succeeds: no data was lost yet.
#[test]
fn reset_undo_after_reset_succeeds() {
    let (mut m, p) = with_alloc(0x2000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(m.virtual_alloc(p, 0x2000, MEM_RESET, PAGE_READWRITE), p);
    assert_eq!(
        m.virtual_alloc(p, 0x2000, MEM_RESET_UNDO, PAGE_READWRITE),
        p
    );
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(region(&mut m, p), (0x2000, MEM_COMMIT, PAGE_READWRITE));
    alloc_fails(&mut m, p, 0x3000, MEM_RESET_UNDO, PAGE_READWRITE, 487);
}
