//! Files of the simulated disk and file-backed sections (docs/windows-sections.md; §
//! numbers are that document's): every file call's success and error codes, the pages of a
//! mapped file read from it and written back to it by each path (flush, the mapped page
//! writer after unmap or trim by the standby lists, the last reference, process end),
//! persistence after every process ended, coherence of ReadFile/WriteFile with views, and
//! determinism.

use std::process::Command;

use pagelab::script;
use pagelab::sim::addr::Vpn;
use pagelab::sim::consts::*;
use pagelab::sim::event::{Event, FaultKind, FrameList};
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

/// A machine with `data.txt` holding `bytes`.
fn with_file(bytes: &[u8]) -> Machine {
    let mut m = machine();
    m.put_file("data.txt", bytes);
    m
}

fn disk(m: &Machine, name: &str) -> Vec<u8> {
    m.system()
        .disk
        .file(name)
        .map(|f| f.bytes.clone())
        .unwrap_or_else(|| panic!("{name} is on the disk"))
}

const RW: u32 = GENERIC_READ | GENERIC_WRITE;
const SHARE_ALL: u32 = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

/// The events recorded since step `from`.
fn events_since(m: &Machine, from: usize) -> Vec<Event> {
    (from..m.history().len())
        .filter_map(|i| m.history().step(i))
        .flat_map(|s| s.events.clone())
        .collect()
}

/// §7.1: the disposition table, with its last errors and INVALID_HANDLE_VALUE on failure.
#[test]
fn create_file_follows_the_disposition_table() {
    let mut m = with_file(b"abc");
    let cases = [
        ("data.txt", CREATE_NEW, false, 80),
        ("new1", CREATE_NEW, true, 0),
        ("data.txt", OPEN_EXISTING, true, 0),
        ("missing", OPEN_EXISTING, false, 2),
        ("data.txt", OPEN_ALWAYS, true, 183),
        ("new2", OPEN_ALWAYS, true, 0),
        ("missing", TRUNCATE_EXISTING, false, 2),
        ("new3", CREATE_ALWAYS, true, 0),
    ];
    for (name, disposition, ok, error) in cases {
        m.set_last_error(0xdead);
        let h = m.create_file(name, RW, SHARE_ALL, disposition);
        assert_eq!(
            (h != INVALID_HANDLE_VALUE, m.last_error()),
            (ok, error),
            "{name} {disposition}"
        );
        if ok {
            assert_eq!(h % 4, 0);
            assert!(m.close_handle(h));
        }
    }
    assert_eq!(disk(&m, "data.txt"), b"abc", "opening keeps the bytes");
    let h = m.create_file("DATA.TXT", RW, 0, CREATE_ALWAYS);
    assert_eq!(
        m.last_error(),
        183,
        "names ignore case; CREATE_ALWAYS truncates"
    );
    assert!(disk(&m, "data.txt").is_empty());
    assert!(m.close_handle(h));
    m.put_file("data.txt", b"abc");
    let h = m.create_file("data.txt", GENERIC_READ, 0, TRUNCATE_EXISTING);
    assert_eq!(
        (h, m.last_error()),
        (INVALID_HANDLE_VALUE, 87),
        "needs GENERIC_WRITE"
    );
    let h = m.create_file("data.txt", GENERIC_WRITE, 0, TRUNCATE_EXISTING);
    assert_ne!(h, INVALID_HANDLE_VALUE);
    assert!(disk(&m, "data.txt").is_empty());
    for bad in [0, 6] {
        assert_eq!(m.create_file("x", RW, 0, bad), INVALID_HANDLE_VALUE);
        assert_eq!(m.last_error(), 87);
    }
    assert_eq!(m.create_file("", RW, 0, OPEN_ALWAYS), INVALID_HANDLE_VALUE);
}

