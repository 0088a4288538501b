//! A lane of the Compare view: one policy's memory over a window of the string, access by
//! access, with the state that explains each choice (clock's hand and use bits, LRU's last
//! uses, OPT's next uses, FIFO's load times), replayed by the naive specification.

use super::naive::Memory;
use super::opt;
use super::{Outcome, TraceError};
use crate::sim::config::Policy;

/// Numbers per access before the frames: page, kind, victim, frame, hand.
pub const HEADER: usize = 5;

/// The access kinds of a lane record.
pub mod kind {
    /// The page was resident.
    pub const HIT: f64 = 0.0;
    /// A miss into a free frame.
    pub const LOAD: f64 = 1.0;
    /// A miss that evicted a page.
    pub const EVICT: f64 = 2.0;
}

/// Replay `pages` under `policy` with `frames` frames and describe the accesses of
/// `start..start + len` (clamped to the string), `HEADER + 2 × frames` numbers each:
/// page, kind ([`kind`]), evicted page (or -1), the frame the page is in, clock's hand
/// after the access (or -1 for other policies), then for each frame its page (or -1 when
/// empty) and the policy's number for it: LRU its last use, CLOCK its use bit, OPT its next
/// use (-1: never), FIFO and RANDOM its load time (positions count accesses from 0).
/// Numbers are `f64` for the page (pages below 2^53 are exact).
pub fn lane(
    policy: Policy,
    frames: u64,
    seed: u64,
    pages: &[u64],
    start: usize,
    len: usize,
) -> Result<Vec<f64>, TraceError> {
    let mut memory = Memory::new(policy, frames, seed)?;
    let width = frames as usize;
    let start = start.min(pages.len());
    let end = start.saturating_add(len).min(pages.len());
    let mut next = Vec::new();
    if policy == Policy::Opt {
        opt::next_uses(0, pages, &[], &mut next);
    }
    let mut out = Vec::with_capacity((end - start) * (HEADER + 2 * width));
    for (now, &page) in pages[..end].iter().enumerate() {
        let next_use = next
            .get(now)
            .map_or(usize::MAX, |&n| usize::try_from(n).unwrap_or(usize::MAX));
        let (outcome, frame) = memory.access(now, page, next_use);
        if now < start {
            continue;
        }
        let (kind, victim) = match outcome {
            Outcome::Hit => (kind::HIT, -1.0),
            Outcome::Miss { evicted: None } => (kind::LOAD, -1.0),
            Outcome::Miss { evicted: Some(v) } => (kind::EVICT, v as f64),
        };
        let hand = if policy == Policy::Clock {
            memory.hand() as f64
        } else {
            -1.0
        };
        out.extend([page as f64, kind, victim, frame as f64, hand]);
        for slot in 0..width {
            match memory.frames().get(slot) {
                None => out.extend([-1.0, -1.0]),
                Some(f) => {
                    let number = match policy {
                        Policy::Lru => f.used as f64,
                        Policy::Clock => f64::from(u8::from(f.use_bit)),
                        Policy::Opt if f.next_use == usize::MAX => -1.0,
                        Policy::Opt => f.next_use as f64,
                        Policy::Fifo | Policy::Random => f.loaded as f64,
                    };
                    out.extend([f.page as f64, number]);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BELADY: [u64; 12] = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];

    #[test]
    fn fifo_three_frames() {
        let out = lane(Policy::Fifo, 3, 1, &BELADY, 0, 12).unwrap();
        let width = HEADER + 6;
        assert_eq!(out.len(), 12 * width);
        let kinds: Vec<f64> = out.chunks(width).map(|r| r[1]).collect();
        let misses = kinds.iter().filter(|&&k| k != kind::HIT).count();
        assert_eq!(misses, 9);
        // Access 3 (page 4) evicts page 1 from frame 0.
        assert_eq!(
            &out[3 * width..3 * width + 5],
            &[4.0, kind::EVICT, 1.0, 0.0, -1.0]
        );
        assert_eq!(
            &out[3 * width + 5..4 * width],
            &[4.0, 3.0, 2.0, 1.0, 3.0, 2.0]
        );
    }

    #[test]
    fn windows_and_policy_state() {
        let whole = lane(Policy::Opt, 3, 1, &BELADY, 0, 12).unwrap();
        let part = lane(Policy::Opt, 3, 1, &BELADY, 4, 3).unwrap();
        let width = HEADER + 6;
        assert_eq!(part, whole[4 * width..7 * width]);
        // After access 0 (page 1), OPT knows page 1 is next used at access 4.
        assert_eq!(&whole[5..7], &[1.0, 4.0]);
        // The last access: page 5, never used again.
        assert_eq!(
            whole[11 * width + 5 + 2 * whole[11 * width + 3] as usize + 1],
            -1.0
        );
        let clock = lane(Policy::Clock, 3, 1, &BELADY, 3, 1).unwrap();
        assert_eq!(&clock[..5], &[4.0, kind::EVICT, 1.0, 0.0, 1.0]);
        assert_eq!(&clock[5..], &[4.0, 1.0, 2.0, 0.0, 3.0, 0.0]);
        assert!(lane(Policy::Lru, 0, 1, &BELADY, 0, 1).is_err());
        assert!(lane(Policy::Lru, 2, 1, &BELADY, 20, 5).unwrap().is_empty());
    }
}
