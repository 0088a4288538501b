//! The paging engine: page tables, TLB, frames and their lists, the page file, the working
//! set and fault handling (reference §7–§9, DESIGN §2–§3).
//!
//! Each module holds one mechanism:
//! - [`tables`]: the four-level page tables; [`tlb`]: the TLB;
//! - [`frames`]: the PFN database and frame lists; [`pagefile`]: page-file slots;
//! - [`working_set`]: the working set and replacement policies; the seeded generator is [`crate::sim::rng`];
//! - `access`: the CPU side of a read, write or fetch (split, TLB, walk, decode);
//! - `fault`: the fault handler (demand-zero, transition, hard with clustering);
//! - `take`: choosing a frame by the allocation orders of reference §8.3;
//! - `trim`: removing pages from the working set; `writer`: the modified page writer;
//! - `discard`: what decommit, release, re-protect and `MEM_RESET` do to physical state;
//! - `narrate`: how pages, PTEs and lists are named in narration.
//!
//! Data is never lost: every page that was written lives in exactly one place that counts,
//! a frame whose `modified` flag is set, or a page-file slot; a clean frame with a slot
//! holds the same bytes as the slot; a clean frame without a slot holds zeros (or, after
//! `MEM_RESET`, bytes nobody needs any more).

mod access;
mod discard;
mod fault;
pub mod frames;
mod narrate;
pub mod pagefile;
pub mod tables;
mod take;
pub mod tlb;
mod trim;
pub mod working_set;
mod writer;

use super::addr::Vpn;
use super::config::Config;
use super::error::ExceptionRecord;
use super::event::Pte;
use super::machine::Machine;
use super::picture::{Counters, Picture, WorkingSetView, WsPageView};

use crate::sim::rng::SplitMix64;
pub(crate) use discard::Discarded;
use frames::FrameDb;
use pagefile::PageFile;
use tables::PageTables;
use tlb::Tlb;
use working_set::WorkingSet;

/// Everything physical about the machine.
#[derive(Clone, Debug)]
pub struct Paging {
    /// The page tables of the process.
    pub(crate) tables: PageTables,
    /// The TLB.
    pub(crate) tlb: Tlb,
    /// RAM frames, their lists and their bytes.
    pub(crate) frames: FrameDb,
    /// The page file.
    pub(crate) pagefile: PageFile,
    /// The working set of the process.
    pub(crate) ws: WorkingSet,
    /// The seeded generator (random policy).
    pub(crate) rng: SplitMix64,
    /// Running totals shown on screen.
    pub(crate) counters: Counters,
    /// Pages read around a hard fault (1 = no clustering).
    pub(crate) cluster: u32,
    /// Standby and modified lists on (off = textbook model).
    pub(crate) standby: bool,
    /// Modified-list length that wakes the modified page writer.
    pub(crate) modified_threshold: u32,
    /// Logical time: one tick per page access or load (FIFO and LRU stamps).
    pub(crate) now: u64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging::new(&Config::default())
    }
}

impl Paging {
    /// RAM, page file, TLB and working set as `config` sizes them.
    pub fn new(config: &Config) -> Paging {
        Paging {
            tables: PageTables::new(),
            tlb: Tlb::new(config.tlb),
            frames: FrameDb::new(config.frames),
            pagefile: PageFile::new(config.pagefile),
            ws: WorkingSet::new(config.working_set, config.policy),
            rng: SplitMix64::new(config.seed),
            counters: Counters::default(),
            cluster: config.cluster.max(1),
            standby: config.standby,
            modified_threshold: config.modified_threshold.max(1),
            now: 0,
        }
    }

    /// Fill the physical parts of `picture`. Costs O(frames + slots + PTEs + TLB).
    pub fn fill_picture(&self, picture: &mut Picture) {
        picture.tables = self.tables.views().to_vec();
        let ptes = &mut picture.ptes;
        self.tables.for_each(|vpn, pte| {
            ptes.insert(vpn.0, pte);
        });
        picture.tlb = self.tlb.views();
        picture.frames = self.frames.views();
        picture.lists = self.frames.lists_view();
        picture.slots = self.pagefile.views();
        picture.working_set = WorkingSetView {
            policy: self.ws.policy(),
            limit: self.ws.limit(),
            pages: self
                .ws
                .pages()
                .iter()
                .map(|&vpn| self.ws_page_view(vpn))
                .collect(),
            hand: self.ws.hand() as u32,
        };
        picture.counters = self.counters;
    }

