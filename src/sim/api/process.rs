//! Processes (DESIGN §9): creating one, the context switch between them, and exit.
//!
//! A context switch reloads CR3 with the incoming process's PML4 and so flushes the
//! TLB's translations (reference §8.7; Windows maps no user page global). A process
//! that ends gives back everything it owned: its private frames go to the free list
//! (reference §8.3), its page-file slots are freed and its commit charge is returned
//! (reference §8.6).

use super::super::addr::ProcessId;
use super::super::event::Event;
use super::super::journal::Op;
use super::super::machine::Machine;
use super::super::paging::Discarded;
use super::super::picture::ProcessState;
use super::super::process::Process;
use crate::sim::words::{agree, charge, pages};

impl Machine {
    /// Create a process named `name` with an empty address space; it is ready and runs
    /// when switched to. Its id is the next multiple of 4, as Windows' ids are.
    pub fn create_process(&mut self, name: &str) -> ProcessId {
        self.note(Op::CreateProcess, &[], name.as_bytes());
        let mut next = 0;
        for p in self.processes() {
            next = next.max(p.id.0);
        }
        let next = next + 4;
        let pid = ProcessId(next);
        let mut process = Process::new(pid, name, self.config());
        // The loader maps kernel32.dll, at the same base in every process (§10).
        super::map_kernel32(self.system_mut(), &mut process.space);
        let cr3 = process.mmu.cr3;
        self.push_process(process);
        self.emit(Event::ProcessCreated { pid, cr3 });
        self.end_process_step(|| {
            format!(
                "Process \"{name}\" (id {next}) is created: an address space of its own, its own \
                 page tables (its PML4 is at {cr3:#x}, which CR3 will hold while it runs) and an \
                 empty working set. It is ready and waits for its turn."
            )
        });
        pid
    }

    /// Mark the running process as waiting in a waiting call (`_getch`, `Sleep`, …); the
    /// next context switch leaves it waiting instead of ready. No step.
    pub fn wait(&mut self) {
        self.note(Op::Wait, &[], &[]);
        self.process_mut().state = ProcessState::Waiting;
    }

    /// Switch the CPU to the process at `index`: a step of its own, in which CR3 is
    /// reloaded and the TLB flushed. False (and no step) when there is no such process,
    /// it has ended, or it already runs.
    pub fn switch_to(&mut self, index: usize) -> bool {
        self.note(Op::SwitchTo, &[index as u64], &[]);
        let Some(next) = self.processes().get(index) else {
            return false;
        };
        if index == self.current() || next.state == ProcessState::Ended {
            return false;
        }
        let (to, to_name, cr3) = (next.id, next.name.clone(), next.mmu.cr3);
        let old = self.process_mut();
        let from = (old.state != ProcessState::Ended).then_some((old.id, old.name.clone()));
        let waiting = old.state == ProcessState::Waiting;
        if old.state == ProcessState::Running {
            old.state = ProcessState::Ready;
        }
        // One TLB: the outgoing process's translations are what it holds.
        let flushed = old.mmu.tlb.flush_all() as u32;
        old.mmu.focus = None;
        self.set_current(index);
        let new = self.process_mut();
        new.state = ProcessState::Running;
        let flushed = flushed + new.mmu.tlb.flush_all() as u32;
        self.emit(Event::ContextSwitch {
            from: from.as_ref().map(|f| f.0),
            to,
            cr3,
            flushed,
        });
        self.end_process_step(|| {
            let why = match &from {
                Some((_, name)) if waiting => format!("\"{name}\" waits, so "),
                Some((_, name)) => format!("\"{name}\" gives up the CPU, so "),
                None => String::new(),
            };
            format!(
                "Context switch: {why}\"{to_name}\" (id {}) runs. CR3 is loaded with its PML4 \
                 at {cr3:#x}, so every address now goes through its page tables; the reload \
                 flushes the TLB ({} dropped), and its first accesses will miss.",
                to.0,
                pages_word(flushed)
            )
        });
        true
    }

