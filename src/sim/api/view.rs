//! Views of a section: `MapViewOfFile(Ex)`, `UnmapViewOfFile` and `FlushViewOfFile`, with
//! the rules and error codes of docs/windows-sections.md (§ numbers below are that
//! document's). `FILE_MAP_COPY` views are copy-on-write (§9, `paging::shared`); sections
//! themselves are in `section.rs`.

use super::super::addr::{align_up, Vpn, ALLOCATION_GRANULARITY, PAGE_SHIFT, PAGE_SIZE};
use super::super::consts::*;
use super::super::error::Win32Error;
use super::super::event::Event;
use super::super::journal::Op;
use super::super::machine::Machine;
use super::super::process::Handle;
use super::super::space::views::ViewLink;
use super::super::space::PageAttr;
use super::section::grants;
use super::{refuse, Done, Refusal};
use crate::sim::words::{addr, bytes, page_bytes};

/// A view's protection for `access`, and the rights it needs (§4.1 table).
fn view_protection(access: u32) -> Result<(u32, (bool, bool, bool)), Refusal> {
    let exec = access & FILE_MAP_EXECUTE != 0;
    let rest = access & !FILE_MAP_EXECUTE;
    if rest & !FILE_MAP_ALL_ACCESS != 0 {
        return refuse(
            Win32Error::InvalidParameter,
            format!("{access:#x} is not a FILE_MAP_* access"),
        );
    }
    Ok(if rest & FILE_MAP_WRITE != 0 {
        let p = if exec {
            PAGE_EXECUTE_READWRITE
        } else {
            PAGE_READWRITE
        };
        (p, (true, true, exec))
    } else if rest & FILE_MAP_READ != 0 {
        let p = if exec {
            PAGE_EXECUTE_READ
        } else {
            PAGE_READONLY
        };
        (p, (true, false, exec))
    } else if rest == FILE_MAP_COPY {
        // §4.1, §9: exactly FILE_MAP_COPY is copy-on-write; it needs only read.
        let p = if exec {
            PAGE_EXECUTE_WRITECOPY
        } else {
            PAGE_WRITECOPY
        };
        (p, (true, false, exec))
    } else {
        (PAGE_NOACCESS, (true, false, false))
    })
}

impl Machine {
    /// `MapViewOfFile(Ex)(h, access, offHigh, offLow, bytes[, base])`: the view's base, or
    /// 0 with the last error set (§4).
    pub fn map_view_of_file(
        &mut self,
        handle: u64,
        access: u32,
        offset: u64,
        size: u64,
        base: u64,
    ) -> u64 {
        let args = [handle, u64::from(access), offset, size, base];
        self.note(Op::MapViewOfFile, &args, &[]);
        let name = if base == 0 {
            "MapViewOfFile"
        } else {
            "MapViewOfFileEx"
        };
        self.api_step(name, &args, |m| {
            m.map_view(handle, access, offset, size, base)
        })
        .unwrap_or(0)
    }

