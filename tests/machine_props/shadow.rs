//! The shadow model of the machine property test: what every page of a few 64 KB
//! allocations should hold, by the rules of reference §3–§7, with no paging at all.

use std::collections::BTreeMap;

use pagelab::sim::consts::*;

/// Where the first allocation slot starts (the default placement base, DESIGN §2).
pub const BASE: u64 = 0x234_5670_0000;
/// Bytes in a page.
pub const PAGE: u64 = 0x1000;
/// Allocation granularity: one slot per 64 KB.
pub const GRANULE: u64 = 0x1_0000;
/// Allocations live in these 64 KB granules, at most 16 pages each.
pub const SLOTS: u64 = 3;
/// Pages in one slot.
pub const PAGES_PER_SLOT: u64 = 16;

/// What the shadow knows about one page's bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Bytes {
    /// The contents the page may have; the machine must match one of them.
    pub candidates: Vec<Vec<u8>>,
    /// After MEM_RESET, until the next write, the page may also turn into zeros.
    pub may_zero: bool,
    /// It did turn into zeros after MEM_RESET and was not written since, so
    /// MEM_RESET_UNDO must fail (reference §3.4).
    pub lost: bool,
}

impl Bytes {
    pub fn zeros() -> Bytes {
        Bytes {
            candidates: vec![vec![0; PAGE as usize]],
            may_zero: false,
            lost: false,
        }
    }

    /// The machine read `got` at `offset`: keep the candidates that agree.
    pub fn observe(&mut self, offset: usize, got: &[u8]) -> Result<(), String> {
        let range = offset..offset + got.len();
        let matching: Vec<Vec<u8>> = self
            .candidates
            .iter()
            .filter(|c| c[range.clone()] == *got)
            .cloned()
            .collect();
        let zero = got.iter().all(|&b| b == 0);
        if !matching.is_empty() {
            self.candidates = matching;
            Ok(())
        } else if self.may_zero && zero {
            *self = Bytes::zeros();
            self.lost = true;
            Ok(())
        } else {
            Err(format!(
                "read {:?}… at offset {offset:#x}, shadow has {:?}… (may be zero: {})",
                &got[..got.len().min(8)],
                self.candidates
                    .iter()
                    .map(|c| c[range.clone()].iter().take(8).copied().collect::<Vec<_>>())
                    .collect::<Vec<_>>(),
                self.may_zero
            ))
        }
    }

    /// The machine wrote `data` at `offset`: from now on the page keeps it.
    pub fn write(&mut self, offset: usize, data: &[u8]) {
        self.lost = false;
        self.settle();
        for c in &mut self.candidates {
            c[offset..offset + data.len()].copy_from_slice(data);
        }
        self.candidates.dedup();
    }

    /// From now on the page keeps what it has: its old bytes, or zeros if they were lost.
    pub fn settle(&mut self) {
        if self.may_zero {
            let zero = vec![0; PAGE as usize];
            if !self.candidates.contains(&zero) {
                self.candidates.push(zero);
            }
            self.may_zero = false;
        }
    }
}

/// One page of the shadow.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    Reserved,
    Committed { protect: u32, bytes: Bytes },
}

/// One allocation of the shadow.
#[derive(Clone, Debug)]
pub struct Allocation {
    pub pages: Vec<Page>,
}

/// The shadow model: allocations by slot.
#[derive(Default)]
pub struct Shadow {
    pub allocs: BTreeMap<u64, Allocation>,
}

pub fn slot_base(slot: u64) -> u64 {
    BASE + slot * GRANULE
}

impl Shadow {
    pub fn committed(&self) -> u64 {
        self.allocs
            .values()
            .flat_map(|a| a.pages.iter())
            .filter(|p| matches!(p, Page::Committed { .. }))
            .count() as u64
    }

    /// The page holding `va`, if it lies in an allocation.
    pub fn page(&self, va: u64) -> Option<&Page> {
        let slot = va.checked_sub(BASE)? / GRANULE;
        let a = self.allocs.get(&slot)?;
        a.pages.get(((va - slot_base(slot)) / PAGE) as usize)
    }

    pub fn page_mut(&mut self, va: u64) -> Option<&mut Page> {
        let slot = va.checked_sub(BASE)? / GRANULE;
        let a = self.allocs.get_mut(&slot)?;
        a.pages.get_mut(((va - slot_base(slot)) / PAGE) as usize)
    }

    /// Pages `off..off + n` of the allocation in `slot`, when they all lie inside it.
    pub fn range_mut(&mut self, slot: u64, off: u64, n: u64) -> Option<&mut [Page]> {
        let a = self.allocs.get_mut(&slot)?;
        let (off, end) = (off as usize, (off + n) as usize);
        (end <= a.pages.len()).then(|| &mut a.pages[off..end])
    }

    /// (State, Protect) of the page at `va` as VirtualQuery reports it.
    pub fn query(&self, va: u64) -> (u32, u32) {
        match self.page(va) {
            None => (MEM_FREE, PAGE_NOACCESS),
            Some(Page::Reserved) => (MEM_RESERVE, 0),
            Some(Page::Committed { protect, .. }) => (MEM_COMMIT, *protect),
        }
    }
}

/// Whether `protect` (guard handled apart) allows the access with information `kind`.
pub fn allows(protect: u32, kind: u64) -> bool {
    let b = protect & 0xFF;
    match kind {
        0 => b != PAGE_NOACCESS,
        1 => matches!(b, PAGE_READWRITE | PAGE_EXECUTE_READWRITE),
        _ => matches!(b, PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE),
    }
}
