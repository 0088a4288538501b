//! Frames that fill in order and are replaced in place: the shared core of FIFO and Random,
//! which differ only in which frame they pick once memory is full.

use std::num::NonZeroU32;

use super::frame_table::FrameTable;
use super::Outcome;

/// The resident pages of a memory whose victim is chosen by frame number, O(1) per access.
#[derive(Clone, Debug)]
pub(super) struct InPlace {
    frames: usize,
    /// Page held by each frame, and resident page → its frame.
    table: FrameTable,
}

impl InPlace {
    /// An empty memory of `frames` frames.
    pub(super) fn new(frames: NonZeroU32) -> InPlace {
        let frames = frames.get() as usize;
        let expected = frames.min(1 << 12);
        InPlace {
            frames,
            table: FrameTable::with_capacity(expected),
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
        let Err(at) = self.table.find(page) else {
            return Outcome::Hit;
        };
        if self.table.filled() < self.frames {
            self.table.push(page, at);
            return Outcome::Miss { evicted: None };
        }
        let evicted = self.table.replace(victim() as u32, page, at);
        Outcome::Miss {
            evicted: Some(evicted),
        }
    }
}
