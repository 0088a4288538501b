//! A page-file-backed section's pages go through the page file (docs/windows-sections.md
//! §8.2; reference §8.2–§8.4, §8.7): at share count 0 a page goes to the modified list
//! (born modified) with its prototype PTE in transition; the modified page writer writes
//! it to a slot owned by the prototype PTE; when its frame is reused the prototype PTE
//! becomes a page-file PTE, and the next touch is a hard fault that reads the slot. The
//! slot is freed when the page is changed again or when the section goes.

use pagelab::sim::addr::{Owner, Slot};
use pagelab::sim::consts::*;
use pagelab::sim::event::{Event, FrameList};
use pagelab::sim::{Config, Machine, Pte};

/// Two processes, `main` (0) and `other` (1), each with a FILE_MAP_WRITE view of a
/// one-page page-file section "shm"; main wrote `hello` into it and both read it. RAM is
/// small. Returns the machine, the views' bases and the handles.
fn shared_page() -> (Machine, [u64; 2], [u64; 2]) {
    let mut m = Machine::new(Config {
        frames: 8,
        pagefile: 16,
        tlb: 4,
        ..Config::default()
    });
    let h0 = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0x1000, Some("shm"));
    let v0 = m.map_view_of_file(h0, FILE_MAP_WRITE, 0, 0, 0);
    assert_ne!(v0, 0);
    m.write(v0, b"hello").expect("write");
    m.create_process("other");
    m.wait();
    assert!(m.switch_to(1));
    let h1 = m.open_file_mapping(FILE_MAP_WRITE, "shm");
    let v1 = m.map_view_of_file(h1, FILE_MAP_WRITE, 0, 0, 0);
    assert_ne!(v1, 0);
    assert_eq!(read5(&mut m, v1), *b"hello");
    (m, [v0, v1], [h0, h1])
}

fn read5(m: &mut Machine, va: u64) -> [u8; 5] {
    let mut b = [0u8; 5];
    m.read(va, &mut b).expect("read");
    b
}

/// The prototype PTE of the section's page 0 ("shm" is the last section made).
fn prototype(m: &Machine) -> Pte {
    let s = m
        .system()
        .sections
        .iter()
        .find(|s| s.name.as_deref() == Some("shm"))
        .expect("the section");
    s.prototypes[0]
}

fn events_since(m: &Machine, from: usize) -> Vec<Event> {
    (from..m.history().len())
        .filter_map(|i| m.history().step(i))
        .flat_map(|s| s.events.clone())
        .collect()
}

