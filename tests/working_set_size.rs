//! `SetProcessWorkingSetSize(Ex)` and `GetProcessWorkingSetSize` (docs/windows-sections.md
//! §11.3, MS-SPWSSE; reference §8.4).

use pagelab::script;
use pagelab::sim::consts::*;
use pagelab::sim::event::Event;
use pagelab::sim::journal::Replay;
use pagelab::sim::{Config, Machine, Recording, WsLimits};

/// `GetCurrentProcess()`.
const ME: u64 = u64::MAX;
const PAGE: u64 = 4096;

fn machine() -> Machine {
    Machine::new(Config {
        frames: 16,
        pagefile: 16,
        ..Config::default()
    })
}

/// A machine whose working set holds `n` written pages.
fn with_pages(n: u64) -> (Machine, u64) {
    let mut m = machine();
    let p = m.virtual_alloc(0, n * PAGE, MEM_COMMIT, PAGE_READWRITE);
    for i in 0..n {
        m.write(p + i * PAGE, &[i as u8 + 1]).expect("write");
    }
    assert_eq!(m.process().mmu.ws.len() as u64, n);
    (m, p)
}

/// MS-SPWSSE: new limits; flags 0 leave the maximum soft, MAX_ENABLE makes it hard and
/// MAX_DISABLE soft again (reference §8.4); GetProcessWorkingSetSize reports them in bytes.
#[test]
fn limits_are_set_and_read_back() {
    let mut m = machine();
    assert!(m.set_process_working_set_size(ME, 2 * PAGE, 6 * PAGE, 0, false));
    assert_eq!(
        m.process().mmu.ws.limits(),
        WsLimits {
            min: 2,
            max: 6,
            hard: false
        }
    );
    assert_eq!(m.working_set_size(ME), Some((2 * PAGE, 6 * PAGE)));
    assert!(m.set_process_working_set_size(
        ME,
        2 * PAGE,
        5 * PAGE,
        QUOTA_LIMITS_HARDWS_MAX_ENABLE | QUOTA_LIMITS_HARDWS_MIN_ENABLE,
        true
    ));
    assert!(m.process().mmu.ws.limits().hard);
    assert!(m.set_process_working_set_size(
        ME,
        2 * PAGE,
        5 * PAGE,
        QUOTA_LIMITS_HARDWS_MAX_DISABLE,
        true
    ));
    assert!(!m.process().mmu.ws.limits().hard);
    // Sizes count whole pages, rounded down.
    assert!(m.set_process_working_set_size(ME, 2 * PAGE + 1, 7 * PAGE + 4095, 0, false));
    assert_eq!(m.working_set_size(ME), Some((2 * PAGE, 7 * PAGE)));
}

/// §11.3: a lower maximum trims the working set at once; trimmed pages go to the
/// modified list (they were written), narrated as steps after the call's own.
#[test]
fn a_lower_maximum_trims_at_once() {
    let (mut m, _) = with_pages(6);
    let before = m.history().len();
    assert!(m.set_process_working_set_size(ME, PAGE, 3 * PAGE, 0, false));
    assert_eq!(m.process().mmu.ws.len(), 3);
    let steps = &m.history().steps()[before..];
    assert!(
        steps[0].narration.contains("limits are now 1 to 3 pages"),
        "{}",
        steps[0].narration
    );
    let moved = steps
        .iter()
        .flat_map(|s| &s.events)
        .filter(|e| matches!(e, Event::PageTrimmed { .. }))
        .count();
    assert!(moved >= 3, "three pages leave for the lists");
    assert!(steps.iter().any(|s| s
        .narration
        .contains("The new maximum is 3: the working set (6)")));
    // No trim when the working set fits.
    let before = m.history().len();
    assert!(m.set_process_working_set_size(ME, PAGE, 4 * PAGE, 0, false));
    assert_eq!(m.history().len(), before + 1, "just the call's step");
}

/// MS-SPWSSE: (SIZE_T)-1 for both empties the working set; the limits stay.
#[test]
fn minus_one_twice_empties_the_working_set() {
    let (mut m, p) = with_pages(4);
    let limits = m.process().mmu.ws.limits();
    assert!(m.set_process_working_set_size(ME, u64::MAX, u64::MAX, 0, false));
    assert_eq!(m.process().mmu.ws.len(), 0);
    assert_eq!(m.process().mmu.ws.limits(), limits);
    // The data survives on the lists.
    let mut b = [0u8];
    m.read(p + 3 * PAGE, &mut b).expect("read");
    assert_eq!(b[0], 4);
    // The flags are not applied then [derived].
    assert!(m.set_process_working_set_size(ME, u64::MAX, u64::MAX, 0xFF, true));
}

