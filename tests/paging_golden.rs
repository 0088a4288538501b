//! Scenario tests: each records the steps of one paging mechanism and compares them with
//! a golden file under `tests/golden/` (re-bless with `BLESS=1 cargo test`).

mod common;

use common::paging::{commit, golden, machine, read, render};
use pagelab::sim::consts::{MEM_COMMIT, MEM_RESERVE, PAGE_GUARD, PAGE_READWRITE};
use pagelab::sim::{Event, FaultKind, FrameList, Pte};

fn faults(steps: &[pagelab::sim::Step]) -> Vec<FaultKind> {
    steps
        .iter()
        .flat_map(|s| &s.events)
        .filter_map(|e| match e {
            Event::PageFault { fault, .. } => Some(*fault),
            _ => None,
        })
        .collect()
}

#[test]
fn demand_zero_fault() {
    let mut m = machine(&[]);
    let p = commit(&mut m, 1);
    let from = m.history().len();
    assert_eq!(
        read(&mut m, p + 0x10, 4),
        vec![0; 4],
        "a committed page never touched reads zero"
    );
    let steps = &m.history().steps()[from..];
    assert_eq!(faults(steps), vec![FaultKind::DemandZero]);
    assert!(steps.iter().flat_map(|s| &s.events).any(|e| matches!(
        e,
        Event::FrameTaken {
            from: FrameList::Zeroed,
            ..
        }
    )));
    golden("demand_zero_fault", &render(steps));
}

#[test]
fn tlb_hit_after_a_fault() {
    let mut m = machine(&[]);
    let p = commit(&mut m, 1);
    m.write(p, b"hello").unwrap();
    let from = m.history().len();
    assert_eq!(read(&mut m, p, 5), b"hello");
    let steps = &m.history().steps()[from..];
    assert_eq!(steps.len(), 1, "a TLB hit is one short step");
    assert!(matches!(steps[0].events[1], Event::TlbHit { .. }));
    assert_eq!(m.picture().counters.tlb_hits, 1);
    golden("tlb_hit_after_fault", &render(steps));
}

#[test]
fn trim_to_standby_and_soft_fault_back() {
    let mut m = machine(&[]);
    let p = commit(&mut m, 2);
    // A clean page: saved to the page file and read back. (A demand-zero page only read
    // would not do: it is born modified, reference §8.2.)
    read(&mut m, p, 1);
    m.page_out(p, 1);
    m.write_modified_pages();
    read(&mut m, p, 1);
    m.write(p + 0x1000, b"dirty").unwrap(); // changed page
    let from = m.history().len();
    assert_eq!(m.page_out(p, 0x2000), 2);
    let pic = m.picture();
    assert_eq!(pic.lists.standby.len(), 1, "the clean page goes to standby");
    assert_eq!(
        pic.lists.modified.len(),
        1,
        "the dirty page goes to modified"
    );
    assert!(matches!(pic.ptes[&(p >> 12)], Pte::Transition { .. }));
    assert_eq!(read(&mut m, p + 0x1000, 5), b"dirty");
    assert_eq!(read(&mut m, p, 1), vec![0]);
    let steps = &m.history().steps()[from..];
    assert_eq!(
        faults(steps),
        vec![FaultKind::Transition, FaultKind::Transition]
    );
    assert_eq!(
        m.picture().counters.pagefile_reads,
        0,
        "soft faults need no I/O"
    );
    golden("trim_standby_soft_fault", &render(steps));
}

#[test]
fn modified_write_and_hard_fault_with_clustering() {
    // 4 frames: pushing pages out of RAM takes little.
    let mut m = machine(&[("frames", "4"), ("working_set", "4"), ("cluster", "4")]);
    let p = commit(&mut m, 8);
    for i in 0..4u64 {
        m.write(p + i * 0x1000, &[i as u8 + 1; 3]).unwrap();
    }
    assert_eq!(m.empty_working_set(), 4);
    let written = m.write_modified_pages();
    assert_eq!(written, 0, "the threshold (4) already woke the writer");
    assert_eq!(m.picture().counters.pagefile_writes, 4);
    // Touch four new pages: the standby pages are repurposed and become page-file PTEs.
    for i in 4..8u64 {
        read(&mut m, p + i * 0x1000, 1);
    }
    let pic = m.picture();
    for i in 0..4u64 {
        assert!(
            matches!(pic.ptes[&((p >> 12) + i)], Pte::PageFile { .. }),
            "page {i}"
        );
    }
    m.empty_working_set();
    let from = m.history().len();
    assert_eq!(read(&mut m, p + 0x1000, 3), vec![2; 3]);
    let steps = &m.history().steps()[from..];
    assert_eq!(faults(steps), vec![FaultKind::Hard]);
    assert!(steps
        .iter()
        .flat_map(|s| &s.events)
        .any(|e| matches!(e, Event::ClusterRead { .. })));
    let pic = m.picture();
    // Reference §8.5: one I/O reads contiguous slots, forward first: pages 2, 3 and 4
    // (slots 2–4) come with page 1 (slot 1), and the run of 4 pages is full before page 0.
    for i in [2u64, 3, 4] {
        assert!(
            matches!(pic.ptes[&((p >> 12) + i)], Pte::Transition { .. }),
            "neighbour {i} was prefetched to standby"
        );
    }
    assert!(matches!(pic.ptes[&(p >> 12)], Pte::PageFile { .. }));
    golden("hard_fault_clustering", &render(steps));
    // The prefetched neighbours come back by soft faults, with their bytes.
    let before = m.picture().counters.hard;
    for i in [2u64, 3, 4] {
        let bytes = if i < 4 { i as u8 + 1 } else { 0 };
        assert_eq!(read(&mut m, p + i * 0x1000, 3), vec![bytes; 3]);
    }
    assert_eq!(m.picture().counters.hard, before);
}