fn narration_since(m: &Machine, from: usize) -> String {
    (from..m.history().len())
        .filter_map(|i| m.history().step(i))
        .map(|s| s.narration.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Trim the page from both working sets, write it out, and fill RAM with main's private
/// pages until its frame is reused. Returns the slot the page went to; main runs after.
fn page_it_out(m: &mut Machine, [v0, v1]: [u64; 2]) -> Slot {
    let Pte::Valid { pfn, .. } = prototype(m) else {
        panic!("the page is resident");
    };
    // other trims it: main still maps it.
    assert_eq!(m.page_out(v1, 1), 1);
    assert_eq!(m.system().frames.get(pfn).list, FrameList::Active);
    assert_eq!(m.system().frames.get(pfn).share_count, 1);
    m.wait();
    assert!(m.switch_to(0));
    let before = m.history().len();
    assert_eq!(m.page_out(v0, 1), 1);
    let f = *m.system().frames.get(pfn);
    assert_eq!((f.list, f.share_count), (FrameList::Modified, 0));
    assert_eq!(prototype(m), Pte::Transition { pfn });
    assert!(narration_since(m, before).contains("goes to the modified list"));
    // The modified page writer gives it a slot owned by the prototype PTE.
    let before = m.history().len();
    assert_eq!(m.write_modified_pages(), 1);
    let f = *m.system().frames.get(pfn);
    assert_eq!(f.list, FrameList::Standby);
    let slot = f.slot.expect("a slot holds the page");
    let owner = Owner::Shared {
        section: m.system().sections.last().expect("shm").id,
        index: 0,
    };
    assert_eq!(m.system().pagefile.owner(slot), Some(owner));
    assert_eq!(m.picture().slots[slot.0 as usize], Some(owner));
    assert!(events_since(m, before).contains(&Event::PageFileWrite {
        slot,
        pfn,
        vpn: None
    }));
    let words = narration_since(m, before);
    assert!(
        words.contains("The shared page 0 of section \"shm\"")
            && words.contains("prototype PTE stays in transition"),
        "{words}"
    );
    assert_eq!(prototype(m), Pte::Transition { pfn }, "still in RAM");
    // Private pages take every frame, the standby one last.
    let before = m.history().len();
    let private = m.virtual_alloc(0, 0x10000, MEM_COMMIT, PAGE_READWRITE);
    for i in 0..16 {
        m.write(private + i * 0x1000, &[7]).expect("private write");
        if prototype(m) != (Pte::Transition { pfn }) {
            break;
        }
    }
    assert_eq!(prototype(m), Pte::PageFile { slot }, "the frame was reused");
    let words = narration_since(m, before);
    assert!(
        words.contains(&format!(
            "whose prototype PTE now points at page-file slot {}",
            slot.0
        )),
        "{words}"
    );
    slot
}

#[test]
fn a_shared_page_trimmed_everywhere_goes_to_the_page_file_and_comes_back_by_a_hard_fault() {
    let (mut m, views, _) = shared_page();
    let slot = page_it_out(&mut m, views);
    let hard = m.picture().counters.hard;
    let before = m.history().len();
    assert_eq!(read5(&mut m, views[0]), *b"hello", "the bytes come back");
    assert_eq!(m.picture().counters.hard, hard + 1, "a hard fault");
    let Pte::Valid { pfn, .. } = prototype(&m) else {
        panic!("resident again");
    };
    assert!(events_since(&m, before).iter().any(
        |e| matches!(e, Event::PageFileRead { slot: s, pfn: p, .. } if *s == slot && *p == pfn)
    ));
    let words = narration_since(&m, before);
    assert!(words.contains("is a page-file PTE"), "{words}");
    let f = *m.system().frames.get(pfn);
    assert_eq!((f.share_count, f.modified, f.slot), (1, false, Some(slot)));
    assert!(
        m.system().pagefile.owner(slot).is_some(),
        "the slot keeps its copy while the page is unchanged"
    );
    // The other process finds it resident: a soft fault, share count 2.
    m.wait();
    assert!(m.switch_to(1));
    let hard = m.picture().counters.hard;
    assert_eq!(read5(&mut m, views[1]), *b"hello");
    assert_eq!(m.picture().counters.hard, hard);
    assert_eq!(m.system().frames.get(pfn).share_count, 2);
    // A write makes the slot's copy stale: it is freed.
    m.write(views[1], b"J").expect("write");
    assert_eq!(m.system().pagefile.owner(slot), None);
    assert_eq!(m.system().frames.get(pfn).slot, None);
    m.wait();
    assert!(m.switch_to(0));
    assert_eq!(read5(&mut m, views[0]), *b"Jello");
}

#[test]
fn closing_the_section_frees_its_slots_and_frames() {
    let (mut m, views, [h0, h1]) = shared_page();
    let slot = page_it_out(&mut m, views);
    let free = m.system().pagefile.free_count();
    assert!(m.unmap_view_of_file(views[0]));
    assert!(m.close_handle(h0));
    assert_eq!(m.system().pagefile.owner(slot).map(|_| ()), Some(()));
    m.wait();
    assert!(m.switch_to(1));
    assert!(m.unmap_view_of_file(views[1]));
    let before = m.history().len();
    assert!(m.close_handle(h1));
    assert!(events_since(&m, before).contains(&Event::SlotFreed { slot }));
    assert_eq!(m.system().pagefile.owner(slot), None, "the slot is freed");
    assert_eq!(m.system().pagefile.free_count(), free + 1);
    assert!(m
        .picture()
        .slots
        .iter()
        .flatten()
        .all(|o| matches!(o, Owner::Private { .. })));
}

#[test]
fn a_section_closed_with_its_page_on_a_list_frees_the_frame_and_the_slot() {
    let (mut m, [v0, v1], [h0, h1]) = shared_page();
    // Both trim it and the writer saves it: the frame is on standby with a slot.
    assert_eq!(m.page_out(v1, 1), 1);
    m.wait();
    assert!(m.switch_to(0));
    assert_eq!(m.page_out(v0, 1), 1);
    assert_eq!(m.write_modified_pages(), 1);
    let Pte::Transition { pfn } = prototype(&m) else {
        panic!("in transition");
    };
    let slot = m.system().frames.get(pfn).slot.expect("saved");
    assert!(m.unmap_view_of_file(v0) && m.close_handle(h0));
    m.wait();
    assert!(m.switch_to(1));
    assert!(m.unmap_view_of_file(v1) && m.close_handle(h1));
    let f = *m.system().frames.get(pfn);
    assert_eq!((f.list, f.owner, f.slot), (FrameList::Free, None, None));
    assert_eq!(m.system().pagefile.owner(slot), None);
    assert_eq!(m.system().pagefile.free_count(), 16);
}

/// The frame of a section's page with no view is tagged as a section's page on its list,
/// not "shared ×0".
#[test]
fn a_section_page_on_a_list_is_not_labelled_shared_zero_times() {
    let (mut m, [v0, v1], _) = shared_page();
    assert_eq!(m.page_out(v1, 1), 1);
    m.wait();
    assert!(m.switch_to(0));
    assert_eq!(m.page_out(v0, 1), 1);
    let Pte::Transition { pfn } = prototype(&m) else {
        panic!("in transition");
    };
    let picture = m.picture();
    let f = &picture.frames[pfn.0 as usize];
    let (_, line) = pagelab::view::memory::owner_label(&picture, f).expect("a label");
    assert_eq!(line, "section, modified");
}
