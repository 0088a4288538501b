//! The resident pages of one memory, found by page: the hot path of every online policy.
//!
//! Each frame holds one page. A hash table of chains threads through the frames
//! themselves: `heads[bucket]` is the first frame whose page hashes there and each frame's
//! record (page, next frame of its chain, its page's bucket: 16 bytes) the following one.
//! With at least sixteen buckets per frame nearly every chain is empty or holds one frame
//! (a chain of two costs a mispredicted branch, at four buckets per frame one access in
//! five paid it), so a lookup is a load of the head and one comparison; a miss hands its
//! bucket on to the load that follows, and replacing a frame's page relinks two short
//! chains without hashing either page again; nothing is ever probed, shifted or tombstoned.
//! The table lives in `frames × 16 + buckets × 4` bytes (about 80 bytes per frame), so at
//! the frame counts of a lesson or a benchmark it stays in the first-level cache.
//!
//! It never iterates over its buckets, so their order can never leak into any output.

/// No frame: the end of a chain, or an empty bucket.
const NIL: u32 = u32::MAX;

/// 2^64 / φ: multiplying by it and keeping the top bits spreads strided page numbers well.
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;

/// Fewest buckets per filled frame before the table doubles.
const BUCKETS_PER_FRAME: usize = 16;

/// One filled frame: its page, the next frame of its chain, and its page's bucket (kept so
/// that replacing the page unlinks it without hashing it again). 16 bytes, one load.
#[derive(Clone, Copy, Debug)]
struct Frame {
    page: u64,
    next: u32,
    bucket: u32,
}

/// Where a page that is not resident would go: its bucket, from [`FrameTable::find`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Absent(u32);

/// An empty frame's record.
const EMPTY: Frame = Frame {
    page: 0,
    next: NIL,
    bucket: 0,
};

/// Resident pages by frame, with a page → frame index.
///
/// Boxed slices, not `Vec`s: indexing a slice is a built-in operation, where indexing a
/// `Vec` calls `Index::index`, which the size-optimised wasm of the Compare view does not
/// inline (a call per lookup there).
#[derive(Clone, Debug)]
pub(crate) struct FrameTable {
    /// Each frame's record; frames fill in order, `filled` of them so far.
    frames: Box<[Frame]>,
    filled: usize,
    /// The first frame of each bucket's chain; the length is a power of two.
    heads: Box<[u32]>,
    /// `64 - log2(heads.len())`: the hash keeps the top bits of the product.
    shift: u32,
}

impl FrameTable {
    /// An empty table sized for `expected` frames without growing (it grows past that).
    pub(crate) fn with_capacity(expected: usize) -> FrameTable {
        let buckets = Self::buckets_for(expected);
        FrameTable {
            frames: vec![EMPTY; expected.max(1)].into_boxed_slice(),
            filled: 0,
            heads: vec![NIL; buckets].into_boxed_slice(),
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
    fn bucket(&self, page: u64) -> u32 {
        (page.wrapping_mul(FIBONACCI) >> self.shift) as u32
    }

    /// How many frames hold a page.
    #[inline(always)]
    pub(crate) fn filled(&self) -> usize {
        self.filled
    }

    /// The page held by `frame` (below [`FrameTable::filled`]).
    #[cfg(test)]
    fn page(&self, frame: usize) -> u64 {
        self.frames[frame].page
    }

    /// The frame holding `page` if it is resident, or else where it would go (for
    /// [`FrameTable::push`] or [`FrameTable::replace`], before any other change).
    #[inline(always)]
    pub(crate) fn find(&self, page: u64) -> Result<u32, Absent> {
        let bucket = self.bucket(page);
        let mut frame = self.heads[bucket as usize];
        while frame != NIL {
            let Frame {
                page: held, next, ..
            } = self.frames[frame as usize];
            if held == page {
                return Ok(frame);
            }
            frame = next;
        }
        Err(Absent(bucket))
    }

    /// Load `page` (absent, at `at`) into the next empty frame, whose index it returns.
    #[inline]
    pub(crate) fn push(&mut self, page: u64, at: Absent) -> u32 {
        let frame = self.filled;
        if frame == self.frames.len() {
            self.grow();
        }
        let bucket = at.0;
        self.frames[frame] = Frame {
            page,
            next: self.heads[bucket as usize],
            bucket,
        };
        self.heads[bucket as usize] = frame as u32;
        self.filled += 1;
        if self.filled * BUCKETS_PER_FRAME > self.heads.len() {
            self.rehash();
        }
        frame as u32
    }

    /// Load `page` (absent, at `at`) into `frame` (filled), returning the page it evicts.
    #[inline(always)]
    pub(crate) fn replace(&mut self, frame: u32, page: u64, at: Absent) -> u64 {
        let index = frame as usize;
        let old = self.frames[index];
        // Unlink `frame` from its old chain: most often it is the head.
        let head = &mut self.heads[old.bucket as usize];
        if *head == frame {
            *head = old.next;
        } else {
            let mut at = *head;
            while self.frames[at as usize].next != frame {
                at = self.frames[at as usize].next;
            }
            self.frames[at as usize].next = old.next;
        }
        let bucket = at.0;
        self.frames[index] = Frame {
            page,
            next: self.heads[bucket as usize],
            bucket,
        };
        self.heads[bucket as usize] = frame;
        old.page
    }

    /// Double the frame records.
    #[cold]
    fn grow(&mut self) {
        let mut frames = std::mem::take(&mut self.frames).into_vec();
        frames.resize(frames.len() * 2, EMPTY);
        self.frames = frames.into_boxed_slice();
    }

    /// Double the buckets until there are [`BUCKETS_PER_FRAME`] per filled frame, and
    /// rebuild every chain.
    #[cold]
    fn rehash(&mut self) {
        let buckets = Self::buckets_for(self.filled).max(self.heads.len() * 2);
        self.heads = vec![NIL; buckets].into_boxed_slice();
        self.shift = 64 - buckets.trailing_zeros();
        for frame in 0..self.filled {
            let bucket = self.bucket(self.frames[frame].page);
            self.frames[frame].bucket = bucket;
            self.frames[frame].next = self.heads[bucket as usize];
            self.heads[bucket as usize] = frame as u32;
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
                let at = match table.find(page) {
                    Ok(frame) => {
                        assert_eq!(Some(frame as usize), expected, "step {step}");
                        continue;
                    }
                    Err(at) => {
                        assert_eq!(expected, None, "step {step}");
                        at
                    }
                };
                if resident.len() < frames {
                    assert_eq!(table.push(page, at) as usize, resident.len());
                    resident.push(page);
                } else {
                    let frame = (x >> 32) as usize % frames;
                    let gone = table.replace(frame as u32, page, at);
                    assert_eq!(gone, std::mem::replace(&mut resident[frame], page));
                    assert!(table.find(gone).is_err());
                }
                assert_eq!(table.filled(), resident.len());
                for (frame, &page) in resident.iter().enumerate() {
                    assert_eq!(table.page(frame), page);
                    assert_eq!(table.find(page).ok(), Some(frame as u32));
                }
            }
        }
    }
}
