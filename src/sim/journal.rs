//! The engine calls of a run, in order, as compact bytes, and their replay (issue 13: runs
//! in a worker). A machine is deterministic: a second machine built with the same settings
//! that receives the same calls records the same steps, byte for byte. So the page's
//! worker runs the script (the interpreter, its limits and any failure stay there) on a
//! machine that keeps a [`Journal`], and hands the bytes to the page, whose own machine
//! makes the calls again a few at a time ([`Replay`]) and records the pictures. Each call
//! is small (a `memset` reaches the machine one page at a time), so the page's thread
//! never holds on for long.
//!
//! A call is its [`Op`] byte, a count of integer arguments, the arguments and a byte
//! string (text, or the bytes written), all lengths and integers as LEB128 varints.
//! Written bytes are sent once: a write of the bytes last read or written (a copy, a
//! loop of the same literal) is [`Op::WriteSame`], a `memset`'s page is [`Op::WriteFill`].

use super::addr::{ProcessId, Vpn};
use super::machine::Machine;

/// Which engine call a journal entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `Machine::set_line(line)`: args `[line + 1]`, 0 for none.
    SetLine,
    /// `Machine::set_last_error`.
    SetLastError,
    /// `Machine::output`: the text in the bytes.
    Output,
    /// `Machine::read`: args `[va, len]`.
    Read,
    /// `Machine::read_c_string`: args `[va, max]`.
    ReadCString,
    /// `Machine::write` of the bytes given.
    Write,
    /// `Machine::write` of `len` copies of one byte: args `[va, len, byte]`.
    WriteFill,
    /// `Machine::write` of the bytes last read or written: args `[va]`.
    WriteSame,
    /// `Machine::execute`.
    Execute,
    /// `Machine::page_out`.
    PageOut,
    /// `Machine::empty_working_set`.
    EmptyWorkingSet,
    /// `Machine::write_modified_pages`.
    WriteModifiedPages,
    /// `Machine::virtual_alloc`.
    VirtualAlloc,
    /// `Machine::virtual_free`.
    VirtualFree,
    /// `Machine::virtual_protect`.
    VirtualProtect,
    /// `Machine::virtual_query`.
    VirtualQuery,
    /// `Machine::create_process`: the name in the bytes.
    CreateProcess,
    /// `Machine::wait`.
    Wait,
    /// `Machine::switch_to`.
    SwitchTo,
    /// `Machine::exit_process`.
    ExitProcess,
    /// `Machine::create_file_mapping`: args `[file, protect, high, low, named]`, the name
    /// in the bytes.
    CreateFileMapping,
    /// `Machine::open_file_mapping`: the name in the bytes.
    OpenFileMapping,
    /// `Machine::map_view_of_file`.
    MapViewOfFile,
    /// `Machine::unmap_view_of_file`.
    UnmapViewOfFile,
    /// `Machine::close_handle`.
    CloseHandle,
    /// `Machine::flush_view_of_file`.
    FlushViewOfFile,
    /// `Machine::foresee`: args `[pid, vpn, pid, vpn, …]`.
    Foresee,
    /// `Machine::put_file`: args `[name length]`, the name then the contents in the bytes.
    PutFile,
    /// `Machine::create_file`: args `[access, share, disposition]`, the name in the bytes.
    CreateFile,
    /// `Machine::read_file`: args `[handle, n]`.
    ReadFile,
    /// `Machine::write_file`: args `[handle]`, the bytes written.
    WriteFile,
    /// `Machine::set_file_pointer`: args `[handle, distance, method]`.
    SetFilePointer,
    /// `Machine::get_file_size`: args `[handle]`.
    GetFileSize,
    /// `Machine::delete_file`: the name in the bytes.
    DeleteFile,
    /// `Machine::set_process_working_set_size`: args `[process, min, max, flags, ex]`.
    SetProcessWorkingSetSize,
    /// `Machine::get_module_handle`: args `[named]`, the name in the bytes.
    GetModuleHandle,
}

