//! The VM API and the paging engine together, end to end through `Machine`: what commit,
//! decommit, release, VirtualProtect, MEM_RESET and guard pages do to resident pages,
//! page-file copies, PTEs and the TLB (reference §3.3, §3.4, §4, §5, §6, §7, §8.6).

mod common;

use common::*;
use pagelab::sim::addr::Vpn;
use pagelab::sim::consts::*;
use pagelab::sim::picture::Picture;
use pagelab::sim::{Config, ExceptionRecord, Machine, Pte};

/// A machine with a small RAM so that page-outs and the page file are easy to reach.
fn small() -> Machine {
    let config = Config {
        frames: 4,
        pagefile: 8,
        working_set: Some(4),
        tlb: 4,
        ..Config::default()
    };
    let mut m = Machine::new(config);
    m.set_last_error(SENTINEL);
    m
}

fn read(m: &mut Machine, va: u64, len: usize) -> Result<Vec<u8>, ExceptionRecord> {
    let mut buf = vec![0xEE; len];
    m.read(va, &mut buf).map(|()| buf)
}

fn pte(p: &Picture, va: u64) -> Pte {
    p.ptes.get(&Vpn::of(va).0).copied().unwrap_or(Pte::Empty)
}

fn tlb_has(p: &Picture, va: u64) -> bool {
    p.tlb.iter().flatten().any(|e| e.vpn == Vpn::of(va))
}

// Reference 3.3: the first touch of a committed page reads zeros (demand-zero), and the
// bytes written read back, also after a trip through the page file.
#[test]
fn commit_first_touch_reads_zeros_and_writes_read_back() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x3000, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(p, BASE);
    assert_eq!(
        m.commit_charge(),
        3,
        "charged at commit, before any touch (8.6)"
    );
    assert!(
        m.picture().frames.iter().all(|f| f.vpn.is_none()),
        "no RAM used yet"
    );
    assert_eq!(read(&mut m, p + 0x10, 16), Ok(vec![0; 16]));
    assert_eq!(m.picture().counters.demand_zero, 1);
    assert!(matches!(pte(&m.picture(), p), Pte::Valid { .. }));
    m.write(p + 0x1FFC, b"12345678")
        .expect("write across two pages");
    assert_eq!(read(&mut m, p + 0x1FFC, 8), Ok(b"12345678".to_vec()));
    // Page everything out and force the writer: the bytes come back from the page file.
    m.empty_working_set();
    m.write_modified_pages();
    assert_eq!(read(&mut m, p + 0x1FFC, 8), Ok(b"12345678".to_vec()));
    assert_eq!(
        m.last_error(),
        SENTINEL,
        "accesses leave the last error alone"
    );
    check_picture(&m);
}

// Reference 4.3, 3.3: decommit drops the data, frames, slots, PTEs and TLB entries and
// returns the charge (8.6); a recommit reads zeros again.
#[test]
fn decommit_then_recommit_reads_zeros() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x2000, MEM_COMMIT, PAGE_READWRITE);
    m.write(p, b"resident").expect("write page 0");
    m.write(p + 0x1000, b"paged out").expect("write page 1");
    m.page_out(p + 0x1000, 0x1000);
    m.write_modified_pages();
    let before = m.picture();
    assert!(tlb_has(&before, p), "page 0 is cached");
    assert!(before
        .slots
        .iter()
        .flatten()
        .any(|v| v.private_vpn() == Some(Vpn::of(p + 0x1000))));
    assert!(m.virtual_free(p, 0x2000, MEM_DECOMMIT));
    let after = m.picture();
    assert_eq!(m.commit_charge(), 0, "decommit returns the charge (8.6)");
    assert_eq!(pte(&after, p), Pte::Empty);
    assert_eq!(pte(&after, p + 0x1000), Pte::Empty);
    assert!(!tlb_has(&after, p), "the TLB entry is flushed");
    assert!(after.slots.iter().all(|s| s.is_none()), "the slot is freed");
    assert!(
        after.frames.iter().all(|f| f.vpn.is_none()),
        "no frame holds the pages"
    );
    assert!(after.working_set.pages.is_empty());
    assert_eq!(region(&mut m, p), (0x2000, MEM_RESERVE, 0));
    // The pages are only reserved now: touching them is an access violation.
    assert_eq!(read(&mut m, p, 1), Err(av(0, p)));
    assert_eq!(m.virtual_alloc(p, 0x2000, MEM_COMMIT, PAGE_READWRITE), p);
    assert_eq!(m.commit_charge(), 2);
    assert_eq!(
        read(&mut m, p, 8),
        Ok(vec![0; 8]),
        "recommit gives zeros (4.3)"
    );
    assert_eq!(read(&mut m, p + 0x1000, 9), Ok(vec![0; 9]));
    assert_eq!(m.last_error(), SENTINEL);
    check_picture(&m);
}

