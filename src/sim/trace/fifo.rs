//! FIFO: evict the page loaded earliest (DESIGN §6).

use std::num::NonZeroU32;

use super::in_place::InPlace;
use super::{Outcome, Replacer};

/// First in, first out, O(1) per access.
///
/// Frames fill in order, and each eviction loads the new page into the frame it frees, so
/// the frames always hold pages in load order starting at `oldest` and wrapping around: the
/// earliest loaded page is simply the one under a pointer that advances by one per eviction.
#[derive(Clone, Debug)]
pub struct Fifo {
    memory: InPlace,
    /// The frame holding the earliest loaded page once memory is full.
    oldest: usize,
}

impl Fifo {
    /// An empty memory of `frames` frames.
    pub fn new(frames: NonZeroU32) -> Fifo {
        Fifo {
            memory: InPlace::new(frames),
            oldest: 0,
        }
    }
}

impl Replacer for Fifo {
    #[inline]
    fn access(&mut self, page: u64) -> Outcome {
        let oldest = self.oldest;
        let outcome = self.memory.access(page, || oldest);
        if let Outcome::Miss { evicted: Some(_) } = outcome {
            self.oldest = if oldest + 1 == self.memory.frames() {
                0
            } else {
                oldest + 1
            };
        }
        outcome
    }
}
