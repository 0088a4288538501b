//! Helpers shared by the scenario tests: machines, failing calls, exception records, the
//! picture-consistency and working-set checks, and golden files.
#![allow(dead_code)]

pub mod paging;
pub mod sharing;

use std::path::Path;

use pagelab::sim::addr::{Pfn, Vpn};
use pagelab::sim::api::MemoryBasicInformation;
use pagelab::sim::consts::*;
use pagelab::sim::picture::{Picture, RegionView};
use pagelab::sim::{Config, ExceptionRecord, FrameList, Machine, Pte};

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

/// The regions the picture shows now, but kernel32.dll's image, which every process has
/// mapped from its start (DESIGN §9) and which the tests of private memory leave alone.
pub fn regions(m: &Machine) -> Vec<RegionView> {
    let mut regions = m.picture().regions;
    regions.retain(|r| r.kind != MEM_IMAGE);
    regions
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

/// STATUS_ACCESS_VIOLATION with information [`access`, `va`] (reference §7: 0 read,
/// 1 write, 8 execute).
pub fn av(access: u64, va: u64) -> ExceptionRecord {
    ExceptionRecord {
        code: STATUS_ACCESS_VIOLATION,
        info: [access, va],
    }
}

/// STATUS_GUARD_PAGE_VIOLATION with information [`access`, `va`] (reference §7).
pub fn guard(access: u64, va: u64) -> ExceptionRecord {
    ExceptionRecord {
        code: STATUS_GUARD_PAGE_VIOLATION,
        info: [access, va],
    }
}

/// A fresh machine with one allocation of `size` bytes made by `VirtualAlloc(NULL, …)`.
pub fn with_alloc(size: u64, ty: u32, protect: u32) -> (Machine, u64) {
    let mut m = machine();
    let p = m.virtual_alloc(0, size, ty, protect);
    assert_eq!(p, BASE, "setup allocation failed with {}", m.last_error());
    (m, p)
}

/// Whether page `vpn` is committed according to the regions of `picture`.
pub fn committed_in(picture: &Picture, vpn: u64) -> bool {
    let va = vpn << 12;
    picture
        .regions
        .iter()
        .any(|r| r.state == MEM_COMMIT && r.base <= va && va - r.base < r.size)
}

/// Assert that `m.picture()` is self-consistent (reference §8.1, §8.3, §8.6): every frame
/// is on exactly one list or active; list members agree with the frames' own list; an
/// active frame is mapped by exactly one valid PTE and a standby or modified frame by
/// exactly one transition PTE; each page-file PTE owns its slot alone; TLB entries agree
/// with valid PTEs; the working set holds exactly the valid pages; only committed pages
/// have a non-empty PTE; and the commit charge equals the committed pages, within the limit.
pub fn check_picture(m: &Machine) {
    check_picture_of(&m.picture());
}

/// [`check_picture`] for a picture taken at the end of an operation.
pub fn check_picture_of(p: &Picture) {
    let n = p.frames.len();
    // Lists: no frame twice, and each member says it is on that list.
    let mut seen = vec![0u32; n];
    for (list, members) in [
        (FrameList::Zeroed, &p.lists.zeroed),
        (FrameList::Free, &p.lists.free),
        (FrameList::Standby, &p.lists.standby),
        (FrameList::Modified, &p.lists.modified),
    ] {
        for pfn in members {
            let i = pfn.0 as usize;
            assert!(i < n, "list {list:?} holds frame {i} of {n}");
            seen[i] += 1;
            assert_eq!(p.frames[i].list, list, "frame {i} on the {list:?} list");
        }
    }
    for (i, f) in p.frames.iter().enumerate() {
        let expected = u32::from(f.list != FrameList::Active);
        assert_eq!(
            seen[i], expected,
            "frame {i} ({:?}) list membership",
            f.list
        );
        match f.list {
            FrameList::Zeroed | FrameList::Free => {
                assert_eq!(f.vpn, None, "frame {i} on {:?} belongs to no page", f.list);
                assert!(!f.dirty, "frame {i} on {:?} is not dirty", f.list);
            }
            FrameList::Standby | FrameList::Modified => {
                let v = f
                    .vpn
                    .unwrap_or_else(|| panic!("frame {i} on {:?} has a page", f.list));
                assert_eq!(
                    p.ptes.get(&v.0),
                    Some(&Pte::Transition { pfn: Pfn(i as u32) }),
                    "frame {i} on {:?} and the PTE of its page",
                    f.list
                );
                assert_eq!(f.dirty, f.list == FrameList::Modified, "frame {i} dirty");
            }
            FrameList::Active => {
                let v = f
                    .vpn
                    .unwrap_or_else(|| panic!("active frame {i} has a page"));
                assert!(
                    matches!(p.ptes.get(&v.0), Some(Pte::Valid { pfn, .. }) if pfn.0 as usize == i),
                    "active frame {i} is mapped by the valid PTE of page {:#x}",
                    v.0
                );
            }
        }
    }
    // PTEs: each points back at a frame or slot that agrees, and only committed pages have one.
    let mut slot_users = vec![0u32; p.slots.len()];
    let mut valid = 0usize;
    for (&vpn, pte) in &p.ptes {
        if *pte != Pte::Empty {
            assert!(
                committed_in(p, vpn),
                "page {vpn:#x} has {pte:?} but is not committed"
            );
        }
        match *pte {
            Pte::Valid { pfn, .. } => {
                valid += 1;
                let f = &p.frames[pfn.0 as usize];
                assert_eq!((f.list, f.vpn), (FrameList::Active, Some(Vpn(vpn))));
            }
            Pte::Transition { pfn } => {
                let f = &p.frames[pfn.0 as usize];
                assert!(matches!(f.list, FrameList::Standby | FrameList::Modified));
                assert_eq!(f.vpn, Some(Vpn(vpn)));
            }
            Pte::PageFile { slot } => {
                let s = slot.0 as usize;
                assert_eq!(
                    p.slots[s].and_then(|o| o.private_vpn()),
                    Some(Vpn(vpn)),
                    "slot {s} holds page {vpn:#x}"
                );
                slot_users[s] += 1;
            }
            _ => {}
        }
    }
    assert!(
        slot_users.iter().all(|&u| u <= 1),
        "a slot serves one page-file PTE"
    );
    // Every used slot belongs to a page that still has a PTE pointing at it or at a frame.
    for (s, owner) in p.slots.iter().enumerate() {
        if let Some(v) = owner.and_then(|o| o.private_vpn()) {
            assert!(
                matches!(
                    p.ptes.get(&v.0),
                    Some(Pte::PageFile { .. } | Pte::Valid { .. } | Pte::Transition { .. })
                ),
                "slot {s} is held for page {:#x}, which has no backing PTE",
                v.0
            );
        }
    }
    // TLB entries agree with valid PTEs; no page is cached twice.
    let mut cached = Vec::new();
    for e in p.tlb.iter().flatten() {
        assert!(
            matches!(p.ptes.get(&e.vpn.0), Some(Pte::Valid { pfn, .. }) if *pfn == e.pfn),
            "TLB entry {:#x} → {} has no matching valid PTE",
            e.vpn.0,
            e.pfn.0
        );
        assert!(!cached.contains(&e.vpn), "page {:#x} cached twice", e.vpn.0);
        cached.push(e.vpn);
    }
    // The working set is exactly the valid pages. (The textbook model lets it grow past a
    // hard maximum when a changed page has nowhere to go; a soft one, reference §8.4,
    // is passed while memory is plentiful.)
    let ws = &p.working_set;
    assert_eq!(ws.pages.len(), valid, "working set = valid pages");
    for page in &ws.pages {
        assert!(matches!(p.ptes.get(&page.vpn.0), Some(Pte::Valid { .. })));
    }
    // Commit charge (reference §8.6); kernel32.dll's image charges none
    // (docs/windows-sections.md §10).
    let committed: u64 = p
        .regions
        .iter()
        .filter(|r| r.state == MEM_COMMIT && r.kind != MEM_IMAGE)
        .map(|r| r.size / 0x1000)
        .sum();
    assert_eq!(
        p.commit.charge, committed,
        "commit charge = committed pages"
    );
    assert!(
        p.commit.charge <= p.commit.limit,
        "commit charge within the limit"
    );
}

/// A soft maximum (reference §8.4) may be passed while memory is plentiful. A hard one is
/// passed only by the textbook model, and only when no page in it can leave. After an access or a page-out (`trimmed`: the engine
/// had its chance to trim back), a working set above its limit means: no free slot, no
/// resident page holding a slot copy it could give up, and so every slot is held by a page
/// not in RAM (working set + slots ≤ commit charge). Other operations never grow it.
pub fn check_working_set(m: &Machine, trimmed: bool, before: usize) -> Result<(), String> {
    let (sys, mmu) = (m.system(), &m.process().mmu);
    let ws = &mmu.ws;
    let (size, limit) = (ws.len(), ws.limit() as usize);
    if size <= limit || !ws.limits().hard {
        return Ok(());
    }
    if m.config().standby {
        return Err(format!(
            "standby model: working set {size} above its limit {limit}"
        ));
    }
    if !trimmed {
        return match size <= before {
            true => Ok(()),
            false => Err(format!(
                "working set grew to {size}, past its limit {limit}"
            )),
        };
    }
    if sys.pagefile.free_count() > 0 {
        return Err(format!("working set {size} > {limit} with a free slot"));
    }
    for &vpn in ws.pages() {
        if let Pte::Valid { pfn, .. } = mmu.tables.pte(vpn) {
            if sys.frames.get(pfn).slot.is_some() {
                return Err(format!(
                    "working set {size} > {limit} while {vpn:?} could give up its slot"
                ));
            }
        }
    }
    if size as u64 + sys.pagefile.len() as u64 > m.commit_charge() {
        return Err("working set + slots above the commit charge".into());
    }
    Ok(())
}

/// Compare `actual` with the golden file at `path`, or write it under `BLESS=1`. The error
/// names the first line that differs.
pub fn golden_file(path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("BLESS").is_some() {
        return std::fs::write(path, actual).map_err(|e| format!("{}: {e}", path.display()));
    }
    let expected = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e} (run with BLESS=1 to create it)", path.display()))?;
    if expected == actual {
        return Ok(());
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{} differs at line {} (run with BLESS=1 after checking):\nexpected: {:?}\nactual:   {:?}",
        path.display(),
        line + 1,
        expected.lines().nth(line),
        actual.lines().nth(line)
    ))
}