// Reference 4.2, 8.6: release frees frames and slots, empties PTEs and TLB entries, and
// returns the charge; the range is free and re-reserving it reads zeros.
#[test]
fn release_frees_frames_slots_ptes_and_tlb() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_eq!(m.virtual_alloc(p, 0x3000, MEM_COMMIT, PAGE_READWRITE), p);
    for k in 0..3 {
        m.write(p + k * 0x1000, &[k as u8 + 1; 64]).expect("write");
    }
    m.page_out(p, 0x1000);
    m.write_modified_pages();
    assert_eq!(m.commit_charge(), 3);
    assert!(m.virtual_free(p, 0, MEM_RELEASE));
    let after = m.picture();
    assert_eq!(m.commit_charge(), 0);
    assert!(after.ptes.values().all(|e| *e == Pte::Empty));
    assert!(after.tlb.iter().all(|e| e.is_none()));
    assert!(after.slots.iter().all(|s| s.is_none()));
    assert!(after.frames.iter().all(|f| f.vpn.is_none() && !f.dirty));
    assert!(after.lists.standby.is_empty() && after.lists.modified.is_empty());
    assert_eq!(query(&mut m, p).State, MEM_FREE);
    assert_eq!(read(&mut m, p, 1), Err(av(0, p)));
    assert_eq!(
        m.virtual_alloc(p, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
        p
    );
    assert_eq!(
        read(&mut m, p, 64),
        Ok(vec![0; 64]),
        "the old bytes are gone"
    );
    check_picture(&m);
}

// Reference 5, 7: VirtualProtect after the page is resident and cached in the TLB takes
// effect on the very next access.
#[test]
fn protect_takes_effect_even_when_the_translation_is_cached() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    m.write(p, b"abc").expect("write RW");
    assert!(tlb_has(&m.picture(), p));
    assert_eq!(
        m.virtual_protect(p, 1, PAGE_READONLY, true),
        Some(PAGE_READWRITE)
    );
    let pic = m.picture();
    assert!(!tlb_has(&pic, p), "re-protecting flushes the TLB entry");
    assert!(matches!(
        pte(&pic, p),
        Pte::Valid {
            writable: false,
            ..
        }
    ));
    assert_eq!(m.write(p + 1, b"X"), Err(av(1, p + 1)));
    assert_eq!(
        read(&mut m, p, 3),
        Ok(b"abc".to_vec()),
        "the write was not performed"
    );
    // The read filled the TLB with the read-only translation; a write still faults.
    assert!(tlb_has(&m.picture(), p));
    assert_eq!(m.write(p, b"Y"), Err(av(1, p)));
    assert_eq!(
        m.virtual_protect(p, 1, PAGE_READWRITE, true),
        Some(PAGE_READONLY)
    );
    assert!(matches!(
        pte(&m.picture(), p),
        Pte::Valid { writable: true, .. }
    ));
    m.write(p, b"Z").expect("RW again");
    assert_eq!(read(&mut m, p, 3), Ok(b"Zbc".to_vec()));
    // NOACCESS after residency: reads fault too, and execute is a DEP fault.
    assert_eq!(
        m.virtual_protect(p, 1, PAGE_NOACCESS, true),
        Some(PAGE_READWRITE)
    );
    assert_eq!(read(&mut m, p + 5, 1), Err(av(0, p + 5)));
    assert_eq!(m.execute(p), Err(av(8, p)));
    assert_eq!(m.last_error(), SENTINEL);
    check_picture(&m);
}

// Reference 3.3: recommitting a resident page with another protection changes it at once.
#[test]
fn recommit_with_new_protection_takes_effect_on_the_next_access() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    m.write(p, b"kept").expect("write");
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_COMMIT, PAGE_READONLY), p);
    assert_eq!(m.commit_charge(), 1, "no second charge");
    assert_eq!(m.write(p, b"x"), Err(av(1, p)));
    assert_eq!(
        read(&mut m, p, 4),
        Ok(b"kept".to_vec()),
        "recommit keeps the data"
    );
    check_picture(&m);
}

