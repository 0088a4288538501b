//! The recorded run: every step with its picture, reachable directly (DESIGN §3).
//!
//! Pictures are stored as deltas from the previous step, with a full checkpoint every
//! [`CHECKPOINT_INTERVAL`] steps, so any step is at most that many small deltas away
//! and a 100,000-step run stays small in memory.

use super::event::Step;
use super::picture::{Picture, PictureDelta};

/// Steps between full picture checkpoints.
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
    steps: Vec<Step>,
    /// `deltas[i]` turns the picture before step `i` into the picture after it.
    deltas: Vec<PictureDelta>,
    /// `checkpoints[k]` is the picture after step `k * CHECKPOINT_INTERVAL - 1`;
    /// `checkpoints[0]` is the picture before any step.
    checkpoints: Vec<Picture>,
    last: Picture,
}

impl History {
    /// An empty history that starts from `initial`.
    pub fn new(mode: Recording, initial: Picture) -> History {
        History {
            mode,
            steps: Vec::new(),
            deltas: Vec::new(),
            checkpoints: vec![initial.clone()],
            last: initial,
        }
    }

    /// What this history records.
    pub fn mode(&self) -> Recording {
        self.mode
    }

    /// Record one step whose visible state afterwards is `picture`.
    pub fn push(&mut self, step: Step, picture: Option<Picture>) {
        if self.mode == Recording::Off {
            return;
        }
        if let (Recording::Pictures, Some(picture)) = (self.mode, picture) {
            self.deltas
                .push(PictureDelta::between(&self.last, &picture));
            if self.deltas.len().is_multiple_of(CHECKPOINT_INTERVAL) {
                self.checkpoints.push(picture.clone());
            }
            self.last = picture;
        }
        self.steps.push(step);
    }

    /// Number of recorded steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// True when nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// All steps.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Step `index`, if recorded.
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index)
    }

    /// The picture before any step.
    pub fn initial_picture(&self) -> &Picture {
        &self.checkpoints[0]
    }

    /// The picture after step `index`, rebuilt from the nearest checkpoint.
    pub fn picture_after(&self, index: usize) -> Option<Picture> {
        if index >= self.deltas.len() {
            return None;
        }
        let done = index + 1;
        let k = done / CHECKPOINT_INTERVAL;
        let mut picture = self.checkpoints[k].clone();
        for delta in &self.deltas[k * CHECKPOINT_INTERVAL..done] {
            delta.apply(&mut picture);
        }
        Some(picture)
    }
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
            h.push(step(n), Some(picture(n)));
        }
        assert_eq!(h.len() as u64, total);
        for i in [0usize, 1, 255, 256, 257, 511, 512, 700, total as usize - 1] {
            assert_eq!(h.picture_after(i), Some(picture(i as u64 + 1)), "step {i}");
        }
        assert_eq!(h.picture_after(total as usize), None);
    }
}
