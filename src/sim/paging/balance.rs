//! The working-set manager (reference §8.4): with soft limits, Windows' default, a
//! working set grows while memory is plentiful, and this is what trims it when available
//! memory runs low.

use super::trim::{TrimCause, Trimmed};
use super::{Engine, Vad};
use crate::sim::event::FrameList;

impl<V: Vad> Engine<'_, V> {
    /// The working-set manager (reference §8.4): with a soft maximum the working set grows
    /// while memory is plentiful; when available memory (zeroed + free + standby) is below
    /// [`Engine::low_memory_threshold`], it trims the working set while it is above its
    /// minimum, one page per step, by the policy, until the available pages plus those it
    /// put on the modified list (which the modified page writer turns into standby pages)
    /// reach the threshold. Windows trims processes above their minimum and idle ones
    /// first, the foreground process last; on low memory PageLab trims the running
    /// process, and another process only when the running one needs a frame its own
    /// working set cannot give (`trim_another`).
    pub(super) fn working_set_manager(&mut self) {
        if self.mmu.ws.limits().hard {
            return;
        }
        let low = self.low_memory_threshold();
        let modified_before = self.sys.frames.count(FrameList::Modified);
        while self.available()
            + self
                .sys
                .frames
                .count(FrameList::Modified)
                .saturating_sub(modified_before)
            < low
            && self.mmu.ws.above_minimum()
        {
            if self.trim_one(TrimCause::MemoryLow, None) != Trimmed::Left {
                break;
            }
        }
        self.writer_if_due();
    }

    /// Frames available without trimming: zeroed, free and standby (reference §8.4).
    pub(super) fn available(&self) -> usize {
        self.sys.frames.count(FrameList::Zeroed)
            + self.sys.frames.count(FrameList::Free)
            + self.sys.frames.count(FrameList::Standby)
    }

    /// The working-set manager trims when fewer frames than this are available: an eighth
    /// of RAM, at least 2 (Windows' own trigger is a fixed page count tuned for gigabytes
    /// of RAM; this keeps the same proportion of a small machine in reserve).
    pub(super) fn low_memory_threshold(&self) -> usize {
        (self.sys.frames.len() / 8).max(2)
    }
}