    fn map_view(
        &mut self,
        handle: u64,
        access: u32,
        offset: u64,
        size: u64,
        base: u64,
    ) -> Result<Done<u64>, Refusal> {
        let Some(Handle::Section { id, access: rights }) = self.process().handle(handle) else {
            return refuse(
                Win32Error::InvalidHandle,
                format!("{handle:#x} is not an open section handle of this process"),
            );
        };
        let Some(section) = self.system().section(id) else {
            return refuse(Win32Error::InvalidHandle, "the section is gone");
        };
        let (sec_size, sec_protect, reserve) = (section.size, section.protect, section.reserve);
        let (protect, (r, w, x)) = view_protection(access)?;
        let (gr, gw, gx) = grants(sec_protect).unwrap_or((false, false, false));
        // §4.1: the section's protection and the handle's rights must allow the view.
        if (r && !gr) || (w && !gw) || (x && !gx) {
            return refuse(
                Win32Error::AccessDenied,
                format!("the section's protection {sec_protect:#x} does not allow a view with access {access:#x}"),
            );
        }
        let handle_ok = if w {
            rights & FILE_MAP_WRITE != 0
        } else {
            rights & FILE_MAP_READ != 0
        } && (!x || rights & FILE_MAP_EXECUTE != 0);
        if !handle_ok {
            return refuse(
                Win32Error::AccessDenied,
                format!("handle {handle:#x} was opened with access {rights:#x}, which does not cover {access:#x}"),
            );
        }
        // §4.2: the offset on the allocation granularity, the view inside the section.
        if !offset.is_multiple_of(ALLOCATION_GRANULARITY) {
            return refuse(
                Win32Error::MappedAlignment,
                format!(
                    "the offset {offset:#x} is not a multiple of 64 KB, the allocation granularity"
                ),
            );
        }
        let end = if size == 0 {
            sec_size
        } else {
            offset.saturating_add(size)
        };
        if offset >= sec_size || end > sec_size {
            return refuse(
                Win32Error::AccessDenied,
                format!(
                    "the view would run past the end of the section ({}) (STATUS_INVALID_VIEW_SIZE)",
                    bytes(sec_size)
                ),
            );
        }
        let pages = (end - offset).div_ceil(PAGE_SIZE);
        let first = Vpn::of(base);
        let at = if base == 0 {
            let Some(at) = self.space().find_hole(pages, false) else {
                return refuse(Win32Error::NotEnoughMemory, "no free hole is large enough");
            };
            at
        } else {
            if !base.is_multiple_of(ALLOCATION_GRANULARITY) {
                return refuse(
                    Win32Error::MappedAlignment,
                    format!("{} is not a multiple of 64 KB", addr(base)),
                );
            }
            let tail = align_up(pages << PAGE_SHIFT, ALLOCATION_GRANULARITY).unwrap_or(u64::MAX);
            let fits = base.checked_add(tail).is_some_and(|e| e <= MAX_VIEW_END);
            if !fits
                || !self
                    .space()
                    .is_free(first, Vpn(first.0 + (tail >> PAGE_SHIFT)))
            {
                return refuse(
                    Win32Error::InvalidAddress,
                    format!("{} overlaps an allocation or a view", addr(base)),
                );
            }
            first
        };
        // §2.2, reference §8.6: a copy-on-write view is charged in full now (MS-MVOF);
        // past the commit limit it fails as a commit does **[derived]**.
        let copy_charge = if crate::sim::protection::is_writecopy(protect) {
            pages
        } else {
            0
        };
        let old_charge = self.commit_charge();
        if old_charge + copy_charge > self.commit_limit() {
            return refuse(
                Win32Error::CommitmentLimit,
                "a FILE_MAP_COPY view is charged in full, past the commit limit",
            );
        }
        self.set_commit_charge(old_charge + copy_charge);
        let attr = if reserve {
            PageAttr::RESERVED
        } else {
            PageAttr {
                committed: true,
                protect,
            }
        };
        let link = ViewLink {
            base: at,
            pages,
            section: id,
            first: (offset >> PAGE_SHIFT) as u32,
        };
        self.space_mut().insert_view(link, protect, attr);
        if let Some(s) = self.system_mut().section_mut(id) {
            s.views += 1;
        }
        self.set_focus(Some(at.base()));
        self.emit(Event::ViewMapped {
            section: id,
            base: at.base(),
            pages,
        });
        Ok(Done {
            out: at.base(),
            value: at.base(),
            story: format!(
                "A view of section {} ({} from offset {offset:#x}) is mapped at {}: a region of \
                 type MEM_MAPPED, {}. Its PTEs are empty: the first touch of each page finds the \
                 section's prototype PTE.{}",
                id.0,
                page_bytes(pages),
                addr(at.base()),
                protection_words(protect, reserve),
                if copy_charge > 0 {
                    " A write will make a private copy; the view is charged now."
                } else {
                    ""
                }
            ),
        })
    }

