//! One scenario per rule of reference sections 3–6 and 8.6: each checks the return value,
//! `GetLastError()` and the `VirtualQuery` fields the rule affects.

use pagelab::sim::api::MemoryBasicInformation;
use pagelab::sim::consts::*;
use pagelab::sim::{Config, Machine};

const BASE: u64 = 0x234_5670_0000;

fn machine() -> Machine {
    Machine::new(Config::default())
}

fn query(m: &mut Machine, va: u64) -> MemoryBasicInformation {
    m.virtual_query(va, MBI_SIZE)
        .unwrap_or_else(|| panic!("VirtualQuery({va:#x}) failed with {}", m.last_error()))
}

// Reference §3.2: MEM_COMMIT with NULL reserves and commits a new allocation at a 64 KB
// boundary; the size is rounded up to whole pages.
#[test]
fn commit_with_null_reserves_and_commits_rounded_pages() {
    let mut m = machine();
    let p = m.virtual_alloc(0, 8, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(p, BASE);
    assert_eq!(m.last_error(), 0);
    let q = query(&mut m, p);
    assert_eq!(q.BaseAddress, p);
    assert_eq!(q.AllocationBase, p);
    assert_eq!(q.AllocationProtect, PAGE_READWRITE);
    assert_eq!(q.RegionSize, 0x1000);
    assert_eq!(q.State, MEM_COMMIT);
    assert_eq!(q.Protect, PAGE_READWRITE);
    assert_eq!(q.Type, MEM_PRIVATE);
    assert_eq!(m.commit_charge(), 1);
}

// Reference §3.3, §6 (W-K32): reserve 0xFFFC, commit the first page → two regions.
#[test]
fn reserve_then_commit_first_page_gives_two_regions() {
    let mut m = machine();
    let p = m.virtual_alloc(0, 0xFFFC, MEM_RESERVE, PAGE_NOACCESS);
    assert_eq!(p, BASE);
    assert_eq!(m.commit_charge(), 0);
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE), p);
    let q = query(&mut m, p);
    assert_eq!(
        (q.RegionSize, q.State, q.Protect),
        (0x1000, MEM_COMMIT, PAGE_READWRITE)
    );
    assert_eq!(q.AllocationProtect, PAGE_NOACCESS);
    let q = query(&mut m, p + 0x1000);
    assert_eq!((q.RegionSize, q.State, q.Protect), (0xF000, MEM_RESERVE, 0));
    assert_eq!(q.AllocationBase, p);
    assert_eq!(m.commit_charge(), 1);
}
