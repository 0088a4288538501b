//! FIFO: evict the page loaded earliest (DESIGN §6).

use std::num::NonZeroU32;

use super::page_map::FrameMap;
use super::{Outcome, Replacer};

/// First in, first out, O(1) per access.
///
/// Frames fill in order, and each eviction loads the new page into the frame it frees, so
/// the frames always hold pages in load order starting at `oldest` and wrapping around: the
/// earliest loaded page is simply the one under a pointer that advances by one per eviction.
#[derive(Clone, Debug)]
pub struct Fifo {
    frames: usize,
    /// Page held by each frame, in frame order.
    pages: Vec<u64>,
    /// Resident page → its frame.
    map: FrameMap,
    /// The frame holding the earliest loaded page once memory is full.
    oldest: usize,
}

impl Fifo {
    /// An empty memory of `frames` frames.
    pub fn new(frames: NonZeroU32) -> Fifo {
        let frames = frames.get() as usize;
        let expected = frames.min(1 << 12);
        Fifo {
            frames,
            pages: Vec::with_capacity(expected),
            // One more than the frames: a miss inserts the new page before removing the victim.
            map: FrameMap::with_capacity(expected + 1),
            oldest: 0,
        }
    }
}

impl Replacer for Fifo {
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
        let frame = self.oldest;
        let victim = std::mem::replace(&mut self.pages[frame], page);
        self.map.reassign(vacant, page, frame as u32);
        self.oldest = if frame + 1 == self.frames {
            0
        } else {
            frame + 1
        };
        Outcome::Miss {
            evicted: Some(victim),
        }
    }
}
