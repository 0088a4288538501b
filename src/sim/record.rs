//! The recorder: turns the engine's events into steps, and each step's changes into a
//! picture delta (DESIGN §3).
//!
//! The state a step changed is known without looking at the rest of the machine: the PFN
//! database, the page file, the page tables, the TLB and the working set each keep the
//! list of what changed since the recorder last asked, and the address space a version
//! number. [`Recorder::close`] turns those lists into a [`PictureDelta`] (drawn by
//! `draw`), so recording a step costs in proportion to what it changed. Only a checkpoint
//! (see [`super::history`]) draws the whole machine.
//!
//! Uses: the system, a process's [`Mmu`], the address space through [`RegionSource`],
//! the history, and `draw` for the pictures. Used by the paging engine and the machine.

use super::addr::Vpn;
use super::draw::Seen;
pub use super::draw::{process_entry, whole_picture};
use super::error::Access;
use super::event::{Event, Step};
use super::history::{History, Recording};
use super::picture::{Picture, PictureDelta, ProcessPicture, RegionSource};
use super::process::Mmu;
use super::system::System;

/// What a step is recorded against: the system, the running process's MMU state, its
/// regions and its name.
pub struct Scene<'a> {
    /// The system.
    pub system: &'a mut System,
    /// The running process's MMU state.
    pub mmu: &'a mut Mmu,
    /// The running process's regions.
    pub regions: &'a dyn RegionSource,
    /// The running process's name.
    pub name: &'a str,
}

/// Events of the step being built, the script line, and the history.
#[derive(Clone, Debug)]
pub struct Recorder {
    pending: Vec<Event>,
    line: Option<u32>,
    history: History,
    seen: Seen,
    /// Every process's entry as of the last process-level step (the running one's
    /// details are refreshed whenever a whole picture is drawn).
    processes: Vec<ProcessPicture>,
    /// Tests only: the last picture, rebuilt from the deltas and compared with the whole
    /// picture at every step (see [`Recorder::check_every_step`]).
    #[cfg(test)]
    check: Option<Picture>,
}

impl Recorder {
    /// A recorder in `mode` whose history starts from `scene` as it is now, with these
    /// processes.
    pub fn new(mode: Recording, mut scene: Scene, processes: Vec<ProcessPicture>) -> Recorder {
        let initial = match mode {
            Recording::Pictures => whole_picture(
                scene.system,
                scene.mmu,
                scene.regions,
                scene.name,
                &processes,
            ),
            _ => Picture::default(),
        };
        let seen = Seen::of(
            &initial,
            scene.regions.version(),
            scene.system.sections_version,
        );
        forget_changes(&mut scene);
        Recorder {
            pending: Vec::new(),
            line: None,
            history: History::new(mode, initial),
            seen,
            processes,
            #[cfg(test)]
            check: None,
        }
    }

    /// Tests only: from now on, check at every step that the delta turns the previous
    /// picture into the whole picture of the machine (panics otherwise).
    #[cfg(test)]
    pub(crate) fn check_every_step(&mut self, now: Picture) {
        self.check = Some(now);
    }

    /// True when steps are being recorded (so narration is worth formatting).
    pub fn recording(&self) -> bool {
        self.history.mode() != Recording::Off
    }

    /// Everything recorded so far.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Free up to `n` of the last recorded steps (see [`History::shed`]).
    pub fn shed(&mut self, n: usize) -> bool {
        self.history.shed(n)
    }

    /// Forget the recorded steps before `end` (see [`History::forget_steps_before`]).
    pub fn forget_steps_before(&mut self, end: usize) {
        self.history.forget_steps_before(end);
    }

    /// The script line that the following steps belong to.
    pub fn set_line(&mut self, line: Option<u32>) {
        self.line = line;
    }

    /// Add an event to the step being built.
    pub fn emit(&mut self, event: Event) {
        if self.recording() {
            self.pending.push(event);
        }
    }

    /// Close the step being built with `narration` (`None` when not recording): record
    /// it, with the delta of what changed in `scene` since the last step.
    pub fn close(&mut self, narration: Option<String>, mut scene: Scene) {
        let narration = match (self.history.mode(), narration) {
            (Recording::Off, _) | (_, None) => {
                self.pending.clear();
                forget_changes(&mut scene);
                return;
            }
            (_, Some(narration)) => narration,
        };
        let step = Step {
            events: std::mem::take(&mut self.pending),
            narration,
            line: self.line,
        };
        if self.history.mode() != Recording::Pictures {
            forget_changes(&mut scene);
            self.history.push(step, None, Picture::default);
            return;
        }
        let delta = self.seen.delta(&mut scene);
        #[cfg(test)]
        if let Some(last) = &mut self.check {
            let whole = scene_picture(&scene, &self.processes);
            delta.apply(last);
            assert_eq!(
                *last,
                whole,
                "step {}: {}",
                self.history.len(),
                step.narration
            );
        }
        let Scene {
            system,
            mmu,
            regions,
            name,
        } = scene;
        let processes = &self.processes;
        self.history.push(step, Some(delta), || {
            whole_picture(system, mmu, regions, name, processes)
        });
    }

