//! Random: evict a frame chosen by a seeded generator (DESIGN §6).

use std::num::NonZeroU32;

use super::page_map::FrameMap;
use super::{Outcome, Replacer};
use crate::sim::rng::SplitMix64;

/// Random replacement, O(1) per access. Frames fill in order; on a miss with memory full
/// the victim is frame `SplitMix64::below(frames)` of a generator seeded with the `seed`
/// given (`--seed`), one draw per eviction. Same seed, same string: same evictions.
#[derive(Clone, Debug)]
pub struct Random {
    frames: usize,
    /// Page held by each frame.
    pages: Vec<u64>,
    /// Resident page → its frame.
    map: FrameMap,
    rng: SplitMix64,
}

impl Random {
    /// An empty memory of `frames` frames with a generator seeded by `seed`.
    pub fn new(frames: NonZeroU32, seed: u64) -> Random {
        let frames = frames.get() as usize;
        let expected = frames.min(1 << 12);
        Random {
            frames,
            pages: Vec::with_capacity(expected),
            // One more than the frames: a miss inserts the new page before removing the victim.
            map: FrameMap::with_capacity(expected + 1),
            rng: SplitMix64::new(seed),
        }
    }
}

impl Replacer for Random {
    #[inline]
    fn access(&mut self, page: u64) -> Outcome {
        let vacant = match self.map.find(page) {
            Ok(_) => return Outcome::Hit,
            Err(vacant) => vacant,
        };
        if self.pages.len() < self.frames {
            self.map
                .insert_vacant(vacant, page, self.pages.len() as u32);
            self.pages.push(page);
            return Outcome::Miss { evicted: None };
        }
        let frame = self.rng.below(self.frames as u64) as usize;
        let victim = std::mem::replace(&mut self.pages[frame], page);
        self.map.reassign(vacant, page, frame as u32);
        Outcome::Miss {
            evicted: Some(victim),
        }
    }
}