/// §7.1: share modes span processes; a writable section counts as a writer.
#[test]
fn share_modes_are_checked_across_processes() {
    let mut m = with_file(b"abc");
    let h = m.create_file("data.txt", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    m.create_process("other");
    m.wait();
    assert!(m.switch_to(1));
    let w = m.create_file("data.txt", GENERIC_WRITE, SHARE_ALL, OPEN_EXISTING);
    assert_eq!((w, m.last_error()), (INVALID_HANDLE_VALUE, 32));
    let r = m.create_file("data.txt", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    assert_ne!(r, INVALID_HANDLE_VALUE, "readers sharing reads agree");
    let r2 = m.create_file("data.txt", GENERIC_READ, 0, OPEN_EXISTING);
    assert_eq!(
        (r2, m.last_error()),
        (INVALID_HANDLE_VALUE, 32),
        "it must share what the others hold"
    );
    assert!(m.switch_to(0));
    assert!(m.close_handle(h));
}

/// §7.2: pointers, reads at the end, writes that extend, negative seeks, bad handles.
#[test]
fn read_write_seek_and_size() {
    let mut m = with_file(b"0123456789");
    let h = m.create_file("data.txt", RW, 0, OPEN_EXISTING);
    let buf = m.virtual_alloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(m.read_file(h, 4, buf).as_deref(), Some(&b"0123"[..]));
    assert_eq!(m.read_file(h, 100, buf).as_deref(), Some(&b"456789"[..]));
    assert_eq!(
        m.read_file(h, 100, buf).as_deref(),
        Some(&b""[..]),
        "TRUE, 0 bytes"
    );
    assert_eq!(m.set_file_pointer(h, 12, FILE_BEGIN_METHOD), Some(12));
    assert_eq!(
        m.get_file_size(h),
        Some(10),
        "seeking past the end keeps the size"
    );
    assert_eq!(m.write_file(h, b"AB"), Some(2));
    assert_eq!(
        disk(&m, "data.txt"),
        b"0123456789\0\0AB",
        "the gap is zeros"
    );
    m.set_last_error(0);
    assert_eq!(m.set_file_pointer(h, -100, 1), None);
    assert_eq!(m.last_error(), 131, "ERROR_NEGATIVE_SEEK");
    assert_eq!(m.set_file_pointer(h, -2, 2), Some(12), "from the end");
    assert_eq!(m.set_file_pointer(h, 0, 7), None);
    assert_eq!(m.last_error(), 87);
    let r = m.create_file("other", GENERIC_READ, 0, CREATE_NEW);
    assert_eq!(m.write_file(r, b"x"), None);
    assert_eq!(m.last_error(), 5, "no GENERIC_WRITE");
    let w = m.create_file("wo", GENERIC_WRITE, 0, CREATE_NEW);
    assert_eq!(m.read_file(w, 1, buf), None);
    assert_eq!(m.last_error(), 5, "no GENERIC_READ");
    for bad in [0, 3, 0x400, INVALID_HANDLE_VALUE] {
        assert_eq!(m.read_file(bad, 1, buf), None);
        assert_eq!(m.last_error(), 6);
        assert_eq!(m.write_file(bad, b"x"), None);
        assert_eq!(m.get_file_size(bad), None);
        assert_eq!(m.set_file_pointer(bad, 0, 0), None);
        assert_eq!(m.last_error(), 6);
        assert!(!m.close_handle(bad));
    }
    // A section handle is not a file handle.
    let s = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 4096, None);
    assert_eq!(m.read_file(s, 1, buf), None);
    assert_eq!(m.last_error(), 6);
    assert_eq!(m.set_file_pointer(h, 1 << 24, 0), Some(1 << 24));
    assert_eq!(m.write_file(h, b"x"), None);
    assert_eq!(m.last_error(), 112, "the disk holds 16 MB per file");
}

const FILE_BEGIN_METHOD: u32 = 0;

/// The disk holds 32 MB in all: a write or a section that would grow the files past it
/// fails with ERROR_DISK_FULL and changes nothing; below it both succeed.
#[test]
fn a_full_disk_refuses_growth_with_112() {
    let mut m = machine();
    let big = 1 << 24;
    let a = m.create_file("a.bin", RW, 0, CREATE_NEW);
    assert_eq!(
        m.set_file_pointer(a, big - 1, FILE_BEGIN_METHOD),
        Some(big as u64 - 1)
    );
    assert_eq!(
        m.write_file(a, b"x"),
        Some(1),
        "16 MB: one file of the largest size"
    );
    let b = m.create_file("b.bin", RW, 0, CREATE_NEW);
    let s = m.create_file_mapping(b, PAGE_READWRITE, 0, big as u32, None);
    assert_ne!(
        s, 0,
        "a section grows the second file to 16 MB: 32 MB in all"
    );
    assert_eq!(disk(&m, "b.bin").len(), 1 << 24);
    let c = m.create_file("c.bin", RW, 0, CREATE_NEW);
    m.set_last_error(0);
    assert_eq!(
        m.write_file(c, b"y"),
        None,
        "one byte more than the disk holds"
    );
    assert_eq!(m.last_error(), 112);
    assert_eq!(m.create_file_mapping(c, PAGE_READWRITE, 0, 4096, None), 0);
    assert_eq!(m.last_error(), 112);
    assert!(disk(&m, "c.bin").is_empty(), "nothing was written");
    // Rewriting inside a file needs no room.
    assert_eq!(m.set_file_pointer(a, 0, FILE_BEGIN_METHOD), Some(0));
    assert_eq!(m.write_file(a, b"hello"), Some(5));
    assert!(m.close_handle(s));
    assert!(m.close_handle(b));
    assert!(m.delete_file("b.bin"));
    assert_eq!(
        m.write_file(c, b"y"),
        Some(1),
        "room again once b.bin is gone"
    );
}

/// `#pragma pagelab file` lines may not put more than the disk holds, with line and column.
#[test]
fn file_pragmas_past_what_the_disk_holds_are_refused() {
    let text = "#pragma pagelab file a.bin size=16777216\n#pragma pagelab file b.bin size=16777216\n#pragma pagelab file  c.bin \"x\"\nint x = 1;\n";
    let errors: Vec<String> = match script::parse(text) {
        Ok(_) => panic!("the third file does not fit"),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "3:23: #pragma pagelab file: the files together would pass 33554432 bytes (32 MiB)"
        ),
        "{errors:?}"
    );
    assert!(script::parse(&text.replace(
        "size=16777216\n#pragma pagelab file b.bin",
        "size=16777215\n#pragma pagelab file b.bin"
    ))
    .is_ok());
}

