//! Sections and views (docs/windows-sections.md; § numbers are that document's):
//! page-file-backed sections shared by name between processes, and every error.

use pagelab::sim::addr::Vpn;
use pagelab::sim::consts::*;
use pagelab::sim::event::{Event, FaultKind};
use pagelab::sim::{Config, Machine, Pte};

fn machine() -> Machine {
    Machine::new(Config {
        frames: 8,
        pagefile: 8,
        working_set: Some(4),
        tlb: 4,
        ..Config::default()
    })
}

const NAME: &str = "Local\\MyFileMappingObject";

/// §2.4, §3, §8.2: one process creates a named section and writes through its view;
/// another opens it by name, maps it and reads the bytes from the same frame.
#[test]
fn named_shared_memory_is_one_frame_for_both_processes() {
    let mut m = machine();
    let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 256, Some(NAME));
    assert_eq!((h % 4, m.last_error()), (0, 0), "§2.4: a new object sets 0");
    assert_eq!(
        m.commit_charge(),
        1,
        "§2.2: SEC_COMMIT charges the whole size"
    );
    let p = m.map_view_of_file(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    assert_ne!(p, 0);
    assert_eq!(p % 0x1_0000, 0, "§4.2: views are 64 KB-aligned");
    let q = m.virtual_query(p, MBI_SIZE).expect("query");
    assert_eq!(
        (q.Type, q.State, q.Protect),
        (MEM_MAPPED, MEM_COMMIT, PAGE_READWRITE)
    );
    assert_eq!(q.RegionSize, 0x1000, "§4.2: 256 bytes are one page");
    m.write(p, b"Message from first process.\0").expect("write");
    let Pte::Valid { pfn, .. } = m.process().mmu.tables.pte(Vpn::of(p)) else {
        panic!("the writer's PTE is valid");
    };
    m.create_process("second");
    m.wait();
    assert!(m.switch_to(1));
    let again = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 9999, Some(NAME));
    assert_eq!(m.last_error(), 183, "§2.4: ERROR_ALREADY_EXISTS");
    assert!(m.close_handle(again));
    let h2 = m.open_file_mapping(FILE_MAP_ALL_ACCESS, NAME);
    assert_ne!(h2, 0);
    let v = m.map_view_of_file(h2, FILE_MAP_READ, 0, 0, 0);
    let mut buf = [0u8; 27];
    let before = m.history().len();
    m.read(v, &mut buf).expect("read");
    assert_eq!(&buf, b"Message from first process.");
    let faults: Vec<FaultKind> = (before..m.history().len())
        .filter_map(|i| m.history().step(i))
        .flat_map(|s| &s.events)
        .filter_map(|e| match e {
            Event::PageFault { fault, .. } => Some(*fault),
            _ => None,
        })
        .collect();
    assert_eq!(
        faults,
        [FaultKind::Transition],
        "§8.2: the page is in RAM through the first view, so the second view's first touch is a soft fault"
    );
    assert_eq!(
        m.process().mmu.tables.pte(Vpn::of(v)),
        Pte::Valid {
            pfn,
            accessed: true,
            dirty: false,
            writable: false
        },
        "§8.2: the second PTE maps the same frame, read-only in a FILE_MAP_READ view"
    );
    assert_eq!(m.system().frames.get(pfn).share_count, 2);
    assert!(
        m.write(v, b"x").is_err(),
        "a FILE_MAP_READ view is read-only"
    );
    // §2.4: the name goes with the last handle; the views keep the data.
    assert!(m.close_handle(h2));
    assert!(m.switch_to(0));
    assert!(m.close_handle(h));
    assert_eq!(m.open_file_mapping(FILE_MAP_READ, NAME), 0);
    assert_eq!(m.last_error(), 2, "§2.4, §3: the name is gone");
    assert_eq!(m.commit_charge(), 1, "views keep the section alive");
    assert!(
        m.unmap_view_of_file(p + 100),
        "§5: any address inside names the view"
    );
    assert_eq!(m.system().frames.get(pfn).share_count, 1);
    m.wait();
    assert!(m.switch_to(1));
    let mut buf = [0u8; 7];
    m.read(v, &mut buf).expect("the reader's view still works");
    assert_eq!(&buf, b"Message");
    m.exit_process(0);
    assert_eq!(
        m.commit_charge(),
        0,
        "§6, §11.2: the last view goes with the process"
    );
    assert!(m.system().sections.iter().all(|s| s.is_image()));
    assert!(m.picture().frames.iter().all(|f| f.owner.is_none()));
    let h = m.history();
    assert_eq!(h.picture_after(h.len() - 1), Some(m.picture()));
}

