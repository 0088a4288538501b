//! Random mixed sequences of API calls (reserve, commit, decommit, release, protect,
//! MEM_RESET, MEM_RESET_UNDO) and accesses (read, write, execute, page-outs, the modified
//! page writer)
//! run through the whole `Machine` against a shadow model of every page's state,
//! protection and bytes. After each operation:
//! - the bytes read equal the shadow's (zeros after decommit and recommit; after
//!   MEM_RESET either the old bytes or zeros, reference §3.4);
//! - an exception happens exactly where the shadow says: on a page that is not committed,
//!   whose protection forbids the access, or whose guard is armed (reference §7), and it
//!   names the first faulting byte;
//! - every page's state and protection equal the shadow's (reference §6);
//! - the commit charge equals the shadow's committed pages and stays within the limit
//!   (reference §8.6);
//! - the picture is self-consistent (frames on exactly one list or active, TLB entries
//!   agree with valid PTEs, slots owned once; see `common::check_picture_of`);
//! - MEM_RESET_UNDO fails when a reset page was seen to lose its data, and succeeds when
//!   no reset page can have lost it;
//! - while recording, the picture of the last step is the machine as it is (every change
//!   happens inside a step);
//! - nothing panics.
//!
//! - no access to a committed page fails with STATUS_IN_PAGE_ERROR (the commit charge stays
//!   within frames + slots, so there is always a frame for it);
//! - the working set keeps to its limit, except in the textbook model when no page in it
//!   can leave (see `check_working_set`).

#[path = "../common/mod.rs"]
mod common;
mod shadow;

use common::{av, check_picture_of, check_working_set, SENTINEL};
use pagelab::sim::consts::*;
use pagelab::sim::history::Recording;
use pagelab::sim::{Config, ExceptionRecord, Machine, Policy};
use proptest::prelude::*;
use shadow::*;

#[derive(Clone, Debug)]
enum Op {
    /// `VirtualAlloc(slot base + off pages, n pages, type, protect)`.
    Alloc {
        slot: u64,
        off: u64,
        n: u64,
        ty: u32,
        protect: u32,
    },
    /// `VirtualFree(slot base + off pages, n pages, MEM_DECOMMIT)`.
    Decommit { slot: u64, off: u64, n: u64 },
    /// `VirtualFree(slot base + off pages, 0, MEM_RELEASE)`.
    Release { slot: u64, off: u64 },
    /// `VirtualProtect(slot base + off pages, n pages, protect, &old)`.
    Protect {
        slot: u64,
        off: u64,
        n: u64,
        protect: u32,
    },
    /// A read of `len` bytes at slot base + `at`.
    Read { slot: u64, at: u64, len: usize },
    /// A write of `len` bytes of `fill` at slot base + `at`.
    Write {
        slot: u64,
        at: u64,
        len: usize,
        fill: u8,
    },
    /// An instruction fetch at slot base + `at`.
    Execute { slot: u64, at: u64 },
    /// `PageOut(slot base + off pages, n pages)`.
    PageOut { slot: u64, off: u64, n: u64 },
    /// `EmptyWorkingSet()`.
    EmptyWorkingSet,
    /// `WriteModifiedPages()`.
    WriteModified,
}

