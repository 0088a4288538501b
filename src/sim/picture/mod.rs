//! The picture of one step: everything the screen shows, small and serialisable
//! (DESIGN §3, STYLE 4), and [`PictureDelta`], the change from one picture to the next.
//! Pictures are stored as deltas with checkpoints by [`super::history::History`], so page
//! contents never live here. The recorder builds each delta from what the step changed
//! (see `super::draw`); [`PictureDelta::between`] diffs two whole pictures (for tests).

use serde::Serialize;

mod delta;
mod pte_map;

pub(crate) use delta::process_bytes as delta_process_bytes;
pub(crate) use delta::section_bytes as delta_section_bytes;
pub use delta::{counter_changes, Change, ListOp, PictureDelta, WsOp};
pub use pte_map::{Entries, PteMap};

use super::addr::{Level, Owner, Pfn, ProcessId, Vpn};
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
    /// The private page it holds (active, standby, modified), if any.
    pub vpn: Option<Vpn>,
    /// Whether its contents differ from the page-file copy.
    pub dirty: bool,
    /// Whose page it holds: (process, page), or a section's prototype PTE.
    pub owner: Option<Owner>,
    /// How many valid PTEs map it.
    pub share_count: u32,
}

impl FrameView {
    /// A frame on `list` holding no page.
    pub fn empty(list: FrameList) -> FrameView {
        FrameView {
            list,
            vpn: None,
            dirty: false,
            owner: None,
            share_count: 0,
        }
    }
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

/// The process whose address space, tables and working set the picture shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProcessView {
    /// Its id.
    pub id: ProcessId,
    /// Its name.
    pub name: String,
    /// What CR3 holds while it runs (the address of its PML4).
    pub cr3: u64,
}

/// Where a process is in the round-robin of DESIGN §9.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessState {
    /// On the CPU: its CR3 is loaded and the TLB holds its translations.
    #[default]
    Running,
    /// Ready to run when its turn comes.
    Ready,
    /// Stopped in a waiting call (`_getch`, `Sleep`, `MessageBox`, …).
    Waiting,
    /// Its program ended: its private frames are freed, its views unmapped.
    Ended,
}

/// One process as a view draws it beside the others: its address space, its working set
/// and its leaf PTEs. The running process's entry holds the same regions, PTEs and
/// working-set pages as the picture's top-level fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProcessPicture {
    /// Its id (a multiple of 4, as Windows gives).
    pub id: ProcessId,
    /// Its name.
    pub name: String,
    /// What CR3 holds while it runs (the address of its PML4).
    pub cr3: u64,
    /// Running, ready, waiting or ended.
    pub state: ProcessState,
    /// Non-free runs of its address space, by address.
    pub regions: Vec<RegionView>,
    /// Its working set's pages, in clock order.
    pub working_set: Vec<Vpn>,
    /// Its leaf PTEs that are not empty, keyed by virtual page number.
    pub ptes: PteMap,
}

/// One section object with its prototype PTEs (docs/windows-sections.md §8.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SectionPicture {
    /// Its number.
    pub id: u32,
    /// Its name while a handle holds it.
    pub name: Option<String>,
    /// `"pagefile"`, or the name of its file.
    pub backing: String,
    /// Its prototype PTEs, one per page.
    pub prototypes: Vec<Pte>,
    /// Open handles, in every process.
    pub handles: u32,
    /// Mapped views, in every process.
    pub views: u32,
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

impl Counters {
    /// Number of counters.
    pub(super) const FIELDS: u8 = 9;

    /// Counter `i`, in field order.
    pub(super) fn get(&self, i: u8) -> u64 {
        [
            self.demand_zero,
            self.transition,
            self.hard,
            self.access_violation,
            self.guard,
            self.tlb_hits,
            self.tlb_misses,
            self.pagefile_reads,
            self.pagefile_writes,
        ][i as usize]
    }

    /// Set counter `i`, in field order.
    pub(super) fn set(&mut self, i: u8, value: u64) {
        let field = match i {
            0 => &mut self.demand_zero,
            1 => &mut self.transition,
            2 => &mut self.hard,
            3 => &mut self.access_violation,
            4 => &mut self.guard,
            5 => &mut self.tlb_hits,
            6 => &mut self.tlb_misses,
            7 => &mut self.pagefile_reads,
            _ => &mut self.pagefile_writes,
        };
        *field = value;
    }
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
    pub ptes: PteMap,
    /// TLB entries by slot.
    pub tlb: Vec<Option<TlbView>>,
    /// RAM frames by frame number.
    pub frames: Vec<FrameView>,
    /// Order of the frame lists.
    pub lists: ListsView,
    /// Page-file slots by number: the page each holds, a process's or a section's.
    pub slots: Vec<Option<Owner>>,
    /// The working set.
    pub working_set: WorkingSetView,
    /// Counters.
    pub counters: Counters,
    /// Commit charge and limit.
    pub commit: CommitView,
    /// The address the CPU is working on, if any.
    pub focus: Option<u64>,
    /// The process shown (the running one).
    pub process: ProcessView,
    /// Every process, in creation order, each with its own regions, working set and PTEs.
    pub processes: Vec<ProcessPicture>,
    /// The living sections, in creation order, with their prototype PTEs.
    pub sections: Vec<SectionPicture>,
    /// The disk's files, in creation order (DESIGN §9).
    pub files: Vec<FilePicture>,
}

/// One file of the disk: its name and size (its pages are the size in 4 KB pages).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FilePicture {
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

impl Picture {
    /// The index in [`Picture::processes`] of the running process, if any runs.
    pub fn running(&self) -> Option<usize> {
        self.processes
            .iter()
            .position(|p| p.state == ProcessState::Running)
    }
}

/// Something that can draw its regions: the address space, for the recorder.
pub trait RegionSource {
    /// The non-free runs, by address (as `VirtualQuery` reports them).
    fn region_views(&self) -> Vec<RegionView>;
    /// A number that changes whenever the regions may have changed.
    fn version(&self) -> u64;
}