// Reference 3.4: MEM_RESET on resident dirty pages keeps them committed with their
// protection; the data reads back old or zero, and a page-out does not write it to the
// page file (the contents are no longer needed).
#[test]
fn mem_reset_keeps_state_and_skips_the_page_file() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x2000, MEM_COMMIT, PAGE_READWRITE);
    m.write(p, &[0x5A; 32]).expect("write page 0");
    m.write(p + 0x1000, &[0xA5; 32]).expect("write page 1");
    assert_eq!(m.virtual_alloc(p, 0x2000, MEM_RESET, PAGE_NOACCESS), p);
    assert_eq!(region(&mut m, p), (0x2000, MEM_COMMIT, PAGE_READWRITE));
    assert_eq!(m.commit_charge(), 2, "MEM_RESET keeps the charge");
    let writes = m.picture().counters.pagefile_writes;
    m.empty_working_set();
    m.write_modified_pages();
    let pic = m.picture();
    assert_eq!(
        pic.counters.pagefile_writes, writes,
        "reset pages are not written"
    );
    assert!(
        pic.lists.modified.is_empty(),
        "reset pages are clean: they go to standby"
    );
    assert!(pic.slots.iter().all(|s| s.is_none()));
    // Old data while the frame is still on standby (a soft fault).
    let page0 = read(&mut m, p, 32).expect("read page 0");
    assert!(
        page0 == vec![0x5A; 32] || page0 == vec![0; 32],
        "old or zero: {page0:?}"
    );
    // Fill RAM with other pages so that the standby frame of page 1 is repurposed.
    let q = m.virtual_alloc(0, 0x8000, MEM_COMMIT, PAGE_READWRITE);
    for k in 0..8 {
        m.write(q + k * 0x1000, &[k as u8; 8]).expect("fill");
    }
    let page1 = read(&mut m, p + 0x1000, 32).expect("read page 1");
    assert!(
        page1 == vec![0xA5; 32] || page1 == vec![0; 32],
        "old or zero: {page1:?}"
    );
    // A write after MEM_RESET makes the page worth saving again.
    m.write(p + 0x1000, b"new").expect("write after reset");
    m.page_out(p + 0x1000, 1);
    m.write_modified_pages();
    assert!(m.picture().counters.pagefile_writes > writes);
    assert_eq!(read(&mut m, p + 0x1000, 3), Ok(b"new".to_vec()));
    assert_eq!(m.last_error(), SENTINEL);
    check_picture(&m);
}

// Reference 3.4: MEM_RESET of a page that lives only in the page file gives its slot back.
#[test]
fn mem_reset_of_a_paged_out_page_frees_its_slot() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    m.write(p, &[7; 16]).expect("write");
    m.page_out(p, 1);
    m.write_modified_pages();
    // Push the page's frame out of RAM so that only the slot holds it.
    let q = m.virtual_alloc(0, 0x8000, MEM_COMMIT, PAGE_READWRITE);
    for k in 0..8 {
        m.write(q + k * 0x1000, &[1; 4]).expect("fill");
    }
    assert!(matches!(pte(&m.picture(), p), Pte::PageFile { .. }));
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_RESET, PAGE_READWRITE), p);
    assert!(!m
        .picture()
        .slots
        .iter()
        .flatten()
        .any(|v| v.private_vpn() == Some(Vpn::of(p))));
    assert_eq!(
        read(&mut m, p, 16),
        Ok(vec![0; 16]),
        "zeros once the data is dropped"
    );
    check_picture(&m);
}

