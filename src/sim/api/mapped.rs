//! File-backed sections ("persisted" memory-mapped files): `CreateFileMapping` with a file
//! handle, `FlushViewOfFile` on their views, and their pages written back when the section
//! goes (docs/windows-sections.md §2.3, §6, §7.4, §8.1; § numbers are that document's).
//!
//! PageLab keeps one section object per file while it lives: a second `CreateFileMapping`
//! of the same file returns a handle to it, so every view of the file shares one set of
//! prototype PTEs, as §7.4 asks (Windows makes two objects over one segment).

use super::super::addr::{SectionId, Vpn, PAGE_SIZE};
use super::super::consts::*;
use super::super::error::Win32Error;
use super::super::event::{Event, Pte};
use super::super::machine::Machine;
use super::super::process::Handle;
use super::super::space::views::ViewLink;
use super::super::system::disk::MAX_FILE_BYTES;
use super::super::system::section::{Backing, Section};
use super::{refuse, Done, Refusal};
use crate::sim::words::{bytes, pages};

impl Machine {
    /// `CreateFileMapping(hFile, NULL, protect, high, low, name)` of an open file (§2.3).
    pub(super) fn create_file_section(
        &mut self,
        file: u64,
        protect: u32,
        size: u64,
        name: Option<&str>,
    ) -> Result<Done<u64>, Refusal> {
        let (id, access, ..) = match self.process().handle(file) {
            Some(Handle::File {
                file, access, share, ..
            }) => (file, access, share),
            _ => {
                return refuse(
                    Win32Error::InvalidHandle,
                    format!("{file:#x} is not an open file handle (INVALID_HANDLE_VALUE gives a page-file section)"),
                )
            }
        };
        // §2.3: the file handle's access must cover the protection.
        let write = matches!(protect, PAGE_READWRITE | PAGE_EXECUTE_READWRITE);
        let exec = protect >= PAGE_EXECUTE;
        if access & GENERIC_READ == 0
            || (write && access & GENERIC_WRITE == 0)
            || (exec && access & GENERIC_EXECUTE == 0)
        {
            return refuse(
                Win32Error::AccessDenied,
                "the file handle's access does not cover that protection",
            );
        }
        if let Some(done) = self.reopen_named(name) {
            return Ok(done);
        }
        let (file_name, file_size) = self
            .system()
            .disk
            .by_id(id)
            .map_or((String::new(), 0), |f| {
                (f.name.clone(), f.bytes.len() as u64)
            });
        // §2.3: size 0 is the file's size, and an empty file cannot be mapped.
        let size = match size {
            0 if file_size == 0 => {
                return refuse(
                    Win32Error::FileInvalid,
                    "the file is empty and the size is 0",
                )
            }
            0 => file_size,
            n => n,
        };
        let grows = size > file_size;
        if grows && !write {
            return refuse(
                Win32Error::NotEnoughMemory,
                "the section would be larger than the file, and without write access the file cannot grow",
            );
        }
        if size > MAX_FILE_BYTES {
            return refuse(Win32Error::DiskFull, "the file would pass 16 MB");
        }
        if grows && !self.system().disk.has_room(id, size) {
            return refuse(Win32Error::DiskFull, "the disk's files would pass 32 MB");
        }
        if grows {
            // §2.3: with write access the file grows to the section's size (zeros here).
            if let Some(f) = self.system_mut().disk.by_id_mut(id) {
                f.bytes.resize(size as usize, 0);
            }
        }
        let count = size.div_ceil(PAGE_SIZE) as usize;
        let grown = if grows {
            format!(
                " The file grows from {} to {}.",
                bytes(file_size),
                bytes(size)
            )
        } else {
            String::new()
        };
        let sid = match self.system().file_section(&file_name) {
            Some(sid) => {
                let s = self.system_mut().section_mut(sid);
                if let Some(s) = s {
                    s.handles += 1;
                    if s.prototypes.len() < count {
                        s.prototypes.resize(count, Pte::Empty);
                        s.size = size;
                    }
                    if write {
                        s.protect = protect;
                    }
                    if s.name.is_none() {
                        s.name = name.map(str::to_string);
                    }
                }
                sid
            }
            None => {
                let sid = SectionId(self.system().next_section);
                self.system_mut().next_section += 1;
                let mut s = Section::new(
                    sid,
                    name.map(str::to_string),
                    Backing::File(file_name.clone()),
                    count as u32,
                );
                // §8.2: a mapped file's prototype PTEs are filled as pages are first used.
                s.prototypes.fill(Pte::Empty);
                s.size = size;
                s.protect = protect;
                s.handles = 1;
                self.system_mut().add_section(s);
                self.emit(Event::SectionCreated {
                    section: sid,
                    pages: count as u32,
                });
                sid
            }
        };
        let h = self.process_mut().open_handle(Handle::Section {
            id: sid,
            access: FILE_MAP_ALL_ACCESS,
        });
        self.process_mut().last_error = 0;
        Ok(Done {
            out: h,
            value: h,
            story: format!(
                "Section {} maps file \"{file_name}\": {} ({}), one prototype PTE per page, \
                 empty until a view touches it. Nothing is charged to the page file: the \
                 file itself holds the pages.{grown} Handle {h:#x}; the last error is 0.",
                sid.0,
                pages(count as u64),
                bytes(size)
            ),
        })
    }

    /// Write the changed pages `indices` of file-backed section `id` to its file (§6,
    /// §8.1); the pages written.
    pub(super) fn write_back_pages(&mut self, id: SectionId, indices: std::ops::Range<u32>) -> u64 {
        let Some(s) = self.system().section(id) else {
            return 0;
        };
        let mut frames = Vec::new();
        for i in indices {
            if let Some(Pte::Valid { pfn, .. } | Pte::Transition { pfn }) =
                s.prototypes.get(i as usize)
            {
                frames.push(*pfn);
            }
        }
        let mut events = Vec::new();
        let mut written = 0;
        for pfn in frames {
            written += u64::from(self.system_mut().write_back(pfn, &mut events));
        }
        for e in events {
            self.emit(e);
        }
        written
    }

    /// `FlushViewOfFile` on a view of a file-backed section: the changed pages of
    /// [address, address + size) (size 0: to the view's end), rounded out to pages, go to
    /// the file (§6). The narration.
    pub(super) fn flush_file_view(&mut self, link: ViewLink, address: u64, size: u64) -> String {
        let file = self.system().backing_file(link.section).unwrap_or_default();
        let end = link.base.0 + link.pages;
        let last = match size {
            0 => end,
            n => (Vpn::of(address.saturating_add(n - 1)).0 + 1).min(end),
        };
        let first = Vpn::of(address).0;
        let indices = if first < last {
            link.first + (first - link.base.0) as u32..link.first + (last - link.base.0) as u32
        } else {
            0..0
        };
        let written = self.write_back_pages(link.section, indices);
        format!(
            "FlushViewOfFile writes the changed pages of the range to \"{file}\": {} \
             written; they are clean now.",
            pages(written)
        )
    }
}