/// Every refusal, with Windows' code (§2–§6, §12.1).
#[test]
fn bad_input_gets_windows_errors() {
    let mut m = Machine::new(Config {
        frames: 8,
        pagefile: 64,
        ..Config::default()
    });
    let create = |m: &mut Machine, protect: u32, size: u32| {
        m.create_file_mapping(INVALID_HANDLE_VALUE, protect, 0, size, None)
    };
    for (protect, size, code) in [
        (PAGE_NOACCESS, 4096, 87),
        (PAGE_EXECUTE, 4096, 87),
        (PAGE_READWRITE | SEC_RESERVE | SEC_COMMIT, 4096, 87),
        (PAGE_READWRITE, 0, 87),
        (PAGE_READONLY | SEC_IMAGE, 4096, 193),
        (PAGE_READWRITE, 4096 * 100, 1455),
    ] {
        assert_eq!(create(&mut m, protect, size), 0, "{protect:#x} {size}");
        assert_eq!(m.last_error(), code, "{protect:#x} {size}");
    }
    assert_eq!(m.create_file_mapping(0x40, PAGE_READWRITE, 0, 1, None), 0);
    assert_eq!(m.last_error(), 6, "not a file handle");
    let reserve = create(&mut m, PAGE_READWRITE | SEC_RESERVE, 0x2_0000);
    assert_eq!(m.commit_charge(), 0, "§2.2: SEC_RESERVE charges nothing");
    let r = m.map_view_of_file(reserve, FILE_MAP_WRITE, 0, 0, 0);
    let q = m.virtual_query(r, MBI_SIZE).expect("query");
    assert_eq!(
        (q.State, q.Protect, q.AllocationProtect, q.Type),
        (MEM_RESERVE, 0, PAGE_READWRITE, MEM_MAPPED)
    );
    assert!(m.read(r, &mut [0]).is_err(), "§4.2: a reserved view faults");
    let h = create(&mut m, PAGE_READWRITE, 0x2_0000);
    for (access, offset, bytes, code) in [
        (FILE_MAP_WRITE, 0x1000, 0, 1132),
        (FILE_MAP_WRITE, 0x1_0000, 0x1_0001, 5),
        (FILE_MAP_WRITE, 0x2_0000, 0, 5),
        (0x4000, 0, 0, 87),
    ] {
        assert_eq!(m.map_view_of_file(h, access, offset, bytes, 0), 0);
        assert_eq!(m.last_error(), code, "{access:#x} {offset:#x} {bytes:#x}");
    }
    assert_eq!(m.map_view_of_file(0x1234, FILE_MAP_READ, 0, 0, 0), 0);
    assert_eq!(m.last_error(), 6);
    let ro = create(&mut m, PAGE_READONLY, 4096);
    assert_eq!(m.map_view_of_file(ro, FILE_MAP_WRITE, 0, 0, 0), 0);
    assert_eq!(
        m.last_error(),
        5,
        "§4.1: a read-only section refuses a write view"
    );
    let v = m.map_view_of_file(h, FILE_MAP_ALL_ACCESS, 0x1_0000, 0, 0);
    assert_ne!(m.map_view_of_file(h, FILE_MAP_READ, 0, 0x1000, 0), 0);
    assert_eq!(m.map_view_of_file(h, FILE_MAP_READ, 0, 0, v + 0x1000), 0);
    assert_eq!(m.last_error(), 1132, "§4.2: the base must be 64 KB-aligned");
    assert_eq!(m.map_view_of_file(h, FILE_MAP_READ, 0, 0, v), 0);
    assert_eq!(m.last_error(), 487, "§4.2: the base overlaps a view");
    assert!(!m.virtual_free(v, 0, MEM_RELEASE));
    assert_eq!(m.last_error(), 87, "§12.1: VirtualFree on a view");
    let private = m.virtual_alloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
    assert!(!m.unmap_view_of_file(private));
    assert_eq!(m.last_error(), 487, "§5: private memory is not a view");
    assert!(!m.flush_view_of_file(private, 0));
    assert_eq!(m.last_error(), 487, "§6");
    assert!(
        m.flush_view_of_file(v, 0),
        "§6: a page-file view flushes nothing"
    );
    assert!(m.unmap_view_of_file(v));
    assert!(!m.unmap_view_of_file(v));
    assert_eq!(m.last_error(), 487, "§5: a second unmap");
    assert!(m.close_handle(h));
    assert!(!m.close_handle(h));
    assert_eq!(m.last_error(), 6, "§6: a closed handle");
    let r2 = m.open_file_mapping(FILE_MAP_READ, "nothing");
    assert_eq!((r2, m.last_error()), (0, 2));
}

