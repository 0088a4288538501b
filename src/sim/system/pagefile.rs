//! The page file: numbered slots holding real bytes and the page that owns each.
//!
//! The lowest free slot is used first, so runs are deterministic. A slot keeps its bytes
//! small ([`Stored`]): a page of one byte value repeated (zeros, a `memset`) takes one
//! byte, any other page its bytes up to its last non-zero one; [`PageFile::held_bytes`]
//! counts the latter, which a run's limits bound (docs/script-language.md, Limits). The slots whose owner changed since the recorder
//! last asked are remembered ([`PageFile::take_changes`]) for the picture delta.

use super::frames::Owner;
use crate::sim::addr::Slot;
use crate::sim::changes::Changed;

#[derive(Clone, Debug, Default)]
struct SlotEntry {
    owner: Option<Owner>,
    data: Stored,
}

/// A page's bytes as a slot keeps them.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Stored {
    /// Every byte of the page is this one.
    Repeated(u8),
    /// The page's bytes up to its last non-zero byte; zeros follow.
    Bytes(Box<[u8]>),
}

impl Default for Stored {
    /// A slot never written reads as zeros.
    fn default() -> Stored {
        Stored::Repeated(0)
    }
}

impl Stored {
    /// How `page` is kept.
    fn of(page: &[u8]) -> Stored {
        let first = page.first().copied().unwrap_or(0);
        if page.iter().all(|&b| b == first) {
            return Stored::Repeated(first);
        }
        let len = page.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        Stored::Bytes(page[..len].into())
    }

    /// Write the page into `out` (one page).
    fn load(&self, out: &mut [u8]) {
        match self {
            Stored::Repeated(b) => out.fill(*b),
            Stored::Bytes(d) => {
                let (head, tail) = out.split_at_mut(d.len().min(out.len()));
                head.copy_from_slice(&d[..head.len()]);
                tail.fill(0);
            }
        }
    }

    /// The bytes it takes beyond its slot's record.
    fn held(&self) -> u64 {
        match self {
            Stored::Repeated(_) => 0,
            Stored::Bytes(d) => d.len() as u64,
        }
    }
}

/// The slots of the page file.
#[derive(Clone, Debug)]
pub struct PageFile {
    slots: Vec<SlotEntry>,
    /// The free slot numbers, highest first, so the lowest is popped from the end. A sorted
    /// `Vec`, not a B-tree set: the wasm module then carries no B-tree code for it (the
    /// page's download budget).
    free: Vec<u32>,
    /// Slots whose owner changed since the last [`PageFile::take_changes`].
    changed: Changed,
    /// The bytes the slots' [`Stored::Bytes`] hold together.
    held: u64,
}

impl PageFile {
    /// A page file of `slots` empty slots.
    pub fn new(slots: u32) -> PageFile {
        PageFile {
            slots: vec![SlotEntry::default(); slots as usize],
            free: (0..slots).rev().collect(),
            changed: Changed::default(),
            held: 0,
        }
    }

    /// The slots whose owner changed since the last call, ascending, each once.
    pub fn take_changes(&mut self) -> Vec<u32> {
        self.changed.take_u32()
    }

    /// Number of slots.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when the page file has no slots at all.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Slots not in use.
    pub fn free_count(&self) -> usize {
        self.free.len()
    }

    /// Take the lowest free slot for `owner`.
    pub fn alloc(&mut self, owner: Owner) -> Option<Slot> {
        let n = self.free.pop()?;
        self.slots[n as usize].owner = Some(owner);
        self.changed.note(u64::from(n));
        Some(Slot(n))
    }

    /// Bytes the slots hold beyond one byte a page: the pages that are not one byte value
    /// repeated, each up to its last non-zero byte.
    pub fn held_bytes(&self) -> u64 {
        self.held
    }

    /// Give `slot` back; its bytes are forgotten.
    pub fn release(&mut self, slot: Slot) {
        if let Some(e) = self.slots.get_mut(slot.0 as usize) {
            self.held -= e.data.held();
            e.data = Stored::default();
            if e.owner.take().is_some() {
                self.changed.note(u64::from(slot.0));
                let i = self.free_index(slot);
                self.free.insert(i, slot.0);
            }
        }
    }

    /// The page that owns `slot`.
    pub fn owner(&self, slot: Slot) -> Option<Owner> {
        self.slots.get(slot.0 as usize).and_then(|e| e.owner)
    }

    /// Hand `slot` to a new owner (used when a slot changes hands in one I/O).
    pub fn set_owner(&mut self, slot: Slot, owner: Owner) {
        if let Some(e) = self.slots.get_mut(slot.0 as usize) {
            self.changed.note(u64::from(slot.0));
            if e.owner.replace(owner).is_none() {
                let i = self.free_index(slot);
                if self.free.get(i) == Some(&slot.0) {
                    self.free.remove(i);
                }
            }
        }
    }

