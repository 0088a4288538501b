//! Scenario tests of the paging engine's rules, each through the public machine API.

mod common;

use common::paging::{commit, machine, read};
use pagelab::sim::consts::{
    MEM_COMMIT, MEM_DECOMMIT, MEM_RESERVE, MEM_RESET, PAGE_EXECUTE_READ, PAGE_READONLY,
    PAGE_READWRITE,
};
use pagelab::sim::{Event, FaultKind, FrameList, Machine, Pte};

fn events_since(m: &Machine, from: usize) -> Vec<Event> {
    m.history().steps()[from..]
        .iter()
        .flat_map(|s| s.events.clone())
        .collect()
}

#[test]
fn access_violations_carry_the_reference_7_information() {
    let mut m = machine(&[]);
    let r = m.virtual_alloc(0, 0x2000, MEM_RESERVE, PAGE_READWRITE);
    let e = m.read(r + 4, &mut [0; 1]).unwrap_err();
    assert_eq!((e.code, e.info), (0xC000_0005, [0, r + 4]), "reserved page");
    let p = commit(&mut m, 1);
    let e = m.execute(p).unwrap_err();
    assert_eq!(e.info, [8, p], "DEP on a non-executable page");
    let ro = m.virtual_alloc(0, 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READONLY);
    let e = m.write(ro + 1, b"x").unwrap_err();
    assert_eq!(e.info, [1, ro + 1]);
    let e = m.read(0xFFFF_8000_0000_0000, &mut [0; 1]).unwrap_err();
    assert_eq!(e.code, 0xC000_0005, "kernel half");
    let x = m.virtual_alloc(0, 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READ);
    m.execute(x).expect("execute on PAGE_EXECUTE_READ");
    let pic = m.picture();
    assert_eq!(pic.counters.access_violation, 4);
    assert_eq!(pic.counters.demand_zero, 1, "violations spend no frame");
    assert_eq!(pic.lists.zeroed.len(), 15);
}

#[test]
fn protection_is_enforced_on_a_tlb_hit_and_reprotect_flushes() {
    let mut m = machine(&[]);
    let ro = m.virtual_alloc(0, 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READONLY);
    read(&mut m, ro, 1);
    let from = m.history().len();
    let e = m.write(ro, b"x").unwrap_err();
    assert_eq!(e.info, [1, ro]);
    let ev = events_since(&m, from);
    assert!(
        matches!(ev[1], Event::TlbHit { .. }),
        "caught on the hit path: {ev:?}"
    );

    let p = commit(&mut m, 1);
    m.write(p, b"ok").unwrap();
    let from = m.history().len();
    assert!(m.virtual_protect(p, 1, PAGE_READONLY, true).is_some());
    let ev = events_since(&m, from);
    assert!(ev.iter().any(|e| matches!(e, Event::TlbFlush { .. })));
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::PteWritten {
            new: Pte::Valid {
                writable: false,
                ..
            },
            ..
        }
    )));
    assert!(m.write(p, b"no").is_err());
    assert_eq!(read(&mut m, p, 2), b"ok");
}

#[test]
fn an_access_crossing_a_page_boundary_faults_both_pages() {
    let mut m = machine(&[]);
    let p = commit(&mut m, 2);
    m.write(p + 0xFFC, b"ABCDEFGH").unwrap();
    assert_eq!(m.picture().counters.demand_zero, 2);
    assert_eq!(read(&mut m, p + 0xFFC, 8), b"ABCDEFGH");
    assert_eq!(m.picture().counters.tlb_hits, 2);
}

#[test]
fn textbook_model_writes_dirty_pages_at_once_and_drops_clean_ones() {
    let mut m = machine(&[("standby", "off"), ("frames", "2"), ("working_set", "2")]);
    let p = commit(&mut m, 3);
    m.write(p, b"one").unwrap();
    read(&mut m, p + 0x1000, 1);
    let from = m.history().len();
    m.write(p + 0x2000, b"three").unwrap();
    let ev = events_since(&m, from);
    assert!(
        ev.iter().any(|e| matches!(e, Event::PageFileWrite { .. })),
        "dirty page written at once"
    );
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::PageTrimmed {
            to: FrameList::Free,
            ..
        }
    )));
    let pic = m.picture();
    assert!(pic.lists.standby.is_empty() && pic.lists.modified.is_empty());
    assert!(matches!(pic.ptes[&(p >> 12)], Pte::PageFile { .. }));
    // Next victim is the clean page: dropped back to demand-zero.
    m.write(p, b"one").unwrap();
    assert_eq!(read(&mut m, p, 3), b"one");
    assert_eq!(read(&mut m, p + 0x2000, 5), b"three");
    assert_eq!(
        m.picture().counters.transition,
        0,
        "no soft faults without standby"
    );
    assert!(m.picture().counters.hard >= 1);
    assert_eq!(m.write_modified_pages(), 0);
}

