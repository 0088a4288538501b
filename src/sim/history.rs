//! The recorded run: every step with its picture, reachable directly (DESIGN §3).
//!
//! Pictures are stored as deltas from the previous step, with a full checkpoint now and
//! then, so any step is a few deltas away from a checkpoint and a 100,000-step run stays
//! small in memory. A checkpoint is taken after at least [`CHECKPOINT_INTERVAL`] steps
//! once the deltas since the last one hold at least half as many bytes as a picture: a
//! big machine whose steps change little then keeps few checkpoints (its memory stays in
//! proportion to what changed), and reaching a step costs about one picture's worth of
//! work either way.
//!
//! A long run need not keep everything: [`History::take_before`] hands the steps (and
//! deltas) recorded so far to whoever prints or sends them, and the history goes on
//! counting from there (`pagelab run --json --steps` and the page's worker stream their
//! steps this way); [`History::append`] rebuilds a history from such deltas elsewhere.

use super::event::{Event, Step};
use super::picture::{Picture, PictureDelta};

/// Fewest steps between full picture checkpoints.
pub const CHECKPOINT_INTERVAL: usize = 256;

/// How much a machine records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recording {
    /// Nothing: the fastest, for plain runs.
    Off,
    /// Steps (events and narration) but no pictures.
    Steps,
    /// Steps and the picture of each step.
    Pictures,
}

/// Recorded steps and their pictures.
#[derive(Clone, Debug)]
pub struct History {
    mode: Recording,
    /// Steps handed out by [`History::take_before`]: `steps[0]` is step `first`.
    first: usize,
    steps: Vec<Step>,
    /// `deltas[i]` turns the picture before step `first + i` into the picture after it.
    deltas: Vec<PictureDelta>,
    /// `(n, picture)`: the picture after the first `n` steps held, by `n`; the first is
    /// the picture before step `first`.
    checkpoints: Vec<(usize, Picture)>,
    /// Bytes of the deltas since the last checkpoint.
    delta_bytes: usize,
    /// Estimated bytes of the last checkpoint.
    checkpoint_bytes: usize,
}

impl History {
    /// An empty history that starts from `initial`.
    pub fn new(mode: Recording, initial: Picture) -> History {
        let checkpoint_bytes = picture_bytes(&initial);
        History {
            mode,
            first: 0,
            steps: Vec::new(),
            deltas: Vec::new(),
            checkpoints: vec![(0, initial)],
            delta_bytes: 0,
            checkpoint_bytes,
        }
    }

    /// What this history records.
    pub fn mode(&self) -> Recording {
        self.mode
    }

    /// Record one step; with pictures, `delta` turns the previous picture into this
    /// step's, and `picture` builds this step's whole picture if a checkpoint is due.
    pub fn push(
        &mut self,
        step: Step,
        delta: Option<PictureDelta>,
        picture: impl FnOnce() -> Picture,
    ) {
        if self.mode == Recording::Off {
            return;
        }
        if let (Recording::Pictures, Some(delta)) = (self.mode, delta) {
            self.delta_bytes += delta.heap_bytes() + std::mem::size_of::<PictureDelta>();
            self.deltas.push(delta);
            if self.checkpoint_due() {
                self.add_checkpoint(picture());
            }
        }
        self.steps.push(step);
    }

    /// Record one step whose picture is the previous one changed by `delta`: a history
    /// rebuilt from another's [`History::take_before`] (the page's copy of its worker's run).
    pub fn append(&mut self, step: Step, delta: PictureDelta) {
        if self.mode == Recording::Off {
            return;
        }
        if self.mode == Recording::Pictures {
            self.delta_bytes += delta.heap_bytes() + std::mem::size_of::<PictureDelta>();
            self.deltas.push(delta);
            if self.checkpoint_due() {
                let picture = self.held_picture(self.deltas.len());
                self.add_checkpoint(picture);
            }
        }
        self.steps.push(step);
    }