/// §7.3: missing, mapped, shared without delete, pending deletion.
#[test]
fn delete_file_rules() {
    let mut m = with_file(b"abc");
    assert!(!m.delete_file("nope"));
    assert_eq!(m.last_error(), 2);
    let h = m.create_file("data.txt", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    assert!(!m.delete_file("data.txt"));
    assert_eq!(m.last_error(), 32, "a handle without FILE_SHARE_DELETE");
    assert!(m.close_handle(h));
    let h = m.create_file("data.txt", GENERIC_READ, FILE_SHARE_DELETE, OPEN_EXISTING);
    assert!(m.delete_file("data.txt"), "every handle shares delete");
    assert!(m.system().disk.file("data.txt").is_some(), "pending");
    assert_eq!(
        m.create_file("data.txt", GENERIC_READ, SHARE_ALL, OPEN_EXISTING),
        INVALID_HANDLE_VALUE
    );
    assert_eq!(m.last_error(), 5, "a file being deleted cannot be opened");
    assert!(m.close_handle(h));
    assert!(
        m.system().disk.file("data.txt").is_none(),
        "gone with its handle"
    );
    m.put_file("data.txt", b"abc");
    let h = m.create_file("data.txt", RW, SHARE_ALL, OPEN_EXISTING);
    let s = m.create_file_mapping(h, PAGE_READONLY, 0, 0, None);
    assert!(m.close_handle(h));
    assert!(!m.delete_file("data.txt"));
    assert_eq!(m.last_error(), 5, "a mapped file cannot be deleted");
    assert!(m.close_handle(s));
    assert!(m.delete_file("data.txt"));
}

/// §2.3: access, size 0, empty files, growth, read-only growth, disk full; §2.4 names.
#[test]
fn file_backed_create_file_mapping_rules() {
    let mut m = with_file(&[7; 0x3456]);
    m.put_file("empty", b"");
    let ro = m.create_file("data.txt", GENERIC_READ, SHARE_ALL, OPEN_EXISTING);
    assert_eq!(m.create_file_mapping(ro, PAGE_READWRITE, 0, 0, None), 0);
    assert_eq!(
        m.last_error(),
        5,
        "a read-only handle cannot map read/write"
    );
    let s = m.create_file_mapping(ro, PAGE_READONLY, 0, 0, None);
    assert_ne!(s, 0);
    assert_eq!(m.last_error(), 0);
    // Section 0 is kernel32.dll's image, in every process (DESIGN §9).
    let section = &m.system().sections[1];
    assert_eq!(section.size, 0x3456, "size 0 is the file's size, in bytes");
    assert_eq!(section.pages(), 4);
    assert!(section.prototypes.iter().all(|p| *p == Pte::Empty));
    assert_eq!(m.commit_charge(), 0, "a file-backed section is not charged");
    assert!(m.close_handle(s));
    assert_eq!(m.create_file_mapping(ro, PAGE_READONLY, 0, 0x3457, None), 0);
    assert_eq!(
        m.last_error(),
        8,
        "larger than the file without write access"
    );
    let e = m.create_file("empty", RW, SHARE_ALL, OPEN_EXISTING);
    assert_eq!(m.create_file_mapping(e, PAGE_READWRITE, 0, 0, None), 0);
    assert_eq!(m.last_error(), 1006, "ERROR_FILE_INVALID");
    let g = m.create_file_mapping(e, PAGE_READWRITE, 0, 5000, Some("grown"));
    assert_ne!(g, 0);
    assert_eq!(
        disk(&m, "empty"),
        vec![0; 5000],
        "the file grows to the section"
    );
    let again = m.create_file_mapping(e, PAGE_READWRITE, 0, 0, Some("grown"));
    assert_eq!(m.last_error(), 183);
    assert!(m.close_handle(again));
    assert_eq!(m.create_file_mapping(e, PAGE_READWRITE, 1, 0, None), 0);
    assert_eq!(m.last_error(), 112, "4 GB: the disk is full");
    assert_eq!(m.create_file_mapping(0x1234, PAGE_READONLY, 0, 0, None), 0);
    assert_eq!(m.last_error(), 6);
    assert_eq!(m.create_file_mapping(ro, PAGE_NOACCESS, 0, 0, None), 0);
    assert_eq!(m.last_error(), 87);
    let t = m.create_file("empty", RW, SHARE_ALL, TRUNCATE_EXISTING);
    assert_eq!((t, m.last_error()), (INVALID_HANDLE_VALUE, 1224));
}

/// §8.1: the first touch is a hard fault reading the file (zeros past its end), never
/// the page file; FlushViewOfFile writes the changed page and only the file's bytes.
#[test]
fn first_touch_reads_the_file_and_flush_writes_it() {
    let mut m = with_file(b"hello");
    let h = m.create_file("data.txt", RW, 0, OPEN_EXISTING);
    let s = m.create_file_mapping(h, PAGE_READWRITE, 0, 0, None);
    let v = m.map_view_of_file(s, FILE_MAP_WRITE, 0, 0, 0);
    assert_ne!(v, 0);
    let before = m.history().len();
    let mut buf = [1u8; 8];
    m.read(v, &mut buf).expect("read");
    assert_eq!(&buf, b"hello\0\0\0", "zeros past the end within the page");
    let events = events_since(&m, before);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::PageFault {
            fault: FaultKind::Hard,
            ..
        }
    )));
    assert!(events.iter().any(
        |e| matches!(e, Event::FileRead { file, offset: 0, bytes: 5, .. } if file == "data.txt")
    ));
    m.write(v, b"HE").expect("write");
    m.write(v + 100, b"past the end").expect("write");
    assert_eq!(disk(&m, "data.txt"), b"hello", "a write stays in RAM");
    assert!(m.flush_view_of_file(v, 0));
    assert_eq!(
        disk(&m, "data.txt"),
        b"HEllo",
        "only the file's bytes go back"
    );
    let before = m.history().len();
    assert!(m.flush_view_of_file(v + 10, 1));
    assert!(
        !events_since(&m, before)
            .iter()
            .any(|e| matches!(e, Event::FileWrite { .. })),
        "a clean page is not written again"
    );
    assert!(!m.flush_view_of_file(0x1234_0000, 0));
    assert_eq!(m.last_error(), 487);
    assert_eq!(
        m.system().io.pagefile_writes + m.system().io.pagefile_reads,
        0
    );
}