#[test]
fn decommit_frees_frames_and_slots_and_recommit_reads_zero() {
    let mut m = machine(&[("frames", "2")]);
    let p = commit(&mut m, 2);
    m.write(p, b"gone").unwrap();
    m.write(p + 0x1000, b"also").unwrap();
    m.page_out(p + 0x1000, 1);
    assert_eq!(m.write_modified_pages(), 1);
    let from = m.history().len();
    assert!(m.virtual_free(p, 0x2000, MEM_DECOMMIT));
    let ev = events_since(&m, from);
    assert!(ev.iter().any(|e| matches!(e, Event::SlotFreed { .. })));
    assert!(ev.iter().any(|e| matches!(e, Event::TlbFlush { .. })));
    let pic = m.picture();
    assert!(pic.ptes.is_empty());
    assert_eq!(
        pic.lists.free.len(),
        2,
        "decommitted frames go to the free list"
    );
    assert!(pic.slots.iter().all(|s| s.is_none()));
    assert!(pic.working_set.pages.is_empty());
    assert_ne!(m.virtual_alloc(p, 0x2000, MEM_COMMIT, PAGE_READWRITE), 0);
    assert_eq!(
        read(&mut m, p, 4),
        vec![0; 4],
        "recommitted memory reads zero"
    );
    // That frame came from the free list, so it was zeroed first.
    assert!(m.history().steps().iter().rev().take(6).any(|s| s
        .events
        .iter()
        .any(|e| matches!(e, Event::FrameZeroed { .. }))));
}

#[test]
fn mem_reset_pages_are_not_written_to_the_page_file() {
    let mut m = machine(&[]);
    let p = commit(&mut m, 1);
    m.write(p, b"scratch").unwrap();
    assert_ne!(m.virtual_alloc(p, 0x1000, MEM_RESET, PAGE_READWRITE), 0);
    m.page_out(p, 1);
    let pic = m.picture();
    assert_eq!(pic.lists.standby.len(), 1, "clean after MEM_RESET");
    assert_eq!(m.write_modified_pages(), 0);
    assert_eq!(m.picture().counters.pagefile_writes, 0);
}

#[test]
fn dirtying_a_page_read_back_frees_its_stale_slot() {
    let mut m = machine(&[]);
    let p = commit(&mut m, 1);
    m.write(p, b"v1").unwrap();
    m.page_out(p, 1);
    m.write_modified_pages();
    assert!(m.picture().slots[0].is_some());
    read(&mut m, p, 2); // soft fault from standby: the slot copy stays valid
    assert!(m.picture().slots[0].is_some());
    let from = m.history().len();
    m.write(p, b"v2").unwrap();
    assert!(events_since(&m, from)
        .iter()
        .any(|e| matches!(e, Event::SlotFreed { .. })));
    assert!(m.picture().slots.iter().all(|s| s.is_none()));
}

#[test]
fn the_modified_writer_wakes_at_the_threshold() {
    let mut m = machine(&[("modified_threshold", "2")]);
    let p = commit(&mut m, 2);
    m.write(p, b"a").unwrap();
    m.write(p + 0x1000, b"b").unwrap();
    m.page_out(p, 1);
    assert_eq!(m.picture().lists.modified.len(), 1);
    m.page_out(p + 0x1000, 1);
    let pic = m.picture();
    assert!(pic.lists.modified.is_empty(), "the writer ran by itself");
    assert_eq!(pic.lists.standby.len(), 2);
    assert_eq!(pic.counters.pagefile_writes, 2);
}

