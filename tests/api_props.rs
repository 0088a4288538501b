//! Random sequences of `VirtualAlloc` / `VirtualFree` / `VirtualProtect` calls keep the
//! address space consistent: regions are maximal runs inside 64 KB-aligned allocations,
//! `VirtualQuery` agrees with them, the commit charge equals the committed pages and never
//! passes the limit (reference §6, §8.6), and a failed call changes nothing.

use pagelab::sim::consts::*;
use pagelab::sim::history::Recording;
use pagelab::sim::picture::RegionView;
use pagelab::sim::{Config, Machine};
use proptest::prelude::*;

const BASE: u64 = 0x234_5670_0000;

#[derive(Clone, Debug)]
enum Op {
    Alloc(u64, u64, u32, u32),
    Free(u64, u64, u32),
    Protect(u64, u64, u32, bool),
    Query(u64),
}

fn address() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        (0u64..0x60_000).prop_map(|o| BASE + o),
        (0u64..0x60).prop_map(|k| BASE + k * 0x1000),
        Just(0xFFFF_8000_0000_0000u64),
        Just(u64::MAX),
    ]
}

fn size() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        1u64..0x3_0000,
        (1u64..0x20).prop_map(|k| k * 0x1000),
        Just(u64::MAX),
        Just(1u64 << 63),
    ]
}

fn protection() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(PAGE_READWRITE),
        Just(PAGE_READONLY),
        Just(PAGE_NOACCESS),
        Just(PAGE_EXECUTE_READ),
        Just(PAGE_READWRITE | PAGE_GUARD),
        Just(PAGE_READWRITE | PAGE_NOCACHE),
        Just(PAGE_WRITECOPY),
        Just(0u32),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let alloc_type = prop_oneof![
        Just(MEM_RESERVE),
        Just(MEM_COMMIT),
        Just(MEM_RESERVE | MEM_COMMIT),
        Just(MEM_COMMIT | MEM_TOP_DOWN),
        Just(MEM_RESET),
        Just(MEM_WRITE_WATCH),
    ];
    let free_type = prop_oneof![Just(MEM_DECOMMIT), Just(MEM_RELEASE), Just(0u32)];
    prop_oneof![
        3 => (address(), size(), alloc_type, protection()).prop_map(|(a, s, t, p)| Op::Alloc(a, s, t, p)),
        2 => (address(), size(), free_type).prop_map(|(a, s, t)| Op::Free(a, s, t)),
        2 => (address(), size(), protection(), any::<bool>()).prop_map(|(a, s, p, o)| Op::Protect(a, s, p, o)),
        1 => address().prop_map(Op::Query),
    ]
}

fn check_consistent(m: &mut Machine) {
    // kernel32.dll's image, in every process (DESIGN §9), is not this test's.
    let mut regions: Vec<RegionView> = m.picture().regions;
    regions.retain(|r| r.kind != MEM_IMAGE);
    let mut committed = 0;
    for (i, r) in regions.iter().enumerate() {
        assert!(r.size > 0 && r.size % 0x1000 == 0 && r.base % 0x1000 == 0);
        assert_eq!(
            r.allocation_base % 0x1_0000,
            0,
            "allocation base 64 KB-aligned"
        );
        assert!(r.base >= r.allocation_base);
        match r.state {
            MEM_COMMIT => {
                assert_ne!(r.protect, 0);
                committed += r.size / 0x1000;
            }
            MEM_RESERVE => assert_eq!(r.protect, 0),
            other => panic!("region state {other:#x}"),
        }
        if let Some(next) = regions.get(i + 1) {
            assert!(r.base + r.size <= next.base, "sorted and disjoint");
            if next.allocation_base == r.allocation_base {
                assert_eq!(r.base + r.size, next.base, "an allocation has no gaps");
                assert!(
                    (r.state, r.protect) != (next.state, next.protect),
                    "runs are maximal"
                );
            }
        }
        let q = m.virtual_query(r.base, MBI_SIZE).expect("query a region");
        assert_eq!(
            (q.BaseAddress, q.RegionSize, q.State, q.Protect),
            (r.base, r.size, r.state, r.protect)
        );
        assert_eq!(
            (q.AllocationBase, q.AllocationProtect, q.Type),
            (r.allocation_base, r.allocation_protect, MEM_PRIVATE)
        );
    }
    assert_eq!(m.commit_charge(), committed, "charge = committed pages");
    assert!(m.commit_charge() <= m.commit_limit());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_calls_keep_the_space_consistent(ops in proptest::collection::vec(op(), 1..40)) {
        let mut m = Machine::with_recording(Config::default(), Recording::Off);
        for op in ops {
            let before = (m.picture().regions, m.commit_charge());
            m.set_last_error(0);
            let ok = match op {
                Op::Alloc(a, s, t, p) => m.virtual_alloc(a, s, t, p) != 0,
                Op::Free(a, s, t) => m.virtual_free(a, s, t),
                Op::Protect(a, s, p, o) => m.virtual_protect(a, s, p, o).is_some(),
                Op::Query(a) => m.virtual_query(a, MBI_SIZE).is_some(),
            };
            if ok {
                prop_assert_eq!(m.last_error(), 0, "success leaves the last error alone");
            } else {
                prop_assert_ne!(m.last_error(), 0);
                prop_assert_eq!((m.picture().regions, m.commit_charge()), before);
            }
            check_consistent(&mut m);
        }
    }
}