/// §5, §8.1, §8.2: after unmap the changed page waits on the modified list (nothing
/// written); the mapped page writer writes it to the file, not to the page file; a touch
/// then is a soft fault; a clean page whose frame is reused is read from the file again.
#[test]
fn unmapped_pages_go_to_the_lists_and_the_writer_writes_the_file() {
    let mut m = with_file(&[b'a'; 8192]);
    let h = m.create_file("data.txt", RW, 0, OPEN_EXISTING);
    let s = m.create_file_mapping(h, PAGE_READWRITE, 0, 0, None);
    let v = m.map_view_of_file(s, FILE_MAP_WRITE, 0, 0, 0);
    m.write(v, b"X").expect("write");
    let mut b = [0u8; 1];
    m.read(v + 4096, &mut b).expect("read the second page");
    assert!(m.unmap_view_of_file(v));
    let protos = m.system().sections[1].prototypes.clone();
    let lists: Vec<FrameList> = protos
        .iter()
        .map(|p| match p {
            Pte::Transition { pfn } => m.system().frames.get(*pfn).list,
            other => panic!("transition expected, got {other:?}"),
        })
        .collect();
    assert_eq!(lists, [FrameList::Modified, FrameList::Standby]);
    assert_eq!(disk(&m, "data.txt")[0], b'a', "unmapping writes nothing");
    assert_eq!(m.write_modified_pages(), 1);
    assert_eq!(disk(&m, "data.txt")[0], b'X');
    assert_eq!(m.system().io.pagefile_writes, 0, "never the page file");
    let v = m.map_view_of_file(s, FILE_MAP_READ, 0, 0, 0);
    let before = m.history().len();
    m.read(v, &mut b).expect("read");
    assert_eq!(b[0], b'X');
    assert!(events_since(&m, before).iter().any(|e| matches!(
        e,
        Event::PageFault {
            fault: FaultKind::Transition,
            ..
        }
    )));
    assert!(m.unmap_view_of_file(v));
    // Fill RAM with private pages: the standby frames are reused.
    let p = m.virtual_alloc(0, 12 * 4096, MEM_COMMIT, PAGE_READWRITE);
    for i in 0..12 {
        m.write(p + i * 4096, &[1]).expect("write");
    }
    assert!(
        m.system().sections[1].prototypes.contains(&Pte::Empty),
        "a reused standby frame forgets the file page"
    );
    let v = m.map_view_of_file(s, FILE_MAP_READ, 0, 0, 0);
    let before = m.history().len();
    m.read(v, &mut b).expect("read again");
    assert_eq!(b[0], b'X', "read back from the file");
    assert!(events_since(&m, before)
        .iter()
        .any(|e| matches!(e, Event::FileRead { .. })));
}

