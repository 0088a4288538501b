//! What the machine reports: typed events grouped into steps (DESIGN §3).
//!
//! A step is what one click of "step" shows. Events describe every visible change of the
//! step in order; the narration says what happened and why in plain words. The picture of
//! each step is recorded separately (see [`super::history`]).

use serde::Serialize;

use super::addr::{Level, Pfn, ProcessId, SectionId, Slot, Vpn};
use super::error::Access;

/// A page-table entry as the visualizer shows it (reference §8.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pte {
    /// Zero: nothing is decided here; the region (VAD) decides.
    Empty,
    /// Valid: the page is in RAM, in a working set.
    Valid {
        /// The frame that holds the page.
        pfn: Pfn,
        /// Hardware accessed bit.
        accessed: bool,
        /// Hardware dirty bit.
        dirty: bool,
        /// Writable per the page's protection.
        writable: bool,
    },
    /// Committed, never touched: the first touch gets a zeroed frame.
    DemandZero,
    /// The page is in RAM on the standby or modified list.
    Transition {
        /// The frame still holding the page.
        pfn: Pfn,
    },
    /// The page is in the page file.
    PageFile {
        /// The slot holding it.
        slot: Slot,
    },
    /// Points at a prototype PTE of a section. Never written today: a view's PTE is empty until
    /// its first touch and valid after it, and both are resolved through the section.
    Prototype {
        /// Index of the prototype PTE.
        index: u32,
    },
}

/// The physical page lists of the PFN database (reference §8.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameList {
    /// Valid in a working set.
    Active,
    /// Clean, removed from a working set; PTE in transition.
    Standby,
    /// Dirty, removed from a working set; must be written before reuse.
    Modified,
    /// Free, contents are garbage.
    Free,
    /// Free and zero-filled.
    Zeroed,
}

impl FrameList {
    /// The lower-case name used in narration.
    pub fn name(self) -> &'static str {
        match self {
            FrameList::Active => "active",
            FrameList::Standby => "standby",
            FrameList::Modified => "modified",
            FrameList::Free => "free",
            FrameList::Zeroed => "zeroed",
        }
    }
}

/// What kind of page fault happened (reference §8.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// First touch of committed private memory: a zeroed frame (soft).
    DemandZero,
    /// The page was on the standby or modified list (soft).
    Transition,
    /// The page is read back from the page file (hard).
    Hard,
    /// The page is not committed, or the protection forbids the access.
    AccessViolation,
    /// The first touch of a `PAGE_GUARD` page.
    GuardPage,
    /// The first write to a `PAGE_WRITECOPY` page: a private copy is made (soft;
    /// docs/windows-sections.md §9).
    CopyOnWrite,
}

