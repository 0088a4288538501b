//! [`PictureDelta`]: the change from one picture to the next, as a list of [`Change`]s
//! applied in order. Frame lists and the working set change by moves ([`ListOp`],
//! [`WsOp`]), so a step that takes one frame off a long list stores one move.

use super::{
    CommitView, Counters, FrameList, FrameView, ListsView, Picture, Policy, ProcessPicture,
    ProcessView, Pte, RegionView, SectionPicture, TableView, TlbView, Vpn, WorkingSetView,
    WsPageView,
};
use crate::sim::addr::{Owner, Pfn};

/// A move of a frame on or off a list, in the order it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListOp {
    /// `pfn` joins the tail of `list`.
    Push {
        /// The list.
        list: FrameList,
        /// The frame.
        pfn: Pfn,
    },
    /// `pfn` leaves `list`.
    Unlink {
        /// The list.
        list: FrameList,
        /// The frame.
        pfn: Pfn,
    },
}

/// A change to the working set's pages, in the order it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WsOp {
    /// `vpn` is inserted at position `at` (its ages follow in a [`WsOp::Set`]).
    Insert {
        /// Position in clock order.
        at: u32,
        /// The page.
        vpn: Vpn,
    },
    /// The page at `at` leaves.
    Remove {
        /// Position in clock order.
        at: u32,
    },
    /// The page at `at` now shows `page`.
    Set {
        /// Position in clock order.
        at: u32,
        /// The page and its ages.
        page: WsPageView,
    },
}

impl ListsView {
    fn list_mut(&mut self, list: FrameList) -> Option<&mut Vec<Pfn>> {
        match list {
            FrameList::Zeroed => Some(&mut self.zeroed),
            FrameList::Free => Some(&mut self.free),
            FrameList::Standby => Some(&mut self.standby),
            FrameList::Modified => Some(&mut self.modified),
            FrameList::Active => None,
        }
    }

    /// Apply one move.
    fn apply(&mut self, op: ListOp) {
        match op {
            ListOp::Push { list, pfn } => {
                if let Some(l) = self.list_mut(list) {
                    l.push(pfn);
                }
            }
            ListOp::Unlink { list, pfn } => {
                if let Some(l) = self.list_mut(list) {
                    if let Some(i) = l.iter().position(|p| *p == pfn) {
                        l.remove(i);
                    }
                }
            }
        }
    }
}

impl WorkingSetView {
    /// Apply one change to the pages.
    fn apply(&mut self, op: WsOp) {
        match op {
            WsOp::Insert { at, vpn } => {
                let at = (at as usize).min(self.pages.len());
                self.pages.insert(
                    at,
                    WsPageView {
                        vpn,
                        accessed: false,
                        loaded: 0,
                        last_use: 0,
                    },
                );
            }
            WsOp::Remove { at } => {
                if (at as usize) < self.pages.len() {
                    self.pages.remove(at as usize);
                }
            }
            WsOp::Set { at, page } => {
                if let Some(p) = self.pages.get_mut(at as usize) {
                    *p = page;
                }
            }
        }
    }
}

/// One change from a picture to the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The regions, all of them (they change only in API calls).
    Regions(Box<[RegionView]>),
    /// A page table was created.
    Table(TableView),
    /// The page tables, all of them (a context switch, whole-picture diffs).
    Tables(Box<[TableView]>),
    /// A leaf PTE changed (`None`: it became empty).
    Pte(u64, Option<Pte>),
    /// TLB entry `i` changed.
    Tlb(u32, Option<TlbView>),
    /// The frame count changed (whole pictures only).
    FrameCount(u32),
    /// Frame `pfn` changed.
    Frame(u32, FrameView),
    /// A frame moved on or off a list.
    List(ListOp),
    /// The lists, all of them (whole-picture diffs).
    Lists(Box<ListsView>),
    /// The slot count changed (whole pictures only).
    SlotCount(u32),
    /// Page-file slot `i` changed.
    Slot(u32, Option<Owner>),
    /// A change to the working set's pages.
    Ws(WsOp),
    /// The working set, all of it (whole-picture diffs).
    WorkingSet(Box<WorkingSetView>),
    /// The working set's policy, limit and clock hand.
    WsState(Policy, u32, u32),
    /// Counter `i` (in [`Counters`] field order) changed.
    Counter(u8, u64),
    /// The commit charge or limit changed.
    Commit(CommitView),
    /// The focus address changed.
    Focus(Option<u64>),
    /// Another process is shown.
    Process(Box<ProcessView>),
    /// The processes, all of them (a process was created, switched to or ended).
    Processes(Box<[ProcessPicture]>),
    /// The sections, all of them (one was created, mapped, faulted in or deleted).
    Sections(Box<[SectionPicture]>),
    /// The disk's files, all of them (one was created, written or deleted).
    Files(Box<[super::FilePicture]>),
}