// Reference 6, 7: a guard page through the engine. The first access of any kind raises
// STATUS_GUARD_PAGE_VIOLATION [kind, address] and is not performed; Protect loses
// PAGE_GUARD and the regions merge; the retry succeeds; AllocationProtect keeps the guard.
#[test]
fn guard_page_fires_once_for_each_kind_of_access() {
    for (kind, info) in [("read", 0u64), ("write", 1), ("execute", 8)] {
        let mut m = small();
        let p = m.virtual_alloc(0, 0x3000, MEM_COMMIT, PAGE_EXECUTE_READWRITE);
        m.write(p + 0x1000, b"old").expect("write before arming");
        assert_eq!(
            m.virtual_protect(
                p + 0x1000,
                0x1000,
                PAGE_EXECUTE_READWRITE | PAGE_GUARD,
                true
            ),
            Some(PAGE_EXECUTE_READWRITE)
        );
        assert_eq!(
            query(&mut m, p + 0x1000).RegionSize,
            0x1000,
            "{kind}: split"
        );
        let va = p + 0x1234;
        let first = match info {
            0 => read(&mut m, va, 1).map(|_| ()),
            1 => m.write(va, b"N"),
            _ => m.execute(va),
        };
        assert_eq!(first, Err(guard(info, va)), "{kind}");
        assert_eq!(
            m.last_error(),
            SENTINEL,
            "{kind}: exceptions leave the last error alone"
        );
        let q = query(&mut m, p);
        assert_eq!(q.Protect, PAGE_EXECUTE_READWRITE, "{kind}: guard cleared");
        assert_eq!(q.RegionSize, 0x3000, "{kind}: regions merge again");
        assert_eq!(q.AllocationProtect, PAGE_EXECUTE_READWRITE, "{kind}");
        assert_eq!(read(&mut m, p + 0x1000, 3), Ok(b"old".to_vec()), "{kind}");
        assert_eq!(read(&mut m, va, 1), Ok(vec![0]), "{kind}: not performed");
        // The second access succeeds.
        m.write(va, b"N").expect("retry");
        m.execute(va).expect("execute");
        assert_eq!(read(&mut m, va, 1), Ok(b"N".to_vec()));
        assert_eq!(
            m.picture().counters.guard,
            1,
            "{kind}: exactly one exception"
        );
        check_picture(&m);
    }
}

// Reference 3.2, 6, 7 (W-K32 test_guard_page): an allocation made with PAGE_GUARD keeps it
// in AllocationProtect after the guard fired; the untouched page is not given a frame.
#[test]
fn guard_allocation_keeps_allocation_protect() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x1000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    let before = m.picture();
    assert_eq!(m.write(p + 8, &[1, 2]), Err(guard(1, p + 8)));
    let after = m.picture();
    assert_eq!(
        after.frames, before.frames,
        "the guard fires before a frame is spent"
    );
    let q = query(&mut m, p);
    assert_eq!((q.Protect, q.AllocationProtect), (PAGE_READWRITE, 0x104));
    m.write(p + 8, &[1, 2]).expect("second access");
    assert_eq!(read(&mut m, p + 7, 4), Ok(vec![0, 1, 2, 0]));
    check_picture(&m);
}

// Reference 3.4: MEM_RESET_UNDO while the reset data is still in RAM succeeds, and from
// then on the data is needed again: a page-out writes it to the page file, and it survives
// its frame being reused.
#[test]
fn mem_reset_undo_keeps_data_that_survived() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x2000, MEM_COMMIT, PAGE_READWRITE);
    m.write(p, &[0x11; 16]).expect("write page 0");
    m.write(p + 0x1000, &[0x22; 16]).expect("write page 1");
    assert_eq!(m.virtual_alloc(p, 0x2000, MEM_RESET, PAGE_READWRITE), p);
    // Page 1 leaves the working set clean: it waits on standby, unsaved.
    m.page_out(p + 0x1000, 1);
    assert_eq!(m.picture().lists.standby.len(), 1);
    assert_eq!(
        m.virtual_alloc(p, 0x2000, MEM_RESET_UNDO, PAGE_READWRITE),
        p
    );
    assert_eq!(m.last_error(), SENTINEL);
    let pic = m.picture();
    assert_eq!(
        pic.lists.modified.len(),
        1,
        "the standby page counts as changed again"
    );
    assert!(matches!(pte(&pic, p), Pte::Valid { dirty: true, .. }));
    check_picture(&m);
    // Everything is saved now, and survives RAM filling up with other pages.
    let writes = m.picture().counters.pagefile_writes;
    m.empty_working_set();
    m.write_modified_pages();
    assert_eq!(m.picture().counters.pagefile_writes, writes + 2);
    let q = m.virtual_alloc(0, 0x8000, MEM_COMMIT, PAGE_READWRITE);
    for k in 0..8 {
        m.write(q + k * 0x1000, &[0x33; 8]).expect("fill");
    }
    assert_eq!(read(&mut m, p, 16), Ok(vec![0x11; 16]));
    assert_eq!(read(&mut m, p + 0x1000, 16), Ok(vec![0x22; 16]));
    check_picture(&m);
}

