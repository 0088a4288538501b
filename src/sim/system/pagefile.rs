//! The page file: numbered slots holding real bytes and the page that owns each.
//!
//! The lowest free slot is used first, so runs are deterministic. A slot's bytes are
//! allocated when it is first written. The slots whose owner changed since the recorder
//! last asked are remembered ([`PageFile::take_changes`]) for the picture delta.

use super::frames::Owner;
use crate::sim::addr::{Slot, PAGE_SIZE};
use crate::sim::changes::Changed;

#[derive(Clone, Debug, Default)]
struct SlotEntry {
    owner: Option<Owner>,
    data: Option<Box<[u8]>>,
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
}

impl PageFile {
    /// A page file of `slots` empty slots.
    pub fn new(slots: u32) -> PageFile {
        PageFile {
            slots: vec![SlotEntry::default(); slots as usize],
            free: (0..slots).rev().collect(),
            changed: Changed::default(),
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

    /// Give `slot` back; its bytes are forgotten.
    pub fn release(&mut self, slot: Slot) {
        if let Some(e) = self.slots.get_mut(slot.0 as usize) {
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
            match &mut e.data {
                Some(d) => d.copy_from_slice(bytes),
                None => e.data = Some(bytes.to_vec().into_boxed_slice()),
            }
        }
    }

    /// Copy `slot`'s bytes into `out` (zeros for a slot never written).
    pub fn read(&self, slot: Slot, out: &mut [u8]) {
        match self
            .slots
            .get(slot.0 as usize)
            .and_then(|e| e.data.as_ref())
        {
            Some(d) => out.copy_from_slice(d),
            None => out.fill(0),
        }
    }

    /// Exchange `slot`'s bytes with `page` (one I/O that writes one page and reads another).
    pub fn swap(&mut self, slot: Slot, page: &mut [u8]) {
        if let Some(e) = self.slots.get_mut(slot.0 as usize) {
            let d = e
                .data
                .get_or_insert_with(|| vec![0; PAGE_SIZE as usize].into_boxed_slice());
            d.swap_with_slice(page);
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
    use crate::sim::addr::{ProcessId, Vpn};

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
}
