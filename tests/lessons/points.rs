//! The point of each lesson, checked on its run: its events, values and output.

use std::collections::BTreeSet;

use pagelab::sim::addr::PAGE_SIZE;
use pagelab::sim::consts::{STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION};
use pagelab::sim::{Event, FaultKind, FrameList, Pte};

use crate::run::{
    count_faults, entry, paging_faults, run_entry, run_text, source, vpn_of, with_setting, Entry,
    Run,
};

/// `VirtualAlloc` flag values (reference §1).
const MEM_COMMIT: u64 = 0x1000;
const MEM_RESERVE: u64 = 0x2000;
const MEM_DECOMMIT: u64 = 0x4000;
const MEM_RELEASE: u64 = 0x8000;
const MEM_FREE: u64 = 0x1_0000;

/// `GetLastError()` codes (reference §1).
const ERROR_INVALID_PARAMETER: u32 = 87;
const ERROR_INVALID_ADDRESS: u32 = 487;
const ERROR_COMMITMENT_LIMIT: u32 = 1455;

/// The point of each lesson, checked on its run. A new lesson needs a check here.
pub fn check_point(e: &Entry, run: &Run) {
    match e.name.as_str() {
        "tutorial-example-1" => tutorial_example_1(run),
        "first-virtualalloc" => first_virtualalloc(run),
        "reserve-then-commit" => reserve_then_commit(run),
        "page-states" => page_states(run),
        "virtualalloc-virtualfree" => virtualalloc_virtualfree(run),
        "commit-limit" => commit_limit(run),
        "pages-and-frames" => pages_and_frames(run),
        "address-split" => address_split(run),
        "demand-paging" => demand_paging(run),
        "virtual-vs-physical" => virtual_vs_physical(run),
        "standby-and-modified" => standby_and_modified(run),
        "page-file" => page_file(run),
        "clustering" => clustering(run),
        "policy-fifo" | "policy-lru" | "policy-clock" => policy(run),
        "thrashing" => thrashing(run),
        "guard-page" => guard_page(run),
        "dep" => dep(run),
        "canonical-addresses" => canonical_addresses(run),
        "granularity" => granularity(run),
        "two-processes" => two_processes(run),
        "shared-memory" => shared_memory(run),
        "persisted-mapped-file" => persisted_mapped_file(run),
        "shared-dll" => shared_dll(run),
        other => panic!("lesson '{other}' has no check of its point in tests/lessons/points.rs"),
    }
}

/// Every change of the commit charge in the run: (old, new) in pages.
fn commit_charges(run: &Run) -> Vec<(u64, u64)> {
    run.events()
        .filter_map(|e| match e {
            Event::CommitCharge { old, new, .. } => Some((*old, *new)),
            _ => None,
        })
        .collect()
}

fn tutorial_example_1(run: &Run) {
    assert_eq!(
        run.printed(),
        "The base address of allocated memory is: 56700000"
    );
    assert_eq!(
        paging_faults(run.steps.iter()),
        0,
        "the page is never touched, so it never gets a frame"
    );
    let charges = commit_charges(run);
    assert_eq!(
        charges,
        [(0, 1), (1, 0)],
        "committing charges one page; decommitting gives it back"
    );
    let frees = run.calls("VirtualFree");
    assert_eq!(frees.len(), 1);
    assert_eq!((frees[0].0[2], frees[0].1), (MEM_DECOMMIT, 1));
}

fn first_virtualalloc(run: &Run) {
    assert_eq!(
        run.printed(),
        "The base address of allocated memory is: 56700000The data which is stored in the memory is 1337"
    );
    assert_eq!(
        run.faults(FaultKind::DemandZero),
        1,
        "memmove's first touch"
    );
    let frees = run.calls("VirtualFree");
    assert_eq!(frees.len(), 1);
    assert_eq!((frees[0].0[2], frees[0].1), (MEM_DECOMMIT, 1));
}