#[test]
fn clustering_stays_inside_one_allocation() {
    let mut m = machine(&[("frames", "2"), ("working_set", "2"), ("cluster", "4")]);
    // Two one-page allocations, 64 KB apart, then pages far enough to push them out.
    let a = commit(&mut m, 1);
    let b = commit(&mut m, 1);
    let c = commit(&mut m, 2);
    m.write(a, b"a").unwrap();
    m.write(b, b"b").unwrap();
    m.write(c, b"c").unwrap();
    m.write(c + 0x1000, b"d").unwrap();
    m.empty_working_set();
    m.write_modified_pages();
    read(&mut m, c, 1);
    read(&mut m, c + 0x1000, 1);
    m.empty_working_set();
    m.write_modified_pages();
    // Force a and b out to the page file.
    let before = m.picture();
    assert!(matches!(
        before.ptes[&(a >> 12)],
        Pte::PageFile { .. } | Pte::Transition { .. }
    ));
    assert_eq!(read(&mut m, a, 1), b"a");
    let cluster_reads = m
        .history()
        .steps()
        .iter()
        .flat_map(|s| &s.events)
        .filter_map(|e| match e {
            Event::ClusterRead { vpns } => Some(vpns.clone()),
            _ => None,
        })
        .flatten()
        .collect::<Vec<_>>();
    assert!(!cluster_reads.contains(&pagelab::sim::addr::Vpn(b >> 12)));
}

#[test]
fn policies_choose_their_victims() {
    // Pages 0, 1, 2 are loaded in order, then page 0 is used again before page 3 arrives.
    // FIFO trims page 0 (loaded first); LRU trims page 1 (used longest ago); clock finds
    // every accessed bit set, clears them in one full turn and trims where it started,
    // page 0 (with every page recently used, clock degrades to FIFO).
    for (policy, expect_gone) in [("fifo", 0u64), ("lru", 1), ("clock", 0)] {
        let mut m = machine(&[("policy", policy), ("working_set", "3")]);
        let p = commit(&mut m, 4);
        for i in 0..3 {
            read(&mut m, p + i * 0x1000, 1);
        }
        read(&mut m, p, 1);
        read(&mut m, p + 0x3000, 1);
        let pic = m.picture();
        let resident: Vec<u64> = pic.working_set.pages.iter().map(|w| w.vpn.0).collect();
        assert!(
            !resident.contains(&((p >> 12) + expect_gone)),
            "{policy}: {resident:x?}"
        );
        assert_eq!(resident.len(), 3);
    }
}

#[test]
fn random_policy_is_seeded() {
    let run = |seed: &str| {
        let mut m = machine(&[("policy", "random"), ("working_set", "2"), ("seed", seed)]);
        let p = commit(&mut m, 6);
        for i in 0..6 {
            read(&mut m, p + i * 0x1000, 1);
        }
        m.picture().working_set.pages
    };
    assert_eq!(run("5"), run("5"));
}

#[test]
fn same_calls_give_identical_steps_and_pictures() {
    let run = || {
        let mut m = machine(&[("frames", "3"), ("working_set", "2"), ("pagefile", "4")]);
        let p = commit(&mut m, 5);
        for i in 0..5u64 {
            m.write(p + i * 0x1000, &[i as u8; 9]).unwrap();
        }
        m.empty_working_set();
        m.write_modified_pages();
        for i in (0..5u64).rev() {
            read(&mut m, p + i * 0x1000, 9);
        }
        m
    };
    let (a, b) = (run(), run());
    assert_eq!(a.history().steps(), b.history().steps());
    assert_eq!(a.picture(), b.picture());
    let faults: Vec<FaultKind> = a
        .history()
        .steps()
        .iter()
        .flat_map(|s| &s.events)
        .filter_map(|e| match e {
            Event::PageFault { fault, .. } => Some(*fault),
            _ => None,
        })
        .collect();
    assert!(faults.contains(&FaultKind::Hard), "{faults:?}");
}

