//! Instructions per trace-mode access, for `valgrind --tool=callgrind` (which counts
//! instructions, repeatably, where wall-clock time on a shared machine is noisy).
//!
//! The string is the one `benches/trace.rs` measures (1,000,000 accesses). Build it with
//! `cargo build --profile bench --example trace_instructions`, then count the instructions
//! of `target/release/examples/trace_instructions none` (the string alone) and of
//! `… trace_instructions POLICY FRAMES` with `valgrind --tool=callgrind`; the difference
//! over 1,000,000 is the cost of one access.

use std::hint::black_box;

use pagelab::sim::trace;
use pagelab::sim::Policy;

#[path = "../benches/common/reference_string.rs"]
mod reference_string;
use reference_string::reference_string;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let policy = args.get(1).map(String::as_str).unwrap_or("none");
    let frames: u64 = args.get(2).and_then(|f| f.parse().ok()).unwrap_or(64);
    let pages = reference_string(1_000_000);
    if policy == "none" {
        black_box(&pages);
        return;
    }
    let Some(policy) = Policy::parse(policy) else {
        eprintln!("unknown policy {policy}");
        std::process::exit(2);
    };
    let summary = trace::simulate(
        policy,
        frames,
        1,
        black_box(&pages).iter().copied(),
        |_, _| {},
    );
    println!("{summary:?}");
}
