//! Files of the simulated disk: `CreateFile`, `ReadFile`, `WriteFile`, `SetFilePointer`,
//! `GetFileSize`, `DeleteFile` and `CloseHandle` on a file handle, with the rules and
//! error codes of docs/windows-sections.md §7 (§ numbers below are that document's).
//!
//! `ReadFile` and `WriteFile` go through the same pages as the file's mapped views (§7.4,
//! **[derived]**: the docs do not promise it): a read sees a view's unwritten changes, a
//! write changes the resident pages too.

use super::super::addr::{SectionId, PAGE_SHIFT, PAGE_SIZE};
use super::super::consts::*;
use super::super::error::Win32Error;
use super::super::event::{Event, Pte};
use super::super::journal::Op;
use super::super::machine::Machine;
use super::super::process::Handle;
use super::super::space::PageState;
use super::super::system::disk::MAX_FILE_BYTES;
use super::super::system::section::Backing;
use super::super::system::System;
use super::{refuse, Done, Refusal};
use crate::sim::words::bytes;

/// An open file handle: (file, access, share, pointer).
type FileHandle = (u32, u32, u32, u64);

impl System {
    /// The living section of file `name`, if any (PageLab keeps one per file, §7.4).
    pub fn file_section(&self, name: &str) -> Option<SectionId> {
        self.sections
            .iter()
            .find(|s| matches!(&s.backing, Backing::File(f) if f.eq_ignore_ascii_case(name)))
            .map(|s| s.id)
    }

    /// The file's resident pages: (page index, frame), through its section's prototype PTEs.
    fn resident_pages(&self, name: &str) -> Vec<(u64, crate::sim::addr::Pfn)> {
        let Some(s) = self.file_section(name).and_then(|id| self.section(id)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, p) in s.prototypes.iter().enumerate() {
            if let Pte::Valid { pfn, .. } | Pte::Transition { pfn } = p {
                out.push((i as u64, *pfn));
            }
        }
        out
    }

    /// Copy between file bytes `data` at `offset` and the file's resident pages: `to_pages`
    /// writes `data` into them, else `data` is filled from them (§7.4).
    fn sync_pages(&mut self, name: &str, offset: u64, data: &mut [u8], to_pages: bool) {
        let end = offset + data.len() as u64;
        for (index, pfn) in self.resident_pages(name) {
            let page = index << PAGE_SHIFT;
            let (lo, hi) = (page.max(offset), (page + PAGE_SIZE).min(end));
            if lo >= hi {
                continue;
            }
            let frame = self.frames.bytes_mut(pfn);
            let in_frame = frame.get_mut((lo - page) as usize..(hi - page) as usize);
            let in_data = data.get_mut((lo - offset) as usize..(hi - offset) as usize);
            if let (Some(f), Some(d)) = (in_frame, in_data) {
                if to_pages {
                    f.copy_from_slice(d);
                } else {
                    d.copy_from_slice(f);
                }
            }
        }
    }
}

/// The access words of a handle.
fn access_words(access: u32) -> &'static str {
    match (access & GENERIC_READ != 0, access & GENERIC_WRITE != 0) {
        (true, true) => "reading and writing",
        (true, false) => "reading",
        (false, true) => "writing",
        (false, false) => "no access",
    }
}

impl Machine {
    /// `#pragma pagelab file`: put `name` on the disk with `contents` before the processes
    /// run (DESIGN §9). No step.
    pub fn put_file(&mut self, name: &str, contents: &[u8]) {
        let bytes = [name.as_bytes(), contents].concat();
        self.note(Op::PutFile, &[name.len() as u64], &bytes);
        self.system_mut().disk.put(name, contents.to_vec());
        self.system_mut().sections_version += 1;
    }

    /// The open file handle `h` of this process.
    fn file_handle(&self, h: u64) -> Result<FileHandle, Refusal> {
        match self.process().handle(h) {
            Some(Handle::File {
                file,
                access,
                share,
                pointer,
            }) => Ok((file, access, share, pointer)),
            _ => refuse(
                Win32Error::InvalidHandle,
                format!("{h:#x} is not an open file handle of this process"),
            ),
        }
    }

    /// The name of file `id`.
    fn file_name(&self, id: u32) -> String {
        self.system()
            .disk
            .by_id(id)
            .map_or_else(String::new, |f| f.name.clone())
    }

