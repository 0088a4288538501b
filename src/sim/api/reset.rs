//! `VirtualAlloc` with `MEM_RESET` or `MEM_RESET_UNDO` (reference §3.4), and what they ask
//! of the paging engine.
//!
//! `MEM_RESET` tells the memory manager that the contents of committed pages are no longer
//! needed: the pages stay committed with their protection, but a changed page is not
//! written to the page file any more, and its frame may be reused, after which the page
//! reads zeros. `MEM_RESET_UNDO` takes that back: it succeeds when every reset page still
//! has its data (and from then on the data is saved again), and fails when some page was
//! already given zeros. The engine's side of both lives in `paging::discard`.

use super::super::consts::*;
use super::super::error::Win32Error;
use super::super::machine::Machine;
use super::{pages_of, refuse, Done, Refusal};
use crate::sim::words::{addr, agree, pages};

impl Machine {
    /// MEM_RESET or MEM_RESET_UNDO (reference §3.4).
    pub(super) fn reset(&mut self, address: u64, size: u64, ty: u32) -> Result<Done<u64>, Refusal> {
        let name = if ty == MEM_RESET {
            "MEM_RESET"
        } else {
            "MEM_RESET_UNDO"
        };
        // The range must lie inside one allocation: a range crossing its end, or in free
        // space, fails with ERROR_INVALID_ADDRESS (reference §3.4). A NULL address names
        // the free first page of the address space, so it fails the same way.
        let (first, end) = pages_of(address, size);
        if self
            .space()
            .allocation_at(first)
            .filter(|a| end <= a.end())
            .is_none()
        {
            return refuse(
                Win32Error::InvalidAddress,
                self.outside_one_allocation(first, end, name),
            );
        }
        let start_va = first.base();
        self.set_focus(Some(start_va));
        let committed = self.space().committed_runs(first, end);
        let mut count = 0;
        for (_, n) in &committed {
            count += n;
        }
        if ty == MEM_RESET {
            // The pages stay committed with their protection; flProtect is ignored. Their
            // contents are no longer needed, so resident pages are not written to the page
            // file (reference §3.4). Reserved pages are left alone.
            for (vpn, n) in &committed {
                self.engine().mark_holding_data(*vpn, *n);
                self.engine().reset_pages(*vpn, *n);
            }
            let story = format!(
                "VirtualAlloc(MEM_RESET) tells the memory manager that the data of {} at {} is no longer needed: {} committed with the same protection, but {} contents will not be written to the page file, and a frame that holds them may be reused, after which the page reads zeros{}.",
                pages(count),
                addr(start_va),
                agree(count, "it stays", "they stay"),
                agree(count, "its", "their"),
                if count == 0 { " (no page of the range is committed, so nothing changes)" } else { "" }
            );
            return Ok(Done {
                out: start_va,
                value: start_va,
                story,
            });
        }
        // MEM_RESET_UNDO: the data is wanted again. Success means every reset page still
        // has it; failure means some of it was replaced with zeros (reference §3.4, MS-VA).
        let marked = self.space_mut().take_reset(first, end);
        let mut lost = Vec::new();
        for &(vpn, dropped) in &marked {
            // Data dropped once is gone, even if the page was touched again since.
            if dropped || !self.engine().keep_contents(vpn) {
                lost.push(vpn);
            }
        }
        if let Some(&v) = lost.first() {
            // The reference gives no error code for this failure; PageLab uses
            // ERROR_INVALID_ADDRESS.
            return refuse(
                Win32Error::InvalidAddress,
                format!(
                    "{} of the range ({} first) lost {} data after MEM_RESET: {} frame went to another use, so {} now {} zeros. The other reset pages keep their data and are saved again from now on",
                    pages(lost.len() as u64),
                    addr(v.base()),
                    agree(lost.len() as u64, "its", "their"),
                    agree(lost.len() as u64, "its", "their"),
                    agree(lost.len() as u64, "it", "they"),
                    agree(lost.len() as u64, "reads", "read"),
                ),
            );
        }
        let story = format!(
            "VirtualAlloc(MEM_RESET_UNDO) asks to keep the data of {} at {} after all. {}",
            pages(count),
            addr(start_va),
            if marked.is_empty() {
                "No page of the range was reset while it held data, so the data is intact and nothing changes.".to_string()
            } else {
                format!(
                    "The {} reset {} still {} {} data, so the call succeeds; {} counted as changed again, so a page-out will save {}.",
                    pages(marked.len() as u64),
                    agree(marked.len() as u64, "page", "pages"),
                    agree(marked.len() as u64, "has", "have"),
                    agree(marked.len() as u64, "its", "their"),
                    agree(marked.len() as u64, "it is", "they are"),
                    agree(marked.len() as u64, "it", "them"),
                )
            }
        );
        Ok(Done {
            out: start_va,
            value: start_va,
            story,
        })
    }
}