fn protection() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => Just(PAGE_READWRITE),
        2 => Just(PAGE_READONLY),
        1 => Just(PAGE_NOACCESS),
        1 => Just(PAGE_EXECUTE),
        1 => Just(PAGE_EXECUTE_READ),
        2 => Just(PAGE_EXECUTE_READWRITE),
        1 => Just(PAGE_READWRITE | PAGE_GUARD),
        1 => Just(PAGE_READONLY | PAGE_GUARD),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    // Slot 0 starts committed (see `run`), so it gets most of the traffic.
    let slot = prop_oneof![3 => Just(0u64), 2 => 0..SLOTS];
    let off = prop_oneof![3 => 0..8u64, 1 => 0..PAGES_PER_SLOT];
    // Mostly short ranges, so that most calls and accesses succeed.
    let n = prop_oneof![4 => 1..=4u64, 1 => 1..=PAGES_PER_SLOT];
    let len = prop_oneof![4 => 1usize..64, 1 => 1usize..0x1800];
    let ty = prop_oneof![
        1 => Just(MEM_RESERVE),
        1 => Just(MEM_RESERVE | MEM_COMMIT),
        3 => Just(MEM_COMMIT),
        1 => Just(MEM_RESET),
        1 => Just(MEM_RESET_UNDO),
    ];
    let at = prop_oneof![3 => 0..8 * PAGE, 1 => 0..PAGES_PER_SLOT * PAGE + 0x800];
    prop_oneof![
        3 => (slot.clone(), off.clone(), n.clone(), ty, protection())
            .prop_map(|(slot, off, n, ty, protect)| {
                // A reservation stays inside its own 64 KB granule, so slots never overlap.
                let n = if ty & MEM_RESERVE != 0 { n.min(PAGES_PER_SLOT - off) } else { n };
                Op::Alloc { slot, off, n, ty, protect }
            }),
        1 => (slot.clone(), off.clone(), n.clone())
            .prop_map(|(slot, off, n)| Op::Decommit { slot, off, n }),
        1 => (slot.clone(), prop_oneof![3 => Just(0u64), 1 => 1..4u64])
            .prop_map(|(slot, off)| Op::Release { slot, off }),
        2 => (slot.clone(), off.clone(), n.clone(), protection())
            .prop_map(|(slot, off, n, protect)| Op::Protect { slot, off, n, protect }),
        4 => (slot.clone(), at.clone(), len.clone())
            .prop_map(|(slot, at, len)| Op::Read { slot, at, len }),
        5 => (slot.clone(), at.clone(), len, 1u8..=255)
            .prop_map(|(slot, at, len, fill)| Op::Write { slot, at, len, fill }),
        1 => (slot.clone(), at).prop_map(|(slot, at)| Op::Execute { slot, at }),
        1 => (slot, off, n).prop_map(|(slot, off, n)| Op::PageOut { slot, off, n }),
        1 => Just(Op::EmptyWorkingSet),
        1 => Just(Op::WriteModified),
    ]
}

fn config() -> impl Strategy<Value = Config> {
    (
        prop_oneof![
            Just(Policy::Clock),
            Just(Policy::Fifo),
            Just(Policy::Lru),
            Just(Policy::Random)
        ],
        any::<bool>(),
        1u32..=4,
        3u32..=8,
        1u32..=10,
        0u64..1000,
    )
        .prop_map(
            |(policy, standby, cluster, frames, pagefile, seed)| Config {
                frames,
                pagefile,
                working_set: Some(frames.min(5)),
                policy,
                cluster,
                tlb: 3,
                standby,
                seed,
                modified_threshold: 3,
                ..Config::default()
            },
        )
}

