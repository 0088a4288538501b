//! Sections: `CreateFileMapping`, `OpenFileMapping` and `CloseHandle`, and the end of a
//! section when its last handle and view are gone, with the rules and error codes of
//! docs/windows-sections.md (§ numbers below are that document's).
//!
//! Views of a section are in `view.rs`, file-backed sections in `mapped.rs`; the one image
//! is kernel32.dll (`image.rs`).

use super::super::addr::{SectionId, PAGE_SIZE};
use super::super::consts::*;
use super::super::error::Win32Error;
use super::super::event::Event;
use super::super::journal::Op;
use super::super::machine::Machine;
use super::super::paging::free_section_frames;
use super::super::process::Handle;
use super::super::system::section::{Backing, Section};
use super::{refuse, Done, Refusal};
use crate::sim::words::{bytes, charge, page_bytes};

/// Most pages one section may have (STATUS_SECTION_TOO_BIG beyond: 8).
const MAX_SECTION_PAGES: u64 = 1 << 20;

/// What a section's protection grants: read, write, execute (§4.1, W-K32
/// `map_prot_to_access`); `None` for a protection a section may not have (§2.1).
pub(super) fn grants(protect: u32) -> Option<(bool, bool, bool)> {
    match protect {
        PAGE_READONLY | PAGE_WRITECOPY => Some((true, false, false)),
        PAGE_READWRITE => Some((true, true, false)),
        PAGE_EXECUTE_READ | PAGE_EXECUTE_WRITECOPY => Some((true, false, true)),
        PAGE_EXECUTE_READWRITE => Some((true, true, true)),
        _ => None,
    }
}

impl Machine {
    /// `CreateFileMapping(file, NULL, protect, sizeHigh, sizeLow, name)`: a handle, or 0
    /// with the last error set (§2).
    pub fn create_file_mapping(
        &mut self,
        file: u64,
        protect: u32,
        size_high: u32,
        size_low: u32,
        name: Option<&str>,
    ) -> u64 {
        let args = [
            file,
            u64::from(protect),
            u64::from(size_high),
            u64::from(size_low),
        ];
        let named = [&args[..], &[u64::from(name.is_some())]].concat();
        self.note(Op::CreateFileMapping, &named, name.unwrap_or("").as_bytes());
        self.api_step("CreateFileMapping", &args, |m| {
            m.create_mapping(file, protect, size_high, size_low, name)
        })
        .unwrap_or(0)
    }

    fn create_mapping(
        &mut self,
        file: u64,
        flags: u32,
        size_high: u32,
        size_low: u32,
        name: Option<&str>,
    ) -> Result<Done<u64>, Refusal> {
        let attrs = flags & 0xFFFF_FF00;
        let protect = flags & 0xFF;
        // §2.1: one of the six protections; SEC_RESERVE and SEC_COMMIT exclude each other.
        if grants(protect).is_none() {
            return refuse(
                Win32Error::InvalidParameter,
                format!("{protect:#x} is not a protection a section may have"),
            );
        }
        if attrs & !(SEC_FILE | SEC_IMAGE | SEC_RESERVE | SEC_COMMIT) != 0
            || attrs & (SEC_RESERVE | SEC_COMMIT) == SEC_RESERVE | SEC_COMMIT
            || (attrs & SEC_IMAGE != 0 && attrs & (SEC_RESERVE | SEC_COMMIT) != 0)
        {
            return refuse(
                Win32Error::InvalidParameter,
                "SEC_RESERVE, SEC_COMMIT and SEC_IMAGE exclude each other",
            );
        }
        if attrs & SEC_IMAGE != 0 {
            return refuse(
                Win32Error::BadExeFormat,
                "SEC_IMAGE needs the file of a PE image",
            );
        }
        let size = (u64::from(size_high) << 32) | u64::from(size_low);
        if file != INVALID_HANDLE_VALUE {
            return self.create_file_section(file, protect, size, name);
        }
        // §2.2: a page-file section needs a size, checked before the name.
        if size == 0 {
            return refuse(
                Win32Error::InvalidParameter,
                "a page-file-backed section needs a size greater than zero",
            );
        }
        if let Some(done) = self.reopen_named(name) {
            return Ok(done);
        }
        let pages = size.div_ceil(PAGE_SIZE);
        if pages > MAX_SECTION_PAGES {
            return refuse(
                Win32Error::NotEnoughMemory,
                format!("{} is more than this machine can map", bytes(size)),
            );
        }
        let reserve = attrs & SEC_RESERVE != 0;
        let charged = if reserve { 0 } else { pages };
        let old_charge = self.commit_charge();
        if old_charge + charged > self.commit_limit() {
            return refuse(
                Win32Error::CommitmentLimit,
                format!(
                    "SEC_COMMIT charges all {} now, and the commit charge would pass its limit of {}",
                    page_bytes(pages),
                    self.commit_limit()
                ),
            );
        }
        let id = SectionId(self.system().next_section);
        self.system_mut().next_section += 1;
        let mut section = Section::new(
            id,
            name.map(str::to_string),
            Backing::PageFile,
            pages as u32,
        );
        section.protect = protect;
        section.reserve = reserve;
        section.handles = 1;
        section.charged = charged;
        self.system_mut().add_section(section);
        self.emit(Event::SectionCreated {
            section: id,
            pages: pages as u32,
        });
        self.set_commit_charge(old_charge + charged);
        let h = self.process_mut().open_handle(Handle::Section {
            id,
            access: FILE_MAP_ALL_ACCESS,
        });
        // §2.4: a new object sets the last error to 0.
        self.process_mut().last_error = 0;
        let named = name.map_or(String::from("without a name"), |n| format!("named \"{n}\""));
        let charged_words = if reserve {
            "SEC_RESERVE charges nothing until pages are committed".to_string()
        } else {
            format!(
                "SEC_COMMIT charges all of it now: the commit charge goes {}",
                charge(old_charge, old_charge + charged, self.commit_limit())
            )
        };
        Ok(Done {
            out: h,
            value: h,
            story: format!(
                "CreateFileMapping creates section {} {named}, backed by the page file: {} \
                 ({}), one prototype PTE per page, each demand-zero. {charged_words}. The \
                 process gets handle {h:#x}; the last error is set to 0.",
                id.0,
                page_bytes(pages),
                bytes(size)
            ),
        })
    }

