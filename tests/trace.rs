//! Trace mode (DESIGN §6): textbook results, hand-worked clock, the fast policies against
//! the naive specification, and the `pagelab trace` command line.

use std::process::Output;

mod trace_cli;
use trace_cli::pagelab_trace;

use pagelab::sim::trace::{self, naive, Outcome, SplitMix64, Summary};
use pagelab::sim::Policy;
use proptest::prelude::*;

const ALL: [Policy; 5] = [
    Policy::Fifo,
    Policy::Lru,
    Policy::Opt,
    Policy::Clock,
    Policy::Random,
];

/// Outcomes of every access with the fast implementation.
fn outcomes(policy: Policy, frames: u64, seed: u64, pages: &[u64]) -> Vec<Outcome> {
    let mut seen = Vec::with_capacity(pages.len());
    let summary = trace::simulate(policy, frames, seed, pages.iter().copied(), |page, o| {
        seen.push((page, o))
    })
    .unwrap();
    assert_eq!(summary.accesses, pages.len() as u64);
    assert_eq!(
        summary.hits,
        seen.iter().filter(|(_, o)| o.is_hit()).count() as u64
    );
    assert!(seen.iter().map(|(p, _)| *p).eq(pages.iter().copied()));
    seen.into_iter().map(|(_, o)| o).collect()
}

fn misses(policy: Policy, frames: u64, pages: &[u64]) -> u64 {
    trace::simulate(policy, frames, 1, pages.iter().copied(), |_, _| {})
        .unwrap()
        .misses
}

const BELADY: [u64; 12] = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
const CLASSIC: [u64; 20] = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];

#[test]
fn belady_anomaly_fifo() {
    // More frames, more faults: FIFO is not a stack algorithm.
    assert_eq!(misses(Policy::Fifo, 3, &BELADY), 9);
    assert_eq!(misses(Policy::Fifo, 4, &BELADY), 10);
    // LRU and OPT are stack algorithms: no anomaly.
    for policy in [Policy::Lru, Policy::Opt] {
        assert!(misses(policy, 4, &BELADY) <= misses(policy, 3, &BELADY));
    }
}

#[test]
fn classic_string_three_frames() {
    assert_eq!(misses(Policy::Fifo, 3, &CLASSIC), 15);
    assert_eq!(misses(Policy::Lru, 3, &CLASSIC), 12);
    assert_eq!(misses(Policy::Opt, 3, &CLASSIC), 9);
}

/// The textbook tables also say which page each fault evicts; check OPT's column.
#[test]
fn classic_string_opt_victims() {
    let victims: Vec<u64> = outcomes(Policy::Opt, 3, 0, &CLASSIC)
        .into_iter()
        .filter_map(|o| match o {
            Outcome::Miss { evicted } => evicted,
            Outcome::Hit => None,
        })
        .collect();
    // 2 replaces 7, 3 replaces 1, 4 replaces 0, 0 replaces 4, 1 replaces 3, 7 replaces 2.
    assert_eq!(victims, vec![7, 1, 0, 4, 3, 2]);
}