/// §6, §11.2: the last reference (CloseHandle after unmap) and process end write the
/// changed pages; the file keeps them after every process ended.
#[test]
fn last_reference_and_process_end_write_back_and_the_file_persists() {
    let mut m = with_file(b"old text");
    let h = m.create_file("data.txt", RW, 0, OPEN_EXISTING);
    let s = m.create_file_mapping(h, PAGE_READWRITE, 0, 0, None);
    let v = m.map_view_of_file(s, FILE_MAP_WRITE, 0, 0, 0);
    m.write(v, b"new").expect("write");
    assert!(m.close_handle(s));
    assert!(m.close_handle(h));
    assert!(m.unmap_view_of_file(v), "the view held the section");
    assert_eq!(disk(&m, "data.txt"), b"new text");
    assert!(m.system().sections.iter().all(|s| s.is_image()));

    // A process that ends with a view still mapped and dirty.
    m.create_process("second");
    let h = m.create_file("data.txt", RW, 0, OPEN_EXISTING);
    let s = m.create_file_mapping(h, PAGE_READWRITE, 0, 0, None);
    let v = m.map_view_of_file(s, FILE_MAP_WRITE, 0, 0, 0);
    m.write(v + 4, b"TEXT").expect("write");
    m.exit_process(0);
    assert!(m.switch_to(1));
    m.exit_process(0);
    assert!(m.system().sections.iter().all(|s| s.is_image()));
    assert_eq!(
        disk(&m, "data.txt"),
        b"new TEXT",
        "persisted after both ended"
    );
    let free =
        m.system().frames.count(FrameList::Free) + m.system().frames.count(FrameList::Zeroed);
    assert_eq!(free, 8, "every frame is back");
}

