//! A page → `u32` map for the hot path of trace mode: open addressing with linear probing,
//! Fibonacci hashing and backward-shift deletion (no tombstones), so every operation is O(1)
//! on average and the table stays compact however many pages come and go.
//!
//! [`FrameMap`] is the same table mapping resident pages to frames, which also remembers
//! the slot of each frame's entry: a miss then costs a single probe, because the victim's
//! entry is found through its frame instead of being searched for.
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

/// Where an absent page would go, as [`PageMap::find`] found it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Vacant(usize);

/// Maps page numbers to small integers (a frame index, or a position in a trace). With
/// `TRACK`, values are frame indices and the map keeps the slot of each one.
#[derive(Clone, Debug)]
pub(crate) struct PageMap<const TRACK: bool = false> {
    slots: Vec<Slot>,
    /// `slots.len() - 1`; the length is a power of two.
    mask: usize,
    /// `64 - log2(slots.len())`: the hash keeps the top bits of the product.
    shift: u32,
    len: usize,
    /// With `TRACK`: the slot holding each value (frame); empty otherwise.
    slot_of: Vec<u32>,
}

/// Resident page → frame, knowing where each frame's entry sits.
pub(crate) type FrameMap = PageMap<true>;

impl<const TRACK: bool> PageMap<TRACK> {
    /// An empty map sized for about `expected` pages without growing.
    pub(crate) fn with_capacity(expected: usize) -> Self {
        // Load factor at most 1/2 keeps linear-probe runs short.
        let slots = expected.saturating_mul(2).max(16).next_power_of_two();
        PageMap {
            slots: vec![EMPTY_SLOT; slots],
            mask: slots - 1,
            shift: 64 - slots.trailing_zeros(),
            len: 0,
            slot_of: Vec::new(),
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

    /// Put `slot` at index `i`, keeping `slot_of` right.
    #[inline(always)]
    fn place(&mut self, i: usize, slot: Slot) {
        self.slots[i] = slot;
        if TRACK {
            let value = slot.value as usize;
            if value == self.slot_of.len() {
                self.slot_of.push(i as u32);
            } else {
                self.slot_of[value] = i as u32;
            }
        }
    }

    /// The value stored for `page`, or where to put it with [`PageMap::insert_vacant`]: a
    /// miss then costs one probe instead of two.
    #[inline(always)]
    pub(crate) fn find(&self, page: u64) -> Result<u32, Vacant> {
        match self.probe(page) {
            (i, true) => Ok(self.slots[i].value),
            (i, false) => Err(Vacant(i)),
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

    /// Store `value` for `page`, which [`PageMap::find`] just reported absent at `vacant`
    /// with no change to the map since.
    #[inline(always)]
    pub(crate) fn insert_vacant(&mut self, vacant: Vacant, page: u64, value: u32) {
        debug_assert!(value != VACANT);
        if (self.len + 1) * 2 > self.slots.len() {
            // Growing moves every entry, so `vacant` no longer means anything.
            self.insert(page, value);
            return;
        }
        debug_assert!(self.slots[vacant.0].value == VACANT);
        self.place(vacant.0, Slot { page, value });
        self.len += 1;
    }

    /// Remove `page`; returns its value.
    #[cfg(test)]
    pub(crate) fn remove(&mut self, page: u64) -> Option<u32> {
        let (hole, found) = self.probe(page);
        if !found {
            return None;
        }
        let value = self.slots[hole].value;
        self.remove_at(hole);
        Some(value)
    }

    /// Empty slot `hole` and close the gap.
    #[inline(always)]
    fn remove_at(&mut self, mut hole: usize) {
        self.len -= 1;
        // Backward shift: pull later entries of the run into the hole when the hole lies
        // between their home slot and where they sit, so no probe run is ever broken.
        let mut j = hole;
        loop {
            j = (j + 1) & self.mask;
            let slot = self.slots[j];
            if slot.value == VACANT {
                break;
            }
            let home = self.home(slot.page);
            if (j.wrapping_sub(home) & self.mask) >= (j.wrapping_sub(hole) & self.mask) {
                self.place(hole, slot);
                hole = j;
            }
        }
        self.slots[hole] = EMPTY_SLOT;
    }

    /// How many pages are stored.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let slot_of = std::mem::take(&mut self.slot_of);
        let mut bigger = Self::with_capacity(old.len());
        bigger.slot_of = slot_of;
        *self = bigger;
        for slot in old.into_iter().filter(|s| s.value != VACANT) {
            let (i, _) = self.probe(slot.page);
            self.place(i, slot);
            self.len += 1;
        }
    }
}

impl FrameMap {
    /// A miss on `page` found `vacant`, and memory is full: `page` takes over `frame`, whose
    /// page leaves the map. No probe: the old entry is found through `frame`.
    #[inline(always)]
    pub(crate) fn reassign(&mut self, vacant: Vacant, page: u64, frame: u32) {
        let old = self.slot_of[frame as usize] as usize;
        // One in, one out: the count does not change, and a vacant slot remains (the table
        // is at most half full), so no growth is needed.
        self.slots[vacant.0] = Slot { page, value: frame };
        self.slot_of[frame as usize] = vacant.0 as u32;
        self.len += 1;
        self.remove_at(old);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Random inserts and removes agree with a `BTreeMap`, including through growth and
    /// long runs of colliding (strided) page numbers.
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
            if x.is_multiple_of(3) {
                assert_eq!(map.remove(page), model.remove(&page), "step {step}");
            } else {
                assert_eq!(
                    map.insert(page, step),
                    model.insert(page, step),
                    "step {step}"
                );
            }
            assert_eq!(map.len(), model.len());
            let probe = x.rotate_left(7) % 300;
            assert_eq!(map.find(probe).ok(), model.get(&probe).copied());
        }
        for (page, value) in &model {
            assert_eq!(map.find(*page).ok(), Some(*value));
        }
    }

    /// Frames reassigned at random keep the map and the slot index consistent, through
    /// growth while memory fills and colliding page numbers.
    #[test]
    fn frame_map_reassign() {
        let frames = 40u32;
        let mut map = FrameMap::with_capacity(2);
        let mut resident = Vec::new();
        let mut x: u64 = 777;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let page = (x % 97) << if x & 1 == 0 { 0 } else { 40 };
            match map.find(page) {
                Ok(frame) => assert_eq!(resident[frame as usize], page),
                Err(vacant) if resident.len() < frames as usize => {
                    map.insert_vacant(vacant, page, resident.len() as u32);
                    resident.push(page);
                }
                Err(vacant) => {
                    let frame = (x >> 32) as u32 % frames;
                    map.reassign(vacant, page, frame);
                    let gone = std::mem::replace(&mut resident[frame as usize], page);
                    assert!(map.find(gone).is_err());
                }
            }
            assert_eq!(map.len(), resident.len());
            for (frame, &page) in resident.iter().enumerate() {
                assert_eq!(map.slots[map.slot_of[frame] as usize].page, page);
            }
        }
    }
}
