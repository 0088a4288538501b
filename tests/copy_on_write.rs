//! Copy-on-write views and kernel32.dll's image (docs/windows-sections.md §4.1, §9, §10,
//! §12.1; reference §8.6, §8.7; § numbers below are the docs file's unless "reference").

use pagelab::script::{self, Runner};
use pagelab::sim::addr::{Vpn, PAGE_SIZE};
use pagelab::sim::consts::*;
use pagelab::sim::event::{Event, FaultKind};
use pagelab::sim::journal::Replay;
use pagelab::sim::system::image::KERNEL32_BASE;
use pagelab::sim::{Config, Machine, Pte, Recording};

fn machine() -> Machine {
    Machine::new(Config {
        frames: 8,
        pagefile: 8,
        working_set: Some(4),
        tlb: 4,
        ..Config::default()
    })
}

/// The frame the running process's PTE of `va` maps, if valid.
fn frame(m: &Machine, va: u64) -> Option<u32> {
    match m.process().mmu.tables.pte(Vpn::of(va)) {
        Pte::Valid { pfn, .. } => Some(pfn.0),
        _ => None,
    }
}

fn copy_faults(m: &Machine) -> usize {
    m.history()
        .steps()
        .iter()
        .flat_map(|s| &s.events)
        .filter(|e| {
            matches!(
                e,
                Event::PageFault {
                    fault: FaultKind::CopyOnWrite,
                    ..
                }
            )
        })
        .count()
}

/// §4.1: exactly FILE_MAP_COPY gives PAGE_WRITECOPY; §9 (MS-PROT, W-K32
/// test_shared_memory_ro): reads share the section's frame, the first write makes a
/// private PAGE_READWRITE copy that no other view sees; reference §8.6 (W-NT
/// test_query_region_information): the view is charged in full when mapped, and the
/// write charges nothing more.
#[test]
fn a_copy_view_shares_reads_and_copies_on_the_first_write() {
    let mut m = machine();
    let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0x2000, None);
    let w = m.map_view_of_file(h, FILE_MAP_WRITE, 0, 0, 0);
    m.write(w, b"original").expect("write");
    let charge = m.commit_charge();
    let c = m.map_view_of_file(h, FILE_MAP_COPY, 0, 0, 0);
    assert_ne!(c, 0);
    assert_eq!(
        m.commit_charge(),
        charge + 2,
        "reference §8.6: charged at map"
    );
    let q = m.virtual_query(c, MBI_SIZE).expect("query");
    assert_eq!(
        (q.Type, q.Protect, q.AllocationProtect, q.RegionSize),
        (MEM_MAPPED, PAGE_WRITECOPY, PAGE_WRITECOPY, 0x2000)
    );
    let mut buf = [0u8; 8];
    m.read(c, &mut buf).expect("read");
    assert_eq!(&buf, b"original");
    let shared = frame(&m, w);
    assert_eq!(
        frame(&m, c),
        shared,
        "§9: a read shares the section's frame"
    );
    m.write(c, b"copied!!").expect("write");
    assert_eq!(copy_faults(&m), 1, "one copy-on-write fault");
    assert_ne!(frame(&m, c), shared, "a private frame");
    assert_eq!(m.commit_charge(), charge + 2, "§9: no charge at the write");
    m.read(w, &mut buf).expect("read");
    assert_eq!(&buf, b"original", "W-K32: the other view does not see it");
    m.read(c, &mut buf).expect("read");
    assert_eq!(&buf, b"copied!!");
    // §9 (W-K32 prot_after_write): the written page alone is PAGE_READWRITE now.
    let q = m.virtual_query(c, MBI_SIZE).expect("query");
    assert_eq!(
        (q.Type, q.Protect, q.AllocationProtect, q.RegionSize),
        (MEM_MAPPED, PAGE_READWRITE, PAGE_WRITECOPY, 0x1000)
    );
    let q = m.virtual_query(c + 0x1000, MBI_SIZE).expect("query");
    assert_eq!(q.Protect, PAGE_WRITECOPY);
    // A second write to the copied page is an ordinary write: no new copy.
    m.write(c + 1, b"x").expect("write");
    assert_eq!(copy_faults(&m), 1);
    let narration = m
        .history()
        .steps()
        .iter()
        .any(|s| s.narration.contains("copy-on-write fault"));
    assert!(narration, "the fault is named copy-on-write");
    // §5: unmapping discards the private copy and returns the view's charge.
    let copy = frame(&m, c).expect("mapped");
    assert!(m.unmap_view_of_file(c));
    assert_eq!(m.commit_charge(), charge);
    let f = &m.system().frames.get(pagelab::sim::addr::Pfn(copy));
    assert!(f.owner.is_none(), "the private copy's frame is free");
    m.read(w, &mut buf).expect("read");
    assert_eq!(&buf, b"original");
    let h = m.history();
    assert_eq!(h.picture_after(h.len() - 1), Some(m.picture()));
}