/// ReadFile into a buffer the process may not write (NULL, reserved, read-only, or running
/// past the committed pages) fails with ERROR_NOACCESS (998) and reads nothing: the file
/// pointer stays (reference §1: STATUS_ACCESS_VIOLATION → 998).
#[test]
fn read_file_into_a_bad_buffer_fails_with_998() {
    let mut m = with_file(b"0123456789");
    let h = m.create_file("data.txt", RW, 0, OPEN_EXISTING);
    let reserved = m.virtual_alloc(0, 2 * 4096, MEM_RESERVE, PAGE_READWRITE);
    let committed = m.virtual_alloc(reserved, 4096, MEM_COMMIT, PAGE_READWRITE);
    let read_only = m.virtual_alloc(0, 4096, MEM_COMMIT, PAGE_READONLY);
    for (buf, n, what) in [
        (0, 4, "NULL"),
        (reserved + 4096, 4, "a reserved page"),
        (read_only, 4, "a read-only page"),
        (committed + 4094, 4, "past the committed page"),
        (u64::MAX - 1, 4, "the end of the address space"),
    ] {
        m.set_last_error(0);
        assert_eq!(m.read_file(h, n, buf), None, "{what}");
        assert_eq!(m.last_error(), 998, "{what}");
    }
    assert_eq!(
        m.read_file(h, 4, committed + 4092).as_deref(),
        Some(&b"0123"[..]),
        "nothing was read before: the pointer is still at 0"
    );
}

/// §7.4: ReadFile sees a view's unwritten change; WriteFile reaches a resident page;
/// a second mapping of the file shares the same pages.
#[test]
fn read_file_write_file_and_views_agree() {
    let mut m = with_file(b"abcdef");
    let h = m.create_file("data.txt", RW, SHARE_ALL, OPEN_EXISTING);
    let s = m.create_file_mapping(h, PAGE_READWRITE, 0, 0, None);
    let v = m.map_view_of_file(s, FILE_MAP_WRITE, 0, 0, 0);
    m.write(v + 1, b"BC").expect("write");
    let buf = m.virtual_alloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
    assert_eq!(m.read_file(h, 6, buf).as_deref(), Some(&b"aBCdef"[..]));
    assert_eq!(m.set_file_pointer(h, 4, 0), Some(4));
    assert_eq!(m.write_file(h, b"EF"), Some(2));
    let mut buf = [0u8; 6];
    m.read(v, &mut buf).expect("read");
    assert_eq!(&buf, b"aBCdEF");
    let h2 = m.create_file("data.txt", GENERIC_READ, SHARE_ALL, OPEN_EXISTING);
    let s2 = m.create_file_mapping(h2, PAGE_READONLY, 0, 0, None);
    assert_eq!(
        m.system().sections.len(),
        2,
        "one set of prototype PTEs per file, beside kernel32.dll's image"
    );
    let w = m.map_view_of_file(s2, FILE_MAP_READ, 0, 0, 0);
    let Pte::Valid { pfn: a, .. } = m.process().mmu.tables.pte(Vpn::of(v)) else {
        panic!("valid");
    };
    m.read(w, &mut buf).expect("read");
    let Pte::Valid { pfn: b, .. } = m.process().mmu.tables.pte(Vpn::of(w)) else {
        panic!("valid");
    };
    assert_eq!((a, &buf), (b, b"aBCdEF"));
}

/// Scripts: `#pragma pagelab file` errors with line:col, 2^63 refused, no panic.
#[test]
fn file_pragmas_parse_with_positions() {
    let bad = [
        ("#pragma pagelab file\nint a;", 1, "needs a name"),
        (
            "#pragma pagelab file big size=9223372036854775808\n",
            1,
            "16 MiB",
        ),
        ("int a;\n#pragma pagelab file f \"open\n", 2, "closing"),
        ("#pragma pagelab file f 12\n", 1, "\"text\" or size=N"),
        ("#pragma pagelab file f size=x\n", 1, "not a number"),
    ];
    for (text, line, words) in bad {
        let errors = script::parse(text).expect_err(text);
        assert_eq!(errors[0].line, line, "{text}");
        assert!(errors[0].col > 1, "{text}: {:?}", errors[0]);
        assert!(errors[0].message.contains(words), "{:?}", errors[0]);
    }
    let big =
        script::parse("#pragma pagelab file big size=9223372036854775808\n").expect_err("2^63");
    assert_eq!(big[0].col, 31);
    let ok =
        script::parse("#pragma pagelab file a.txt \"x\\ty\"\n#pragma pagelab file b size=4097\n")
            .expect("parses");
    assert_eq!(ok.files()[0].bytes, b"x\ty");
    assert_eq!(ok.files()[1].bytes.len(), 4097);
}