    /// `UnmapViewOfFile(p)`: TRUE, or FALSE with the last error set (§5).
    pub fn unmap_view_of_file(&mut self, address: u64) -> bool {
        self.note(Op::UnmapViewOfFile, &[address], &[]);
        self.api_step("UnmapViewOfFile", &[address], |m| {
            let Some(link) = m.space().view_at(Vpn::of(address)).copied() else {
                return refuse(
                    Win32Error::InvalidAddress,
                    format!("{} is not inside a mapped view", addr(address)),
                );
            };
            let mapped = m.unmap(link);
            Ok(Done {
                out: (),
                value: 1,
                story: format!(
                    "The whole view at {} goes (any address inside it names it): {} of its \
                     pages {} mapped; each leaves the working set and its frame's share count \
                     drops by one; nothing is written. The range is free again.{}",
                    addr(link.base.base()),
                    mapped,
                    if mapped == 1 { "was" } else { "were" },
                    m.gone_words(link.section)
                ),
            })
        })
        .is_some()
    }

    /// Unmap the view `link` and drop the section when nothing holds it. Emits events, no
    /// step; returns the pages that were mapped.
    pub(crate) fn unmap(&mut self, link: ViewLink) -> usize {
        // §5, §9: private copies made by copy-on-write are discarded, and a
        // FILE_MAP_COPY view's charge is returned.
        let copies = self.space().copied_in(&link);
        for vpn in &copies {
            self.engine().discard_pages(*vpn, 1);
        }
        let copy_view = self.space().allocation_at(link.base).is_some_and(|a| {
            a.kind == MEM_MAPPED && crate::sim::protection::is_writecopy(a.allocation_protect)
        });
        if copy_view {
            let old = self.commit_charge();
            self.set_commit_charge(old.saturating_sub(link.pages));
        }
        let mapped = copies.len() + self.engine().unmap_shared(link.base, link.pages);
        self.space_mut().remove_view(link.base);
        self.emit(Event::ViewUnmapped {
            section: link.section,
            base: link.base.base(),
            pages: link.pages,
        });
        if let Some(s) = self.system_mut().section_mut(link.section) {
            s.views = s.views.saturating_sub(1);
        }
        self.drop_section_if_unused(link.section);
        mapped
    }

    /// `FlushViewOfFile(p, n)`: TRUE, or FALSE with the last error set (§6).
    pub fn flush_view_of_file(&mut self, address: u64, size: u64) -> bool {
        self.note(Op::FlushViewOfFile, &[address, size], &[]);
        self.api_step("FlushViewOfFile", &[address, size], |m| {
            let Some(link) = m.space().view_at(Vpn::of(address)).copied() else {
                return refuse(
                    Win32Error::InvalidAddress,
                    format!("{} is not inside a mapped view", addr(address)),
                );
            };
            if m.system().backing_file(link.section).is_some() {
                let story = m.flush_file_view(link, address, size);
                return Ok(Done {
                    out: (),
                    value: 1,
                    story,
                });
            }
            let why = if m
                .system()
                .section(link.section)
                .is_some_and(|s| s.is_image())
            {
                "an image's pages are never written back (a changed data page is a private copy)."
            } else {
                "this section is backed by the page file, so there is no file to write to."
            };
            let mut story = String::from("FlushViewOfFile succeeds and writes nothing: ");
            story.push_str(why);
            Ok(Done {
                out: (),
                value: 1,
                story,
            })
        })
        .is_some()
    }
}

/// One past the last byte a view may cover (the user range's end).
const MAX_VIEW_END: u64 = crate::sim::addr::MAX_USER_ADDRESS + 1;

/// How a view's pages are protected, in words.
fn protection_words(protect: u32, reserve: bool) -> String {
    if reserve {
        "reserved (SEC_RESERVE): touching it is an access violation until committed".to_string()
    } else {
        format!(
            "committed, {}",
            crate::sim::consts::protection_name(protect)
        )
    }
}
