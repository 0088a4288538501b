//! Scenarios for `VirtualQuery` (reference §6), the commit charge (§8.6) and the steps each call records.
//! Each test is named after its rule, cites the reference section, and checks the return
//! value, `GetLastError()` and the `VirtualQuery` fields the rule affects.

mod common;

use common::*;
use pagelab::sim::consts::*;
use pagelab::sim::system::image::KERNEL32_BASE;
use pagelab::sim::Event;

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
    // That hole runs to kernel32.dll's image (DESIGN §9), the last to the end of the
    // allocatable user range.
    assert_eq!(q.RegionSize, KERNEL32_BASE - (p + 0x1000));
    let q = query(&mut m, KERNEL32_BASE + 0x4000);
    assert_eq!((q.State, q.AllocationBase, q.Type), (MEM_FREE, 0, 0));
    assert_eq!(q.RegionSize, USER_END - (KERNEL32_BASE + 0x4000));
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
    assert_eq!(charges, vec![(0, 4, 80), (4, 3, 80), (3, 0, 80)]);
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
            .contains("commit charge rises from 0 to 1 page of 80"),
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
    let private = pic.regions.iter().filter(|r| r.kind == MEM_PRIVATE).count();
    assert_eq!(private, 1);
    assert_eq!(pic.commit.charge, 1);
}
