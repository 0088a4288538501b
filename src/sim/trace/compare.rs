//! Several policies and frame counts over one reference string: the fault table and the
//! faults-against-frames curves of `pagelab trace --compare` and `--curve`, with Bélády's
//! anomaly (more faults with more frames) found where it happens.

use std::num::NonZeroU32;

use serde::Serialize;

use super::opt::{self, OptError};
use super::stack::{LruStack, OptStack};
use super::{check_frames, Clock, Fifo, Lru, Random, Replacer, TraceError};
use crate::sim::config::Policy;

/// One online policy at one frame count, dispatched without a virtual call.
enum Online {
    Fifo(Fifo),
    Lru(Lru),
    Clock(Clock),
    Random(Random),
}

impl Online {
    fn new(policy: Policy, frames: NonZeroU32, seed: u64) -> Option<Online> {
        Some(match policy {
            Policy::Fifo => Online::Fifo(Fifo::new(frames)),
            Policy::Lru => Online::Lru(Lru::new(frames)),
            Policy::Clock => Online::Clock(Clock::new(frames)),
            Policy::Random => Online::Random(Random::new(frames, seed)),
            Policy::Opt => return None,
        })
    }

    #[inline]
    fn is_miss(&mut self, page: u64) -> bool {
        !match self {
            Online::Fifo(r) => r.access(page),
            Online::Lru(r) => r.access(page),
            Online::Clock(r) => r.access(page),
            Online::Random(r) => r.access(page),
        }
        .is_hit()
    }
}

/// Up to this many frames, LRU (and OPT over a string in memory) runs once for every
/// frame count at the same time ([`super::stack`]).
const STACK_LIMIT: usize = 256;

/// The faults of each policy at each frame count over one string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The policies, in the order asked for.
    pub policies: Vec<Policy>,
    /// The frame counts, in the order asked for.
    pub frames: Vec<u64>,
    /// References in the string.
    pub accesses: u64,
    /// `faults[p][f]`: misses of `policies[p]` with `frames[f]` frames.
    pub faults: Vec<Vec<u64>>,
}

/// Why a comparison could not be made.
#[derive(Debug)]
pub enum CompareError<E> {
    /// A frame count is out of range.
    Frames(TraceError),
    /// Reading the string failed.
    Read(E),
    /// The second reading (for OPT) did not give the same string as the first.
    Changed,
}

impl<E> From<OptError<E>> for CompareError<E> {
    fn from(error: OptError<E>) -> Self {
        match error {
            OptError::Read(e) => CompareError::Read(e),
            OptError::Changed => CompareError::Changed,
        }
    }
}

