//! A run's journal of engine calls, replayed on a second machine, records the same steps
//! and pictures as the run itself (the page's worker runs scripts this way: issue 13).

use pagelab::script::{self, Runner};
use pagelab::sim::journal::Replay;
use pagelab::sim::{Machine, Recording};

/// Run `text` on a machine that keeps a journal (steps only, forgetting them as a worker
/// does), replaying the journal every few statements on a machine that records pictures;
/// then check the copy against a plain recording run.
fn replayed_like_the_run(name: &str, text: &str) -> usize {
    let program = script::parse(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let config = script::machine_config(&program);

    let mut worker = Machine::with_recording(config.clone(), Recording::Steps);
    worker.start_journal();
    script::prepare(&program, &mut worker);
    let mut page = Machine::with_recording(config, Recording::Pictures);
    let mut replay = Replay::default();
    let mut runner = Runner::new(program.clone());
    let mut worker_steps = Vec::new();
    let mut statements = 0;
    // As the worker does, keep the last step until the run ends: a later access may still
    // join it (docs/steps.md).
    let mut flush = |worker: &mut Machine, page: &mut Machine, steps: &mut Vec<_>, end: bool| {
        let keep = usize::from(!end);
        let held = worker.history().steps();
        steps.extend(held[..held.len().saturating_sub(keep)].iter().cloned());
        worker.forget_steps_before(worker.history().len().saturating_sub(keep));
        replay.queue(&worker.take_journal());
        while replay.pending() {
            replay.next(page).expect("the journal replays");
        }
    };
    while runner.step(&mut worker).is_some() {
        statements += 1;
        if statements % 7 == 0 {
            flush(&mut worker, &mut page, &mut worker_steps, false);
        }
    }
    flush(&mut worker, &mut page, &mut worker_steps, true);

    let direct = script::machine_for(&program, Recording::Pictures);
    let mut direct = direct;
    script::run(&program, &mut direct);

    let (a, b) = (direct.history(), page.history());
    assert_eq!(a.len(), b.len(), "{name}: step count");
    assert_eq!(a.steps(), b.steps(), "{name}: steps");
    assert_eq!(
        worker_steps.as_slice(),
        b.steps(),
        "{name}: the worker's steps"
    );
    assert_eq!(a.initial_picture(), b.initial_picture(), "{name}");
    for i in 0..a.len() {
        assert_eq!(
            a.picture_after(i),
            b.picture_after(i),
            "{name}: picture {i}"
        );
    }
    assert_eq!(
        direct.picture(),
        page.picture(),
        "{name}: the machine after"
    );
    a.len()
}

fn file(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn two_processes_and_sections_replay_step_for_step() {
    for path in [
        "tests/scripts/processes_round_robin.c",
        "tests/scripts/shared_memory_by_name.c",
        "www/lessons/two-processes.c",
        "www/lessons/shared-memory.c",
        "www/lessons/shared-dll.c",
    ] {
        assert!(replayed_like_the_run(path, &file(path)) > 10, "{path}");
    }
}

#[test]
fn scripts_with_exceptions_copies_and_paging_replay_step_for_step() {
    for path in [
        "tests/scripts/seh_commit_on_demand.c",
        "tests/scripts/seh_guard_and_finally.c",
        "tests/scripts/seh_unhandled.c",
        "tests/scripts/guard_page_lock.c",
        "tests/scripts/paging.c",
        "tests/scripts/protect_guard.c",
        "tests/scripts/reserve_commit_query.c",
        "www/lessons/standby-and-modified.c",
        "www/lessons/thrashing.c",
        "www/lessons/policy-fifo.c",
        "www/lessons/clustering.c",
    ] {
        replayed_like_the_run(path, &file(path));
    }
}

#[test]
fn files_and_file_backed_sections_replay_step_for_step() {
    for path in [
        "tests/scripts/files_all.c",
        "www/lessons/persisted-mapped-file.c",
    ] {
        assert!(replayed_like_the_run(path, &file(path)) > 10, "{path}");
    }
    // Deletion pending on a handle, a seek back, a grown mapping flushed, a second
    // process's ReadFile.
    let text = r#"#pragma pagelab frames=6
#pragma pagelab file a.bin size=5000
#pragma pagelab file b.txt "bytes"
HANDLE h = CreateFile("a.bin", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
HANDLE m = CreateFileMapping(h, NULL, PAGE_READWRITE, 0, 9000, "named");
char *v = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0);
memset(v, 'z', 9000);
FlushViewOfFile(v + 4096, 10);
PageOut(v, 4096);
v[1] = 'y';
EmptyWorkingSet();
WriteFile(h, "head", 4, NULL, NULL);
UnmapViewOfFile(v);
WriteModifiedPages();
CloseHandle(m);
DeleteFile("b.txt");
_getch();
CloseHandle(h);
#pragma pagelab process two
HANDLE g = CreateFile("a.bin", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
char *buf = VirtualAlloc(NULL, 65536, MEM_COMMIT, PAGE_READWRITE);
DWORD n;
SetFilePointer(g, -10, NULL, FILE_END);
ReadFile(g, buf, 64, &n, NULL);
printf("%d %s %d\n", n, buf, GetFileSize(g, NULL));
DeleteFile("a.bin");
CloseHandle(g);
"#;
    assert!(replayed_like_the_run("files", text) > 20);
}

#[test]
fn copies_fills_and_opt_replay_step_for_step() {
    let text = r#"#pragma pagelab frames=8 pagefile=64 policy=opt
char *p = VirtualAlloc(NULL, 65536, MEM_COMMIT, PAGE_READWRITE);
memset(p, 7, 20000);
memcpy(p + 30000, p + 5, 9000);
memmove(p + 1, p, 40000);
for (int i = 0; i < 5; i++) { memcpy(p + 4096 * i, "same text", 10); }
strcpy(p + 100, "hello");
printf("%s %d\n", p + 100, read(p + 30000, 2));
PageOut(p, 65536);
VirtualProtect(p, 4096, PAGE_NOACCESS, NULL);
*p = 1;
VirtualFree(p, 0, MEM_RELEASE);
"#;
    assert!(replayed_like_the_run("copies", text) > 100);
}
