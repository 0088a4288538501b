//! OPT's choice of victim: the resident frames' keys (the next use, or for a page never used
//! again its load time above every position) in a tournament tree: every leaf is a frame,
//! every inner node holds the frame with the larger key of its two children, so the root
//! holds the victim. Changing one frame's key (a hit moves its next use on, a miss gives the
//! victim's frame the new page) replays the matches on the leaf's path to the root:
//! log2(frames) steps of two loads (the sibling's winner and its key, neither waiting on the
//! step before), one comparison and two conditional moves, with no branch that depends on
//! the keys (a binary heap's sifts stop or turn wherever the keys say, which the processor
//! mispredicts about once per level).

use std::hint::select_unpredictable;

/// Keys of the filled frames, largest at the root. Keys are positive and distinct (no two
/// pages share a next use or a load time), so the victim never depends on how ties are
/// broken.
#[derive(Clone, Debug, Default)]
pub(crate) struct Farthest {
    /// Each frame's key; a frame not yet filled has key 0, below every key. The length is
    /// a power of two.
    keys: Vec<u64>,
    /// The winning frame of each inner node: node 1 is the root, node `i` has children
    /// `2i` and `2i + 1`, and the leaves `keys.len() + f` are the frames themselves (not
    /// stored). Node 0 is unused.
    winners: Vec<u32>,
}

impl Farthest {
    /// An empty tree with room for `frames` frames before it grows.
    pub(crate) fn with_capacity(frames: usize) -> Farthest {
        let leaves = frames.max(2).next_power_of_two();
        let mut tree = Farthest {
            keys: vec![0; leaves],
            winners: vec![0; leaves],
        };
        tree.rebuild();
        tree
    }

    /// Add the next frame (frames are added in order 0, 1, 2, …) with `key`.
    #[inline]
    pub(crate) fn push(&mut self, frame: u32, key: u64) {
        if frame as usize >= self.keys.len() {
            self.grow();
        }
        self.set(frame, key);
    }

    /// The frame with the largest key (frame 0 while none is filled).
    #[inline(always)]
    pub(crate) fn top(&self) -> u32 {
        self.winners[1]
    }

    /// Give `frame` (filled) a new key, larger or smaller.
    #[inline(always)]
    pub(crate) fn set(&mut self, frame: u32, key: u64) {
        let keys = &mut self.keys[..];
        let winners = &mut self.winners[..keys.len()];
        // Both lengths are the same power of two, so masking with it changes no index in
        // range; it tells the compiler that none is out of range (no bounds check per level).
        let mask = keys.len() - 1;
        keys[frame as usize & mask] = key;
        // The leaf level: the sibling is the neighbouring frame.
        let sibling = frame ^ 1;
        let sibling_key = keys[sibling as usize & mask];
        // A select, not a branch: which side wins is as unpredictable as the string.
        let wins = sibling_key > key;
        let mut carried = select_unpredictable(wins, sibling, frame);
        let mut carried_key = select_unpredictable(wins, sibling_key, key);
        let mut at = (keys.len() + frame as usize) / 2;
        winners[at & mask] = carried;
        while at > 1 {
            let sibling = winners[(at ^ 1) & mask];
            let sibling_key = keys[sibling as usize & mask];
            let wins = sibling_key > carried_key;
            carried = select_unpredictable(wins, sibling, carried);
            carried_key = select_unpredictable(wins, sibling_key, carried_key);
            at /= 2;
            winners[at & mask] = carried;
        }
    }

    /// Double the leaves and rebuild the inner nodes.
    #[cold]
    fn grow(&mut self) {
        let leaves = self.keys.len() * 2;
        self.keys.resize(leaves, 0);
        self.winners.resize(leaves, 0);
        self.rebuild();
    }

    /// Play every match again, from the leaves up: each inner node then names a frame of
    /// its own subtree, filled or not (the left one on a tie), as [`Farthest::set`] needs.
    fn rebuild(&mut self) {
        let leaves = self.keys.len();
        for at in (1..leaves).rev() {
            let (left, right) = if 2 * at >= leaves {
                ((2 * at - leaves) as u32, (2 * at + 1 - leaves) as u32)
            } else {
                (self.winners[2 * at], self.winners[2 * at + 1])
            };
            let right_wins = self.keys[right as usize] > self.keys[left as usize];
            self.winners[at] = if right_wins { right } else { left };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random pushes (through growth) and key changes of any frame, the top's most often,
    /// keep the top the largest key, whether or not the frames fill the leaves.
    #[test]
    fn top_is_the_largest_key() {
        for (capacity, frames) in [(1, 1), (2, 2), (3, 3), (5, 5), (9, 9), (3, 50), (64, 64)] {
            let mut tree = Farthest::with_capacity(capacity);
            let mut keys: Vec<u64> = Vec::new();
            let mut x: u64 = 99 + frames as u64;
            // Keys carry the step in their low bits, so they are distinct, as OPT's are.
            for step in 1..5_000u64 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let key = (x % 1000) << 20 | step;
                if keys.len() < frames {
                    tree.push(keys.len() as u32, key);
                    keys.push(key);
                } else {
                    let frame = if x & 1 == 0 {
                        (x >> 8) as usize % keys.len()
                    } else {
                        tree.top() as usize
                    };
                    tree.set(frame as u32, key);
                    keys[frame] = key;
                }
                let largest = (0..keys.len()).max_by_key(|&f| keys[f]).unwrap();
                assert_eq!(tree.top(), largest as u32, "{frames} frames, step {step}");
            }
        }
    }
}