    /// Hand out the steps before `end` that are still held (and their picture deltas,
    /// when pictures are recorded), and forget them: a long run streams its steps this
    /// way in bounded memory. [`History::len`] still counts them; their pictures are gone.
    pub fn take_before(&mut self, end: usize) -> (Vec<Step>, Vec<PictureDelta>) {
        let n = end.clamp(self.first, self.len()) - self.first;
        let steps: Vec<Step> = self.steps.drain(..n).collect();
        let mut deltas = Vec::new();
        if self.mode == Recording::Pictures && n > 0 {
            let base = self.held_picture(n);
            deltas = self.deltas.drain(..n).collect();
            let mut checkpoints = vec![(0, base)];
            checkpoints.extend(
                self.checkpoints
                    .drain(..)
                    .filter(|c| c.0 > n)
                    .map(|(k, p)| (k - n, p)),
            );
            self.checkpoints = checkpoints;
        }
        self.first += n;
        (steps, deltas)
    }

    /// True when the deltas since the last checkpoint call for a new one.
    fn checkpoint_due(&self) -> bool {
        let since = self.deltas.len() - self.checkpoints.last().map_or(0, |c| c.0);
        since >= CHECKPOINT_INTERVAL && 2 * self.delta_bytes >= self.checkpoint_bytes
    }

    fn add_checkpoint(&mut self, picture: Picture) {
        self.checkpoint_bytes = picture_bytes(&picture);
        self.delta_bytes = 0;
        self.checkpoints.push((self.deltas.len(), picture));
    }

    /// The picture after the first `done` steps held, from the nearest checkpoint.
    fn held_picture(&self, done: usize) -> Picture {
        let k = self.checkpoints.partition_point(|c| c.0 <= done) - 1;
        let (from, checkpoint) = &self.checkpoints[k];
        let mut picture = checkpoint.clone();
        for delta in &self.deltas[*from..done] {
            delta.apply(&mut picture);
        }
        picture
    }

    /// Number of recorded steps (including those handed out by `take_before`).
    pub fn len(&self) -> usize {
        self.first + self.steps.len()
    }

    /// True when nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of the first step still held (0 unless `take_before` handed some out).
    pub fn first(&self) -> usize {
        self.first
    }

    /// The steps still held, from step [`History::first`] on.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Step `index`, if recorded and still held.
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index.checked_sub(self.first)?)
    }

    /// The picture before the first step held (before any step, unless `take_before`
    /// handed some out).
    pub fn initial_picture(&self) -> &Picture {
        &self.checkpoints[0].1
    }

    /// The picture after step `index`, rebuilt from the nearest checkpoint before it.
    pub fn picture_after(&self, index: usize) -> Option<Picture> {
        let index = index.checked_sub(self.first)?;
        if index >= self.deltas.len() {
            return None;
        }
        Some(self.held_picture(index + 1))
    }

    /// Checkpoints kept (the picture before any step counts as one).
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// An estimate of the heap bytes the history holds: steps with their events and
    /// narration, picture deltas and checkpoints.
    pub fn heap_bytes(&self) -> usize {
        let steps: usize = self.steps.iter().map(step_bytes).sum::<usize>()
            + self.steps.capacity() * std::mem::size_of::<Step>();
        let deltas: usize = self
            .deltas
            .iter()
            .map(PictureDelta::heap_bytes)
            .sum::<usize>()
            + self.deltas.capacity() * std::mem::size_of::<PictureDelta>();
        let checkpoints: usize = self
            .checkpoints
            .iter()
            .map(|c| picture_bytes(&c.1) + std::mem::size_of::<(usize, Picture)>())
            .sum();
        steps + deltas + checkpoints
    }
}

/// Heap bytes of one step: its events (with their own strings and lists) and narration.
fn step_bytes(step: &Step) -> usize {
    let events: usize = step
        .events
        .iter()
        .map(|e| match e {
            Event::Call { name, args } => name.capacity() + args.capacity() * 8,
            Event::ClusterRead { vpns } => vpns.capacity() * 8,
            Event::Exception { name, info, .. } => name.capacity() + info.capacity() * 8,
            Event::Output { text } => text.capacity(),
            _ => 0,
        })
        .sum();
    step.events.capacity() * std::mem::size_of::<Event>() + events + step.narration.capacity()
}

