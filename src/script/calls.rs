//! What each builtin does when a statement calls it: the Win32 calls go straight to the
//! machine with the reference's parameter types (DWORD parameters take the low 32 bits,
//! as C does); the memory functions turn into reads and writes of simulated memory.

mod files;
mod memory;

use super::ast::{Expr, ExprKind};
use super::builtins::Builtin;
use super::eval::{runtime_error, Abort, Env, RecordValue, Value};
use super::printf::{self, Arg, Piece};
use crate::sim::addr::PAGE_SIZE;
use crate::sim::consts::MBI_SIZE;
use crate::sim::Machine;
use files::file_call;
use memory::{c_string, copy, count, fill, small_count, Source, MAX_COPY};

/// A name argument: a string literal, NULL (`None`), or a C string in simulated memory.
fn name_arg(env: &mut Env, m: &mut Machine, e: &Expr) -> Result<Option<String>, Abort> {
    Ok(match env.eval(m, e)? {
        Value::Str(bytes) => Some(printf::text(&bytes)),
        Value::Int(0) => None,
        Value::Int(addr) => Some(printf::text(&c_string(env, m, addr)?)),
        _ => None,
    })
}

/// `WaitForSingleObject`'s value when the wait times out.
const WAIT_TIMEOUT: u64 = 0x102;

fn dword(v: u64) -> u32 {
    // A DWORD parameter takes the low 32 bits, as a C compiler passes it.
    v as u32
}

/// A builtin call's arguments. The checker refuses a program in which any call has fewer
/// arguments than its builtin's signature asks for (`Signature::arity_error`), so `at` finds
/// every argument of a checked program. A missing one is a runtime error, not an index
/// panic, whose message and location the page's wasm would carry for every argument.
struct Args<'a> {
    call: &'a Expr,
    list: &'a [Expr],
}

impl<'a> Args<'a> {
    /// Argument `i`.
    fn at(&self, i: usize) -> Result<&'a Expr, Abort> {
        let missing = || runtime_error(self.call, "this call is missing an argument");
        self.list.get(i).ok_or_else(missing)
    }

    /// The integer value of argument `i`.
    fn int(&self, env: &mut Env, m: &mut Machine, i: usize) -> Result<u64, Abort> {
        env.int(m, self.at(i)?)
    }
}

