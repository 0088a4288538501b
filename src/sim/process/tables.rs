//! The four-level page tables: PML4 → PDPT → PD → PT, 512 entries each, created on first
//! need and indexed by the 9/9/9/9/12 split of the address (reference §2, SDM).
//!
//! Simplification: page tables live outside simulated RAM (they take no frames) and stay
//! once created, even when the pages they map are released.
//!
//! The tables remember which PTEs were written and which tables were created since the
//! recorder last asked ([`PageTables::take_changes`]), for the picture delta.

use crate::sim::addr::{AddressSplit, Level, Vpn};
use crate::sim::changes::Changed;
use crate::sim::event::Pte;
use crate::sim::picture::TableView;

/// Entries per table (4 KB of 8-byte entries).
pub const ENTRIES: usize = 512;
/// No child table behind an upper-level entry.
const NONE: u32 = u32::MAX;

#[derive(Clone, Debug)]
enum Node {
    /// PML4, PDPT or PD: each entry points at a next-level table (an index into `nodes`).
    Upper(Box<[u32; ENTRIES]>),
    /// PT: each entry is a leaf PTE.
    Leaf(Box<[Pte; ENTRIES]>),
}

/// One level read by a walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalkLevel {
    /// The table's level.
    pub level: Level,
    /// The index used in it.
    pub index: u16,
    /// Whether the entry points to a next table (upper levels) or is valid (PT).
    pub present: bool,
}

/// What a walk of the tables found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Walk {
    /// The levels read, top first; fewer than four when a table is missing.
    pub levels: [Option<WalkLevel>; 4],
    /// The leaf PTE (`Empty` when its table does not exist).
    pub pte: Pte,
    /// The first level whose table was missing, if any.
    pub missing: Option<Level>,
}

/// The page tables of one process. The PML4 exists from the start (CR3 points at it).
#[derive(Clone, Debug)]
pub struct PageTables {
    nodes: Vec<Node>,
    /// Page tables as (page-table number = vpn >> 9, node), sorted by number, for range
    /// work and pictures. A sorted list rather than a `BTreeMap`: a process has few page
    /// tables, and the wasm module keeps one B-tree type fewer (the download budget).
    leaves: Vec<(u64, u32)>,
    /// Every table that exists, sorted by level then address (walk order).
    views: Vec<TableView>,
    /// Non-empty leaf PTEs.
    used: usize,
    /// Pages whose PTE was written since the last [`PageTables::take_changes`].
    written: Changed,
    /// Tables created since then.
    created: Vec<TableView>,
}

/// What changed in the tables since the recorder last asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableChanges {
    /// Pages whose PTE was written, ascending, each once.
    pub ptes: Vec<u64>,
    /// Tables created, in the order created.
    pub tables: Vec<TableView>,
}

impl Default for PageTables {
    fn default() -> Self {
        PageTables::new()
    }
}

/// First virtual address covered by the table at `level` that maps `va`.
fn covers(level: Level, va: u64) -> u64 {
    // A PML4 covers everything; a PDPT 512 GB; a PD 1 GB; a PT 2 MB.
    match level {
        Level::Pml4 => 0,
        Level::Pdpt => va & !((1u64 << 39) - 1),
        Level::Pd => va & !((1u64 << 30) - 1),
        Level::Pt => va & !((1u64 << 21) - 1),
    }
}

impl PageTables {
    /// Tables holding only an empty PML4.
    pub fn new() -> PageTables {
        PageTables {
            nodes: vec![Node::Upper(Box::new([NONE; ENTRIES]))],
            leaves: Vec::new(),
            views: vec![TableView {
                level: Level::Pml4,
                covers: 0,
            }],
            used: 0,
            written: Changed::default(),
            created: Vec::new(),
        }
    }

    /// What changed since the last call, and start afresh.
    pub fn take_changes(&mut self) -> TableChanges {
        TableChanges {
            ptes: self.written.take(),
            tables: std::mem::take(&mut self.created),
        }
    }

