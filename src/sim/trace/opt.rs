//! OPT (Bélády's optimal policy): evict the page whose next use is farthest away; among
//! pages never used again, the most recently loaded (DESIGN §6).
//!
//! OPT needs the future, but not all of it in memory at once. The string is read twice, in
//! blocks of [`BLOCK`] accesses:
//! 1. the first reading notes, for every block, each distinct page it holds and the position
//!    of its first use there; merged from the last block back, this gives for every page of
//!    a block the position of its first use *after* the block (or "never");
//! 2. the second reading takes one block at a time, computes each access's next use inside
//!    the block (one backward pass; a page's last use in the block looks up the merged
//!    table), and replays it forward with the resident pages in a tournament tree keyed by
//!    next use (`farthest.rs`).
//!
//! The result is exact, as if the whole future were known. Memory: about 28 bytes per
//! access of one block (28 MiB), plus 16 bytes per distinct page of each block, plus, while
//! the readings are merged, a map of every distinct page of the string, plus a tree of 12
//! bytes per frame; never the whole string.

use std::collections::HashMap;
use std::num::NonZeroU32;

use super::farthest::Farthest;
use super::page_map::PageMap;
use super::{Outcome, Summary};

/// Accesses per block: what the second reading holds at once.
pub const BLOCK: usize = 1 << 20;

/// "Not used again".
const NEVER: u64 = u64::MAX;

/// Heap keys at or above this are pages never used again (ordered by load time); positions
/// stay below it.
const NEVER_BASE: u64 = 1 << 63;

/// Why a two-pass OPT run failed.
#[derive(Debug)]
pub enum OptError<E> {
    /// Reading the string failed.
    Read(E),
    /// The second reading did not give the same string as the first.
    Changed,
}

/// Heap key: the next use (positions below [`NEVER_BASE`]), or for a page never used again
/// `NEVER_BASE + load time`, so the maximum is the farthest next use and, among pages never
/// used again, the latest load.
#[inline(always)]
fn key(next_use: u64, loaded: u64) -> u64 {
    if next_use == NEVER {
        NEVER_BASE | loaded
    } else {
        next_use
    }
}

#[derive(Clone, Copy, Debug)]
struct Resident {
    page: u64,
    /// Position of the access that loaded it.
    loaded: u64,
    /// Position of its next use, or [`NEVER`].
    next: u64,
}

/// One OPT memory replayed block by block; give it blocks in order with [`Opt::feed`].
#[derive(Clone, Debug)]
pub struct Opt {
    frames: usize,
    /// Resident pages, one per frame in use.
    residents: Vec<Resident>,
    /// The frames by [`key`], farthest next use on top.
    farthest: Farthest,
    /// `pending[k]` = 1 + the frame whose page is next used at position `start + k` of the
    /// current block, or 0: access k is a hit exactly when it is not 0, with no page lookup.
    pending: Vec<u32>,
    summary: Summary,
}

impl Opt {
    /// An empty memory of `frames` frames.
    pub fn new(frames: NonZeroU32) -> Opt {
        let frames = frames.get() as usize;
        Opt {
            frames,
            residents: Vec::with_capacity(frames.min(1 << 12)),
            farthest: Farthest::with_capacity(frames.min(1 << 12)),
            pending: Vec::new(),
            summary: Summary::default(),
        }
    }

    /// The totals so far.
    pub fn summary(&self) -> Summary {
        self.summary
    }

    /// Replay one block: `pages[k]` is the access at position `start + k`, `next[k]` the
    /// position of its next use ([`next_uses`]). Blocks must come in order, each starting
    /// where the previous one ended.
    pub fn feed<F: FnMut(u64, Outcome)>(
        &mut self,
        start: u64,
        pages: &[u64],
        next: &[u64],
        mut on_access: F,
    ) {
        let end = start + pages.len() as u64;
        // Counted in locals, added to the summary once per block.
        let mut hits = 0u64;
        self.pending.clear();
        self.pending.resize(pages.len(), 0);
        for (frame, resident) in self.residents.iter().enumerate() {
            if (start..end).contains(&resident.next) {
                self.pending[(resident.next - start) as usize] = frame as u32 + 1;
            }
        }
        for (k, (&page, &next_use)) in pages.iter().zip(next).enumerate() {
            let position = start + k as u64;
            let (frame, outcome) = match self.pending[k] {
                0 if self.residents.len() < self.frames => {
                    let frame = self.residents.len();
                    self.residents.push(Resident {
                        page,
                        loaded: position,
                        next: next_use,
                    });
                    self.farthest.push(frame as u32, key(next_use, position));
                    (frame, Outcome::Miss { evicted: None })
                }
                0 => {
                    // Memory is full: the top is the victim, and the new page takes its
                    // frame and its leaf in the tree.
                    let frame = self.farthest.top() as usize;
                    let victim = self.residents[frame];
                    if (position..end).contains(&victim.next) {
                        self.pending[(victim.next - start) as usize] = 0;
                    }
                    self.residents[frame] = Resident {
                        page,
                        loaded: position,
                        next: next_use,
                    };
                    self.farthest.set(frame as u32, key(next_use, position));
                    (
                        frame,
                        Outcome::Miss {
                            evicted: Some(victim.page),
                        },
                    )
                }
                plus_one => {
                    let frame = (plus_one - 1) as usize;
                    let resident = &mut self.residents[frame];
                    resident.next = next_use;
                    let raised = key(next_use, resident.loaded);
                    self.farthest.set(frame as u32, raised);
                    (frame, Outcome::Hit)
                }
            };
            if next_use < end {
                self.pending[(next_use - start) as usize] = frame as u32 + 1;
            }
            hits += u64::from(outcome.is_hit());
            on_access(page, outcome);
        }
        let block = Summary::of_hits(pages.len() as u64, hits);
        self.summary.accesses += block.accesses;
        self.summary.hits += block.hits;
        self.summary.misses += block.misses;
    }
}

