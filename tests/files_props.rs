//! Random interleavings of processes that map, write, flush, unmap, trim, `ReadFile`,
//! `WriteFile` and end, over one FILE-backed section (docs/windows-sections.md §4, §5,
//! §7.4, §8.1, §9, §11.2): every byte written through a FILE_MAP_WRITE view (or by
//! WriteFile) is seen by every other non-copied view and by ReadFile, and reaches the file
//! after a flush, after the mapped page writer runs once no view maps the file, and when
//! the section ends with the last process; a copy-on-write write is seen by no one else
//! and never reaches the file; frames are conserved and none is reused while shared; a
//! clean page in RAM (prefetched by clustering, §8.1, or written back) equals the file.
//!
//! Bytes are drawn from disjoint ranges so that the file can be searched for a copy's
//! byte: views write 1..100, WriteFile 100..200, copy views 200..=255.

use pagelab::sim::consts::*;
use pagelab::sim::history::Recording;
use pagelab::sim::{Config, Machine, Pte};
use proptest::prelude::*;

mod common;
use common::sharing::{
    check_frames, check_slots, end_all, exit_and_switch, map_view, read_through, switch,
    unmap_view, write_through, View,
};

const PAGES: u64 = 3;
const PROCS: usize = 2;
/// The byte of each page the test writes and reads.
const AT: u64 = 7;
const FILE: &str = "data.txt";
const RW: u32 = GENERIC_READ | GENERIC_WRITE;
const SHARE_ALL: u32 = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

#[derive(Clone, Debug)]
enum Op {
    Switch(usize),
    /// A view: 0 FILE_MAP_READ, 1 FILE_MAP_WRITE, 2 FILE_MAP_COPY.
    Map(u8),
    Unmap(usize),
    Flush(usize),
    Write(usize, u64, u8),
    Read(usize, u64),
    PageOut(usize),
    EmptyWorkingSet,
    WriteModifiedPages,
    WriteFile(u64, u8),
    ReadFile(u64),
    Exit,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..PROCS).prop_map(Op::Switch),
        (0u8..3).prop_map(Op::Map),
        (0usize..3).prop_map(Op::Unmap),
        (0usize..3).prop_map(Op::Flush),
        (0usize..3, 0..PAGES, 1u8..100).prop_map(|(v, p, b)| Op::Write(v, p, b)),
        (0usize..3, 0..PAGES).prop_map(|(v, p)| Op::Read(v, p)),
        (0usize..3).prop_map(Op::PageOut),
        Just(Op::EmptyWorkingSet),
        Just(Op::WriteModifiedPages),
        (0..PAGES, 100u8..200).prop_map(|(p, b)| Op::WriteFile(p, b)),
        (0..PAGES).prop_map(Op::ReadFile),
        Just(Op::Exit),
    ]
}

/// What one process holds: its file and section handles and its views.
#[derive(Default)]
struct Model {
    file: u64,
    section: u64,
    views: Vec<View<{ PAGES as usize }>>,
}

/// The tracked byte of each page of the file on the disk.
fn on_disk(m: &Machine) -> Vec<u8> {
    let bytes = m.system().disk.file(FILE).map(|f| f.bytes.clone());
    let bytes = bytes.unwrap_or_default();
    (0..PAGES)
        .map(|p| bytes.get((p * 0x1000 + AT) as usize).copied().unwrap_or(0))
        .collect()
}