/// Every op, by its byte.
const OPS: [Op; 36] = [
    Op::SetLine,
    Op::SetLastError,
    Op::Output,
    Op::Read,
    Op::ReadCString,
    Op::Write,
    Op::WriteFill,
    Op::WriteSame,
    Op::Execute,
    Op::PageOut,
    Op::EmptyWorkingSet,
    Op::WriteModifiedPages,
    Op::VirtualAlloc,
    Op::VirtualFree,
    Op::VirtualProtect,
    Op::VirtualQuery,
    Op::CreateProcess,
    Op::Wait,
    Op::SwitchTo,
    Op::ExitProcess,
    Op::CreateFileMapping,
    Op::OpenFileMapping,
    Op::MapViewOfFile,
    Op::UnmapViewOfFile,
    Op::CloseHandle,
    Op::FlushViewOfFile,
    Op::Foresee,
    Op::PutFile,
    Op::CreateFile,
    Op::ReadFile,
    Op::WriteFile,
    Op::SetFilePointer,
    Op::GetFileSize,
    Op::DeleteFile,
    Op::SetProcessWorkingSetSize,
    Op::GetModuleHandle,
];

/// Why journal bytes could not be replayed (they come from our own worker, so this is a
/// broken message, never a script's fault).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JournalError {
    /// The bytes end inside a call.
    CutShort,
    /// A byte that names no call.
    UnknownOp(u8),
    /// A call with fewer arguments than it takes.
    MissingArgument(Op),
    /// A name or printed text that is not UTF-8.
    NotText,
}

/// The calls made so far, not yet taken.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    bytes: Vec<u8>,
    /// The bytes last read or written, which [`Op::WriteSame`] refers to.
    last: Vec<u8>,
}

impl Journal {
    /// Note a call.
    pub fn note(&mut self, op: Op, args: &[u64], bytes: &[u8]) {
        self.bytes.push(op as u8);
        put(&mut self.bytes, args.len() as u64);
        for &a in args {
            put(&mut self.bytes, a);
        }
        put(&mut self.bytes, bytes.len() as u64);
        self.bytes.extend_from_slice(bytes);
    }

    /// Note a write of `data` at `va`, sending the bytes only when they are new.
    pub fn write(&mut self, va: u64, data: &[u8]) {
        if data == self.last.as_slice() {
            self.note(Op::WriteSame, &[va], &[]);
        } else if let Some(&b) = data.first().filter(|&&b| data.iter().all(|&x| x == b)) {
            self.note(Op::WriteFill, &[va, data.len() as u64, u64::from(b)], &[]);
        } else {
            self.note(Op::Write, &[va], data);
        }
        remember(&mut self.last, data);
    }

    /// Note a read of `buf.len()` bytes at `va`, once made: `buf` holds what it read.
    pub fn read(&mut self, va: u64, buf: &[u8]) {
        self.note(Op::Read, &[va, buf.len() as u64], &[]);
        remember(&mut self.last, buf);
    }

    /// The bytes of the calls noted since the last take.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }
}

/// Calls waiting to be made again on another machine, in the order they came.
#[derive(Clone, Debug, Default)]
pub struct Replay {
    bytes: Vec<u8>,
    /// Bytes of `bytes` already replayed.
    at: usize,
    /// The bytes last read or written, as [`Journal`] keeps them.
    last: Vec<u8>,
}

impl Replay {
    /// Queue the bytes of more calls (from [`Journal::take`]).
    pub fn queue(&mut self, bytes: &[u8]) {
        self.bytes.drain(..self.at);
        self.at = 0;
        self.bytes.extend_from_slice(bytes);
    }

    /// True while calls wait.
    pub fn pending(&self) -> bool {
        self.at < self.bytes.len()
    }

