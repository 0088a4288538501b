//! The PFN database: one record per RAM frame, the frame lists, and the frames' bytes
//! (reference §8.3).
//!
//! The zeroed, free, standby and modified lists are doubly linked through the frame
//! records, as in Windows, so taking a frame off the middle of a list (a soft fault) costs
//! O(1). Active frames (mapped by a valid PTE, or being filled by a fault) are on no list.
//!
//! The database remembers what changed since the recorder last asked ([`FrameDb::take_changes`]):
//! the frames whose record changed and, in order, the moves on and off the lists. A step's
//! picture delta is built from that, so recording costs what the step changed.

pub use crate::sim::addr::Owner;
use crate::sim::addr::{Pfn, Slot, Vpn, PAGE_SIZE};
use crate::sim::event::FrameList;
use crate::sim::picture::{FrameView, ListOp, ListsView};

const NIL: u32 = u32::MAX;

/// One PFN-database record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The list the frame is on (`Active` when on none).
    pub list: FrameList,
    /// The page it holds (active, standby, modified), if any.
    pub owner: Option<Owner>,
    /// How many valid PTEs map the frame (reference §8.7: a shared page's users; 1 for a
    /// private page in its working set, 0 on a list).
    pub share_count: u32,
    /// The contents differ from the backing store: trimming sends it to the modified list.
    pub modified: bool,
    /// The page-file slot holding a copy of exactly these bytes, if any.
    pub slot: Option<Slot>,
    /// When the page was loaded into the working set (FIFO order).
    pub loaded: u64,
    /// When the page was last used (LRU order).
    pub last_use: u64,
    prev: u32,
    next: u32,
}

impl Frame {
    /// The virtual page of a private owner.
    pub fn vpn(&self) -> Option<Vpn> {
        self.owner.and_then(Owner::private_vpn)
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct ListHead {
    head: u32,
    tail: u32,
    len: u32,
}

/// All frames, their lists and their bytes.
#[derive(Clone, Debug)]
pub struct FrameDb {
    frames: Vec<Frame>,
    lists: [ListHead; 4],
    bytes: Vec<u8>,
    /// Frames whose record changed since the last [`FrameDb::take_changes`], once each.
    changed: Vec<Pfn>,
    /// `marked[pfn]`: the frame is in `changed`.
    marked: Vec<bool>,
    /// Moves on and off the lists since then, in order.
    list_ops: Vec<ListOp>,
}

/// What changed in the PFN database since the recorder last asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameChanges {
    /// Frames whose record changed, each once, in the order first changed.
    pub frames: Vec<Pfn>,
    /// Moves on and off the lists, in order.
    pub lists: Vec<ListOp>,
}

fn slot_of(list: FrameList) -> Option<usize> {
    match list {
        FrameList::Zeroed => Some(0),
        FrameList::Free => Some(1),
        FrameList::Standby => Some(2),
        FrameList::Modified => Some(3),
        FrameList::Active => None,
    }
}

const LISTS: [FrameList; 4] = [
    FrameList::Zeroed,
    FrameList::Free,
    FrameList::Standby,
    FrameList::Modified,
];

const PAGE: usize = PAGE_SIZE as usize;

impl FrameDb {
    /// `count` frames, all zero-filled and on the zeroed list in frame order.
    pub fn new(count: u32) -> FrameDb {
        let empty = ListHead {
            head: NIL,
            tail: NIL,
            len: 0,
        };
        let mut db = FrameDb {
            frames: vec![
                Frame {
                    list: FrameList::Active,
                    owner: None,
                    share_count: 0,
                    modified: false,
                    slot: None,
                    loaded: 0,
                    last_use: 0,
                    prev: NIL,
                    next: NIL,
                };
                count as usize
            ],
            lists: [empty; 4],
            bytes: vec![0; count as usize * PAGE],
            changed: Vec::new(),
            marked: vec![false; count as usize],
            list_ops: Vec::new(),
        };
        for pfn in 0..count {
            db.push_tail(Pfn(pfn), FrameList::Zeroed);
        }
        db.take_changes();
        db
    }

    /// Note that `pfn`'s record changed (for the picture delta).
    fn mark(&mut self, pfn: Pfn) {
        let i = pfn.0 as usize;
        if !self.marked[i] {
            self.marked[i] = true;
            self.changed.push(pfn);
        }
    }

    /// What changed since the last call, and start afresh.
    pub fn take_changes(&mut self) -> FrameChanges {
        for p in &self.changed {
            self.marked[p.0 as usize] = false;
        }
        FrameChanges {
            frames: std::mem::take(&mut self.changed),
            lists: std::mem::take(&mut self.list_ops),
        }
    }

    /// Number of frames.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// True when there are no frames.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The record of `pfn`.
    pub fn get(&self, pfn: Pfn) -> &Frame {
        &self.frames[pfn.0 as usize]
    }

    /// The record of `pfn`, to change.
    pub fn get_mut(&mut self, pfn: Pfn) -> &mut Frame {
        self.mark(pfn);
        &mut self.frames[pfn.0 as usize]
    }

    /// Pages on `list` (0 for `Active`, which is not a list).
    pub fn count(&self, list: FrameList) -> usize {
        slot_of(list).map_or(0, |i| self.lists[i].len as usize)
    }

