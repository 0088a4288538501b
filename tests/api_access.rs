//! One scenario test per rule of reference §7 (access semantics): read, write and execute
//! on every page state and private protection, with and without PAGE_GUARD; DEP; the
//! exception parameters; kernel-space and non-canonical addresses; exception names.
//!
//! Every test checks the exception (code and information), that `GetLastError()` is not
//! touched by an exception, and the `VirtualQuery` fields the access affects.
//!
//! An access that spans pages moves its bytes in order, page by page, like a `rep movsb`
//! copy: when it faults on a later page, the bytes on the pages before were already moved
//! (x86 completes every iteration before the faulting one), and the exception names the
//! first byte that faults — the first byte of the bad page.

mod common;

use common::*;
use pagelab::sim::addr::Vpn;
use pagelab::sim::api::MemoryBasicInformation;
use pagelab::sim::consts::*;
use pagelab::sim::{ExceptionRecord, Machine, Pte};

/// The kinds of access of reference §7 with their `ExceptionInformation[0]`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Read,
    Write,
    Execute,
}

const KINDS: [Kind; 3] = [Kind::Read, Kind::Write, Kind::Execute];

impl Kind {
    fn info(self) -> u64 {
        match self {
            Kind::Read => 0,
            Kind::Write => 1,
            Kind::Execute => 8,
        }
    }
}

/// Perform one access of `kind` at `va` (a 1-byte read, a 1-byte write of 0x77, a fetch).
fn touch(m: &mut Machine, kind: Kind, va: u64) -> Result<(), ExceptionRecord> {
    match kind {
        Kind::Read => {
            let mut b = [0xEE];
            m.read(va, &mut b)
        }
        Kind::Write => m.write(va, &[0x77]),
        Kind::Execute => m.execute(va),
    }
}

fn av(kind: Kind, va: u64) -> ExceptionRecord {
    common::av(kind.info(), va)
}

fn guard(kind: Kind, va: u64) -> ExceptionRecord {
    common::guard(kind.info(), va)
}

fn byte(m: &mut Machine, va: u64) -> u8 {
    let mut b = [0xEE];
    m.read(va, &mut b).expect("the byte is readable");
    b[0]
}

/// Check the access of `kind` at `va` gives `expected`, leaves the last error alone and
/// leaves the `VirtualQuery` answer for `va` as it was (reference §7: an access, or an
/// access violation, changes no region attribute).
fn check(m: &mut Machine, kind: Kind, va: u64, expected: Result<(), ExceptionRecord>) {
    let before: MemoryBasicInformation = query(m, va);
    assert_eq!(touch(m, kind, va), expected, "{kind:?} at {va:#x}");
    assert_eq!(
        m.last_error(),
        SENTINEL,
        "{kind:?}: the last error is untouched"
    );
    assert_eq!(query(m, va), before, "{kind:?}: VirtualQuery unchanged");
    check_picture(m);
}

/// A machine with a 64 KB reservation whose first page is committed with `protect`.
fn one_page(protect: u32) -> (Machine, u64) {
    let (mut m, p) = with_alloc(0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_COMMIT, protect), p);
    (m, p)
}

/// The page is committed with `protect` and `allowed` says which kinds succeed: each
/// allowed access works (a write stores its byte), each other one is an access violation.
/// Every access starts on a fresh, never-touched page (demand-zero first, reference §7).
fn protection_row(protect: u32, allowed: [bool; 3]) {
    for (kind, ok) in KINDS.into_iter().zip(allowed) {
        let (mut m, p) = one_page(protect);
        let va = p + 0x123;
        let expected = if ok { Ok(()) } else { Err(av(kind, va)) };
        check(&mut m, kind, va, expected);
        let q = query(&mut m, p);
        assert_eq!(
            (q.State, q.Protect, q.RegionSize),
            (MEM_COMMIT, protect, 0x1000)
        );
        // The stored byte is visible through a readable protection.
        if kind == Kind::Write && ok {
            assert_eq!(byte(&mut m, va), 0x77);
        }
        if kind == Kind::Write && !ok && allowed[0] {
            assert_eq!(byte(&mut m, va), 0, "the refused write stored nothing");
        }
    }
}

