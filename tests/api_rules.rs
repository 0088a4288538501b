//! Scenarios for the `VirtualAlloc` parameter rules of reference §3.1 (see api_alloc.rs for §3.2–§3.4).
//! Each test is named after its rule, cites the reference section, and checks the return
//! value, `GetLastError()` and the `VirtualQuery` fields the rule affects.

mod common;

use common::*;
use pagelab::sim::consts::*;

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
