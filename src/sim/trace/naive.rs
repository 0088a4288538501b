//! The executable specification of trace mode: every policy written the obvious way, with a
//! `Vec` of frames searched linearly (O(frames) per access, and OPT scanning the future).
//! Too slow for real traces; the fast policies are tested against it, and the benchmarks
//! use it as their baseline.

use super::{Outcome, SplitMix64, Summary, TraceError};
use crate::sim::config::Policy;

#[derive(Clone, Copy, Debug)]
struct Frame {
    page: u64,
    /// Position of the access that loaded the page.
    loaded: usize,
    /// Position of the page's latest access.
    used: usize,
    /// Clock's use bit.
    use_bit: bool,
}

/// Replay `pages` through `policy` with `frames` frames (`seed` for random) and return the
/// outcome of every access.
pub fn outcomes(
    policy: Policy,
    frames: u64,
    seed: u64,
    pages: &[u64],
) -> Result<Vec<Outcome>, TraceError> {
    let frames = super::check_frames(frames)?.get() as usize;
    let mut memory: Vec<Frame> = Vec::new();
    let mut hand = 0usize;
    let mut rng = SplitMix64::new(seed);
    let mut result = Vec::with_capacity(pages.len());
    for (now, &page) in pages.iter().enumerate() {
        if let Some(frame) = memory.iter_mut().find(|f| f.page == page) {
            frame.used = now;
            frame.use_bit = true;
            result.push(Outcome::Hit);
            continue;
        }
        let fresh = Frame {
            page,
            loaded: now,
            used: now,
            use_bit: true,
        };
        if memory.len() < frames {
            memory.push(fresh);
            result.push(Outcome::Miss { evicted: None });
            continue;
        }
        let victim = match policy {
            Policy::Fifo => index_of_min(&memory, |f| f.loaded),
            Policy::Lru => index_of_min(&memory, |f| f.used),
            Policy::Opt => {
                // Farthest next use; never used again counts as farthest, and among those
                // the latest load. As a minimum: (-next use, -load time).
                let next_use = |p: u64| {
                    pages[now + 1..]
                        .iter()
                        .position(|&q| q == p)
                        .unwrap_or(usize::MAX)
                };
                index_of_min(&memory, |f| {
                    (
                        std::cmp::Reverse(next_use(f.page)),
                        std::cmp::Reverse(f.loaded),
                    )
                })
            }
            Policy::Clock => {
                while memory[hand].use_bit {
                    memory[hand].use_bit = false;
                    hand = (hand + 1) % frames;
                }
                let victim = hand;
                hand = (hand + 1) % frames;
                victim
            }
            Policy::Random => rng.below(frames as u64) as usize,
        };
        result.push(Outcome::Miss {
            evicted: Some(memory[victim].page),
        });
        memory[victim] = fresh;
    }
    Ok(result)
}

/// Replay `pages` and count, like [`super::simulate`].
pub fn summary(
    policy: Policy,
    frames: u64,
    seed: u64,
    pages: &[u64],
) -> Result<Summary, TraceError> {
    let mut summary = Summary::default();
    for outcome in outcomes(policy, frames, seed, pages)? {
        summary.record(outcome);
    }
    Ok(summary)
}

/// Index of the frame with the smallest `key` (the first such frame on ties).
fn index_of_min<K: Ord>(memory: &[Frame], key: impl Fn(&Frame) -> K) -> usize {
    let mut best = 0;
    for i in 1..memory.len() {
        if key(&memory[i]) < key(&memory[best]) {
            best = i;
        }
    }
    best
}