/// One visible change or fact, in the order it happens (DESIGN §3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A Win32 or tutorial call begins.
    Call {
        /// Function name, e.g. `VirtualAlloc`.
        name: String,
        /// Argument values.
        args: Vec<u64>,
    },
    /// A call returns.
    Return {
        /// Return value.
        value: u64,
        /// `GetLastError()` after the call.
        last_error: u32,
    },
    /// The CPU splits an address into its table indices.
    AddressSplit {
        /// The virtual address.
        va: u64,
        /// PML4 index.
        pml4: u16,
        /// PDPT index.
        pdpt: u16,
        /// PD index.
        pd: u16,
        /// PT index.
        pt: u16,
        /// Byte offset in the page.
        offset: u16,
        /// The access being made.
        access: Access,
    },
    /// The TLB held the translation.
    TlbHit {
        /// Virtual page.
        vpn: Vpn,
        /// Frame.
        pfn: Pfn,
    },
    /// The TLB did not hold the translation; the walk follows.
    TlbMiss {
        /// Virtual page.
        vpn: Vpn,
    },
    /// A translation is cached in the TLB.
    TlbFill {
        /// Virtual page.
        vpn: Vpn,
        /// Frame.
        pfn: Pfn,
        /// The entry it replaced, if the TLB was full.
        evicted: Option<Vpn>,
    },
    /// A translation is removed from the TLB.
    TlbFlush {
        /// Virtual page.
        vpn: Vpn,
    },
    /// A page table is created on first need.
    TableCreated {
        /// Its level.
        level: Level,
        /// First virtual address it covers.
        covers: u64,
    },
    /// The walk reads one level's entry.
    Walk {
        /// Level of the table read.
        level: Level,
        /// Index into it.
        index: u16,
        /// Whether the entry points to a next-level table (or, at PT level, is valid).
        present: bool,
    },
    /// A leaf PTE is read and decoded.
    PteRead {
        /// Virtual page.
        vpn: Vpn,
        /// The entry.
        pte: Pte,
    },
    /// A leaf PTE changes.
    PteWritten {
        /// Virtual page.
        vpn: Vpn,
        /// Before.
        old: Pte,
        /// After.
        new: Pte,
    },
    /// A page fault is taken.
    PageFault {
        /// Faulting address.
        va: u64,
        /// Its kind.
        fault: FaultKind,
        /// The access that faulted.
        access: Access,
    },
    /// A frame is taken off a list to hold a page.
    FrameTaken {
        /// The frame.
        pfn: Pfn,
        /// The list it came from.
        from: FrameList,
    },
    /// A frame is filled with zeros.
    FrameZeroed {
        /// The frame.
        pfn: Pfn,
    },
    /// A frame moves between lists.
    ListMove {
        /// The frame.
        pfn: Pfn,
        /// Old list.
        from: FrameList,
        /// New list.
        to: FrameList,
    },
    /// A page leaves the working set.
    PageTrimmed {
        /// Virtual page.
        vpn: Vpn,
        /// Its frame.
        pfn: Pfn,
        /// The policy that chose it, or `None` when asked for explicitly.
        policy: Option<super::config::Policy>,
        /// The list the frame goes to.
        to: FrameList,
    },
    /// A page is written to the page file.
    PageFileWrite {
        /// Slot written.
        slot: Slot,
        /// Frame read.
        pfn: Pfn,
        /// Page it belongs to; `None` for a page-file section's page, which belongs to
        /// its prototype PTE (docs/windows-sections.md §8.2).
        vpn: Option<Vpn>,
    },
    /// A page is read from the page file.
    PageFileRead {
        /// Slot read.
        slot: Slot,
        /// Frame filled.
        pfn: Pfn,
        /// Page it belongs to.
        vpn: Vpn,
    },
    /// A page-file slot is freed.
    SlotFreed {
        /// The slot.
        slot: Slot,
    },
    /// A hard fault reads neighbouring pages too (reference §8.5).
    ClusterRead {
        /// The pages read besides the faulting one.
        vpns: Vec<Vpn>,
    },
    /// The commit charge changes (reference §8.6).
    CommitCharge {
        /// Pages before.
        old: u64,
        /// Pages after.
        new: u64,
        /// The limit.
        limit: u64,
    },
    /// An allocation's pages change state or protection.
    RegionChange {
        /// First byte.
        base: u64,
        /// Bytes.
        size: u64,
        /// New state: `MEM_COMMIT`, `MEM_RESERVE` or `MEM_FREE`.
        state: u32,
        /// New protection (0 when not committed).
        protect: u32,
    },
    /// Bytes are read.
    DataRead {
        /// Address.
        va: u64,
        /// Byte count.
        len: u64,
    },
    /// Bytes are written.
    DataWritten {
        /// Address.
        va: u64,
        /// Byte count.
        len: u64,
    },
    /// More accesses joined the step: each on the same line, page and kind as its first,
    /// and each a plain TLB hit that changes nothing else (docs/steps.md).
    Repeated {
        /// How many accesses joined (the step holds one more).
        count: u32,
        /// The length of the step's narration before the first joined (the sentence
        /// about the joined ones follows).
        #[serde(skip)]
        said: u32,
    },
    /// An exception is raised; the statement is abandoned (reference §7).
    Exception {
        /// NTSTATUS.
        code: u32,
        /// `STATUS_*` name.
        name: String,
        /// `ExceptionInformation`.
        info: Vec<u64>,
    },
    /// The faulting instruction runs again after the fault is resolved.
    InstructionRestarted {
        /// The address.
        va: u64,
    },
    /// The script printed text.
    Output {
        /// The text.
        text: String,
    },
    /// A process was created (DESIGN §9).
    ProcessCreated {
        /// Its id.
        pid: ProcessId,
        /// What CR3 will hold while it runs.
        cr3: u64,
    },
    /// The CPU switches from one process to another: CR3 is reloaded and the TLB flushed
    /// (reference §8.7, DESIGN §9).
    ContextSwitch {
        /// The process that stops running (`None` when it had ended).
        from: Option<ProcessId>,
        /// The process that runs now.
        to: ProcessId,
        /// The new CR3.
        cr3: u64,
        /// TLB entries flushed.
        flushed: u32,
    },
    /// A section object was created (docs/windows-sections.md §2).
    SectionCreated {
        /// The section.
        section: SectionId,
        /// Its pages (one prototype PTE each).
        pages: u32,
    },
    /// A view of a section was mapped (docs/windows-sections.md §4).
    ViewMapped {
        /// The section.
        section: SectionId,
        /// The view's first byte.
        base: u64,
        /// Its pages.
        pages: u64,
    },
    /// A view was unmapped (docs/windows-sections.md §5).
    ViewUnmapped {
        /// The section.
        section: SectionId,
        /// The view's first byte.
        base: u64,
        /// Its pages.
        pages: u64,
    },
    /// A section went with its last handle and view (docs/windows-sections.md §6).
    SectionDeleted {
        /// The section.
        section: SectionId,
    },
    /// Bytes of a disk file were read: a mapped page's hard fault or `ReadFile`
    /// (docs/windows-sections.md §7, §8.1).
    FileRead {
        /// The file's name.
        file: String,
        /// The first byte read.
        offset: u64,
        /// How many.
        bytes: u64,
        /// The frame a mapped page is read into; `None` for `ReadFile`, whose buffer
        /// the core never sees by address.
        pfn: Option<Pfn>,
    },
    /// Bytes of a disk file were written: a mapped page written back, or `WriteFile`.
    FileWrite {
        /// The file's name.
        file: String,
        /// The first byte written.
        offset: u64,
        /// How many.
        bytes: u64,
        /// The frame a mapped page is written back from; `None` for `WriteFile`.
        pfn: Option<Pfn>,
    },
    /// A process ended: its private frames are freed, its views unmapped, its handles
    /// closed (DESIGN §9).
    ProcessExited {
        /// Its id.
        pid: ProcessId,
        /// Its exit code.
        code: u32,
    },
}

/// What one click of "step" shows: events in order and one narration sentence or two.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The changes, in order.
    pub events: Vec<Event>,
    /// Plain-language explanation of cause and effect.
    pub narration: String,
    /// The 1-based script line that caused it, if a script is running.
    pub line: Option<u32>,
}

impl Step {
    /// True when this step is worth a marker on the scrubber: a fault, a page-out or an exception.
    pub fn marker(&self) -> Option<&'static str> {
        let mut best = None;
        for e in &self.events {
            match e {
                Event::Exception { .. } => return Some("exception"),
                Event::PageFault { .. } => best = Some("fault"),
                Event::PageTrimmed { .. }
                | Event::PageFileWrite { .. }
                | Event::FileWrite { .. }
                    if best.is_none() =>
                {
                    best = Some("pageout")
                }
                _ => {}
            }
        }
        best
    }
}