    /// Add the access just made to the last step instead of closing a new one, and say
    /// whether it did (docs/steps.md). It does when the access is a plain TLB hit (its
    /// events are the address split, the hit and the bytes moved: no PTE bit, slot or
    /// anything else changed) from the same script line, to the same page, of the same
    /// kind as the last step's, which is such an access itself and holds fewer than
    /// [`MAX_ACCESSES`]. A script that does the same thing byte after byte then records
    /// one step per page, not one per byte.
    pub fn join(&mut self, mut scene: Scene) -> bool {
        let Some((vpn, access, 0)) = plain(&self.pending) else {
            return false;
        };
        match self.history.last_open() {
            Some(last)
                if self.line.is_some()
                    && last.line == self.line
                    && plain(&last.events).is_some_and(|(v, a, n)| {
                        v == vpn && a == access && n + 1 < MAX_ACCESSES
                    }) => {}
            _ => return false,
        }
        self.pending.clear();
        let delta = if self.history.mode() == Recording::Pictures {
            Some(self.seen.delta(&mut scene))
        } else {
            forget_changes(&mut scene);
            None
        };
        #[cfg(test)]
        if let (Some(check), Some(delta)) = (self.check.as_mut(), &delta) {
            delta.apply(check);
            assert_eq!(
                *check,
                scene_picture(&scene, &self.processes),
                "a joined access"
            );
        }
        self.history.grow_last(delta, |step| {
            let count = match step.events.last_mut() {
                Some(Event::Repeated { count, said }) => {
                    step.narration.truncate(*said as usize);
                    *count += 1;
                    *count
                }
                _ => {
                    let said = step.narration.len() as u32;
                    step.events.push(Event::Repeated { count: 1, said });
                    1
                }
            };
            let n = &mut step.narration;
            n.push_str(" Then ");
            n.push_str(&count.to_string());
            n.push_str(if access == Access::Read {
                " more read"
            } else {
                " more write"
            });
            n.push_str(if count == 1 {
                " to page "
            } else {
                "s to page "
            });
            n.push_str(&super::paging::narrate::page(vpn));
            n.push_str(": each hits the TLB and changes no PTE bit.");
        });
        true
    }

    /// Take the events of the step being built (to record them in another step).
    pub(crate) fn take_pending(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.pending)
    }

    /// Replace every process's entry: a process was created, switched to or ended. The
    /// next step should be closed with [`Recorder::close_whole`].
    pub fn set_processes(&mut self, processes: Vec<ProcessPicture>) {
        self.processes = processes;
    }

    /// Close the step being built like [`Recorder::close`], but with the delta between
    /// the last recorded picture and the whole picture now: for the rare steps that change
    /// which process runs, or another process than the running one. Costs O(machine).
    pub fn close_whole(&mut self, narration: Option<String>, mut scene: Scene) {
        let Some(narration) = narration.filter(|_| self.recording()) else {
            self.pending.clear();
            forget_changes(&mut scene);
            return;
        };
        let step = Step {
            events: std::mem::take(&mut self.pending),
            narration,
            line: self.line,
        };
        forget_changes(&mut scene);
        if self.history.mode() != Recording::Pictures {
            self.history.push(step, None, Picture::default);
            return;
        }
        let whole = scene_picture(&scene, &self.processes);
        let last = match self.history.len() {
            0 => self.history.initial_picture().clone(),
            n => self.history.picture_after(n - 1).unwrap_or_default(),
        };
        let delta = PictureDelta::between(&last, &whole);
        self.seen = Seen::of(
            &whole,
            scene.regions.version(),
            scene.system.sections_version,
        );
        #[cfg(test)]
        if let Some(check) = self.check.as_mut() {
            delta.apply(check);
            assert_eq!(*check, whole, "step {}", self.history.len());
        }
        self.history.push(step, Some(delta), move || whole);
    }
}

/// Most accesses one step holds (see [`Recorder::join`]).
pub const MAX_ACCESSES: u32 = 4096;

