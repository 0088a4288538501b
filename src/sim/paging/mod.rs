//! The paging engine: the CPU side of an access, fault handling, trimming and the
//! modified page writer (reference §7–§9, DESIGN §2–§3).
//!
//! The engine is an [`Engine`]: borrowed views of the system, of the running process's
//! MMU state, of its regions through the narrow [`Vad`] interface, and of the recorder.
//! It depends on those and on nothing above it: the machine builds an engine for each
//! operation, the engine never sees the machine.
//!
//! Each module holds one mechanism:
//! - `access`: the CPU side of a read, write or fetch (split, TLB, walk, decode);
//!   `transfer`: the access itself once the page is usable (TLB fill, PTE bits, bytes);
//! - `fault`: the fault handler (demand-zero, transition, hard); `cluster`: the
//!   neighbours a hard fault reads in the same I/O;
//! - `take`: choosing a frame by the allocation orders of reference §8.3;
//! - `trim`: choosing pages to remove from the working set; `evict`: removing one and
//!   sending its frame to a list; `balance`: the working-set manager, which trims when
//!   available memory runs low; `writer`: the modified page writer;
//! - `discard`: what decommit, release, re-protect and `MEM_RESET` do to physical state;
//! - `narrate`: how pages, PTEs and lists are named in narration; [`vad`]: the interface
//!   to the address space.
//!
//! Data is never lost: every page that was written lives in exactly one place that counts,
//! a frame whose `modified` flag is set, or a page-file slot; a clean frame with a slot
//! holds the same bytes as the slot; a clean frame without a slot holds zeros (or, after
//! `MEM_RESET`, bytes nobody needs any more).

mod access;
mod balance;
mod cluster;
mod discard;
mod evict;
mod fault;
mod mapped;
pub(crate) mod narrate;
mod others;
mod shared;
mod take;
mod transfer;
mod trim;
pub mod vad;
mod writer;

use super::addr::{Owner, Vpn, PAGE_SIZE};
use super::error::ExceptionRecord;
use super::event::{Event, Pte};
use super::process::Mmu;
use super::record::{Recorder, Scene};
use super::system::System;

pub(crate) use discard::Discarded;
pub use others::Others;
pub(crate) use shared::free_section_frames;
pub use vad::Vad;

/// The engine at work on one process: what it may touch while an operation runs.
pub struct Engine<'a, V: Vad> {
    /// RAM, page file, commit and the system's settings.
    pub(crate) sys: &'a mut System,
    /// The running process's tables, TLB, working set and counters.
    pub(crate) mmu: &'a mut Mmu,
    /// The running process's regions.
    pub(crate) vad: &'a mut V,
    /// Where steps go.
    pub(crate) rec: &'a mut Recorder,
    /// The running process's name (for the picture).
    pub(crate) name: &'a str,
    /// Every other process: the working-set manager may trim them, and frames they own
    /// keep their PTEs in their own page tables.
    pub(crate) others: Others<'a>,
    /// `Some` while acting for another process ([`Engine::as_owner`]): the steps built,
    /// held for the running process's engine to record.
    pub(crate) held: Option<others::Held>,
    /// Another process changed since the last step: the next step is a whole-picture one.
    pub(crate) others_changed: bool,
}

impl<V: Vad> Engine<'_, V> {
    /// Add an event to the step being built.
    pub(crate) fn emit(&mut self, event: Event) {
        self.rec.emit(event);
    }

    /// Close the step being built with its narration. `narration` is only called when
    /// recording; the work is in the one non-generic-in-the-closure `close_step`.
    #[inline]
    pub(crate) fn end_step(&mut self, narration: impl FnOnce() -> String) {
        let narration = self.rec.recording().then(narration);
        self.close_step(narration);
    }

    #[inline(never)]
    fn close_step(&mut self, narration: Option<String>) {
        if let Some(held) = &mut self.held {
            held.push((self.rec.take_pending(), narration));
            return;
        }
        if self.others_changed {
            self.close_whole_step(narration);
            return;
        }
        let scene = Scene {
            system: self.sys,
            mmu: self.mmu,
            regions: &*self.vad,
            name: self.name,
        };
        self.rec.close(narration, scene);
    }

    /// Add the access just made to the last step, if it may join it (see
    /// [`crate::sim::record::Recorder::join`]); true when it did.
    pub(crate) fn join_step(&mut self) -> bool {
        if self.held.is_some() || self.others_changed || !self.rec.recording() {
            return false;
        }
        let scene = Scene {
            system: self.sys,
            mmu: self.mmu,
            regions: &*self.vad,
            name: self.name,
        };
        self.rec.join(scene)
    }

    /// The owner of the running process's page `vpn`.
    pub(crate) fn owner(&self, vpn: Vpn) -> Owner {
        Owner::Private {
            process: self.mmu.pid,
            vpn,
        }
    }

    /// A data read of `buf.len()` bytes at `va` (may cross pages; stops at the first exception).
    pub fn read(&mut self, va: u64, buf: &mut [u8]) -> Result<(), ExceptionRecord> {
        self.access_bytes(va, access::Data::Read(buf))
    }

    /// A C string read at `va`, as `printf("%s")` does: the bytes up to and including the
    /// first NUL, at most `max` bytes. Returns the string without its NUL.
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
}

/// The bytes of the running process's page `vpn`, in RAM or in its page-file copy; `None`
/// when the page holds nothing yet (reads as zeros). For tests and inspection.
pub fn peek_page(sys: &System, mmu: &Mmu, vpn: Vpn) -> Option<Vec<u8>> {
    match mmu.tables.pte(vpn) {
        Pte::Valid { pfn, .. } | Pte::Transition { pfn } => Some(sys.frames.bytes(pfn).to_vec()),
        Pte::PageFile { slot } => {
            let mut out = vec![0; PAGE_SIZE as usize];
            sys.pagefile.read(slot, &mut out);
            Some(out)
        }
        _ => None,
    }
}
