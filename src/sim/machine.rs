//! The simulated machine: the system, its processes, the running one, and the recorder
//! that turns every operation into steps (DESIGN §2–§3, §9).
//!
//! Who uses whom (no module depends back on its caller):
//! - [`super::api`] (the Win32 calls, `impl Machine` blocks) uses the machine;
//! - the machine uses [`super::paging`] (the engine, handed borrowed parts for each
//!   operation), [`super::record`], [`super::system`], [`super::process`] and
//!   [`super::space`];
//! - the engine uses the recorder, the system, the process's MMU state and, through
//!   [`super::paging::Vad`], the address space;
//! - the recorder uses the system, the MMU state, the history and the picture types;
//! - a process holds its address space; the system, the process's MMU state and the
//!   address space use only leaf modules (addresses, events, pictures, settings).

use super::addr::{ProcessId, Vpn};
use super::config::Config;
use super::error::ExceptionRecord;
use super::event::Event;
use super::history::{History, Recording};
use super::journal::{Journal, Op};
use super::paging::{self, Engine, Others};
use super::picture::{Picture, ProcessPicture, ProcessState};
use super::process::Process;
use super::record::{process_entry, whole_picture, Recorder, Scene};
use super::space::AddressSpace;
use super::system::future::Future;
use super::system::System;

/// A whole simulated machine. Deterministic: the same calls give the same steps.
#[derive(Clone, Debug)]
pub struct Machine {
    config: Config,
    /// RAM, page file, commit, sections and disk.
    system: System,
    /// Every process, in creation order (one, `main`, today).
    processes: Vec<Process>,
    /// Index in `processes` of the one running.
    current: usize,
    /// Steps and their pictures.
    recorder: Recorder,
    /// The calls made, when another machine is to make them again (see `journal.rs`).
    journal: Option<Box<Journal>>,
}

impl Machine {
    /// A machine with `config` that records steps and pictures.
    pub fn new(config: Config) -> Machine {
        Machine::with_recording(config, Recording::Pictures)
    }

    /// A machine with `config` that records as `mode` says.
    pub fn with_recording(config: Config, mode: Recording) -> Machine {
        let mut system = System::new(&config);
        let mut main = Process::new(ProcessId(4), "main", &config);
        super::api::map_kernel32(&mut system, &mut main.space);
        main.state = ProcessState::Running;
        let entries = vec![entry_of(&main)];
        let recorder = Recorder::new(
            mode,
            Scene {
                system: &mut system,
                mmu: &mut main.mmu,
                regions: &main.space,
                name: &main.name,
            },
            entries,
        );
        Machine {
            config,
            system,
            processes: vec![main],
            current: 0,
            recorder,
            journal: None,
        }
    }

    /// The settings this machine was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What `GetLastError()` returns now.
    pub fn last_error(&self) -> u32 {
        self.process().last_error
    }

    /// `SetLastError(code)`.
    pub fn set_last_error(&mut self, code: u32) {
        self.note(Op::SetLastError, &[code.into()], &[]);
        self.process_mut().last_error = code;
    }

    /// Pages of commit charge now (reference §8.6).
    pub fn commit_charge(&self) -> u64 {
        self.system.commit_charge
    }

    /// The commit limit in pages: frames plus page-file slots (reference §8.6).
    pub fn commit_limit(&self) -> u64 {
        self.system.commit_limit
    }

    /// Keep a journal of the calls made from now on, for another machine built with the
    /// same settings to make them again ([`super::journal::Replay`]).
    pub fn start_journal(&mut self) {
        self.journal.get_or_insert_with(Default::default);
    }

    /// The journal's bytes of the calls made since the last take (empty without one).
    pub fn take_journal(&mut self) -> Vec<u8> {
        self.journal.as_mut().map(|j| j.take()).unwrap_or_default()
    }

    /// Note a call in the journal, if one is kept.
    pub(crate) fn note(&mut self, op: Op, args: &[u64], bytes: &[u8]) {
        if let Some(j) = &mut self.journal {
            j.note(op, args, bytes);
        }
    }

    /// Everything recorded so far.
    pub fn history(&self) -> &History {
        self.recorder.history()
    }

    /// Free up to `n` of the last recorded steps, for a machine on its way out: true
    /// while some are left (see [`History::shed`]).
    pub fn shed(&mut self, n: usize) -> bool {
        self.recorder.shed(n)
    }

    /// Forget the recorded steps before `end`, once written out (see
    /// [`History::forget_steps_before`]).
    pub fn forget_steps_before(&mut self, end: usize) {
        self.recorder.forget_steps_before(end);
    }

