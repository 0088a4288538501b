//! Trace mode's accesses per second, best of several rounds, the policies interleaved: an
//! A/B measure for a shared, noisy machine, where criterion's saved baselines (one run,
//! then another minutes later) compare two different loads.
//!
//! The string is the one `benches/trace.rs` measures (1,000,000 accesses). Build this at
//! two commits and run the two binaries one after the other, several times:
//! `cargo build --profile bench --example trace_throughput`, then
//! `target/release/examples/trace_throughput FRAMES ROUNDS` (default 64 frames, 10
//! rounds). Each line gives a policy's best round in millions of accesses per second; the
//! ratio of two builds' lines, taken while the load (`uptime`) is the same, is the speed-up.

use std::hint::black_box;
use std::time::Instant;

use pagelab::sim::trace;
use pagelab::sim::Policy;

#[path = "../benches/common/reference_string.rs"]
mod reference_string;
use reference_string::reference_string;

const POLICIES: [Policy; 5] = [
    Policy::Fifo,
    Policy::Lru,
    Policy::Clock,
    Policy::Random,
    Policy::Opt,
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let frames: u64 = args.get(1).and_then(|f| f.parse().ok()).unwrap_or(64);
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(10);
    let pages = reference_string(1_000_000);
    let mut best = [f64::MAX; POLICIES.len()];
    for _ in 0..rounds {
        for (p, &policy) in POLICIES.iter().enumerate() {
            let started = Instant::now();
            let summary = trace::simulate(
                policy,
                frames,
                1,
                black_box(&pages).iter().copied(),
                |_, _| {},
            );
            black_box(summary.ok());
            best[p] = best[p].min(started.elapsed().as_secs_f64());
        }
    }
    for (p, policy) in POLICIES.iter().enumerate() {
        let rate = pages.len() as f64 / best[p] / 1e6;
        println!("{} {frames} frames: {rate:.1} M accesses/s", policy.name());
    }
}
