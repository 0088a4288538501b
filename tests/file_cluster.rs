//! Clustering for mapped files (docs/windows-sections.md §8.1, reference §8.5): a hard
//! fault on a page of a mapped file reads, in the same I/O, its neighbours in the file
//! that are not in RAM, forward first, then backward, at most `cluster` pages (and 8) in
//! all; a neighbour in RAM or the file's end stops the run; the prefetched pages wait on
//! the standby list and a later touch is a soft fault.

use pagelab::sim::addr::PAGE_SIZE;
use pagelab::sim::consts::*;
use pagelab::sim::event::{Event, FaultKind, FrameList};
use pagelab::sim::{Config, Machine, Pte};

const RW: u32 = GENERIC_READ | GENERIC_WRITE;

/// A machine with `data.txt` of `bytes` bytes mapped read/write; the view's address.
fn mapped(config: Config, bytes: usize) -> (Machine, u64) {
    let mut m = Machine::new(config);
    let mut contents = vec![0u8; bytes];
    for (i, b) in contents.iter_mut().enumerate() {
        *b = (i / PAGE_SIZE as usize) as u8 + b'a';
    }
    m.put_file("data.txt", &contents);
    let h = m.create_file("data.txt", RW, 0, OPEN_EXISTING);
    let s = m.create_file_mapping(h, PAGE_READWRITE, 0, 0, None);
    let v = m.map_view_of_file(s, FILE_MAP_WRITE, 0, 0, 0);
    assert_ne!(v, 0);
    (m, v)
}

fn config() -> Config {
    Config {
        frames: 16,
        pagefile: 8,
        working_set: Some(8),
        ..Config::default()
    }
}

/// Touch page `page` of the view; the events of each step it took, and the byte read.
fn touch(m: &mut Machine, v: u64, page: u64) -> (Vec<Vec<Event>>, u8) {
    let before = m.history().len();
    let mut b = [0u8; 1];
    m.read(v + page * PAGE_SIZE, &mut b).expect("read");
    let steps = (before..m.history().len())
        .filter_map(|i| m.history().step(i))
        .map(|s| s.events.clone())
        .collect();
    (steps, b[0])
}

/// The file pages read by each step, in order.
fn file_reads(steps: &[Vec<Event>]) -> Vec<Vec<u64>> {
    steps
        .iter()
        .map(|s| {
            s.iter()
                .filter_map(|e| match e {
                    Event::FileRead {
                        offset,
                        pfn: Some(_),
                        ..
                    } => Some(offset / PAGE_SIZE),
                    _ => None,
                })
                .collect::<Vec<u64>>()
        })
        .filter(|r| !r.is_empty())
        .collect()
}

fn fault(steps: &[Vec<Event>]) -> Option<FaultKind> {
    steps.iter().flatten().find_map(|e| match e {
        Event::PageFault { fault, .. } => Some(*fault),
        _ => None,
    })
}

fn section_protos(m: &Machine) -> Vec<Pte> {
    m.system()
        .sections
        .iter()
        .find(|s| s.name.is_none() && !s.is_image())
        .map(|s| s.prototypes.clone())
        .expect("the file's section")
}

/// A fault on page 0 of a 4-page file reads pages 1–3 in one I/O (one step after the
/// fault's own read); they wait on standby with transition prototype PTEs, share count 0;
/// touching page 2 later is a soft fault that reads nothing.
#[test]
fn a_fault_reads_its_neighbours_and_they_wait_on_standby() {
    let (mut m, v) = mapped(config(), 4 * PAGE_SIZE as usize);
    let (steps, b) = touch(&mut m, v, 0);
    assert_eq!(b, b'a');
    assert_eq!(fault(&steps), Some(FaultKind::Hard));
    assert_eq!(file_reads(&steps), [vec![0], vec![1, 2, 3]]);
    let protos = section_protos(&m);
    for p in &protos[1..] {
        let Pte::Transition { pfn } = *p else {
            panic!("transition expected, got {p:?}");
        };
        let f = m.system().frames.get(pfn);
        assert_eq!(f.list, FrameList::Standby);
        assert_eq!(f.share_count, 0);
        assert!(!f.modified);
    }
    let (steps, b) = touch(&mut m, v, 2);
    assert_eq!(b, b'c', "the prefetched page holds the file's bytes");
    assert_eq!(fault(&steps), Some(FaultKind::Transition));
    assert!(file_reads(&steps).is_empty(), "a soft fault reads nothing");
    let Pte::Valid { pfn, .. } = section_protos(&m)[2] else {
        panic!("page 2 is valid again");
    };
    assert_eq!(m.system().frames.get(pfn).share_count, 1);
}