/// Run every policy of `policies` with every frame count of `frames` over the string that
/// `read` gives (it calls its argument once per page, in order). Online policies run side
/// by side on one reading; with OPT among them the string is read twice
/// ([`opt::simulate_twice`]), the online policies riding on the first reading.
pub fn compare<E>(
    policies: &[Policy],
    frames: &[u64],
    seed: u64,
    mut read: impl FnMut(&mut dyn FnMut(u64)) -> Result<(), E>,
) -> Result<Comparison, CompareError<E>> {
    let sizes = frames
        .iter()
        .map(|&f| check_frames(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CompareError::Frames)?;
    let mut online: Vec<(usize, usize, Online)> = Vec::new();
    let largest = frames.iter().copied().max().unwrap_or(0);
    let mut stack = (largest <= STACK_LIMIT as u64).then(|| LruStack::new(largest as usize));
    let lru_rows: Vec<usize> = (0..policies.len())
        .filter(|&p| policies[p] == Policy::Lru && stack.is_some())
        .collect();
    for (p, &policy) in policies.iter().enumerate() {
        if lru_rows.contains(&p) {
            continue;
        }
        for (f, &size) in sizes.iter().enumerate() {
            if let Some(memory) = Online::new(policy, size, seed) {
                online.push((p, f, memory));
            }
        }
    }
    let mut faults = vec![vec![0u64; frames.len()]; policies.len()];
    let mut accesses = 0u64;
    let mut first_reading = true;
    let mut read_once = |visit: &mut dyn FnMut(u64)| -> Result<(), E> {
        if !first_reading {
            return read(visit);
        }
        first_reading = false;
        read(&mut |page| {
            accesses += 1;
            if let Some(stack) = stack.as_mut().filter(|_| !lru_rows.is_empty()) {
                stack.access(page);
            }
            for (p, f, memory) in online.iter_mut() {
                faults[*p][*f] += u64::from(memory.is_miss(page));
            }
            visit(page);
        })
    };
    let opt_rows: Vec<usize> = (0..policies.len())
        .filter(|&p| policies[p] == Policy::Opt)
        .collect();
    if opt_rows.is_empty() {
        read_once(&mut |_| {}).map_err(CompareError::Read)?;
    } else {
        let summaries = opt::simulate_twice(&sizes, opt::BLOCK, &mut read_once, |_, _, _| {})?;
        for &p in &opt_rows {
            faults[p] = summaries.iter().map(|s| s.misses).collect();
        }
    }
    if let Some(stack) = &stack {
        for &p in &lru_rows {
            faults[p] = frames
                .iter()
                .map(|&f| accesses - stack.hits_with(f as usize))
                .collect();
        }
    }
    Ok(Comparison {
        policies: policies.to_vec(),
        frames: frames.to_vec(),
        accesses,
        faults,
    })
}

/// [`compare`] for a string held in memory: each policy and frame count runs over the whole
/// slice in turn (one small memory hot in the cache at a time), LRU and OPT once for every
/// frame count up to 256 (stack algorithms), OPT with the next uses computed once. Same
/// results as [`compare`].
pub fn compare_pages(
    policies: &[Policy],
    frames: &[u64],
    seed: u64,
    pages: &[u64],
) -> Result<Comparison, TraceError> {
    let sizes = frames
        .iter()
        .map(|&f| check_frames(f))
        .collect::<Result<Vec<_>, _>>()?;
    let largest = frames.iter().copied().max().unwrap_or(0);
    let mut next = Vec::new();
    let mut faults = vec![vec![0u64; frames.len()]; policies.len()];
    for (p, &policy) in policies.iter().enumerate() {
        match policy {
            Policy::Lru if largest <= STACK_LIMIT as u64 => {
                let mut stack = LruStack::new(largest as usize);
                pages.iter().for_each(|&page| stack.access(page));
                for (f, &n) in frames.iter().enumerate() {
                    faults[p][f] = pages.len() as u64 - stack.hits_with(n as usize);
                }
            }
            Policy::Opt if largest <= STACK_LIMIT as u64 => {
                opt::next_uses(0, pages, &[], &mut next);
                let mut stack = OptStack::new(largest as usize);
                for (&page, &next_use) in pages.iter().zip(&next) {
                    stack.access(page, next_use);
                }
                for (f, &n) in frames.iter().enumerate() {
                    faults[p][f] = pages.len() as u64 - stack.hits_with(n as usize);
                }
            }
            Policy::Opt => {
                if next.is_empty() {
                    opt::next_uses(0, pages, &[], &mut next);
                }
                for (f, &size) in sizes.iter().enumerate() {
                    let mut memory = opt::Opt::new(size);
                    memory.feed(0, pages, &next, |_, _| {});
                    faults[p][f] = memory.summary().misses;
                }
            }
            _ => {
                for (f, &size) in sizes.iter().enumerate() {
                    if let Some(mut memory) = Online::new(policy, size, seed) {
                        faults[p][f] =
                            pages.iter().filter(|&&page| memory.is_miss(page)).count() as u64;
                    }
                }
            }
        }
    }
    Ok(Comparison {
        policies: policies.to_vec(),
        frames: frames.to_vec(),
        accesses: pages.len() as u64,
        faults,
    })
}

/// One policy's line of the JSON form.
#[derive(Serialize)]
struct PolicyJson<'a> {
    policy: &'a str,
    faults: &'a [u64],
    anomalies: Vec<u64>,
}