/// §11.3: every refusal and its code; a refused call changes nothing.
#[test]
fn bad_arguments_get_windows_errors() {
    let mut m = machine();
    let limits = m.process().mmu.ws.limits();
    let both_min = QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MIN_DISABLE;
    let both_max = QUOTA_LIMITS_HARDWS_MAX_ENABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE;
    for (process, min, max, flags, code) in [
        (4, PAGE, 2 * PAGE, 0, 6),       // not a process handle [derived]
        (0, PAGE, 2 * PAGE, 0, 6),       // NULL
        (ME, 0, 2 * PAGE, 0, 87),        // the minimum must be > 0
        (ME, 0, 0, 0, 87),               // likewise
        (ME, 3 * PAGE, 2 * PAGE, 0, 87), // min > max
        (ME, PAGE, 2 * PAGE, both_min, 87),
        (ME, PAGE, 2 * PAGE, both_max, 87),
        (ME, PAGE, 2 * PAGE, 0x10, 87),         // an undefined bit
        (ME, PAGE, 17 * PAGE, 0, 87),           // more than RAM [derived]
        (ME, PAGE, u64::MAX, 0, 87),            // 2^64-1 bytes
        (ME, u64::MAX, 2 * PAGE, 0, 87),        // min > max
        (ME, 1 << 63, (1 << 63) + PAGE, 0, 87), // sizes of 2^63
    ] {
        m.set_last_error(0);
        assert!(
            !m.set_process_working_set_size(process, min, max, flags, true),
            "{process:#x} {min:#x} {max:#x} {flags:#x}"
        );
        assert_eq!(
            m.last_error(),
            code,
            "{process:#x} {min:#x} {max:#x} {flags:#x}"
        );
        assert_eq!(m.process().mmu.ws.limits(), limits);
    }
    assert_eq!(m.working_set_size(8), None, "not a process handle");
}

/// The same calls from a script: builtins, out-parameters, the journal replays them step
/// for step, and the run is deterministic.
#[test]
fn from_a_script_deterministic_and_replayed() {
    let text = "#pragma pagelab frames=16\n\
        char *p = VirtualAlloc(NULL, 6 * 4096, MEM_COMMIT, PAGE_READWRITE);\n\
        for (int i = 0; i < 6; i++) p[i * 4096] = 1;\n\
        BOOL ok = SetProcessWorkingSetSizeEx(GetCurrentProcess(), 4096, 2 * 4096, QUOTA_LIMITS_HARDWS_MAX_ENABLE);\n\
        SIZE_T lo = 0; SIZE_T hi = 0;\n\
        GetProcessWorkingSetSize(GetCurrentProcess(), &lo, &hi);\n\
        printf(\"%d %d %d\\n\", ok, (int) lo, (int) hi);\n\
        SetProcessWorkingSetSize(GetCurrentProcess(), 0, 4096);\n\
        printf(\"%d\\n\", GetLastError());\n\
        SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T) -1, (SIZE_T) -1);\n";
    let program = script::parse(text).expect("parses");
    let run = || {
        let mut m = script::machine_for(&program, Recording::Pictures);
        script::run(&program, &mut m);
        m
    };
    let (a, b) = (run(), run());
    assert_eq!(a.history().steps(), b.history().steps());
    let printed: String = a
        .history()
        .steps()
        .iter()
        .flat_map(|s| &s.events)
        .filter_map(|e| match e {
            Event::Output { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(printed, "1 4096 8192\n87\n");
    assert_eq!(a.process().mmu.ws.len(), 0);
    let mut worker = Machine::with_recording(script::machine_config(&program), Recording::Steps);
    worker.start_journal();
    script::run(&program, &mut worker);
    let mut page = Machine::new(script::machine_config(&program));
    let mut replay = Replay::default();
    replay.queue(&worker.take_journal());
    while replay.pending() {
        replay.next(&mut page).expect("replays");
    }
    assert_eq!(a.history().steps(), page.history().steps());
    assert_eq!(a.picture(), page.picture());
}
