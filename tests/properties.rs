//! Property tests: random operation sequences against a shadow model of the bytes.
//!
//! After every operation: no byte lost or changed; every frame in exactly one list or
//! active, and mapped consistently; page-file slots conserved; commit charge within the
//! limit; TLB entries agree with the PTEs; the working set within its limit (see
//! `check_working_set`). An access to a committed page never fails with
//! STATUS_IN_PAGE_ERROR: with the commit charge within frames + slots, there is always a
//! frame for it (the proof is in the engine's frame-taking code).

mod common;

use std::collections::BTreeMap;

use common::{check_picture_of, check_working_set};
use pagelab::sim::addr::{Owner, Vpn, PAGE_SIZE};
use pagelab::sim::consts::{
    MEM_COMMIT, MEM_DECOMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_READONLY, PAGE_READWRITE,
    STATUS_IN_PAGE_ERROR,
};
use pagelab::sim::{Config, FrameList, Machine, Policy, Pte};
use proptest::prelude::*;

const PAGE: usize = PAGE_SIZE as usize;

#[derive(Clone, Debug)]
enum Op {
    Alloc {
        pages: u64,
        reserve_only: bool,
    },
    Write {
        alloc: usize,
        page: u64,
        offset: u64,
        len: usize,
        byte: u8,
    },
    Read {
        alloc: usize,
        page: u64,
        offset: u64,
        len: usize,
    },
    PageOut {
        alloc: usize,
        page: u64,
        pages: u64,
    },
    EmptyWorkingSet,
    WriteModified,
    Commit {
        alloc: usize,
        page: u64,
        pages: u64,
    },
    Decommit {
        alloc: usize,
        page: u64,
        pages: u64,
    },
    Protect {
        alloc: usize,
        page: u64,
        readonly: bool,
    },
    Release {
        alloc: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (1u64..5, any::<bool>()).prop_map(|(pages, reserve_only)| Op::Alloc { pages, reserve_only }),
        6 => (0usize..4, 0u64..5, 0u64..4096, 1usize..40, any::<u8>())
            .prop_map(|(alloc, page, offset, len, byte)| Op::Write { alloc, page, offset, len, byte }),
        5 => (0usize..4, 0u64..5, 0u64..4096, 1usize..40)
            .prop_map(|(alloc, page, offset, len)| Op::Read { alloc, page, offset, len }),
        2 => (0usize..4, 0u64..5, 1u64..4).prop_map(|(alloc, page, pages)| Op::PageOut { alloc, page, pages }),
        1 => Just(Op::EmptyWorkingSet),
        1 => Just(Op::WriteModified),
        1 => (0usize..4, 0u64..5, 1u64..4).prop_map(|(alloc, page, pages)| Op::Commit { alloc, page, pages }),
        1 => (0usize..4, 0u64..5, 1u64..3).prop_map(|(alloc, page, pages)| Op::Decommit { alloc, page, pages }),
        1 => (0usize..4, 0u64..5, any::<bool>()).prop_map(|(alloc, page, readonly)| Op::Protect { alloc, page, readonly }),
        1 => (0usize..4).prop_map(|alloc| Op::Release { alloc }),
    ]
}

fn config() -> impl Strategy<Value = Config> {
    (
        1u32..6,
        0u32..6,
        1u32..6,
        prop_oneof![
            Just(Policy::Clock),
            Just(Policy::Fifo),
            Just(Policy::Lru),
            Just(Policy::Random)
        ],
        1u32..5,
        1u32..4,
        any::<bool>(),
        1u32..4,
        any::<u64>(),
    )
        .prop_map(
            |(frames, pagefile, ws, policy, cluster, tlb, standby, threshold, seed)| Config {
                frames,
                pagefile,
                // A third of the machines have soft limits (no working_set=).
                working_set: (seed % 3 != 0).then_some(ws),
                policy,
                cluster,
                tlb,
                standby,
                modified_threshold: threshold,
                seed,
                ..Config::default()
            },
        )
}

/// The shadow: what every committed page must hold, and whether it is read-only.
#[derive(Default)]
struct Shadow {
    /// Allocations: base page and size in pages.
    allocs: Vec<(u64, u64)>,
    /// Committed pages: bytes and read-only flag.
    pages: BTreeMap<u64, (Vec<u8>, bool)>,
}

