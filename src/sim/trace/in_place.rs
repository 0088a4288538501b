//! Frames that fill in order and are replaced in place: the shared core of FIFO and Random,
//! which differ only in which frame they pick once memory is full.

use std::num::NonZeroU32;

use super::page_map::FrameMap;
use super::Outcome;

/// The resident pages of a memory whose victim is chosen by frame number, O(1) per access.
#[derive(Clone, Debug)]
pub(super) struct InPlace {
    frames: usize,
    /// Page held by each frame, in frame order.
    pages: Vec<u64>,
    /// Resident page → its frame.
    map: FrameMap,
}

impl InPlace {
    /// An empty memory of `frames` frames.
    pub(super) fn new(frames: NonZeroU32) -> InPlace {
        let frames = frames.get() as usize;
        let expected = frames.min(1 << 12);
        InPlace {
            frames,
            pages: Vec::with_capacity(expected),
            // One more than the frames: a miss inserts the new page before removing the victim.
            map: FrameMap::with_capacity(expected + 1),
        }
    }

    /// The number of frames.
    pub(super) fn frames(&self) -> usize {
        self.frames
    }

    /// Access `page`: a hit, a miss into the next empty frame, or, with memory full, a miss
    /// that loads `page` into frame `victim()` (below [`InPlace::frames`]) and evicts the
    /// page it held. `victim` is called only for an eviction.
    #[inline]
    pub(super) fn access(&mut self, page: u64, victim: impl FnOnce() -> usize) -> Outcome {
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
        let frame = victim();
        let evicted = std::mem::replace(&mut self.pages[frame], page);
        self.map.reassign(vacant, page, frame as u32);
        Outcome::Miss {
            evicted: Some(evicted),
        }
    }
}