    /// Every open handle to file `id`, in every process: (access, share).
    fn opens_of(&self, id: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for p in self.processes() {
            for h in p.handles.iter().flatten() {
                if let Handle::File {
                    file,
                    access,
                    share,
                    ..
                } = *h
                {
                    if file == id {
                        out.push((access, share));
                    }
                }
            }
        }
        out
    }

    /// `CreateFile(name, access, share, NULL, disposition, flags, NULL)`: a handle, or
    /// INVALID_HANDLE_VALUE with the last error set (§7.1).
    pub fn create_file(&mut self, name: &str, access: u32, share: u32, disposition: u32) -> u64 {
        let args = [u64::from(access), u64::from(share), u64::from(disposition)];
        self.note(Op::CreateFile, &args, name.as_bytes());
        self.api_step("CreateFile", &args, |m| {
            m.open_file(name, access, share, disposition)
        })
        .unwrap_or(INVALID_HANDLE_VALUE)
    }

    fn open_file(
        &mut self,
        name: &str,
        access: u32,
        share: u32,
        disposition: u32,
    ) -> Result<Done<u64>, Refusal> {
        if !(CREATE_NEW..=TRUNCATE_EXISTING).contains(&disposition) || name.is_empty() {
            return refuse(
                Win32Error::InvalidParameter,
                "it needs a name and a disposition from CREATE_NEW (1) to TRUNCATE_EXISTING (5)",
            );
        }
        let existing = self
            .system()
            .disk
            .file(name)
            .map(|f| (f.id, f.deleting, f.bytes.len() as u64));
        let truncate = match (disposition, existing) {
            (_, Some((_, true, _))) => {
                return refuse(Win32Error::AccessDenied, "the file is being deleted")
            }
            (CREATE_NEW, Some(_)) => {
                return refuse(Win32Error::FileExists, format!("\"{name}\" exists"))
            }
            (OPEN_EXISTING | TRUNCATE_EXISTING, None) => {
                return refuse(
                    Win32Error::FileNotFound,
                    format!("no file is named \"{name}\""),
                )
            }
            // MS-CF: TRUNCATE_EXISTING needs GENERIC_WRITE; the code is 87 [derived].
            (TRUNCATE_EXISTING, _) if access & GENERIC_WRITE == 0 => {
                return refuse(
                    Win32Error::InvalidParameter,
                    "TRUNCATE_EXISTING needs GENERIC_WRITE",
                )
            }
            (CREATE_ALWAYS | TRUNCATE_EXISTING, Some(_)) => true,
            _ => false,
        };
        if let Some((id, _, _)) = existing {
            // §7.1: every open handle must share what this one asks for, and this one must
            // share what they hold; a writable section counts as a writer.
            let section_writes = self
                .system()
                .file_section(name)
                .and_then(|s| self.system().section(s))
                .is_some_and(|s| matches!(s.protect, PAGE_READWRITE | PAGE_EXECUTE_READWRITE));
            let mut holders = self.opens_of(id);
            if section_writes {
                holders.push((GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE));
            }
            let clash = |a: u32, s: u32| {
                (a & GENERIC_READ != 0 && s & FILE_SHARE_READ == 0)
                    || (a & GENERIC_WRITE != 0 && s & FILE_SHARE_WRITE == 0)
            };
            if holders
                .iter()
                .any(|&(a, s)| clash(access, s) || clash(a, share))
            {
                return refuse(
                    Win32Error::SharingViolation,
                    "another open handle does not share that access",
                );
            }
            if truncate && self.system().file_section(name).is_some() {
                return refuse(
                    Win32Error::UserMappedFile,
                    "a section maps the file, so it cannot be truncated",
                );
            }
        }
        let disk = &mut self.system_mut().disk;
        let id = match existing {
            Some((id, _, _)) if !truncate => id,
            _ => disk.put(name, Vec::new()),
        };
        self.system_mut().sections_version += 1;
        let h = self.process_mut().open_handle(Handle::File {
            file: id,
            access,
            share,
            pointer: 0,
        });
        // §7.1: CREATE_ALWAYS and OPEN_ALWAYS on an existing file set 183; else 0.
        let found = existing.is_some() && matches!(disposition, CREATE_ALWAYS | OPEN_ALWAYS);
        self.process_mut().last_error = if found {
            Win32Error::AlreadyExists.code()
        } else {
            0
        };
        let what = match (existing, truncate) {
            (None, _) => "creates",
            (Some(_), true) => "empties",
            _ => "opens",
        };
        Ok(Done {
            out: h,
            value: h,
            story: format!(
                "CreateFile {what} \"{name}\" for {}: handle {h:#x}, file pointer 0; last \
                 error {}.",
                access_words(access),
                self.last_error()
            ),
        })
    }