/// Run an access of `len` bytes at `va` of `kind` (0 read, 1 write, 8 execute) against
/// the shadow: the pages before the first faulting one are performed, page by page
/// (reference §7; a multi-page access behaves like `rep movsb`).
fn access(
    m: &mut Machine,
    shadow: &mut Shadow,
    va: u64,
    len: usize,
    kind: u64,
    fill: u8,
) -> Result<(), String> {
    let mut buf = vec![0xEEu8; len];
    let data = vec![fill; len];
    let got = match kind {
        0 => m.read(va, &mut buf),
        1 => m.write(va, &data),
        _ => m.execute(va),
    };
    // Walk the pages as the CPU does and predict the outcome.
    let mut done = 0usize;
    let mut expected = Ok(());
    while done < len {
        let cur = va + done as u64;
        let n = ((PAGE - cur % PAGE) as usize).min(len - done);
        let page = shadow.page_mut(cur);
        let Some(Page::Committed { protect, bytes }) = page else {
            expected = Err(av(kind, cur));
            break;
        };
        // PAGE_GUARD: one-shot exception, the access is not performed (reference §7).
        if *protect & PAGE_GUARD != 0 {
            *protect &= !PAGE_GUARD;
            expected = Err(ExceptionRecord {
                code: STATUS_GUARD_PAGE_VIOLATION,
                info: [kind, cur],
            });
            break;
        }
        if !allows(*protect, kind) {
            expected = Err(av(kind, cur));
            break;
        }
        let offset = (cur % PAGE) as usize;
        match kind {
            0 => bytes
                .observe(offset, &buf[done..done + n])
                .map_err(|e| format!("page {cur:#x}: {e}"))?,
            1 => bytes.write(offset, &data[done..done + n]),
            _ => {}
        }
        done += n;
    }
    if matches!(&got, Err(e) if e.code == STATUS_IN_PAGE_ERROR) {
        return Err(format!(
            "access {kind} of {len} bytes at {va:#x}: STATUS_IN_PAGE_ERROR {got:?}"
        ));
    }
    if got != expected {
        return Err(format!(
            "access {kind} of {len} bytes at {va:#x}: machine {got:?}, shadow {expected:?}"
        ));
    }
    Ok(())
}

/// Apply one API call to the shadow; `ok` is whether the machine's call succeeded, and
/// the shadow must agree.
fn api(m: &mut Machine, shadow: &mut Shadow, op: &Op) -> Result<(), String> {
    let limit = m.commit_limit();
    let charge = shadow.committed();
    let (ok, predicted) = match *op {
        Op::Alloc {
            slot,
            off,
            n,
            ty,
            protect,
        } => {
            let va = slot_base(slot) + off * PAGE;
            let ok = m.virtual_alloc(va, n * PAGE, ty, protect) != 0;
            let predicted = match ty {
                // Reserve (and commit) at va: the region runs from the 64 KB base to the
                // last page of the range (reference §3.2); it must not overlap.
                t if t & MEM_RESERVE != 0 => {
                    let pages = off + n;
                    let commit = t & MEM_COMMIT != 0;
                    let fits = pages <= PAGES_PER_SLOT && !shadow.allocs.contains_key(&slot);
                    let under = !commit || charge + pages <= limit;
                    if fits && under {
                        let page = if commit {
                            Page::Committed {
                                protect,
                                bytes: Bytes::zeros(),
                            }
                        } else {
                            Page::Reserved
                        };
                        shadow.allocs.insert(
                            slot,
                            Allocation {
                                pages: vec![page; pages as usize],
                            },
                        );
                    }
                    fits && under
                }
                MEM_COMMIT => {
                    let new = shadow.range_mut(slot, off, n).map(|pages| {
                        pages.iter().filter(|p| matches!(p, Page::Reserved)).count() as u64
                    });
                    match new {
                        Some(new) if charge + new <= limit => {
                            for p in shadow.range_mut(slot, off, n).into_iter().flatten() {
                                // Recommitting keeps the data and takes the new protection
                                // (reference §3.3); a new page starts as zeros.
                                *p = match std::mem::replace(p, Page::Reserved) {
                                    Page::Reserved => Page::Committed {
                                        protect,
                                        bytes: Bytes::zeros(),
                                    },
                                    Page::Committed { bytes, .. } => {
                                        Page::Committed { protect, bytes }
                                    }
                                };
                            }
                            true
                        }
                        _ => false,
                    }
                }
                // MEM_RESET_UNDO: it must fail when a page is known to have lost its
                // data; when it succeeds, no reset page lost it; either way the pages
                // keep what they have from now on (reference §3.4).
                MEM_RESET_UNDO => match shadow.range_mut(slot, off, n) {
                    Some(pages) => {
                        let lost = pages
                            .iter()
                            .any(|p| matches!(p, Page::Committed { bytes, .. } if bytes.lost));
                        let maybe_lost = pages
                            .iter()
                            .any(|p| matches!(p, Page::Committed { bytes, .. } if bytes.may_zero));
                        for p in pages {
                            if let Page::Committed { bytes, .. } = p {
                                if ok {
                                    bytes.may_zero = false;
                                } else {
                                    bytes.settle();
                                }
                                bytes.lost = false;
                            }
                        }
                        // Success is possible only when nothing is known lost; failure
                        // only when some page may have lost its data.
                        if lost {
                            false
                        } else if !maybe_lost {
                            true
                        } else {
                            ok
                        }
                    }
                    None => false,
                },
                // MEM_RESET: committed pages may lose their contents (reference §3.4).
                _ => match shadow.range_mut(slot, off, n) {
                    Some(pages) => {
                        for p in pages {
                            if let Page::Committed { bytes, .. } = p {
                                bytes.may_zero = true;
                            }
                        }
                        true
                    }
                    None => false,
                },
            };
            (ok, predicted)
        }
        Op::Decommit { slot, off, n } => {
            let ok = m.virtual_free(slot_base(slot) + off * PAGE, n * PAGE, MEM_DECOMMIT);
            let predicted = match shadow.range_mut(slot, off, n) {
                Some(pages) => {
                    pages.iter_mut().for_each(|p| *p = Page::Reserved);
                    true
                }
                None => false,
            };
            (ok, predicted)
        }
        Op::Release { slot, off } => {
            let ok = m.virtual_free(slot_base(slot) + off * PAGE, 0, MEM_RELEASE);
            let predicted = off == 0 && shadow.allocs.remove(&slot).is_some();
            (ok, predicted)
        }
        Op::Protect {
            slot,
            off,
            n,
            protect,
        } => {
            let ok = m
                .virtual_protect(slot_base(slot) + off * PAGE, n * PAGE, protect, true)
                .is_some();
            let predicted = match shadow.range_mut(slot, off, n) {
                Some(pages) if pages.iter().all(|p| matches!(p, Page::Committed { .. })) => {
                    for p in pages {
                        if let Page::Committed { protect: old, .. } = p {
                            *old = protect;
                        }
                    }
                    true
                }
                _ => false,
            };
            (ok, predicted)
        }
        _ => unreachable!("not an API call"),
    };
    if ok != predicted {
        return Err(format!(
            "{op:?}: machine {} (error {}), shadow {}",
            if ok { "succeeded" } else { "failed" },
            m.last_error(),
            if predicted { "succeeds" } else { "fails" }
        ));
    }
    Ok(())
}