    /// Bytes waiting.
    pub fn pending_bytes(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// Make the next call on `m`. On an error the rest of the queue is dropped.
    pub fn next(&mut self, m: &mut Machine) -> Result<(), JournalError> {
        let result = self.call(m);
        if result.is_err() {
            self.bytes.clear();
            self.at = 0;
        }
        result
    }

    fn call(&mut self, m: &mut Machine) -> Result<(), JournalError> {
        let mut at = self.at;
        let byte = *self.bytes.get(at).ok_or(JournalError::CutShort)?;
        at += 1;
        let op = *OPS
            .get(byte as usize)
            .ok_or(JournalError::UnknownOp(byte))?;
        // Every call but Foresee takes at most five integers: they go to `a`, Foresee's
        // pairs to `pairs`.
        let n = get(&self.bytes, &mut at)?;
        let mut a = [0u64; 5];
        let mut pairs = Vec::new();
        for k in 0..n {
            let v = get(&self.bytes, &mut at)?;
            if let Some(slot) = a.get_mut(k as usize) {
                *slot = v;
            }
            if op == Op::Foresee {
                pairs.push(v);
            }
        }
        let len = get(&self.bytes, &mut at)?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| at.checked_add(l))
            .filter(|&e| e <= self.bytes.len())
            .ok_or(JournalError::CutShort)?;
        let data = &self.bytes[at..end];
        self.at = end;
        if n < arity(op) {
            return Err(JournalError::MissingArgument(op));
        }
        let text = std::str::from_utf8(data).map_err(|_| JournalError::NotText);
        // Results and exceptions are the machine's to record; a replay only makes the calls.
        match op {
            Op::SetLine => m.set_line(a[0].checked_sub(1).map(|l| l as u32)),
            Op::SetLastError => m.set_last_error(a[0] as u32),
            Op::Output => m.output(text?),
            Op::Read => {
                let mut buf = vec![0; a[1].min(1 << 24) as usize];
                let _ = m.read(a[0], &mut buf);
                remember(&mut self.last, &buf);
            }
            Op::ReadCString => {
                let _ = m.read_c_string(a[0], a[1] as usize);
            }
            Op::Write | Op::WriteFill | Op::WriteSame => {
                let bytes = match op {
                    Op::Write => data.to_vec(),
                    Op::WriteFill => vec![a[2] as u8; a[1].min(1 << 24) as usize],
                    _ => self.last.clone(),
                };
                let _ = m.write(a[0], &bytes);
                remember(&mut self.last, &bytes);
            }
            Op::Execute => {
                let _ = m.execute(a[0]);
            }
            Op::PageOut => {
                m.page_out(a[0], a[1]);
            }
            Op::EmptyWorkingSet => {
                m.empty_working_set();
            }
            Op::WriteModifiedPages => {
                m.write_modified_pages();
            }
            Op::VirtualAlloc => {
                m.virtual_alloc(a[0], a[1], a[2] as u32, a[3] as u32);
            }
            Op::VirtualFree => {
                m.virtual_free(a[0], a[1], a[2] as u32);
            }
            Op::VirtualProtect => {
                m.virtual_protect(a[0], a[1], a[2] as u32, a[3] != 0);
            }
            Op::VirtualQuery => {
                m.virtual_query(a[0], a[1]);
            }
            Op::CreateProcess => {
                m.create_process(text?);
            }
            Op::Wait => m.wait(),
            Op::SwitchTo => {
                m.switch_to(a[0] as usize);
            }
            Op::ExitProcess => {
                m.exit_process(a[0] as u32);
            }
            Op::CreateFileMapping => {
                let name = if a[4] != 0 { Some(text?) } else { None };
                m.create_file_mapping(a[0], a[1] as u32, a[2] as u32, a[3] as u32, name);
            }
            Op::OpenFileMapping => {
                m.open_file_mapping(a[0] as u32, text?);
            }
            Op::MapViewOfFile => {
                m.map_view_of_file(a[0], a[1] as u32, a[2], a[3], a[4]);
            }
            Op::UnmapViewOfFile => {
                m.unmap_view_of_file(a[0]);
            }
            Op::CloseHandle => {
                m.close_handle(a[0]);
            }
            Op::FlushViewOfFile => {
                m.flush_view_of_file(a[0], a[1]);
            }
            Op::SetProcessWorkingSetSize => {
                m.set_process_working_set_size(a[0], a[1], a[2], a[3] as u32, a[4] != 0);
            }
            Op::GetModuleHandle => {
                let name = if a[0] != 0 { Some(text?) } else { None };
                m.get_module_handle(name);
            }
            Op::Foresee => {
                let mut references: Vec<(ProcessId, Vpn)> = Vec::with_capacity(pairs.len() / 2);
                for c in pairs.chunks_exact(2) {
                    references.push((ProcessId(c[0] as u32), Vpn(c[1])));
                }
                m.foresee(&references);
            }
            Op::PutFile => {
                let (name, contents) = data.split_at(a[0].min(data.len() as u64) as usize);
                let name = std::str::from_utf8(name).map_err(|_| JournalError::NotText)?;
                m.put_file(name, contents);
            }
            Op::CreateFile => {
                m.create_file(text?, a[0] as u32, a[1] as u32, a[2] as u32);
            }
            Op::ReadFile => {
                m.read_file(a[0], a[1] as u32, a[2]);
            }
            Op::WriteFile => {
                m.write_file(a[0], data);
            }
            Op::SetFilePointer => {
                m.set_file_pointer(a[0], a[1] as i64, a[2] as u32);
            }
            Op::GetFileSize => {
                m.get_file_size(a[0]);
            }
            Op::DeleteFile => {
                m.delete_file(text?);
            }
        }
        Ok(())
    }
}