/// Clock worked by hand, 3 frames, string 1 2 3 2 4 2 5 1 4 3 2.
/// `fN=P*` is frame N holding page P with its use bit set; `^` marks the hand.
///
/// ```text
///  1 miss             ^f0=1*  f1=-   f2=-     frames fill in order, hand stays at f0
///  2 miss             ^f0=1*  f1=2*  f2=-
///  3 miss             ^f0=1*  f1=2*  f2=3*
///  2 hit              ^f0=1*  f1=2*  f2=3*    use bit of f1 set (already set)
///  4 miss evict 1      f0=4* ^f1=2   f2=3     hand clears f0, f1, f2, wraps, f0 clear:
///                                             evict 1, load 4 in f0, hand one past
///  2 hit               f0=4* ^f1=2*  f2=3     the hit sets f1's bit again
///  5 miss evict 3     ^f0=4*  f1=2   f2=5*    f1 set: clear, move on; f2 clear: evict 3
///  1 miss evict 2      f0=4   f1=1* ^f2=5*    f0 set: clear; f1 clear: evict 2
///  4 hit               f0=4*  f1=1* ^f2=5*
///  3 miss evict 5     ^f0=4   f1=1   f2=3*    every bit set: a full turn clears them all
///                                             and the hand comes back to f2: evict 5
///  2 miss evict 4      f0=2* ^f1=1   f2=3*    f0 clear: evict 4
/// ```
/// FIFO on the same string would evict 2 for page 5 (it ignores the hit on 2).
#[test]
fn clock_by_hand() {
    let string = [1, 2, 3, 2, 4, 2, 5, 1, 4, 3, 2];
    let expected = "\
1 miss
2 miss
3 miss
2 hit
4 miss evict 1
2 hit
5 miss evict 3
1 miss evict 2
4 hit
3 miss evict 5
2 miss evict 4
";
    let mut text = Vec::new();
    for (page, outcome) in string.iter().zip(outcomes(Policy::Clock, 3, 0, &string)) {
        trace::write_access_line(&mut text, *page, outcome);
    }
    assert_eq!(String::from_utf8(text).unwrap(), expected);
    let fifo = outcomes(Policy::Fifo, 3, 0, &string);
    assert_eq!(fifo[6], Outcome::Miss { evicted: Some(2) });
}

/// A deterministic string with some locality over `universe` pages.
fn pseudo_random_string(rng: &mut SplitMix64, len: usize, universe: u64) -> Vec<u64> {
    let mut last = 0;
    (0..len)
        .map(|_| {
            last = match rng.below(4) {
                0 => last, // repeat: makes hits likely
                1 => (last + 1) % universe,
                _ => rng.below(universe),
            };
            last
        })
        .collect()
}

/// Every fast policy gives the naive specification's outcome at every access, on a few
/// thousand strings of varied length, page range and frame count.
#[test]
fn fast_policies_agree_with_naive() {
    let mut rng = SplitMix64::new(2024);
    for case in 0..3000u64 {
        let len = rng.below(120) as usize;
        let universe = 1 + rng.below(16);
        let frames = 1 + rng.below(8);
        let seed = rng.next_u64();
        let string = pseudo_random_string(&mut rng, len, universe);
        for policy in ALL {
            assert_eq!(
                outcomes(policy, frames, seed, &string),
                naive::outcomes(policy, frames, seed, &string).unwrap(),
                "case {case}: {policy:?}, {frames} frames, string {string:?}"
            );
        }
    }
}

/// Large, sparse page numbers (strided by 2^32 and near u64::MAX) stress the page map.
#[test]
fn fast_policies_agree_with_naive_on_sparse_pages() {
    let mut rng = SplitMix64::new(7);
    for _ in 0..200 {
        let frames = 1 + rng.below(40);
        let string: Vec<u64> = pseudo_random_string(&mut rng, 400, 64)
            .into_iter()
            .map(|p| if p % 2 == 0 { p << 32 } else { u64::MAX - p })
            .collect();
        for policy in ALL {
            assert_eq!(
                outcomes(policy, frames, 5, &string),
                naive::outcomes(policy, frames, 5, &string).unwrap(),
                "{policy:?} with {frames} frames"
            );
        }
    }
}

/// Frame counts around multiples of 64, where clock's packed use bits change words, and
/// page ranges around them, so memory fills and the hand wraps many times.
#[test]
fn fast_policies_agree_with_naive_around_word_boundaries() {
    let mut rng = SplitMix64::new(64);
    for frames in [63u64, 64, 65, 127, 128, 129, 191, 200] {
        for universe in [frames + 1, frames + 5, frames * 2] {
            let string = pseudo_random_string(&mut rng, 2500, universe);
            for policy in ALL {
                assert_eq!(
                    outcomes(policy, frames, 9, &string),
                    naive::outcomes(policy, frames, 9, &string).unwrap(),
                    "{policy:?} with {frames} frames over {universe} pages"
                );
            }
        }
    }
}