/// The page is committed with `protect | PAGE_GUARD`: the first access of any kind raises
/// STATUS_GUARD_PAGE_VIOLATION [kind, address], is not performed, and disarms the guard
/// (Protect loses PAGE_GUARD, the regions merge, AllocationProtect is unchanged); then the
/// same access follows `protect` (reference §6, §7, MS-GUARD; W-K32 test_guard_page).
fn guard_row(protect: u32, allowed: [bool; 3]) {
    for (kind, ok) in KINDS.into_iter().zip(allowed) {
        let (mut m, p) = with_alloc(0x2000, MEM_COMMIT, protect);
        assert_eq!(
            m.virtual_protect(p, 0x1000, protect | PAGE_GUARD, true),
            Some(protect)
        );
        assert_eq!(
            region(&mut m, p),
            (0x1000, MEM_COMMIT, protect | PAGE_GUARD)
        );
        let va = p + 0x40;
        assert_eq!(touch(&mut m, kind, va), Err(guard(kind, va)), "{kind:?}");
        assert_eq!(m.last_error(), SENTINEL);
        let q = query(&mut m, p);
        assert_eq!(
            (q.State, q.Protect, q.RegionSize, q.AllocationProtect),
            (MEM_COMMIT, protect, 0x2000, protect),
            "{kind:?}: the guard is gone and the regions merge"
        );
        // The access was not performed: no frame was given to the page.
        assert_eq!(
            m.picture()
                .ptes
                .get(&Vpn::of(p).0)
                .copied()
                .unwrap_or(Pte::Empty),
            Pte::Empty,
            "{kind:?}: nothing was touched"
        );
        // The second access follows the underlying protection.
        let expected = if ok { Ok(()) } else { Err(av(kind, va)) };
        check(&mut m, kind, va, expected);
        assert_eq!(
            m.picture().counters.guard,
            1,
            "{kind:?}: one guard exception"
        );
        if allowed[0] {
            let stored = if kind == Kind::Write && ok { 0x77 } else { 0 };
            assert_eq!(byte(&mut m, va), stored, "{kind:?}");
        }
    }
}

// §7 FREE: read, write and execute are all access violations [kind, address].
#[test]
fn free_page_read_write_execute_raise_access_violation() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READWRITE);
    // The rest of the 64 KB granule is free but unusable; a page further on is plain free.
    for va in [p + 0x1000, p + 0x10_0000, 0x1_0000, 0x7FFF_FFFE_FFFF] {
        assert_eq!(query(&mut m, va).State, MEM_FREE);
        for kind in KINDS {
            check(&mut m, kind, va, Err(av(kind, va)));
        }
    }
    // The NULL page too.
    check(&mut m, Kind::Read, 0, Err(av(Kind::Read, 0)));
    check(&mut m, Kind::Write, 8, Err(av(Kind::Write, 8)));
    // The top 64 KB of the user half is never allocatable (reference §2); VirtualQuery
    // refuses it (87), and an access there is an access violation like any free page.
    let top = 0x7FFF_FFFF_FFFF;
    for kind in KINDS {
        assert_eq!(touch(&mut m, kind, top), Err(av(kind, top)));
    }
    assert_eq!(m.last_error(), SENTINEL);
}

// §7 RESERVED (not committed): read, write and execute are access violations.
#[test]
fn reserved_page_read_write_execute_raise_access_violation() {
    let (mut m, p) = one_page(PAGE_EXECUTE_READWRITE);
    let va = p + 0x1FFF;
    assert_eq!(region(&mut m, va), (0xF000, MEM_RESERVE, 0));
    for kind in KINDS {
        check(&mut m, kind, va, Err(av(kind, va)));
    }
    // Decommitted pages are reserved again and fault the same way (§4.3).
    check(&mut m, Kind::Write, p, Ok(()));
    assert!(m.virtual_free(p, 0x1000, MEM_DECOMMIT));
    for kind in KINDS {
        check(&mut m, kind, p + 4, Err(av(kind, p + 4)));
    }
}

// §7 COMMITTED, never touched: a demand-zero fault gives a zeroed frame and the read
// returns 0; a write succeeds when the protection allows it; VirtualQuery is unchanged.
#[test]
fn committed_never_touched_page_is_demand_zero_then_protection_decides() {
    let (mut m, p) = with_alloc(0x3000, MEM_COMMIT, PAGE_READWRITE);
    let before = m.picture().counters.demand_zero;
    check(&mut m, Kind::Read, p + 0x10, Ok(()));
    assert_eq!(
        m.picture().counters.demand_zero,
        before + 1,
        "one demand-zero fault"
    );
    let mut buf = [0xEE; 64];
    m.read(p, &mut buf).expect("read");
    assert_eq!(buf, [0; 64], "a never-touched page reads zero");
    check(&mut m, Kind::Write, p + 0x1008, Ok(()));
    assert_eq!(byte(&mut m, p + 0x1008), 0x77);
    assert_eq!(byte(&mut m, p + 0x1009), 0, "the rest of the page is zero");
    // A read-only page: demand-zero for the read, access violation for the write.
    assert!(m
        .virtual_protect(p + 0x2000, 1, PAGE_READONLY, true)
        .is_some());
    check(
        &mut m,
        Kind::Write,
        p + 0x2000,
        Err(av(Kind::Write, p + 0x2000)),
    );
    check(&mut m, Kind::Read, p + 0x2000, Ok(()));
    assert_eq!(byte(&mut m, p + 0x2000), 0);
    assert_eq!(query(&mut m, p).RegionSize, 0x2000);
}