/// What `c` sets, when it sets one small thing that a later change of the same key
/// overrides.
fn key(c: &Change) -> Option<(u8, u64)> {
    Some(match *c {
        Change::Tlb(i, _) => (0, i.into()),
        Change::Frame(i, _) => (1, i.into()),
        Change::Ws(WsOp::Set { at, .. }) => (2, at.into()),
        Change::Pte(i, _) => (3, i),
        Change::Counter(i, _) => (4, i.into()),
        Change::Focus(_) => (5, 0),
        _ => return None,
    })
}

/// The change from one picture to the next, in the order to apply; small when little
/// changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PictureDelta {
    changes: Vec<Change>,
}

impl PictureDelta {
    /// A delta of these changes.
    pub fn new(changes: Vec<Change>) -> PictureDelta {
        PictureDelta { changes }
    }

    /// Fold in `later`, the delta of the step after this one, for a step that grew (see
    /// `Recorder::join`). Two plain TLB hits to one page change the same things, so
    /// `later` then replaces this delta; otherwise its changes follow.
    pub fn absorb(&mut self, mut later: PictureDelta) {
        let same = self.changes.len() == later.changes.len()
            && self
                .changes
                .iter()
                .zip(&later.changes)
                .all(|(a, b)| key(a).is_some() && key(a) == key(b));
        if same {
            std::mem::swap(self, &mut later);
        } else {
            self.changes.append(&mut later.changes);
        }
    }

    /// The changes, in order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// An estimate of the heap bytes this delta holds.
    pub fn heap_bytes(&self) -> usize {
        let mut boxed = 0;
        for c in &self.changes {
            boxed += match c {
                Change::Regions(r) => std::mem::size_of_val(&**r),
                Change::Lists(l) => {
                    std::mem::size_of::<ListsView>()
                        + 4 * (l.zeroed.len() + l.free.len() + l.standby.len() + l.modified.len())
                }
                Change::WorkingSet(w) => {
                    std::mem::size_of::<WorkingSetView>()
                        + w.pages.len() * std::mem::size_of::<WsPageView>()
                }
                Change::Process(p) => std::mem::size_of::<ProcessView>() + p.name.len(),
                Change::Tables(t) => std::mem::size_of_val(&**t),
                Change::Processes(p) => {
                    let mut n = 0;
                    for p in p.iter() {
                        n += process_bytes(p);
                    }
                    n
                }
                Change::Sections(s) => {
                    let mut n = 0;
                    for s in s.iter() {
                        n += section_bytes(s);
                    }
                    n
                }
                Change::Files(f) => {
                    let mut n = 0;
                    for f in f.iter() {
                        n += 32 + f.name.len();
                    }
                    n
                }
                _ => 0,
            };
        }
        self.changes.capacity() * std::mem::size_of::<Change>() + boxed
    }