/// A neighbour in RAM ends the run on its side; the narration says so.
#[test]
fn a_resident_neighbour_stops_the_run() {
    let (mut m, v) = mapped(config(), 6 * PAGE_SIZE as usize);
    let (steps, _) = touch(&mut m, v, 2);
    assert_eq!(file_reads(&steps), [vec![2], vec![3, 4, 5]]);
    let (steps, _) = touch(&mut m, v, 0);
    assert_eq!(file_reads(&steps), [vec![0], vec![1]], "page 2 is in RAM");
    let from = m.history().len() - steps.len();
    let narration = (from..m.history().len())
        .filter_map(|i| m.history().step(i))
        .find(|s| {
            s.events
                .iter()
                .any(|e| matches!(e, Event::FileRead { offset, .. } if *offset == PAGE_SIZE))
        })
        .map(|s| s.narration.clone())
        .expect("the cluster's step");
    assert!(
        narration.contains("reads \"data.txt\" page 1 into frame")
            && narration.contains("stops at page 2: already in RAM"),
        "{narration}"
    );
}

/// The run goes forward first, then backward, and never past the file's end; the
/// cluster knob bounds it.
#[test]
fn the_file_end_and_the_cluster_size_stop_the_run() {
    let (mut m, v) = mapped(config(), 2 * PAGE_SIZE as usize + 100);
    let (steps, _) = touch(&mut m, v, 1);
    assert_eq!(file_reads(&steps), [vec![1], vec![2, 0]]);
    let (mut m, v) = mapped(
        Config {
            cluster: 3,
            ..config()
        },
        8 * PAGE_SIZE as usize,
    );
    let (steps, _) = touch(&mut m, v, 6);
    assert_eq!(file_reads(&steps), [vec![6], vec![7, 5]]);
    let (mut m, v) = mapped(
        Config {
            cluster: 16,
            frames: 32,
            working_set: Some(16),
            ..config()
        },
        12 * PAGE_SIZE as usize,
    );
    let (steps, _) = touch(&mut m, v, 0);
    assert_eq!(
        file_reads(&steps),
        [vec![0], (1..8).collect::<Vec<u64>>()],
        "never more than 8 pages (32 KB)"
    );
}

/// With no frame on the free, zeroed or standby lists only the faulting page is read;
/// without standby lists (the textbook model) nothing is prefetched, as for the page file.
#[test]
fn no_available_frame_or_no_standby_list_reads_one_page() {
    let (mut m, v) = mapped(
        Config {
            frames: 4,
            ..config()
        },
        4 * PAGE_SIZE as usize,
    );
    let p = m.virtual_alloc(0, 3 * PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE);
    for i in 0..3 {
        m.write(p + i * PAGE_SIZE, &[1]).expect("write");
    }
    let available = [FrameList::Free, FrameList::Zeroed, FrameList::Standby]
        .map(|l| m.system().frames.count(l))
        .iter()
        .sum::<usize>();
    assert_eq!(available, 1, "one frame left, for the faulting page");
    let (steps, _) = touch(&mut m, v, 0);
    assert_eq!(file_reads(&steps), [vec![0]]);
    let (mut m, v) = mapped(
        Config {
            standby: false,
            ..config()
        },
        4 * PAGE_SIZE as usize,
    );
    let (steps, _) = touch(&mut m, v, 0);
    assert_eq!(file_reads(&steps), [vec![0]]);
}