// §7 PAGE_NOACCESS: read, write and execute are access violations.
#[test]
fn noaccess_page_refuses_everything() {
    protection_row(PAGE_NOACCESS, [false, false, false]);
}

// §7 PAGE_READONLY: read ok, write AV [1, address], execute AV with DEP [8, address].
#[test]
fn readonly_page_reads_only() {
    protection_row(PAGE_READONLY, [true, false, false]);
}

// §7 PAGE_READWRITE: read and write ok (the write sets the dirty bit), execute is DEP.
// §8.2: a demand-zero page is born modified, its writable PTE dirty from the first read.
#[test]
fn readwrite_page_reads_and_writes_and_sets_the_dirty_bit() {
    protection_row(PAGE_READWRITE, [true, true, false]);
    let (mut m, p) = one_page(PAGE_READWRITE);
    check(&mut m, Kind::Read, p, Ok(()));
    let dirty = |m: &Machine| match m.picture().ptes.get(&Vpn::of(p).0) {
        Some(Pte::Valid { dirty, .. }) => *dirty,
        other => panic!("page not valid: {other:?}"),
    };
    assert!(dirty(&m), "a demand-zero page is born modified");
    // Saved to the page file and read back, the page is clean until written.
    m.page_out(p, 1);
    m.write_modified_pages();
    check(&mut m, Kind::Read, p, Ok(()));
    assert!(!dirty(&m), "a read of a saved page leaves it clean");
    check(&mut m, Kind::Write, p, Ok(()));
    assert!(dirty(&m), "a write sets the dirty bit");
}

// §7 PAGE_EXECUTE: x86 cannot express execute-only, so reads succeed; writes are AV.
#[test]
fn execute_page_allows_reads() {
    protection_row(PAGE_EXECUTE, [true, false, true]);
}

// §7 PAGE_EXECUTE_READ: read and execute ok, write AV.
#[test]
fn execute_read_page_reads_and_executes() {
    protection_row(PAGE_EXECUTE_READ, [true, false, true]);
}

// §7 PAGE_EXECUTE_READWRITE: everything is allowed.
#[test]
fn execute_readwrite_page_allows_everything() {
    protection_row(PAGE_EXECUTE_READWRITE, [true, true, true]);
}

// §7 any + PAGE_GUARD, for PAGE_READONLY.
#[test]
fn readonly_guard_page_fires_once_then_reads_only() {
    guard_row(PAGE_READONLY, [true, false, false]);
}

// §7 any + PAGE_GUARD, for PAGE_READWRITE.
#[test]
fn readwrite_guard_page_fires_once_then_reads_and_writes() {
    guard_row(PAGE_READWRITE, [true, true, false]);
}

// §7 any + PAGE_GUARD, for PAGE_EXECUTE (the guard fires on execute too).
#[test]
fn execute_guard_page_fires_once_then_reads_and_executes() {
    guard_row(PAGE_EXECUTE, [true, false, true]);
}

// §7 any + PAGE_GUARD, for PAGE_EXECUTE_READ.
#[test]
fn execute_read_guard_page_fires_once_then_reads_and_executes() {
    guard_row(PAGE_EXECUTE_READ, [true, false, true]);
}

// §7 any + PAGE_GUARD, for PAGE_EXECUTE_READWRITE.
#[test]
fn execute_readwrite_guard_page_fires_once_then_allows_everything() {
    guard_row(PAGE_EXECUTE_READWRITE, [true, true, true]);
}

// §7 / §3.1 rule 6: PAGE_NOACCESS cannot carry PAGE_GUARD, so there is no such page to
// touch: both VirtualAlloc and VirtualProtect refuse the combination with 87.
#[test]
fn noaccess_guard_page_cannot_exist() {
    let (mut m, p) = one_page(PAGE_NOACCESS);
    alloc_fails(
        &mut m,
        0,
        0x1000,
        MEM_COMMIT,
        PAGE_NOACCESS | PAGE_GUARD,
        87,
    );
    protect_fails(&mut m, p, 0x1000, PAGE_NOACCESS | PAGE_GUARD, true, 87);
    m.set_last_error(SENTINEL);
    check(&mut m, Kind::Read, p, Err(av(Kind::Read, p)));
}