impl Shadow {
    fn page_of(&self, alloc: usize, page: u64) -> Option<u64> {
        let (base, n) = *self.allocs.get(alloc % self.allocs.len().max(1))?;
        Some(base + page % n)
    }
}

/// The picture's own consistency (`common::check_picture_of`), then what only the engine
/// and the shadow know: PTEs only for committed pages, each page-file slot owned by exactly
/// the page that refers to it, frames with a slot copy clean, and no byte lost.
fn check(m: &Machine, shadow: &Shadow) -> Result<(), TestCaseError> {
    let frames = &m.system().frames;
    let pic = m.picture();
    check_picture_of(&pic);
    prop_assert_eq!(pic.commit.charge, shadow.pages.len() as u64);
    let mut slot_refs: BTreeMap<u32, u64> = BTreeMap::new();
    for (&vpn, &pte) in &pic.ptes {
        prop_assert!(
            shadow.pages.contains_key(&vpn),
            "PTE for uncommitted page {:#x}",
            vpn
        );
        match pte {
            Pte::Valid { pfn, .. } | Pte::Transition { pfn } => {
                let f = frames.get(pfn);
                if matches!(pte, Pte::Transition { .. }) {
                    prop_assert_eq!(f.list == FrameList::Modified, f.modified);
                }
                // The frame is owned by (this process, this page); only a valid PTE
                // counts as a user of it.
                let owner = Owner::Private {
                    process: m.process().id,
                    vpn: Vpn(vpn),
                };
                prop_assert_eq!(f.owner, Some(owner));
                let users = u32::from(matches!(pte, Pte::Valid { .. }));
                prop_assert_eq!(f.share_count, users, "share count of frame {}", pfn.0);
                if let Some(s) = f.slot {
                    prop_assert!(!f.modified, "a frame with a slot copy is clean");
                    prop_assert!(slot_refs.insert(s.0, vpn).is_none());
                }
            }
            Pte::PageFile { slot } => {
                prop_assert!(slot_refs.insert(slot.0, vpn).is_none());
            }
            _ => {}
        }
    }
    for (s, owner) in pic.slots.iter().enumerate() {
        prop_assert_eq!(
            owner.and_then(|o| o.private_vpn()).map(|v| v.0),
            slot_refs.get(&(s as u32)).copied(),
            "slot {}",
            s
        );
    }
    // No byte lost: every committed page's contents, wherever they are.
    for (&vpn, (bytes, _)) in &shadow.pages {
        match m.peek_page(Vpn(vpn)) {
            Some(actual) => prop_assert!(actual == *bytes, "page {:#x} changed", vpn),
            None => prop_assert!(bytes.iter().all(|b| *b == 0), "page {:#x} lost", vpn),
        }
    }
    Ok(())
}