/// Every page of the file's section in RAM and not modified holds the file's bytes.
fn check_clean_pages(m: &Machine) -> Result<(), TestCaseError> {
    let file = m.system().disk.file(FILE).map(|f| f.bytes.clone());
    let file = file.unwrap_or_default();
    for s in m.system().sections.iter().filter(|s| !s.is_image()) {
        for (i, p) in s.prototypes.iter().enumerate() {
            let (Pte::Valid { pfn, .. } | Pte::Transition { pfn }) = *p else {
                continue;
            };
            let f = m.system().frames.get(pfn);
            if !f.modified {
                let start = (i as u64 * 0x1000) as usize;
                let want = file.get(start..(start + 0x1000).min(file.len()));
                let have = &m.system().frames.bytes(pfn)[..want.map_or(0, <[u8]>::len)];
                prop_assert!(Some(have) == want, "clean page {} differs from the file", i);
            }
        }
    }
    Ok(())
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let config = Config {
        frames: 8,
        pagefile: 16,
        working_set: Some(3),
        tlb: 2,
        ..Config::default()
    };
    let mut m = Machine::with_recording(config, Recording::Off);
    m.put_file(FILE, &[0; (PAGES * 0x1000) as usize]);
    let mut models: Vec<Model> = (0..PROCS).map(|_| Model::default()).collect();
    // The bytes the section's pages hold, as every non-copied view sees them.
    let mut shared = [0u8; PAGES as usize];
    for (i, model) in models.iter_mut().enumerate() {
        if i > 0 {
            m.create_process(&format!("p{i}"));
            m.switch_to(i);
        }
        model.file = m.create_file(FILE, RW, SHARE_ALL, OPEN_EXISTING);
        prop_assert_ne!(model.file, INVALID_HANDLE_VALUE);
        model.section = m.create_file_mapping(model.file, PAGE_READWRITE, 0, 0, None);
        prop_assert_ne!(model.section, 0);
    }
    m.switch_to(0);
    let mut current = 0;
    for op in ops {
        let model = &mut models[current];
        match op {
            Op::Switch(i) => current = switch(&mut m, current, i),
            Op::Map(kind) => {
                if let Some(v) = map_view(&mut m, model.section, kind)? {
                    model.views.push(v);
                }
            }
            Op::Unmap(k) => unmap_view(&mut m, &mut model.views, k)?,
            Op::Flush(k) => {
                if let Some(v) = model.views.get(k) {
                    prop_assert!(m.flush_view_of_file(v.base, 0));
                    if v.copy.is_none() {
                        prop_assert_eq!(on_disk(&m), shared.to_vec(), "flushed to the file");
                    }
                }
            }
            Op::Write(k, page, byte) => {
                if let Some(v) = model.views.get_mut(k) {
                    // A copy view writes 200..=255, so the file can be searched for it.
                    let byte = if v.copy.is_some() {
                        200 + byte % 56
                    } else {
                        byte
                    };
                    write_through(&mut m, v, (page, AT), byte, &mut shared)?;
                }
            }
            Op::Read(k, page) => {
                if let Some(v) = model.views.get(k) {
                    read_through(&mut m, v, (page, AT), &shared)?;
                }
            }
            Op::PageOut(k) => {
                if let Some(v) = model.views.get(k) {
                    m.page_out(v.base, PAGES * 0x1000);
                }
            }
            Op::EmptyWorkingSet => {
                m.empty_working_set();
            }
            Op::WriteModifiedPages => {
                m.write_modified_pages();
                let mapped = models.iter().any(|md| !md.views.is_empty());
                if !mapped {
                    prop_assert_eq!(on_disk(&m), shared.to_vec(), "the writer wrote them");
                }
            }
            Op::WriteFile(page, byte) => {
                prop_assert_eq!(
                    m.set_file_pointer(model.file, (page * 0x1000 + AT) as i64, 0),
                    Some(page * 0x1000 + AT)
                );
                prop_assert_eq!(m.write_file(model.file, &[byte]), Some(1));
                shared[page as usize] = byte;
                prop_assert_eq!(
                    on_disk(&m)[page as usize],
                    byte,
                    "WriteFile reaches the file"
                );
            }
            Op::ReadFile(page) => {
                m.set_file_pointer(model.file, (page * 0x1000 + AT) as i64, 0);
                let buf = m.virtual_alloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
                let got = m.read_file(model.file, 1, buf);
                prop_assert!(m.virtual_free(buf, 0, MEM_RELEASE));
                prop_assert_eq!(
                    got,
                    Some(vec![shared[page as usize]]),
                    "ReadFile sees views"
                );
            }
            Op::Exit => {
                models[current].views.clear();
                match exit_and_switch(&mut m, current) {
                    Some(i) => current = i,
                    None => break,
                }
            }
        }
        check_frames(&m)?;
        check_slots(&m)?;
        check_clean_pages(&m)?;
        prop_assert!(
            on_disk(&m).iter().all(|&b| b < 200),
            "a copy's byte reached the file: {:?}",
            on_disk(&m)
        );
    }
    end_all(&mut m);
    check_frames(&m)?;
    check_slots(&m)?;
    prop_assert!(
        m.system().sections.iter().all(|s| s.is_image()),
        "the section went"
    );
    prop_assert_eq!(on_disk(&m), shared.to_vec(), "the file keeps every write");
    prop_assert_eq!(m.commit_charge(), 0);
    prop_assert!(m.picture().frames.iter().all(|f| f.owner.is_none()));
    Ok(())
}

proptest! {
    // PROPTEST_CASES=N runs N cases instead of 256.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
    ))]
    #[test]
    fn interleaved_processes_share_one_file(ops in prop::collection::vec(op(), 1..80)) {
        run(ops)?;
    }
}