/// Fill `next` with the next use of each access of the block `pages` that starts at
/// position `start`: a later position in the block, or else the position of the page's
/// first use after the block as `afters` gives it (distinct pages sorted by page, with
/// that position or [`NEVER`]; an empty slice means never for all). False when a page of
/// the block is missing from a non-empty `afters`.
pub fn next_uses(start: u64, pages: &[u64], afters: &[(u64, u64)], next: &mut Vec<u64>) -> bool {
    next.clear();
    next.resize(pages.len(), NEVER);
    // Sized once where the block's distinct pages are known (`afters` lists them), so the
    // map never grows: a growth rehashes every page so far, in random order.
    let expected = if afters.is_empty() {
        pages.len().min(1 << 12)
    } else {
        afters.len()
    };
    let mut later: PageMap = PageMap::with_capacity(expected);
    // Each page's last use in the block, which takes its next use from `afters` (none to
    // note when there is no `afters`: the last uses stay never).
    let mut lasts: Vec<(u64, u32)> = Vec::new();
    let note_lasts = !afters.is_empty();
    for (k, &page) in pages.iter().enumerate().rev() {
        match later.insert(page, k as u32) {
            Some(j) => next[k] = start + u64::from(j),
            None if note_lasts => lasts.push((page, k as u32)),
            None => {}
        }
    }
    if !note_lasts {
        return true;
    }
    // A merge of two sorted lists, not a search per page: the lists are long and random.
    lasts.sort_unstable();
    let distinct = lasts.len();
    let mut rest = afters.iter();
    for (page, k) in lasts {
        match rest.find(|&&(p, _)| p >= page) {
            Some(&(p, after)) if p == page => next[k as usize] = after,
            _ => return false,
        }
    }
    afters.len() == distinct
}

/// The distinct pages of a block with the position of each one's first use, sorted by page.
fn first_uses(start: u64, pages: &[u64]) -> Vec<(u64, u64)> {
    let mut seen: PageMap = PageMap::with_capacity(pages.len().min(1 << 12));
    let mut firsts = Vec::new();
    for (k, &page) in pages.iter().enumerate() {
        if seen.insert(page, 0).is_none() {
            firsts.push((page, start + k as u64));
        }
    }
    firsts.sort_unstable();
    firsts
}

/// Cut a stream of pages into blocks of `block` pages and call `each(start, block)`.
fn in_blocks<E>(
    block: usize,
    read: &mut impl FnMut(&mut dyn FnMut(u64)) -> Result<(), E>,
    mut each: impl FnMut(u64, &[u64]),
) -> Result<u64, E> {
    let mut buffer = Vec::with_capacity(block.min(BLOCK));
    let mut start = 0u64;
    read(&mut |page| {
        buffer.push(page);
        if buffer.len() == block {
            each(start, &buffer);
            start += buffer.len() as u64;
            buffer.clear();
        }
    })?;
    if !buffer.is_empty() {
        each(start, &buffer);
        start += buffer.len() as u64;
    }
    Ok(start)
}

/// Replay a string through OPT with each of `frames`, reading it twice through `read`
/// (which calls its argument once per page, in order, and must give the same string both
/// times), in blocks of `block` accesses. `on_access(run, page, outcome)` sees every access
/// of every run (`run` indexes `frames`). Returns one summary per frame count.
pub fn simulate_twice<E>(
    frames: &[NonZeroU32],
    block: usize,
    mut read: impl FnMut(&mut dyn FnMut(u64)) -> Result<(), E>,
    mut on_access: impl FnMut(usize, u64, Outcome),
) -> Result<Vec<Summary>, OptError<E>> {
    let block = block.max(1);
    // First reading: each block's distinct pages and their first uses.
    let mut blocks: Vec<Vec<(u64, u64)>> = Vec::new();
    let total = in_blocks(block, &mut read, |start, pages| {
        blocks.push(first_uses(start, pages))
    })
    .map_err(OptError::Read)?;
    // Merge from the last block back: replace each entry by the page's first use after
    // its block.
    let mut future: HashMap<u64, u64> = HashMap::new();
    for firsts in blocks.iter_mut().rev() {
        for (page, position) in firsts.iter_mut() {
            let first_here = *position;
            *position = future.insert(*page, first_here).unwrap_or(NEVER);
        }
    }
    drop(future);
    // Second reading: replay block by block.
    let mut runs: Vec<Opt> = frames.iter().map(|&f| Opt::new(f)).collect();
    let mut next = Vec::new();
    let mut index = 0usize;
    let mut changed = false;
    let replayed = in_blocks(block, &mut read, |start, pages| {
        let Some(afters) = blocks.get(index) else {
            changed = true;
            return;
        };
        index += 1;
        if !next_uses(start, pages, afters, &mut next) {
            changed = true;
        }
        for (run, opt) in runs.iter_mut().enumerate() {
            opt.feed(start, pages, &next, |page, outcome| {
                on_access(run, page, outcome)
            });
        }
    })
    .map_err(OptError::Read)?;
    if changed || replayed != total || index != blocks.len() {
        return Err(OptError::Changed);
    }
    Ok(runs.iter().map(Opt::summary).collect())
}

