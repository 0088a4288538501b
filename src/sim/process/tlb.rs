//! The TLB: a small, fully associative cache of translations with LRU replacement.
//!
//! An entry also carries the page's protection as the hardware bits would (writable, NX),
//! so protection is enforced on a hit without a walk. Entries are flushed when their page
//! is trimmed, decommitted, released or re-protected, so they always agree with the PTEs.
//! The entries that changed since the recorder last asked are remembered
//! ([`Tlb::take_changes`]) for the picture delta.

use crate::sim::addr::{Pfn, Vpn};
use crate::sim::changes::Changed;
use crate::sim::picture::TlbView;

/// One cached translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlbEntry {
    /// Virtual page.
    pub vpn: Vpn,
    /// Frame it maps to.
    pub pfn: Pfn,
    /// The page's protection when the entry was filled (no `PAGE_GUARD`: guard pages
    /// never reach the TLB).
    pub protect: u32,
    /// Recency stamp (higher is more recent).
    pub last_use: u64,
}

/// A fully associative TLB with LRU replacement.
#[derive(Clone, Debug)]
pub struct Tlb {
    entries: Vec<Option<TlbEntry>>,
    stamp: u64,
    /// Entries changed since the last [`Tlb::take_changes`].
    changed: Changed,
}

impl Tlb {
    /// An empty TLB with `size` entries.
    pub fn new(size: u32) -> Tlb {
        Tlb {
            entries: vec![None; size.max(1) as usize],
            stamp: 0,
            changed: Changed::default(),
        }
    }

    /// The entries changed since the last call, ascending, each once.
    pub fn take_changes(&mut self) -> Vec<u32> {
        self.changed.take_u32()
    }

    /// The index of `vpn`'s entry.
    fn index_of(&self, vpn: Vpn) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.is_some_and(|e| e.vpn == vpn))
    }

    /// Look `vpn` up; a hit refreshes the entry's recency.
    pub fn lookup(&mut self, vpn: Vpn) -> Option<TlbEntry> {
        self.stamp += 1;
        let stamp = self.stamp;
        let i = self.index_of(vpn)?;
        self.changed.note(i as u64);
        let entry = self.entries[i].as_mut()?;
        entry.last_use = stamp;
        Some(*entry)
    }

    /// The entry for `vpn`, without touching its recency.
    pub fn peek(&self, vpn: Vpn) -> Option<TlbEntry> {
        self.entries
            .iter()
            .flatten()
            .find(|e| e.vpn == vpn)
            .copied()
    }

    /// Cache `vpn → pfn`. Returns the page whose entry was evicted (LRU) to make room.
    pub fn fill(&mut self, vpn: Vpn, pfn: Pfn, protect: u32) -> Option<Vpn> {
        self.stamp += 1;
        let new = TlbEntry {
            vpn,
            pfn,
            protect,
            last_use: self.stamp,
        };
        if let Some(i) = self.index_of(vpn) {
            self.changed.note(i as u64);
            self.entries[i] = Some(new);
            return None;
        }
        if let Some(i) = self.entries.iter().position(|e| e.is_none()) {
            self.changed.note(i as u64);
            self.entries[i] = Some(new);
            return None;
        }
        // Full: replace the least recently used entry.
        let (i, victim) = self
            .entries
            .iter_mut()
            .enumerate()
            .min_by_key(|(_, e)| e.map_or(0, |e| e.last_use))?;
        let evicted = victim.map(|e| e.vpn);
        *victim = Some(new);
        self.changed.note(i as u64);
        evicted
    }

    /// Remove `vpn`'s entry; true when there was one.
    pub fn flush(&mut self, vpn: Vpn) -> bool {
        match self.index_of(vpn) {
            Some(i) => {
                self.entries[i] = None;
                self.changed.note(i as u64);
                true
            }
            None => false,
        }
    }

    /// Remove every entry, as a CR3 reload does (reference §8.7: a context switch flushes
    /// the non-global translations); returns how many there were.
    pub fn flush_all(&mut self) -> usize {
        let mut n = 0;
        for (i, e) in self.entries.iter_mut().enumerate() {
            if e.take().is_some() {
                n += 1;
                self.changed.note(i as u64);
            }
        }
        n
    }

    /// The cached pages in `first..first+count`, in slot order.
    pub fn in_range(&self, first: Vpn, count: u64) -> Vec<Vpn> {
        let end = first.0.saturating_add(count);
        let mut out = Vec::new();
        for e in self.entries.iter().flatten() {
            if e.vpn.0 >= first.0 && e.vpn.0 < end {
                out.push(e.vpn);
            }
        }
        out
    }

    /// Every valid entry.
    pub fn entries(&self) -> impl Iterator<Item = &TlbEntry> {
        self.entries.iter().flatten()
    }

    /// The picture of entry `i`.
    pub fn view(&self, i: u32) -> Option<TlbView> {
        self.entries
            .get(i as usize)
            .copied()
            .flatten()
            .map(|e| TlbView {
                vpn: e.vpn,
                pfn: e.pfn,
                last_use: e.last_use,
            })
    }

    /// The picture of the TLB, slot by slot.
    pub fn views(&self) -> Vec<Option<TlbView>> {
        let mut out = Vec::with_capacity(self.entries.len());
        for i in 0..self.entries.len() as u32 {
            out.push(self.view(i));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_replacement_and_flush() {
        let mut t = Tlb::new(2);
        assert_eq!(t.fill(Vpn(1), Pfn(10), 4), None);
        assert_eq!(t.fill(Vpn(2), Pfn(20), 4), None);
        assert!(t.lookup(Vpn(1)).is_some(), "1 is now more recent than 2");
        assert_eq!(t.take_changes(), vec![0, 1]);
        assert_eq!(t.fill(Vpn(3), Pfn(30), 4), Some(Vpn(2)));
        assert_eq!(t.take_changes(), vec![1], "the LRU entry was replaced");
        assert!(t.lookup(Vpn(2)).is_none());
        assert_eq!(t.lookup(Vpn(3)).map(|e| e.pfn), Some(Pfn(30)));
        assert!(t.flush(Vpn(3)));
        assert!(!t.flush(Vpn(3)));
        assert_eq!(t.views().iter().flatten().count(), 1);
        // Refilling an existing page replaces its entry in place.
        assert_eq!(t.fill(Vpn(1), Pfn(11), 2), None);
        assert_eq!(
            t.peek(Vpn(1)).map(|e| (e.pfn, e.protect)),
            Some((Pfn(11), 2))
        );
        assert_eq!(t.in_range(Vpn(0), 2), vec![Vpn(1)]);
    }
}
