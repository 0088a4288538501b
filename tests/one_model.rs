//! One model (issue "Replacement policies side by side"): in the textbook setting
//! (`standby=off`, a hard working-set maximum, `cluster=1`), a script's page faults are
//! `pagelab trace`'s misses on that script's page reference string, for every policy,
//! and the engine evicts the very pages trace mode evicts, in the same order.
//!
//! The page file is large enough for every page the script touches: a textbook memory
//! can always write a page out. (When it cannot, the engine passes over a changed page
//! that has nowhere to go, which no textbook policy does; see `working_set.rs`.)

use pagelab::script;
use pagelab::sim::trace::{self, Outcome};
use pagelab::sim::{Event, FaultKind, Policy, Recording};
use proptest::prelude::*;

const ALL: [Policy; 5] = [
    Policy::Fifo,
    Policy::Lru,
    Policy::Clock,
    Policy::Opt,
    Policy::Random,
];

/// One access of the generated script: a write or a read of page `page` of the buffer.
#[derive(Clone, Copy, Debug)]
struct Touch {
    page: u64,
    write: bool,
}

/// The script: a buffer of `pages` pages, then one statement per touch.
fn script_text(
    policy: Policy,
    frames: u32,
    ws: u32,
    pages: u64,
    seed: u64,
    touches: &[Touch],
) -> String {
    let mut s = format!(
        "#pragma pagelab frames={frames} pagefile={} working_set={ws} policy={} cluster=1 \
         standby=off seed={seed}\nchar *p = VirtualAlloc(NULL, {pages} * 4096, MEM_COMMIT, \
         PAGE_READWRITE);\n",
        pages + 1,
        policy.name()
    );
    for t in touches {
        if t.write {
            s += &format!("p[{} * 4096 + 7] = 1;\n", t.page);
        } else {
            s += &format!("x = p[{} * 4096];\n", t.page);
        }
    }
    s
}

/// What the engine did: its page faults, and the pages it evicted in order (as page
/// numbers within the buffer).
fn engine(text: &str) -> (u64, Vec<u64>, Vec<u64>) {
    let program = script::parse(text).expect("the generated script parses");
    let mut machine = script::machine_for(&program, Recording::Steps);
    let results = script::run(&program, &mut machine);
    for r in &results {
        assert!(r.exception.is_none() && r.error.is_none(), "{r:?}");
    }
    // The buffer's first page: what VirtualAlloc returned.
    let first = results[0].value.expect("VirtualAlloc's address") as u64 >> 12;
    let mut faults = 0;
    let mut evicted = Vec::new();
    for step in machine.history().steps() {
        for e in &step.events {
            match e {
                Event::PageFault { fault, .. } if *fault != FaultKind::AccessViolation => {
                    faults += 1;
                }
                Event::PageTrimmed { vpn, .. } => evicted.push(vpn.0),
                _ => {}
            }
        }
    }
    let counters = machine.picture().counters;
    assert_eq!(counters.transition, 0, "no standby list, no soft faults");
    assert_eq!(faults, counters.demand_zero + counters.hard);
    let references = script::page_references(&program);
    let rel = |v: u64| v - first;
    (
        faults,
        evicted.into_iter().map(rel).collect(),
        references.into_iter().map(rel).collect(),
    )
}

/// What trace mode does on `pages` with `frames` frames: misses and evictions.
fn trace_mode(policy: Policy, frames: u32, seed: u64, pages: &[u64]) -> (u64, Vec<u64>) {
    let mut evicted = Vec::new();
    let summary = trace::simulate(
        policy,
        frames as u64,
        seed,
        pages.iter().copied(),
        |_, o| {
            if let Outcome::Miss { evicted: Some(v) } = o {
                evicted.push(v);
            }
        },
    )
    .unwrap();
    (summary.misses, evicted)
}

fn touches(pages: u64) -> impl Strategy<Value = Vec<Touch>> {
    prop::collection::vec(
        (0..pages, any::<bool>()).prop_map(|(page, write)| Touch { page, write }),
        1..60,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn script_faults_are_trace_misses_for_every_policy(
        (pages, string) in (2u64..10).prop_flat_map(|n| (Just(n), touches(n))),
        ws in 1u32..6,
        extra_frames in 0u32..4,
        seed in 0u64..1000,
    ) {
        let frames = ws + extra_frames;
        let expected: Vec<u64> = string.iter().map(|t| t.page).collect();
        for policy in ALL {
            let text = script_text(policy, frames, ws, pages, seed, &string);
            let (faults, evicted, references) = engine(&text);
            prop_assert_eq!(&references, &expected, "the script's reference string");
            let (misses, trace_evicted) = trace_mode(policy, ws, seed, &expected);
            prop_assert_eq!(faults, misses, "{:?}: faults against misses\n{}", policy, text);
            prop_assert_eq!(evicted, trace_evicted, "{:?}: the victims\n{}", policy, text);
        }
    }
}

#[test]
fn belady_string_in_a_script() {
    // Belady's string under FIFO: 9 faults with 3 frames, 10 with 4, in the engine too.
    let string = [1u64, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
    let touches: Vec<Touch> = string
        .iter()
        .map(|&page| Touch { page, write: false })
        .collect();
    for (ws, faults) in [(3, 9), (4, 10)] {
        let text = script_text(Policy::Fifo, 8, ws, 6, 1, &touches);
        assert_eq!(engine(&text).0, faults, "{ws} frames");
    }
}

#[test]
fn opt_narration_says_when_the_victim_is_used_again() {
    let touches: Vec<Touch> = [0u64, 1, 2, 0, 3, 0, 1]
        .iter()
        .map(|&page| Touch { page, write: false })
        .collect();
    let text = script_text(Policy::Opt, 8, 3, 4, 1, &touches);
    let program = script::parse(&text).unwrap();
    let mut machine = script::machine_for(&program, Recording::Steps);
    script::run(&program, &mut machine);
    let said: Vec<&str> = machine
        .history()
        .steps()
        .iter()
        .map(|s| s.narration.as_str())
        .filter(|n| n.contains("OPT picks"))
        .collect();
    // At access 5 (page 3) the resident pages 0, 1, 2 are next used at accesses 6, 7 and
    // never: page 2 goes. Then page 0 and page 1 are hits.
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("never used again"), "{}", said[0]);
    let touches: Vec<Touch> = [0u64, 1, 2, 3, 0, 1, 2]
        .iter()
        .map(|&page| Touch { page, write: false })
        .collect();
    let text = script_text(Policy::Opt, 8, 3, 4, 1, &touches);
    let program = script::parse(&text).unwrap();
    let mut machine = script::machine_for(&program, Recording::Steps);
    script::run(&program, &mut machine);
    let first = machine
        .history()
        .steps()
        .iter()
        .find(|s| s.narration.contains("OPT picks"))
        .map(|s| s.narration.clone())
        .unwrap_or_default();
    // At access 4 (page 3): 0, 1, 2 are next used at accesses 5, 6, 7: page 2 goes.
    assert!(
        first.contains("used again furthest in the future, at access 7"),
        "{first}"
    );
}