    fn ws_page_view(&self, vpn: Vpn) -> WsPageView {
        match self.tables.pte(vpn) {
            Pte::Valid { pfn, accessed, .. } => {
                let f = self.frames.get(pfn);
                WsPageView {
                    vpn,
                    accessed,
                    loaded: f.loaded,
                    last_use: f.last_use,
                }
            }
            _ => WsPageView {
                vpn,
                accessed: false,
                loaded: 0,
                last_use: 0,
            },
        }
    }

    /// The page tables.
    pub fn tables(&self) -> &PageTables {
        &self.tables
    }

    /// The TLB.
    pub fn tlb(&self) -> &Tlb {
        &self.tlb
    }

    /// The PFN database.
    pub fn frames(&self) -> &FrameDb {
        &self.frames
    }

    /// The page file.
    pub fn pagefile(&self) -> &PageFile {
        &self.pagefile
    }

    /// The working set.
    pub fn working_set(&self) -> &WorkingSet {
        &self.ws
    }

    /// The bytes of a resident page, or of its page-file copy; `None` when the page holds
    /// nothing yet (reads as zeros). For tests and inspection; no step is recorded.
    pub fn peek_page(&self, vpn: Vpn) -> Option<Vec<u8>> {
        match self.tables.pte(vpn) {
            Pte::Valid { pfn, .. } | Pte::Transition { pfn } => {
                Some(self.frames.bytes(pfn).to_vec())
            }
            Pte::PageFile { slot } => {
                let mut out = vec![0; super::addr::PAGE_SIZE as usize];
                self.pagefile.read(slot, &mut out);
                Some(out)
            }
            _ => None,
        }
    }
}

impl Machine {
    /// A data read of `buf.len()` bytes at `va` (may cross pages; stops at the first exception).
    pub fn read(&mut self, va: u64, buf: &mut [u8]) -> Result<(), ExceptionRecord> {
        self.access_bytes(va, access::Data::Read(buf))
    }

    /// A C string read at `va`, as `printf("%s")` does: the bytes up to and including the
    /// first NUL, at most `max` bytes. Each page's read records the bytes really read.
    /// Returns the string without its NUL.
    pub fn read_c_string(&mut self, va: u64, max: usize) -> Result<Vec<u8>, ExceptionRecord> {
        let mut out = Vec::new();
        self.access_bytes(va, access::Data::CString { out: &mut out, max })?;
        Ok(out)
    }

    /// A data write of `data` at `va` (may cross pages; stops at the first exception).
    pub fn write(&mut self, va: u64, data: &[u8]) -> Result<(), ExceptionRecord> {
        self.access_bytes(va, access::Data::Write(data))
    }

    /// An instruction fetch at `va`.
    pub fn execute(&mut self, va: u64) -> Result<(), ExceptionRecord> {
        self.access_bytes(va, access::Data::Fetch)
    }

    /// `PageOut(addr, size)`: trim those resident pages from the working set; returns how many.
    pub fn page_out(&mut self, va: u64, size: u64) -> usize {
        let n = self.trim_range(va, size);
        self.trim_back_to_limit();
        n
    }

    /// `EmptyWorkingSet()`: trim every page; returns how many.
    pub fn empty_working_set(&mut self) -> usize {
        let n = self.trim_all();
        self.trim_back_to_limit();
        n
    }

    /// `WriteModifiedPages()`: run the modified page writer; returns pages written.
    pub fn write_modified_pages(&mut self) -> usize {
        self.run_writer(writer::Trigger::Explicit)
    }

    /// Drop every trace of pages `first..first+count` (decommit, release): frames to the
    /// free list, slots freed, PTEs emptied, TLB entries flushed. Emits events, no step;
    /// returns what was freed, for the narration.
    pub(crate) fn discard_pages(&mut self, first: Vpn, count: u64) -> Discarded {
        self.discard_range(first, count)
    }

    /// The protection of pages `first..first+count` changed: flush their TLB entries and
    /// update valid PTEs. Emits events, no step.
    pub(crate) fn protection_changed(&mut self, first: Vpn, count: u64) {
        self.reprotect_range(first, count)
    }

    /// `MEM_RESET`: the contents of these pages are no longer needed (reference §3.4):
    /// mark resident pages clean so they are not written to the page file. Emits events, no step.
    pub(crate) fn reset_pages(&mut self, first: Vpn, count: u64) {
        self.reset_range(first, count)
    }

    /// The paging engine, for inspection.
    pub fn paging(&self) -> &Paging {
        &self.paging
    }
}
