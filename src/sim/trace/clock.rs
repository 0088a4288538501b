//! Clock: the textbook second-chance policy (DESIGN §6).

use std::num::NonZeroU32;

use super::frame_table::FrameTable;
use super::{Outcome, Replacer};

/// Textbook second chance, amortised O(1) per access. The rules, exactly as DESIGN §6
/// states them:
/// - frames fill in order (frame 0, 1, 2, …) and the hand starts at frame 0;
/// - the use bit is set when a page is loaded and on every hit;
/// - on a miss with memory full, the hand clears set bits and advances until it finds a
///   clear one, evicts that page, loads the new one there (use bit set) and moves one past
///   it.
///
/// The use bits are packed 64 to a word, so the hand passes a run of set bits in one step
/// per word instead of one per frame. Every bit the hand clears was set by a load or a hit,
/// so its travel is O(1) per access on average.
#[derive(Clone, Debug)]
pub struct Clock {
    frames: usize,
    /// Use bit of frame `f`: bit `f % 64` of word `f / 64` (a boxed slice, as the frame
    /// table's records, for the Compare view's wasm).
    used: Box<[u64]>,
    /// The frame the hand points at.
    hand: usize,
    /// Page held by each frame, and resident page → its frame.
    table: FrameTable,
}

impl Clock {
    /// An empty memory of `frames` frames.
    pub fn new(frames: NonZeroU32) -> Clock {
        let frames = frames.get() as usize;
        let expected = frames.min(1 << 12);
        Clock {
            frames,
            used: vec![0; expected.div_ceil(64)].into_boxed_slice(),
            hand: 0,
            table: FrameTable::with_capacity(expected),
        }
    }

    /// Double the words of use bits.
    #[cold]
    fn grow(&mut self) {
        let mut used = std::mem::take(&mut self.used).into_vec();
        used.resize(used.len() * 2, 0);
        self.used = used.into_boxed_slice();
    }

    /// Set the use bit of `frame`.
    #[inline(always)]
    fn set_used(&mut self, frame: usize) {
        self.used[frame / 64] |= 1 << (frame % 64);
    }

    /// Move the hand as the rules say: clear set use bits and advance until a clear one;
    /// return that frame. Memory is full.
    #[inline(always)]
    fn sweep(&mut self) -> usize {
        let mut frame = self.hand;
        loop {
            let (word, bit) = (frame / 64, frame % 64);
            // Frames of this word from `frame` on (the last word may be partly unused).
            let span = (64 - bit).min(self.frames - frame);
            // Set bits from `frame` on; the shift brings in zeros, so this is at most 64 - bit.
            let run = (self.used[word] >> bit).trailing_ones() as usize;
            if run < span {
                // Clear the run the hand passes (none when the hand's own bit is clear:
                // no branch on it, since at high miss rates the bits under the hand
                // alternate); the frame just after it is the victim.
                self.used[word] &= !(((1u64 << run) - 1) << bit);
                return frame + run;
            }
            // Every frame left in this word has its bit set: clear them all, go on.
            let passed = if span == 64 {
                u64::MAX
            } else {
                ((1u64 << span) - 1) << bit
            };
            self.used[word] &= !passed;
            frame += span;
            if frame == self.frames {
                frame = 0;
            }
        }
    }
}

impl Replacer for Clock {
    #[inline]
    fn access(&mut self, page: u64) -> Outcome {
        let at = match self.table.find(page) {
            Ok(frame) => {
                // A hit sets the use bit.
                self.set_used(frame as usize);
                return Outcome::Hit;
            }
            Err(at) => at,
        };
        let filled = self.table.filled();
        if filled < self.frames {
            // Frames fill in order, use bit set on load; the hand stays at frame 0.
            self.table.push(page, at);
            if filled / 64 == self.used.len() {
                self.grow();
            }
            self.set_used(filled);
            return Outcome::Miss { evicted: None };
        }
        let frame = self.sweep();
        let victim = self.table.replace(frame as u32, page, at);
        self.set_used(frame);
        // The hand moves one past the frame just loaded.
        self.hand = if frame + 1 == self.frames {
            0
        } else {
            frame + 1
        };
        Outcome::Miss {
            evicted: Some(victim),
        }
    }
}
