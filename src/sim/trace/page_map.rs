//! A page → `u32` map for OPT's next uses: open addressing with linear probing and
//! Fibonacci hashing, insert-only (a block's pages are collected, never removed), O(1) per
//! operation on average.
//!
//! It never iterates, so its internal order can never leak into any output.

/// Marks a vacant slot; a stored value is therefore always below `u32::MAX`.
const VACANT: u32 = u32::MAX;

/// 2^64 / φ: multiplying by it and keeping the top bits spreads strided page numbers well.
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;

#[derive(Clone, Copy, Debug)]
struct Slot {
    page: u64,
    value: u32,
}

const EMPTY_SLOT: Slot = Slot {
    page: 0,
    value: VACANT,
};

/// Maps page numbers to small integers (a position in a trace).
#[derive(Clone, Debug)]
pub(crate) struct PageMap {
    slots: Vec<Slot>,
    /// `slots.len() - 1`; the length is a power of two.
    mask: usize,
    /// `64 - log2(slots.len())`: the hash keeps the top bits of the product.
    shift: u32,
    len: usize,
}

impl PageMap {
    /// An empty map sized for about `expected` pages without growing.
    pub(crate) fn with_capacity(expected: usize) -> Self {
        // Load factor at most 1/2 keeps linear-probe runs short.
        let slots = expected.saturating_mul(2).max(16).next_power_of_two();
        PageMap {
            slots: vec![EMPTY_SLOT; slots],
            mask: slots - 1,
            shift: 64 - slots.trailing_zeros(),
            len: 0,
        }
    }

    #[inline(always)]
    fn home(&self, page: u64) -> usize {
        (page.wrapping_mul(FIBONACCI) >> self.shift) as usize
    }

    /// The slot holding `page`, or the vacant slot where it would go.
    #[inline(always)]
    fn probe(&self, page: u64) -> (usize, bool) {
        let mut i = self.home(page);
        loop {
            let slot = self.slots[i];
            if slot.value == VACANT {
                return (i, false);
            }
            if slot.page == page {
                return (i, true);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Put `slot` at index `i`.
    #[inline(always)]
    fn place(&mut self, i: usize, slot: Slot) {
        self.slots[i] = slot;
    }

    /// The value stored for `page`.
    #[cfg(test)]
    pub(crate) fn get(&self, page: u64) -> Option<u32> {
        match self.probe(page) {
            (i, true) => Some(self.slots[i].value),
            (_, false) => None,
        }
    }

    /// Store `value` (below `u32::MAX`) for `page`; returns the value it replaces.
    #[inline(always)]
    pub(crate) fn insert(&mut self, page: u64, value: u32) -> Option<u32> {
        debug_assert!(value != VACANT);
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let (i, found) = self.probe(page);
        let old = self.slots[i].value;
        self.place(i, Slot { page, value });
        if found {
            Some(old)
        } else {
            self.len += 1;
            None
        }
    }

    /// How many pages are stored.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        *self = Self::with_capacity(old.len());
        for slot in old.into_iter().filter(|s| s.value != VACANT) {
            let (i, _) = self.probe(slot.page);
            self.place(i, slot);
            self.len += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Random inserts agree with a `BTreeMap`, including through growth and long runs of
    /// colliding (strided) page numbers.
    #[test]
    fn agrees_with_btreemap() {
        let mut map: PageMap = PageMap::with_capacity(4);
        let mut model = BTreeMap::new();
        let mut x: u64 = 12345;
        for step in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Few distinct keys, some strided by 2^32, so runs collide and wrap.
            let page = (x % 300) << if x & 1 == 0 { 0 } else { 32 };
            assert_eq!(
                map.insert(page, step),
                model.insert(page, step),
                "step {step}"
            );
            assert_eq!(map.len(), model.len());
            let probe = x.rotate_left(7) % 300;
            assert_eq!(map.get(probe), model.get(&probe).copied());
        }
        for (page, value) in &model {
            assert_eq!(map.get(*page), Some(*value));
        }
    }
}
