//! Clock: the textbook second-chance policy (DESIGN §6).

use std::num::NonZeroU32;

use super::page_map::PageMap;
use super::{Outcome, Replacer};

/// Textbook second chance, amortised O(1) per access. The rules, exactly as DESIGN §6
/// states them:
/// - frames fill in order (frame 0, 1, 2, …) and the hand starts at frame 0;
/// - the use bit is set when a page is loaded and on every hit;
/// - on a miss with memory full, the hand clears set bits and advances until it finds a
///   clear one, evicts that page, loads the new one there (use bit set) and moves one past
///   it.
///
/// Each step of the hand over a set bit clears a bit that a load or a hit set, so the hand
/// moves at most twice per access on average.
#[derive(Clone, Debug)]
pub struct Clock {
    frames: usize,
    /// Page held by each frame.
    pages: Vec<u64>,
    /// Use bit of each frame.
    used: Vec<bool>,
    /// The frame the hand points at.
    hand: usize,
    /// Resident page → its frame.
    map: PageMap,
}

impl Clock {
    /// An empty memory of `frames` frames.
    pub fn new(frames: NonZeroU32) -> Clock {
        let frames = frames.get() as usize;
        let expected = frames.min(1 << 16);
        Clock {
            frames,
            pages: Vec::with_capacity(expected),
            used: Vec::with_capacity(expected),
            hand: 0,
            map: PageMap::with_capacity(expected),
        }
    }

    /// The frame after `frame`, wrapping around.
    #[inline(always)]
    fn after(&self, frame: usize) -> usize {
        if frame + 1 == self.frames {
            0
        } else {
            frame + 1
        }
    }
}

impl Replacer for Clock {
    #[inline]
    fn access(&mut self, page: u64) -> Outcome {
        if let Some(frame) = self.map.get(page) {
            // A hit sets the use bit.
            self.used[frame as usize] = true;
            return Outcome::Hit;
        }
        if self.pages.len() < self.frames {
            // Frames fill in order; the hand stays where it is (frame 0).
            self.map.insert(page, self.pages.len() as u32);
            self.pages.push(page);
            self.used.push(true);
            return Outcome::Miss { evicted: None };
        }
        // Second chance: clear set bits and advance until a clear one.
        let mut frame = self.hand;
        while self.used[frame] {
            self.used[frame] = false;
            frame = self.after(frame);
        }
        let victim = std::mem::replace(&mut self.pages[frame], page);
        self.used[frame] = true;
        self.map.remove(victim);
        self.map.insert(page, frame as u32);
        // The hand moves one past the frame just loaded.
        self.hand = self.after(frame);
        Outcome::Miss {
            evicted: Some(victim),
        }
    }
}
