//! The working set of the process and its replacement policies (reference §8.4).
//!
//! Pages are kept in clock order: a new page goes in just behind the clock hand, where
//! the page it replaced was, so the hand reaches it last. The policies:
//! - `clock` (accessed-bit aging, reference §8.4): the hand looks at the page under it;
//!   if its accessed bit is set, the bit is cleared and the hand moves on; the first page
//!   whose bit is clear is trimmed. The next scan resumes where this one stopped.
//! - `fifo`: trim the page loaded earliest.
//! - `lru`: trim the page used least recently.
//! - `random`: trim a page picked by the machine's seeded generator; the new page takes
//!   the victim's place, as a frame does in trace mode, so both draw the same victims.
//! - `opt`: trim the page used again furthest in the future; among pages never used
//!   again, the one loaded most recently (DESIGN §6). The future comes from a first run
//!   of the script that recorded its page references (`crate::sim::system::future`).
//!
//! The limits (reference §8.4) are a minimum and a maximum, soft by default: a soft
//! maximum lets the working set grow while memory is plentiful, and the working-set
//! manager trims it (no lower than its minimum) when available memory runs low. A hard
//! maximum (`QUOTA_LIMITS_HARDWS_MAX_ENABLE`) makes a fault at the maximum replace a page
//! of the same working set first: the textbook's fixed number of frames per process.
//!
//! Every policy passes over pages that cannot leave right now (in the textbook model, a
//! changed page when the page file has no room for it): the trimmer skips a page it cannot
//! write, and picks the next one by the same rule.
//!
//! The insertions and removals since the recorder last asked are kept in order
//! ([`WorkingSet::take_changes`]) for the picture delta.

use crate::sim::addr::Vpn;
use crate::sim::config::{Policy, WsLimits};
use crate::sim::order::stable_order;
use crate::sim::picture::WsOp;

use crate::sim::rng::SplitMix64;

/// What the policy needs to know about one page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageAge {
    /// The PTE's accessed bit.
    pub accessed: bool,
    /// Load stamp (FIFO).
    pub loaded: u64,
    /// Last-use stamp (LRU).
    pub last_use: u64,
    /// The page can leave the working set now (false: it was changed and there is nowhere
    /// to write it).
    pub can_leave: bool,
    /// OPT: the index of the page's next reference in the recorded reference string,
    /// [`NEVER`] when it is not used again.
    pub next_use: u64,
}

/// [`PageAge::next_use`] of a page that is never used again.
pub const NEVER: u64 = u64::MAX;

/// The policy's decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The page to trim.
    pub victim: Vpn,
    /// Pages whose accessed bit the clock hand cleared on the way, in order.
    pub cleared: Vec<Vpn>,
    /// Pages the policy would have taken before the victim but that cannot leave, in the
    /// policy's order (the clock hand passes them without clearing anything).
    pub passed: Vec<Vpn>,
}

/// The pages of the working set, its limit and the policy's own state.
#[derive(Clone, Debug)]
pub struct WorkingSet {
    limits: WsLimits,
    policy: Policy,
    pages: Vec<Vpn>,
    hand: usize,
    /// Insertions and removals since the last [`WorkingSet::take_changes`], in order.
    ops: Vec<WsOp>,
}

impl WorkingSet {
    /// An empty working set with `limits`, trimmed by `policy`.
    pub fn new(limits: WsLimits, policy: Policy) -> WorkingSet {
        WorkingSet {
            limits: WsLimits {
                max: limits.max.max(1),
                min: limits.min.clamp(1, limits.max.max(1)),
                hard: limits.hard,
            },
            policy,
            pages: Vec::new(),
            hand: 0,
            ops: Vec::new(),
        }
    }

    /// The insertions and removals since the last call, in order, and start afresh.
    pub fn take_changes(&mut self) -> Vec<WsOp> {
        std::mem::take(&mut self.ops)
    }