// §7 PAGE_GUARD on an allocation made with it: AllocationProtect keeps the guard bit
// after it fired (W-K32 test_guard_page: 0x104), and each page has its own guard.
#[test]
fn guard_allocation_pages_fire_one_by_one() {
    let (mut m, p) = with_alloc(0x2000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    assert_eq!(
        touch(&mut m, Kind::Write, p + 0x1000),
        Err(guard(Kind::Write, p + 0x1000))
    );
    let q = query(&mut m, p);
    assert_eq!(
        (q.Protect, q.RegionSize, q.AllocationProtect),
        (0x104, 0x1000, 0x104)
    );
    let q = query(&mut m, p + 0x1000);
    assert_eq!(
        (q.Protect, q.RegionSize, q.AllocationProtect),
        (0x04, 0x1000, 0x104)
    );
    assert_eq!(touch(&mut m, Kind::Read, p), Err(guard(Kind::Read, p)));
    assert_eq!(region(&mut m, p), (0x2000, MEM_COMMIT, PAGE_READWRITE));
    assert_eq!(query(&mut m, p).AllocationProtect, 0x104);
    check(&mut m, Kind::Write, p + 0x1000, Ok(()));
    check(&mut m, Kind::Read, p, Ok(()));
    assert_eq!(m.picture().counters.guard, 2);
}

// §7 DEP: executing a page without execute permission is an access violation with
// information [8, address] — also for pages that are resident and cached in the TLB.
#[test]
fn dep_execute_of_non_executable_page_gives_info_8() {
    for protect in [PAGE_READONLY, PAGE_READWRITE, PAGE_NOACCESS] {
        let (mut m, p) = one_page(protect);
        let va = p + 0x10;
        check(&mut m, Kind::Execute, va, Err(av(Kind::Execute, va)));
    }
    let (mut m, p) = one_page(PAGE_READWRITE);
    check(&mut m, Kind::Write, p, Ok(()));
    check(&mut m, Kind::Read, p, Ok(()));
    let tlb = m.picture().tlb;
    assert!(tlb.iter().flatten().any(|e| e.vpn == Vpn::of(p)), "cached");
    check(&mut m, Kind::Execute, p + 1, Err(av(Kind::Execute, p + 1)));
    // A DEP fault on reserved and free memory is also info 8 (an instruction fetch).
    check(
        &mut m,
        Kind::Execute,
        p + 0x1000,
        Err(av(Kind::Execute, p + 0x1000)),
    );
}

// §7 access-violation parameters: [0|1|8, faulting address], where the faulting address
// is the first byte that faults. A write of 8 bytes that starts 4 bytes before the end of
// a committed page and runs into a reserved page faults at the reserved page's first byte,
// and the 4 bytes on the good page are written (as a `rep movsb` copy would).
#[test]
fn access_violation_names_the_first_faulting_byte() {
    let (mut m, p) = one_page(PAGE_READWRITE);
    let start = p + 0xFFC;
    let before = query(&mut m, p + 0x1000);
    assert_eq!(
        m.write(start, b"ABCDEFGH"),
        Err(av(Kind::Write, p + 0x1000))
    );
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(query(&mut m, p + 0x1000), before);
    let mut head = [0u8; 4];
    m.read(start, &mut head).expect("the good page");
    assert_eq!(&head, b"ABCD", "the bytes before the fault were written");
    // A read crossing the same boundary faults at the same byte, with info 0.
    let mut buf = [0u8; 8];
    assert_eq!(m.read(start, &mut buf), Err(av(Kind::Read, p + 0x1000)));
    assert_eq!(&buf[..4], b"ABCD", "the bytes before the fault were read");
    // A write starting in the middle of a read-only page faults at its own first byte.
    assert!(m.virtual_protect(p, 1, PAGE_READONLY, true).is_some());
    assert_eq!(m.write(p + 0x123, b"xy"), Err(av(Kind::Write, p + 0x123)));
    // A write running from a good page into a guard page: the guard exception names the
    // guard page's first byte, the good bytes are written, and the retry completes.
    let (mut m, q) = with_alloc(0x2000, MEM_COMMIT, PAGE_READWRITE);
    assert!(m
        .virtual_protect(q + 0x1000, 1, PAGE_READWRITE | PAGE_GUARD, true)
        .is_some());
    assert_eq!(
        m.write(q + 0xFFE, b"1234"),
        Err(guard(Kind::Write, q + 0x1000))
    );
    let mut b = [0u8; 4];
    m.read(q + 0xFFE, &mut b).expect("retry read");
    assert_eq!(&b, b"12\0\0", "only the good page was written");
    m.write(q + 0xFFE, b"1234").expect("the retry succeeds");
    m.read(q + 0xFFE, &mut b).expect("read back");
    assert_eq!(&b, b"1234");
    check_picture(&m);
}

// §2, §7: the upper canonical half belongs to the kernel. A user-mode access there is an
// access violation [kind, address]; nothing panics and nothing changes.
#[test]
fn kernel_space_access_is_an_access_violation() {
    let (mut m, _) = one_page(PAGE_READWRITE);
    let before = m.picture();
    for va in [0xFFFF_8000_0000_0000u64, 0xFFFF_F780_0000_0000, u64::MAX] {
        for kind in KINDS {
            assert_eq!(
                touch(&mut m, kind, va),
                Err(av(kind, va)),
                "{kind:?} {va:#x}"
            );
        }
        // VirtualQuery refuses an address above the user range with 87 (reference §6).
        assert_eq!(m.virtual_query(va, MBI_SIZE), None);
        assert_eq!(m.last_error(), 87);
        m.set_last_error(SENTINEL);
    }
    // A read that would wrap around the top of the address space stops at its first byte.
    let mut buf = [0u8; 16];
    assert_eq!(
        m.read(u64::MAX - 3, &mut buf),
        Err(av(Kind::Read, u64::MAX - 3))
    );
    let after = m.picture();
    assert_eq!(after.regions, before.regions);
    assert_eq!(after.frames, before.frames);
    assert_eq!(after.ptes, before.ptes);
    check_picture(&m);
}

// §2 (SDM): a non-canonical address raises #GP, which has no faulting address. Windows
// reports an access violation with information [0, 0xFFFFFFFFFFFFFFFF] for any access
// kind (Wine's x86-64 trap handler mirrors this).
#[test]
fn non_canonical_access_is_an_access_violation_without_address() {
    let (mut m, p) = one_page(PAGE_READWRITE);
    for va in [
        0x8000_0000_0000u64,
        0x0001_0000_0000_0000,
        0x7FFF_0000_0000_0000,
    ] {
        for kind in KINDS {
            let e = touch(&mut m, kind, va).expect_err("non-canonical");
            assert_eq!(e.code, STATUS_ACCESS_VIOLATION);
            assert_eq!(e.info, [0, u64::MAX], "{kind:?} {va:#x}");
            assert_eq!(m.last_error(), SENTINEL);
        }
    }
    assert_eq!(m.picture().counters.access_violation, 9);
    // The machine still works.
    check(&mut m, Kind::Write, p, Ok(()));
}

// §7, MS-EXC: the exception records carry the NTSTATUS code, its name and two parameters.
#[test]
fn exception_record_names() {
    let (mut m, p) = with_alloc(0x1000, MEM_COMMIT, PAGE_READONLY | PAGE_GUARD);
    let g = touch(&mut m, Kind::Read, p).expect_err("guard");
    assert_eq!(
        (g.code, g.name()),
        (0x8000_0001, "STATUS_GUARD_PAGE_VIOLATION")
    );
    let a = touch(&mut m, Kind::Write, p).expect_err("read-only");
    assert_eq!((a.code, a.name()), (0xC000_0005, "STATUS_ACCESS_VIOLATION"));
    assert_eq!(a.info.len(), 2);
    let io = ExceptionRecord {
        code: STATUS_IN_PAGE_ERROR,
        info: [0, p],
    };
    assert_eq!(io.name(), "STATUS_IN_PAGE_ERROR");
    // The step that raised the exception records it by name, with both parameters.
    let steps = m.history().steps();
    let raised: Vec<_> = steps
        .iter()
        .flat_map(|s| s.events.iter())
        .filter_map(|e| match e {
            pagelab::sim::Event::Exception { code, name, info } => {
                Some((*code, name.clone(), info.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        raised,
        vec![
            (
                0x8000_0001,
                "STATUS_GUARD_PAGE_VIOLATION".to_string(),
                vec![0, p]
            ),
            (
                0xC000_0005,
                "STATUS_ACCESS_VIOLATION".to_string(),
                vec![1, p]
            ),
        ]
    );
}
