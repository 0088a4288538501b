//! OPT's knowledge of the future. OPT trims the page used again furthest in the future,
//! which no real memory manager knows; but a script is deterministic, so a first run
//! (with recording off) can note every page reference of every process, in order, and
//! the real run can consult that reference string (issue "OPT in the interactive engine").
//!
//! A reference is one page touched by a read, write or fetch that got its page (a TLB
//! hit counts; an access violation does not). Both runs count references the same way,
//! so the real run's n-th reference is the first run's n-th. The two runs make the same
//! references unless the script branches on something the policy changes (the count
//! `PageOut` returns, say); OPT then still follows the recorded string, which is no
//! longer exactly the future.

use crate::sim::addr::{ProcessId, Vpn};

/// The reference strings: being recorded, consulted, or neither.
#[derive(Clone, Debug, Default)]
pub struct Future {
    mode: Mode,
}

#[derive(Clone, Debug, Default)]
enum Mode {
    /// Nothing is noted (every policy but OPT).
    #[default]
    Off,
    /// Every reference is noted, in order.
    Recording(Vec<(ProcessId, Vpn)>),
    /// Each process's recorded references, and how many it has made so far (processes
    /// in the order of their first reference).
    Known(Vec<(ProcessId, Known)>),
}

/// One process's recorded reference string, indexed by page. Sorted lists rather than
/// `BTreeMap`s: the wasm module keeps fewer B-tree types (the page's download budget).
#[derive(Clone, Debug, Default)]
struct Known {
    /// For each page, sorted by page, the indices (0-based) of its references, ascending.
    positions: Vec<(Vpn, Vec<u64>)>,
    /// References made so far in this run: the index of the next one.
    now: u64,
}

impl Known {
    /// Where `vpn`'s entry is in `positions` (`Err`: where it would go).
    fn position(&self, vpn: Vpn) -> Result<usize, usize> {
        self.positions.binary_search_by_key(&vpn, |(v, _)| *v)
    }
}

impl Future {
    /// A future that notes every reference (the first run).
    pub fn recording() -> Future {
        Future {
            mode: Mode::Recording(Vec::new()),
        }
    }

    /// A future known from `references`, as [`Future::references`] gave them.
    pub fn known(references: &[(ProcessId, Vpn)]) -> Future {
        let mut known: Vec<(ProcessId, Known)> = Vec::new();
        for &(pid, vpn) in references {
            let i = match known.iter().position(|(p, _)| *p == pid) {
                Some(i) => i,
                None => {
                    known.push((pid, Known::default()));
                    known.len() - 1
                }
            };
            let k = &mut known[i].1;
            let now = k.now;
            match k.position(vpn) {
                Ok(at) => k.positions[at].1.push(now),
                Err(at) => k.positions.insert(at, (vpn, vec![now])),
            }
            k.now += 1;
        }
        for (_, k) in &mut known {
            k.now = 0;
        }
        Future {
            mode: Mode::Known(known),
        }
    }

    /// True when the future is known (OPT can decide).
    pub fn is_known(&self) -> bool {
        matches!(self.mode, Mode::Known(_))
    }

    /// Process `pid` referenced page `vpn`.
    #[inline]
    pub fn note(&mut self, pid: ProcessId, vpn: Vpn) {
        match &mut self.mode {
            Mode::Off => {}
            Mode::Recording(all) => all.push((pid, vpn)),
            Mode::Known(known) => {
                if let Some((_, k)) = known.iter_mut().find(|(p, _)| *p == pid) {
                    k.now += 1;
                }
            }
        }
    }

    /// The index (0-based) in `pid`'s reference string of its next reference to `vpn`,
    /// from the reference being made now on; `None` when it is never used again (or the
    /// future is not known).
    pub fn next_use(&self, pid: ProcessId, vpn: Vpn) -> Option<u64> {
        let Mode::Known(known) = &self.mode else {
            return None;
        };
        let (_, k) = known.iter().find(|(p, _)| *p == pid)?;
        let (_, at) = &k.positions[k.position(vpn).ok()?];
        at.get(at.partition_point(|&i| i < k.now)).copied()
    }

    /// Every reference noted so far, in order (empty unless recording).
    pub fn references(&self) -> &[(ProcessId, Vpn)] {
        match &self.mode {
            Mode::Recording(all) => all,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_string_is_consulted_reference_by_reference() {
        let (a, b) = (ProcessId(4), ProcessId(8));
        let mut first = Future::recording();
        for (pid, v) in [(a, 1), (b, 9), (a, 2), (a, 1), (a, 3)] {
            first.note(pid, Vpn(v));
        }
        assert_eq!(first.references().len(), 5);
        let mut f = Future::known(first.references());
        assert!(f.is_known());
        assert_eq!(f.next_use(a, Vpn(1)), Some(0));
        f.note(a, Vpn(1));
        assert_eq!(f.next_use(a, Vpn(1)), Some(2), "a's third reference");
        assert_eq!(f.next_use(a, Vpn(3)), Some(3));
        assert_eq!(f.next_use(b, Vpn(9)), Some(0), "b has its own string");
        f.note(a, Vpn(2));
        f.note(a, Vpn(1));
        assert_eq!(f.next_use(a, Vpn(1)), None, "never used again");
        assert_eq!(f.next_use(a, Vpn(7)), None);
        assert_eq!(Future::default().next_use(a, Vpn(1)), None);
    }
}