    /// Where `vpn` is in clock order. Searched backwards from the hand, where pages are
    /// inserted, so the page just added (what most steps touch) is found at once rather
    /// than after a scan of thousands.
    pub fn position(&self, vpn: Vpn) -> Option<usize> {
        let (older, newer) = self.pages.split_at(self.hand.min(self.pages.len()));
        older
            .iter()
            .rposition(|p| *p == vpn)
            .or_else(|| Some(older.len() + newer.iter().rposition(|p| *p == vpn)?))
    }

    /// The policy in force.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The maximum in pages (hard or soft, see [`WorkingSet::limits`]).
    pub fn limit(&self) -> u32 {
        self.limits.max
    }

    /// The minimum, the maximum and whether the maximum is hard.
    pub fn limits(&self) -> WsLimits {
        self.limits
    }

    /// `SetProcessWorkingSetSizeEx(process, min, max, flags)`: new limits (reference §8.4,
    /// MS-SPWSSE). Pages above a new hard maximum are trimmed by the caller.
    pub fn set_limits(&mut self, limits: WsLimits) {
        *self = WorkingSet {
            pages: std::mem::take(&mut self.pages),
            ops: std::mem::take(&mut self.ops),
            hand: self.hand,
            ..WorkingSet::new(limits, self.policy)
        };
    }

    /// Pages in clock order.
    pub fn pages(&self) -> &[Vpn] {
        &self.pages
    }

    /// Number of pages.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// True when no page is resident.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// True when the maximum is hard and one more page would pass it: a fault must first
    /// replace a page of this working set (reference §8.4).
    pub fn is_full(&self) -> bool {
        self.limits.hard && self.pages.len() >= self.limits.max as usize
    }

    /// True when the maximum is hard and the working set holds more pages than it (it
    /// grew past it when no page could leave).
    pub fn over_hard_max(&self) -> bool {
        self.limits.hard && self.pages.len() > self.limits.max as usize
    }

    /// True when the working set holds more than its minimum: the working-set manager may
    /// trim it when memory runs low (reference §8.4).
    pub fn above_minimum(&self) -> bool {
        self.pages.len() > self.limits.min as usize
    }

    /// The clock hand: index of the next page to examine.
    pub fn hand(&self) -> usize {
        if self.hand >= self.pages.len() {
            0
        } else {
            self.hand
        }
    }

    /// Add `vpn` just behind the hand.
    pub fn insert(&mut self, vpn: Vpn) {
        let at = self.hand.min(self.pages.len());
        self.pages.insert(at, vpn);
        self.ops.push(WsOp::Insert { at: at as u32, vpn });
        // The hand stays on the page it was on (one past the end means the first page).
        self.hand = at + 1;
    }

    /// Remove `vpn`; true when it was there.
    pub fn remove(&mut self, vpn: Vpn) -> bool {
        let Some(i) = self.position(vpn) else {
            return false;
        };
        self.pages.remove(i);
        self.ops.push(WsOp::Remove { at: i as u32 });
        if i < self.hand {
            self.hand -= 1;
        }
        true
    }

    /// Choose a page to trim by the policy, among the pages that can leave. `age` reports
    /// each page's bits and stamps. For `clock` this moves the hand; the caller clears the
    /// bits listed in [`Choice::cleared`] and removes the victim. `None` (and nothing
    /// moved) when no page can leave.
    pub fn choose(&mut self, rng: &mut SplitMix64, age: impl Fn(Vpn) -> PageAge) -> Option<Choice> {
        let mut ages = Vec::with_capacity(self.pages.len());
        for p in &self.pages {
            ages.push(age(*p));
        }
        self.choose_by(rng, &ages)
    }

