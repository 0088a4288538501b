//! The paging engine: page tables, TLB, frames and their lists, the page file, working
//! sets and fault handling (reference §8, DESIGN §2). SKELETON: to be replaced by the
//! paging-engine work.

use super::addr::Vpn;
use super::config::Config;
use super::error::ExceptionRecord;
use super::machine::Machine;
use super::picture::Picture;

/// Everything physical about the machine.
#[derive(Clone, Debug, Default)]
pub struct Paging {}

impl Paging {
    /// RAM, page file, TLB and working set as `config` sizes them.
    pub fn new(_config: &Config) -> Paging {
        Paging {}
    }

    /// Fill the physical parts of `picture`.
    pub fn fill_picture(&self, _picture: &mut Picture) {}
}

impl Machine {
    /// A data read of `buf.len()` bytes at `va` (may cross pages; stops at the first exception).
    pub fn read(&mut self, _va: u64, _buf: &mut [u8]) -> Result<(), ExceptionRecord> {
        Ok(())
    }

    /// A data write of `data` at `va` (may cross pages; stops at the first exception).
    pub fn write(&mut self, _va: u64, _data: &[u8]) -> Result<(), ExceptionRecord> {
        Ok(())
    }

    /// An instruction fetch at `va`.
    pub fn execute(&mut self, _va: u64) -> Result<(), ExceptionRecord> {
        Ok(())
    }

    /// `PageOut(addr, size)`: trim those resident pages from the working set; returns how many.
    pub fn page_out(&mut self, _va: u64, _size: u64) -> usize {
        0
    }

    /// `EmptyWorkingSet()`: trim every page; returns how many.
    pub fn empty_working_set(&mut self) -> usize {
        0
    }

    /// `WriteModifiedPages()`: run the modified page writer; returns pages written.
    pub fn write_modified_pages(&mut self) -> usize {
        0
    }

    /// Drop every trace of pages `first..first+count` (decommit, release): frames to the
    /// free list, slots freed, PTEs emptied, TLB entries flushed. Emits events, no step.
    pub(crate) fn discard_pages(&mut self, _first: Vpn, _count: u64) {}

    /// The protection of pages `first..first+count` changed: flush their TLB entries and
    /// update valid PTEs. Emits events, no step.
    pub(crate) fn protection_changed(&mut self, _first: Vpn, _count: u64) {}

    /// `MEM_RESET`: the contents of these pages are no longer needed (reference §3.4):
    /// mark resident pages clean so they are not written to the page file. Emits events, no step.
    pub(crate) fn reset_pages(&mut self, _first: Vpn, _count: u64) {}
}