/// The JSON form of a comparison.
#[derive(Serialize)]
struct ComparisonJson<'a> {
    accesses: u64,
    frames: &'a [u64],
    policies: Vec<PolicyJson<'a>>,
}

impl Comparison {
    /// The frame counts at which `policies[p]` faults more than at the next smaller frame
    /// count asked for: Bélády's anomaly (FIFO and RANDOM can show it; LRU and OPT, stack
    /// algorithms, never do).
    pub fn anomalies(&self, p: usize) -> Vec<u64> {
        let mut order: Vec<usize> = (0..self.frames.len()).collect();
        order.sort_by_key(|&f| self.frames[f]);
        order
            .windows(2)
            .filter(|w| self.frames[w[0]] < self.frames[w[1]])
            .filter(|w| self.faults[p][w[1]] > self.faults[p][w[0]])
            .map(|w| self.frames[w[1]])
            .collect()
    }

    /// The table of `--compare`: one row per frame count, one column of faults per policy;
    /// a `*` marks a count that rose with more frames, explained under the table.
    pub fn table(&self) -> String {
        let marked: Vec<Vec<u64>> = (0..self.policies.len())
            .map(|p| self.anomalies(p))
            .collect();
        let cell = |p: usize, f: usize| {
            let mark = if marked[p].contains(&self.frames[f]) {
                "*"
            } else {
                ""
            };
            format!("{}{mark}", self.faults[p][f])
        };
        let mut widths = vec!["frames".len()];
        for (p, policy) in self.policies.iter().enumerate() {
            let widest = (0..self.frames.len()).map(|f| cell(p, f).len()).max();
            widths.push(policy.name().len().max(widest.unwrap_or(0)));
        }
        let mut out = format!("{:>w$}", "frames", w = widths[0]);
        for (p, policy) in self.policies.iter().enumerate() {
            out += &format!("  {:>w$}", policy.name(), w = widths[p + 1]);
        }
        out.push('\n');
        for (f, frames) in self.frames.iter().enumerate() {
            out += &format!("{frames:>w$}", w = widths[0]);
            for p in 0..self.policies.len() {
                out += &format!("  {:>w$}", cell(p, f), w = widths[p + 1]);
            }
            out.push('\n');
        }
        out += &format!(
            "faults (page misses, cold misses included) over {} accesses\n",
            self.accesses
        );
        if marked.iter().any(|m| !m.is_empty()) {
            out += "* more faults than with fewer frames: Belady's anomaly\n";
        }
        out
    }

    /// The curves of `--curve`: for each policy, one line per frame count with the faults
    /// and a bar (`#`, 50 at most, scaled to the largest count).
    pub fn curves(&self) -> String {
        let most = self
            .faults
            .iter()
            .flatten()
            .copied()
            .max()
            .unwrap_or(0)
            .max(1);
        let width = self
            .frames
            .iter()
            .map(|f| f.to_string().len())
            .max()
            .unwrap_or(1);
        let digits = most.to_string().len();
        let mut out = String::new();
        for (p, policy) in self.policies.iter().enumerate() {
            let anomalies = self.anomalies(p);
            out += &format!(
                "{} (faults per frame count, {} accesses)\n",
                policy.name(),
                self.accesses
            );
            for (f, frames) in self.frames.iter().enumerate() {
                let faults = self.faults[p][f];
                let bar = "#".repeat((faults * 50).div_ceil(most) as usize);
                let note = if anomalies.contains(frames) {
                    "  <- more faults with more frames (Belady's anomaly)"
                } else {
                    ""
                };
                out += &format!("{frames:>width$} {faults:>digits$} {bar}{note}\n");
            }
        }
        out
    }

    /// The `--json` form: `{"accesses":N,"frames":[…],"policies":[{"policy":"fifo",
    /// "faults":[…],"anomalies":[…]},…]}`.
    pub fn to_json(&self) -> String {
        let json = ComparisonJson {
            accesses: self.accesses,
            frames: &self.frames,
            policies: self
                .policies
                .iter()
                .enumerate()
                .map(|(p, policy)| PolicyJson {
                    policy: policy.name(),
                    faults: &self.faults[p],
                    anomalies: self.anomalies(p),
                })
                .collect(),
        };
        serde_json::to_string(&json).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BELADY: [u64; 12] = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];