    /// The running process ends with `code`: every allocation is released (private frames
    /// to the free list, slots freed, commit returned) and it is marked ended. The caller
    /// switches to another process. Returns what was freed.
    pub fn exit_process(&mut self, code: u32) -> usize {
        self.note(Op::ExitProcess, &[code.into()], &[]);
        // Views are unmapped and handles closed first (docs/windows-sections.md §11.2).
        let views = self.space().views().to_vec();
        for link in views {
            self.unmap(link);
        }
        let handles = self.process().handles.len() as u64;
        for i in 1..=handles {
            self.close(4 * i);
        }
        let mut allocations = Vec::new();
        for a in self.space().allocations() {
            allocations.push((a.base, a.end()));
        }
        let mut committed = 0;
        let mut freed = Discarded::default();
        for (base, end) in allocations {
            let (n, f) = self.discard_committed(base, end);
            committed += n;
            freed.extend(f);
            self.space_mut().remove(base);
        }
        let old_charge = self.commit_charge();
        self.set_commit_charge(old_charge - committed.min(old_charge));
        let p = self.process_mut();
        p.state = ProcessState::Ended;
        p.mmu.focus = None;
        let (pid, name) = (p.id, p.name.clone());
        self.emit(Event::ProcessExited { pid, code });
        let frames = freed.frames.len();
        let limit = self.commit_limit();
        let new_charge = self.commit_charge();
        self.end_process_step(|| {
            format!(
                "Process \"{name}\" (id {}) exits with code {code}. Its private memory goes: \
                 {} {} to the free list, {} of the page file {} freed, and the commit charge \
                 falls {}.",
                pid.0,
                pages(frames as u64),
                agree(frames as u64, "goes", "go"),
                pages(freed.slots.len() as u64),
                agree(freed.slots.len() as u64, "is", "are"),
                charge(old_charge, new_charge, limit)
            )
        });
        frames
    }
}

