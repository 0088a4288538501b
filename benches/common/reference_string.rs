//! The reference string that trace mode is measured on, shared by `benches/trace.rs`
//! (criterion, wall-clock) and `examples/trace_instructions.rs` (instructions, under
//! callgrind), so both measure the same work.

use pagelab::sim::trace::SplitMix64;

/// A deterministic reference string with locality: phases of 50,000 accesses, each around
/// its own base page; in a phase 80% of references fall in a hot set of 512 pages, 15% in
/// a warm set of 8192, and 5% anywhere in 2^30 pages.
pub fn reference_string(len: usize) -> Vec<u64> {
    let mut rng = SplitMix64::new(0x5eed);
    let mut base = 0;
    (0..len)
        .map(|i| {
            if i % 50_000 == 0 {
                base = rng.below(1 << 20);
            }
            match rng.below(100) {
                0..=79 => base + rng.below(512),
                80..=94 => base + rng.below(8192),
                _ => rng.below(1 << 30),
            }
        })
        .collect()
}
