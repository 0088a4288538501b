//! One scenario per rule of reference sections 3–6 and 8.6 for `VirtualAlloc`,
//! `VirtualFree`, `VirtualProtect` and `VirtualQuery`. Each test is named after its rule,
//! cites the section, and checks the return value, `GetLastError()` and the
//! `VirtualQuery` fields the rule affects.

use pagelab::sim::api::MemoryBasicInformation;
use pagelab::sim::consts::*;
use pagelab::sim::picture::RegionView;
use pagelab::sim::{Config, Event, Machine};

/// Where the first `VirtualAlloc(NULL, …)` lands (DESIGN §2).
const BASE: u64 = 0x234_5670_0000;
/// One past the last allocatable byte (reference §2).
const USER_END: u64 = 0x7FFF_FFFF_0000;
/// A last error no call sets, to see that success leaves it alone.
const SENTINEL: u32 = 0xABCD;

fn machine() -> Machine {
    let mut m = Machine::new(Config::default());
    m.set_last_error(SENTINEL);
    m
}

fn query(m: &mut Machine, va: u64) -> MemoryBasicInformation {
    m.virtual_query(va, MBI_SIZE)
        .unwrap_or_else(|| panic!("VirtualQuery({va:#x}) failed with {}", m.last_error()))
}

fn regions(m: &Machine) -> Vec<RegionView> {
    m.picture().regions
}

/// (RegionSize, State, Protect) of the region at `va`.
fn region(m: &mut Machine, va: u64) -> (u64, u32, u32) {
    let q = query(m, va);
    (q.RegionSize, q.State, q.Protect)
}

/// Assert that a `VirtualAlloc` fails with `error` and changes nothing.
fn alloc_fails(m: &mut Machine, a: u64, s: u64, t: u32, p: u32, error: u32) {
    let before = (regions(m), m.commit_charge());
    assert_eq!(
        m.virtual_alloc(a, s, t, p),
        0,
        "VirtualAlloc({a:#x}, {s:#x}, {t:#x}, {p:#x})"
    );
    assert_eq!(
        m.last_error(),
        error,
        "VirtualAlloc({a:#x}, {s:#x}, {t:#x}, {p:#x})"
    );
    assert_eq!((regions(m), m.commit_charge()), before, "state changed");
}

/// Assert that a `VirtualFree` fails with `error` and changes nothing.
fn free_fails(m: &mut Machine, a: u64, s: u64, t: u32, error: u32) {
    let before = (regions(m), m.commit_charge());
    assert!(
        !m.virtual_free(a, s, t),
        "VirtualFree({a:#x}, {s:#x}, {t:#x})"
    );
    assert_eq!(m.last_error(), error, "VirtualFree({a:#x}, {s:#x}, {t:#x})");
    assert_eq!((regions(m), m.commit_charge()), before, "state changed");
}

/// Assert that a `VirtualProtect` fails with `error` and changes nothing.
fn protect_fails(m: &mut Machine, a: u64, s: u64, p: u32, out: bool, error: u32) {
    let before = (regions(m), m.commit_charge());
    assert_eq!(
        m.virtual_protect(a, s, p, out),
        None,
        "VirtualProtect({a:#x}, {s:#x}, {p:#x})"
    );
    assert_eq!(
        m.last_error(),
        error,
        "VirtualProtect({a:#x}, {s:#x}, {p:#x})"
    );
    assert_eq!((regions(m), m.commit_charge()), before, "state changed");
}

/// A fresh machine with one allocation of `size` bytes made by `VirtualAlloc(NULL, …)`.
fn with_alloc(size: u64, ty: u32, protect: u32) -> (Machine, u64) {
    let mut m = machine();
    let p = m.virtual_alloc(0, size, ty, protect);
    assert_eq!(p, BASE, "setup allocation failed with {}", m.last_error());
    (m, p)
}

// ---------------------------------------------------------------------------------------
// 3.1 Parameter validation
// ---------------------------------------------------------------------------------------