/// A written page that `MEM_RESET` gave up, paged out, and whose standby frame other pages
/// then reused: its PTE is demand-zero again (reference 3.4).
fn reset_page_whose_frame_is_reused() -> (Machine, u64) {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    m.write(p, &[0x44; 16]).expect("write");
    assert_eq!(m.virtual_alloc(p, 0x1000, MEM_RESET, PAGE_READWRITE), p);
    m.page_out(p, 1);
    let q = m.virtual_alloc(0, 0x8000, MEM_COMMIT, PAGE_READWRITE);
    for k in 0..8 {
        m.write(q + k * 0x1000, &[0x55; 8]).expect("fill");
    }
    assert_eq!(
        pte(&m.picture(), p),
        Pte::DemandZero,
        "the frame was reused"
    );
    (m, p)
}

// Reference 3.4: MEM_RESET_UNDO fails when a reset page lost its data (its standby frame
// was reused, so it reads zeros). The region is unchanged.
#[test]
fn mem_reset_undo_fails_when_data_was_dropped() {
    let (mut m, p) = reset_page_whose_frame_is_reused();
    alloc_fails(&mut m, p, 0x1000, MEM_RESET_UNDO, PAGE_READWRITE, 487);
    assert_eq!(region(&mut m, p), (0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_eq!(read(&mut m, p, 16), Ok(vec![0; 16]));
    // The failure took the reset back anyway: a second MEM_RESET_UNDO succeeds.
    m.set_last_error(SENTINEL);
    assert_eq!(
        m.virtual_alloc(p, 0x1000, MEM_RESET_UNDO, PAGE_READWRITE),
        p
    );
    check_picture(&m);
}

// Reference 3.4: data dropped after MEM_RESET stays lost even when the page is read again
// (it comes back as a clean page of zeros): MEM_RESET_UNDO still fails.
#[test]
fn mem_reset_undo_fails_when_dropped_data_was_touched_again() {
    let (mut m, p) = reset_page_whose_frame_is_reused();
    assert_eq!(
        read(&mut m, p, 16),
        Ok(vec![0; 16]),
        "the page reads zeros again"
    );
    alloc_fails(&mut m, p, 0x1000, MEM_RESET_UNDO, PAGE_READWRITE, 487);
    assert_eq!(read(&mut m, p, 16), Ok(vec![0; 16]));
    check_picture(&m);
}

// Reference 3.4: a write ends the reset even after the old data was dropped: the page
// holds what the program wrote since, so MEM_RESET_UNDO succeeds (a property test found
// the undo failing here).
#[test]
fn mem_reset_undo_succeeds_when_dropped_data_was_written_again() {
    let (mut m, p) = reset_page_whose_frame_is_reused();
    m.write(p + 4, &[7; 4]).expect("write after the drop");
    m.set_last_error(SENTINEL);
    assert_eq!(
        m.virtual_alloc(p, 0x1000, MEM_RESET_UNDO, PAGE_READWRITE),
        p
    );
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(read(&mut m, p, 8), Ok(vec![0, 0, 0, 0, 7, 7, 7, 7]));
    check_picture(&m);
}

// Reference 3.4, 4.3: a page written after MEM_RESET holds the program's data (undo
// succeeds); a decommit forgets the reset (the data is gone by decommit, not by reset).
#[test]
fn mem_reset_undo_after_write_or_decommit_succeeds() {
    let mut m = small();
    let p = m.virtual_alloc(0, 0x2000, MEM_COMMIT, PAGE_READWRITE);
    m.write(p, &[1; 8]).expect("write page 0");
    m.write(p + 0x1000, &[2; 8]).expect("write page 1");
    assert_eq!(m.virtual_alloc(p, 0x2000, MEM_RESET, PAGE_READWRITE), p);
    m.write(p + 4, &[9; 4]).expect("write after reset");
    assert!(m.virtual_free(p + 0x1000, 0x1000, MEM_DECOMMIT));
    assert_eq!(
        m.virtual_alloc(p + 0x1000, 0x1000, MEM_COMMIT, PAGE_READWRITE),
        p + 0x1000
    );
    assert_eq!(
        m.virtual_alloc(p, 0x2000, MEM_RESET_UNDO, PAGE_READWRITE),
        p
    );
    assert_eq!(m.last_error(), SENTINEL);
    assert_eq!(read(&mut m, p, 8), Ok(vec![1, 1, 1, 1, 9, 9, 9, 9]));
    assert_eq!(read(&mut m, p + 0x1000, 8), Ok(vec![0; 8]));
    check_picture(&m);
}
