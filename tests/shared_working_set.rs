//! A view's pages count in the working set of every process that maps them
//! (docs/windows-sections.md §8.2; reference §8.4): a page joins when its PTE becomes valid
//! through the prototype PTE, leaves when it is trimmed or unmapped; trimming writes the
//! prototype-pointing PTE and drops the share count, and at share count 0 the page goes
//! to standby (clean) or modified (changed, or a page-file section's page, born
//! modified), from where a touch takes it back by a soft fault.

use pagelab::sim::addr::{Pfn, Vpn};
use pagelab::sim::consts::*;
use pagelab::sim::event::{Event, FaultKind, FrameList};
use pagelab::sim::system::image::KERNEL32_BASE;
use pagelab::sim::{Config, Machine, Pte};

const RW: u32 = GENERIC_READ | GENERIC_WRITE;
const SHARE_ALL: u32 = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

/// Two processes, `main` (0) and `other` (1), each with a view of "notes.txt" (two
/// pages) mapped by name; `main` runs. Returns the views' bases.
fn two_views(write: bool) -> (Machine, u64, u64) {
    let mut m = Machine::new(Config {
        frames: 12,
        pagefile: 8,
        working_set: Some(4),
        tlb: 4,
        ..Config::default()
    });
    m.put_file("notes.txt", &[b'.'; 8192]);
    let h = m.create_file("notes.txt", RW, SHARE_ALL, OPEN_EXISTING);
    let s = m.create_file_mapping(h, PAGE_READWRITE, 0, 0, Some("notes"));
    let access = if write { FILE_MAP_WRITE } else { FILE_MAP_READ };
    let v = m.map_view_of_file(s, access, 0, 0, 0);
    assert_ne!(v, 0);
    m.create_process("other");
    m.wait();
    assert!(m.switch_to(1));
    let s2 = m.open_file_mapping(FILE_MAP_READ, "notes");
    let w = m.map_view_of_file(s2, FILE_MAP_READ, 0, 0, 0);
    assert_ne!(w, 0);
    m.wait();
    assert!(m.switch_to(0));
    (m, v, w)
}

/// The working set of process `i`, as page numbers.
fn ws(m: &Machine, i: usize) -> Vec<u64> {
    let mut pages: Vec<u64> = m.processes()[i]
        .mmu
        .ws
        .pages()
        .iter()
        .map(|v| v.0)
        .collect();
    pages.sort_unstable();
    pages
}

fn frame_of(m: &Machine, va: u64) -> Pfn {
    match m.process().mmu.tables.pte(Vpn::of(va)) {
        Pte::Valid { pfn, .. } => pfn,
        other => panic!("{va:#x} is not valid: {other:?}"),
    }
}

fn events_since(m: &Machine, from: usize) -> Vec<Event> {
    (from..m.history().len())
        .filter_map(|i| m.history().step(i))
        .flat_map(|s| s.events.clone())
        .collect()
}

fn read(m: &mut Machine, va: u64) -> u8 {
    let mut b = [0u8];
    m.read(va, &mut b).expect("read");
    b[0]
}

#[test]
fn a_shared_page_counts_in_each_working_set_that_maps_it() {
    let (mut m, v, w) = two_views(false);
    assert_eq!(read(&mut m, v), b'.');
    let pfn = frame_of(&m, v);
    assert_eq!(ws(&m, 0), vec![Vpn::of(v).0], "joined main's working set");
    assert!(m.switch_to(1));
    assert_eq!(read(&mut m, w), b'.');
    assert_eq!(frame_of(&m, w), pfn, "one frame for both");
    assert_eq!(ws(&m, 1), vec![Vpn::of(w).0], "and other's");
    assert_eq!(m.system().frames.get(pfn).share_count, 2);
    // The picture counts it too.
    assert_eq!(m.picture().working_set.pages.len(), 1);
}

