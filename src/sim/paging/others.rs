//! The other processes (reference §8.4): when the running process needs a frame and
//! neither the lists nor its own working set can give one, the working-set manager trims
//! another process's working set, idle (waiting) processes and those above their minimum
//! first. A frame another process owns (on standby or modified) keeps that process's PTE
//! in transition, so reusing or writing it changes that process's page tables, not the
//! running one's. Steps that change another process are closed as whole-picture steps.

use super::trim::{TrimCause, Trimmed};
use super::{Engine, Vad};
use crate::sim::addr::{Owner, Pfn, ProcessId};
use crate::sim::event::Event;
use crate::sim::picture::ProcessState;
use crate::sim::process::Process;
use crate::sim::record::{process_entry, Scene};
use crate::sim::space::AddressSpace;

/// Every process but the running one: those before it and those after it in the
/// machine's list.
#[derive(Default)]
pub struct Others<'a> {
    /// The processes before the running one.
    pub(crate) before: &'a mut [Process],
    /// The processes after the running one.
    pub(crate) after: &'a mut [Process],
}

impl Others<'_> {
    /// The process with id `pid`, if it is not the running one.
    fn find(&mut self, pid: ProcessId) -> Option<&mut Process> {
        self.before
            .iter_mut()
            .chain(self.after.iter_mut())
            .find(|p| p.id == pid)
    }

    /// The process the working-set manager trims for the running one: not ended, with a
    /// page in its working set; waiting before ready, above its minimum first, then the
    /// largest working set (reference §8.4).
    fn to_trim(&self) -> Option<ProcessId> {
        let mut best: Option<(bool, bool, std::cmp::Reverse<usize>, ProcessId)> = None;
        for p in self.before.iter().chain(self.after.iter()) {
            if p.state == ProcessState::Ended || p.mmu.ws.is_empty() {
                continue;
            }
            let key = (
                p.state != ProcessState::Waiting,
                !p.mmu.ws.above_minimum(),
                std::cmp::Reverse(p.mmu.ws.len()),
            );
            // The first of equal keys, as min_by_key.
            if best.is_none_or(|b| key < (b.0, b.1, b.2)) {
                best = Some((key.0, key.1, key.2, p.id));
            }
        }
        best.map(|b| b.3)
    }
}

/// Steps an engine acting for another process built: their events and narrations.
pub(super) type Held = Vec<(Vec<Event>, Option<String>)>;

impl<V: Vad> Engine<'_, V> {
    /// The process owning frame `pfn`'s page, when it is another than the running one.
    pub(super) fn other_owner(&self, pfn: Pfn) -> Option<ProcessId> {
        match self.sys.frames.get(pfn).owner {
            Some(Owner::Private { process, .. }) if process != self.mmu.pid => Some(process),
            _ => None,
        }
    }

    /// Run `f` on an engine for process `pid` (not the running one), so that its PTE
    /// changes go into its own page tables. The steps it builds are recorded as
    /// whole-picture steps here. `None` when there is no such process.
    pub(super) fn as_owner<R>(
        &mut self,
        pid: ProcessId,
        f: impl FnOnce(&mut Engine<'_, AddressSpace>) -> R,
    ) -> Option<R> {
        // Events of the running process's step so far stay with that step.
        let earlier = self.rec.take_pending();
        let p = self.others.find(pid)?;
        let mut owner = Engine {
            sys: &mut *self.sys,
            mmu: &mut p.mmu,
            vad: &mut p.space,
            rec: &mut *self.rec,
            name: &p.name,
            others: Others::default(),
            held: Some(Vec::new()),
            others_changed: false,
        };
        let r = f(&mut owner);
        let held = owner.held.take().unwrap_or_default();
        self.record_owner_steps(earlier, held);
        Some(r)
    }

    /// After [`Engine::as_owner`]: record the owner's `held` steps as whole-picture steps,
    /// the running process's `earlier` events staying with its own step.
    fn record_owner_steps(&mut self, earlier: Vec<Event>, held: Vec<(Vec<Event>, Option<String>)>) {
        let rest = self.rec.take_pending();
        for e in earlier {
            self.rec.emit(e);
        }
        for (events, narration) in held {
            let mine = self.rec.take_pending();
            for e in events {
                self.rec.emit(e);
            }
            self.close_whole_step(narration);
            for e in mine {
                self.rec.emit(e);
            }
        }
        for e in rest {
            self.rec.emit(e);
        }
        self.others_changed = true;
    }

    /// Close the step being built as a whole-picture step: another process changed too.
    pub(super) fn close_whole_step(&mut self, narration: Option<String>) {
        self.others_changed = false;
        if narration.is_some() && self.rec.recording() {
            let entry = |p: &Process| process_entry(&p.mmu, &p.space, &p.name, p.state);
            let mut entries =
                Vec::with_capacity(self.others.before.len() + 1 + self.others.after.len());
            for p in self.others.before.iter() {
                entries.push(entry(p));
            }
            entries.push(process_entry(
                self.mmu,
                &*self.vad,
                self.name,
                ProcessState::Running,
            ));
            for p in self.others.after.iter() {
                entries.push(entry(p));
            }
            self.rec.set_processes(entries);
        }
        for p in self
            .others
            .before
            .iter_mut()
            .chain(self.others.after.iter_mut())
        {
            p.mmu.forget_changes();
        }
        let scene = Scene {
            system: self.sys,
            mmu: self.mmu,
            regions: &*self.vad,
            name: self.name,
        };
        self.rec.close_whole(narration, scene);
    }

    /// Trim one page from another process's working set for the running process, as a
    /// step of that process (reference §8.4). False when no process has a page to give.
    pub(super) fn trim_another(&mut self) -> bool {
        let Some(pid) = self.others.to_trim() else {
            return false;
        };
        let running = self.mmu.pid;
        self.as_owner(pid, |e| {
            e.trim_one(TrimCause::ForAnother(running), None) == Trimmed::Left
        })
        .unwrap_or(false)
    }
}