/// §9 across processes (W-K32 test_shared_memory_ro): a child's write through a
/// FILE_MAP_COPY view of a named section is not seen by the parent.
#[test]
fn another_process_never_sees_the_copy() {
    let mut m = machine();
    let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0x1000, Some("s"));
    let w = m.map_view_of_file(h, FILE_MAP_WRITE, 0, 0, 0);
    m.write(w, &[0]).expect("write");
    m.create_process("child");
    m.wait();
    assert!(m.switch_to(1));
    let h2 = m.open_file_mapping(FILE_MAP_READ, "s");
    let c = m.map_view_of_file(h2, FILE_MAP_COPY, 0, 0, 0);
    m.write(c, &[0xEF, 0xBE, 0xAD, 0xDE]).expect("write");
    assert!(m.switch_to(0));
    let mut buf = [9u8; 4];
    m.read(w, &mut buf).expect("read");
    assert_eq!(buf, [0; 4], "the parent still reads 0");
    // The child ends: its copy goes, and its view's charge with it.
    assert!(m.switch_to(1));
    let charge = m.commit_charge();
    m.exit_process(0);
    assert_eq!(m.commit_charge(), charge - 1);
}

/// §4.1: FILE_MAP_COPY needs read on the section and FILE_MAP_READ on the handle; COPY
/// with READ is PAGE_READONLY (W-K32); EXECUTE|COPY is PAGE_EXECUTE_WRITECOPY.
#[test]
fn copy_access_rules() {
    let mut m = machine();
    let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0x1000, Some("a"));
    let v = m.map_view_of_file(h, FILE_MAP_COPY | FILE_MAP_READ, 0, 0, 0);
    let q = m.virtual_query(v, MBI_SIZE).expect("query");
    assert_eq!(q.Protect, PAGE_READONLY, "§12.2 item 4");
    let ro = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READONLY, 0, 0x1000, None);
    assert_ne!(
        m.map_view_of_file(ro, FILE_MAP_COPY, 0, 0, 0),
        0,
        "read is enough"
    );
    let wonly = m.open_file_mapping(FILE_MAP_WRITE, "a");
    assert_eq!(m.map_view_of_file(wonly, FILE_MAP_COPY, 0, 0, 0), 0);
    assert_eq!(m.last_error(), 5, "§4.1: the handle needs FILE_MAP_READ");
    m.create_file_mapping(
        INVALID_HANDLE_VALUE,
        PAGE_EXECUTE_READ,
        0,
        0x1000,
        Some("x"),
    );
    let x = m.open_file_mapping(FILE_MAP_READ | FILE_MAP_EXECUTE, "x");
    let v = m.map_view_of_file(x, FILE_MAP_COPY | FILE_MAP_EXECUTE, 0, 0, 0);
    let q = m.virtual_query(v, MBI_SIZE).expect("query");
    assert_eq!(q.Protect, PAGE_EXECUTE_WRITECOPY);
    // §12.1 (W-K32 test_mapping): READWRITE on a copy view becomes WRITECOPY.
    let c = m.map_view_of_file(h, FILE_MAP_COPY, 0, 0, 0);
    assert_eq!(
        m.virtual_protect(c, 1, PAGE_READWRITE, true),
        Some(PAGE_WRITECOPY)
    );
    let q = m.virtual_query(c, MBI_SIZE).expect("query");
    assert_eq!(q.Protect, PAGE_WRITECOPY, "a write still copies");
    // PageLab refuses PAGE_WRITECOPY on a READWRITE view (docs §9: not modelled), with 87.
    let w = m.map_view_of_file(h, FILE_MAP_WRITE, 0, 0, 0);
    assert_eq!(m.virtual_protect(w, 1, PAGE_WRITECOPY, true), None);
    assert_eq!(m.last_error(), 87);
}

/// A FILE_MAP_COPY view past the commit limit fails as a commit does (reference §8.6;
/// the code is ERROR_COMMITMENT_LIMIT, [derived] in §2.2).
#[test]
fn a_copy_view_past_the_commit_limit_fails() {
    let mut m = machine();
    let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0xA000, None);
    assert_eq!(m.commit_charge(), 10);
    assert_eq!(m.map_view_of_file(h, FILE_MAP_COPY, 0, 0, 0), 0);
    assert_eq!(m.last_error(), 1455);
    assert_eq!(m.commit_charge(), 10, "nothing is charged");
}

