//! Trace mode: the classic textbook replacement model over a reference string (DESIGN §6).
//!
//! A reference string is a sequence of page numbers. Memory holds `frames` pages; an access
//! to a resident page is a *hit*, any other access is a *miss* (a cold miss, the first touch
//! of a page, counts as a miss too). On a miss with every frame taken, the policy picks the
//! page to evict. There are no standby lists, no dirty pages and no per-step events: this is
//! the fast path, tens of millions of accesses per second.
//!
//! The policies, exactly as DESIGN §6 states them:
//! - [`Fifo`]: evict the page loaded earliest.
//! - [`Lru`]: evict the page used least recently.
//! - [`opt`]: evict the page whose next use is farthest away; among pages never used again,
//!   the most recently loaded. It needs the whole string in advance.
//! - [`Clock`]: textbook second chance (see its documentation for the exact hand rules).
//! - [`Random`]: evict a frame chosen by a seeded [`SplitMix64`] generator.
//!
//! [`simulate`] runs any of them over an iterator of pages; [`TraceReader`] streams a
//! reference string out of text in any [`Format`] (page numbers, byte addresses, Valgrind
//! Lackey output); [`naive`] holds a deliberately simple version of every
//! policy that serves as the executable specification the fast ones are tested against.
//!
//! Everything here is pure and deterministic: the same policy, frames, seed and string give
//! the same outcomes, byte for byte.

mod clock;
mod compare;
mod farthest;
mod fifo;
mod format;
mod frame_table;
mod in_place;
mod input;
mod lackey;
pub mod lane;
mod lru;
pub mod naive;
pub mod opt;
mod page_map;
mod random;
mod stack;

use std::num::NonZeroU32;

use serde::Serialize;

use super::config::Policy;

pub use crate::sim::rng::SplitMix64;
pub use clock::Clock;
pub use compare::{compare, compare_pages, CompareError, Comparison};
pub use fifo::Fifo;
pub use format::{page_shift, parse_trace, Format, Sniffed, TraceReader};
pub use input::{parse_pages, InputError, InputErrorKind, PageReader, MAX_TOKEN};
pub use lackey::{LackeyReader, MAX_ACCESS_SIZE};
pub use lru::Lru;
pub use random::Random;

/// The most frames trace mode accepts (frame indices are `u32`, and `u32::MAX` is reserved).
pub const MAX_FRAMES: u64 = u32::MAX as u64 - 1;

/// What one access did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The page was resident.
    Hit,
    /// The page was not resident and has been loaded.
    Miss {
        /// The page evicted to make room; `None` while free frames remained.
        evicted: Option<u64>,
    },
}

impl Outcome {
    /// Whether the access was a hit.
    pub fn is_hit(self) -> bool {
        self == Outcome::Hit
    }
}

/// The totals of a run, printed by `pagelab trace` as one JSON line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// References replayed.
    pub accesses: u64,
    /// Accesses that found their page resident.
    pub hits: u64,
    /// Accesses that did not (page faults), cold misses included.
    pub misses: u64,
}

impl Summary {
    /// The summary line of `pagelab trace`: `{"accesses":…,"hits":…,"misses":…}` (the
    /// same text `serde_json` gives, without needing the caller to link serde).
    pub fn to_json(&self) -> String {
        format!(
            "{{\"accesses\":{},\"hits\":{},\"misses\":{}}}",
            self.accesses, self.hits, self.misses
        )
    }

    /// Count one access.
    #[inline(always)]
    pub fn record(&mut self, outcome: Outcome) {
        // Branch-free: whether an access hits is as unpredictable as the string.
        let hit = u64::from(outcome.is_hit());
        self.accesses += 1;
        self.hits += hit;
        self.misses += 1 - hit;
    }

    /// The totals of `accesses` of which `hits` hit.
    pub fn of_hits(accesses: u64, hits: u64) -> Summary {
        Summary {
            accesses,
            hits,
            misses: accesses - hits,
        }
    }
}

/// Why a trace could not be replayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceError {
    /// Zero frames: no page could ever be resident.
    NoFrames,
    /// More than [`MAX_FRAMES`] frames.
    TooManyFrames(u64),
}

impl std::fmt::Display for TraceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TraceError::NoFrames => write!(f, "the number of frames must be at least 1"),
            TraceError::TooManyFrames(n) => {
                write!(f, "{n} frames is too many; the most is {MAX_FRAMES}")
            }
        }
    }
}

impl std::error::Error for TraceError {}

/// A policy that decides one access at a time, without knowing the future
/// (every policy but OPT).
pub trait Replacer {
    /// Reference `page` once: a hit, or a miss that loads it (evicting a page if memory is
    /// full).
    fn access(&mut self, page: u64) -> Outcome;
}