/// "1 entry" or "N entries".
fn pages_word(n: u32) -> String {
    match n {
        1 => "1 entry".to_string(),
        n => format!("{n} entries"),
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::addr::Vpn;
    use crate::sim::consts::*;
    use crate::sim::picture::ProcessState;
    use crate::sim::{Config, Event, Machine};

    fn small() -> Config {
        Config {
            frames: 8,
            pagefile: 8,
            working_set: Some(4),
            tlb: 3,
            ..Config::default()
        }
    }

    /// Two processes write, switch and end; every step's delta rebuilds the whole
    /// picture, each process keeps its own pages, and the ended one's frames are free.
    #[test]
    fn two_processes_switch_and_end() {
        let mut m = Machine::new(small());
        let now = m.picture();
        m.recorder_mut().check_every_step(now);
        let a = m.virtual_alloc(0, 0x3000, MEM_COMMIT, PAGE_READWRITE);
        m.write(a, b"first").expect("write");
        let pid = m.create_process("reader");
        assert_eq!(pid.0, 8, "ids are multiples of 4");
        let pic = m.picture();
        assert_eq!(pic.processes.len(), 2);
        assert_eq!(pic.processes[1].state, ProcessState::Ready);
        assert!(pic.processes[0].ptes.contains_key(&Vpn::of(a).0));
        m.wait();
        assert!(m.switch_to(1));
        let step = m.history().steps().last().expect("a step").clone();
        assert!(matches!(
            step.events[0],
            Event::ContextSwitch { flushed, .. } if flushed > 0
        ));
        let pic = m.picture();
        assert_eq!(pic.process.name, "reader");
        assert!(pic.tlb.iter().all(Option::is_none), "the TLB is flushed");
        assert!(pic.ptes.is_empty(), "the reader's own tables are shown");
        assert_eq!(pic.processes[0].state, ProcessState::Waiting);
        assert!(
            pic.processes[0].working_set.contains(&Vpn::of(a)),
            "main's working set is kept while it waits"
        );
        let b = m.virtual_alloc(0, 0x2000, MEM_COMMIT, PAGE_READWRITE);
        assert_eq!(a, b, "each address space is its own");
        m.write(b, b"second").expect("write");
        assert!(m.switch_to(0));
        let mut buf = [0u8; 5];
        m.read(a, &mut buf).expect("read");
        assert_eq!(&buf, b"first", "main still sees its own page");
        assert!(m.switch_to(1));
        let charge = m.commit_charge();
        m.exit_process(0);
        assert_eq!(
            m.commit_charge(),
            charge - 2,
            "the reader's commit is returned"
        );
        let pic = m.picture();
        assert_eq!(pic.processes[1].state, ProcessState::Ended);
        assert!(pic.processes[1].working_set.is_empty());
        assert!(pic
            .frames
            .iter()
            .all(|f| f.owner.is_none_or(|o| o.process() != Some(pid))));
        assert!(m.switch_to(0));
        assert!(!m.switch_to(1), "an ended process never runs again");
        let h = m.history();
        assert_eq!(h.picture_after(h.len() - 1), Some(m.picture()));
    }
    /// A waiting process holds every frame: the running process's first write gets a
    /// frame trimmed from the waiting process's working set (reference §8.4), recorded as
    /// a step of its own whose delta rebuilds the whole picture; no byte is lost.
    #[test]
    fn a_waiting_process_gives_a_frame_to_the_running_one() {
        let mut m = Machine::new(Config {
            frames: 4,
            pagefile: 8,
            ..small()
        });
        let now = m.picture();
        m.recorder_mut().check_every_step(now);
        let a = m.virtual_alloc(0, 0x4000, MEM_COMMIT, PAGE_READWRITE);
        for i in 0..4u8 {
            m.write(a + u64::from(i) * 0x1000, &[i + 1]).expect("write");
        }
        assert_eq!(m.picture().processes[0].working_set.len(), 4);
        m.create_process("b");
        m.wait();
        assert!(m.switch_to(1));
        let b = m.virtual_alloc(0, 0x1000, MEM_COMMIT, PAGE_READWRITE);
        m.write(b, b"b").expect("the first write finds a frame");
        let trimmed = m.history().steps().iter().any(|s| {
            s.narration
                .contains("trims a page of another process, \"main\"")
        });
        assert!(trimmed, "the trim of main is a step");
        assert_eq!(m.picture().processes[0].working_set.len(), 3);
        assert!(m.switch_to(0));
        for i in 0..4u8 {
            let mut buf = [0u8];
            m.read(a + u64::from(i) * 0x1000, &mut buf).expect("read");
            assert_eq!(buf[0], i + 1, "main's page {i} kept its byte");
        }
        let h = m.history();
        assert_eq!(h.picture_after(h.len() - 1), Some(m.picture()));
    }
}

#[cfg(test)]
mod shared_tests {
    use crate::sim::consts::*;
    use crate::sim::{Config, Machine};

    /// Every step's delta rebuilds the whole picture through sections shared by two
    /// processes: create, map, shared faults, switches, unmap, close and exit.
    #[test]
    fn deltas_rebuild_the_picture_with_shared_sections() {
        let mut m = Machine::new(Config {
            frames: 6,
            pagefile: 16,
            working_set: Some(3),
            tlb: 2,
            ..Config::default()
        });
        let now = m.picture();
        m.recorder_mut().check_every_step(now);
        let h = m.create_file_mapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0, 0x3000, Some("s"));
        let v = m.map_view_of_file(h, FILE_MAP_WRITE, 0, 0, 0);
        let private = m.virtual_alloc(0, 0x4000, MEM_COMMIT, PAGE_READWRITE);
        for i in 0..3 {
            m.write(v + i * 0x1000, &[i as u8 + 1; 8]).expect("write");
            m.write(private + i * 0x1000, &[9; 8]).expect("write");
        }
        let sections = m.picture().sections;
        assert_eq!(
            (sections.len(), sections[0].name.as_deref()),
            (1, Some("s"))
        );
        // Each page was touched: in RAM, or (trimmed, share count 0) on a list or in the
        // page file (docs/windows-sections.md §8.2).
        assert!(sections[0]
            .prototypes
            .iter()
            .all(|p| !matches!(p, crate::sim::Pte::DemandZero)));
        m.create_process("b");
        m.wait();
        m.switch_to(1);
        let h2 = m.open_file_mapping(FILE_MAP_READ, "s");
        let w = m.map_view_of_file(h2, FILE_MAP_READ, 0, 0, 0);
        let mut b = [0u8; 1];
        for i in 0..3 {
            m.read(w + i * 0x1000, &mut b).expect("read");
            assert_eq!(b[0], i as u8 + 1, "page {i} is shared");
        }
        m.switch_to(0);
        m.exit_process(0);
        m.switch_to(1);
        m.read(w + 0x2000, &mut b)
            .expect("read after the writer ended");
        assert_eq!(b[0], 3);
        m.exit_process(0);
        assert_eq!(m.commit_charge(), 0);
        assert!(m.system().sections.iter().all(|s| s.is_image()));
    }
}