/// Reference §3.1 rule 6 (MS-PROT): WRITECOPY protections are never valid for private
/// memory, so VirtualProtect to PAGE_WRITECOPY fails with 87.
#[test]
fn writecopy_on_private_memory_is_invalid() {
    let mut m = machine();
    let p = m.virtual_alloc(0, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    for prot in [PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY] {
        assert_eq!(m.virtual_protect(p, 0x1000, prot, true), None);
        assert_eq!(m.last_error(), 87);
        assert_eq!(m.virtual_alloc(0, 0x1000, MEM_COMMIT, prot), 0);
        assert_eq!(m.last_error(), 87);
    }
}

/// §10: kernel32.dll is MEM_IMAGE at one base in every process; AllocationProtect
/// PAGE_EXECUTE_WRITECOPY; header PAGE_READONLY, code PAGE_EXECUTE_READ, data
/// PAGE_WRITECOPY; GetModuleHandle (MS-GMH) returns the base, case-insensitively; an
/// unknown name is NULL with ERROR_MOD_NOT_FOUND (126).
#[test]
fn kernel32_is_one_image_at_one_base_in_every_process() {
    let mut m = machine();
    let base = m.get_module_handle(Some("KERNEL32.dll"));
    assert_eq!(base, KERNEL32_BASE);
    assert_eq!(m.get_module_handle(Some("kernel32")), KERNEL32_BASE);
    let expect = [
        (0, PAGE_READONLY, 0x1000),
        (0x1000, PAGE_EXECUTE_READ, 0x2000),
        (0x3000, PAGE_WRITECOPY, 0x1000),
    ];
    for (offset, protect, size) in expect {
        let q = m.virtual_query(base + offset, MBI_SIZE).expect("query");
        assert_eq!(
            (
                q.Type,
                q.State,
                q.Protect,
                q.AllocationProtect,
                q.AllocationBase,
                q.RegionSize
            ),
            (
                MEM_IMAGE,
                MEM_COMMIT,
                protect,
                PAGE_EXECUTE_WRITECOPY,
                base,
                size
            )
        );
    }
    m.set_last_error(0);
    assert_eq!(m.get_module_handle(Some("user32.dll")), 0);
    assert_eq!(m.last_error(), 126);
    m.set_last_error(0);
    assert_eq!(m.get_module_handle(None), 0, "no .exe image is modelled");
    assert_eq!(m.last_error(), 126);
    // The code page: one frame for two processes, read from the image file once.
    m.execute(base + 0x1000).expect("fetch");
    let code = frame(&m, base + 0x1000);
    m.create_process("b");
    m.wait();
    assert!(m.switch_to(1));
    assert_eq!(m.get_module_handle(Some("kernel32.dll")), base);
    m.execute(base + 0x1000).expect("fetch");
    assert_eq!(frame(&m, base + 0x1000), code);
    let pfn = pagelab::sim::addr::Pfn(code.expect("resident"));
    assert_eq!(m.system().frames.get(pfn).share_count, 2);
    let hard = m.history().steps().iter().flat_map(|s| &s.events).filter(|e| {
        matches!(e, Event::PageFault { fault: FaultKind::Hard, va, .. } if *va == base + 0x1000)
    });
    assert_eq!(hard.count(), 1, "one hard fault reads it from the file");
    // Writing the code is an access violation (reference §7); VirtualFree of an image
    // is 87 (§12.1, reference §4.2).
    assert!(m.write(base + 0x1000, &[0x90]).is_err());
    assert!(!m.virtual_free(base, 0, MEM_RELEASE));
    assert_eq!(m.last_error(), 87);
    assert!(!m.virtual_free(base, 0x1000, MEM_DECOMMIT));
    assert_eq!(m.last_error(), 87);
}

/// §9, §10: the image's data page is copy-on-write: the writer gets a private copy,
/// the other process keeps reading the file's bytes; charge unchanged.
#[test]
fn a_write_to_the_image_data_page_is_private() {
    let mut m = machine();
    let data = KERNEL32_BASE + 3 * PAGE_SIZE;
    let mut buf = [0u8; 13];
    m.read(data, &mut buf).expect("read");
    assert_eq!(&buf, b"kernel32 data");
    m.create_process("writer");
    m.wait();
    assert!(m.switch_to(1));
    let charge = m.commit_charge();
    m.write(data, b"K").expect("the write copies");
    assert_eq!(copy_faults(&m), 1);
    assert_eq!(m.commit_charge(), charge);
    m.read(data, &mut buf).expect("read");
    assert_eq!(&buf, b"Kernel32 data");
    let q = m.virtual_query(data, MBI_SIZE).expect("query");
    assert_eq!((q.Type, q.Protect), (MEM_IMAGE, PAGE_READWRITE));
    assert!(m.switch_to(0));
    m.read(data, &mut buf).expect("read");
    assert_eq!(&buf, b"kernel32 data", "main still reads the original");
    // The writer ends: its copy is freed; the image section stays.
    assert!(m.switch_to(1));
    m.exit_process(0);
    assert!(m.switch_to(0));
    m.read(data, &mut buf).expect("read");
    assert_eq!(&buf, b"kernel32 data");
    assert_eq!(m.system().sections.len(), 1, "the image section never goes");
}

/// §6, §10: FlushViewOfFile on the image succeeds and writes nothing (an image is never
/// written back; a changed data page is the process's private copy), and says why.
#[test]
fn flushing_the_image_writes_nothing_and_says_why() {
    let mut m = machine();
    let data = KERNEL32_BASE + 3 * PAGE_SIZE;
    m.write(data, b"K").expect("the write copies");
    assert!(m.flush_view_of_file(data, 1));
    let step = m.history().steps().last().expect("the flush's step");
    assert!(
        step.narration
            .contains("an image's pages are never written back"),
        "{}",
        step.narration
    );
    assert!(!step.narration.contains("page file"), "{}", step.narration);
}

/// DESIGN §9: kernel32.dll is mapped in every process from its start, whatever the
/// script calls; the loader maps it without touching a page (no fault, no frame).
#[test]
fn every_process_has_the_image() {
    let mut m = Machine::new(Config::default());
    m.create_process("b");
    assert_eq!(m.processes().len(), 2);
    for (index, process) in m.processes().iter().enumerate() {
        let image: Vec<_> = process
            .space
            .regions()
            .into_iter()
            .filter(|r| r.kind == MEM_IMAGE)
            .map(|r| (r.base, r.allocation_base, r.state))
            .collect();
        assert_eq!(
            image.first(),
            Some(&(KERNEL32_BASE, KERNEL32_BASE, MEM_COMMIT)),
            "process {index}"
        );
        assert_eq!(process.mmu.ws.len(), 0, "process {index}");
    }
    let faults = m
        .history()
        .steps()
        .iter()
        .flat_map(|s| &s.events)
        .filter(|e| matches!(e, Event::PageFault { .. }))
        .count();
    assert_eq!(faults, 0);
}

/// Bad input never panics: writes and reads around the image and copy views, odd
/// names, kernel addresses.
#[test]
fn bad_input_is_refused_without_panics() {
    let mut m = machine();
    for name in [
        "",
        "kernel32.dll\0x",
        "KERNEL32.DLL.",
        "ntdll.dll",
        "\u{1F600}",
    ] {
        let _ = m.get_module_handle(Some(name));
    }
    for va in [KERNEL32_BASE - 1, KERNEL32_BASE + 4 * PAGE_SIZE, u64::MAX] {
        assert!(m.write(va, &[1, 2]).is_err());
    }
    let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0x1000, None);
    let c = m.map_view_of_file(h, FILE_MAP_COPY, 0, 0, 0);
    // A write that runs from the copy view's page into the hole after it.
    assert!(m.write(c + 0xFFE, &[1, 2, 3, 4]).is_err());
    assert_eq!(m.map_view_of_file(h, FILE_MAP_COPY, 0, 0x1000, 0x1000), 0);
}

