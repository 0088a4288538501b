//! The picture of one step: everything the screen shows, small and serialisable
//! (DESIGN §3, STYLE 4). Pictures are compared and stored as element-level deltas by
//! [`super::history::History`], so page contents never live here.

use std::collections::BTreeMap;

use serde::Serialize;

use super::addr::{Level, Pfn, Vpn};
use super::config::Policy;
use super::event::{FrameList, Pte};

/// One run of pages with the same attributes, as `VirtualQuery` reports it (reference §6).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RegionView {
    /// First byte of the run.
    pub base: u64,
    /// Bytes in the run.
    pub size: u64,
    /// `MEM_COMMIT`, `MEM_RESERVE` or `MEM_FREE`.
    pub state: u32,
    /// Current protection (0 for reserved pages).
    pub protect: u32,
    /// Base of the allocation that holds it.
    pub allocation_base: u64,
    /// Protection given when the allocation was made.
    pub allocation_protect: u32,
    /// `MEM_PRIVATE`, `MEM_MAPPED` or `MEM_IMAGE` (0 for free).
    pub kind: u32,
}

/// A page table that exists (tables are created on first need).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TableView {
    /// Its level.
    pub level: Level,
    /// First virtual address it covers.
    pub covers: u64,
}

/// One TLB entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TlbView {
    /// Virtual page.
    pub vpn: Vpn,
    /// Frame.
    pub pfn: Pfn,
    /// Recency stamp for LRU (higher is more recent).
    pub last_use: u64,
}

/// One RAM frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FrameView {
    /// The list the frame is on.
    pub list: FrameList,
    /// The page it holds (active, standby, modified), if any.
    pub vpn: Option<Vpn>,
    /// Whether its contents differ from the page-file copy.
    pub dirty: bool,
}

/// The order of the frame lists (reference §8.3: allocation takes the head).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ListsView {
    /// Zeroed list, head first.
    pub zeroed: Vec<Pfn>,
    /// Free list, head first.
    pub free: Vec<Pfn>,
    /// Standby list, head (oldest) first.
    pub standby: Vec<Pfn>,
    /// Modified list, head first.
    pub modified: Vec<Pfn>,
}

/// One page of the working set with the policy's own state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WsPageView {
    /// Virtual page.
    pub vpn: Vpn,
    /// Accessed bit (clock).
    pub accessed: bool,
    /// Order loaded (FIFO: lower is older).
    pub loaded: u64,
    /// Last use stamp (LRU: lower is older).
    pub last_use: u64,
}

/// The working set and its replacement policy's state (reference §8.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkingSetView {
    /// Policy in force.
    pub policy: Policy,
    /// Limit in pages.
    pub limit: u32,
    /// Pages in clock order.
    pub pages: Vec<WsPageView>,
    /// Clock hand: index into `pages` of the next page to examine.
    pub hand: u32,
}

impl Default for WorkingSetView {
    fn default() -> Self {
        WorkingSetView {
            policy: Policy::Clock,
            limit: 0,
            pages: Vec::new(),
            hand: 0,
        }
    }
}

/// Running totals shown as counters (DESIGN §4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Demand-zero faults.
    pub demand_zero: u64,
    /// Soft faults from standby or modified.
    pub transition: u64,
    /// Hard faults from the page file.
    pub hard: u64,
    /// Access violations.
    pub access_violation: u64,
    /// Guard-page violations.
    pub guard: u64,
    /// TLB hits.
    pub tlb_hits: u64,
    /// TLB misses.
    pub tlb_misses: u64,
    /// Pages read from the page file.
    pub pagefile_reads: u64,
    /// Pages written to the page file.
    pub pagefile_writes: u64,
}

/// Commit charge against the limit, in pages (reference §8.6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CommitView {
    /// Pages charged.
    pub charge: u64,
    /// Limit: frames plus page-file slots.
    pub limit: u64,
}

/// Everything visible at one step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Picture {
    /// Non-free runs of the address space, by address.
    pub regions: Vec<RegionView>,
    /// Page tables that exist, in walk order.
    pub tables: Vec<TableView>,
    /// Leaf PTEs that are not empty, keyed by virtual page number.
    pub ptes: BTreeMap<u64, Pte>,
    /// TLB entries by slot.
    pub tlb: Vec<Option<TlbView>>,
    /// RAM frames by frame number.
    pub frames: Vec<FrameView>,
    /// Order of the frame lists.
    pub lists: ListsView,
    /// Page-file slots by number: the page each holds.
    pub slots: Vec<Option<Vpn>>,
    /// The working set.
    pub working_set: WorkingSetView,
    /// Counters.
    pub counters: Counters,
    /// Commit charge and limit.
    pub commit: CommitView,
    /// The address the CPU is working on, if any.
    pub focus: Option<u64>,
}