// Reference 3.1 rule 1: a type without COMMIT, RESERVE, RESET or RESET_UNDO fails with 87
// (W-K32 test_write_watch: MEM_WRITE_WATCH alone).
#[test]
fn alloc_rule1_needs_commit_reserve_or_reset() {
    let mut m = machine();
    alloc_fails(&mut m, 0, 0x1000, MEM_WRITE_WATCH, PAGE_READWRITE, 87);
    alloc_fails(&mut m, 0, 0x1000, 0, PAGE_READWRITE, 87);
    alloc_fails(&mut m, 0, 0x1000, MEM_TOP_DOWN, PAGE_READWRITE, 87);
}

// Reference 3.1 rule 2: unknown bits and AT_ROUND_TO_PAGE fail with 87.
#[test]
fn alloc_rule2_unknown_bits_and_at_round_to_page_fail() {
    let mut m = machine();
    alloc_fails(
        &mut m,
        0,
        0x1000,
        MEM_RESERVE | AT_ROUND_TO_PAGE,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(&mut m, 0, 0x1000, MEM_RESERVE | 0x1, PAGE_READWRITE, 87);
    alloc_fails(
        &mut m,
        0,
        0x1000,
        MEM_COMMIT | MEM_DECOMMIT,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(
        &mut m,
        0,
        0x1000,
        MEM_COMMIT | 0x8000_0000,
        PAGE_READWRITE,
        87,
    );
}

// Reference 3.1 rule 3: MEM_RESET must be used alone (and, by our reading, MEM_RESET_UNDO).
#[test]
fn alloc_rule3_mem_reset_must_be_alone() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    alloc_fails(
        &mut m,
        p,
        0x1000,
        MEM_RESET | MEM_COMMIT,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(
        &mut m,
        p,
        0x1000,
        MEM_RESET | MEM_TOP_DOWN,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(
        &mut m,
        p,
        0x1000,
        MEM_RESET_UNDO | MEM_COMMIT,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(
        &mut m,
        p,
        0x1000,
        MEM_RESET | MEM_RESET_UNDO,
        PAGE_READWRITE,
        87,
    );
}

// Reference 3.1 rule 4: MEM_WRITE_WATCH requires MEM_RESERVE.
#[test]
fn alloc_rule4_write_watch_requires_reserve() {
    let mut m = machine();
    alloc_fails(
        &mut m,
        0,
        0x1000,
        MEM_COMMIT | MEM_WRITE_WATCH,
        PAGE_READWRITE,
        87,
    );
    m.set_last_error(SENTINEL);
    let p = m.virtual_alloc(0, 0x1000, MEM_RESERVE | MEM_WRITE_WATCH, PAGE_READWRITE);
    assert_eq!(p, BASE);
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(region(&mut m, p), (0x1000, MEM_RESERVE, 0));
    let p = m.virtual_alloc(
        0,
        0x1000,
        MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH,
        PAGE_READWRITE,
    );
    assert_eq!(p, BASE + 0x1_0000);
    assert_eq!(region(&mut m, p), (0x1000, MEM_COMMIT, PAGE_READWRITE));
}

// Reference 3.1 rule 4: MEM_LARGE_PAGES needs RESERVE|COMMIT and large-page multiples;
// this machine has no large pages, so every request fails with 87.
#[test]
fn alloc_rule4_large_pages_rejected() {
    let mut m = machine();
    let two_mb = 0x20_0000;
    alloc_fails(
        &mut m,
        0,
        two_mb,
        MEM_COMMIT | MEM_LARGE_PAGES,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(
        &mut m,
        0,
        two_mb,
        MEM_RESERVE | MEM_LARGE_PAGES,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(
        &mut m,
        0,
        two_mb,
        MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES,
        PAGE_READWRITE,
        87,
    );
}

// Reference 3.1 rule 4: MEM_PHYSICAL requires MEM_RESERVE only and PAGE_READWRITE; with no
// AWE pages on this machine even a well-formed request fails with 87.
#[test]
fn alloc_rule4_physical_rules() {
    let mut m = machine();
    alloc_fails(
        &mut m,
        0,
        0x1000,
        MEM_COMMIT | MEM_PHYSICAL,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(
        &mut m,
        0,
        0x1000,
        MEM_RESERVE | MEM_COMMIT | MEM_PHYSICAL,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(
        &mut m,
        0,
        0x1000,
        MEM_RESERVE | MEM_PHYSICAL,
        PAGE_READONLY,
        87,
    );
    alloc_fails(
        &mut m,
        0,
        0x1000,
        MEM_RESERVE | MEM_PHYSICAL,
        PAGE_READWRITE,
        87,
    );
}

// Reference 3.1 rule 5: dwSize 0 fails with ERROR_INVALID_PARAMETER (not 8 as on Win9x).
#[test]
fn alloc_rule5_size_zero_fails() {
    let mut m = machine();
    alloc_fails(&mut m, 0, 0, MEM_RESERVE, PAGE_READWRITE, 87);
    alloc_fails(&mut m, 0, 0, MEM_COMMIT, PAGE_READWRITE, 87);
    alloc_fails(
        &mut m,
        BASE,
        0,
        MEM_RESERVE | MEM_COMMIT,
        PAGE_READWRITE,
        87,
    );
}

// Reference 3.1 rule 6: flProtect is validated even for a reserve; 0, combinations,
// WRITECOPY kinds, GUARD|NOACCESS and NOCACHE|GUARD fail with 87.
#[test]
fn alloc_rule6_protection_validated_even_for_reserve() {
    let mut m = machine();
    for bad in [
        0,
        0x03,
        0x06,
        0x30,
        PAGE_READONLY | PAGE_EXECUTE,
        PAGE_READWRITE | PAGE_EXECUTE_WRITECOPY,
        PAGE_WRITECOPY,
        PAGE_EXECUTE_WRITECOPY,
        PAGE_NOACCESS | PAGE_GUARD,
        PAGE_READWRITE | PAGE_NOCACHE | PAGE_GUARD,
        PAGE_NOACCESS | PAGE_NOCACHE,
        PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE,
    ] {
        alloc_fails(&mut m, 0, 0x1000, MEM_RESERVE, bad, 87);
        alloc_fails(&mut m, 0, 0x1000, MEM_COMMIT, bad, 87);
    }
    for (i, good) in [
        PAGE_NOACCESS,
        PAGE_READONLY,
        PAGE_READWRITE,
        PAGE_EXECUTE,
        PAGE_EXECUTE_READ,
        PAGE_EXECUTE_READWRITE,
    ]
    .into_iter()
    .enumerate()
    {
        let p = m.virtual_alloc(0, 0x1000, MEM_COMMIT, good);
        assert_eq!(p, BASE + i as u64 * 0x1_0000, "protection {good:#x}");
        assert_eq!(region(&mut m, p), (0x1000, MEM_COMMIT, good));
    }
}

// Reference 3.1 rule 7: a non-NULL address below 0x10000 fails with 87; 0x10000 works.
#[test]
fn alloc_rule7_address_below_64k_fails() {
    let mut m = machine();
    alloc_fails(&mut m, 0x1000, 0x1000, MEM_RESERVE, PAGE_READWRITE, 87);
    alloc_fails(
        &mut m,
        0xFFFF,
        0x1000,
        MEM_RESERVE | MEM_COMMIT,
        PAGE_READWRITE,
        87,
    );
    assert_eq!(
        m.virtual_alloc(0x1_0000, 0x1000, MEM_RESERVE, PAGE_READWRITE),
        0x1_0000
    );
    assert_eq!(query(&mut m, 0x1_0000).State, MEM_RESERVE);
}

// Reference 3.1 rule 7: an address or address+size beyond the user range fails with 87,
// including kernel addresses and sizes near 2^64 (no overflow).
#[test]
fn alloc_rule7_beyond_user_range_fails() {
    let mut m = machine();
    let all = MEM_RESERVE | MEM_COMMIT;
    alloc_fails(
        &mut m,
        0xFFFF_8000_0000_0000,
        0x1000,
        all,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(
        &mut m,
        0x8000_0000_0000,
        0x1000,
        MEM_RESERVE,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(&mut m, USER_END, 0x1000, MEM_RESERVE, PAGE_READWRITE, 87);
    alloc_fails(
        &mut m,
        USER_END - 0x1_0000,
        0x1_0001,
        MEM_RESERVE,
        PAGE_READWRITE,
        87,
    );
    alloc_fails(&mut m, BASE, u64::MAX, MEM_RESERVE, PAGE_READWRITE, 87);
    alloc_fails(&mut m, BASE, 1 << 63, MEM_RESERVE, PAGE_READWRITE, 87);
    alloc_fails(&mut m, 0, u64::MAX, MEM_RESERVE, PAGE_READWRITE, 87);
    alloc_fails(&mut m, 0, 1 << 63, MEM_COMMIT, PAGE_READWRITE, 87);
    alloc_fails(&mut m, 0, u64::MAX - 0xFFE, MEM_RESERVE, PAGE_READWRITE, 87);
    alloc_fails(&mut m, u64::MAX, 2, MEM_RESERVE, PAGE_READWRITE, 87);
    // The last 64 KB granule below the top is allocatable, exactly.
    let top = USER_END - 0x1_0000;
    assert_eq!(
        m.virtual_alloc(top, 0x1_0000, MEM_RESERVE, PAGE_READWRITE),
        top
    );
}

// Reference 3.1: the parameter checks run before any address check — a bad protection on
// an overlapping address is 87, not 487.
#[test]
fn alloc_validation_runs_before_address_checks() {
    let (mut m, p) = with_alloc(0x1000, MEM_RESERVE, PAGE_READWRITE);
    alloc_fails(&mut m, p, 0x1000, MEM_RESERVE, PAGE_WRITECOPY, 87);
    alloc_fails(&mut m, p, 0x1000, MEM_RESERVE, PAGE_READWRITE, 487);
}

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
    // Exactly the space above the base fits.
    assert_eq!(
        m.virtual_alloc(0, USER_END - BASE, MEM_RESERVE, PAGE_READWRITE),
        BASE
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
    assert_eq!(limit, 48);
    let p = m.virtual_alloc(0, 0x10_0000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(
        m.virtual_alloc(p, 40 * 0x1000, MEM_COMMIT, PAGE_READWRITE),
        p
    );
    alloc_fails(&mut m, p, 49 * 0x1000, MEM_COMMIT, PAGE_READWRITE, 1455);
    // Recommitting the 40 pages plus 8 new ones reaches the limit exactly.
    assert_eq!(
        m.virtual_alloc(p, 48 * 0x1000, MEM_COMMIT, PAGE_READWRITE),
        p
    );
    assert_eq!(m.commit_charge(), 48);
    alloc_fails(&mut m, 0, 0x1000, MEM_COMMIT, PAGE_READWRITE, 1455);
    // A reserve needs no commit and still works.
    assert_ne!(m.virtual_alloc(0, 0x1000, MEM_RESERVE, PAGE_READWRITE), 0);
}

// Reference 3.3, 8.6: reserve+commit over the limit makes no allocation at all.
#[test]
fn reserve_commit_over_limit_makes_nothing() {
    let mut m = machine();
    alloc_fails(&mut m, 0, 49 * 0x1000, MEM_COMMIT, PAGE_READWRITE, 1455);
    alloc_fails(
        &mut m,
        BASE,
        49 * 0x1000,
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

// Reference 3.4: MEM_RESET_UNDO after MEM_RESET succeeds (PageLab never discards reset data).
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

// ---------------------------------------------------------------------------------------
// 6 VirtualQuery
// ---------------------------------------------------------------------------------------

// Reference 6: an address above the highest user address fails with 87.
#[test]
fn query_above_user_range_fails_87() {
    let mut m = machine();
    for va in [
        0x7FFF_FFFF_0000,
        0x8000_0000_0000,
        0xFFFF_8000_0000_0000,
        u64::MAX,
    ] {
        assert_eq!(m.virtual_query(va, MBI_SIZE), None, "{va:#x}");
        assert_eq!(m.last_error(), 87);
    }
    assert!(m.virtual_query(0x7FFF_FFFE_FFFF, MBI_SIZE).is_some());
}

// Reference 6: a buffer shorter than 48 bytes fails with ERROR_BAD_LENGTH (24).
#[test]
fn query_short_buffer_fails_24() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(m.virtual_query(p, 47), None);
    assert_eq!(m.last_error(), 24);
    assert_eq!(m.virtual_query(p, 0), None);
    assert_eq!(m.last_error(), 24);
    m.set_last_error(SENTINEL);
    assert!(m.virtual_query(p, 48).is_some());
    assert!(m.virtual_query(p, 1000).is_some());
    assert_eq!(m.last_error(), SENTINEL);
}

// Reference 6, 10.1: free pages report AllocationBase 0, AllocationProtect 0,
// Protect PAGE_NOACCESS, Type 0; the free region extends to the next allocation (MS-VQ).
#[test]
fn query_free_region_fields_and_extent() {
    let mut m = machine();
    let p = m.virtual_alloc(BASE + 0x400_0000, 0x1000, MEM_RESERVE, PAGE_READWRITE);
    let q = query(&mut m, BASE + 0x100_0123);
    assert_eq!(q.BaseAddress, BASE + 0x100_0000);
    assert_eq!(q.AllocationBase, 0);
    assert_eq!(q.AllocationProtect, 0);
    assert_eq!(q.RegionSize, p - (BASE + 0x100_0000));
    assert_eq!(q.State, MEM_FREE);
    assert_eq!(q.Protect, PAGE_NOACCESS);
    assert_eq!(q.Type, 0);
    // The unusable tail after the allocation belongs to the free region that follows it.
    let q = query(&mut m, p + 0x1000);
    assert_eq!(q.State, MEM_FREE);
    // The last hole runs to the end of the allocatable user range.
    assert_eq!(q.RegionSize, USER_END - (p + 0x1000));
}

// Reference 6: reserved pages report Protect 0, with the allocation's base and protection.
#[test]
fn query_reserved_pages_report_protect_zero() {
    let (mut m, p) = with_alloc(0x3000, MEM_RESERVE, PAGE_EXECUTE_READWRITE);
    let q = query(&mut m, p + 0x1800);
    assert_eq!(q.BaseAddress, p + 0x1000);
    assert_eq!(q.AllocationBase, p);
    assert_eq!(q.AllocationProtect, PAGE_EXECUTE_READWRITE);
    assert_eq!((q.RegionSize, q.State, q.Protect), (0x2000, MEM_RESERVE, 0));
    assert_eq!(q.Type, MEM_PRIVATE);
}

// Reference 6: a region never crosses an allocation boundary, even when the neighbour has
// the same attributes.
#[test]
fn query_region_stops_at_allocation_boundary() {
    let mut m = machine();
    let a = m.virtual_alloc(0, 0x1_0000, MEM_COMMIT, PAGE_READWRITE);
    let b = m.virtual_alloc(0, 0x1_0000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(b, a + 0x1_0000);
    assert_eq!(region(&mut m, a), (0x1_0000, MEM_COMMIT, PAGE_READWRITE));
    assert_eq!(query(&mut m, b).AllocationBase, b);
    assert_eq!(regions(&m).len(), 2);
}

// Reference 6: the full protection, modifiers included, splits regions.
#[test]
fn query_splits_on_modifiers() {
    let (mut m, p) = with_alloc(0x3000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(
        m.virtual_alloc(p + 0x1000, 0x1000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD),
        p + 0x1000
    );
    assert_eq!(region(&mut m, p), (0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_eq!(region(&mut m, p + 0x1000), (0x1000, MEM_COMMIT, 0x104));
    assert_eq!(
        region(&mut m, p + 0x2000),
        (0x1000, MEM_COMMIT, PAGE_READWRITE)
    );
}

// ---------------------------------------------------------------------------------------
// 8.6 Commit charge
// ---------------------------------------------------------------------------------------

// Reference 8.6: reserving costs nothing; commit charges at commit time; protection changes
// don't; decommit and release return it; every change is a CommitCharge event.
#[test]
fn commit_charge_lifecycle_with_events() {
    let mut m = machine();
    let p = m.virtual_alloc(0, 0x1_0000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(m.commit_charge(), 0);
    assert_eq!(m.virtual_alloc(p, 0x4000, MEM_COMMIT, PAGE_READWRITE), p);
    assert_eq!(m.commit_charge(), 4);
    assert_eq!(
        m.virtual_protect(p, 0x1000, PAGE_NOACCESS, true),
        Some(PAGE_READWRITE)
    );
    assert_eq!(m.commit_charge(), 4);
    assert!(m.virtual_free(p, 0x1000, MEM_DECOMMIT));
    assert_eq!(m.commit_charge(), 3);
    assert!(m.virtual_free(p, 0, MEM_RELEASE));
    assert_eq!(m.commit_charge(), 0);
    let charges: Vec<(u64, u64, u64)> = m
        .history()
        .steps()
        .iter()
        .flat_map(|s| s.events.iter())
        .filter_map(|e| match e {
            Event::CommitCharge { old, new, limit } => Some((*old, *new, *limit)),
            _ => None,
        })
        .collect();
    assert_eq!(charges, vec![(0, 4, 48), (4, 3, 48), (3, 0, 48)]);
    assert_eq!(m.picture().commit.charge, 0);
}

// ---------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------

// Every call is one step: Call first, Return last (value and last error), a narration that
// names the error on failure.
#[test]
fn each_call_is_a_step_with_call_return_and_narration() {
    let mut m = machine();
    let p = m.virtual_alloc(0, 8, MEM_COMMIT, PAGE_READWRITE);
    assert!(!m.virtual_free(p, 8, MEM_RELEASE));
    let steps = m.history().steps();
    assert_eq!(steps.len(), 2);
    let first = &steps[0];
    assert_eq!(
        first.events.first(),
        Some(&Event::Call {
            name: "VirtualAlloc".into(),
            args: vec![0, 8, MEM_COMMIT as u64, PAGE_READWRITE as u64]
        })
    );
    assert_eq!(
        first.events.last(),
        Some(&Event::Return {
            value: p,
            last_error: SENTINEL
        })
    );
    assert!(first.events.iter().any(|e| matches!(
        e,
        Event::RegionChange { base, size: 0x1000, state: MEM_COMMIT, protect: PAGE_READWRITE } if *base == p
    )));
    assert!(
        first.narration.contains("0x23456700000"),
        "{}",
        first.narration
    );
    assert!(
        first
            .narration
            .contains("commit charge rises from 0 to 1 page of 48"),
        "{}",
        first.narration
    );
    let second = &steps[1];
    assert_eq!(
        second.events.last(),
        Some(&Event::Return {
            value: 0,
            last_error: 87
        })
    );
    assert!(
        second.narration.contains("ERROR_INVALID_PARAMETER (87)"),
        "{}",
        second.narration
    );
    assert!(
        second.narration.contains("MEM_RELEASE needs dwSize 0"),
        "{}",
        second.narration
    );
    // The picture after the first step shows the committed region.
    let pic = m.history().picture_after(0).expect("picture");
    assert_eq!(pic.regions.len(), 1);
    assert_eq!(pic.commit.charge, 1);
}