/// §3: a handle opened with FILE_MAP_READ cannot map a write view.
#[test]
fn handle_rights_limit_views() {
    let mut m = machine();
    let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 4096, Some("s"));
    let r = m.open_file_mapping(FILE_MAP_READ, "s");
    assert_eq!(m.map_view_of_file(r, FILE_MAP_WRITE, 0, 0, 0), 0);
    assert_eq!(m.last_error(), 5);
    assert_ne!(m.map_view_of_file(r, FILE_MAP_READ, 0, 0, 0), 0);
    let w = m.open_file_mapping(FILE_MAP_WRITE, "s");
    assert_eq!(m.map_view_of_file(w, FILE_MAP_READ, 0, 0, 0), 0);
    assert_eq!(
        m.last_error(),
        5,
        "§3: FILE_MAP_WRITE alone cannot map a read view"
    );
    let v = m.map_view_of_file(w, FILE_MAP_WRITE, 0, 0, 0);
    assert_eq!(
        m.virtual_query(v, MBI_SIZE).expect("query").Protect,
        PAGE_READWRITE
    );
    assert!(m.close_handle(h));
}

/// §12.1: VirtualProtect on a view stays within the view's AllocationProtect.
#[test]
fn protect_on_views_stays_within_the_view() {
    let mut m = machine();
    let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0x2000, None);
    let ro = m.map_view_of_file(h, FILE_MAP_READ, 0, 0, 0);
    assert_eq!(m.virtual_protect(ro, 0x1000, PAGE_READWRITE, true), None);
    assert_eq!(m.last_error(), 87);
    assert_eq!(m.virtual_protect(ro, 0x1000, PAGE_EXECUTE_READ, true), None);
    assert_eq!(m.last_error(), 87);
    assert_eq!(
        m.virtual_protect(ro, 0x1000, PAGE_NOACCESS, true),
        Some(PAGE_READONLY)
    );
    let rw = m.map_view_of_file(h, FILE_MAP_WRITE, 0, 0, 0);
    m.write(rw, b"a").expect("write");
    assert_eq!(
        m.virtual_protect(rw, 0x2000, PAGE_READONLY, true),
        Some(PAGE_READWRITE)
    );
    assert!(m.write(rw, b"b").is_err(), "read-only now");
    assert_eq!(
        m.virtual_protect(rw, 0x1000, PAGE_READWRITE, true),
        Some(PAGE_READONLY)
    );
    m.write(rw, b"c").expect("writable again");
    let q = m.virtual_query(rw, MBI_SIZE).expect("query");
    assert_eq!(
        (q.Type, q.AllocationProtect, q.RegionSize),
        (MEM_MAPPED, PAGE_READWRITE, 0x1000)
    );
}
