//! The simulated machine: one process's address space on top of the paging engine,
//! with the recorder that turns every operation into steps (DESIGN §2–§3).

use super::config::Config;
use super::event::{Event, Step};
use super::history::{History, Recording};
use super::paging::Paging;
use super::picture::{CommitView, Picture};
use super::space::AddressSpace;

/// A whole simulated machine. Deterministic: the same calls give the same steps.
#[derive(Clone, Debug)]
pub struct Machine {
    pub(crate) config: Config,
    /// The allocations (VADs) and per-page state and protection (reference §2–§6).
    pub(crate) space: AddressSpace,
    /// Page tables, TLB, frames, page file and working set (reference §8).
    pub(crate) paging: Paging,
    /// Pages of commit charge (reference §8.6).
    pub(crate) commit_charge: u64,
    /// What `GetLastError()` returns.
    pub(crate) last_error: u32,
    /// The address the CPU is working on, shown by the address split and the walk.
    pub(crate) focus: Option<u64>,
    pending: Vec<Event>,
    line: Option<u32>,
    history: History,
}

impl Machine {
    /// A machine with `config` that records steps and pictures.
    pub fn new(config: Config) -> Machine {
        Machine::with_recording(config, Recording::Pictures)
    }

    /// A machine with `config` that records as `mode` says.
    pub fn with_recording(config: Config, mode: Recording) -> Machine {
        let mut machine = Machine {
            space: AddressSpace::new(&config),
            paging: Paging::new(&config),
            config,
            commit_charge: 0,
            last_error: 0,
            focus: None,
            pending: Vec::new(),
            line: None,
            history: History::new(mode, Picture::default()),
        };
        if mode == Recording::Pictures {
            machine.history = History::new(mode, machine.picture());
        }
        machine
    }

    /// The settings this machine was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What `GetLastError()` returns now.
    pub fn last_error(&self) -> u32 {
        self.last_error
    }

    /// `SetLastError(code)`.
    pub fn set_last_error(&mut self, code: u32) {
        self.last_error = code;
    }

    /// Pages of commit charge now (reference §8.6).
    pub fn commit_charge(&self) -> u64 {
        self.commit_charge
    }

    /// The commit limit in pages: frames plus page-file slots (reference §8.6).
    pub fn commit_limit(&self) -> u64 {
        self.config.commit_limit()
    }

    /// Everything recorded so far.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The script line that the following steps belong to.
    pub fn set_line(&mut self, line: Option<u32>) {
        self.line = line;
    }

    /// The picture of the machine as it is now.
    pub fn picture(&self) -> Picture {
        let mut picture = Picture {
            regions: self.space.regions(),
            commit: CommitView {
                charge: self.commit_charge,
                limit: self.commit_limit(),
            },
            focus: self.focus,
            ..Picture::default()
        };
        self.paging.fill_picture(&mut picture);
        picture
    }

    /// True when steps are being recorded (so narration is worth formatting).
    pub fn recording(&self) -> bool {
        self.history.mode() != Recording::Off
    }

    /// Add an event to the step being built.
    pub(crate) fn emit(&mut self, event: Event) {
        if self.recording() {
            self.pending.push(event);
        }
    }

    /// Close the step being built with its narration. `narration` is only called when recording.
    ///
    /// Kept to a single call so that each of the many call sites (one closure type each)
    /// compiles to a few instructions; the work is in the one non-generic `close_step`.
    #[inline]
    pub(crate) fn end_step(&mut self, narration: impl FnOnce() -> String) {
        let narration = self.recording().then(narration);
        self.close_step(narration);
    }

    /// Close the step being built: record it with `narration` (`None` when not recording).
    #[inline(never)]
    fn close_step(&mut self, narration: Option<String>) {
        match (self.history.mode(), narration) {
            (Recording::Off, _) | (_, None) => self.pending.clear(),
            (mode, Some(narration)) => {
                let step = Step {
                    events: std::mem::take(&mut self.pending),
                    narration,
                    line: self.line,
                };
                let picture = (mode == Recording::Pictures).then(|| self.picture());
                self.history.push(step, picture);
            }
        }
    }

    /// Record text printed by the script as a step of its own.
    pub fn output(&mut self, text: &str) {
        if self.recording() {
            self.emit(Event::Output {
                text: text.to_string(),
            });
            self.end_step(|| format!("The program prints \"{}\".", text.trim_end()));
        }
    }
}