/// More frames than the page map first makes room for, so it grows while memory fills.
#[test]
fn fast_policies_agree_with_naive_in_a_large_memory() {
    let mut rng = SplitMix64::new(4096);
    let string = pseudo_random_string(&mut rng, 12_000, 6_000);
    for policy in [Policy::Fifo, Policy::Lru, Policy::Clock, Policy::Random] {
        assert_eq!(
            outcomes(policy, 5_000, 3, &string),
            naive::outcomes(policy, 5_000, 3, &string).unwrap(),
            "{policy:?}"
        );
    }
}

proptest! {
    #[test]
    fn proptest_agrees_with_naive(
        string in prop::collection::vec(0u64..12, 0..150),
        frames in 1u64..7,
        seed in any::<u64>(),
    ) {
        for policy in ALL {
            prop_assert_eq!(
                outcomes(policy, frames, seed, &string),
                naive::outcomes(policy, frames, seed, &string).unwrap()
            );
        }
    }

    /// OPT is optimal: no policy faults less on the same string.
    #[test]
    fn opt_is_a_lower_bound(
        string in prop::collection::vec(0u64..10, 0..120),
        frames in 1u64..6,
    ) {
        let best = misses(Policy::Opt, frames, &string);
        for policy in ALL {
            prop_assert!(misses(policy, frames, &string) >= best);
        }
    }
}

#[test]
fn random_is_deterministic_by_seed() {
    let mut rng = SplitMix64::new(99);
    let string = pseudo_random_string(&mut rng, 5000, 40);
    let a = outcomes(Policy::Random, 8, 12345, &string);
    let b = outcomes(Policy::Random, 8, 12345, &string);
    let c = outcomes(Policy::Random, 8, 54321, &string);
    assert_eq!(a, b);
    assert_ne!(
        a, c,
        "another seed evicts other pages somewhere in 5000 accesses"
    );
}

#[test]
fn more_frames_than_pages_only_cold_misses() {
    let string: Vec<u64> = (0..50).chain(0..50).collect();
    for policy in ALL {
        let summary = trace::simulate(
            policy,
            trace::MAX_FRAMES,
            1,
            string.iter().copied(),
            |_, _| {},
        )
        .unwrap();
        assert_eq!(
            summary,
            Summary {
                accesses: 100,
                hits: 50,
                misses: 50
            },
            "{policy:?}"
        );
    }
}

// ---- the command line ----

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn cli_belady_summary() {
    let input = b"1,2,3,4,1,2,5,1,2,3,4,5\n";
    let three = pagelab_trace(&["--policy", "fifo", "--frames", "3"], input);
    assert_eq!(three.status.code(), Some(0));
    assert_eq!(
        stdout(&three),
        "{\"accesses\":12,\"hits\":3,\"misses\":9}\n"
    );
    let four = pagelab_trace(&["--policy=fifo", "--frames=4"], input);
    assert_eq!(
        stdout(&four),
        "{\"accesses\":12,\"hits\":2,\"misses\":10}\n"
    );
}

#[test]
fn cli_classic_string_every_policy() {
    let input = b"7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1";
    for (policy, expected) in [("fifo", 15), ("lru", 12), ("opt", 9)] {
        let out = pagelab_trace(&["--policy", policy, "--frames", "3"], input);
        let summary = stdout(&out);
        assert_eq!(
            summary,
            format!(
                "{{\"accesses\":20,\"hits\":{},\"misses\":{expected}}}\n",
                20 - expected
            ),
            "{policy}"
        );
    }
}