/// Run builtin `b` for the call expression `e` with `args`.
pub(crate) fn call(
    env: &mut Env,
    m: &mut Machine,
    e: &Expr,
    b: Builtin,
    args: &[Expr],
) -> Result<Value, Abort> {
    let args = Args {
        call: e,
        list: args,
    };
    let v = match b {
        Builtin::VirtualAlloc => {
            let address = args.int(env, m, 0)?;
            let size = args.int(env, m, 1)?;
            let kind = dword(args.int(env, m, 2)?);
            let protect = dword(args.int(env, m, 3)?);
            Value::Int(m.virtual_alloc(address, size, kind, protect))
        }
        Builtin::VirtualFree => {
            let address = args.int(env, m, 0)?;
            let size = args.int(env, m, 1)?;
            let kind = dword(args.int(env, m, 2)?);
            Value::Int(u64::from(m.virtual_free(address, size, kind)))
        }
        Builtin::VirtualProtect => {
            let address = args.int(env, m, 0)?;
            let size = args.int(env, m, 1)?;
            let protect = dword(args.int(env, m, 2)?);
            // `&old` or NULL: NULL makes the call fail with 998 (reference §5).
            let out = match &args.at(3)?.kind {
                ExprKind::AddrOf(var) => Some(var),
                _ => None,
            };
            match m.virtual_protect(address, size, protect, out.is_some()) {
                Some(old) => {
                    if let Some(var) = out {
                        env.set_var(&var.kind, Value::Int(var.ty.convert(u64::from(old))));
                    }
                    Value::Int(1)
                }
                None => Value::Int(0),
            }
        }
        Builtin::VirtualQuery => {
            let address = args.int(env, m, 0)?;
            let length = args.int(env, m, 2)?;
            match m.virtual_query(address, length) {
                Some(mbi) => {
                    if let ExprKind::AddrOf(var) = &args.at(1)?.kind {
                        env.set_var(&var.kind, Value::Mbi(mbi));
                    }
                    // It returns the bytes written: sizeof(MEMORY_BASIC_INFORMATION) (reference §6).
                    Value::Int(MBI_SIZE)
                }
                None => Value::Int(0),
            }
        }
        Builtin::GetLastError => Value::Int(u64::from(m.last_error())),
        Builtin::SetLastError => {
            let code = dword(args.int(env, m, 0)?);
            m.set_last_error(code);
            Value::Void
        }
        Builtin::ZeroMemory | Builtin::FillMemory => {
            let dst = args.int(env, m, 0)?;
            let n = count(env, m, args.at(1)?, b)?;
            let byte = match args.list.get(2) {
                Some(v) => env.int(m, v)? as u8,
                None => 0,
            };
            fill(env, m, dst, byte, n)?;
            Value::Void
        }
        Builtin::CopyMemory | Builtin::MoveMemory | Builtin::Memmove | Builtin::Memcpy => {
            let dst = args.int(env, m, 0)?;
            let src = env.eval(m, args.at(1)?)?;
            let n = count(env, m, args.at(2)?, b)?;
            match &src {
                Value::Str(bytes) => copy(env, m, dst, Source::Literal(bytes), n)?,
                Value::Int(addr) => copy(env, m, dst, Source::Memory(*addr), n)?,
                _ => {
                    return Err(runtime_error(
                        args.at(1)?,
                        "the source must be a string or an address",
                    ))
                }
            }
            // The C functions return the destination; the Windows macros return nothing.
            if matches!(b, Builtin::Memmove | Builtin::Memcpy) {
                Value::Int(dst)
            } else {
                Value::Void
            }
        }
        Builtin::Memset => {
            let dst = args.int(env, m, 0)?;
            // memset converts its value to unsigned char.
            let byte = args.int(env, m, 1)? as u8;
            let n = count(env, m, args.at(2)?, b)?;
            fill(env, m, dst, byte, n)?;
            Value::Int(dst)
        }
        Builtin::Printf => {
            let text = printf_call(env, m, e, args.list)?;
            let len = text.len() as u64;
            print(env, m, &text);
            Value::Int(len)
        }
        Builtin::Read => {
            let address = args.int(env, m, 0)?;
            let n = small_count(env, m, args.at(1)?, "read")?;
            let mut buf = [0u8; 8];
            env.read_mem(m, address, &mut buf[..n])?;
            Value::Int(u64::from_le_bytes(buf))
        }
        Builtin::Write => {
            let address = args.int(env, m, 0)?;
            let data = env.eval(m, args.at(1)?)?;
            match (data, args.list.get(2)) {
                // write(addr, "bytes"): exactly the literal's bytes, no NUL.
                (Value::Str(bytes), None) => {
                    if !bytes.is_empty() {
                        env.write_mem(m, address, &bytes)?;
                    }
                }
                // write(addr, "bytes", n): like memcpy from the literal.
                (Value::Str(bytes), Some(n)) => {
                    let n = count(env, m, n, b)?;
                    copy(env, m, address, Source::Literal(&bytes), n)?;
                }
                (Value::Int(value), Some(n)) => {
                    let n = small_count(env, m, n, "write")?;
                    env.write_mem(m, address, &value.to_le_bytes()[..n])?;
                }
                _ => {
                    return Err(runtime_error(
                        e,
                        "write needs a string, or a value and a byte count",
                    ))
                }
            }
            Value::Void
        }
        Builtin::Execute => {
            let address = args.int(env, m, 0)?;
            env.execute_mem(m, address)?;
            Value::Void
        }
        Builtin::PageOut => {
            let address = args.int(env, m, 0)?;
            let size = match args.list.get(1) {
                Some(s) => env.int(m, s)?,
                None => 1,
            };
            Value::Int(m.page_out(address, size) as u64)
        }
        Builtin::EmptyWorkingSet => {
            // The process handle, if given, can only be this process: it is ignored.
            if let Some(handle) = args.list.first() {
                env.int(m, handle)?;
            }
            Value::Int(m.empty_working_set() as u64)
        }
        // The pseudo-handle of the current process is (HANDLE)-1.
        Builtin::GetCurrentProcess => Value::Int(u64::MAX),
        Builtin::WriteModifiedPages => Value::Int(m.write_modified_pages() as u64),
        Builtin::Puts | Builtin::Putchar => {
            let mut text = match (b, env.eval(m, args.at(0)?)?) {
                (Builtin::Putchar, Value::Int(c)) => vec![c as u8],
                (_, Value::Str(bytes)) => bytes,
                (_, Value::Int(addr)) => c_string(env, m, addr)?,
                _ => Vec::new(),
            };
            if b == Builtin::Puts {
                text.push(b'\n');
            }
            print(env, m, &text);
            // puts returns a non-negative number; putchar the character.
            Value::Int(if b == Builtin::Putchar {
                u64::from(text[0])
            } else {
                0
            })
        }
        Builtin::Getch | Builtin::Getchar | Builtin::Sleep | Builtin::WaitForSingleObject => {
            for a in args.list {
                env.eval(m, a)?;
            }
            env.waiting = true;
            match b {
                // No keyboard: the key pressed is Enter (`_getch` gives '\r', `getchar` '\n').
                Builtin::Getch => Value::Int(13),
                Builtin::Getchar => Value::Int(10),
                // No object is ever signalled here: the wait times out (WAIT_TIMEOUT).
                Builtin::WaitForSingleObject => Value::Int(WAIT_TIMEOUT),
                _ => Value::Void,
            }
        }
        Builtin::MessageBox => {
            let mut text = match env.eval(m, args.at(1)?)? {
                Value::Str(bytes) => bytes,
                Value::Int(0) => Vec::new(),
                Value::Int(addr) => c_string(env, m, addr)?,
                _ => Vec::new(),
            };
            text.push(b'\n');
            print(env, m, &text);
            env.waiting = true;
            // The user clicks OK: IDOK.
            Value::Int(1)
        }
        Builtin::GetCurrentProcessId => Value::Int(u64::from(m.process().id.0)),
        Builtin::CreateFileMapping => {
            let file = args.int(env, m, 0)?;
            env.eval(m, args.at(1)?)?;
            let protect = dword(args.int(env, m, 2)?);
            let high = dword(args.int(env, m, 3)?);
            let low = dword(args.int(env, m, 4)?);
            let name = name_arg(env, m, args.at(5)?)?;
            Value::Int(m.create_file_mapping(file, protect, high, low, name.as_deref()))
        }
        Builtin::OpenFileMapping => {
            let access = dword(args.int(env, m, 0)?);
            env.eval(m, args.at(1)?)?;
            match name_arg(env, m, args.at(2)?)? {
                Some(name) => Value::Int(m.open_file_mapping(access, &name)),
                None => {
                    // A NULL name: STATUS_OBJECT_PATH_SYNTAX_BAD → 87 in practice.
                    m.set_last_error(87);
                    Value::Int(0)
                }
            }
        }
        Builtin::MapViewOfFile | Builtin::MapViewOfFileEx => {
            let h = args.int(env, m, 0)?;
            let access = dword(args.int(env, m, 1)?);
            let high = u64::from(dword(args.int(env, m, 2)?));
            let low = u64::from(dword(args.int(env, m, 3)?));
            let size = args.int(env, m, 4)?;
            let base = match args.list.get(5) {
                Some(a) => env.int(m, a)?,
                None => 0,
            };
            Value::Int(m.map_view_of_file(h, access, (high << 32) | low, size, base))
        }
        Builtin::UnmapViewOfFile => {
            let p = args.int(env, m, 0)?;
            Value::Int(u64::from(m.unmap_view_of_file(p)))
        }
        Builtin::FlushViewOfFile => {
            let p = args.int(env, m, 0)?;
            let n = args.int(env, m, 1)?;
            Value::Int(u64::from(m.flush_view_of_file(p, n)))
        }
        Builtin::CloseHandle => {
            let h = args.int(env, m, 0)?;
            Value::Int(u64::from(m.close_handle(h)))
        }
        Builtin::CreateFile
        | Builtin::ReadFile
        | Builtin::WriteFile
        | Builtin::SetFilePointer
        | Builtin::GetFileSize
        | Builtin::DeleteFile => file_call(env, m, &args, b)?,
        Builtin::SetProcessWorkingSetSize | Builtin::SetProcessWorkingSetSizeEx => {
            let h = args.int(env, m, 0)?;
            let min = args.int(env, m, 1)?;
            let max = args.int(env, m, 2)?;
            let ex = b == Builtin::SetProcessWorkingSetSizeEx;
            let flags = if ex { dword(args.int(env, m, 3)?) } else { 0 };
            Value::Int(u64::from(
                m.set_process_working_set_size(h, min, max, flags, ex),
            ))
        }
        Builtin::GetProcessWorkingSetSize => {
            let h = args.int(env, m, 0)?;
            match m.working_set_size(h) {
                Some((min, max)) => {
                    for (i, v) in [(1, min), (2, max)] {
                        if let ExprKind::AddrOf(var) = &args.at(i)?.kind {
                            env.set_var(&var.kind, Value::Int(var.ty.convert(v)));
                        }
                    }
                    Value::Int(1)
                }
                None => {
                    m.set_last_error(6);
                    Value::Int(0)
                }
            }
        }
        Builtin::GetModuleHandle => {
            let name = name_arg(env, m, args.at(0)?)?;
            Value::Int(m.get_module_handle(name.as_deref()))
        }
        Builtin::Exit => {
            let code = dword(args.int(env, m, 0)?);
            return Err(Abort::Exit(code));
        }
        Builtin::GetSystemInfo => {
            if let ExprKind::AddrOf(var) = &args.at(0)?.kind {
                env.set_var(
                    &var.kind,
                    Value::Record(RecordValue::SystemInfo { filled: true }),
                );
            }
            Value::Void
        }
        Builtin::Strcpy => {
            let dst = args.int(env, m, 0)?;
            let mut bytes = match env.eval(m, args.at(1)?)? {
                Value::Str(bytes) => bytes,
                Value::Int(addr) => env.c_string_mem(m, addr, MAX_COPY as usize)?,
                _ => Vec::new(),
            };
            bytes.push(0);
            let n = bytes.len() as u64;
            copy(env, m, dst, Source::Literal(&bytes), n)?;
            Value::Int(dst)
        }
        Builtin::Strlen => match env.eval(m, args.at(0)?)? {
            Value::Str(bytes) => Value::Int(bytes.len() as u64),
            Value::Int(addr) => {
                Value::Int(env.c_string_mem(m, addr, MAX_COPY as usize)?.len() as u64)
            }
            _ => Value::Int(0),
        },
        Builtin::VirtualLock | Builtin::VirtualUnlock => {
            let address = args.int(env, m, 0)?;
            let size = args.int(env, m, 1)?;
            Value::Int(u64::from(lock(
                env,
                m,
                b == Builtin::VirtualLock,
                address,
                size,
            )))
        }
        Builtin::GetExceptionCode => {
            Value::Int(env.exception.as_ref().map_or(0, |x| u64::from(x.code)))
        }
        Builtin::GetExceptionInformation => match &env.exception {
            Some(x) => Value::Record(RecordValue::Exception(x.clone())),
            None => Value::Int(0),
        },
    };
    Ok(v)
}