    /// True when every page of the `n` bytes at `va` is committed and allows writes (a
    /// copy-on-write page does: the write makes its copy).
    fn may_write(&self, va: u64, n: u32) -> bool {
        let Some(last) = va.checked_add(u64::from(n.max(1)) - 1) else {
            return false;
        };
        let space = self.space();
        for vpn in va >> PAGE_SHIFT..=last >> PAGE_SHIFT {
            let page = space.page(crate::sim::addr::Vpn(vpn));
            if page.state != PageState::Committed
                || !crate::sim::protection::allows(page.protect, crate::sim::error::Access::Write)
            {
                return false;
            }
        }
        true
    }

    /// `ReadFile(h, buf, n, &read, NULL)`: the bytes read (fewer at the end of the file,
    /// none past it) for the caller to copy into `buf`, or `None` with the last error set
    /// (§7.2).
    pub fn read_file(&mut self, h: u64, n: u32, buf: u64) -> Option<Vec<u8>> {
        let args = [h, u64::from(n), buf];
        self.note(Op::ReadFile, &args, &[]);
        self.api_step("ReadFile", &args[..2], |m| {
            let (id, access, _, at) = m.file_handle(h)?;
            if access & GENERIC_READ == 0 {
                return refuse(Win32Error::AccessDenied, "the handle has no GENERIC_READ");
            }
            // The system writes the buffer for the caller: a buffer it may not write makes
            // the copy fail with STATUS_ACCESS_VIOLATION, which ReadFile returns as FALSE
            // with ERROR_NOACCESS (998; reference §1's NTSTATUS table). Nothing is read.
            if !m.may_write(buf, n) {
                return refuse(
                    Win32Error::NoAccess,
                    "the buffer is not committed memory that may be written",
                );
            }
            let name = m.file_name(id);
            let file = m.system().disk.by_id(id).map_or(&[][..], |f| &f.bytes[..]);
            let end = at.saturating_add(u64::from(n)).min(file.len() as u64);
            let mut data = file
                .get(at.min(end) as usize..end as usize)
                .unwrap_or_default()
                .to_vec();
            m.system_mut().sync_pages(&name, at, &mut data, false);
            let got = data.len() as u64;
            if let Some(Handle::File { pointer, .. }) = m.process_mut().handle_mut(h) {
                *pointer = at + got;
            }
            if got > 0 {
                m.emit(Event::FileRead {
                    file: name.clone(),
                    offset: at,
                    bytes: got,
                    pfn: None,
                });
            }
            Ok(Done {
                out: data,
                value: 1,
                story: format!(
                    "ReadFile reads {} of \"{name}\" from offset {at}; the file pointer moves \
                     to {}.",
                    bytes(got),
                    at + got
                ),
            })
        })
    }

    /// `WriteFile(h, buf, n, &written, NULL)`: the bytes written, or `None` with the
    /// last error set (§7.2). Writing past the end makes the file longer.
    pub fn write_file(&mut self, h: u64, data: &[u8]) -> Option<u32> {
        self.note(Op::WriteFile, &[h], data);
        self.api_step("WriteFile", &[h, data.len() as u64], |m| {
            let (id, access, _, at) = m.file_handle(h)?;
            if access & GENERIC_WRITE == 0 {
                return refuse(Win32Error::AccessDenied, "the handle has no GENERIC_WRITE");
            }
            let end = at + data.len() as u64;
            if end > MAX_FILE_BYTES {
                return refuse(Win32Error::DiskFull, "the file would pass 16 MB");
            }
            if !m.system().disk.has_room(id, end) {
                return refuse(Win32Error::DiskFull, "the disk's files would pass 32 MB");
            }
            let name = m.file_name(id);
            if let Some(f) = m.system_mut().disk.by_id_mut(id) {
                if f.bytes.len() < end as usize {
                    f.bytes.resize(end as usize, 0);
                }
                if let Some(dst) = f.bytes.get_mut(at as usize..end as usize) {
                    dst.copy_from_slice(data);
                }
            }
            let mut copy = data.to_vec();
            m.system_mut().sync_pages(&name, at, &mut copy, true);
            m.system_mut().sections_version += 1;
            if let Some(Handle::File { pointer, .. }) = m.process_mut().handle_mut(h) {
                *pointer = end;
            }
            m.emit(Event::FileWrite {
                file: name.clone(),
                offset: at,
                bytes: data.len() as u64,
                pfn: None,
            });
            Ok(Done {
                out: data.len() as u32,
                value: 1,
                story: format!(
                    "WriteFile writes {} to \"{name}\" at offset {at}, and to its pages in \
                     RAM if a view has them (the docs do not promise that views see it).",
                    bytes(data.len() as u64)
                ),
            })
        })
    }