    /// The script line that the following steps belong to.
    pub fn set_line(&mut self, line: Option<u32>) {
        self.note(Op::SetLine, &[line.map_or(0, |l| u64::from(l) + 1)], &[]);
        self.recorder.set_line(line);
    }

    /// The picture of the machine as it is now. Costs O(frames + slots + PTEs + TLB).
    pub fn picture(&self) -> Picture {
        let p = self.process();
        let mut entries: Vec<ProcessPicture> = Vec::with_capacity(self.processes.len());
        for q in &self.processes {
            entries.push(entry_of(q));
        }
        whole_picture(&self.system, &p.mmu, &p.space, &p.name, &entries)
    }

    /// True when steps are being recorded (so narration is worth formatting).
    pub fn recording(&self) -> bool {
        self.recorder.recording()
    }

    /// The system: frames, page file, commit, sections, disk.
    pub fn system(&self) -> &System {
        &self.system
    }

    /// The running process.
    pub fn process(&self) -> &Process {
        &self.processes[self.current]
    }

    /// Every process, in creation order.
    pub fn processes(&self) -> &[Process] {
        &self.processes
    }

    /// The index in [`Machine::processes`] of the running process.
    pub fn current(&self) -> usize {
        self.current
    }

    /// The index in [`Machine::processes`] of process `pid`.
    pub fn index_of(&self, pid: ProcessId) -> Option<usize> {
        self.processes.iter().position(|p| p.id == pid)
    }

    /// Add a process (not running).
    pub(crate) fn push_process(&mut self, process: Process) {
        self.processes.push(process);
    }

    /// Make the process at `index` the running one (the caller records the switch).
    pub(crate) fn set_current(&mut self, index: usize) {
        self.current = index;
    }

    /// The running process, to change.
    pub(crate) fn process_mut(&mut self) -> &mut Process {
        &mut self.processes[self.current]
    }

    /// The running process's address space.
    pub(crate) fn space(&self) -> &AddressSpace {
        &self.process().space
    }

    /// The running process's address space, to change.
    pub(crate) fn space_mut(&mut self) -> &mut AddressSpace {
        &mut self.process_mut().space
    }

    /// Note every page reference from now on, in order (the first run of a script under
    /// OPT; [`Machine::references`] gives them).
    pub fn record_references(&mut self) {
        self.system.future = Future::recording();
    }

    /// The page references noted since [`Machine::record_references`], in order, each
    /// with the process that made it.
    pub fn references(&self) -> &[(ProcessId, Vpn)] {
        self.system.future.references()
    }

    /// Let OPT consult `references`, a first run's [`Machine::references`]: each
    /// process's n-th reference in this run is taken to be its n-th there.
    pub fn foresee(&mut self, references: &[(ProcessId, Vpn)]) {
        if self.journal.is_some() {
            let mut args: Vec<u64> = Vec::with_capacity(2 * references.len());
            for (p, v) in references {
                args.push(u64::from(p.0));
                args.push(v.0);
            }
            self.note(Op::Foresee, &args, &[]);
        }
        self.system.future = Future::known(references);
    }

    /// Point the CPU's focus (the address split and walk on screen) at `va`.
    pub(crate) fn set_focus(&mut self, va: Option<u64>) {
        self.process_mut().mmu.focus = va;
    }

    /// The system, to change.
    pub(crate) fn system_mut(&mut self) -> &mut System {
        &mut self.system
    }

    /// Tests only: the recorder.
    #[cfg(test)]
    pub(crate) fn recorder_mut(&mut self) -> &mut Recorder {
        &mut self.recorder
    }