/// `VirtualLock`/`VirtualUnlock` of the pages of `address..address+size`; TRUE or FALSE
/// with the last error set. PageLab's machine does not pin pages: locking touches each
/// page, as the system service does, so a guard page makes it fail with
/// STATUS_GUARD_PAGE_VIOLATION and loses its guard (reference §7: a second call
/// succeeds); an uncommitted page makes it fail with ERROR_NOACCESS.
fn lock(env: &mut Env, m: &mut Machine, locking: bool, address: u64, size: u64) -> bool {
    const ERROR_NOT_LOCKED: u32 = 158;
    const ERROR_WORKING_SET_QUOTA: u32 = 1453;
    const ERROR_NOACCESS: u32 = 998;
    let first = address / PAGE_SIZE;
    let end = address
        .saturating_add(size)
        .div_ceil(PAGE_SIZE)
        .max(first + 1);
    let pages = end - first;
    if locking && pages > u64::from(m.config().working_set_limits().max) {
        // More than the working set can hold locked.
        m.set_last_error(ERROR_WORKING_SET_QUOTA);
        return false;
    }
    if !locking {
        let held = (first..end).all(|p| env.locked.binary_search(&p).is_ok());
        if !held {
            m.set_last_error(ERROR_NOT_LOCKED);
            return false;
        }
        env.locked.retain(|p| !(first..end).contains(p));
        return true;
    }
    for page in first..end {
        let mut byte = [0u8; 1];
        if let Err(record) = m.read(page * PAGE_SIZE, &mut byte) {
            let error = if record.code == crate::sim::consts::STATUS_GUARD_PAGE_VIOLATION {
                record.code
            } else {
                ERROR_NOACCESS
            };
            m.set_last_error(error);
            return false;
        }
    }
    for page in first..end {
        if let Err(at) = env.locked.binary_search(&page) {
            env.locked.insert(at, page);
        }
    }
    true
}

