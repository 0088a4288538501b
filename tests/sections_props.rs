//! Random interleavings of processes that map, unmap, flush, write, read and end, over
//! one page-file-backed section (docs/windows-sections.md §4, §5, §8.2, §11.2): every
//! byte written through a write view is seen by every other view; a read-only view
//! refuses writes; each process's private pages stay its own; frames are conserved; no
//! frame on a list has a share count above zero; every shared frame's share count is the
//! number of valid PTEs that map it; when every process has ended nothing is left. A
//! FILE_MAP_COPY view (§9) reads the shared bytes until it writes a page, and from then on
//! that page is its own: no other view sees its writes, and it no longer sees theirs.
//! RAM is small and pages are trimmed and written out, so the section's pages go through
//! the page file and come back (§8.2): the bytes survive, slots are held by exactly one
//! owner each, no prototype PTE names a frame another page took, and when the section
//! goes its slots are freed.

use pagelab::sim::consts::*;
use pagelab::sim::history::Recording;
use pagelab::sim::{Config, Machine};
use proptest::prelude::*;

mod common;
use common::sharing::{
    check_frames, check_slots, end_all, exit_and_switch, map_view, read_through, switch,
    unmap_view, write_through, View,
};

const PAGES: u64 = 4;
const PROCS: usize = 3;

#[derive(Clone, Debug)]
enum Op {
    Switch(usize),
    /// A view: 0 FILE_MAP_READ, 1 FILE_MAP_WRITE, 2 FILE_MAP_COPY.
    Map(u8),
    Unmap(usize),
    Flush(usize),
    Write(usize, u64, u8),
    Read(usize, u64),
    Private(u64, u8),
    EmptyWorkingSet,
    /// `PageOut` of one page of a view.
    PageOut(usize, u64),
    WriteModifiedPages,
    /// Read every page of every view of the running process.
    ReadAll,
    Exit,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0..PROCS).prop_map(Op::Switch),
        2 => (0u8..3).prop_map(Op::Map),
        1 => (0usize..3).prop_map(Op::Unmap),
        1 => (0usize..3).prop_map(Op::Flush),
        3 => (0usize..3, 0..PAGES, 1u8..255).prop_map(|(v, p, b)| Op::Write(v, p, b)),
        2 => (0usize..3, 0..PAGES).prop_map(|(v, p)| Op::Read(v, p)),
        3 => (0..PAGES, 1u8..255).prop_map(|(p, b)| Op::Private(p, b)),
        1 => Just(Op::EmptyWorkingSet),
        3 => (0usize..3, 0..PAGES).prop_map(|(v, p)| Op::PageOut(v, p)),
        2 => Just(Op::WriteModifiedPages),
        2 => Just(Op::ReadAll),
        1 => Just(Op::Exit),
    ]
}

/// What one process holds, as the test sees it.
#[derive(Default)]
struct Model {
    handle: u64,
    private: u64,
    private_bytes: [u8; PAGES as usize],
    views: Vec<View<{ PAGES as usize }>>,
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let config = Config {
        frames: 8,
        pagefile: 24,
        working_set: Some(3),
        tlb: 2,
        ..Config::default()
    };
    let mut m = Machine::with_recording(config, Recording::Off);
    let mut models: Vec<Model> = (0..PROCS).map(|_| Model::default()).collect();
    let mut shared = [0u8; PAGES as usize];
    for (i, model) in models.iter_mut().enumerate() {
        if i > 0 {
            m.create_process(&format!("p{i}"));
            m.switch_to(i);
        }
        model.handle = m.create_file_mapping(
            INVALID_HANDLE_VALUE,
            PAGE_READWRITE,
            0,
            (PAGES * 0x1000) as u32,
            Some("shared"),
        );
        prop_assert_ne!(model.handle, 0);
        model.private = m.virtual_alloc(0, PAGES * 0x1000, MEM_COMMIT, PAGE_READWRITE);
    }
    m.switch_to(0);
    let mut current = 0;
    for op in ops {
        let model = &mut models[current];
        match op {
            Op::Switch(i) => current = switch(&mut m, current, i),
            Op::Map(kind) => {
                if let Some(v) = map_view(&mut m, model.handle, kind)? {
                    model.views.push(v);
                }
            }
            Op::Unmap(k) => unmap_view(&mut m, &mut model.views, k)?,
            Op::Flush(k) => {
                if let Some(v) = model.views.get(k) {
                    prop_assert!(m.flush_view_of_file(v.base, 0));
                }
            }
            Op::Write(k, page, byte) => {
                if let Some(v) = model.views.get_mut(k) {
                    write_through(&mut m, v, (page, 7), byte, &mut shared)?;
                }
            }
            Op::Read(k, page) => {
                if let Some(v) = model.views.get(k) {
                    read_through(&mut m, v, (page, 7), &shared)?;
                }
                let mut b = [0u8];
                m.read(model.private + page * 0x1000, &mut b)
                    .expect("private read");
                prop_assert_eq!(
                    b[0],
                    model.private_bytes[page as usize],
                    "private stays private"
                );
            }
            Op::Private(page, byte) => {
                m.write(model.private + page * 0x1000, &[byte])
                    .expect("private write");
                model.private_bytes[page as usize] = byte;
            }
            Op::EmptyWorkingSet => {
                m.empty_working_set();
            }
            Op::PageOut(k, page) => {
                if let Some(v) = model.views.get(k) {
                    m.page_out(v.base + page * 0x1000, 1);
                }
            }
            Op::WriteModifiedPages => {
                m.write_modified_pages();
            }
            Op::ReadAll => {
                for v in &model.views {
                    for page in 0..PAGES {
                        read_through(&mut m, v, (page, 7), &shared)?;
                    }
                }
            }
            Op::Exit => match exit_and_switch(&mut m, current) {
                Some(i) => current = i,
                None => break,
            },
        }
        check_frames(&m)?;
        check_slots(&m)?;
    }
    end_all(&mut m);
    check_frames(&m)?;
    check_slots(&m)?;
    prop_assert_eq!(
        m.system().pagefile.free_count(),
        m.system().pagefile.len(),
        "no slot outlives its section and processes"
    );
    prop_assert!(
        m.system().sections.iter().all(|s| s.is_image()),
        "the section went with the last process"
    );
    prop_assert_eq!(m.commit_charge(), 0);
    prop_assert!(
        m.picture().frames.iter().all(|f| f.owner.is_none()),
        "{:?}",
        m.picture()
            .frames
            .iter()
            .map(|f| (f.owner, f.list))
            .collect::<Vec<_>>()
    );
    Ok(())
}

proptest! {
    // PROPTEST_CASES=N runs N cases instead of 96.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(96)
    ))]
    #[test]
    fn interleaved_processes_share_one_section(ops in prop::collection::vec(op(), 1..80)) {
        run(ops)?;
    }
}

/// The case that once failed: process 1's shared pages are outside its working set and
/// the other processes' pages fill RAM, so its private write needs a frame another
/// process gives up (reference §8.4).
#[test]
fn a_process_short_of_frames_gets_one_from_another() {
    use Op::*;
    let ops = vec![
        Read(0, 3),
        Private(2, 1),
        Private(1, 1),
        Private(0, 1),
        Switch(1),
        Map(1),
        Read(0, 0),
        Read(0, 3),
        Write(0, 1, 1),
        Write(0, 2, 1),
        Private(1, 1),
    ];
    run(ops).expect("no data lost, frames conserved");
}