/// The page, kind and number of joined accesses (see [`Recorder::join`]) of a step's
/// `events` when they are those of a plain TLB hit: the address split, the hit, the bytes
/// moved, and how many more joined.
fn plain(events: &[Event]) -> Option<(Vpn, Access, u32)> {
    match events {
        [Event::AddressSplit { access, .. }, Event::TlbHit { vpn, .. }, Event::DataRead { .. } | Event::DataWritten { .. }, rest @ ..] => {
            match rest {
                [] => Some((*vpn, *access, 0)),
                [Event::Repeated { count, .. }] => Some((*vpn, *access, *count)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The whole picture of `scene` with these process entries.
fn scene_picture(scene: &Scene, processes: &[ProcessPicture]) -> Picture {
    whole_picture(
        scene.system,
        scene.mmu,
        scene.regions,
        scene.name,
        processes,
    )
}

/// Drop the change lists of `scene` (nothing is drawn from them).
#[inline(never)]
fn forget_changes(scene: &mut Scene) {
    scene.system.frames.take_changes();
    scene.system.pagefile.take_changes();
    scene.mmu.forget_changes();
}

#[cfg(test)]
mod tests {
    use crate::sim::consts::*;
    use crate::sim::{Config, Machine};

    /// A run records the same steps with and without pictures, though with pictures a
    /// checkpoint may be drawn after a step that then grows (the page replays the
    /// worker's calls with pictures, the worker and `pagelab run` record without).
    #[test]
    fn joined_steps_are_the_same_with_pictures() {
        use crate::sim::Recording;
        let run = |recording| {
            let mut m = Machine::with_recording(Config::default(), recording);
            m.set_line(Some(1));
            let p = m.virtual_alloc(0, 40 * 0x1000, MEM_COMMIT, PAGE_READWRITE);
            for i in 0..4 * 40 * 0x1000 {
                m.write(p + i % (40 * 0x1000), &[1]).expect("write");
            }
            (
                m.history().steps().to_vec(),
                m.picture(),
                m.history().picture_after(m.history().len() - 1),
            )
        };
        let (steps, _, _) = run(Recording::Steps);
        let (with_pictures, now, last) = run(Recording::Pictures);
        assert_eq!(steps, with_pictures);
        assert_eq!(last, Some(now));
    }

    /// Plain TLB hits from one line to one page, of one kind, join the last step (up to
    /// 4,096 accesses a step), with its delta still rebuilding the whole picture; another
    /// line, page or kind, a hit that sets a PTE bit, or no script line starts a new step.
    #[test]
    fn repeated_hits_join_one_step() {
        use crate::sim::{Event, Recording};
        for recording in [Recording::Pictures, Recording::Steps] {
            let mut m = Machine::with_recording(Config::default(), recording);
            if recording == Recording::Pictures {
                let now = m.picture();
                m.recorder_mut().check_every_step(now);
            }
            let p = m.virtual_alloc(0, 3 * 0x1000, MEM_COMMIT, PAGE_READWRITE);
            m.write(p + 0x2000, &[1]).expect("write");
            m.write(p + 0x2001, &[1]).expect("no script line: no join");
            m.set_line(Some(7));
            m.write(p, &[1]).expect("write"); // a fault, then the walk
            let start = m.history().len();
            for i in 1..5000 {
                m.write(p + i % 0x1000, &[2]).expect("write");
            }
            // The first hit is its own step; 4,095 more join it (4,096 in all), then the
            // next step starts (the cap), and the last 903 accesses join that one.
            let steps = &m.history().steps()[start..];
            let counts: Vec<u32> = steps
                .iter()
                .filter_map(|s| match s.events.last() {
                    Some(Event::Repeated { count, .. }) => Some(*count),
                    _ => None,
                })
                .collect();
            assert_eq!((steps.len(), counts), (2, vec![4095, 902]), "{recording:?}");
            assert!(steps[0].narration.ends_with(
                "Then 4095 more writes to page 0x23456700000: each hits the TLB and changes \
                 no PTE bit."
            ));
            let len = m.history().len();
            m.read(p + 5, &mut [0]).expect("another kind");
            m.write(p + 0x1000, &[3]).expect("another page");
            m.set_line(Some(8));
            m.write(p + 0x1001, &[3]).expect("a hit on another line");
            m.write(p + 0x1002, &[3]).expect("joins line 8's hit");
            let steps = &m.history().steps()[len..];
            let repeats: Vec<(Option<u32>, bool)> = steps
                .iter()
                .map(|s| {
                    (
                        s.line,
                        matches!(s.events.last(), Some(Event::Repeated { .. })),
                    )
                })
                .collect();
            let n = repeats.len();
            assert!(
                n > 3,
                "the read, the other page's fault, the line-8 hit: {repeats:?}"
            );
            assert_eq!(repeats[n - 1], (Some(8), true), "the two hits of line 8");
            assert!(repeats[..n - 1].iter().all(|r| !r.1), "{repeats:?}");
            if recording == Recording::Pictures {
                let last = m.history().len() - 1;
                assert_eq!(m.history().picture_after(last), Some(m.picture()));
            }
        }
    }
}