/// How many integers `op` takes (at least: [`Op::Foresee`] takes any number of pairs).
fn arity(op: Op) -> u64 {
    match op {
        Op::EmptyWorkingSet
        | Op::WriteModifiedPages
        | Op::Wait
        | Op::Output
        | Op::CreateProcess
        | Op::Foresee
        | Op::DeleteFile => 0,
        Op::SetLine
        | Op::SetLastError
        | Op::Write
        | Op::WriteSame
        | Op::Execute
        | Op::SwitchTo
        | Op::ExitProcess
        | Op::OpenFileMapping
        | Op::UnmapViewOfFile
        | Op::CloseHandle
        | Op::PutFile
        | Op::WriteFile
        | Op::GetFileSize
        | Op::GetModuleHandle => 1,
        Op::Read | Op::ReadCString | Op::PageOut | Op::VirtualQuery | Op::FlushViewOfFile => 2,
        Op::WriteFill | Op::VirtualFree | Op::CreateFile | Op::SetFilePointer | Op::ReadFile => 3,
        Op::VirtualAlloc | Op::VirtualProtect => 4,
        Op::CreateFileMapping | Op::MapViewOfFile | Op::SetProcessWorkingSetSize => 5,
    }
}

/// Keep a copy of `bytes` in `last`, reusing its allocation.
fn remember(last: &mut Vec<u8>, bytes: &[u8]) {
    last.clear();
    last.extend_from_slice(bytes);
}

/// Append `value` as an unsigned LEB128 varint.
fn put(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Read an unsigned LEB128 varint at `*at`, moving past it.
fn get(bytes: &[u8], at: &mut usize) -> Result<u64, JournalError> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at).ok_or(JournalError::CutShort)?;
        *at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(JournalError::CutShort)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_and_cut_bytes_are_refused() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, 300, u64::MAX] {
            put(&mut out, v);
        }
        let mut at = 0;
        for v in [0, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(get(&out, &mut at), Ok(v));
        }
        assert_eq!(get(&out, &mut at), Err(JournalError::CutShort));
        assert_eq!(get(&[0x80, 0x80], &mut 0), Err(JournalError::CutShort));
    }

    #[test]
    fn bad_bytes_end_the_replay_with_an_error() {
        let mut m = Machine::new(Default::default());
        let mut r = Replay::default();
        r.queue(&[200]);
        assert_eq!(r.next(&mut m), Err(JournalError::UnknownOp(200)));
        assert!(!r.pending(), "the rest is dropped");
        r.queue(&[Op::VirtualAlloc as u8, 1, 0, 0]);
        assert_eq!(
            r.next(&mut m),
            Err(JournalError::MissingArgument(Op::VirtualAlloc))
        );
        r.queue(&[Op::Output as u8, 0, 5, b'a']);
        assert_eq!(r.next(&mut m), Err(JournalError::CutShort));
        assert!(m.history().is_empty());
    }

    #[test]
    fn writes_send_their_bytes_once() {
        let mut j = Journal::default();
        j.write(0x1000, &[7; 4096]);
        let fill = j.take().len();
        j.read(0x2000, &[1, 2, 3]);
        j.take();
        j.write(0x3000, &[1, 2, 3]);
        let same = j.take().len();
        j.write(0x4000, &[4, 5, 6]);
        let raw = j.take().len();
        assert!(fill < 12 && same < 8, "{fill} {same}");
        assert!(raw > 3 + 4, "{raw}");
    }
}