    /// Where `slot` is or would go in the free list (kept highest first).
    fn free_index(&self, slot: Slot) -> usize {
        self.free.partition_point(|&n| n > slot.0)
    }

    /// Store a page's bytes in `slot`.
    pub fn write(&mut self, slot: Slot, bytes: &[u8]) {
        if let Some(e) = self.slots.get_mut(slot.0 as usize) {
            let data = Stored::of(bytes);
            self.held = self.held - e.data.held() + data.held();
            e.data = data;
        }
    }

    /// Copy `slot`'s bytes into `out` (zeros for a slot never written).
    pub fn read(&self, slot: Slot, out: &mut [u8]) {
        match self.slots.get(slot.0 as usize) {
            Some(e) => e.data.load(out),
            None => out.fill(0),
        }
    }

    /// Exchange `slot`'s bytes with `page` (one I/O that writes one page and reads another).
    pub fn swap(&mut self, slot: Slot, page: &mut [u8]) {
        if let Some(e) = self.slots.get_mut(slot.0 as usize) {
            let data = Stored::of(page);
            self.held = self.held - e.data.held() + data.held();
            std::mem::replace(&mut e.data, data).load(page);
        }
    }

    /// The picture of `slot`: the page it holds, a process's or a section's.
    pub fn view(&self, slot: u32) -> Option<Owner> {
        self.slots.get(slot as usize).and_then(|e| e.owner)
    }

    /// The picture of each slot.
    pub fn views(&self) -> Vec<Option<Owner>> {
        let mut out = Vec::with_capacity(self.slots.len());
        for s in 0..self.slots.len() as u32 {
            out.push(self.view(s));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::addr::{ProcessId, Vpn, PAGE_SIZE};

    fn page(n: u64) -> Owner {
        Owner::Private {
            process: ProcessId(1),
            vpn: Vpn(n),
        }
    }

    #[test]
    fn lowest_free_first_bytes_round_trip_and_conserved() {
        let mut pf = PageFile::new(3);
        assert_eq!(pf.alloc(page(9)), Some(Slot(0)));
        assert_eq!(pf.alloc(page(8)), Some(Slot(1)));
        let data = vec![0xAB; PAGE_SIZE as usize];
        pf.write(Slot(1), &data);
        let mut out = vec![0; PAGE_SIZE as usize];
        pf.read(Slot(1), &mut out);
        assert_eq!(out, data);
        pf.release(Slot(0));
        pf.release(Slot(0));
        assert_eq!(pf.free_count(), 2, "a double release does not create slots");
        assert_eq!(pf.alloc(page(7)), Some(Slot(0)), "lowest free slot again");
        assert_eq!(pf.owner(Slot(0)), Some(page(7)));
        assert_eq!(pf.view(0), Some(page(7)));
        assert_eq!(pf.take_changes(), vec![0, 1]);
        let mut other = vec![1u8; PAGE_SIZE as usize];
        pf.swap(Slot(1), &mut other);
        assert_eq!(other, data);
        pf.read(Slot(1), &mut out);
        assert!(out.iter().all(|b| *b == 1));
        assert_eq!(pf.alloc(page(6)), Some(Slot(2)));
        assert_eq!(pf.alloc(page(5)), None);
    }

    #[test]
    fn slots_hold_pages_of_one_value_in_a_byte_and_others_to_their_last_non_zero_byte() {
        let mut pf = PageFile::new(3);
        let mut out = vec![7; PAGE_SIZE as usize];
        pf.write(Slot(0), &vec![0xCD; PAGE_SIZE as usize]);
        assert_eq!(pf.held_bytes(), 0, "a memset page takes no bytes");
        pf.read(Slot(0), &mut out);
        assert!(out.iter().all(|&b| b == 0xCD));
        let mut sparse = vec![0; PAGE_SIZE as usize];
        sparse[0] = 1;
        sparse[99] = 2;
        pf.write(Slot(1), &sparse);
        assert_eq!(pf.held_bytes(), 100, "kept up to its last non-zero byte");
        pf.read(Slot(1), &mut out);
        assert_eq!(out, sparse, "zeros after it come back");
        let mut last = vec![0; PAGE_SIZE as usize];
        last[4095] = 3;
        pf.swap(Slot(1), &mut last);
        assert_eq!(last, sparse, "the swap reads what the slot held");
        assert_eq!(pf.held_bytes(), PAGE_SIZE);
        pf.release(Slot(1));
        assert_eq!(pf.held_bytes(), 0, "a released slot's bytes are forgotten");
        pf.read(Slot(1), &mut out);
        assert!(out.iter().all(|&b| b == 0));
    }
}