/// Compare the machine's pages, charge and picture with the shadow.
fn compare(m: &mut Machine, shadow: &Shadow) -> Result<(), String> {
    let picture = m.picture();
    check_picture_of(&picture);
    if m.commit_charge() != shadow.committed() {
        return Err(format!(
            "commit charge {} but the shadow has {} committed pages",
            m.commit_charge(),
            shadow.committed()
        ));
    }
    if m.commit_charge() > m.commit_limit() {
        return Err("commit charge above the limit".into());
    }
    for slot in 0..SLOTS {
        for k in 0..PAGES_PER_SLOT {
            let va = slot_base(slot) + k * PAGE;
            let want = shadow.query(va);
            let r = picture
                .regions
                .iter()
                .find(|r| r.base <= va && va - r.base < r.size);
            let got = r.map_or((MEM_FREE, PAGE_NOACCESS), |r| (r.state, r.protect));
            if got != want {
                return Err(format!("page {va:#x}: machine {got:x?}, shadow {want:x?}"));
            }
        }
    }
    Ok(())
}

fn run(config: Config, ops: &[Op], mode: Recording) -> Result<(), String> {
    let mut m = Machine::with_recording(config, mode);
    m.set_last_error(SENTINEL);
    let mut shadow = Shadow::default();
    // Start from a committed slot and a reserved one, so that most operations find memory.
    let setup = [
        Op::Alloc {
            slot: 0,
            off: 0,
            n: 8,
            ty: MEM_RESERVE | MEM_COMMIT,
            protect: PAGE_READWRITE,
        },
        Op::Alloc {
            slot: 1,
            off: 0,
            n: PAGES_PER_SLOT,
            ty: MEM_RESERVE,
            protect: PAGE_READWRITE,
        },
    ];
    for (i, op) in setup.iter().chain(ops).enumerate() {
        let step = |e: String| format!("op {i} {op:?}: {e}");
        let error_before = m.last_error();
        let ws_before = m.process().mmu.ws.len();
        let trimmed = matches!(
            op,
            Op::Read { .. }
                | Op::Write { .. }
                | Op::Execute { .. }
                | Op::PageOut { .. }
                | Op::EmptyWorkingSet
        );
        match *op {
            Op::Read { slot, at, len } => {
                access(&mut m, &mut shadow, slot_base(slot) + at, len, 0, 0).map_err(step)?
            }
            Op::Write {
                slot,
                at,
                len,
                fill,
            } => access(&mut m, &mut shadow, slot_base(slot) + at, len, 1, fill).map_err(step)?,
            Op::Execute { slot, at } => {
                access(&mut m, &mut shadow, slot_base(slot) + at, 1, 8, 0).map_err(step)?
            }
            Op::PageOut { slot, off, n } => {
                m.page_out(slot_base(slot) + off * PAGE, n * PAGE);
            }
            Op::EmptyWorkingSet => {
                m.empty_working_set();
            }
            Op::WriteModified => {
                m.write_modified_pages();
            }
            _ => api(&mut m, &mut shadow, op).map_err(step)?,
        }
        if !matches!(
            op,
            Op::Alloc { .. } | Op::Decommit { .. } | Op::Release { .. } | Op::Protect { .. }
        ) && m.last_error() != error_before
        {
            return Err(step("an access or page-out changed the last error".into()));
        }
        compare(&mut m, &shadow).map_err(step)?;
        check_working_set(&m, trimmed, ws_before).map_err(step)?;
        // Every change is recorded inside a step: the picture of the last step is the
        // machine as it is now (DESIGN §3).
        if mode == Recording::Pictures {
            let h = m.history();
            let last = match h.len() {
                0 => Some(h.initial_picture().clone()),
                n => h.picture_after(n - 1),
            };
            if last.as_ref() != Some(&m.picture()) {
                return Err(step(
                    "the last recorded picture differs from the machine".into(),
                ));
            }
        }
    }
    // Every committed page still reads back as the shadow says, through any page-outs.
    m.empty_working_set();
    m.write_modified_pages();
    for slot in 0..SLOTS {
        for k in 0..PAGES_PER_SLOT {
            let va = slot_base(slot) + k * PAGE;
            if let Some(Page::Committed { protect, .. }) = shadow.page(va) {
                if allows(*protect, 0) && *protect & PAGE_GUARD == 0 {
                    access(&mut m, &mut shadow, va, PAGE as usize, 0, 0)
                        .map_err(|e| format!("final read: {e}"))?;
                    check_working_set(&m, true, 0).map_err(|e| format!("final read: {e}"))?;
                }
            }
        }
    }
    compare(&mut m, &shadow)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn machine_matches_the_shadow(config in config(), ops in proptest::collection::vec(op(), 1..60)) {
        if let Err(e) = run(config.clone(), &ops, Recording::Off) {
            return Err(TestCaseError::fail(format!("{e}\nconfig {config:?}")));
        }
    }

    #[test]
    fn machine_matches_the_shadow_while_recording(ops in proptest::collection::vec(op(), 1..30)) {
        let config = Config { frames: 4, pagefile: 6, working_set: Some(3), tlb: 2, ..Config::default() };
        if let Err(e) = run(config, &ops, Recording::Pictures) {
            return Err(TestCaseError::fail(e));
        }
    }
}
