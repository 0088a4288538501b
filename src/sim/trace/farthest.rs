//! OPT's choice of victim: the resident frames in a max-heap by key (the next use, or for a
//! page never used again its load time above every position), indexed by frame so a hit
//! raises its frame's key in place. The heap holds exactly one entry per filled frame: no
//! stale entries, no sweeps, one sift per access.

/// Keys of the filled frames, largest on top; keys are distinct (no two pages share a next
/// use or a load time), so the order never depends on how ties are broken.
#[derive(Clone, Debug, Default)]
pub(crate) struct Farthest {
    /// `(key, frame)` in heap order.
    heap: Vec<(u64, u32)>,
    /// Where each frame's entry sits in `heap`.
    slot_of: Vec<u32>,
}

impl Farthest {
    /// An empty heap with room for `frames` entries.
    pub(crate) fn with_capacity(frames: usize) -> Farthest {
        Farthest {
            heap: Vec::with_capacity(frames),
            slot_of: Vec::with_capacity(frames),
        }
    }

    /// Add the next frame (frames are added in order 0, 1, 2, …) with `key`.
    #[inline]
    pub(crate) fn push(&mut self, frame: u32, key: u64) {
        debug_assert_eq!(frame as usize, self.slot_of.len());
        let slot = self.heap.len();
        self.heap.push((key, frame));
        self.slot_of.push(slot as u32);
        self.sift_up(slot);
    }

    /// The frame with the largest key; `None` while empty.
    #[inline(always)]
    pub(crate) fn top(&self) -> Option<u32> {
        self.heap.first().map(|&(_, frame)| frame)
    }

    /// Give the top frame a new, any, key (its page was replaced).
    #[inline]
    pub(crate) fn replace_top(&mut self, key: u64) {
        if let Some(top) = self.heap.first_mut() {
            top.0 = key;
            self.sift_down(0);
        }
    }

    /// Raise `frame`'s key to `key` (larger than its current key: a hit's next use lies
    /// after the access that just used it).
    #[inline]
    pub(crate) fn raise(&mut self, frame: u32, key: u64) {
        let slot = self.slot_of[frame as usize] as usize;
        debug_assert!(key > self.heap[slot].0);
        self.heap[slot].0 = key;
        self.sift_up(slot);
    }

    fn sift_up(&mut self, mut slot: usize) {
        // Local slices: the compiler then knows the lengths and drops most bounds checks.
        let (heap, slot_of) = (&mut self.heap[..], &mut self.slot_of[..]);
        let entry = heap[slot];
        while slot > 0 {
            let parent = (slot - 1) / 2;
            let above = heap[parent];
            if above.0 >= entry.0 {
                break;
            }
            heap[slot] = above;
            slot_of[above.1 as usize] = slot as u32;
            slot = parent;
        }
        heap[slot] = entry;
        slot_of[entry.1 as usize] = slot as u32;
    }

    fn sift_down(&mut self, mut slot: usize) {
        let (heap, slot_of) = (&mut self.heap[..], &mut self.slot_of[..]);
        let entry = heap[slot];
        let len = heap.len();
        loop {
            let left = 2 * slot + 1;
            if left >= len {
                break;
            }
            let mut child = left;
            let mut below = heap[left];
            if let Some(&right) = heap.get(left + 1) {
                if right.0 > below.0 {
                    child = left + 1;
                    below = right;
                }
            }
            if below.0 <= entry.0 {
                break;
            }
            heap[slot] = below;
            slot_of[below.1 as usize] = slot as u32;
            slot = child;
        }
        heap[slot] = entry;
        slot_of[entry.1 as usize] = slot as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random pushes, raises and top replacements keep the top the largest key, and every
    /// frame findable at its slot.
    #[test]
    fn top_is_the_largest_key() {
        let mut heap = Farthest::with_capacity(4);
        let mut keys: Vec<u64> = Vec::new();
        let mut x: u64 = 99;
        // Keys carry the step in their low bits, so they are distinct, as OPT's are.
        for step in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if keys.len() < 50 {
                let key = (x % 1000) << 20 | step;
                heap.push(keys.len() as u32, key);
                keys.push(key);
            } else if x & 1 == 0 {
                let frame = (x >> 8) as usize % keys.len();
                let key = ((keys[frame] >> 20) + 1 + x % 1000) << 20 | step;
                heap.raise(frame as u32, key);
                keys[frame] = key;
            } else {
                let top = heap.top().unwrap() as usize;
                let key = ((x >> 16) % 1_000_000) << 20 | step;
                heap.replace_top(key);
                keys[top] = key;
            }
            let largest = (0..keys.len()).max_by_key(|&f| keys[f]).unwrap();
            assert_eq!(heap.top(), Some(largest as u32));
            for (frame, &slot) in heap.slot_of.iter().enumerate() {
                assert_eq!(heap.heap[slot as usize], (keys[frame], frame as u32));
            }
        }
    }
}