/// The same script gives the same steps, byte for byte, and the files end the same.
#[test]
fn file_scripts_are_deterministic() {
    let text = std::fs::read_to_string("www/lessons/persisted-mapped-file.c").expect("lesson");
    let program = script::parse(&text).expect("parses");
    let run = || {
        let mut m = script::machine_for(&program, Recording::Pictures);
        script::run(&program, &mut m);
        m
    };
    let (a, b) = (run(), run());
    assert_eq!(a.history().steps(), b.history().steps());
    assert_eq!(a.picture(), b.picture());
    assert_eq!(disk(&a, "notes.txt"), b"Hello from the disk");
    assert_eq!(a.picture().files[0].size, 19);
}

/// The lesson from the command line: the summary lists the disk's final bytes.
#[test]
fn pagelab_run_shows_the_disk_after_the_run() {
    let out = Command::new(env!("CARGO_BIN_EXE_pagelab"))
        .args([
            "run",
            "www/lessons/persisted-mapped-file.c",
            "--json",
            "--summary",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("pagelab runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let last: serde_json::Value =
        serde_json::from_str(text.lines().last().expect("a summary row")).expect("json");
    let disk = &last["summary"]["disk"][0];
    assert_eq!(disk["name"], "notes.txt");
    assert_eq!(disk["text"], "Hello from the disk");
    assert!(text.contains("\"process\":\"reader\""));
}

/// A big file's summary shows its first 1,024 bytes and says so (a 16 MiB file printed
/// 32 MB of text, 100 MB in `--json`).
#[test]
fn the_summary_shows_the_start_of_a_big_file() {
    let script = std::env::temp_dir().join(format!("pagelab-big-{}.c", std::process::id()));
    std::fs::write(
        &script,
        "#pragma pagelab file big.bin size=16777216\nint x = 1;\n",
    )
    .expect("a temporary script");
    let run = |json: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pagelab"));
        c.args(["run", "--summary"]).arg(&script);
        if json {
            c.arg("--json");
        }
        String::from_utf8(c.output().expect("pagelab runs").stdout).expect("utf-8")
    };
    let (plain, json) = (run(false), run(true));
    let _ = std::fs::remove_file(&script);
    let line = plain
        .lines()
        .find(|l| l.starts_with("disk file big.bin"))
        .expect("the file");
    assert_eq!(
        line,
        format!(
            "disk file big.bin: 16777216 bytes: {:?} (the first 1024 bytes)",
            "\0".repeat(1024)
        )
    );
    let last: serde_json::Value =
        serde_json::from_str(json.lines().last().expect("a summary row")).expect("json");
    let disk = &last["summary"]["disk"][0];
    assert_eq!(
        (disk["size"].as_u64(), disk["cut"].as_bool()),
        (Some(1 << 24), Some(true))
    );
    assert_eq!(disk["text"].as_str().map(str::len), Some(1024));
    assert!(json.len() < 20_000, "{} bytes", json.len());
}

/// §8.2, §8.1: trimming a mapped file's page from a working set (PageOut,
/// EmptyWorkingSet) points its PTE at the prototype PTE; with another view still mapping
/// it the frame stays active, at share count 0 it goes to modified, and the mapped page
/// writer writes it to the file. A touch after the trim is a soft fault.
#[test]
fn trimmed_file_pages_reach_the_file_through_the_writer() {
    let mut m = with_file(&[b'.'; 4096]);
    let h = m.create_file("data.txt", RW, SHARE_ALL, OPEN_EXISTING);
    let s = m.create_file_mapping(h, PAGE_READWRITE, 0, 0, Some("f"));
    let v = m.map_view_of_file(s, FILE_MAP_WRITE, 0, 0, 0);
    m.write(v, b"trim").expect("write");
    m.create_process("other");
    m.wait();
    assert!(m.switch_to(1));
    let s2 = m.open_file_mapping(FILE_MAP_READ, "f");
    let w = m.map_view_of_file(s2, FILE_MAP_READ, 0, 0, 0);
    let mut b = [0u8; 4];
    m.read(w, &mut b).expect("read");
    assert_eq!(&b, b"trim");
    assert_eq!(m.page_out(w, 1), 1, "the other view's page is trimmed");
    assert_eq!(
        m.process().mmu.tables.pte(Vpn::of(w)),
        Pte::Prototype { index: 0 }
    );
    let Pte::Valid { pfn, .. } = m.system().sections[1].prototypes[0] else {
        panic!("still valid for the first process");
    };
    assert_eq!(
        (
            m.system().frames.get(pfn).list,
            m.system().frames.get(pfn).share_count
        ),
        (FrameList::Active, 1)
    );
    let before = m.history().len();
    m.read(w, &mut b).expect("read again");
    assert!(events_since(&m, before).iter().any(|e| matches!(
        e,
        Event::PageFault {
            fault: FaultKind::Transition,
            ..
        }
    )));
    assert_eq!(m.system().frames.get(pfn).share_count, 2);
    assert_eq!(m.empty_working_set(), 1);
    assert!(m.switch_to(0));
    assert_eq!(m.empty_working_set(), 1);
    assert_eq!(m.system().frames.get(pfn).list, FrameList::Modified);
    assert_eq!(
        &disk(&m, "data.txt")[..4],
        b"....",
        "trimming writes nothing"
    );
    m.write_modified_pages();
    assert_eq!(
        &disk(&m, "data.txt")[..4],
        b"trim",
        "the writer wrote the file"
    );
    assert_eq!(m.system().frames.get(pfn).list, FrameList::Standby);
    assert_eq!(m.system().io.pagefile_writes, 0);
}

/// One process writes through a view of a file and never unmaps it.
const ONE_PROCESS: &str = "#pragma pagelab file out.txt size=8\n\
         HANDLE f = CreateFile(\"out.txt\", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);\n\
         HANDLE m = CreateFileMapping(f, NULL, PAGE_READWRITE, 0, 0, NULL);\n\
         char *p = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);\n\
         strcpy(p, \"written\");\n";

/// §11.2: a one-process script is left running at its end, so the summary shows the disk
/// as the process's end will leave it: the view's changed page written to the file.
#[test]
fn the_summary_shows_the_disk_once_every_process_ended() {
    let script = std::env::temp_dir().join(format!("pagelab-files-{}.c", std::process::id()));
    std::fs::write(&script, ONE_PROCESS).expect("a temporary script");
    let out = Command::new(env!("CARGO_BIN_EXE_pagelab"))
        .args(["run", "--summary"])
        .arg(&script)
        .output()
        .expect("pagelab runs");
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.contains(r#"disk file out.txt: 8 bytes: "written\0""#),
        "{text}"
    );
    // The machine itself still holds the page unwritten: the process has not ended.
    let program = script::parse(ONE_PROCESS).expect("parses");
    let mut m = script::machine_for(&program, Recording::Steps);
    script::run(&program, &mut m);
    assert_eq!(disk(&m, "out.txt"), vec![0; 8]);
    let at_exit = m.system().disk_at_exit();
    assert_eq!(
        at_exit.file("out.txt").map(|f| f.bytes.as_slice()),
        Some(&b"written\0"[..])
    );
}

/// MS-SFP: with `&high`, SetFilePointer's distance is the 64-bit high:low, and `high` gets
/// the new position's high part; with NULL, the low part alone is a signed distance.
#[test]
fn set_file_pointer_reads_and_writes_the_high_part() {
    let text = r#"#pragma pagelab file data.txt "0123456789"
HANDLE h = CreateFile("data.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
LONG high = -1;
DWORD lo = SetFilePointer(h, -2, &high, FILE_END);
printf("%lu %ld\n", lo, high);
high = 0;
lo = SetFilePointer(h, 0xFFFFFFFE, &high, FILE_BEGIN);
printf("%lu %ld\n", lo, high);
high = 1;
lo = SetFilePointer(h, 5, &high, FILE_BEGIN);
printf("%lu %ld\n", lo, high);
printf("%lu\n", SetFilePointer(h, -2, NULL, FILE_END));
"#;
    let program = script::parse(text).expect("parses");
    let mut m = script::machine_for(&program, Recording::Steps);
    let mut printed = String::new();
    for r in script::run(&program, &mut m) {
        printed.push_str(&r.out);
    }
    assert_eq!(
        printed, "8 0\n4294967294 0\n5 1\n8\n",
        "-1:-2 from the end is 8; 0:0xFFFFFFFE is 4 GB - 2, not -2; 1:5 is 4 GB + 5"
    );
}