fn run(config: Config, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut m = Machine::new(config);
    let mut shadow = Shadow::default();
    for op in ops {
        let before = m.process().mmu.ws.len();
        let trimmed = matches!(
            op,
            Op::Write { .. } | Op::Read { .. } | Op::PageOut { .. } | Op::EmptyWorkingSet
        );
        match op {
            Op::Alloc {
                pages,
                reserve_only,
            } => {
                let kind = if reserve_only {
                    MEM_RESERVE
                } else {
                    MEM_RESERVE | MEM_COMMIT
                };
                let base = m.virtual_alloc(0, pages * PAGE_SIZE, kind, PAGE_READWRITE);
                if base != 0 {
                    shadow.allocs.push((base >> 12, pages));
                    if !reserve_only {
                        for v in 0..pages {
                            shadow
                                .pages
                                .insert((base >> 12) + v, (vec![0; PAGE], false));
                        }
                    }
                }
            }
            Op::Write {
                alloc,
                page,
                offset,
                len,
                byte,
            } => {
                let Some(vpn) = shadow.page_of(alloc, page) else {
                    continue;
                };
                let va = (vpn << 12) + offset;
                let data: Vec<u8> = (0..len).map(|i| byte.wrapping_add(i as u8)).collect();
                let result = m.write(va, &data);
                // Apply to the shadow byte by byte up to the first page that refuses.
                let mut ok_bytes = 0;
                for i in 0..len {
                    let a = va + i as u64;
                    match shadow.pages.get(&(a >> 12)) {
                        Some((_, false)) => ok_bytes += 1,
                        _ => break,
                    }
                }
                if ok_bytes == len {
                    prop_assert!(result.is_ok(), "write failed: {:?}", result);
                } else {
                    let e = result.expect_err("write to a missing or read-only page fails");
                    prop_assert_ne!(e.code, STATUS_IN_PAGE_ERROR);
                    prop_assert_eq!(e.code, 0xC000_0005);
                }
                // Whole pages before the failing one were written.
                let first_bad_page = (va + ok_bytes as u64) >> 12;
                for (i, &d) in data.iter().enumerate().take(ok_bytes) {
                    let a = va + i as u64;
                    if ok_bytes < len && a >> 12 == first_bad_page {
                        break;
                    }
                    if let Some((bytes, _)) = shadow.pages.get_mut(&(a >> 12)) {
                        bytes[(a & 0xFFF) as usize] = d;
                    }
                }
            }
            Op::Read {
                alloc,
                page,
                offset,
                len,
            } => {
                let Some(vpn) = shadow.page_of(alloc, page) else {
                    continue;
                };
                let va = (vpn << 12) + offset;
                let mut buf = vec![0; len];
                let readable =
                    (0..len).all(|i| shadow.pages.contains_key(&((va + i as u64) >> 12)));
                match m.read(va, &mut buf) {
                    Ok(()) => {
                        prop_assert!(readable);
                        for (i, b) in buf.iter().enumerate() {
                            let a = va + i as u64;
                            let expect = shadow.pages[&(a >> 12)].0[(a & 0xFFF) as usize];
                            prop_assert_eq!(*b, expect, "byte at {:#x}", a);
                        }
                    }
                    Err(e) => {
                        prop_assert_ne!(e.code, STATUS_IN_PAGE_ERROR);
                        prop_assert!(!readable && e.code == 0xC000_0005, "{:?}", e);
                    }
                }
            }
            Op::PageOut { alloc, page, pages } => {
                let Some(vpn) = shadow.page_of(alloc, page) else {
                    continue;
                };
                m.page_out(vpn << 12, pages * PAGE_SIZE);
            }
            Op::EmptyWorkingSet => {
                m.empty_working_set();
            }
            Op::WriteModified => {
                m.write_modified_pages();
            }
            Op::Commit { alloc, page, pages } => {
                let Some(vpn) = shadow.page_of(alloc, page) else {
                    continue;
                };
                let (base, n) = shadow.allocs[alloc % shadow.allocs.len()];
                let pages = pages.min(base + n - vpn);
                if m.virtual_alloc(vpn << 12, pages * PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE) != 0 {
                    for v in vpn..vpn + pages {
                        let e = shadow.pages.entry(v).or_insert((vec![0; PAGE], false));
                        e.1 = false;
                    }
                }
            }
            Op::Decommit { alloc, page, pages } => {
                let Some(vpn) = shadow.page_of(alloc, page) else {
                    continue;
                };
                let (base, n) = shadow.allocs[alloc % shadow.allocs.len()];
                let pages = pages.min(base + n - vpn);
                if m.virtual_free(vpn << 12, pages * PAGE_SIZE, MEM_DECOMMIT) {
                    for v in vpn..vpn + pages {
                        shadow.pages.remove(&v);
                    }
                }
            }
            Op::Protect {
                alloc,
                page,
                readonly,
            } => {
                let Some(vpn) = shadow.page_of(alloc, page) else {
                    continue;
                };
                let prot = if readonly {
                    PAGE_READONLY
                } else {
                    PAGE_READWRITE
                };
                if m.virtual_protect(vpn << 12, PAGE_SIZE, prot, true)
                    .is_some()
                {
                    if let Some(e) = shadow.pages.get_mut(&vpn) {
                        e.1 = readonly;
                    }
                }
            }
            Op::Release { alloc } => {
                if shadow.allocs.is_empty() {
                    continue;
                }
                let i = alloc % shadow.allocs.len();
                let (base, n) = shadow.allocs[i];
                prop_assert!(m.virtual_free(base << 12, 0, MEM_RELEASE));
                shadow.allocs.remove(i);
                for v in base..base + n {
                    shadow.pages.remove(&v);
                }
            }
        }
        check(&m, &shadow)?;
        check_working_set(&m, trimmed, before).map_err(TestCaseError::fail)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_every_byte_and_every_invariant(
        config in config(),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        run(config, ops)?;
    }
}