/// Print `text`: a step of its own, and the statement's output.
fn print(env: &mut Env, m: &mut Machine, text: &[u8]) {
    if !text.is_empty() {
        m.output(&printf::text(text));
    }
    env.out.extend_from_slice(text);
}

fn printf_call(env: &mut Env, m: &mut Machine, e: &Expr, args: &[Expr]) -> Result<Vec<u8>, Abort> {
    let ExprKind::Str(fmt) = &args[0].kind else {
        return Err(runtime_error(e, "printf needs a format string"));
    };
    let pieces = printf::pieces(fmt).map_err(|msg| runtime_error(&args[0], msg))?;
    // Arguments are evaluated first, then printf reads the strings it prints.
    let mut values = Vec::with_capacity(args.len() - 1);
    for a in &args[1..] {
        values.push(env.eval(m, a)?);
    }
    let mut specs = Vec::with_capacity(values.len());
    for p in &pieces {
        if let Piece::Conv(s) = p {
            specs.push(s);
        }
    }
    let mut formatted = Vec::with_capacity(values.len());
    for (spec, value) in specs.into_iter().zip(values) {
        let arg = match value {
            Value::Str(bytes) => Arg::Bytes(bytes),
            Value::Int(addr) if spec.conv == b's' => Arg::Bytes(c_string(env, m, addr)?),
            Value::Int(v) => Arg::Int(v),
            Value::Mbi(_) | Value::Record(_) | Value::Void => Arg::Int(0),
        };
        formatted.push(arg);
    }
    Ok(printf::format(&pieces, &formatted))
}