    /// Walk the tables for `vpn` the way the MMU does, creating nothing.
    pub fn walk(&self, vpn: Vpn) -> Walk {
        let split = AddressSplit::of(vpn.base());
        let mut levels = [None; 4];
        let mut node = 0u32;
        for (i, level) in Level::ALL.into_iter().enumerate() {
            let index = split.index(level);
            match &self.nodes[node as usize] {
                Node::Upper(children) => {
                    let child = children[index as usize];
                    levels[i] = Some(WalkLevel {
                        level,
                        index,
                        present: child != NONE,
                    });
                    if child == NONE {
                        let missing = Level::ALL.get(i + 1).copied();
                        return Walk {
                            levels,
                            pte: Pte::Empty,
                            missing,
                        };
                    }
                    node = child;
                }
                Node::Leaf(ptes) => {
                    let pte = ptes[index as usize];
                    levels[i] = Some(WalkLevel {
                        level,
                        index,
                        present: matches!(pte, Pte::Valid { .. }),
                    });
                    return Walk {
                        levels,
                        pte,
                        missing: None,
                    };
                }
            }
        }
        Walk {
            levels,
            pte: Pte::Empty,
            missing: None,
        }
    }

    /// The leaf PTE of `vpn` (`Empty` when its page table does not exist).
    pub fn pte(&self, vpn: Vpn) -> Pte {
        match self.leaf(vpn) {
            Some(node) => match &self.nodes[node as usize] {
                Node::Leaf(ptes) => ptes[(vpn.0 & 0x1FF) as usize],
                Node::Upper(_) => Pte::Empty,
            },
            None => Pte::Empty,
        }
    }

    /// Create the tables missing on the way to `vpn`'s PTE; returns the ones created, top first.
    pub fn ensure(&mut self, vpn: Vpn) -> Vec<TableView> {
        let va = vpn.base();
        let split = AddressSplit::of(va);
        let mut created = Vec::new();
        let mut node = 0usize;
        for (i, level) in Level::ALL[..3].iter().enumerate() {
            let index = split.index(*level) as usize;
            let next_level = Level::ALL[i + 1];
            let child = match &self.nodes[node] {
                Node::Upper(children) => children[index],
                Node::Leaf(_) => return created,
            };
            let child = if child == NONE {
                let new_index = self.nodes.len() as u32;
                self.nodes.push(if next_level == Level::Pt {
                    Node::Leaf(Box::new([Pte::Empty; ENTRIES]))
                } else {
                    Node::Upper(Box::new([NONE; ENTRIES]))
                });
                if let Node::Upper(children) = &mut self.nodes[node] {
                    children[index] = new_index;
                }
                if next_level == Level::Pt {
                    let table = vpn.0 >> 9;
                    let at = self.leaf_position(table);
                    self.leaves.insert(at, (table, new_index));
                }
                let view = TableView {
                    level: next_level,
                    covers: covers(next_level, va),
                };
                let at = self.views.partition_point(|v| *v < view);
                self.views.insert(at, view);
                self.created.push(view);
                created.push(view);
                new_index
            } else {
                child
            };
            node = child as usize;
        }
        created
    }

    /// Note `vpn` among the changed PTEs without writing it: what the picture shows of the
    /// page changed elsewhere (a shared frame's use stamp, for its working-set entry).
    pub fn touch(&mut self, vpn: Vpn) {
        self.written.note(vpn.0);
    }

    /// Set `vpn`'s PTE, returning the old one. The page table must exist ([`Self::ensure`]);
    /// setting a non-empty PTE without it is a bug, so it is refused (returns `None`).
    pub fn set(&mut self, vpn: Vpn, pte: Pte) -> Option<Pte> {
        let node = self.leaf(vpn)?;
        let Node::Leaf(ptes) = &mut self.nodes[node as usize] else {
            return None;
        };
        let slot = &mut ptes[(vpn.0 & 0x1FF) as usize];
        let old = *slot;
        *slot = pte;
        if old != pte {
            self.written.note(vpn.0);
        }
        match (old == Pte::Empty, pte == Pte::Empty) {
            (true, false) => self.used += 1,
            (false, true) => self.used -= 1,
            _ => {}
        }
        Some(old)
    }

