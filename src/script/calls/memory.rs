//! How the memory functions move bytes of simulated memory: copies and fills a
//! page-sized chunk at a time, byte counts held to their limits, and C strings read up to
//! their NUL.

use crate::script::ast::Expr;
use crate::script::builtins::Builtin;
use crate::script::eval::{runtime_error, Abort, Env};
use crate::sim::addr::PAGE_SIZE;
use crate::sim::Machine;

/// Most bytes one `memmove`/`memcpy`/`memset`/`write` call may touch.
pub const MAX_COPY: u64 = crate::script::limits::Limits::DEFAULT.bytes_per_call;
/// Most bytes `%s` prints from simulated memory when no NUL ends the string.
pub const MAX_STRING: u64 = 4096;
/// Bytes moved per machine access while copying.
pub(super) const CHUNK: u64 = PAGE_SIZE;

/// Where copied bytes come from.
pub(super) enum Source<'a> {
    /// A string literal: its bytes, then its NUL, then zeros.
    Literal(&'a [u8]),
    /// Simulated memory.
    Memory(u64),
}

/// A byte count of `memmove`, `memcpy`, `memset` or `write`, at most [`MAX_COPY`].
pub(super) fn count(env: &mut Env, m: &mut Machine, e: &Expr, b: Builtin) -> Result<u64, Abort> {
    let n = env.int(m, e)?;
    if n > MAX_COPY {
        let name = crate::script::builtins::SIGNATURES
            .iter()
            .find(|s| s.builtin == b)
            .map_or("this call", |s| s.name);
        return Err(runtime_error(
            e,
            format!(
                "{name} of {n} bytes: PageLab moves at most {} MiB in one call",
                MAX_COPY >> 20
            ),
        ));
    }
    Ok(n)
}

/// The byte count of `read` or `write(addr, value, n)`: 1 to 8.
pub(super) fn small_count(
    env: &mut Env,
    m: &mut Machine,
    e: &Expr,
    name: &str,
) -> Result<usize, Abort> {
    let n = env.int(m, e)?;
    if !(1..=8).contains(&n) {
        return Err(runtime_error(
            e,
            format!("{name} moves 1 to 8 bytes, but the count is {}", n as i64),
        ));
    }
    Ok(n as usize)
}

/// Copy `n` bytes to `dst`, one page-sized chunk at a time (each chunk read, then
/// written), like `memmove`: overlapping memory is copied backwards when needed.
pub(super) fn copy(
    env: &mut Env,
    m: &mut Machine,
    dst: u64,
    src: Source<'_>,
    n: u64,
) -> Result<(), Abort> {
    let chunks = n.div_ceil(CHUNK);
    let backwards = match src {
        Source::Memory(s) => dst > s && dst < s.wrapping_add(n),
        Source::Literal(_) => false,
    };
    let mut buf = vec![0u8; n.min(CHUNK) as usize];
    for k in 0..chunks {
        let index = if backwards { chunks - 1 - k } else { k };
        let offset = index * CHUNK;
        let len = (n - offset).min(CHUNK) as usize;
        let chunk = &mut buf[..len];
        match src {
            Source::Literal(bytes) => {
                // Past the literal come its NUL and then zeros (the documented choice).
                for (i, b) in chunk.iter_mut().enumerate() {
                    *b = usize::try_from(offset)
                        .ok()
                        .and_then(|o| bytes.get(o + i))
                        .copied()
                        .unwrap_or(0);
                }
            }
            Source::Memory(s) => env.read_mem(m, s.wrapping_add(offset), chunk)?,
        }
        env.write_mem(m, dst.wrapping_add(offset), chunk)?;
    }
    Ok(())
}

/// `memset`: write `n` copies of `byte` at `dst`, a page-sized chunk at a time.
pub(super) fn fill(
    env: &mut Env,
    m: &mut Machine,
    dst: u64,
    byte: u8,
    n: u64,
) -> Result<(), Abort> {
    let buf = vec![byte; n.min(CHUNK) as usize];
    let mut offset = 0;
    while offset < n {
        let len = (n - offset).min(CHUNK) as usize;
        env.write_mem(m, dst.wrapping_add(offset), &buf[..len])?;
        offset += len as u64;
    }
    Ok(())
}

/// Read a NUL-terminated string for `%s`: C reads up to and including the NUL, so the
/// machine records reads of exactly those bytes, at most [`MAX_STRING`] of them. NULL
/// prints `(null)`, as the Microsoft C runtime does.
pub(super) fn c_string(env: &mut Env, m: &mut Machine, address: u64) -> Result<Vec<u8>, Abort> {
    if address == 0 {
        return Ok(b"(null)".to_vec());
    }
    env.c_string_mem(m, address, MAX_STRING as usize)
}
