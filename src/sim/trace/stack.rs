//! Stack algorithms: LRU and OPT at every frame count in one pass over a string
//! (Mattson, Gecsei, Slutz and Traiger, 1970). With n frames such a policy keeps the n
//! pages on top of one stack that its accesses reorder, so those pages are also kept with
//! n + 1 frames (it never shows Bélády's anomaly), and an access hits with n frames exactly
//! when its page is among the top n: counting hits by depth gives every frame count's
//! faults at once.

/// Hits counted by the depth at which the accessed page stood, for frame counts up to a
/// limit.
#[derive(Clone, Debug)]
struct DepthHits {
    /// `at[d]`: accesses whose page was at depth `d` (0 on top).
    at: Vec<u64>,
}

impl DepthHits {
    /// Depths 0 to `depth - 1` (at least depth 0, so that a stack is never empty).
    fn new(depth: usize) -> DepthHits {
        DepthHits {
            at: vec![0; depth.max(1)],
        }
    }

    /// Hits with `frames` frames.
    fn with(&self, frames: usize) -> u64 {
        self.at[..frames.min(self.at.len())].iter().sum()
    }
}

/// LRU at every frame count up to a depth: the stack is the pages in order of last use.
pub(super) struct LruStack {
    /// The most recently used distinct pages, most recent first, at most `depth` of them.
    stack: Vec<u64>,
    hits: DepthHits,
}

impl LruStack {
    /// Every frame count up to `depth`.
    pub(super) fn new(depth: usize) -> LruStack {
        LruStack {
            stack: Vec::with_capacity(depth + 1),
            hits: DepthHits::new(depth),
        }
    }

    /// Access `page`.
    #[inline]
    pub(super) fn access(&mut self, page: u64) {
        match self.stack.iter().position(|&p| p == page) {
            Some(d) => {
                self.hits.at[d] += 1;
                self.stack[..=d].rotate_right(1);
            }
            None => {
                self.stack.insert(0, page);
                self.stack.truncate(self.hits.at.len());
            }
        }
    }

    /// Hits with `frames` frames.
    pub(super) fn hits_with(&self, frames: usize) -> u64 {
        self.hits.with(frames)
    }
}

/// OPT at every frame count up to a depth, given each access's next use.
///
/// With n frames OPT keeps the top n pages of a stack ordered as follows: the accessed page
/// goes on top; below it, going down from the old top to the depth where the page stood
/// (or to the bottom on a miss), the page carried down meets each page in turn and the one
/// used again later is carried on while the other stays. The carried page is the one the
/// memory of that many frames evicts: of the pages it held, the one whose next use is
/// farthest. It settles where the accessed page stood, or at the bottom.
///
/// Pages never used again tie with one another; which of them a memory evicts changes no
/// fault count (none of them is ever missed again), so the tie goes to the carried page.
/// The counts are OPT's exactly, whatever [`super::opt`]'s rule for that choice.
pub(super) struct OptStack {
    /// `(next use, page)` from the top, at most `depth` of them.
    stack: Vec<(u64, u64)>,
    hits: DepthHits,
}

impl OptStack {
    /// Every frame count up to `depth`.
    pub(super) fn new(depth: usize) -> OptStack {
        OptStack {
            stack: Vec::with_capacity(depth + 1),
            hits: DepthHits::new(depth),
        }
    }

    /// Access `page`, whose next use is at `next_use` (`u64::MAX` for never).
    #[inline]
    pub(super) fn access(&mut self, page: u64, next_use: u64) {
        // Slices, indexed without a call even where the wasm is optimised for size.
        let (stack, hits) = (&mut self.stack[..], &mut self.hits.at[..]);
        let Some(top) = stack.first_mut() else {
            self.stack.push((next_use, page));
            return;
        };
        if top.1 == page {
            hits[0] += 1;
            top.0 = next_use;
            return;
        }
        let mut carried = std::mem::replace(top, (next_use, page));
        for (d, slot) in stack.iter_mut().enumerate().skip(1) {
            let here = *slot;
            if here.1 == page {
                hits[d] += 1;
                *slot = carried;
                return;
            }
            // The one used again sooner stays; the other is carried down.
            if here.0 > carried.0 {
                *slot = carried;
                carried = here;
            }
        }
        if self.stack.len() < self.hits.at.len() {
            self.stack.push(carried);
        }
    }

    /// Hits with `frames` frames.
    pub(super) fn hits_with(&self, frames: usize) -> u64 {
        self.hits.with(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::Policy;
    use crate::sim::rng::SplitMix64;
    use crate::sim::trace::{opt, simulate};

    /// One pass of each stack gives, at every frame count, the faults of the policy run
    /// with that many frames, on strings whose pages die (are never used again) often.
    #[test]
    fn every_depth_matches_a_run_with_that_many_frames() {
        for (seed, universe, len) in [(1, 5, 300), (2, 40, 2_000), (3, 300, 3_000)] {
            let mut rng = SplitMix64::new(seed);
            // Later pages come from a shifting window, so earlier ones die.
            let string: Vec<u64> = (0..len)
                .map(|i| i as u64 / 50 + rng.below(universe))
                .collect();
            let mut next = Vec::new();
            opt::next_uses(0, &string, &[], &mut next);
            let depth = 48;
            let (mut lru, mut best) = (LruStack::new(depth), OptStack::new(depth));
            for (&page, &next_use) in string.iter().zip(&next) {
                lru.access(page);
                best.access(page, next_use);
            }
            for frames in 1..=depth {
                for (policy, hits) in [
                    (Policy::Lru, lru.hits_with(frames)),
                    (Policy::Opt, best.hits_with(frames)),
                ] {
                    let run = simulate(policy, frames as u64, 1, string.iter().copied(), |_, _| {});
                    assert_eq!(Ok(hits), run.map(|s| s.hits), "{policy:?}, {frames} frames");
                }
            }
        }
    }
}