#[test]
fn textbook_model_trades_places_when_frames_and_slots_run_out() {
    // One frame, one slot, no standby list: page A lives in the slot, page B (changed) in
    // the frame. Bringing A back needs B written somewhere: B and A trade places through
    // A's slot, in one I/O, and the commit charge (2 = frames + slots) is honoured.
    let mut m = machine(&[
        ("standby", "off"),
        ("frames", "1"),
        ("pagefile", "1"),
        ("working_set", "1"),
        ("policy", "clock"),
    ]);
    let p = commit(&mut m, 2);
    let (a, b) = (p >> 12, (p >> 12) + 1);
    m.write(p, b"A").unwrap();
    m.write(p + 0x1000, b"B").unwrap();
    let from = m.history().len();
    m.write(p, b"a")
        .expect("A comes back: B and A trade places");
    let steps = &m.history().steps()[from..];
    let trade = steps
        .iter()
        .find(|s| s.narration.contains("trade places"))
        .expect("a step says the pages trade places");
    // The victim leaves with its usual trim events, then one I/O writes it and reads A.
    // (The clock hand clears the victim's accessed bit first.)
    let names: Vec<String> = trade
        .events
        .iter()
        .skip_while(|e| !matches!(e, Event::PageTrimmed { .. }))
        .map(|e| {
            format!("{e:?}")
                .split([' ', '{'])
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "PageTrimmed",
            "TlbFlush",
            "PageFileWrite",
            "PteWritten",
            "PageFileRead"
        ],
        "{:?}",
        trade.events
    );
    assert!(trade.events.iter().any(|e| matches!(
        e,
        Event::PageTrimmed { vpn, to: FrameList::Active, policy: Some(_), .. } if vpn.0 == b
    )));
    assert!(trade.events.iter().any(|e| matches!(
        e,
        Event::PteWritten { vpn, new: Pte::PageFile { slot }, .. } if vpn.0 == b && slot.0 == 0
    )));
    assert!(trade.events.iter().any(|e| matches!(
        e,
        Event::PageFileRead { vpn, slot, .. } if vpn.0 == a && slot.0 == 0
    )));
    assert!(
        trade.narration.contains("RAM and the page file are full"),
        "{}",
        trade.narration
    );
    // No separate read step: the trade was the read.
    let reads = steps
        .iter()
        .flat_map(|s| &s.events)
        .filter(|e| matches!(e, Event::PageFileRead { .. }))
        .count();
    assert_eq!(reads, 1);
    assert!(!steps
        .iter()
        .flat_map(|s| &s.events)
        .any(|e| matches!(e, Event::Exception { .. })));
    // Every byte is kept through more trades, and the working set stays at its limit.
    assert_eq!(read(&mut m, p + 0x1000, 1), b"B");
    assert_eq!(read(&mut m, p, 1), b"a");
    assert_eq!(read(&mut m, p + 0x1000, 1), b"B");
    assert_eq!(m.picture().working_set.pages.len(), 1);
    let c = m.picture().counters;
    assert_eq!((c.hard, c.pagefile_reads), (4, 4), "{c:?}");
}

#[test]
fn textbook_working_set_passes_its_limit_only_when_no_page_can_leave() {
    // Two frames, one slot, a working set of one page, three changed pages: the slot
    // holds one page, so the other two must both stay in RAM and the hard maximum is
    // passed rather than fail the access. Once a slot frees up, the next access trims the working set back.
    let mut m = machine(&[
        ("standby", "off"),
        ("frames", "2"),
        ("pagefile", "1"),
        ("working_set", "1"),
        ("policy", "fifo"),
    ]);
    let p = commit(&mut m, 3);
    m.write(p, b"0").unwrap();
    m.write(p + 0x1000, b"1").unwrap();
    let from = m.history().len();
    m.write(p + 0x2000, b"2")
        .expect("a demand-zero page still finds a frame");
    let passed = m.history().steps()[from..]
        .iter()
        .find(|s| s.narration.contains("grows past it"))
        .expect("a step says the working set passes its limit");
    assert!(passed.events.is_empty(), "{:?}", passed.events);
    assert_eq!(m.picture().working_set.pages.len(), 2);
    // A clean page can leave even when changed ones cannot: read-only touches of a new
    // page do not grow the working set further.
    assert!(
        m.virtual_free(p, 0x1000, MEM_DECOMMIT),
        "page 0 leaves slot 0"
    );
    let from = m.history().len();
    assert_eq!(read(&mut m, p + 0x2000, 1), b"2");
    assert!(
        m.history().steps()[from]
            .narration
            .contains("above its hard maximum"),
        "{}",
        m.history().steps()[from].narration
    );
    assert_eq!(m.picture().working_set.pages.len(), 1, "back to the limit");
    assert_eq!(read(&mut m, p + 0x1000, 1), b"1");
    assert_eq!(read(&mut m, p + 0x2000, 1), b"2");
}