/// Check a frame count given by a user.
pub fn check_frames(frames: u64) -> Result<NonZeroU32, TraceError> {
    if frames > MAX_FRAMES {
        return Err(TraceError::TooManyFrames(frames));
    }
    u32::try_from(frames)
        .ok()
        .and_then(NonZeroU32::new)
        .ok_or(TraceError::NoFrames)
}

/// Replay `pages` through `policy` with `frames` frames, calling `on_access(page, outcome)`
/// for every access in order, and return the totals.
///
/// `seed` drives [`Random`] and is ignored by the other policies. Every policy but OPT
/// consumes `pages` as a stream in constant memory; OPT collects it first, because it needs
/// the future (a source that can be read twice avoids that: [`opt::simulate_twice`]).
pub fn simulate<I, F>(
    policy: Policy,
    frames: u64,
    seed: u64,
    pages: I,
    on_access: F,
) -> Result<Summary, TraceError>
where
    I: IntoIterator<Item = u64>,
    F: FnMut(u64, Outcome),
{
    let frames = check_frames(frames)?;
    Ok(match policy {
        Policy::Fifo => run(Fifo::new(frames), pages, on_access),
        Policy::Lru => run(Lru::new(frames), pages, on_access),
        Policy::Clock => run(Clock::new(frames), pages, on_access),
        Policy::Random => run(Random::new(frames, seed), pages, on_access),
        Policy::Opt => {
            let string: Vec<u64> = pages.into_iter().collect();
            opt::simulate(frames, &string, on_access)
        }
    })
}

/// Replay `pages` through one online policy.
pub fn run<R, I, F>(mut replacer: R, pages: I, mut on_access: F) -> Summary
where
    R: Replacer,
    I: IntoIterator<Item = u64>,
    F: FnMut(u64, Outcome),
{
    // Two counters, not three: the misses are the rest.
    let (mut accesses, mut hits) = (0u64, 0u64);
    for page in pages {
        let outcome = replacer.access(page);
        accesses += 1;
        hits += u64::from(outcome.is_hit());
        on_access(page, outcome);
    }
    Summary::of_hits(accesses, hits)
}

/// Append the `--per-access` line of one access to `out`: the page in decimal, then `hit`
/// or `miss`, then ` evict P` when the miss evicted page P, then a newline. For example
/// `7 miss`, `3 miss evict 7`, `3 hit`.
pub fn write_access_line(out: &mut Vec<u8>, page: u64, outcome: Outcome) {
    push_decimal(out, page);
    match outcome {
        Outcome::Hit => out.extend_from_slice(b" hit\n"),
        Outcome::Miss { evicted: None } => out.extend_from_slice(b" miss\n"),
        Outcome::Miss {
            evicted: Some(victim),
        } => {
            out.extend_from_slice(b" miss evict ");
            push_decimal(out, victim);
            out.push(b'\n');
        }
    }
}

/// Append `n` in decimal (the hot loop of `--per-access` output; no `fmt` machinery).
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_lines() {
        let mut out = Vec::new();
        write_access_line(&mut out, 7, Outcome::Miss { evicted: None });
        write_access_line(&mut out, 3, Outcome::Miss { evicted: Some(7) });
        write_access_line(&mut out, 0, Outcome::Hit);
        write_access_line(&mut out, u64::MAX, Outcome::Hit);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "7 miss\n3 miss evict 7\n0 hit\n18446744073709551615 hit\n"
        );
    }

    #[test]
    fn summary_json_is_serde_json() {
        let summary = Summary {
            accesses: 12,
            hits: 3,
            misses: 9,
        };
        assert_eq!(summary.to_json(), r#"{"accesses":12,"hits":3,"misses":9}"#);
        assert_eq!(summary.to_json(), serde_json::to_string(&summary).unwrap());
    }

    #[test]
    fn frame_counts_are_checked() {
        assert_eq!(check_frames(0), Err(TraceError::NoFrames));
        assert_eq!(
            check_frames(MAX_FRAMES + 1),
            Err(TraceError::TooManyFrames(MAX_FRAMES + 1))
        );
        assert_eq!(check_frames(3).map(NonZeroU32::get), Ok(3));
        assert_eq!(
            simulate(Policy::Lru, 0, 1, [1, 2], |_, _| {}),
            Err(TraceError::NoFrames)
        );
    }

    #[test]
    fn summary_counts_each_access() {
        let mut lines = Vec::new();
        let summary = simulate(Policy::Fifo, 2, 0, [1, 2, 1, 3, 1], |p, o| {
            lines.push((p, o))
        })
        .unwrap();
        assert_eq!(
            summary,
            Summary {
                accesses: 5,
                hits: 1,
                misses: 4
            }
        );
        assert_eq!(
            lines,
            vec![
                (1, Outcome::Miss { evicted: None }),
                (2, Outcome::Miss { evicted: None }),
                (1, Outcome::Hit),
                (3, Outcome::Miss { evicted: Some(1) }),
                (1, Outcome::Miss { evicted: Some(2) }),
            ]
        );
    }
}