/// The same script gives the same steps; its journal replays step for step.
#[test]
fn the_lesson_is_deterministic_and_replays() {
    let text = std::fs::read_to_string("www/lessons/shared-dll.c").expect("the lesson");
    let program = script::parse(&text).expect("parses");
    let run = |mode| {
        let mut m = script::machine_for(&program, mode);
        script::run(&program, &mut m);
        m
    };
    let (a, b) = (run(Recording::Pictures), run(Recording::Pictures));
    assert_eq!(a.history().steps(), b.history().steps());
    let mut worker = Machine::with_recording(script::machine_config(&program), Recording::Steps);
    worker.start_journal();
    let mut runner = Runner::new(program.clone());
    while runner.step(&mut worker).is_some() {}
    let mut page = Machine::new(script::machine_config(&program));
    let mut replay = Replay::default();
    replay.queue(&worker.take_journal());
    while replay.pending() {
        replay.next(&mut page).expect("replays");
    }
    assert_eq!(a.history().steps(), page.history().steps());
    assert_eq!(a.picture(), page.picture());
}

/// §9 on a file-backed section (W-K32 test_shared_memory_ro; MS-MVOF: a copy is never
/// written back): the first write copies the page read from the file; the file, and a
/// FILE_MAP_READ view of it, keep the original bytes, also after the copy view goes.
#[test]
fn a_copy_view_of_a_file_never_writes_the_file() {
    let mut m = machine();
    m.put_file("data.txt", b"from the disk");
    let f = m.create_file("data.txt", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    assert_ne!(f, INVALID_HANDLE_VALUE);
    let h = m.create_file_mapping(f, PAGE_READONLY, 0, 0, None);
    assert_ne!(h, 0);
    let r = m.map_view_of_file(h, FILE_MAP_READ, 0, 0, 0);
    let c = m.map_view_of_file(h, FILE_MAP_COPY, 0, 0, 0);
    assert_ne!(c, 0, "§4.1: COPY needs only read");
    m.write(c, b"FROM")
        .expect("a copy-on-write page takes writes");
    assert_eq!(copy_faults(&m), 1);
    let mut buf = [0u8; 13];
    m.read(c, &mut buf).expect("read");
    assert_eq!(&buf, b"FROM the disk");
    m.read(r, &mut buf).expect("read");
    assert_eq!(
        &buf, b"from the disk",
        "the other view keeps the file's bytes"
    );
    assert!(m.unmap_view_of_file(c));
    assert!(m.flush_view_of_file(r, 0));
    let disk = m.system().disk.file("data.txt").expect("the file");
    assert_eq!(&disk.bytes[..13], b"from the disk", "never written back");
}

/// §8.2 with §9: when the copy view was the file page's only user, the page no view maps
/// goes to standby (clean), its prototype PTE in transition; a later view finds it there.
#[test]
fn a_file_page_left_by_its_only_copy_view_goes_to_standby() {
    let mut m = machine();
    m.put_file("only.txt", b"abc");
    let f = m.create_file("only.txt", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    let h = m.create_file_mapping(f, PAGE_READONLY, 0, 0, None);
    let c = m.map_view_of_file(h, FILE_MAP_COPY, 0, 0, 0);
    m.write(c, b"X").expect("write");
    let section = m.process().space.view_at(Vpn::of(c)).map(|v| v.section);
    let proto = section
        .and_then(|id| m.system().section(id))
        .map(|s| s.prototypes[0]);
    assert!(matches!(proto, Some(Pte::Transition { .. })), "{proto:?}");
    let r = m.map_view_of_file(h, FILE_MAP_READ, 0, 0, 0);
    let mut buf = [0u8; 3];
    m.read(r, &mut buf).expect("read");
    assert_eq!(&buf, b"abc");
}

/// The picture draws the copy from the step's events (src/view/motion.rs): the PTE goes
/// straight from the shared frame to the private copy, whether or not the shared page was
/// resident before the write.
#[test]
fn the_copy_step_names_the_shared_frame_and_the_copy() {
    let swaps = |m: &Machine, from: usize| -> Vec<(u32, u32)> {
        m.history().steps()[from..]
            .iter()
            .flat_map(|s| &s.events)
            .filter_map(|e| match e {
                Event::PteWritten {
                    old: Pte::Valid { pfn: a, .. },
                    new: Pte::Valid { pfn: b, .. },
                    ..
                } if a != b => Some((a.0, b.0)),
                _ => None,
            })
            .collect()
    };
    let mut m = machine();
    let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0x2000, None);
    let w = m.map_view_of_file(h, FILE_MAP_WRITE, 0, 0, 0);
    let c = m.map_view_of_file(h, FILE_MAP_COPY, 0, 0, 0);
    for (page, touched_first) in [(0, true), (0x1000, false)] {
        if touched_first {
            m.write(w + page, b"x").expect("write");
        }
        let from = m.history().len();
        m.write(c + page, b"y").expect("copy");
        let section = m
            .system()
            .sections
            .last()
            .expect("the section, after kernel32's");
        let shared = match section.prototypes[(page >> 12) as usize] {
            Pte::Valid { pfn, .. } | Pte::Transition { pfn } => pfn.0,
            other => panic!("page {page:#x}: the section's page is in a frame: {other:?}"),
        };
        let copy = frame(&m, c + page).expect("the copy is mapped");
        assert_ne!(shared, copy);
        assert_eq!(swaps(&m, from), vec![(shared, copy)], "page {page:#x}");
    }
}