    /// `SetFilePointer(h, distance, NULL, method)`: the new position, or `None` with the
    /// last error set (§7.2).
    pub fn set_file_pointer(&mut self, h: u64, distance: i64, method: u32) -> Option<u64> {
        let args = [h, distance as u64, u64::from(method)];
        self.note(Op::SetFilePointer, &args, &[]);
        self.api_step("SetFilePointer", &args, |m| {
            let (id, _, _, at) = m.file_handle(h)?;
            let size = m
                .system()
                .disk
                .by_id(id)
                .map_or(0, |f| f.bytes.len() as u64);
            let from = match method {
                0 => 0,
                1 => at,
                2 => size,
                _ => return refuse(Win32Error::InvalidParameter, "the method is not 0, 1 or 2"),
            };
            let Some(new) = from.checked_add_signed(distance) else {
                return refuse(
                    Win32Error::NegativeSeek,
                    "it would move before the start of the file",
                );
            };
            if let Some(Handle::File { pointer, .. }) = m.process_mut().handle_mut(h) {
                *pointer = new;
            }
            Ok(Done {
                out: new,
                value: new,
                story: format!("The file pointer of handle {h:#x} moves to {new}."),
            })
        })
    }

    /// `GetFileSize(h, &high)`: the size, or `None` with the last error set (§7.2).
    pub fn get_file_size(&mut self, h: u64) -> Option<u64> {
        self.note(Op::GetFileSize, &[h], &[]);
        self.api_step("GetFileSize", &[h], |m| {
            let (id, ..) = m.file_handle(h)?;
            let size = m
                .system()
                .disk
                .by_id(id)
                .map_or(0, |f| f.bytes.len() as u64);
            Ok(Done {
                out: size,
                value: size,
                story: format!("The file holds {}.", bytes(size)),
            })
        })
    }

    /// `DeleteFile(name)`: TRUE, or FALSE with the last error set (§7.3).
    pub fn delete_file(&mut self, name: &str) -> bool {
        self.note(Op::DeleteFile, &[], name.as_bytes());
        self.api_step("DeleteFile", &[], |m| {
            let Some(id) = m.system().disk.file(name).map(|f| f.id) else {
                return refuse(
                    Win32Error::FileNotFound,
                    format!("no file is named \"{name}\""),
                );
            };
            if m.system().file_section(name).is_some() {
                return refuse(Win32Error::AccessDenied, "a section maps the file");
            }
            let opens = m.opens_of(id);
            if opens.iter().any(|&(_, s)| s & FILE_SHARE_DELETE == 0) {
                return refuse(
                    Win32Error::SharingViolation,
                    "a handle is open without FILE_SHARE_DELETE",
                );
            }
            let story = if opens.is_empty() {
                m.system_mut().disk.delete(name);
                format!("\"{name}\" is deleted from the disk.")
            } else {
                if let Some(f) = m.system_mut().disk.by_id_mut(id) {
                    f.deleting = true;
                }
                format!("\"{name}\" will be deleted when its last handle closes.")
            };
            m.system_mut().sections_version += 1;
            Ok(Done {
                out: (),
                value: 1,
                story,
            })
        })
        .is_some()
    }

    /// Close file handle `h` (the caller knows it is one); a file being deleted goes with
    /// its last handle (§7.3). Emits no step.
    pub(crate) fn close_file(&mut self, h: u64) -> Result<Done<()>, Refusal> {
        let Some(Handle::File { file, .. }) = self.process_mut().close_handle(h) else {
            return refuse(Win32Error::InvalidHandle, "not a file handle");
        };
        let name = self.file_name(file);
        let deleting = self.system().disk.by_id(file).is_some_and(|f| f.deleting);
        let gone = deleting && self.opens_of(file).is_empty();
        if gone {
            self.system_mut().disk.delete(&name);
            self.system_mut().sections_version += 1;
        }
        Ok(Done {
            out: (),
            value: 1,
            story: format!(
                "Handle {h:#x} to \"{name}\" is closed.{}",
                if gone {
                    " The file is deleted now."
                } else {
                    ""
                }
            ),
        })
    }
}
