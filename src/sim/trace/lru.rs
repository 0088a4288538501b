//! LRU: evict the page used least recently (DESIGN §6).

use std::num::NonZeroU32;

use super::frame_table::FrameTable;
use super::{Outcome, Replacer};

/// No frame: the end of the recency list.
const NIL: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Link {
    /// The frame used just more recently.
    newer: u32,
    /// The frame used just less recently.
    older: u32,
}

/// Least recently used, O(1) per access: an intrusive doubly linked list over frame indices
/// keeps the frames in order of last use; a hit moves its frame to the front, a miss with
/// memory full reuses the frame at the back.
#[derive(Clone, Debug)]
pub struct Lru {
    frames: usize,
    /// Each frame's neighbours in recency order.
    links: Vec<Link>,
    /// Most recently used frame.
    newest: u32,
    /// Least recently used frame: the next victim.
    oldest: u32,
    /// Page held by each frame, and resident page → its frame.
    table: FrameTable,
}

impl Lru {
    /// An empty memory of `frames` frames.
    pub fn new(frames: NonZeroU32) -> Lru {
        let frames = frames.get() as usize;
        let expected = frames.min(1 << 12);
        Lru {
            frames,
            links: Vec::with_capacity(expected),
            newest: NIL,
            oldest: NIL,
            table: FrameTable::with_capacity(expected),
        }
    }

    /// Make `frame`, already in the list, the most recently used.
    #[inline(always)]
    fn touch(&mut self, frame: u32) {
        if frame == self.newest {
            return;
        }
        // Unlink: `frame` is not the newest, so it has a newer neighbour.
        let Link { newer, older } = self.links[frame as usize];
        self.links[newer as usize].older = older;
        if older == NIL {
            self.oldest = newer;
        } else {
            self.links[older as usize].newer = newer;
        }
        // Push at the front.
        self.links[frame as usize] = Link {
            newer: NIL,
            older: self.newest,
        };
        self.links[self.newest as usize].newer = frame;
        self.newest = frame;
    }
}

impl Replacer for Lru {
    #[inline]
    fn access(&mut self, page: u64) -> Outcome {
        let at = match self.table.find(page) {
            Ok(frame) => {
                self.touch(frame);
                return Outcome::Hit;
            }
            Err(at) => at,
        };
        if self.table.filled() < self.frames {
            let frame = self.table.push(page, at);
            self.links.push(Link {
                newer: NIL,
                older: self.newest,
            });
            if self.newest == NIL {
                self.oldest = frame;
            } else {
                self.links[self.newest as usize].newer = frame;
            }
            self.newest = frame;
            return Outcome::Miss { evicted: None };
        }
        // The least recently used frame takes the page and becomes the most recent: it
        // leaves the back of the list for the front (unless it is the only frame).
        let frame = self.oldest;
        let victim = self.table.replace(frame, page, at);
        if frame != self.newest {
            let newer = self.links[frame as usize].newer;
            self.links[newer as usize].older = NIL;
            self.oldest = newer;
            self.links[frame as usize] = Link {
                newer: NIL,
                older: self.newest,
            };
            self.links[self.newest as usize].newer = frame;
            self.newest = frame;
        }
        Outcome::Miss {
            evicted: Some(victim),
        }
    }
}
