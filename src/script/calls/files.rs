//! The file calls: `CreateFile`, `ReadFile`, `WriteFile`, `SetFilePointer`,
//! `GetFileSize` and `DeleteFile`, on the simulated disk.

use super::memory::{c_string, copy, count, Source, CHUNK};
use super::{dword, Args};
use crate::script::ast::ExprKind;
use crate::script::builtins::Builtin;
use crate::script::eval::{Abort, Env, Value};
use crate::script::printf;
use crate::sim::Machine;

/// The file calls (docs/windows-sections.md §7). `ReadFile` reads the file in its step
/// and then copies the bytes into the buffer; `WriteFile` reads the buffer first. Every
/// argument is evaluated first, in order (an `&variable` one is written at the end).
#[inline(never)]
pub(super) fn file_call(
    env: &mut Env,
    m: &mut Machine,
    args: &Args<'_>,
    b: Builtin,
) -> Result<Value, Abort> {
    let mut v = Vec::with_capacity(args.list.len());
    for a in args.list {
        v.push(match a.kind {
            ExprKind::AddrOf(_) => Value::Void,
            _ => env.eval(m, a)?,
        });
    }
    let int = |i: usize| match v.get(i) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    };
    // A name: a literal, or a C string in simulated memory.
    let name = |env: &mut Env, m: &mut Machine| -> Result<String, Abort> {
        Ok(printf::text(&match v.first() {
            Some(Value::Str(s)) => s.clone(),
            Some(Value::Int(a)) if *a != 0 => c_string(env, m, *a)?,
            _ => Vec::new(),
        }))
    };
    let (value, out_arg, out) = match b {
        Builtin::CreateFile => {
            let name = name(env, m)?;
            let h = m.create_file(&name, dword(int(1)), dword(int(2)), dword(int(4)));
            (h, 0, 0)
        }
        Builtin::ReadFile => match m.read_file(int(0), dword(int(2)), int(1)) {
            Some(data) => {
                copy(env, m, int(1), Source::Literal(&data), data.len() as u64)?;
                (1, 3, data.len() as u64)
            }
            None => (0, 3, 0),
        },
        Builtin::WriteFile => {
            let n = count(env, m, args.at(2)?, b)?;
            let mut data = vec![0u8; n as usize];
            match v.get(1) {
                Some(Value::Str(text)) => {
                    for (d, s) in data.iter_mut().zip(text) {
                        *d = *s;
                    }
                }
                _ => {
                    for (k, chunk) in data.chunks_mut(CHUNK as usize).enumerate() {
                        env.read_mem(m, int(1).wrapping_add(k as u64 * CHUNK), chunk)?;
                    }
                }
            }
            let written = m.write_file(int(0), &data);
            (
                u64::from(written.is_some()),
                3,
                written.map_or(0, u64::from),
            )
        }
        // A LONG distance: the low 32 bits, signed; the new position's high part goes to
        // `&high`, as does the size's for GetFileSize.
        Builtin::SetFilePointer | Builtin::GetFileSize => {
            let pos = if b == Builtin::GetFileSize {
                m.get_file_size(int(0))
            } else {
                // With `&high`, the distance is high:low, 64 bits (MS-SFP).
                let distance = match args.list.get(2).map(|a| &a.kind) {
                    Some(ExprKind::AddrOf(high)) => {
                        let high = env.int(m, high)? as i32;
                        i64::from(high) << 32 | i64::from(dword(int(1)))
                    }
                    _ => i64::from(dword(int(1)) as i32),
                };
                m.set_file_pointer(int(0), distance, dword(int(3)))
            };
            let at = if b == Builtin::GetFileSize { 1 } else { 2 };
            (
                pos.map_or(0xFFFF_FFFF, |n| n & 0xFFFF_FFFF),
                at,
                pos.map_or(0, |n| n >> 32),
            )
        }
        _ => {
            let name = name(env, m)?;
            (u64::from(m.delete_file(&name)), 0, 0)
        }
    };
    if let Some(ExprKind::AddrOf(var)) = args.list.get(out_arg).map(|a| &a.kind) {
        if out_arg > 0 {
            env.set_var(&var.kind, Value::Int(var.ty.convert(out)));
        }
    }
    Ok(Value::Int(value))
}
