//! OPT (Bélády's optimal policy): evict the page whose next use is farthest away; among
//! pages never used again, the most recently loaded (DESIGN §6).
//!
//! OPT needs the future, so it works on a whole buffered reference string:
//! 1. one backward pass computes, for every position, the position of the next use of the
//!    same page (or "never");
//! 2. one forward pass keeps the resident pages in a max-heap keyed by
//!    (next use, load time): the top is the page to evict, ties among "never" going to the
//!    latest load. O(log frames) amortised per access.

use std::collections::BinaryHeap;
use std::num::NonZeroU32;

use super::page_map::PageMap;
use super::{Outcome, Summary, TraceError};

/// The longest reference string OPT accepts (positions are `u32`; `u32::MAX` means never).
pub const MAX_ACCESSES: usize = u32::MAX as usize - 1;

/// "Not used again".
const NEVER: u32 = u32::MAX;

/// For each position, the position of the next reference to the same page, or [`NEVER`].
fn next_uses(pages: &[u64]) -> Vec<u32> {
    let mut next = vec![NEVER; pages.len()];
    let mut later: PageMap = PageMap::with_capacity(pages.len().min(1 << 12));
    for (i, &page) in pages.iter().enumerate().rev() {
        if let Some(j) = later.insert(page, i as u32) {
            next[i] = j;
        }
    }
    next
}

/// Heap key: next use in the high half, load time in the low half, so the maximum is the
/// farthest next use and, among pages never used again, the latest load.
#[inline(always)]
fn key(next_use: u32, loaded: u32) -> u64 {
    (u64::from(next_use) << 32) | u64::from(loaded)
}

/// Replay `pages` through OPT with `frames` frames, calling `on_access(page, outcome)` for
/// every access in order.
///
/// Memory: 8 bytes per access besides the string itself, plus the heap.
pub fn simulate<F>(
    frames: NonZeroU32,
    pages: &[u64],
    mut on_access: F,
) -> Result<Summary, TraceError>
where
    F: FnMut(u64, Outcome),
{
    if pages.len() > MAX_ACCESSES {
        return Err(TraceError::TooLongForOpt);
    }
    let frames = frames.get() as usize;
    let next = next_uses(pages);
    // `pending[j]` = 1 + load time of the resident page whose next use is position j, or 0
    // when no resident page is next used at j. Position i is a hit exactly when
    // `pending[i] != 0`, so the forward pass needs no page lookup at all.
    let mut pending = vec![0u32; pages.len()];
    // Keys of resident pages, plus stale keys left behind by hits. A stale key's next use is
    // a position already passed, while every resident page's next use lies ahead, so a stale
    // key never reaches the top when a victim is chosen; stale keys are swept out whenever
    // they make up more than half the heap.
    let mut heap: BinaryHeap<u64> = BinaryHeap::with_capacity(frames.min(1 << 12) * 2 + 64);
    let mut resident = 0usize;
    let mut summary = Summary::default();
    for (i, (&page, &next_use)) in pages.iter().zip(&next).enumerate() {
        let loaded;
        let outcome = if pending[i] != 0 {
            loaded = pending[i] - 1;
            Outcome::Hit
        } else {
            loaded = i as u32;
            if resident < frames {
                resident += 1;
                Outcome::Miss { evicted: None }
            } else {
                // Memory is full, so the heap holds `frames` live keys.
                let Some(top) = heap.pop() else {
                    unreachable!("a full memory has a page to evict")
                };
                let (victim_next, victim_loaded) = ((top >> 32) as u32, top as u32);
                if victim_next != NEVER {
                    pending[victim_next as usize] = 0;
                }
                Outcome::Miss {
                    evicted: Some(pages[victim_loaded as usize]),
                }
            }
        };
        heap.push(key(next_use, loaded));
        if next_use != NEVER {
            pending[next_use as usize] = loaded + 1;
        }
        if heap.len() > 2 * resident + 64 {
            // Live keys have a next use after i; stale ones at or before it.
            heap.retain(|&k| (k >> 32) as usize > i);
        }
        summary.record(outcome);
        on_access(page, outcome);
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_use_positions() {
        assert_eq!(
            next_uses(&[5, 6, 5, 5, 7, 6]),
            vec![2, 5, 3, NEVER, NEVER, NEVER]
        );
    }

    /// Many distinct pages make the position map grow several times.
    #[test]
    fn next_use_positions_with_growth() {
        let pages: Vec<u64> = (0..30_000u64).map(|i| (i * 7919) % 10_007).collect();
        let next = next_uses(&pages);
        for i in (0..pages.len()).step_by(97) {
            let expected = pages[i + 1..]
                .iter()
                .position(|&q| q == pages[i])
                .map_or(NEVER, |d| (i + 1 + d) as u32);
            assert_eq!(next[i], expected, "position {i}");
        }
    }

    /// Among pages never used again, the most recently loaded goes first.
    #[test]
    fn never_used_again_evicts_latest_load() {
        let frames = NonZeroU32::new(2).unwrap();
        let mut evicted = Vec::new();
        // 1 and 2 never return; 2 was loaded later, so 3 replaces 2; then 4 replaces 3.
        simulate(frames, &[1, 2, 1, 3, 4], |_, o| {
            if let Outcome::Miss { evicted: Some(v) } = o {
                evicted.push(v)
            }
        })
        .unwrap();
        assert_eq!(evicted, vec![2, 3]);
    }

    /// Many hits on few frames force the stale-key sweep many times; the result must
    /// still be the optimal count (each page in the cycle misses once).
    #[test]
    fn sweep_keeps_live_keys() {
        let frames = NonZeroU32::new(3).unwrap();
        let string: Vec<u64> = (0..10_000).map(|i| i % 3).collect();
        let summary = simulate(frames, &string, |_, _| {}).unwrap();
        assert_eq!((summary.hits, summary.misses), (9_997, 3));
    }
}