    /// The paging engine at work on the running process.
    pub(crate) fn engine(&mut self) -> Engine<'_, AddressSpace> {
        let (before, rest) = self.processes.split_at_mut(self.current);
        let (p, after) = rest.split_first_mut().expect("the running process exists");
        Engine {
            sys: &mut self.system,
            mmu: &mut p.mmu,
            vad: &mut p.space,
            rec: &mut self.recorder,
            name: &p.name,
            others: Others { before, after },
            held: None,
            others_changed: false,
        }
    }

    /// Add an event to the step being built.
    pub(crate) fn emit(&mut self, event: Event) {
        self.recorder.emit(event);
    }

    /// Close the step being built with its narration. `narration` is only called when
    /// recording. Kept to a single call so that each of the many call sites (one closure
    /// type each) compiles to a few instructions; the work is in `close_step`.
    #[inline]
    pub(crate) fn end_step(&mut self, narration: impl FnOnce() -> String) {
        let narration = self.recording().then(narration);
        self.close_step(narration);
    }

    /// Close the step being built after a change to which process runs or to another
    /// process than the running one: every process's entry is redrawn, the delta is
    /// taken against the whole picture, and every process's change lists are drained.
    pub(crate) fn end_process_step(&mut self, narration: impl FnOnce() -> String) {
        let narration = self.recording().then(narration);
        self.close_process_step(narration);
    }

    fn close_process_step(&mut self, narration: Option<String>) {
        let mut entries: Vec<ProcessPicture> = Vec::with_capacity(self.processes.len());
        for q in &self.processes {
            entries.push(entry_of(q));
        }
        self.recorder.set_processes(entries);
        for (i, p) in self.processes.iter_mut().enumerate() {
            if i != self.current {
                p.mmu.forget_changes();
            }
        }
        let (recorder, scene) = self.recorder_and_scene();
        recorder.close_whole(narration, scene);
    }

    #[inline(never)]
    fn close_step(&mut self, narration: Option<String>) {
        let (recorder, scene) = self.recorder_and_scene();
        recorder.close(narration, scene);
    }

    /// The recorder and what it records against: the system and the running process.
    fn recorder_and_scene(&mut self) -> (&mut Recorder, Scene<'_>) {
        let p = &mut self.processes[self.current];
        let scene = Scene {
            system: &mut self.system,
            mmu: &mut p.mmu,
            regions: &p.space,
            name: &p.name,
        };
        (&mut self.recorder, scene)
    }

    /// Record text printed by the script as a step of its own.
    pub fn output(&mut self, text: &str) {
        self.note(Op::Output, &[], text.as_bytes());
        if self.recording() {
            self.emit(Event::Output {
                text: text.to_string(),
            });
            self.end_step(|| format!("The program prints \"{}\".", text.trim_end()));
        }
    }

    /// A data read of `buf.len()` bytes at `va` (may cross pages; stops at the first exception).
    pub fn read(&mut self, va: u64, buf: &mut [u8]) -> Result<(), ExceptionRecord> {
        let result = self.engine().read(va, buf);
        if let Some(j) = &mut self.journal {
            j.read(va, buf);
        }
        result
    }

    /// A C string read at `va`, as `printf("%s")` does: the bytes up to and including the
    /// first NUL, at most `max` bytes. Each page's read records the bytes really read.
    /// Returns the string without its NUL.
    pub fn read_c_string(&mut self, va: u64, max: usize) -> Result<Vec<u8>, ExceptionRecord> {
        self.note(Op::ReadCString, &[va, max as u64], &[]);
        self.engine().read_c_string(va, max)
    }

    /// A data write of `data` at `va` (may cross pages; stops at the first exception).
    pub fn write(&mut self, va: u64, data: &[u8]) -> Result<(), ExceptionRecord> {
        if let Some(j) = &mut self.journal {
            j.write(va, data);
        }
        self.engine().write(va, data)
    }

    /// An instruction fetch at `va`.
    pub fn execute(&mut self, va: u64) -> Result<(), ExceptionRecord> {
        self.note(Op::Execute, &[va], &[]);
        self.engine().execute(va)
    }

    /// `PageOut(addr, size)`: trim those resident pages from the working set; returns how many.
    pub fn page_out(&mut self, va: u64, size: u64) -> usize {
        self.note(Op::PageOut, &[va, size], &[]);
        self.engine().page_out(va, size)
    }

    /// `EmptyWorkingSet()`: trim every page; returns how many.
    pub fn empty_working_set(&mut self) -> usize {
        self.note(Op::EmptyWorkingSet, &[], &[]);
        self.engine().empty_working_set()
    }

    /// `WriteModifiedPages()`: run the modified page writer; returns pages written.
    pub fn write_modified_pages(&mut self) -> usize {
        self.note(Op::WriteModifiedPages, &[], &[]);
        self.engine().write_modified_pages()
    }

    /// The bytes of the running process's resident page `vpn`, or of its page-file copy;
    /// `None` when the page holds nothing yet (reads as zeros). For tests and inspection;
    /// no step is recorded.
    pub fn peek_page(&self, vpn: Vpn) -> Option<Vec<u8>> {
        paging::peek_page(&self.system, &self.process().mmu, vpn)
    }
}

/// A process's entry in the picture, as it is now.
fn entry_of(p: &Process) -> ProcessPicture {
    process_entry(&p.mmu, &p.space, &p.name, p.state)
}