#[test]
fn cli_per_access_lines() {
    // FIFO, 3 frames, on Belady's string, worked by hand: memory after each miss in
    // load order.
    let out = pagelab_trace(
        &["--policy", "fifo", "--frames", "3", "--per-access"],
        b"1 2 3 4 1 2 5 1 2 3 4 5",
    );
    let expected = "\
1 miss
2 miss
3 miss
4 miss evict 1
1 miss evict 2
2 miss evict 3
5 miss evict 4
1 hit
2 hit
3 miss evict 1
4 miss evict 2
5 hit
{\"accesses\":12,\"hits\":3,\"misses\":9}
";
    assert_eq!(stdout(&out), expected);
    assert_eq!(out.status.code(), Some(0));
}

/// The command line prints exactly what the library computes, for every policy.
#[test]
fn cli_matches_library() {
    let mut rng = SplitMix64::new(3);
    let string = pseudo_random_string(&mut rng, 3000, 50);
    let text: String = string.iter().map(|p| format!("{p},\n")).collect();
    for policy in ALL {
        let name = policy.name();
        let out = pagelab_trace(
            &[
                "--policy",
                name,
                "--frames",
                "7",
                "--seed",
                "77",
                "--per-access",
            ],
            text.as_bytes(),
        );
        let mut expected = Vec::new();
        let summary = trace::simulate(policy, 7, 77, string.iter().copied(), |p, o| {
            trace::write_access_line(&mut expected, p, o)
        })
        .unwrap();
        expected.extend_from_slice(serde_json::to_string(&summary).unwrap().as_bytes());
        expected.push(b'\n');
        assert_eq!(stdout(&out), String::from_utf8(expected).unwrap(), "{name}");
    }
}

#[test]
fn cli_random_seed() {
    let mut rng = SplitMix64::new(11);
    let string = pseudo_random_string(&mut rng, 2000, 30);
    let text: String = string.iter().map(|p| format!("{p} ")).collect();
    let run = |seed: &str| {
        stdout(&pagelab_trace(
            &[
                "--policy",
                "random",
                "--frames",
                "5",
                "--seed",
                seed,
                "--per-access",
            ],
            text.as_bytes(),
        ))
    };
    assert_eq!(run("5"), run("5"));
    assert_ne!(run("5"), run("6"));
}

#[test]
fn cli_empty_input() {
    let out = pagelab_trace(&["--policy", "opt", "--frames", "2"], b" \n,\n");
    assert_eq!(stdout(&out), "{\"accesses\":0,\"hits\":0,\"misses\":0}\n");
}

#[test]
fn cli_bad_token_names_it_and_its_place() {
    for policy in ["lru", "opt"] {
        let out = pagelab_trace(&["--policy", policy, "--frames", "2"], b"1 2\n3, 4x 5\n");
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("token 4 \"4x\" (line 2, column 4)"),
            "{stderr}"
        );
        assert!(
            !stdout(&out).contains("accesses"),
            "no summary after bad input"
        );
    }
    let out = pagelab_trace(
        &["--policy", "fifo", "--frames", "2"],
        b"99999999999999999999",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too large"));
}

#[test]
fn cli_bad_options_exit_2() {
    let cases: [(&[&str], &str); 8] = [
        (&["--policy", "fifo"], "--frames is missing"),
        (&["--frames", "3"], "--policy is missing"),
        (&["--policy", "fifo", "--frames", "0"], "at least 1"),
        (&["--policy", "fifo", "--frames", "-1"], "'-1'"),
        (&["--policy", "fifo", "--frames", "4294967295"], "too many"),
        (
            &["--policy", "mru", "--frames", "3"],
            "unknown policy 'mru'",
        ),
        (&["--policy", "fifo", "--frames"], "--frames needs a value"),
        (
            &["--policy", "fifo", "--frames", "3", "--fast"],
            "unknown option '--fast'",
        ),
    ];
    for (args, message) in cases {
        let out = pagelab_trace(args, b"1 2 3");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// A long input streams through in pieces: the reader's buffer refills many times and
/// tokens cut across refills still parse.
#[test]
fn cli_long_input() {
    let n = 300_000u64;
    let text: String = (0..n).map(|i| format!("{}\n", i % 1000)).collect();
    let out = pagelab_trace(&["--policy", "clock", "--frames", "1000"], text.as_bytes());
    assert_eq!(
        stdout(&out),
        format!(
            "{{\"accesses\":{n},\"hits\":{},\"misses\":1000}}\n",
            n - 1000
        )
    );
}