#[test]
fn textbook_policy_passes_over_changed_pages_that_cannot_leave() {
    // Three frames, one slot, a working set of two: pages 1 and 2 are changed and in RAM,
    // page 0 fills the slot. Reading page 3 (zeros, born modified, reference §8.2) passes
    // the limit, as nothing can leave; MEM_RESET then says page 3's contents are not
    // needed, so at the next access the now clean page 3 can leave, and FIFO passes over
    // the older changed pages to trim it.
    let mut m = machine(&[
        ("standby", "off"),
        ("frames", "3"),
        ("pagefile", "1"),
        ("working_set", "2"),
        ("policy", "fifo"),
    ]);
    let p = commit(&mut m, 4);
    m.write(p, b"0").unwrap();
    m.write(p + 0x1000, b"1").unwrap();
    m.write(p + 0x2000, b"2").unwrap(); // page 0 goes to the slot
    assert_eq!(read(&mut m, p + 0x3000, 1), [0]);
    assert_eq!(m.picture().working_set.pages.len(), 3, "limit passed");
    assert_ne!(
        m.virtual_alloc(p + 0x3000, 0x1000, MEM_RESET, PAGE_READWRITE),
        0
    );
    let from = m.history().len();
    assert_eq!(read(&mut m, p + 0x1000, 1), b"1");
    let first = &m.history().steps()[from];
    assert!(
        first.narration.contains("passes over them"),
        "{}",
        first.narration
    );
    assert!(first.events.iter().any(|e| matches!(
        e,
        Event::PageTrimmed { vpn, policy: Some(_), .. } if vpn.0 == (p >> 12) + 3
    )));
    assert_eq!(m.picture().working_set.pages.len(), 2, "back to the limit");
    // Once nothing can leave (page 3 changed too), an access records no trim step.
    m.write(p + 0x3000, b"3").unwrap();
    assert_eq!(m.picture().working_set.pages.len(), 3);
    let from = m.history().len();
    assert_eq!(read(&mut m, p + 0x2000, 1), b"2");
    assert_eq!(m.history().len() - from, 1, "just the access");
    assert_eq!(
        read(&mut m, p, 1),
        b"0",
        "page 0 trades places with a changed page"
    );
    assert_eq!(read(&mut m, p + 0x3000, 1), b"3");
}

#[test]
fn with_standby_lists_a_full_machine_swaps_instead() {
    let mut m = machine(&[("frames", "1"), ("pagefile", "1"), ("working_set", "1")]);
    let p = commit(&mut m, 2);
    m.write(p, b"A").unwrap();
    m.write(p + 0x1000, b"B").unwrap();
    assert_eq!(read(&mut m, p, 1), b"A");
    assert_eq!(read(&mut m, p + 0x1000, 1), b"B");
    assert_eq!(read(&mut m, p, 1), b"A");
}

#[test]
fn soft_limits_grow_while_memory_lasts_then_the_working_set_manager_trims() {
    // Reference §8.4. 16 frames: soft maximum 8, minimum 2, threshold 2 frames. The
    // working set grows past 8 while frames are available; when fewer than 2 are, the
    // working-set manager trims it. With working_set=8 (hard), the 9th page trims one.
    let first_trim = |settings: &[(&str, &str)]| {
        let mut m = machine(settings);
        let p = commit(&mut m, 20);
        let mut largest = 0;
        let mut first = None;
        for i in 0..20u64 {
            let from = m.history().len();
            m.write(p + i * 0x1000, b"x").unwrap();
            largest = largest.max(m.picture().working_set.pages.len());
            let trimmed = m.history().steps()[from..].iter().find(|s| {
                s.events
                    .iter()
                    .any(|e| matches!(e, Event::PageTrimmed { .. }))
            });
            if let (None, Some(step)) = (&first, trimmed) {
                first = Some((i, step.narration.clone()));
            }
        }
        (largest, first.expect("a trim"), m)
    };
    let (largest, (at, why), m) = first_trim(&[]);
    assert_eq!(largest, 15, "past the soft maximum of 8 while memory lasts");
    assert_eq!(at, 15, "the 16th page finds only 1 frame available");
    assert!(why.contains("Available memory is low"), "{why}");
    assert!(why.contains("working-set manager"), "{why}");
    let ws = m.process().mmu.ws.limits();
    assert!(!ws.hard && ws.max == 8 && ws.min == 2, "{ws:?}");
    let (largest, (at, why), _) = first_trim(&[("working_set", "8")]);
    assert_eq!((largest, at), (8, 8));
    assert!(why.contains("hard maximum of 8 pages"), "{why}");
    assert!(why.contains("QUOTA_LIMITS_HARDWS_MAX_ENABLE"), "{why}");
}
