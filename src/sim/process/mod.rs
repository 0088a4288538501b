//! A process: its address space and everything the MMU keeps for it (DESIGN §9).
//!
//! [`Process`] owns its id and name, its address space (the VADs, [`crate::sim::space`]),
//! its [`Mmu`] state (page tables and CR3, the TLB contents while it runs, the working set
//! with its limit and policy state, and its fault counters) and its last error. The
//! paging engine is handed the [`Mmu`] and, separately, the address space through the
//! narrow [`crate::sim::paging::Vad`] interface, never the whole process.

pub mod tables;
pub mod tlb;
pub mod working_set;

use super::addr::ProcessId;
use super::config::Config;
use super::picture::{Counters, ProcessState};
use super::space::AddressSpace;
use tables::PageTables;
use tlb::Tlb;
use working_set::WorkingSet;

/// What the MMU and the memory manager keep per process.
#[derive(Clone, Debug)]
pub struct Mmu {
    /// The process the state belongs to (private frames are owned by (process, page)).
    pub pid: ProcessId,
    /// What CR3 holds while the process runs: the address of its PML4. Page tables live
    /// outside simulated RAM, so this is a made-up physical address, one per process.
    pub cr3: u64,
    /// The page tables.
    pub tables: PageTables,
    /// The TLB's contents while the process runs.
    pub tlb: Tlb,
    /// The working set with its limit and the policy's state.
    pub ws: WorkingSet,
    /// Fault and TLB counters. The page-file counters are the system's (`System::io`)
    /// and stay 0 here.
    pub counters: Counters,
    /// The address the CPU is working on, shown by the address split and the walk.
    pub focus: Option<u64>,
}

impl Mmu {
    /// Empty tables, TLB and working set for process `pid`, sized by `config`.
    pub fn new(pid: ProcessId, config: &Config) -> Mmu {
        Mmu {
            pid,
            cr3: cr3_of(pid),
            tables: PageTables::new(),
            tlb: Tlb::new(config.tlb),
            ws: WorkingSet::new(config.working_set_limits(), config.policy),
            counters: Counters::default(),
            focus: None,
        }
    }

    /// Drop the change lists (what changed here is drawn some other way, or not at all).
    pub fn forget_changes(&mut self) {
        self.tables.take_changes();
        self.tlb.take_changes();
        self.ws.take_changes();
    }
}

/// The made-up physical address of process `pid`'s PML4, above simulated RAM.
fn cr3_of(pid: ProcessId) -> u64 {
    0x1_0000_0000 + u64::from(pid.0) * 0x1000
}

/// One process.
#[derive(Clone, Debug)]
pub struct Process {
    /// Its id.
    pub id: ProcessId,
    /// Its name (`main` for the first).
    pub name: String,
    /// Its allocations (VADs) and per-page state and protection (reference §2–§6).
    pub space: AddressSpace,
    /// Page tables, TLB, working set and counters.
    pub mmu: Mmu,
    /// What `GetLastError()` returns.
    pub last_error: u32,
    /// Running, ready, waiting or ended (DESIGN §9).
    pub state: ProcessState,
    /// The handle table: slot `i` is handle value `4 * (i + 1)` (kernel handles are
    /// multiples of 4, docs/windows-sections.md §11.1); `None` once closed.
    pub handles: Vec<Option<Handle>>,
}

/// What a handle refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handle {
    /// A section (file mapping) with the access the handle grants.
    Section {
        /// The section.
        id: super::addr::SectionId,
        /// `FILE_MAP_*` rights of the handle.
        access: u32,
    },
    /// An open file of the disk (docs/windows-sections.md §7).
    File {
        /// The file's number on the disk.
        file: u32,
        /// `GENERIC_*` rights of the handle.
        access: u32,
        /// `FILE_SHARE_*` modes it allows others.
        share: u32,
        /// Its file pointer.
        pointer: u64,
    },
}

impl Process {
    /// Add `handle` to the table; returns its value.
    pub fn open_handle(&mut self, handle: Handle) -> u64 {
        self.handles.push(Some(handle));
        4 * self.handles.len() as u64
    }

    /// What handle value `value` refers to, if it is open.
    pub fn handle(&self, value: u64) -> Option<Handle> {
        if value == 0 || !value.is_multiple_of(4) {
            return None;
        }
        let i = usize::try_from(value / 4 - 1).ok()?;
        self.handles.get(i).copied().flatten()
    }

    /// The handle `value`, to change (a file handle's pointer).
    pub fn handle_mut(&mut self, value: u64) -> Option<&mut Handle> {
        self.handle(value)?;
        self.handles.get_mut((value / 4 - 1) as usize)?.as_mut()
    }

    /// Close handle `value`; returns what it referred to.
    pub fn close_handle(&mut self, value: u64) -> Option<Handle> {
        let h = self.handle(value)?;
        self.handles[(value / 4 - 1) as usize] = None;
        Some(h)
    }

    /// A process with an empty address space.
    pub fn new(id: ProcessId, name: &str, config: &Config) -> Process {
        Process {
            id,
            name: name.to_string(),
            space: AddressSpace::new(config),
            mmu: Mmu::new(id, config),
            last_error: 0,
            state: ProcessState::Ready,
            handles: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_process_has_its_own_cr3() {
        let config = Config::default();
        let a = Process::new(ProcessId(4), "main", &config);
        let b = Process::new(ProcessId(8), "reader", &config);
        assert_ne!(a.mmu.cr3, b.mmu.cr3);
        assert_eq!(a.mmu.pid, a.id);
        assert_eq!(b.mmu.ws.limit(), config.working_set_limits().max);
    }
}