/// Replay `pages` through OPT with `frames` frames, calling `on_access(page, outcome)` for
/// every access in order (two passes over the slice, in blocks of [`BLOCK`]).
pub fn simulate<F>(frames: NonZeroU32, pages: &[u64], mut on_access: F) -> Summary
where
    F: FnMut(u64, Outcome),
{
    if pages.len() <= BLOCK {
        // One block: its own next uses are all there is.
        let mut next = Vec::new();
        next_uses(0, pages, &[], &mut next);
        let mut opt = Opt::new(frames);
        opt.feed(0, pages, &next, on_access);
        return opt.summary();
    }
    let read = |visit: &mut dyn FnMut(u64)| -> Result<(), std::convert::Infallible> {
        pages.iter().for_each(|&p| visit(p));
        Ok(())
    };
    match simulate_twice(&[frames], BLOCK, read, |_, p, o| on_access(p, o)) {
        Ok(summaries) => summaries[0],
        Err(OptError::Read(never)) => match never {},
        Err(OptError::Changed) => unreachable!("a slice reads the same twice"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    #[test]
    fn next_use_positions() {
        let mut next = Vec::new();
        assert!(next_uses(10, &[5, 6, 5, 5, 7, 6], &[], &mut next));
        assert_eq!(next, vec![12, 15, 13, NEVER, NEVER, NEVER]);
        assert!(next_uses(0, &[5, 6], &[(5, 40), (6, NEVER)], &mut next));
        assert_eq!(next, vec![40, NEVER]);
        assert!(!next_uses(0, &[5, 6], &[(5, 40), (7, NEVER)], &mut next));
    }

    /// Among pages never used again, the most recently loaded goes first.
    #[test]
    fn never_used_again_evicts_latest_load() {
        let mut evicted = Vec::new();
        // 1 and 2 never return; 2 was loaded later, so 3 replaces 2; then 4 replaces 3.
        simulate(frames(2), &[1, 2, 1, 3, 4], |_, o| {
            if let Outcome::Miss { evicted: Some(v) } = o {
                evicted.push(v)
            }
        });
        assert_eq!(evicted, vec![2, 3]);
    }

    /// Many hits on few frames raise keys in place again and again; the result must still
    /// be the optimal count (each page in the cycle misses once).
    #[test]
    fn hits_raise_keys_in_place() {
        let string: Vec<u64> = (0..10_000).map(|i| i % 3).collect();
        let summary = simulate(frames(3), &string, |_, _| {});
        assert_eq!((summary.hits, summary.misses), (9_997, 3));
    }

    /// Every block size gives the same outcomes as one block holding the whole string.
    #[test]
    fn blocks_give_the_same_outcomes() {
        let mut rng = crate::sim::rng::SplitMix64::new(7);
        let string: Vec<u64> = (0..3_000).map(|_| rng.below(40)).collect();
        let read = |visit: &mut dyn FnMut(u64)| -> Result<(), ()> {
            string.iter().for_each(|&p| visit(p));
            Ok(())
        };
        let sizes = [frames(1), frames(4), frames(9), frames(64)];
        let mut whole = vec![Vec::new(); sizes.len()];
        simulate_twice(&sizes, usize::MAX, read, |r, _, o| whole[r].push(o)).unwrap();
        for block in [1, 2, 7, 64, 999] {
            let mut got = vec![Vec::new(); sizes.len()];
            simulate_twice(&sizes, block, read, |r, _, o| got[r].push(o)).unwrap();
            assert_eq!(got, whole, "block {block}");
        }
    }

    /// A source that reads differently the second time is caught.
    #[test]
    fn a_changed_source_is_an_error() {
        let mut reads = 0;
        let read = |visit: &mut dyn FnMut(u64)| -> Result<(), ()> {
            reads += 1;
            let string: &[u64] = if reads == 1 { &[1, 2, 3] } else { &[1, 2, 4] };
            string.iter().for_each(|&p| visit(p));
            Ok(())
        };
        let result = simulate_twice(&[frames(2)], 2, read, |_, _, _| {});
        assert!(matches!(result, Err(OptError::Changed)));
    }
}