fn reserve_then_commit(run: &Run) {
    let allocs = run.calls("VirtualAlloc");
    let (reserve, commit) = (&allocs[0], &allocs[1]);
    assert_eq!(reserve.0[2], MEM_RESERVE, "first a reserve");
    assert_eq!(commit.0[2], MEM_COMMIT, "then a commit");
    let (base, size) = (reserve.1, reserve.0[1]);
    assert!(base != 0 && commit.1 != 0);
    assert!(
        commit.1 > base && commit.1 < base + size,
        "the committed page lies inside the reservation"
    );
    let charges = commit_charges(run);
    assert_eq!(
        charges.first(),
        Some(&(0, 1)),
        "reserving charges nothing; committing charges one page"
    );
    assert_eq!(run.faults(FaultKind::DemandZero), 1);
    assert_eq!(
        run.faults(FaultKind::AccessViolation),
        1,
        "the reserved page"
    );
    // VirtualQuery reports the reservation split: reserved, committed, reserved.
    assert_eq!(
        printed_states(run, "Region "),
        [MEM_RESERVE, MEM_COMMIT, MEM_RESERVE]
    );
}

/// The `State 0x…` values the script printed on lines starting with `prefix`.
fn printed_states(run: &Run, prefix: &str) -> Vec<u64> {
    run.printed()
        .lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| l.split("State 0x").nth(1))
        .filter_map(|s| s.split_whitespace().next())
        .filter_map(|h| u64::from_str_radix(h, 16).ok())
        .collect()
}

fn page_states(run: &Run) {
    assert_eq!(
        printed_states(run, ""),
        [MEM_FREE, MEM_RESERVE, MEM_COMMIT, MEM_RESERVE, MEM_FREE],
        "free → reserved → committed → decommitted → released"
    );
}

fn virtualalloc_virtualfree(run: &Run) {
    let frees = run.calls("VirtualFree");
    let ok_decommit = frees.iter().any(|f| f.0[2] == MEM_DECOMMIT && f.1 == 1);
    let ok_release = frees.iter().any(|f| f.0[2] == MEM_RELEASE && f.1 == 1);
    assert!(
        ok_decommit && ok_release,
        "both kinds of VirtualFree succeed"
    );
    let errors: BTreeSet<u32> = frees
        .iter()
        .chain(run.calls("VirtualAlloc").iter())
        .filter(|c| c.1 == 0)
        .map(|c| c.2)
        .collect();
    assert_eq!(
        errors,
        BTreeSet::from([ERROR_INVALID_PARAMETER, ERROR_INVALID_ADDRESS]),
        "the mistakes fail with 87 and 487"
    );
    assert_eq!(
        run.faults(FaultKind::AccessViolation),
        1,
        "writing the decommitted page"
    );
    // The recommitted page reads as zeros: a demand-zero fault on a read.
    let reread = run
        .results
        .iter()
        .find(|r| r.out.starts_with("recommitted"))
        .expect("the recommit line");
    let steps = run.steps_of(std::slice::from_ref(reread));
    assert_eq!(
        count_faults(
            steps.iter().flat_map(|s| s.events.iter()),
            FaultKind::DemandZero
        ),
        1
    );
}

fn commit_limit(run: &Run) {
    assert!(
        run.results
            .iter()
            .any(|r| r.last_error == ERROR_COMMITMENT_LIMIT),
        "some statement leaves GetLastError() at 1455"
    );
    let allocs = run.calls("VirtualAlloc");
    let refused = allocs
        .iter()
        .position(|c| c.1 == 0 && c.2 == ERROR_COMMITMENT_LIMIT)
        .expect("a commit refused with 1455");
    assert!(
        allocs[refused + 1..]
            .iter()
            .any(|c| c.0[2] == MEM_RESERVE && c.1 != 0),
        "a reserve still succeeds: reserving costs no commit"
    );
    let last = allocs.last().expect("VirtualAlloc calls");
    assert!(
        last.0[2] == MEM_COMMIT && last.1 != 0,
        "after a decommit the commit fits"
    );
    for e in run.events() {
        if let Event::CommitCharge { new, limit, .. } = e {
            assert!(new <= limit, "the charge never passes the limit");
        }
    }
}

fn pages_and_frames(run: &Run) {
    let writes = run
        .events()
        .filter(|e| matches!(e, Event::DataWritten { .. }))
        .count();
    let faults = run.faults(FaultKind::DemandZero);
    let taken: Vec<u32> = run
        .events()
        .filter_map(|e| match e {
            Event::FrameTaken { pfn, .. } => Some(pfn.0),
            _ => None,
        })
        .collect();
    assert!(
        writes > faults,
        "several writes share a page: {writes} > {faults}"
    );
    assert_eq!(taken.len(), faults, "one frame per page");
    assert_eq!(
        taken.iter().collect::<BTreeSet<_>>().len(),
        taken.len(),
        "different pages, different frames"
    );
    let faulting: Vec<u64> = run
        .events()
        .filter_map(|e| match e {
            Event::PageFault { va, .. } => Some(vpn_of(*va)),
            _ => None,
        })
        .collect();
    let mut sorted = faulting.clone();
    sorted.sort_unstable();
    assert_ne!(
        faulting, sorted,
        "frames go by first touch, not by address order"
    );
}