    /// The frame at the head of `list` (the next to be taken).
    pub fn head(&self, list: FrameList) -> Option<Pfn> {
        let i = slot_of(list)?;
        let h = self.lists[i].head;
        (h != NIL).then_some(Pfn(h))
    }

    /// Frames on `list`, head first.
    pub fn members(&self, list: FrameList) -> Vec<Pfn> {
        let mut out = Vec::new();
        let Some(i) = slot_of(list) else {
            return out;
        };
        let mut at = self.lists[i].head;
        while at != NIL {
            out.push(Pfn(at));
            at = self.frames[at as usize].next;
        }
        out
    }

    /// Put `pfn` (on no list) at the tail of `list`; `Active` just marks it in use.
    pub fn push_tail(&mut self, pfn: Pfn, list: FrameList) {
        self.unlink(pfn);
        self.mark(pfn);
        let p = pfn.0;
        self.frames[p as usize].list = list;
        let Some(i) = slot_of(list) else {
            return;
        };
        self.list_ops.push(ListOp::Push { list, pfn });
        let tail = self.lists[i].tail;
        self.frames[p as usize].prev = tail;
        self.frames[p as usize].next = NIL;
        if tail == NIL {
            self.lists[i].head = p;
        } else {
            self.frames[tail as usize].next = p;
        }
        self.lists[i].tail = p;
        self.lists[i].len += 1;
    }

    /// Take `pfn` off whatever list holds it; it becomes `Active` (in use, on no list).
    pub fn unlink(&mut self, pfn: Pfn) {
        let p = pfn.0 as usize;
        let list = self.frames[p].list;
        let Some(i) = slot_of(list) else {
            return;
        };
        self.mark(pfn);
        self.list_ops.push(ListOp::Unlink { list, pfn });
        let (prev, next) = (self.frames[p].prev, self.frames[p].next);
        if prev == NIL {
            self.lists[i].head = next;
        } else {
            self.frames[prev as usize].next = next;
        }
        if next == NIL {
            self.lists[i].tail = prev;
        } else {
            self.frames[next as usize].prev = prev;
        }
        self.lists[i].len -= 1;
        let f = &mut self.frames[p];
        f.prev = NIL;
        f.next = NIL;
        f.list = FrameList::Active;
    }

    /// The bytes of `pfn`.
    pub fn bytes(&self, pfn: Pfn) -> &[u8] {
        let at = pfn.0 as usize * PAGE;
        &self.bytes[at..at + PAGE]
    }

    /// The bytes of `pfn`, to change.
    pub fn bytes_mut(&mut self, pfn: Pfn) -> &mut [u8] {
        let at = pfn.0 as usize * PAGE;
        &mut self.bytes[at..at + PAGE]
    }

    /// The picture of frame `pfn`.
    pub fn view(&self, pfn: Pfn) -> FrameView {
        let f = &self.frames[pfn.0 as usize];
        FrameView {
            list: f.list,
            vpn: f.vpn(),
            dirty: f.modified,
            owner: f.owner,
            share_count: f.share_count,
        }
    }

    /// The picture of every frame.
    pub fn views(&self) -> Vec<FrameView> {
        let mut out = Vec::with_capacity(self.frames.len());
        for p in 0..self.frames.len() as u32 {
            out.push(self.view(Pfn(p)));
        }
        out
    }

    /// The picture of the list orders.
    pub fn lists_view(&self) -> ListsView {
        let [zeroed, free, standby, modified] = LISTS.map(|l| self.members(l));
        ListsView {
            zeroed,
            free,
            standby,
            modified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_keep_order_and_unlink_from_the_middle() {
        let mut db = FrameDb::new(4);
        assert_eq!(
            db.members(FrameList::Zeroed),
            vec![Pfn(0), Pfn(1), Pfn(2), Pfn(3)]
        );
        for p in 0..4 {
            db.unlink(Pfn(p));
        }
        assert_eq!(db.count(FrameList::Zeroed), 0);
        assert_eq!(db.get(Pfn(2)).list, FrameList::Active);
        for p in [3, 1, 0] {
            db.push_tail(Pfn(p), FrameList::Standby);
        }
        db.unlink(Pfn(1));
        assert_eq!(db.members(FrameList::Standby), vec![Pfn(3), Pfn(0)]);
        assert_eq!(db.head(FrameList::Standby), Some(Pfn(3)));
        db.push_tail(Pfn(3), FrameList::Modified);
        assert_eq!(db.members(FrameList::Standby), vec![Pfn(0)]);
        assert_eq!(db.members(FrameList::Modified), vec![Pfn(3)]);
        let lists = db.lists_view();
        assert_eq!(lists.standby.len() + lists.modified.len(), 2);
        db.unlink(Pfn(0));
        assert_eq!(db.head(FrameList::Standby), None);
    }

    #[test]
    fn frames_hold_bytes() {
        let mut db = FrameDb::new(2);
        db.bytes_mut(Pfn(1))[5] = 9;
        assert_eq!(db.bytes(Pfn(1))[5], 9);
        assert!(db.bytes(Pfn(0)).iter().all(|b| *b == 0));
        assert_eq!(db.bytes(Pfn(0)).len(), PAGE);
    }
}
