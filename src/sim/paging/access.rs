//! The CPU side of an access: split the address, look in the TLB, walk the tables, decode
//! the PTE, and either use the page (`transfer` moves the bytes), raise an exception, or
//! hand over to the fault handler (reference §7, §8.1–§8.2).

use super::{Engine, Vad};
use crate::sim::addr::{is_canonical, AddressSplit, Pfn, Vpn, PAGE_SIZE, USER_SPACE_END};
use crate::sim::consts::protection_name;
use crate::sim::error::{Access, ExceptionRecord};
use crate::sim::event::{Event, FaultKind, Pte};
use crate::sim::protection;
use crate::sim::space::PageState;

use super::narrate;

/// The bytes an access moves.
pub(super) enum Data<'a> {
    /// A read into the buffer.
    Read(&'a mut [u8]),
    /// A write of these bytes.
    Write(&'a [u8]),
    /// An instruction fetch.
    Fetch,
    /// A C string read (`%s`): bytes up to and including the first NUL, at most `max`
    /// bytes. `out` receives the bytes before the NUL.
    CString {
        /// The string's bytes, without the NUL.
        out: &'a mut Vec<u8>,
        /// Most bytes read when no NUL comes first.
        max: usize,
    },
}

/// How the translation was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Path {
    /// The TLB held it; the step is still open.
    Hit,
    /// A walk found a valid PTE without a fault.
    Walked,
    /// A fault made the page valid; the instruction restarts.
    Restarted,
}