    /// [`WorkingSet::choose`] with `ages[i]` the age of the `i`th page.
    fn choose_by(&mut self, rng: &mut SplitMix64, ages: &[PageAge]) -> Option<Choice> {
        let mut can = Vec::new();
        for (i, a) in ages.iter().enumerate() {
            if a.can_leave {
                can.push(i);
            }
        }
        if can.is_empty() {
            return None;
        }
        let (victim, passed) = match self.policy {
            Policy::Fifo => self.passed_before(ages, &can, |a| a.loaded),
            Policy::Lru => self.passed_before(ages, &can, |a| a.last_use),
            Policy::Random => {
                let v = self.pages[can[rng.below(can.len() as u64) as usize]];
                let mut passed = Vec::new();
                for (i, a) in ages.iter().enumerate() {
                    if !a.can_leave {
                        passed.push(self.pages[i]);
                    }
                }
                // The new page goes where the victim was, as in a frame of trace mode.
                self.hand = self.position(v).unwrap_or(0);
                (v, passed)
            }
            Policy::Opt => {
                // Furthest next use first; among pages never used again, the newest (the
                // last of equal ages).
                let mut at = can[0];
                for &i in &can {
                    if (ages[i].next_use, ages[i].loaded) >= (ages[at].next_use, ages[at].loaded) {
                        at = i;
                    }
                }
                let (next, loaded) = (ages[at].next_use, ages[at].loaded);
                // The pages passed over, in that same order (ties: the later in the list
                // first): stable sorts by the least significant key first, each largest
                // first, from the list's reverse order.
                let mut passed: Vec<usize> = Vec::new();
                for j in (0..ages.len()).rev() {
                    if !ages[j].can_leave && (ages[j].next_use, ages[j].loaded) > (next, loaded) {
                        passed.push(j);
                    }
                }
                let passed =
                    descending(ages, descending(ages, passed, |a| a.loaded), |a| a.next_use);
                self.hand = at;
                let mut pages = Vec::with_capacity(passed.len());
                for j in passed {
                    pages.push(self.pages[j]);
                }
                (self.pages[at], pages)
            }
            Policy::Clock => {
                let mut cleared = Vec::new();
                let mut passed = Vec::new();
                self.hand = self.hand();
                // Two turns at most: after one turn every bit is clear, and some page can
                // leave.
                for _ in 0..=2 * self.pages.len() {
                    let page = self.pages[self.hand];
                    let a = ages[self.hand];
                    if a.accessed && !cleared.contains(&page) {
                        cleared.push(page);
                    } else if !a.can_leave {
                        if !passed.contains(&page) {
                            passed.push(page);
                        }
                    } else {
                        return Some(Choice {
                            victim: page,
                            cleared,
                            passed,
                        });
                    }
                    self.hand = (self.hand + 1) % self.pages.len();
                }
                return None;
            }
        };
        Some(Choice {
            victim,
            cleared: Vec::new(),
            passed,
        })
    }

    /// FIFO and LRU: the first of the pages that can leave (`can`) with the least `key`,
    /// and the pages ranked before it by `key` that cannot leave, in rank order.
    fn passed_before(
        &self,
        ages: &[PageAge],
        can: &[usize],
        key: fn(&PageAge) -> u64,
    ) -> (Vpn, Vec<Vpn>) {
        let mut at = can[0];
        for &i in can {
            if key(&ages[i]) < key(&ages[at]) {
                at = i;
            }
        }
        let mut passed: Vec<(u64, Vpn)> = Vec::new();
        for (i, a) in ages.iter().enumerate() {
            if !a.can_leave && key(a) < key(&ages[at]) {
                passed.push((key(a), self.pages[i]));
            }
        }
        (self.pages[at], in_key_order(&passed))
    }
}

/// `order` (places in `ages`) sorted by `key`, largest first, equal keys in their given
/// order.
fn descending(ages: &[PageAge], order: Vec<usize>, key: fn(&PageAge) -> u64) -> Vec<usize> {
    let mut keys = Vec::with_capacity(order.len());
    for &j in &order {
        keys.push(!key(&ages[j]));
    }
    let mut out = Vec::with_capacity(order.len());
    for k in stable_order(&keys) {
        out.push(order[k]);
    }
    out
}