#[test]
fn trimming_a_view_page_leaves_a_prototype_pointer_and_lowers_the_share_count() {
    let (mut m, v, w) = two_views(false);
    read(&mut m, v);
    let pfn = frame_of(&m, v);
    assert!(m.switch_to(1));
    read(&mut m, w);
    // other trims its page: main still maps the frame.
    assert_eq!(m.page_out(w, 1), 1);
    assert!(ws(&m, 1).is_empty());
    assert_eq!(
        m.process().mmu.tables.pte(Vpn::of(w)),
        Pte::Prototype { index: 0 }
    );
    let f = *m.system().frames.get(pfn);
    assert_eq!((f.list, f.share_count), (FrameList::Active, 1));
    // main trims its page too: share count 0, a clean file page goes to standby and the
    // prototype PTE to transition.
    assert!(m.switch_to(0));
    let before = m.history().len();
    assert_eq!(m.empty_working_set(), 1);
    assert!(ws(&m, 0).is_empty());
    let f = *m.system().frames.get(pfn);
    assert_eq!((f.list, f.share_count), (FrameList::Standby, 0));
    assert_eq!(
        m.system().sections[1].prototypes[0],
        Pte::Transition { pfn }
    );
    let narration = &m.history().step(before).expect("the trim's step").narration;
    assert!(
        narration.contains("prototype PTE 0") && narration.contains("standby list"),
        "{narration}"
    );
    // Touched again: a soft fault from standby, no read of the file; it joins again.
    let before = m.history().len();
    assert_eq!(read(&mut m, v), b'.');
    let events = events_since(&m, before);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::PageFault {
            fault: FaultKind::Transition,
            ..
        }
    )));
    assert!(!events.iter().any(|e| matches!(e, Event::FileRead { .. })));
    assert_eq!(frame_of(&m, v), pfn);
    assert_eq!(ws(&m, 0), vec![Vpn::of(v).0]);
    assert_eq!(m.system().frames.get(pfn).share_count, 1);
}

#[test]
fn a_changed_view_page_trimmed_everywhere_goes_to_modified() {
    let (mut m, v, _) = two_views(true);
    m.write(v + 0x1000, b"x").expect("write");
    let pfn = frame_of(&m, v + 0x1000);
    assert_eq!(m.empty_working_set(), 1);
    assert_eq!(m.system().frames.get(pfn).list, FrameList::Modified);
    assert_eq!(
        m.system().sections[1].prototypes[1],
        Pte::Transition { pfn }
    );
}

#[test]
fn unmapping_takes_the_pages_out_of_the_working_set() {
    let (mut m, v, _) = two_views(false);
    read(&mut m, v);
    read(&mut m, v + 0x1000);
    let private = m.virtual_alloc(0, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    m.write(private, b"p").expect("write");
    assert_eq!(ws(&m, 0).len(), 3);
    assert!(m.unmap_view_of_file(v));
    assert_eq!(ws(&m, 0), vec![Vpn::of(private).0]);
}

#[test]
fn a_hard_maximum_counts_view_pages() {
    let (mut m, v, _) = two_views(false);
    let private = m.virtual_alloc(0, 0x3000, MEM_COMMIT, PAGE_READWRITE);
    for i in 0..3 {
        m.write(private + i * 0x1000, b"p").expect("write");
    }
    read(&mut m, v);
    assert_eq!(ws(&m, 0).len(), 4, "at the maximum of 4");
    let before = m.history().len();
    read(&mut m, v + 0x1000);
    assert_eq!(ws(&m, 0).len(), 4, "a page left for the view's second page");
    assert!(events_since(&m, before)
        .iter()
        .any(|e| matches!(e, Event::PageTrimmed { .. })));
}

#[test]
fn the_image_s_pages_count_and_go_to_standby_when_no_one_maps_them() {
    let mut m = Machine::new(Config::default());
    m.execute(KERNEL32_BASE + 0x1000).expect("fetch");
    let code = frame_of(&m, KERNEL32_BASE + 0x1000);
    assert_eq!(ws(&m, 0), vec![Vpn::of(KERNEL32_BASE + 0x1000).0]);
    assert_eq!(m.empty_working_set(), 1);
    assert_eq!(m.system().frames.get(code).list, FrameList::Standby);
    m.execute(KERNEL32_BASE + 0x1000).expect("fetch again");
    assert_eq!(frame_of(&m, KERNEL32_BASE + 0x1000), code, "a soft fault");
}

/// A page-file section's page at share count 0 goes to the modified list, born modified
/// like a demand-zero page, with its prototype PTE in transition; a touch takes it back by
/// a soft fault (docs/windows-sections.md §8.2; reference §8.2, §8.3).
#[test]
fn a_page_file_section_page_goes_to_modified_at_share_count_zero() {
    let mut m = Machine::new(Config::default());
    let s = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0x1000, None);
    let v = m.map_view_of_file(s, FILE_MAP_READ, 0, 0, 0);
    // Only read: still born modified (no copy exists anywhere else).
    assert_eq!(read(&mut m, v), 0);
    let pfn = frame_of(&m, v);
    assert_eq!(m.empty_working_set(), 1);
    assert!(ws(&m, 0).is_empty());
    let f = *m.system().frames.get(pfn);
    assert_eq!((f.list, f.share_count), (FrameList::Modified, 0));
    let section = m.system().sections.len() - 1;
    assert_eq!(
        m.system().sections[section].prototypes[0],
        Pte::Transition { pfn }
    );
    assert_eq!(read(&mut m, v), 0);
    assert_eq!(frame_of(&m, v), pfn, "a soft fault");
    assert_eq!(m.system().frames.get(pfn).share_count, 1);
    assert_eq!(ws(&m, 0), vec![Vpn::of(v).0]);
}