#[test]
fn standby_repurposed() {
    let mut m = machine(&[("frames", "2"), ("working_set", "2")]);
    let p = commit(&mut m, 3);
    m.write(p, b"A").unwrap();
    read(&mut m, p + 0x1000, 1);
    m.empty_working_set();
    m.write_modified_pages();
    let from = m.history().len();
    assert_eq!(read(&mut m, p + 0x2000, 1), vec![0]);
    let steps = &m.history().steps()[from..];
    golden("standby_repurposed", &render(steps));
    // Both pages were saved (page 1, only read, was born modified, reference §8.2), so
    // the head of standby, page 0, gets a page-file PTE, and page 1 stays in transition.
    let pic = m.picture();
    assert!(matches!(
        pic.ptes.get(&(p >> 12)),
        Some(Pte::PageFile { .. })
    ));
    assert!(matches!(
        pic.ptes.get(&((p >> 12) + 1)),
        Some(Pte::Transition { .. })
    ));
    assert_eq!(read(&mut m, p, 1), b"A".to_vec());
    assert_eq!(read(&mut m, p + 0x1000, 1), vec![0]);
}

#[test]
fn guard_page() {
    let mut m = machine(&[]);
    let p = m.virtual_alloc(
        0,
        0x1000,
        MEM_COMMIT | MEM_RESERVE,
        PAGE_READWRITE | PAGE_GUARD,
    );
    assert_ne!(p, 0);
    let from = m.history().len();
    let err = m.write(p + 8, b"x").unwrap_err();
    assert_eq!(err.code, 0x8000_0001);
    assert_eq!(err.info, [1, p + 8]);
    assert_eq!(m.picture().counters.guard, 1);
    assert!(m.picture().ptes.is_empty(), "the access was not performed");
    m.write(p + 8, b"x").expect("the guard fires once");
    assert_eq!(read(&mut m, p + 8, 1), b"x");
    golden("guard_page", &render(&m.history().steps()[from..]));
}

#[test]
fn commit_limit() {
    // 2 frames + 2 slots: the commit limit is 4 pages.
    let mut m = machine(&[("frames", "2"), ("pagefile", "2"), ("working_set", "2")]);
    let p = commit(&mut m, 4);
    let from = m.history().len();
    let q = m.virtual_alloc(0, 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(q, 0);
    assert_eq!(m.last_error(), 1455, "ERROR_COMMITMENT_LIMIT");
    // Every committed page can hold data at once: 2 in RAM, 2 in the page file.
    for i in 0..4u64 {
        m.write(p + i * 0x1000, &[0x40 + i as u8]).unwrap();
    }
    for i in 0..4u64 {
        assert_eq!(
            read(&mut m, p + i * 0x1000, 1),
            vec![0x40 + i as u8],
            "page {i}"
        );
    }
    let pic = m.picture();
    assert_eq!(pic.commit.charge, 4);
    assert_eq!(pic.commit.limit, 4);
    assert!(
        pic.slots.iter().all(|s| s.is_some()),
        "the page file is full"
    );
    golden("commit_limit", &render(&m.history().steps()[from..]));
}

#[test]
fn textbook_trade_places() {
    // Textbook model, one frame and one slot, both full of changed pages: the hard fault
    // on page A trades places with page B through A's slot, in one I/O.
    let mut m = machine(&[
        ("standby", "off"),
        ("frames", "1"),
        ("pagefile", "1"),
        ("working_set", "1"),
        ("policy", "fifo"),
    ]);
    let p = commit(&mut m, 2);
    m.write(p, b"A").unwrap();
    m.write(p + 0x1000, b"B").unwrap();
    let from = m.history().len();
    assert_eq!(read(&mut m, p, 1), b"A");
    let steps = &m.history().steps()[from..];
    assert_eq!(faults(steps), vec![FaultKind::Hard]);
    golden("textbook_trade_places", &render(steps));
}