    /// The delta that turns `old` into `new`, by comparing them whole.
    pub fn between(old: &Picture, new: &Picture) -> PictureDelta {
        let mut c = Vec::new();
        if old.regions != new.regions {
            c.push(Change::Regions(new.regions.clone().into_boxed_slice()));
        }
        if old.tables.iter().all(|t| new.tables.contains(t)) {
            for t in &new.tables {
                if !old.tables.contains(t) {
                    c.push(Change::Table(*t));
                }
            }
        } else {
            c.push(Change::Tables(new.tables.clone().into_boxed_slice()));
        }
        for (k, v) in &new.ptes {
            if old.ptes.get(k) != Some(v) {
                c.push(Change::Pte(*k, Some(*v)));
            }
        }
        for k in old.ptes.keys() {
            if !new.ptes.contains_key(k) {
                c.push(Change::Pte(*k, None));
            }
        }
        for (i, v) in new.tlb.iter().enumerate() {
            if old.tlb.get(i) != Some(v) {
                c.push(Change::Tlb(i as u32, *v));
            }
        }
        if old.frames.len() != new.frames.len() {
            c.push(Change::FrameCount(new.frames.len() as u32));
        }
        for (i, v) in new.frames.iter().enumerate() {
            if old.frames.get(i) != Some(v) {
                c.push(Change::Frame(i as u32, *v));
            }
        }
        if old.lists != new.lists {
            c.push(Change::Lists(Box::new(new.lists.clone())));
        }
        if old.slots.len() != new.slots.len() {
            c.push(Change::SlotCount(new.slots.len() as u32));
        }
        for (i, v) in new.slots.iter().enumerate() {
            if old.slots.get(i) != Some(v) {
                c.push(Change::Slot(i as u32, *v));
            }
        }
        if old.working_set != new.working_set {
            c.push(Change::WorkingSet(Box::new(new.working_set.clone())));
        }
        counter_changes(&old.counters, &new.counters, &mut c);
        if old.commit != new.commit {
            c.push(Change::Commit(new.commit));
        }
        if old.focus != new.focus {
            c.push(Change::Focus(new.focus));
        }
        if old.process != new.process {
            c.push(Change::Process(Box::new(new.process.clone())));
        }
        if old.sections != new.sections {
            c.push(Change::Sections(new.sections.clone().into_boxed_slice()));
        }
        if old.files != new.files {
            c.push(Change::Files(new.files.clone().into_boxed_slice()));
        }
        if old.processes != new.processes {
            // First, so that the top-level changes mirrored into the running entry
            // below find it in place.
            c.insert(
                0,
                Change::Processes(new.processes.clone().into_boxed_slice()),
            );
        }
        PictureDelta { changes: c }
    }

    /// Apply this delta to `picture`, turning the old picture into the new one. The
    /// running process's entry in [`Picture::processes`] follows the top-level regions,
    /// PTEs and working set.
    pub fn apply(&self, picture: &mut Picture) {
        let mut running = picture.running();
        for change in &self.changes {
            if let Some(entry) = running.and_then(|i| picture.processes.get_mut(i)) {
                mirror(change, entry);
            }
            match change {
                Change::Processes(p) => {
                    picture.processes = p.to_vec();
                    running = picture.running();
                }
                Change::Tables(t) => picture.tables = t.to_vec(),
                Change::Sections(s) => picture.sections = s.to_vec(),
                Change::Files(f) => picture.files = f.to_vec(),
                Change::Regions(r) => picture.regions = r.to_vec(),
                Change::Table(t) => {
                    let at = picture.tables.partition_point(|v| v < t);
                    if picture.tables.get(at) != Some(t) {
                        picture.tables.insert(at, *t);
                    }
                }
                Change::Pte(k, Some(pte)) => {
                    picture.ptes.insert(*k, *pte);
                }
                Change::Pte(k, None) => {
                    picture.ptes.remove(k);
                }
                Change::Tlb(i, v) => set_at(&mut picture.tlb, *i, *v, None),
                Change::FrameCount(n) => picture.frames.truncate(*n as usize),
                Change::Frame(i, v) => set_at(
                    &mut picture.frames,
                    *i,
                    *v,
                    FrameView::empty(FrameList::Active),
                ),
                Change::List(op) => picture.lists.apply(*op),
                Change::Lists(l) => picture.lists = (**l).clone(),
                Change::SlotCount(n) => picture.slots.truncate(*n as usize),
                Change::Slot(i, v) => set_at(&mut picture.slots, *i, *v, None),
                Change::Ws(op) => picture.working_set.apply(*op),
                Change::WorkingSet(w) => picture.working_set = (**w).clone(),
                Change::WsState(policy, limit, hand) => {
                    let ws = &mut picture.working_set;
                    (ws.policy, ws.limit, ws.hand) = (*policy, *limit, *hand);
                }
                Change::Counter(i, v) => picture.counters.set(*i, *v),
                Change::Commit(v) => picture.commit = *v,
                Change::Focus(v) => picture.focus = *v,
                Change::Process(p) => picture.process = (**p).clone(),
            }
        }
    }
}

