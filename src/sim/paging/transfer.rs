//! The access itself, once the page is usable: the TLB fill after a walk or a fault, the
//! PTE's accessed and dirty bits (reference §8.1 hardware bits), the bytes moved between
//! the frame and the program (or the C string read), and the step that says so. `access`
//! finds the frame.

use super::access::{Data, Path};
use super::{narrate, Engine, Vad};
use crate::sim::addr::{Pfn, Vpn, PAGE_SIZE};
use crate::sim::error::Access;
use crate::sim::event::{Event, Pte};

impl<V: Vad> Engine<'_, V> {
    /// The step that actually moves the bytes, with the accessed and dirty bits.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn data_step(
        &mut self,
        va: u64,
        pfn: Pfn,
        path: Path,
        access: Access,
        data: &mut Data,
        done: usize,
        n: usize,
    ) {
        let vpn = Vpn::of(va);
        let mut evicted = None;
        if path != Path::Hit {
            if path == Path::Restarted {
                self.emit(Event::InstructionRestarted { va });
            }
            let protect = self.vad.page(vpn).protect;
            evicted = self.mmu.tlb.fill(vpn, pfn, protect);
            self.emit(Event::TlbFill { vpn, pfn, evicted });
        }
        let now = self.sys.tick();
        let f = self.sys.frames.get_mut(pfn);
        f.last_use = now;
        if matches!(f.owner, Some(crate::sim::addr::Owner::Shared { .. })) {
            // A shared frame's use stamp is this working-set page's: the picture delta
            // finds the page through its PTE (a private frame's through its owner).
            self.mmu.tables.touch(vpn);
        }
        // The CPU sets the accessed bit on every access and the dirty bit on a write
        // (reference §8.1 hardware bits).
        let old = self.mmu.tables.pte(vpn);
        let mut bits = Bits::default();
        let mut stale = None;
        if let Pte::Valid {
            accessed,
            dirty,
            writable,
            ..
        } = old
        {
            let write = access == Access::Write;
            let new = Pte::Valid {
                pfn,
                accessed: true,
                dirty: dirty || write,
                writable,
            };
            if new != old {
                self.mmu.tables.set(vpn, new);
                self.emit(Event::PteWritten { vpn, old, new });
                bits = Bits {
                    accessed: !accessed,
                    dirty: write && !dirty,
                };
            }
            if write {
                self.vad.note_written(vpn);
                let frame = self.sys.frames.get_mut(pfn);
                frame.modified = true;
                // The page-file copy is now stale: give its slot back (as Windows does
                // when a page is dirtied), so slots hold only live copies.
                if let Some(slot) = frame.slot.take() {
                    self.sys.pagefile.release(slot);
                    self.emit(Event::SlotFreed { slot });
                    stale = Some(slot);
                }
            }
        }
        let offset = (va & (PAGE_SIZE - 1)) as usize;
        let bytes = self.sys.frames.bytes_mut(pfn);
        let mut string_end = None;
        let event = match data {
            Data::Read(buf) => {
                buf[done..done + n].copy_from_slice(&bytes[offset..offset + n]);
                Some(Event::DataRead { va, len: n as u64 })
            }
            Data::Write(src) => {
                bytes[offset..offset + n].copy_from_slice(&src[done..done + n]);
                Some(Event::DataWritten { va, len: n as u64 })
            }
            Data::CString { out, max } => {
                let chunk = &bytes[offset..offset + n];
                let nul = chunk.last() == Some(&0);
                out.extend_from_slice(if nul { &chunk[..n - 1] } else { chunk });
                string_end = Some(if nul {
                    StringEnd::Nul
                } else if done + n >= *max {
                    StringEnd::Limit(*max)
                } else {
                    StringEnd::PageEnd
                });
                Some(Event::DataRead { va, len: n as u64 })
            }
            Data::Fetch => None,
        };
        if let Some(event) = event {
            self.emit(event);
        }
        // The same byte after byte: join the last step (docs/steps.md).
        if path == Path::Hit && string_end.is_none() && self.join_step() {
            return;
        }
        self.end_step(move || {
            let page = narrate::page(vpn);
            let how = match path {
                Path::Hit => format!(
                    "The TLB already maps page {page} to frame {}, so no walk is needed.",
                    pfn.0
                ),
                Path::Walked => format!(
                    "The translation page {page} → frame {} goes into the TLB.",
                    pfn.0
                ),
                Path::Restarted => format!(
                    "The fault is resolved, so the CPU restarts the instruction. This time the \
                     walk finds the valid PTE and caches page {page} → frame {} in the TLB.",
                    pfn.0
                ),
            };
            // The TLB replaces its least recently used entry when it is full (tlb.rs).
            let tlb = evicted.map_or(String::new(), |old| {
                format!(
                    " The TLB is full, so the least recently used entry, page {}, makes room.",
                    narrate::page(old)
                )
            });
            let what = match (access, string_end) {
                (Access::Read, None) => {
                    format!("The read of {} at {va:#x} succeeds", bytes_word(n))
                }
                (Access::Read, Some(StringEnd::Nul)) => format!(
                    "The read of {} at {va:#x} (the string and its NUL) succeeds",
                    bytes_word(n)
                ),
                (Access::Read, Some(StringEnd::PageEnd)) => format!(
                    "The read of {} at {va:#x} (part of the string) reaches the end of the \
                     page without a NUL, so the string goes on in the next page",
                    bytes_word(n)
                ),
                (Access::Read, Some(StringEnd::Limit(max))) => format!(
                    "The read of {} at {va:#x} (part of the string) stops at the {max}-byte \
                     limit without finding a NUL",
                    bytes_word(n)
                ),
                (Access::Write, _) => {
                    format!("The write of {} at {va:#x} succeeds", bytes_word(n))
                }
                (Access::Execute, _) => format!("The CPU fetches the instruction at {va:#x}"),
            };
            // Say which bits changed only when the PTE really changed (a PteWritten event).
            let bits = match (bits.accessed, bits.dirty) {
                (true, true) => ", and the CPU sets the PTE's accessed and dirty bits",
                (false, true) => ", and the CPU sets the PTE's dirty bit",
                (true, false) => ", and the CPU sets the PTE's accessed bit",
                (false, false) => "",
            };
            let stale = stale.map_or(String::new(), |s| {
                format!(
                    " The copy in page-file slot {} is now out of date, so the slot is freed.",
                    s.0
                )
            });
            format!("{how}{tlb} {what}{bits}.{stale}")
        });
    }
}

/// The PTE bits an access turned on.
#[derive(Clone, Copy, Debug, Default)]
struct Bits {
    accessed: bool,
    dirty: bool,
}

/// Where a string read stopped in this page.
#[derive(Clone, Copy, Debug)]
enum StringEnd {
    /// At the string's NUL.
    Nul,
    /// At the end of the page; the string goes on.
    PageEnd,
    /// At the most bytes the reader takes.
    Limit(usize),
}

/// `1 byte`, `4 bytes`.
fn bytes_word(n: usize) -> String {
    format!("{n} byte{}", plural(n))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
