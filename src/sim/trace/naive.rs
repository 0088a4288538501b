//! The executable specification of trace mode: every policy written the obvious way, with a
//! `Vec` of frames searched linearly (O(frames) per access, and OPT scanning the future).
//! Too slow for real traces; the fast policies are tested against it, and the benchmarks
//! use it as their baseline.

use super::{Outcome, SplitMix64, Summary, TraceError};
use crate::sim::config::Policy;

/// One frame of the naive memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The page it holds.
    pub page: u64,
    /// Position of the access that loaded the page.
    pub loaded: usize,
    /// Position of the page's latest access.
    pub used: usize,
    /// Clock's use bit.
    pub use_bit: bool,
    /// OPT: position of the page's next use after its latest access, `usize::MAX` for never.
    pub next_use: usize,
}

/// The memory of the specification, one access at a time, with its whole state in view
/// (the Compare view draws it).
#[derive(Clone, Debug)]
pub struct Memory {
    policy: Policy,
    capacity: usize,
    frames: Vec<Frame>,
    hand: usize,
    rng: SplitMix64,
}

impl Memory {
    /// An empty memory of `frames` frames under `policy` (`seed` for random).
    pub fn new(policy: Policy, frames: u64, seed: u64) -> Result<Memory, TraceError> {
        Ok(Memory {
            policy,
            capacity: super::check_frames(frames)?.get() as usize,
            frames: Vec::new(),
            hand: 0,
            rng: SplitMix64::new(seed),
        })
    }

    /// The frames in use, in frame order.
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// Clock's hand: the frame it points at.
    pub fn hand(&self) -> usize {
        self.hand
    }

    /// Access `page` at position `now`, whose next use is at `next_use` (`usize::MAX` for
    /// never; only OPT looks at it). Returns the outcome and the frame that holds the page.
    pub fn access(&mut self, now: usize, page: u64, next_use: usize) -> (Outcome, usize) {
        if let Some(i) = self.frames.iter().position(|f| f.page == page) {
            let frame = &mut self.frames[i];
            frame.used = now;
            frame.use_bit = true;
            frame.next_use = next_use;
            return (Outcome::Hit, i);
        }
        let fresh = Frame {
            page,
            loaded: now,
            used: now,
            use_bit: true,
            next_use,
        };
        if self.frames.len() < self.capacity {
            self.frames.push(fresh);
            return (Outcome::Miss { evicted: None }, self.frames.len() - 1);
        }
        let memory = &mut self.frames;
        let victim = match self.policy {
            Policy::Fifo => index_of_min(memory, |f| f.loaded),
            Policy::Lru => index_of_min(memory, |f| f.used),
            // Farthest next use; never used again counts as farthest, and among those the
            // latest load. As a minimum: (-next use, -load time).
            Policy::Opt => index_of_min(memory, |f| {
                (std::cmp::Reverse(f.next_use), std::cmp::Reverse(f.loaded))
            }),
            Policy::Clock => {
                while memory[self.hand].use_bit {
                    memory[self.hand].use_bit = false;
                    self.hand = (self.hand + 1) % self.capacity;
                }
                let victim = self.hand;
                self.hand = (self.hand + 1) % self.capacity;
                victim
            }
            Policy::Random => self.rng.below(self.capacity as u64) as usize,
        };
        let evicted = memory[victim].page;
        memory[victim] = fresh;
        (
            Outcome::Miss {
                evicted: Some(evicted),
            },
            victim,
        )
    }
}

/// Replay `pages` through `policy` with `frames` frames (`seed` for random) and return the
/// outcome of every access.
pub fn outcomes(
    policy: Policy,
    frames: u64,
    seed: u64,
    pages: &[u64],
) -> Result<Vec<Outcome>, TraceError> {
    let mut memory = Memory::new(policy, frames, seed)?;
    let mut result = Vec::with_capacity(pages.len());
    for (now, &page) in pages.iter().enumerate() {
        let next_use = if policy == Policy::Opt {
            pages[now + 1..]
                .iter()
                .position(|&q| q == page)
                .map_or(usize::MAX, |d| now + 1 + d)
        } else {
            usize::MAX
        };
        result.push(memory.access(now, page, next_use).0);
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