/// Element-level changes to a vector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VecDelta<T> {
    len: usize,
    changed: Vec<(u32, T)>,
}

impl<T: Clone + PartialEq> VecDelta<T> {
    fn between(old: &[T], new: &[T]) -> Option<Self> {
        let changed: Vec<(u32, T)> = new
            .iter()
            .enumerate()
            .filter(|(i, v)| old.get(*i) != Some(*v))
            .map(|(i, v)| (i as u32, v.clone()))
            .collect();
        if changed.is_empty() && old.len() == new.len() {
            None
        } else {
            Some(VecDelta {
                len: new.len(),
                changed,
            })
        }
    }

    fn apply(&self, target: &mut Vec<T>) {
        target.truncate(self.len);
        for (i, v) in &self.changed {
            let i = *i as usize;
            if i < target.len() {
                target[i] = v.clone();
            } else {
                target.push(v.clone());
            }
        }
    }
}

/// The change from one picture to the next; small when little changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PictureDelta {
    regions: Option<Vec<RegionView>>,
    tables: Option<Vec<TableView>>,
    ptes: Vec<(u64, Option<Pte>)>,
    tlb: Option<VecDelta<Option<TlbView>>>,
    frames: Option<VecDelta<FrameView>>,
    lists: Option<ListsView>,
    slots: Option<VecDelta<Option<Vpn>>>,
    working_set: Option<WorkingSetView>,
    counters: Option<Counters>,
    commit: Option<CommitView>,
    focus: Option<Option<u64>>,
}

fn replaced<T: Clone + PartialEq>(old: &T, new: &T) -> Option<T> {
    (old != new).then(|| new.clone())
}

impl PictureDelta {
    /// The delta that turns `old` into `new`.
    pub fn between(old: &Picture, new: &Picture) -> PictureDelta {
        let mut ptes = Vec::new();
        for (k, v) in &new.ptes {
            if old.ptes.get(k) != Some(v) {
                ptes.push((*k, Some(*v)));
            }
        }
        for k in old.ptes.keys() {
            if !new.ptes.contains_key(k) {
                ptes.push((*k, None));
            }
        }
        PictureDelta {
            regions: replaced(&old.regions, &new.regions),
            tables: replaced(&old.tables, &new.tables),
            ptes,
            tlb: VecDelta::between(&old.tlb, &new.tlb),
            frames: VecDelta::between(&old.frames, &new.frames),
            lists: replaced(&old.lists, &new.lists),
            slots: VecDelta::between(&old.slots, &new.slots),
            working_set: replaced(&old.working_set, &new.working_set),
            counters: replaced(&old.counters, &new.counters),
            commit: replaced(&old.commit, &new.commit),
            focus: replaced(&old.focus, &new.focus),
        }
    }

    /// Apply this delta to `picture`, turning the old picture into the new one.
    pub fn apply(&self, picture: &mut Picture) {
        if let Some(v) = &self.regions {
            picture.regions = v.clone();
        }
        if let Some(v) = &self.tables {
            picture.tables = v.clone();
        }
        for (k, v) in &self.ptes {
            match v {
                Some(pte) => picture.ptes.insert(*k, *pte),
                None => picture.ptes.remove(k),
            };
        }
        if let Some(d) = &self.tlb {
            d.apply(&mut picture.tlb);
        }
        if let Some(d) = &self.frames {
            d.apply(&mut picture.frames);
        }
        if let Some(v) = &self.lists {
            picture.lists = v.clone();
        }
        if let Some(d) = &self.slots {
            d.apply(&mut picture.slots);
        }
        if let Some(v) = &self.working_set {
            picture.working_set = v.clone();
        }
        if let Some(v) = self.counters {
            picture.counters = v;
        }
        if let Some(v) = self.commit {
            picture.commit = v;
        }
        if let Some(v) = self.focus {
            picture.focus = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Picture {
        Picture {
            frames: vec![
                FrameView {
                    list: FrameList::Zeroed,
                    vpn: None,
                    dirty: false
                };
                4
            ],
            slots: vec![None; 3],
            ..Picture::default()
        }
    }

    #[test]
    fn delta_round_trips() {
        let a = sample();
        let mut b = a.clone();
        b.frames[2] = FrameView {
            list: FrameList::Active,
            vpn: Some(Vpn(0x23456700)),
            dirty: true,
        };
        b.ptes.insert(0x23456700, Pte::DemandZero);
        b.slots.pop();
        b.focus = Some(0x2345_6700_0000);
        let d = PictureDelta::between(&a, &b);
        let mut c = a.clone();
        d.apply(&mut c);
        assert_eq!(c, b);
        let back = PictureDelta::between(&b, &a);
        back.apply(&mut c);
        assert_eq!(c, a);
        assert_eq!(PictureDelta::between(&a, &a), PictureDelta::default());
    }
}
