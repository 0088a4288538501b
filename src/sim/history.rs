//! The recorded run: every step with its picture, reachable directly (DESIGN §3).
//!
//! Pictures are stored as deltas from the previous step, with a full checkpoint now and
//! then, so any step is a few deltas away from a checkpoint and a 100,000-step run stays
//! small in memory. A checkpoint is taken after at least [`CHECKPOINT_INTERVAL`] steps
//! once the deltas since the last one hold at least half as many bytes as a picture: a
//! big machine whose steps change little then keeps few checkpoints (its memory stays in
//! proportion to what changed), and reaching a step costs about one picture's worth of
//! work either way.

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
    /// Steps forgotten by [`History::forget_steps_before`]: `steps[0]` is step `first`.
    first: usize,
    steps: Vec<Step>,
    /// `deltas[i]` turns the picture before step `i` into the picture after it.
    deltas: Vec<PictureDelta>,
    /// `(n, picture)`: the picture after the first `n` steps, by `n`; the first is the
    /// picture before any step.
    checkpoints: Vec<(usize, Picture)>,
    /// Bytes of the deltas since the last checkpoint.
    delta_bytes: usize,
    /// Estimated bytes of the last checkpoint.
    checkpoint_bytes: usize,
    /// Estimated bytes of everything recorded, kept as steps come (see [`History::bytes`]).
    bytes: usize,
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
            bytes: checkpoint_bytes,
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
            if self.push_delta(delta) {
                self.push_checkpoint(picture());
            }
        }
        self.bytes += step_bytes(&step) + std::mem::size_of::<Step>();
        self.steps.push(step);
    }

    /// The last step, which may still grow (see [`super::record::Recorder::join`]).
    pub(crate) fn last_open(&self) -> Option<&Step> {
        self.steps.last()
    }

    /// Grow the last step: `grow` changes it, and `delta` (with pictures: what changed
    /// since) is folded into its delta, and into the checkpoint drawn after it, if one
    /// was. What it adds is not counted in [`History::bytes`]: a sentence and an event,
    /// and a delta that replaces the changes of its earlier accesses with the new ones.
    pub(crate) fn grow_last(&mut self, delta: Option<PictureDelta>, grow: impl FnOnce(&mut Step)) {
        if let Some(step) = self.steps.last_mut() {
            grow(step);
        }
        let n = self.deltas.len();
        if let (Some(delta), Some(last)) = (delta, self.deltas.last_mut()) {
            if let Some((_, picture)) = self.checkpoints.last_mut().filter(|c| c.0 == n) {
                delta.apply(picture);
            }
            last.absorb(delta);
        }
    }

    /// Keep `delta`; true when a checkpoint is due after it.
    fn push_delta(&mut self, delta: PictureDelta) -> bool {
        let delta_bytes = delta.heap_bytes() + std::mem::size_of::<PictureDelta>();
        self.delta_bytes += delta_bytes;
        self.bytes += delta_bytes;
        self.deltas.push(delta);
        let since = self.deltas.len() - self.checkpoints.last().map_or(0, |c| c.0);
        since >= CHECKPOINT_INTERVAL && 2 * self.delta_bytes >= self.checkpoint_bytes
    }

    /// Keep `picture`, the whole picture after the last delta, as a checkpoint.
    fn push_checkpoint(&mut self, picture: Picture) {
        self.checkpoint_bytes = picture_bytes(&picture);
        self.bytes += self.checkpoint_bytes;
        self.delta_bytes = 0;
        self.checkpoints.push((self.deltas.len(), picture));
    }

    /// Number of recorded steps, forgotten ones included.
    pub fn len(&self) -> usize {
        self.first + self.steps.len()
    }

    /// True when nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The steps still held, from step [`History::first_held`] on (all of them unless
    /// [`History::forget_steps_before`] was called).
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The index of the first step still held.
    pub fn first_held(&self) -> usize {
        self.first
    }

    /// Step `index`, if recorded and still held.
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index.checked_sub(self.first)?)
    }

    /// Forget the steps before `end` once they have been written out, so that a long run
    /// streams its steps in bounded memory (`pagelab run --json --steps`); [`History::len`]
    /// still counts them. Only a history of steps without pictures forgets: every step's
    /// picture must stay reachable, and it is built from the steps before it.
    pub fn forget_steps_before(&mut self, end: usize) {
        if self.mode != Recording::Steps {
            return;
        }
        let n = end.saturating_sub(self.first).min(self.steps.len());
        self.steps.drain(..n);
        self.first += n;
    }

    /// Free up to `n` of the last steps with their pictures; true while some are left.
    /// For a history on its way out: freeing a big one at once takes tens of
    /// milliseconds, which a page spreads over several tasks. [`History::bytes`] and
    /// [`History::len`] are then out of date.
    pub fn shed(&mut self, n: usize) -> bool {
        self.steps.truncate(self.steps.len().saturating_sub(n));
        let keep = self.deltas.len().saturating_sub(n);
        self.deltas.truncate(keep);
        // The picture before any step (n = 0) stays: `checkpoints` is never empty.
        let k = self.checkpoints.partition_point(|c| c.0 <= keep);
        self.checkpoints.truncate(k);
        !(self.steps.is_empty() && self.deltas.is_empty())
    }

    /// The picture before any step.
    pub fn initial_picture(&self) -> &Picture {
        &self.checkpoints[0].1
    }

    /// The picture after step `index`, rebuilt from the nearest checkpoint before it.
    pub fn picture_after(&self, index: usize) -> Option<Picture> {
        if index >= self.deltas.len() {
            return None;
        }
        let done = index + 1;
        let k = self.checkpoints.partition_point(|c| c.0 <= done) - 1;
        let (from, checkpoint) = &self.checkpoints[k];
        let mut picture = checkpoint.clone();
        for delta in &self.deltas[*from..done] {
            delta.apply(&mut picture);
        }
        Some(picture)
    }

    /// An estimate of the heap bytes of everything recorded (as [`History::heap_bytes`]
    /// counts them, without spare capacity), kept as steps come: O(1), so a long run can
    /// watch it. Forgotten steps still count.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Checkpoints kept (the picture before any step counts as one).
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// An estimate of the heap bytes the history holds: steps with their events and
    /// narration, picture deltas and checkpoints.
    pub fn heap_bytes(&self) -> usize {
        let mut bytes = self.steps.capacity() * std::mem::size_of::<Step>()
            + self.deltas.capacity() * std::mem::size_of::<PictureDelta>();
        for s in &self.steps {
            bytes += step_bytes(s);
        }
        for d in &self.deltas {
            bytes += d.heap_bytes();
        }
        for c in &self.checkpoints {
            bytes += picture_bytes(&c.1) + std::mem::size_of::<(usize, Picture)>();
        }
        bytes
    }
}