fn address_split(run: &Run) {
    let allocs = run.calls("VirtualAlloc");
    let high = allocs
        .iter()
        .find(|c| c.0[0] >= 1 << 46 && c.1 != 0)
        .expect("an allocation at an explicit high address");
    assert_eq!(high.1, high.0[0], "placed exactly where it was asked");
    let splits: Vec<(u64, [u16; 5])> = run
        .events()
        .filter_map(|e| match e {
            Event::AddressSplit {
                va,
                pml4,
                pdpt,
                pd,
                pt,
                offset,
                ..
            } => Some((*va, [*pml4, *pdpt, *pd, *pt, *offset])),
            _ => None,
        })
        .collect();
    let in_high = splits
        .iter()
        .find(|(va, _)| *va >= high.1 && *va < high.1 + high.0[1])
        .expect("the high allocation is touched");
    let va = in_high.0;
    let expected = [
        (va >> 39) & 0x1FF,
        (va >> 30) & 0x1FF,
        (va >> 21) & 0x1FF,
        (va >> 12) & 0x1FF,
        va & 0xFFF,
    ]
    .map(|x| x as u16);
    assert_eq!(in_high.1, expected, "9/9/9/9/12 split of {va:#x}");
    assert_ne!(in_high.1[0], 0, "a high address has a non-zero PML4 index");
    assert!(
        splits.iter().any(|(_, ix)| ix[0] == 0),
        "and a low one uses PML4 entry 0"
    );
    // A second address under the same PML4 entry reuses its PDPT.
    let created: Vec<Vec<String>> = run
        .results
        .iter()
        .map(|r| {
            run.steps[r.steps.clone()]
                .iter()
                .flat_map(|s| s.events.iter())
                .filter_map(|e| match e {
                    Event::TableCreated { level, .. } => Some(format!("{level:?}")),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .filter(|v| !v.is_empty())
        .collect();
    assert_eq!(created.len(), 3, "three first touches build tables");
    assert_eq!(created[0].len(), 3, "PDPT, PD and PT for the first");
    assert_eq!(created[1].len(), 2, "PD and PT under the shared PML4 entry");
    assert_eq!(created[2].len(), 3, "a whole new path from PML4 entry 0");
}

fn demand_paging(run: &Run) {
    let touched: BTreeSet<u64> = run
        .events()
        .filter_map(|e| match e {
            Event::AddressSplit { va, .. } => Some(vpn_of(*va)),
            _ => None,
        })
        .collect();
    assert!(touched.len() >= 4);
    assert_eq!(
        run.faults(FaultKind::DemandZero),
        touched.len(),
        "one demand-zero fault per page touched"
    );
    assert_eq!(
        paging_faults(run.steps.iter()),
        touched.len(),
        "and no other"
    );
    let from: Vec<FrameList> = run
        .events()
        .filter_map(|e| match e {
            Event::FrameTaken { from, .. } => Some(*from),
            _ => None,
        })
        .collect();
    assert_eq!(from.len(), touched.len());
    assert!(from.iter().all(|f| *f == FrameList::Zeroed), "{from:?}");
    let alloc = run
        .results
        .iter()
        .find(|r| r.text.contains("VirtualAlloc"))
        .expect("the commit");
    assert!(
        run.steps_of(std::slice::from_ref(alloc)).iter().all(|s| !s
            .events
            .iter()
            .any(|e| matches!(e, Event::FrameTaken { .. }))),
        "committing takes no frame"
    );
    let misses = run
        .events()
        .filter(|e| matches!(e, Event::TlbMiss { .. }))
        .count();
    assert!(
        misses > touched.len(),
        "the second pass misses the TLB without faulting"
    );
}

/// The frames a page was made valid in, in order.
fn frames_of(run: &Run, vpn: u64) -> Vec<u32> {
    run.events()
        .filter_map(|e| match e {
            Event::PteWritten {
                vpn: v,
                old,
                new: Pte::Valid { pfn, .. },
            } if v.0 == vpn && !matches!(old, Pte::Valid { .. }) => Some(pfn.0),
            _ => None,
        })
        .collect()
}

fn virtual_vs_physical(run: &Run) {
    let p = run.calls("VirtualAlloc")[0].1;
    let frames = frames_of(run, vpn_of(p));
    assert_eq!(frames.len(), 2, "made valid twice: {frames:?}");
    assert_ne!(frames[0], frames[1], "in two different frames");
    assert_eq!(
        run.faults(FaultKind::Hard),
        1,
        "the way back is a hard fault"
    );
    let printed = run.printed();
    let lines: Vec<&str> = printed.lines().collect();
    let tail = |l: &str| l.split(" holds ").nth(1).map(str::to_string);
    assert_eq!(tail(lines[0]), tail(lines[1]), "the same bytes: {lines:?}");
}

fn standby_and_modified(run: &Run) {
    assert!(run.faults(FaultKind::Transition) >= 3);
    assert_eq!(run.faults(FaultKind::Hard), 0);
    assert!(
        !run.events()
            .any(|e| matches!(e, Event::PageFileRead { .. })),
        "soft faults read nothing from disk"
    );
    for from in [FrameList::Standby, FrameList::Modified] {
        assert!(
            run.events().any(|e| matches!(
                e,
                Event::ListMove { from: f, to: FrameList::Active, .. } if *f == from
            )),
            "a page comes back from the {} list",
            from.name()
        );
    }
    // A soft fault gives the page back the very frame it had.
    for e in run.events() {
        if let Event::PteWritten {
            old: Pte::Transition { pfn: a },
            new: Pte::Valid { pfn: b, .. },
            ..
        } = e
        {
            assert_eq!(a, b);
        }
    }
}

fn page_file(run: &Run) {
    let old = run.calls("VirtualAlloc").remove(0);
    let old_pages: BTreeSet<u64> = (0..old.0[1] / PAGE_SIZE)
        .map(|i| vpn_of(old.1) + i)
        .collect();
    let written: BTreeSet<u64> = run
        .events()
        .filter_map(|e| match e {
            Event::PageFileWrite { vpn, .. } => vpn.map(|v| v.0),
            _ => None,
        })
        .collect();
    assert!(old_pages.is_subset(&written), "the old pages go to disk");
    let read: BTreeSet<u64> = run
        .events()
        .filter_map(|e| match e {
            Event::PageFileRead { vpn, .. } => Some(vpn.0),
            _ => None,
        })
        .collect();
    assert_eq!(read, old_pages, "and come back from it");
    assert_eq!(
        run.faults(FaultKind::Hard),
        old_pages.len(),
        "one hard fault per page"
    );
    let first_letters: String = (0..old_pages.len() as u8)
        .map(|i| (b'A' + i) as char)
        .collect();
    assert!(
        run.printed().trim_end().ends_with(&first_letters),
        "the bytes come back as written: {}",
        run.printed()
    );
}

fn clustering(run: &Run) {
    let clustered: Vec<u64> = run
        .events()
        .filter_map(|e| match e {
            Event::ClusterRead { vpns } => Some(vpns.iter().map(|v| v.0)),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(!clustered.is_empty(), "a cluster read with neighbours");
    assert_eq!(run.faults(FaultKind::Hard), 1);
    let soft: BTreeSet<u64> = run
        .events()
        .filter_map(|e| match e {
            Event::PageFault {
                va,
                fault: FaultKind::Transition,
                ..
            } => Some(vpn_of(*va)),
            _ => None,
        })
        .collect();
    assert!(
        clustered.iter().all(|v| soft.contains(v)),
        "the prefetched neighbours cost only soft faults"
    );
    // Without clustering, each of them is a hard fault of its own.
    let text = source(&entry("clustering"));
    let plain = run_text(
        "clustering with cluster=1",
        &with_setting(&text, "cluster", "1"),
    );
    assert!(!plain
        .events()
        .any(|e| matches!(e, Event::ClusterRead { .. })));
    assert_eq!(plain.faults(FaultKind::Hard), 1 + clustered.len());
}

/// Page faults per pass of the lesson's `for (int pass …)` loop.
fn faults_per_pass(run: &Run) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = run
        .results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.text.starts_with("pass <") && r.value == Some(1))
        .map(|(i, _)| i)
        .collect();
    assert!(starts.len() >= 3, "several passes");
    starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let end = starts.get(k + 1).copied().unwrap_or(run.results.len());
            let steps = run.steps_of(&run.results[start..end]);
            let pages: BTreeSet<u64> = steps
                .iter()
                .flat_map(|s| s.events.iter())
                .filter_map(|e| match e {
                    Event::AddressSplit { va, .. } => Some(vpn_of(*va)),
                    _ => None,
                })
                .collect();
            (paging_faults(steps.into_iter()), pages.len())
        })
        .collect()
}

fn thrashing(run: &Run) {
    let passes = faults_per_pass(run);
    let pages = passes[0].1;
    assert!(pages > 3, "the loop covers more pages than the working set");
    for (k, (faults, touched)) in passes.iter().enumerate() {
        assert_eq!(*touched, pages);
        assert!(
            *faults >= pages,
            "pass {k} faults on every page: {faults} < {pages}"
        );
    }
    // With a working set (and RAM) big enough for the loop, only the first pass faults.
    let text = source(&entry("thrashing"));
    let roomy = with_setting(&text, "working_set", "8");
    let roomy = run_text(
        "thrashing with a large working set",
        &with_setting(&roomy, "frames", "8"),
    );
    let passes = faults_per_pass(&roomy);
    assert_eq!(passes[0].0, pages, "first touches");
    assert!(
        passes[1..].iter().all(|(f, _)| *f == 0),
        "no fault after the first pass: {passes:?}"
    );
}

/// Faults of one policy lesson, and whether its hot page (the first page) was trimmed.
fn policy_run(name: &str) -> (usize, bool) {
    let run = run_entry(&entry(name));
    let hot = vpn_of(run.calls("VirtualAlloc")[0].1);
    let hot_trimmed = run
        .events()
        .any(|e| matches!(e, Event::PageTrimmed { vpn, .. } if vpn.0 == hot));
    (paging_faults(run.steps.iter()), hot_trimmed)
}

fn policy(run: &Run) {
    // Each policy lesson trims pages by its policy, as its comment says.
    assert!(run.events().any(|e| matches!(
        e,
        Event::PageTrimmed {
            policy: Some(_),
            ..
        }
    )));
}

#[test]
fn policies_rank_as_the_lessons_say_on_the_same_loop() {
    let loop_of = |name: &str| -> String {
        let text = source(&entry(name));
        text.lines()
            .filter(|l| !l.starts_with("//") && !l.starts_with("#pragma"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(loop_of("policy-fifo"), loop_of("policy-lru"));
    assert_eq!(loop_of("policy-fifo"), loop_of("policy-clock"));
    let (fifo, fifo_hot) = policy_run("policy-fifo");
    let (lru, lru_hot) = policy_run("policy-lru");
    let (clock, _) = policy_run("policy-clock");
    assert!(
        fifo > clock && clock > lru,
        "FIFO {fifo} > clock {clock} > LRU {lru}"
    );
    assert!(fifo_hot, "FIFO trims the hot page");
    assert!(!lru_hot, "LRU never trims the hot page");
}

fn guard_page(run: &Run) {
    let guards: Vec<usize> = run
        .results
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.exception
                .as_ref()
                .is_some_and(|x| x.code == STATUS_GUARD_PAGE_VIOLATION)
        })
        .map(|(i, _)| i)
        .collect();
    assert_eq!(guards.len(), 1, "exactly one guard-page violation");
    let fired = &run.results[guards[0]];
    let va = fired.exception.as_ref().map_or(0, |x| x.info[1]);
    let retry = run.results[guards[0] + 1..]
        .iter()
        .find(|r| r.text == fired.text)
        .expect("the same statement again");
    assert!(retry.exception.is_none(), "the retry succeeds");
    assert!(run.steps[retry.steps.clone()]
        .iter()
        .flat_map(|s| s.events.iter())
        .any(|e| matches!(e, Event::DataWritten { va: w, .. } if *w == va)));
    assert!(
        run.results.iter().all(|r| r
            .exception
            .as_ref()
            .is_none_or(|x| x.code != STATUS_ACCESS_VIOLATION)),
        "no access violation"
    );
}

fn dep(run: &Run) {
    let executes = run.statements("execute(code);");
    assert_eq!(executes.len(), 2);
    let first = executes[0]
        .exception
        .as_ref()
        .expect("DEP stops the first fetch");
    assert_eq!(first.code, STATUS_ACCESS_VIOLATION);
    assert_eq!(first.info[0], 8, "information 8: an instruction fetch");
    assert!(executes[1].exception.is_none(), "executable now");
    let protects = run.calls("VirtualProtect");
    assert!(protects.iter().any(|c| c.1 == 1));
}

fn canonical_addresses(run: &Run) {
    let allocs = run.calls("VirtualAlloc");
    assert_eq!(allocs[0].1, 0x7FFF_FFFE_0000, "the highest user block");
    assert_eq!(
        (allocs[1].1, allocs[1].2),
        (0, ERROR_INVALID_PARAMETER),
        "past 128 TB"
    );
    let violations: Vec<u64> = run
        .events()
        .filter_map(|e| match e {
            Event::Exception { code, info, .. } if *code == STATUS_ACCESS_VIOLATION => {
                Some(info[1])
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        violations,
        [0xFFFF_8000_0000_0000, u64::MAX],
        "kernel half, then non-canonical"
    );
}

fn granularity(run: &Run) {
    let allocs = run.calls("VirtualAlloc");
    assert_eq!(allocs[1].1 - allocs[0].1, 0x10000, "64 KB apart");
    assert_eq!(allocs[2].1, 0x300_0000_0000, "rounded down to 64 KB");
    assert_eq!(allocs[3].1, 0x300_0000_3000, "a commit rounds to the page");
}

/// Two processes: the same address in each, two frames, and a TLB miss after each switch.
fn two_processes(run: &Run) {
    let allocs = run.calls("VirtualAlloc");
    assert_eq!(allocs.len(), 2, "one allocation per process");
    assert_eq!(allocs[0].1, allocs[1].1, "the same address in both");
    let frames = frames_of(run, vpn_of(allocs[0].1));
    assert_eq!(
        frames.len(),
        2,
        "made valid once in each process: {frames:?}"
    );
    assert_ne!(frames[0], frames[1], "in two different frames");
    let switches = run
        .events()
        .filter(|e| matches!(e, Event::ContextSwitch { .. }))
        .count();
    assert!(switches >= 2, "the CPU switches there and back: {switches}");
    let printed = run.printed();
    assert!(
        printed.contains("main again: p still holds \"main's bytes\""),
        "{printed}"
    );
    assert!(
        printed.contains("reader again: q still holds \"reader's bytes\""),
        "{printed}"
    );
}

/// Shared memory: both processes' views reach one frame, whose share count reaches 2, and
/// the second process reads what the first wrote.
fn shared_memory(run: &Run) {
    let views = run.calls("MapViewOfFile");
    assert_eq!(views.len(), 2, "one view per process");
    let first = frames_of(run, vpn_of(views[0].1));
    let second = frames_of(run, vpn_of(views[1].1));
    assert!(
        !first.is_empty() && !second.is_empty(),
        "both views are touched"
    );
    assert_eq!(first[0], second[0], "one frame behind both views");
    assert!(
        run.events()
            .any(|e| matches!(e, Event::ContextSwitch { .. })),
        "the second process runs while the first waits"
    );
    assert!(
        run.printed().contains("Message from first process."),
        "{}",
        run.printed()
    );
}

fn persisted_mapped_file(run: &Run) {
    let events: Vec<&Event> = run.events().collect();
    let read = events
        .iter()
        .position(|e| matches!(e, Event::FileRead { offset: 0, .. }))
        .expect("the first touch reads the file");
    let written = events
        .iter()
        .position(|e| matches!(e, Event::FileWrite { offset: 0, .. }))
        .expect("the mapped page writer writes the page back");
    assert!(read < written);
    assert_eq!(run.faults(FaultKind::Hard), 1, "the view's first touch");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::PageFileWrite { .. } | Event::PageFileRead { .. })),
        "a mapped file's page never uses the page file"
    );
    assert!(
        run.printed().contains("Hello from the disk"),
        "{}",
        run.printed()
    );
}

fn shared_dll(run: &Run) {
    let bases = run.calls("GetModuleHandle");
    assert_eq!(bases.len(), 2, "one call per process");
    assert_eq!(bases[0].1, bases[1].1, "the same base in each process");
    let code = frames_of(run, vpn_of(bases[0].1 + PAGE_SIZE));
    assert_eq!(code.len(), 2, "each process maps the code page: {code:?}");
    assert_eq!(code[0], code[1], "one frame behind both");
    assert_eq!(run.faults(FaultKind::CopyOnWrite), 1, "one private copy");
    let printed = run.printed();
    assert!(
        printed.contains("writer reads \"Kernel32 data\""),
        "{printed}"
    );
    assert!(
        printed.contains("main still reads \"kernel32 data\""),
        "{printed}"
    );
}
