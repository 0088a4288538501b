//! Helpers shared by the API scenario tests (tests/api_*.rs).
#![allow(dead_code)]

use pagelab::sim::api::MemoryBasicInformation;
use pagelab::sim::consts::*;
use pagelab::sim::picture::RegionView;
use pagelab::sim::{Config, Machine};

/// Where the first `VirtualAlloc(NULL, …)` lands (DESIGN §2).
pub const BASE: u64 = 0x234_5670_0000;
/// One past the last allocatable byte (reference §2).
pub const USER_END: u64 = 0x7FFF_FFFF_0000;
/// A last error no call sets, to see that success leaves it alone.
pub const SENTINEL: u32 = 0xABCD;

/// A default machine whose last error is [`SENTINEL`].
pub fn machine() -> Machine {
    let mut m = Machine::new(Config::default());
    m.set_last_error(SENTINEL);
    m
}

/// `VirtualQuery(va)`, which must succeed.
pub fn query(m: &mut Machine, va: u64) -> MemoryBasicInformation {
    m.virtual_query(va, MBI_SIZE)
        .unwrap_or_else(|| panic!("VirtualQuery({va:#x}) failed with {}", m.last_error()))
}

/// The regions the picture shows now.
pub fn regions(m: &Machine) -> Vec<RegionView> {
    m.picture().regions
}

/// (RegionSize, State, Protect) of the region at `va`.
pub fn region(m: &mut Machine, va: u64) -> (u64, u32, u32) {
    let q = query(m, va);
    (q.RegionSize, q.State, q.Protect)
}

/// Assert that a `VirtualAlloc` fails with `error` and changes nothing.
pub fn alloc_fails(m: &mut Machine, a: u64, s: u64, t: u32, p: u32, error: u32) {
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
pub fn free_fails(m: &mut Machine, a: u64, s: u64, t: u32, error: u32) {
    let before = (regions(m), m.commit_charge());
    assert!(
        !m.virtual_free(a, s, t),
        "VirtualFree({a:#x}, {s:#x}, {t:#x})"
    );
    assert_eq!(m.last_error(), error, "VirtualFree({a:#x}, {s:#x}, {t:#x})");
    assert_eq!((regions(m), m.commit_charge()), before, "state changed");
}

/// Assert that a `VirtualProtect` fails with `error` and changes nothing.
pub fn protect_fails(m: &mut Machine, a: u64, s: u64, p: u32, out: bool, error: u32) {
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
pub fn with_alloc(size: u64, ty: u32, protect: u32) -> (Machine, u64) {
    let mut m = machine();
    let p = m.virtual_alloc(0, size, ty, protect);
    assert_eq!(p, BASE, "setup allocation failed with {}", m.last_error());
    (m, p)
}