/// Estimated heap bytes of a whole picture.
fn picture_bytes(p: &Picture) -> usize {
    use std::mem::size_of_val;
    // A B-tree map entry costs its key and value plus about a third more in nodes.
    let ptes = p.ptes.len() * 4 * (8 + std::mem::size_of::<super::event::Pte>()) / 3;
    let lists = 4 * (p.lists.zeroed.len() + p.lists.free.len())
        + 4 * (p.lists.standby.len() + p.lists.modified.len());
    size_of_val(p.regions.as_slice())
        + size_of_val(p.tables.as_slice())
        + ptes
        + size_of_val(p.tlb.as_slice())
        + size_of_val(p.frames.as_slice())
        + lists
        + size_of_val(p.slots.as_slice())
        + size_of_val(p.working_set.pages.as_slice())
        + p.process.name.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::picture::Counters;

    fn picture(n: u64) -> Picture {
        Picture {
            counters: Counters {
                hard: n,
                ..Counters::default()
            },
            focus: Some(n * 0x1000),
            ..Picture::default()
        }
    }

    fn step(n: u64) -> Step {
        Step {
            events: vec![],
            narration: format!("step {n}"),
            line: None,
        }
    }

    #[test]
    fn every_picture_is_reachable() {
        let mut h = History::new(Recording::Pictures, picture(0));
        let total = CHECKPOINT_INTERVAL as u64 * 3 + 17;
        for n in 1..=total {
            let delta = PictureDelta::between(&picture(n - 1), &picture(n));
            h.push(step(n), Some(delta), || picture(n));
        }
        assert_eq!(h.len() as u64, total);
        assert_eq!(
            h.checkpoints(),
            4,
            "a small picture is checkpointed every interval"
        );
        for i in [0usize, 1, 255, 256, 257, 511, 512, 700, total as usize - 1] {
            assert_eq!(h.picture_after(i), Some(picture(i as u64 + 1)), "step {i}");
        }
        assert_eq!(h.picture_after(total as usize), None);
        assert!(
            h.heap_bytes() > total as usize * 6,
            "at least the narrations"
        );
    }

    #[test]
    fn steps_handed_out_rebuild_the_same_history_elsewhere() {
        let mut h = History::new(Recording::Pictures, picture(0));
        let mut copy = History::new(Recording::Pictures, picture(0));
        let total = CHECKPOINT_INTERVAL as u64 * 3 + 40;
        for n in 1..=total {
            let delta = PictureDelta::between(&picture(n - 1), &picture(n));
            h.push(step(n), Some(delta), || picture(n));
            if n % 97 == 0 {
                let (steps, deltas) = h.take_before(h.len() - 3);
                for (s, d) in steps.into_iter().zip(deltas) {
                    copy.append(s, d);
                }
            }
        }
        let (steps, deltas) = h.take_before(h.len());
        assert_eq!(steps.len(), deltas.len());
        for (s, d) in steps.into_iter().zip(deltas) {
            copy.append(s, d);
        }
        assert_eq!(
            (h.len(), h.first(), h.steps().len()),
            (total as usize, total as usize, 0)
        );
        assert_eq!(copy.len() as u64, total);
        assert!(copy.checkpoints() > 1, "the copy keeps its own checkpoints");
        for i in [0usize, 96, 255, 256, 300, 511, 512, total as usize - 1] {
            assert_eq!(
                copy.picture_after(i),
                Some(picture(i as u64 + 1)),
                "step {i}"
            );
            assert_eq!(copy.step(i), Some(&step(i as u64 + 1)));
        }
        assert_eq!(h.picture_after(0), None, "handed out");
        assert_eq!(h.step(0), None);
        let delta = PictureDelta::between(&picture(total), &picture(total + 1));
        h.push(step(total + 1), Some(delta), || picture(total + 1));
        assert_eq!(h.step(total as usize), Some(&step(total + 1)));
        assert_eq!(h.picture_after(total as usize), Some(picture(total + 1)));
    }

    #[test]
    fn a_big_picture_with_small_changes_keeps_few_checkpoints() {
        let big = |n: u64| Picture {
            slots: vec![None; 100_000],
            ..picture(n)
        };
        let mut h = History::new(Recording::Pictures, big(0));
        for n in 1..=2000 {
            let delta = PictureDelta::between(&picture(n - 1), &picture(n));
            h.push(step(n), Some(delta), || big(n));
        }
        assert_eq!(
            h.checkpoints(),
            1,
            "the deltas are far smaller than one picture"
        );
        assert_eq!(h.picture_after(1999), Some(big(2000)));
    }
}