    /// Every non-empty PTE in `first..first+count`, in address order.
    pub fn in_range(&self, first: Vpn, count: u64) -> Vec<(Vpn, Pte)> {
        let end = first.0.saturating_add(count);
        let mut out = Vec::new();
        if count == 0 {
            return out;
        }
        let (low, high) = (first.0 >> 9, (end - 1) >> 9);
        let from = self.leaf_position(low);
        let tables = self.leaves[from..].iter().take_while(|&&(t, _)| t <= high);
        for &(table, node) in tables {
            if let Node::Leaf(ptes) = &self.nodes[node as usize] {
                for (i, pte) in ptes.iter().enumerate() {
                    let vpn = (table << 9) | i as u64;
                    if *pte != Pte::Empty && vpn >= first.0 && vpn < end {
                        out.push((Vpn(vpn), *pte));
                    }
                }
            }
        }
        out
    }

    /// Call `f` for every non-empty PTE, in address order.
    pub fn for_each(&self, mut f: impl FnMut(Vpn, Pte)) {
        if self.used == 0 {
            return;
        }
        for &(table, node) in &self.leaves {
            if let Node::Leaf(ptes) = &self.nodes[node as usize] {
                for (i, pte) in ptes.iter().enumerate() {
                    if *pte != Pte::Empty {
                        f(Vpn((table << 9) | i as u64), *pte);
                    }
                }
            }
        }
    }

    /// The node of the page table holding `vpn`'s PTE, if that table exists.
    fn leaf(&self, vpn: Vpn) -> Option<u32> {
        let table = vpn.0 >> 9;
        match self.leaves.get(self.leaf_position(table)) {
            Some(&(t, node)) if t == table => Some(node),
            _ => None,
        }
    }

    /// Where page table number `table` is, or would go, in `leaves`.
    fn leaf_position(&self, table: u64) -> usize {
        self.leaves.partition_point(|&(t, _)| t < table)
    }

    /// Every table that exists, in walk order.
    pub fn views(&self) -> &[TableView] {
        &self.views
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::addr::Pfn;

    const VA: u64 = 0x234_5670_0000;

    #[test]
    fn read_walk_creates_nothing_and_stops_at_the_first_missing_table() {
        let t = PageTables::new();
        let w = t.walk(Vpn::of(VA));
        assert_eq!(w.pte, Pte::Empty);
        assert_eq!(w.missing, Some(Level::Pdpt));
        let first = w.levels[0].unwrap();
        assert_eq!(first.level, Level::Pml4);
        assert_eq!(first.index as u64, (VA >> 39) & 0x1FF);
        assert!(!first.present);
        assert!(w.levels[1].is_none());
        assert_eq!(t.views().len(), 1);
    }

    #[test]
    fn ensure_builds_each_level_once_and_set_reads_back() {
        let mut t = PageTables::new();
        let vpn = Vpn::of(VA);
        let created = t.ensure(vpn);
        let levels: Vec<Level> = created.iter().map(|v| v.level).collect();
        assert_eq!(levels, vec![Level::Pdpt, Level::Pd, Level::Pt]);
        assert_eq!(created[2].covers, VA & !0x1F_FFFF);
        assert!(
            t.ensure(Vpn(vpn.0 + 1)).is_empty(),
            "same PT serves the next page"
        );
        let valid = Pte::Valid {
            pfn: Pfn(3),
            accessed: true,
            dirty: false,
            writable: true,
        };
        assert_eq!(t.set(vpn, valid), Some(Pte::Empty));
        let changes = t.take_changes();
        assert_eq!(changes.ptes, vec![vpn.0]);
        assert_eq!(changes.tables, created);
        assert_eq!(t.take_changes(), TableChanges::default());
        assert_eq!(t.pte(vpn), valid);
        let w = t.walk(vpn);
        assert_eq!(w.pte, valid);
        assert!(w.levels.iter().all(|l| l.unwrap().present));
        assert_eq!(t.in_range(Vpn(vpn.0 - 5), 10), vec![(vpn, valid)]);
        assert!(t.in_range(Vpn(vpn.0 + 1), 10).is_empty());
        // A page 2 MB further needs only a new PT.
        let far = Vpn(vpn.0 + 512);
        assert_eq!(t.ensure(far).len(), 1);
        assert_eq!(t.views().len(), 5);
        assert!(t.views().windows(2).all(|w| w[0] < w[1]), "walk order");
    }

    #[test]
    fn set_without_table_is_refused() {
        let mut t = PageTables::new();
        assert_eq!(t.set(Vpn::of(VA), Pte::DemandZero), None);
        assert_eq!(t.pte(Vpn::of(VA)), Pte::Empty);
    }
}
