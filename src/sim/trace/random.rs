//! Random: evict a frame chosen by a seeded generator (DESIGN §6).

use std::num::NonZeroU32;

use super::in_place::InPlace;
use super::{Outcome, Replacer};
use crate::sim::rng::SplitMix64;

/// Random replacement, O(1) per access. Frames fill in order; on a miss with memory full
/// the victim is frame `SplitMix64::below(frames)` of a generator seeded with the `seed`
/// given (`--seed`), one draw per eviction. Same seed, same string: same evictions.
#[derive(Clone, Debug)]
pub struct Random {
    memory: InPlace,
    rng: SplitMix64,
}

impl Random {
    /// An empty memory of `frames` frames with a generator seeded by `seed`.
    pub fn new(frames: NonZeroU32, seed: u64) -> Random {
        Random {
            memory: InPlace::new(frames),
            rng: SplitMix64::new(seed),
        }
    }
}

impl Replacer for Random {
    #[inline]
    fn access(&mut self, page: u64) -> Outcome {
        let frames = self.memory.frames() as u64;
        let rng = &mut self.rng;
        self.memory.access(page, || rng.below(frames) as usize)
    }
}