    fn belady() -> Comparison {
        let read = |visit: &mut dyn FnMut(u64)| -> Result<(), ()> {
            BELADY.iter().for_each(|&p| visit(p));
            Ok(())
        };
        let policies = [Policy::Fifo, Policy::Lru, Policy::Opt];
        compare(&policies, &[1, 2, 3, 4, 5], 1, read).unwrap()
    }

    #[test]
    fn belady_string() {
        let c = belady();
        assert_eq!(c.accesses, 12);
        assert_eq!(c.faults[0], vec![12, 12, 9, 10, 5]);
        assert_eq!(c.faults[1], vec![12, 12, 10, 8, 5]);
        assert_eq!(c.faults[2], vec![12, 9, 7, 6, 5]);
        assert_eq!(c.anomalies(0), vec![4]);
        assert!(c.anomalies(1).is_empty() && c.anomalies(2).is_empty());
    }

    #[test]
    fn outputs() {
        let c = belady();
        assert_eq!(
            c.table(),
            "frames  fifo  lru  opt\n     1    12   12   12\n     2    12   12    9\n     3     9   10    7\n     4   10*    8    6\n     5     5    5    5\nfaults (page misses, cold misses included) over 12 accesses\n* more faults than with fewer frames: Belady's anomaly\n"
        );
        assert_eq!(
            c.to_json(),
            r#"{"accesses":12,"frames":[1,2,3,4,5],"policies":[{"policy":"fifo","faults":[12,12,9,10,5],"anomalies":[4]},{"policy":"lru","faults":[12,12,10,8,5],"anomalies":[]},{"policy":"opt","faults":[12,9,7,6,5],"anomalies":[]}]}"#
        );
        let curves = c.curves();
        assert!(curves.starts_with("fifo (faults per frame count, 12 accesses)\n1 12 ##################################################\n"), "{curves}");
        assert!(curves.contains("4 10 ##########################################  <- more faults with more frames (Belady's anomaly)\n"), "{curves}");
    }

    /// The one-pass LRU equals LRU run at each frame count.
    #[test]
    fn lru_stack_matches_lru() {
        let mut rng = crate::sim::rng::SplitMix64::new(3);
        let string: Vec<u64> = (0..5_000).map(|_| rng.below(90)).collect();
        let read = |visit: &mut dyn FnMut(u64)| -> Result<(), ()> {
            string.iter().for_each(|&p| visit(p));
            Ok(())
        };
        let frames: Vec<u64> = vec![1, 2, 5, 17, 64, 89, 90, 200];
        let c = compare(&[Policy::Lru], &frames, 1, read).unwrap();
        for (f, &n) in frames.iter().enumerate() {
            let one = super::super::simulate(Policy::Lru, n, 1, string.iter().copied(), |_, _| {});
            assert_eq!(c.faults[0][f], one.unwrap().misses, "{n} frames");
        }
        let all = [
            Policy::Fifo,
            Policy::Lru,
            Policy::Clock,
            Policy::Opt,
            Policy::Random,
        ];
        let streamed = compare(&all, &frames, 9, read).unwrap();
        assert_eq!(compare_pages(&all, &frames, 9, &string).unwrap(), streamed);
        // Past the stack's limit, LRU runs per frame count.
        let c = compare(&[Policy::Lru], &[3, 1000], 1, read).unwrap();
        let three = super::super::simulate(Policy::Lru, 3, 1, string.iter().copied(), |_, _| {});
        assert_eq!(c.faults[0][0], three.unwrap().misses);
        assert_eq!(c.faults[0][1], 90);
    }

    #[test]
    fn bad_frames() {
        let read = |_: &mut dyn FnMut(u64)| -> Result<(), ()> { Ok(()) };
        assert!(matches!(
            compare(&[Policy::Lru], &[0], 1, read),
            Err(CompareError::Frames(TraceError::NoFrames))
        ));
    }
}