    /// §2.4: an existing name gives a new handle to that section, and 183.
    pub(super) fn reopen_named(&mut self, name: Option<&str>) -> Option<Done<u64>> {
        let name = name?;
        let existing = self
            .system()
            .sections
            .iter()
            .find(|s| s.name.as_deref() == Some(name))
            .map(|s| (s.id, s.size));
        if let Some((id, size)) = existing {
            if let Some(s) = self.system_mut().section_mut(id) {
                s.handles += 1;
            }
            let h = self.process_mut().open_handle(Handle::Section {
                id,
                access: FILE_MAP_ALL_ACCESS,
            });
            self.process_mut().last_error = Win32Error::AlreadyExists.code();
            return Some(Done {
                out: h,
                value: h,
                story: format!(
                    "CreateFileMapping finds a section named \"{name}\" already ({}): it returns \
                     a new handle, {h:#x}, to that same section, whose pages every process that maps \
                     it shares, and sets the last error to ERROR_ALREADY_EXISTS (183). The size \
                     asked for is ignored.",
                    bytes(size)
                ),
            });
        }
        None
    }

    /// `OpenFileMapping(access, inherit, name)`: a handle, or 0 with the last error (§3).
    pub fn open_file_mapping(&mut self, access: u32, name: &str) -> u64 {
        let args = [u64::from(access)];
        self.note(Op::OpenFileMapping, &args, name.as_bytes());
        self.api_step("OpenFileMapping", &args, |m| {
            let Some(id) = m
                .system()
                .sections
                .iter()
                .find(|s| s.name.as_deref() == Some(name))
                .map(|s| s.id)
            else {
                return refuse(
                    Win32Error::FileNotFound,
                    format!("no section is named \"{name}\" (names are case-sensitive, and a name goes with its last handle)"),
                );
            };
            if let Some(s) = m.system_mut().section_mut(id) {
                s.handles += 1;
            }
            let h = m.process_mut().open_handle(Handle::Section { id, access });
            Ok(Done {
                out: h,
                value: h,
                story: format!(
                    "OpenFileMapping finds section {} named \"{name}\" and returns handle {h:#x} \
                     with exactly the access asked for ({access:#x}).",
                    id.0
                ),
            })
        })
        .unwrap_or(0)
    }

    /// Close `handle`, with the section's name going with its last handle (§2.4). Emits
    /// events, no step; false when it is not open.
    pub(crate) fn close(&mut self, handle: u64) -> Option<SectionId> {
        let id = match self.process_mut().handle(handle)? {
            Handle::Section { id, .. } => id,
            Handle::File { .. } => {
                let _ = self.close_file(handle);
                return None;
            }
        };
        self.process_mut().close_handle(handle);
        if let Some(s) = self.system_mut().section_mut(id) {
            s.handles = s.handles.saturating_sub(1);
            if s.handles == 0 {
                s.name = None;
            }
        }
        self.drop_section_if_unused(id);
        Some(id)
    }

    /// `CloseHandle(h)`: TRUE, or FALSE with ERROR_INVALID_HANDLE (§6).
    pub fn close_handle(&mut self, handle: u64) -> bool {
        self.note(Op::CloseHandle, &[handle], &[]);
        self.api_step("CloseHandle", &[handle], |m| {
            if let Some(Handle::File { .. }) = m.process().handle(handle) {
                return m.close_file(handle);
            }
            let Some(id) = m.close(handle) else {
                return refuse(
                    Win32Error::InvalidHandle,
                    format!("{handle:#x} is not an open handle of this process"),
                );
            };
            Ok(Done {
                out: (),
                value: 1,
                story: format!(
                    "Handle {handle:#x} to section {} is closed.{}",
                    id.0,
                    m.gone_words(id)
                ),
            })
        })
        .is_some()
    }

    /// The section goes when its last handle and view have (§6): its frames to the free
    /// list, its commit charge returned. Emits events.
    pub(super) fn drop_section_if_unused(&mut self, id: SectionId) {
        let Some(s) = self.system().section(id) else {
            return;
        };
        if s.handles > 0 || s.views > 0 {
            return;
        }
        let charged = s.charged;
        // §8.1, §11.2: a file's changed pages reach the file before its frames go.
        let pages = s.pages();
        self.write_back_pages(id, 0..pages);
        let mut events = Vec::new();
        free_section_frames(self.system_mut(), id, &mut events);
        for e in events {
            self.emit(e);
        }
        self.system_mut().remove_section(id);
        self.emit(Event::SectionDeleted { section: id });
        let old = self.commit_charge();
        self.set_commit_charge(old.saturating_sub(charged));
    }

    /// " Section N is gone …" when the last step dropped it, else "".
    pub(super) fn gone_words(&self, id: SectionId) -> String {
        match self.system().section(id) {
            Some(_) => String::new(),
            None => format!(
                " No handle or view of section {} is left, so it goes: its frames return to \
                 the free list and its commit charge is given back.",
                id.0
            ),
        }
    }
}
