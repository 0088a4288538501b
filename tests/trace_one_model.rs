//! One model (issue 11): in the textbook setting (`standby=off`, a hard working-set limit,
//! `cluster=1`), a script's page faults equal trace mode's misses on the script's page
//! reference string, for every policy. Random scripts run through `pagelab run
//! --summary` (the public command line, so the engine is seen as a reader sees it); the
//! same string goes through the library's trace mode.
//!
//! Every policy agrees: OPT, since `pagelab run` gives it the script's future (a first run
//! records the reference string), and RANDOM, since the engine's new page takes the
//! victim's place as a frame does in trace mode (the same seed, 1, draws the same
//! victims). `tests/one_model.rs` checks the same agreement through the library, victim
//! by victim.

use std::process::Command;

use pagelab::sim::trace;
use pagelab::sim::Policy;
use proptest::prelude::*;

/// A script that commits `pages` pages and writes to them in the order of `string`, with
/// memory limited by a working set of `limit` pages.
fn script(policy: Policy, limit: u64, pages: u64, string: &[u64]) -> String {
    let mut text = format!(
        "#pragma pagelab frames=64 working_set={limit} standby=off cluster=1 policy={} pagefile=64\n\
         int main() {{\n    char *p = VirtualAlloc(NULL, {pages} * 4096, MEM_COMMIT, PAGE_READWRITE);\n",
        policy.name()
    );
    for page in string {
        text += &format!("    p[{page} * 4096] = 1;\n");
    }
    text + "    return 0;\n}\n"
}

/// The page faults `pagelab run --summary` reports for `text`.
fn engine_faults(text: &str, case: &str) -> u64 {
    let path =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("one-model-{case}.c"));
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pagelab"))
        .args(["run", path.to_str().unwrap(), "--summary"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("page faults: "))
        .unwrap_or_else(|| panic!("no fault count in {stdout}"));
    line.split(' ').next().and_then(|n| n.parse().ok()).unwrap()
}

fn trace_misses(policy: Policy, frames: u64, string: &[u64]) -> u64 {
    trace::simulate(policy, frames, 1, string.iter().copied(), |_, _| {})
        .unwrap()
        .misses
}

const AGREEING: [Policy; 5] = [
    Policy::Fifo,
    Policy::Lru,
    Policy::Clock,
    Policy::Opt,
    Policy::Random,
];

#[test]
fn belady_string_in_the_engine() {
    let string = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
    for (limit, fifo) in [(3, 9), (4, 10)] {
        let text = script(Policy::Fifo, limit, 6, &string);
        assert_eq!(engine_faults(&text, &format!("belady-{limit}")), fifo);
        assert_eq!(trace_misses(Policy::Fifo, limit, &string), fifo);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn engine_faults_equal_trace_misses(
        pages in 2u64..10,
        limit in 1u64..6,
        raw in proptest::collection::vec(0u64..1000, 1..60),
        which in 0usize..5,
    ) {
        let policy = AGREEING[which];
        let string: Vec<u64> = raw.iter().map(|r| r % pages).collect();
        let text = script(policy, limit, pages, &string);
        let case = format!("{}-{limit}-{pages}-{}", policy.name(), string.len());
        prop_assert_eq!(engine_faults(&text, &case), trace_misses(policy, limit, &string), "{}", text);
    }
}