impl<V: Vad> Engine<'_, V> {
    /// Perform an access of `data` at `va`, page by page.
    pub(super) fn access_bytes(&mut self, va: u64, mut data: Data) -> Result<(), ExceptionRecord> {
        let (access, mut len) = match &data {
            Data::Read(b) => (Access::Read, b.len()),
            Data::Write(b) => (Access::Write, b.len()),
            Data::Fetch => (Access::Execute, 1),
            Data::CString { max, .. } => (Access::Read, *max),
        };
        // A working set that had to pass its hard maximum is trimmed back as soon as pages
        // can leave (reference §8.4; see `trim_back_to_limit`).
        self.trim_back_to_limit();
        let mut done = 0usize;
        while done < len {
            let cur = va.wrapping_add(done as u64);
            if cur < va {
                // The range runs past the top of the address space.
                return Err(self.violation(cur, access, || {
                    "The access runs past the top of the address space.".into()
                }));
            }
            let room = (PAGE_SIZE - (cur & (PAGE_SIZE - 1))) as usize;
            let mut n = room.min(len - done);
            let (pfn, path) = self.make_accessible(cur, access)?;
            // One page reference, for OPT's reference string (system/future.rs).
            self.sys.future.note(self.mmu.pid, Vpn::of(cur));
            if let Data::CString { .. } = data {
                // C reads a string only up to and including its NUL: look for it in this
                // page, so the read records the true byte count.
                let offset = (cur & (PAGE_SIZE - 1)) as usize;
                let bytes = &self.sys.frames.bytes(pfn)[offset..offset + n];
                if let Some(nul) = bytes.iter().position(|&b| b == 0) {
                    n = nul + 1;
                    len = done + n;
                }
            }
            self.data_step(cur, pfn, path, access, &mut data, done, n);
            done += n;
            self.writer_if_due();
        }
        Ok(())
    }

    /// Make the page of `va` usable for `access`: TLB hit, walk, or fault.
    fn make_accessible(&mut self, va: u64, access: Access) -> Result<(Pfn, Path), ExceptionRecord> {
        let vpn = Vpn::of(va);
        self.mmu.focus = Some(va);
        // A non-canonical address raises #GP (reference §2, SDM), which reports no
        // address: Windows turns it into an access violation with information
        // [0, 0xFFFFFFFFFFFFFFFF] whatever the access (as Wine's x86-64 trap handler does).
        if !is_canonical(va) {
            return Err(self.general_protection(va, access));
        }
        // The upper canonical half belongs to the kernel (reference §2): a user-mode access
        // is a page fault on a supervisor page, an access violation [kind, address].
        if va > USER_SPACE_END {
            return Err(self.violation(va, access, move || {
                format!(
                    "Address {va:#x} is not in the user half of the address space, so the CPU \
                     refuses it: the {} raises an access violation.",
                    access.verb()
                )
            }));
        }
        let split = AddressSplit::of(va);
        self.emit(Event::AddressSplit {
            va,
            pml4: split.pml4,
            pdpt: split.pdpt,
            pd: split.pd,
            pt: split.pt,
            offset: split.offset,
            access,
        });
        if let Some(entry) = self.mmu.tlb.lookup(vpn) {
            self.mmu.counters.tlb_hits += 1;
            self.emit(Event::TlbHit {
                vpn,
                pfn: entry.pfn,
            });
            // Protection is enforced on a hit too: the entry carries the writable and NX bits.
            // A copy-on-write page's entry is read-only: its first write faults (§8.7).
            let copy = access == Access::Write && protection::is_writecopy(entry.protect);
            if protection::allows(entry.protect, access) && !copy {
                return Ok((entry.pfn, Path::Hit));
            }
            if copy {
                self.end_step(|| {
                    "The TLB entry is read-only (copy-on-write): the write faults.".into()
                });
                return self.walk_and_decode(va, vpn, access);
            }
            return Err(self.violation(va, access, move || {
                format!(
                    "The TLB maps page {} to frame {}, but the page is {}, which does not allow \
                     {}. The CPU raises an access violation{}.",
                    narrate::page(vpn),
                    entry.pfn.0,
                    protection_name(entry.protect),
                    access_noun(access),
                    dep_note(access)
                )
            }));
        }
        self.mmu.counters.tlb_misses += 1;
        self.emit(Event::TlbMiss { vpn });
        self.end_step(|| {
            format!(
                "The CPU {} {va:#x}. It splits the address into PML4 index {}, PDPT index {}, \
                 PD index {}, PT index {} and byte offset {:#x}. The TLB has no entry for page \
                 {}, so the CPU walks the page tables, starting from CR3.",
                access_phrase(access),
                split.pml4,
                split.pdpt,
                split.pd,
                split.pt,
                split.offset,
                narrate::page(vpn)
            )
        });
        self.walk_and_decode(va, vpn, access)
    }

    /// Walk the tables for `vpn`, decode the PTE and act on it.
    fn walk_and_decode(
        &mut self,
        va: u64,
        vpn: Vpn,
        access: Access,
    ) -> Result<(Pfn, Path), ExceptionRecord> {
        let walk = self.mmu.tables.walk(vpn);
        for l in walk.levels.iter().flatten() {
            self.emit(Event::Walk {
                level: l.level,
                index: l.index,
                present: l.present,
            });
        }
        self.emit(Event::PteRead { vpn, pte: walk.pte });
        let found = match walk.missing {
            Some(level) => format!(
                "The walk reads {}: that entry is empty, so no {} exists yet for this address \
                 and the page has no PTE.",
                narrate::walk_path(&walk),
                level.name()
            ),
            None => format!(
                "The walk reads {}: the PTE is {}.",
                narrate::walk_path(&walk),
                narrate::pte(walk.pte)
            ),
        };
        let info = self.vad.page(vpn);
        let committed = info.state == PageState::Committed;
        // An uncommitted page has no storage at all (reference §7 table, §8.1 kind 4).
        if !committed {
            let what = match info.state {
                PageState::Reserved => "reserved but not committed: no memory backs it",
                _ => "not part of any allocation",
            };
            return Err(self.violation(va, access, move || {
                format!(
                    "{found} The memory manager checks the region: page {} is {what}, so the {} \
                     raises an access violation.",
                    narrate::page(vpn),
                    access.verb()
                )
            }));
        }
        // PAGE_GUARD: the first access of any kind raises STATUS_GUARD_PAGE_VIOLATION and
        // clears the guard; the access is not performed (reference §7, MS-GUARD).
        if protection::is_guard(info.protect) {
            return Err(self.guard_fired(va, vpn, access, found));
        }
        // The protection decides before any frame is spent (reference §7 table).
        if !protection::allows(info.protect, access) {
            let prot = info.protect;
            return Err(self.violation(va, access, move || {
                format!(
                    "{found} Page {} is {}, which does not allow {}, so the CPU raises an \
                     access violation{}.",
                    narrate::page(vpn),
                    protection_name(prot),
                    access_noun(access),
                    dep_note(access)
                )
            }));
        }
        let view = self.vad.view_page(vpn);
        // The first write to a PAGE_WRITECOPY page of a view makes a private copy
        // (docs/windows-sections.md §9, reference §8.2).
        if let (Some(page), Access::Write) = (view, access) {
            if protection::is_writecopy(info.protect) {
                let ctx = super::fault::FaultCtx { va, vpn, access };
                let pfn = self.copy_on_write(ctx, page, info.protect, walk.pte, found)?;
                return Ok((pfn, Path::Restarted));
            }
        }
        let fault = match walk.pte {
            Pte::Valid { pfn, .. } => {
                self.end_step(move || {
                    format!("{found} The page is in RAM, so no fault is needed.")
                });
                return Ok((pfn, Path::Walked));
            }
            // A PTE pointing at a prototype PTE belongs to a view's page, which
            // `resolve_fault` resolves through the section (docs/windows-sections.md §8.2)
            // as it does the empty PTE of a view's first touch. PageLab leaves a view's PTE
            // empty until that touch and valid after it, so it never writes this kind.
            Pte::Empty | Pte::DemandZero | Pte::Prototype { .. } => match view {
                // A view's page: the kind is the section's prototype PTE's (a soft fault
                // when another view has the page in RAM, docs/windows-sections.md §8.2).
                Some((section, index)) => {
                    let s = self.sys.section(section);
                    let proto = s.and_then(|s| s.prototypes.get(index as usize).copied());
                    match proto {
                        Some(Pte::Valid { .. } | Pte::Transition { .. }) => FaultKind::Transition,
                        Some(Pte::PageFile { .. }) => FaultKind::Hard,
                        Some(Pte::Empty) if self.sys.backing_file(section).is_some() => {
                            FaultKind::Hard
                        }
                        // An image page is read from its file (docs/windows-sections.md §10).
                        _ if s.is_some_and(crate::sim::system::section::Section::is_image) => {
                            FaultKind::Hard
                        }
                        _ => FaultKind::DemandZero,
                    }
                }
                None => FaultKind::DemandZero,
            },
            Pte::Transition { .. } => FaultKind::Transition,
            Pte::PageFile { .. } => FaultKind::Hard,
        };
        self.emit(Event::PageFault { va, fault, access });
        let protect = info.protect;
        let pte = walk.pte;
        // A transition PTE's frame is on the standby or the modified list: name which.
        let list = match pte {
            Pte::Transition { pfn } => self.sys.frames.get(pfn).list,
            _ => crate::sim::event::FrameList::Active,
        };
        self.end_step(move || {
            let page = narrate::page(vpn);
            let kind = match (pte, view) {
                (_, Some((section, _))) => format!(
                    "The fault handler checks the region: page {page} lies in a view of section \
                     {} ({}), so what it holds is decided by the section's prototype PTE.",
                    section.0,
                    protection_name(protect)
                ),
                (Pte::Empty, _) => format!(
                    "The fault handler checks the region: page {page} is committed ({}) but has \
                     never been used, so this is a demand-zero fault: it gets a page of zeros.",
                    protection_name(protect)
                ),
                (Pte::DemandZero, _) => format!(
                    "Page {page} holds nothing that must be kept, so this is a demand-zero \
                     fault: it gets a fresh page of zeros."
                ),
                (Pte::Transition { pfn }, _) => format!(
                    "Frame {} still holds page {page} on the {} list, so this is a soft fault: \
                     no disk I/O is needed.",
                    pfn.0,
                    list.name()
                ),
                (Pte::PageFile { .. }, _) => "The page is not in RAM, so this is a hard fault: it \
                                         must be read back from the page file on disk."
                    .to_string(),
                _ => String::new(),
            };
            format!("{found} There is no valid translation, so the CPU raises a page fault. {kind}")
        });
        let pfn = self.resolve_fault(va, vpn, access, walk.pte, protect)?;
        Ok((pfn, Path::Restarted))
    }

    /// Close the open step with an access violation at `va`.
    pub(super) fn violation(
        &mut self,
        va: u64,
        access: Access,
        narration: impl FnOnce() -> String,
    ) -> ExceptionRecord {
        let record = self.raise_violation(va, access);
        let info = record.info;
        self.end_step(move || abandoned(narration(), info));
        record
    }

    /// Count an access violation at `va` and emit it; the record it raises.
    fn raise_violation(&mut self, va: u64, access: Access) -> ExceptionRecord {
        let record = ExceptionRecord::access_violation(access, va);
        self.mmu.counters.access_violation += 1;
        self.fault_raises(va, FaultKind::AccessViolation, access, &record);
        record
    }

    /// A non-canonical `va`: #GP, seen by the program as an access violation whose
    /// information is [0, 0xFFFFFFFFFFFFFFFF] (the CPU reports no faulting address).
    fn general_protection(&mut self, va: u64, access: Access) -> ExceptionRecord {
        let record = ExceptionRecord::general_protection();
        self.mmu.counters.access_violation += 1;
        self.fault_raises(va, FaultKind::AccessViolation, access, &record);
        self.end_step(move || {
            format!(
                "Address {va:#x} is not canonical: bits 63:48 must all equal bit 47. The CPU \
                 refuses the {} with a general-protection fault, which carries no address, so \
                 the program gets STATUS_ACCESS_VIOLATION (0xC0000005) with information \
                 [0, 0xffffffffffffffff]; the statement is abandoned.",
                access.verb()
            )
        });
        record
    }

    /// Emit the fault at `va` and then the exception it raises.
    fn fault_raises(
        &mut self,
        va: u64,
        fault: FaultKind,
        access: Access,
        record: &ExceptionRecord,
    ) {
        self.emit(Event::PageFault { va, fault, access });
        self.raise(record);
    }

    /// Emit the exception event for `record`.
    pub(super) fn raise(&mut self, record: &ExceptionRecord) {
        self.emit(Event::Exception {
            code: record.code,
            name: record.name().to_string(),
            info: record.info.to_vec(),
        });
    }

    /// The guard page fired: disarm it and raise the one-shot exception (reference §7).
    fn guard_fired(&mut self, va: u64, vpn: Vpn, access: Access, found: String) -> ExceptionRecord {
        let record = ExceptionRecord::guard_page(access, va);
        self.mmu.counters.guard += 1;
        self.fault_raises(va, FaultKind::GuardPage, access, &record);
        let before = self.vad.page(vpn).protect;
        self.vad.clear_guard(vpn);
        let after = self.vad.page(vpn).protect;
        self.emit(Event::RegionChange {
            base: vpn.base(),
            size: PAGE_SIZE,
            state: crate::sim::consts::MEM_COMMIT,
            protect: after,
        });
        self.end_step(move || {
            format!(
                "{found} Page {} is a guard page ({}). The first touch raises \
                 STATUS_GUARD_PAGE_VIOLATION (0x80000001) and the guard is removed, so the page \
                 is now {}. The {} was not performed; a retry will succeed.",
                narrate::page(vpn),
                protection_name(before),
                protection_name(after),
                access.verb()
            )
        });
        record
    }
}

/// The narration of an access violation: `why`, then the exception and its information.
fn abandoned(why: String, info: [u64; 2]) -> String {
    format!(
        "{why} Exception STATUS_ACCESS_VIOLATION (0xC0000005), information [{}, {:#x}]; the \
         statement is abandoned.",
        info[0], info[1]
    )
}

/// The access as a verb phrase before an address: "reads address", "fetches an
/// instruction at".
fn access_phrase(access: Access) -> &'static str {
    match access {
        Access::Read => "reads address",
        Access::Write => "writes address",
        Access::Execute => "fetches an instruction at",
    }
}

/// The access as a noun phrase: "a read", "a write", "execution".
fn access_noun(access: Access) -> &'static str {
    match access {
        Access::Read => "a read",
        Access::Write => "a write",
        Access::Execute => "execution",
    }
}

/// The DEP note for an execute violation (reference §7: info 8).
fn dep_note(access: Access) -> &'static str {
    if access == Access::Execute {
        " (Data Execution Prevention: information 8)"
    } else {
        ""
    }
}