/// The pages of `keyed` ordered by key, pages with equal keys in their given order.
fn in_key_order(keyed: &[(u64, Vpn)]) -> Vec<Vpn> {
    let mut keys = Vec::with_capacity(keyed.len());
    for (k, _) in keyed {
        keys.push(*k);
    }
    let mut out = Vec::with_capacity(keyed.len());
    for i in stable_order(&keys) {
        out.push(keyed[i].1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hard(max: u32) -> WsLimits {
        WsLimits {
            min: 1,
            max,
            hard: true,
        }
    }

    fn ages(accessed: &[u64]) -> impl Fn(Vpn) -> PageAge + '_ {
        move |v| PageAge {
            accessed: accessed.contains(&v.0),
            loaded: 100 - v.0,
            last_use: v.0 * 7 % 5,
            can_leave: true,
            next_use: NEVER,
        }
    }

    #[test]
    fn clock_clears_set_bits_then_trims_and_resumes() {
        let mut ws = WorkingSet::new(hard(4), Policy::Clock);
        for v in 1..=4 {
            ws.insert(Vpn(v));
        }
        assert_eq!(ws.pages(), &[Vpn(1), Vpn(2), Vpn(3), Vpn(4)]);
        assert_eq!(ws.hand(), 0, "the hand wrapped to the oldest page");
        assert!(ws.is_full());
        let mut rng = SplitMix64::new(1);
        let c = ws.choose(&mut rng, ages(&[1, 2])).unwrap();
        assert_eq!(c.victim, Vpn(3));
        assert_eq!(c.cleared, vec![Vpn(1), Vpn(2)]);
        assert!(ws.remove(Vpn(3)));
        ws.insert(Vpn(5));
        assert_eq!(ws.pages(), &[Vpn(1), Vpn(2), Vpn(5), Vpn(4)]);
        assert_eq!(
            ws.pages()[ws.hand()],
            Vpn(4),
            "the scan resumes after the new page"
        );
        // All bits set: one full turn clears them, then the first page is trimmed.
        let c = ws.choose(&mut rng, ages(&[1, 2, 4, 5])).unwrap();
        assert_eq!(c.victim, Vpn(4));
        assert_eq!(c.cleared.len(), 4);
    }

    #[test]
    fn fifo_lru_random() {
        let mut rng = SplitMix64::new(3);
        for (policy, expect) in [(Policy::Fifo, Some(Vpn(3))), (Policy::Lru, Some(Vpn(1)))] {
            let mut ws = WorkingSet::new(hard(3), policy);
            for v in 1..=3 {
                ws.insert(Vpn(v));
            }
            // Page 3 was loaded first; page 1 was used longest ago.
            let c = ws.choose(&mut rng, |v| PageAge {
                accessed: false,
                loaded: 100 - v.0,
                last_use: [0, 1, 9, 5][v.0 as usize],
                can_leave: true,
                next_use: [0, 7, NEVER, 3][v.0 as usize],
            });
            assert_eq!(c.map(|c| c.victim), expect, "{policy:?}");
        }
        let mut ws = WorkingSet::new(hard(3), Policy::Random);
        for v in 1..=3 {
            ws.insert(Vpn(v));
        }
        let a = ws
            .choose(&mut SplitMix64::new(9), ages(&[]))
            .unwrap()
            .victim;
        let b = ws
            .choose(&mut SplitMix64::new(9), ages(&[]))
            .unwrap()
            .victim;
        assert_eq!(a, b, "seeded");
        // OPT: page 2 is never used again.
        let mut ws = WorkingSet::new(hard(3), Policy::Opt);
        for v in 1..=3 {
            ws.insert(Vpn(v));
        }
        let next = [0, 7, NEVER, 3];
        let c = ws.choose(&mut rng, |v| PageAge {
            next_use: next[v.0 as usize],
            ..ages(&[])(v)
        });
        assert_eq!(c.map(|c| c.victim), Some(Vpn(2)));
    }

    #[test]
    fn opt_passes_over_pages_furthest_use_then_newest_then_latest_in_the_list() {
        // Pages 1–6 cannot leave; page 7 can (used next at 2). Pages 2, 3 and 5 are never
        // used again; 3 and 5 were loaded together (one cluster read).
        let next = [0, 5, NEVER, NEVER, 9, NEVER, 4, 2];
        let loaded = [0, 1, 2, 6, 3, 6, 4, 5];
        let age = |v: Vpn| PageAge {
            accessed: false,
            loaded: loaded[v.0 as usize],
            last_use: 0,
            can_leave: v.0 == 7,
            next_use: next[v.0 as usize],
        };
        let mut ws = WorkingSet::new(hard(7), Policy::Opt);
        for v in 1..=7 {
            ws.insert(Vpn(v));
        }
        let c = ws.choose(&mut SplitMix64::new(1), age).unwrap();
        assert_eq!(c.victim, Vpn(7));
        // What a descending sort of (next use, loaded, place in the list) gives.
        let mut expected: Vec<(u64, u64, usize)> = (1..=6)
            .map(|v| (next[v], loaded[v], v))
            .filter(|a| (a.0, a.1) > (2, 5))
            .collect();
        expected.sort_unstable_by(|a, b| b.cmp(a));
        let expected: Vec<Vpn> = expected.iter().map(|a| Vpn(a.2 as u64)).collect();
        assert_eq!(expected, [5, 3, 2, 4, 1, 6].map(Vpn));
        assert_eq!(c.passed, expected);
    }

    #[test]
    fn policies_pass_over_pages_that_cannot_leave() {
        // Pages 1 and 2 cannot leave; page 1 was loaded first, page 3 used longest ago.
        let age = |v: Vpn| PageAge {
            accessed: v.0 == 3,
            loaded: v.0,
            last_use: [0, 2, 3, 1, 4][v.0 as usize],
            can_leave: v.0 > 2,
            next_use: NEVER,
        };
        let mut rng = SplitMix64::new(5);
        for (policy, victim, passed) in [
            (Policy::Fifo, 3, vec![1, 2]),
            (Policy::Lru, 3, vec![]),
            (Policy::Clock, 4, vec![1, 2]),
        ] {
            let mut ws = WorkingSet::new(hard(4), policy);
            for v in 1..=4 {
                ws.insert(Vpn(v));
            }
            let c = ws.choose(&mut rng, age).unwrap();
            assert_eq!(c.victim, Vpn(victim), "{policy:?}");
            assert_eq!(c.passed, passed.into_iter().map(Vpn).collect::<Vec<_>>());
        }
        let mut ws = WorkingSet::new(hard(4), Policy::Random);
        for v in 1..=4 {
            ws.insert(Vpn(v));
        }
        for seed in 0..8 {
            let c = ws.choose(&mut SplitMix64::new(seed), age).unwrap();
            assert!(c.victim.0 > 2 && c.passed == vec![Vpn(1), Vpn(2)]);
        }
        // Nobody can leave: no choice, and the clock hand does not move.
        let mut ws = WorkingSet::new(hard(4), Policy::Clock);
        for v in 1..=3 {
            ws.insert(Vpn(v));
        }
        let hand = ws.hand();
        let stuck = |v: Vpn| PageAge {
            can_leave: false,
            ..age(v)
        };
        assert_eq!(ws.choose(&mut rng, stuck), None);
        assert_eq!(ws.hand(), hand);
    }

    #[test]
    fn remove_keeps_the_hand_on_the_same_page() {
        let mut ws = WorkingSet::new(hard(8), Policy::Clock);
        for v in 1..=4 {
            ws.insert(Vpn(v));
        }
        // hand is 0 → page 1 after wrap; move it to page 3
        let _ = ws.choose(&mut SplitMix64::new(1), ages(&[1, 2]));
        assert_eq!(ws.pages()[ws.hand()], Vpn(3));
        ws.remove(Vpn(1));
        assert_eq!(ws.pages()[ws.hand()], Vpn(3));
        ws.remove(Vpn(3));
        assert_eq!(ws.pages()[ws.hand()], Vpn(4));
        ws.remove(Vpn(4));
        assert_eq!(ws.hand(), 0);
        assert!(!ws.remove(Vpn(4)));
    }

    #[test]
    fn in_key_order_is_stable() {
        let keyed = [
            (5, Vpn(1)),
            (2, Vpn(2)),
            (5, Vpn(3)),
            (2, Vpn(4)),
            (9, Vpn(5)),
        ];
        let order: Vec<u64> = in_key_order(&keyed).iter().map(|v| v.0).collect();
        assert_eq!(order, [2, 4, 1, 3, 5]);
        assert!(in_key_order(&[]).is_empty());
    }
}
