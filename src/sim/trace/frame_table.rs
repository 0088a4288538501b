//! The resident pages of one memory, found by page: the hot path of every online policy.
//!
//! Each frame holds one page. A hash table of chains threads through the frames
//! themselves: `heads[bucket]` is the first frame whose page hashes there and `next[frame]`
//! the following one. With at least four buckets per frame most chains are empty or hold
//! one frame, so a lookup is a load of the head and one comparison, and replacing a
//! frame's page relinks two short chains; nothing is ever probed, shifted or tombstoned.
//! The table lives in `frames × (8 + 4) + buckets × 4` bytes, so at the frame counts of a
//! lesson or a benchmark it stays in the first-level cache.
//!
//! It never iterates over its buckets, so their order can never leak into any output.

/// No frame: the end of a chain, or an empty bucket.
const NIL: u32 = u32::MAX;

/// 2^64 / φ: multiplying by it and keeping the top bits spreads strided page numbers well.
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;

/// Fewest buckets per filled frame before the table doubles.
const BUCKETS_PER_FRAME: usize = 4;

/// Resident pages by frame, with a page → frame index.
#[derive(Clone, Debug)]
pub(crate) struct FrameTable {
    /// The page held by each filled frame; frames fill in order.
    pages: Vec<u64>,
    /// The next frame of the same chain.
    next: Vec<u32>,
    /// The first frame of each bucket's chain; the length is a power of two.
    heads: Vec<u32>,
    /// `64 - log2(heads.len())`: the hash keeps the top bits of the product.
    shift: u32,
}

impl FrameTable {
    /// An empty table sized for `expected` frames without growing (it grows past that).
    pub(crate) fn with_capacity(expected: usize) -> FrameTable {
        let buckets = Self::buckets_for(expected);
        FrameTable {
            pages: Vec::with_capacity(expected),
            next: Vec::with_capacity(expected),
            heads: vec![NIL; buckets],
            shift: 64 - buckets.trailing_zeros(),
        }
    }

    fn buckets_for(frames: usize) -> usize {
        frames
            .saturating_mul(BUCKETS_PER_FRAME)
            .max(16)
            .next_power_of_two()
    }

    #[inline(always)]
    fn bucket(&self, page: u64) -> usize {
        (page.wrapping_mul(FIBONACCI) >> self.shift) as usize
    }

    /// How many frames hold a page.
    #[inline(always)]
    pub(crate) fn filled(&self) -> usize {
        self.pages.len()
    }

    /// The page held by `frame` (below [`FrameTable::filled`]).
    #[cfg(test)]
    fn page(&self, frame: usize) -> u64 {
        self.pages[frame]
    }

    /// The frame holding `page`, if it is resident.
    #[inline(always)]
    pub(crate) fn find(&self, page: u64) -> Option<u32> {
        let mut frame = self.heads[self.bucket(page)];
        while frame != NIL {
            if self.pages[frame as usize] == page {
                return Some(frame);
            }
            frame = self.next[frame as usize];
        }
        None
    }

    /// Load `page` (not resident) into the next empty frame, whose index it returns.
    #[inline]
    pub(crate) fn push(&mut self, page: u64) -> u32 {
        let frame = self.pages.len() as u32;
        if self.pages.len() * BUCKETS_PER_FRAME >= self.heads.len() {
            self.pages.push(page);
            self.next.push(NIL);
            self.rehash();
        } else {
            let bucket = self.bucket(page);
            self.pages.push(page);
            self.next.push(self.heads[bucket]);
            self.heads[bucket] = frame;
        }
        frame
    }

    /// Load `page` (not resident) into `frame` (filled), returning the page it evicts.
    #[inline(always)]
    pub(crate) fn replace(&mut self, frame: u32, page: u64) -> u64 {
        let index = frame as usize;
        let old = std::mem::replace(&mut self.pages[index], page);
        // Unlink `frame` from its old chain: most often it is the head.
        let after = self.next[index];
        let old_bucket = self.bucket(old);
        let mut at = self.heads[old_bucket];
        if at == frame {
            self.heads[old_bucket] = after;
        } else {
            while self.next[at as usize] != frame {
                at = self.next[at as usize];
            }
            self.next[at as usize] = after;
        }
        let bucket = self.bucket(page);
        self.next[index] = self.heads[bucket];
        self.heads[bucket] = frame;
        old
    }

    /// Double the buckets until there are [`BUCKETS_PER_FRAME`] per filled frame, and
    /// rebuild every chain.
    #[cold]
    fn rehash(&mut self) {
        let buckets = Self::buckets_for(self.pages.len()).max(self.heads.len() * 2);
        self.heads.clear();
        self.heads.resize(buckets, NIL);
        self.shift = 64 - buckets.trailing_zeros();
        for frame in 0..self.pages.len() {
            let bucket = self.bucket(self.pages[frame]);
            self.next[frame] = self.heads[bucket];
            self.heads[bucket] = frame as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames filled and then replaced at random keep every resident page findable and
    /// every evicted page gone, through growth and long runs of colliding page numbers.
    #[test]
    fn agrees_with_a_plain_list() {
        for frames in [1usize, 2, 3, 40, 300] {
            let mut table = FrameTable::with_capacity(2);
            let mut resident: Vec<u64> = Vec::new();
            let mut x: u64 = 777 + frames as u64;
            for step in 0..20_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Few distinct keys, some strided by 2^40, so chains collide.
                let page = (x % 97) << if x & 1 == 0 { 0 } else { 40 };
                let expected = resident.iter().position(|&p| p == page);
                assert_eq!(
                    table.find(page).map(|f| f as usize),
                    expected,
                    "step {step}"
                );
                if expected.is_some() {
                    continue;
                }
                if resident.len() < frames {
                    assert_eq!(table.push(page) as usize, resident.len());
                    resident.push(page);
                } else {
                    let frame = (x >> 32) as usize % frames;
                    let gone = table.replace(frame as u32, page);
                    assert_eq!(gone, std::mem::replace(&mut resident[frame], page));
                    assert_eq!(table.find(gone), None);
                }
                assert_eq!(table.filled(), resident.len());
                for (frame, &page) in resident.iter().enumerate() {
                    assert_eq!(table.page(frame), page);
                    assert_eq!(table.find(page), Some(frame as u32));
                }
            }
        }
    }
}