/// Mirror a top-level change of the running process into its entry.
fn mirror(change: &Change, entry: &mut ProcessPicture) {
    match change {
        Change::Regions(r) => entry.regions = r.to_vec(),
        Change::Pte(k, Some(pte)) => {
            entry.ptes.insert(*k, *pte);
        }
        Change::Pte(k, None) => {
            entry.ptes.remove(k);
        }
        Change::Ws(WsOp::Insert { at, vpn }) => {
            let at = (*at as usize).min(entry.working_set.len());
            entry.working_set.insert(at, *vpn);
        }
        Change::Ws(WsOp::Remove { at }) if (*at as usize) < entry.working_set.len() => {
            entry.working_set.remove(*at as usize);
        }
        Change::WorkingSet(w) => {
            entry.working_set.clear();
            for p in &w.pages {
                entry.working_set.push(p.vpn);
            }
        }
        _ => {}
    }
}

/// An estimate of the heap bytes of one process's entry.
pub(crate) fn process_bytes(p: &ProcessPicture) -> usize {
    std::mem::size_of::<ProcessPicture>()
        + p.name.len()
        + std::mem::size_of_val(p.regions.as_slice())
        + std::mem::size_of_val(p.working_set.as_slice())
        + p.ptes.len() * 4 * (8 + std::mem::size_of::<Pte>()) / 3
}

/// An estimate of the heap bytes of one section's entry.
pub(crate) fn section_bytes(s: &SectionPicture) -> usize {
    std::mem::size_of::<SectionPicture>()
        + s.name.as_ref().map_or(0, String::len)
        + s.backing.len()
        + std::mem::size_of_val(s.prototypes.as_slice())
}

/// Set `target[i]`, growing the vector with `blank` when it is shorter.
fn set_at<T: Clone>(target: &mut Vec<T>, i: u32, value: T, blank: T) {
    let i = i as usize;
    if target.len() <= i {
        target.resize(i + 1, blank);
    }
    target[i] = value;
}

/// The counters that differ between `old` and `new`, as changes.
pub fn counter_changes(old: &Counters, new: &Counters, out: &mut Vec<Change>) {
    for i in 0..Counters::FIELDS {
        if old.get(i) != new.get(i) {
            out.push(Change::Counter(i, new.get(i)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::addr::{Owner, ProcessId};

    fn sample() -> Picture {
        Picture {
            frames: vec![FrameView::empty(FrameList::Zeroed); 4],
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
            owner: Some(Owner::Private {
                process: ProcessId(1),
                vpn: Vpn(0x23456700),
            }),
            share_count: 1,
        };
        b.lists.zeroed = vec![Pfn(0), Pfn(1), Pfn(3)];
        b.counters.hard = 3;
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

    #[test]
    fn list_and_working_set_moves_replay_in_order() {
        let mut lists = ListsView {
            zeroed: vec![Pfn(0), Pfn(1)],
            ..ListsView::default()
        };
        for op in [
            ListOp::Unlink {
                list: FrameList::Zeroed,
                pfn: Pfn(0),
            },
            ListOp::Push {
                list: FrameList::Standby,
                pfn: Pfn(0),
            },
        ] {
            lists.apply(op);
        }
        assert_eq!((lists.zeroed, lists.standby), (vec![Pfn(1)], vec![Pfn(0)]));
        let mut ws = WorkingSetView::default();
        let page = |v: u64| WsPageView {
            vpn: Vpn(v),
            accessed: true,
            loaded: v,
            last_use: v,
        };
        for op in [
            WsOp::Insert { at: 0, vpn: Vpn(1) },
            WsOp::Insert { at: 0, vpn: Vpn(2) },
            WsOp::Remove { at: 1 },
            WsOp::Set {
                at: 0,
                page: page(2),
            },
        ] {
            ws.apply(op);
        }
        assert_eq!(ws.pages, vec![page(2)]);
    }
}