/// Heap bytes of one step: its events (with their own strings and lists) and narration.
fn step_bytes(step: &Step) -> usize {
    let mut events = 0;
    for e in &step.events {
        events += match e {
            Event::Call { name, args } => name.capacity() + args.capacity() * 8,
            Event::ClusterRead { vpns } => vpns.capacity() * 8,
            Event::Exception { name, info, .. } => name.capacity() + info.capacity() * 8,
            Event::Output { text } => text.capacity(),
            _ => 0,
        };
    }
    step.events.capacity() * std::mem::size_of::<Event>() + events + step.narration.capacity()
}

/// Estimated heap bytes of a whole picture.
fn picture_bytes(p: &Picture) -> usize {
    use std::mem::size_of_val;
    // A PTE entry costs its key and value, plus about a third more for the spare capacity
    // of the sorted list that holds it (PteMap).
    let ptes = p.ptes.len() * 4 * (8 + std::mem::size_of::<super::event::Pte>()) / 3;
    let lists = 4 * (p.lists.zeroed.len() + p.lists.free.len())
        + 4 * (p.lists.standby.len() + p.lists.modified.len());
    let mut others = 0;
    for q in &p.processes {
        others += super::picture::delta_process_bytes(q);
    }
    for s in &p.sections {
        others += super::picture::delta_section_bytes(s);
    }
    size_of_val(p.regions.as_slice())
        + size_of_val(p.tables.as_slice())
        + ptes
        + size_of_val(p.tlb.as_slice())
        + size_of_val(p.frames.as_slice())
        + lists
        + size_of_val(p.slots.as_slice())
        + size_of_val(p.working_set.pages.as_slice())
        + p.process.name.len()
        + others
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
    fn printed_steps_are_forgotten_but_counted() {
        let mut h = History::new(Recording::Steps, Picture::default());
        for n in 0..10 {
            h.push(step(n), None, || picture(n));
        }
        h.forget_steps_before(4);
        assert_eq!((h.len(), h.first_held(), h.steps().len()), (10, 4, 6));
        assert!(h.step(3).is_none());
        assert_eq!(h.step(4), Some(&step(4)));
        h.forget_steps_before(2);
        assert_eq!(h.first_held(), 4, "forgetting never goes back");
        h.forget_steps_before(99);
        assert_eq!((h.len(), h.steps().len()), (10, 0));

        let mut with_pictures = History::new(Recording::Pictures, picture(0));
        with_pictures.push(step(1), None, || picture(1));
        with_pictures.forget_steps_before(1);
        assert_eq!(
            with_pictures.step(0),
            Some(&step(1)),
            "pictures keep their steps"
        );
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
        let (kept, counted) = (h.heap_bytes(), h.bytes());
        assert!(
            counted <= kept && counted * 2 > kept,
            "the running estimate is close to the full count: {counted} of {kept}"
        );
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

    #[test]
    fn a_history_is_shed_a_piece_at_a_time_from_its_end() {
        let mut h = History::new(Recording::Pictures, picture(0));
        for n in 1..=800 {
            let delta = PictureDelta::between(&picture(n - 1), &picture(n));
            h.push(step(n), Some(delta), || picture(n));
        }
        assert_eq!(h.checkpoints(), 4);
        assert!(h.shed(300));
        assert_eq!((h.steps().len(), h.checkpoints()), (500, 2));
        assert_eq!(
            h.picture_after(400),
            Some(picture(401)),
            "what is left holds"
        );
        assert!(h.shed(400) && !h.shed(400), "empty after three pieces");
        assert_eq!((h.steps().len(), h.checkpoints()), (0, 1));
        assert_eq!(h.initial_picture(), &picture(0));
    }
}
