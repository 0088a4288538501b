//! Drawing the machine for the recorder: the whole picture (for a checkpoint, or a step
//! that changes which process runs), and the delta of one step, read from the change
//! lists that the PFN database, the page file, the page tables, the TLB and the working
//! set keep, so that drawing a step costs in proportion to what it changed (DESIGN §3).

use super::addr::Vpn;
use super::config::Policy;
use super::event::Pte;
use super::picture::{
    counter_changes, Change, CommitView, Counters, Picture, PictureDelta, ProcessPicture,
    ProcessState, ProcessView, PteMap, RegionSource, WorkingSetView, WsOp, WsPageView,
};
use super::process::Mmu;
use super::record::Scene;
use super::system::System;

/// One process's entry in [`Picture::processes`]: its regions, working set and PTEs.
pub fn process_entry(
    mmu: &Mmu,
    regions: &dyn RegionSource,
    name: &str,
    state: ProcessState,
) -> ProcessPicture {
    ProcessPicture {
        id: mmu.pid,
        name: name.to_string(),
        cr3: mmu.cr3,
        state,
        regions: regions.region_views(),
        working_set: mmu.ws.pages().to_vec(),
        ptes: pte_map(mmu),
    }
}

/// Every non-empty PTE of `mmu`'s tables, by page number.
fn pte_map(mmu: &Mmu) -> PteMap {
    let mut ptes = PteMap::default();
    mmu.tables.for_each(|vpn, pte| {
        ptes.insert(vpn.0, pte);
    });
    ptes
}

/// The whole picture of `system` and the running process with `mmu`, `regions` and
/// `name`; `processes` are the entries of every process, the running one's refreshed
/// here. Costs O(frames + slots + PTEs + TLB).
pub fn whole_picture(
    system: &System,
    mmu: &Mmu,
    regions: &dyn RegionSource,
    name: &str,
    processes: &[ProcessPicture],
) -> Picture {
    let ws = &mmu.ws;
    Picture {
        regions: regions.region_views(),
        tables: mmu.tables.views().to_vec(),
        ptes: pte_map(mmu),
        tlb: mmu.tlb.views(),
        frames: system.frames.views(),
        lists: system.frames.lists_view(),
        slots: system.pagefile.views(),
        working_set: WorkingSetView {
            policy: ws.policy(),
            limit: ws.limit(),
            pages: {
                let mut pages = Vec::with_capacity(ws.pages().len());
                for &vpn in ws.pages() {
                    pages.push(ws_page_view(system, mmu, vpn));
                }
                pages
            },
            hand: ws.hand() as u32,
        },
        counters: counters(system, mmu),
        commit: commit(system),
        focus: mmu.focus,
        process: process_view(mmu, name),
        sections: system.section_pictures(),
        files: system.file_pictures(),
        processes: {
            let mut entries = Vec::with_capacity(processes.len());
            for p in processes {
                entries.push(match p.state {
                    ProcessState::Running => {
                        process_entry(mmu, regions, name, ProcessState::Running)
                    }
                    _ => p.clone(),
                });
            }
            entries
        },
    }
}

/// A working-set page with the policy's view of it.
fn ws_page_view(system: &System, mmu: &Mmu, vpn: Vpn) -> WsPageView {
    match mmu.tables.pte(vpn) {
        Pte::Valid { pfn, accessed, .. } => {
            let f = system.frames.get(pfn);
            WsPageView {
                vpn,
                accessed,
                loaded: f.loaded,
                last_use: f.last_use,
            }
        }
        _ => WsPageView {
            vpn,
            accessed: false,
            loaded: 0,
            last_use: 0,
        },
    }
}

/// The counters shown: the process's faults and TLB, the system's page-file traffic.
fn counters(system: &System, mmu: &Mmu) -> Counters {
    Counters {
        pagefile_reads: system.io.pagefile_reads,
        pagefile_writes: system.io.pagefile_writes,
        ..mmu.counters
    }
}

fn commit(system: &System) -> CommitView {
    CommitView {
        charge: system.commit_charge,
        limit: system.commit_limit,
    }
}

fn process_view(mmu: &Mmu, name: &str) -> ProcessView {
    ProcessView {
        id: mmu.pid,
        name: name.to_string(),
        cr3: mmu.cr3,
    }
}

/// The small parts of the last recorded picture, compared whole at each step.
#[derive(Clone, Debug)]
pub(super) struct Seen {
    regions: u64,
    ws_state: (Policy, u32, u32),
    counters: Counters,
    commit: CommitView,
    focus: Option<u64>,
    process: ProcessView,
    sections: u64,
}

impl Seen {
    /// The small parts of `picture`, with the versions of the regions and the sections.
    pub(super) fn of(picture: &Picture, regions: u64, sections: u64) -> Seen {
        let ws = &picture.working_set;
        Seen {
            regions,
            ws_state: (ws.policy, ws.limit, ws.hand),
            counters: picture.counters,
            commit: picture.commit,
            focus: picture.focus,
            process: picture.process.clone(),
            sections,
        }
    }

    /// The changes since the last step, from the change lists of `scene`.
    pub(super) fn delta(&mut self, scene: &mut Scene) -> PictureDelta {
        let (system, mmu) = (&mut *scene.system, &mut *scene.mmu);
        let mut c = Vec::new();
        let version = scene.regions.version();
        if version != self.regions {
            self.regions = version;
            c.push(Change::Regions(
                scene.regions.region_views().into_boxed_slice(),
            ));
        }
        if system.sections_version != self.sections {
            self.sections = system.sections_version;
            c.push(Change::Sections(
                system.section_pictures().into_boxed_slice(),
            ));
            c.push(Change::Files(system.file_pictures().into_boxed_slice()));
        }
        let tables = mmu.tables.take_changes();
        c.extend(tables.tables.iter().map(|t| Change::Table(*t)));
        // Pages whose working-set view may have changed: their PTE (accessed bit) or
        // their frame (load and use stamps) changed, or they joined the working set.
        let mut touched: Vec<u64> = tables.ptes.clone();
        for &vpn in &tables.ptes {
            let pte = mmu.tables.pte(Vpn(vpn));
            c.push(Change::Pte(vpn, (pte != Pte::Empty).then_some(pte)));
        }
        for i in mmu.tlb.take_changes() {
            c.push(Change::Tlb(i, mmu.tlb.view(i)));
        }
        let frames = system.frames.take_changes();
        for &pfn in &frames.frames {
            c.push(Change::Frame(pfn.0, system.frames.view(pfn)));
            let owner = system.frames.get(pfn).owner;
            if let Some(vpn) = owner.filter(|o| o.process() == Some(mmu.pid)) {
                touched.extend(vpn.private_vpn().map(|v| v.0));
            }
        }
        c.extend(frames.lists.into_iter().map(Change::List));
        for slot in system.pagefile.take_changes() {
            c.push(Change::Slot(slot, system.pagefile.view(slot)));
        }
        for op in mmu.ws.take_changes() {
            if let WsOp::Insert { vpn, .. } = op {
                touched.push(vpn.0);
            }
            c.push(Change::Ws(op));
        }
        touched.sort_unstable();
        touched.dedup();
        for vpn in touched {
            if let Some(at) = mmu.ws.position(Vpn(vpn)) {
                let page = ws_page_view(system, mmu, Vpn(vpn));
                c.push(Change::Ws(WsOp::Set {
                    at: at as u32,
                    page,
                }));
            }
        }
        let ws_state = (mmu.ws.policy(), mmu.ws.limit(), mmu.ws.hand() as u32);
        if ws_state != self.ws_state {
            self.ws_state = ws_state;
            c.push(Change::WsState(ws_state.0, ws_state.1, ws_state.2));
        }
        let counters = counters(system, mmu);
        counter_changes(&self.counters, &counters, &mut c);
        self.counters = counters;
        let commit = commit(system);
        if commit != self.commit {
            self.commit = commit;
            c.push(Change::Commit(commit));
        }
        if mmu.focus != self.focus {
            self.focus = mmu.focus;
            c.push(Change::Focus(mmu.focus));
        }
        if mmu.pid != self.process.id || scene.name != self.process.name {
            self.process = process_view(mmu, scene.name);
            c.push(Change::Process(Box::new(self.process.clone())));
        }
        c.shrink_to_fit();
        PictureDelta::new(c)
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::consts::*;
    use crate::sim::{Config, Machine};

    /// Every step's delta, built from the change lists, turns the previous picture into
    /// the whole picture of the machine: through faults, trims, the writer, clustering,
    /// guard pages, protection changes, decommit, release and MEM_RESET, with and
    /// without the standby lists.
    #[test]
    fn each_delta_rebuilds_the_whole_picture() {
        for standby in [true, false] {
            let config = Config {
                frames: 6,
                pagefile: 8,
                working_set: Some(4),
                tlb: 3,
                standby,
                ..Config::default()
            };
            let mut m = Machine::new(config);
            let now = m.picture();
            m.recorder_mut().check_every_step(now);
            let p = m.virtual_alloc(0, 12 * 0x1000, MEM_COMMIT, PAGE_READWRITE);
            for round in 0..3u8 {
                for i in 0..12 {
                    let va = p + i * 0x1000 + u64::from(round) * 8;
                    if (i + u64::from(round)) % 3 == 0 {
                        m.read(va, &mut [0; 4]).expect("read");
                    } else {
                        m.write(va, &[round; 4]).expect("write");
                    }
                }
                m.page_out(p, 0x3000);
                m.write_modified_pages();
            }
            m.virtual_protect(p, 0x2000, PAGE_READONLY | PAGE_GUARD, true);
            assert!(m.read(p, &mut [0; 1]).is_err(), "the guard fires");
            m.virtual_alloc(p + 0x4000, 0x2000, MEM_RESET, PAGE_READWRITE);
            m.empty_working_set();
            m.virtual_free(p + 0x6000, 0x2000, MEM_DECOMMIT);
            m.output("done");
            m.virtual_free(p, 0, MEM_RELEASE);
            let history = m.history();
            assert!(history.len() > 100, "{} steps", history.len());
            assert_eq!(history.picture_after(history.len() - 1), Some(m.picture()));
        }
    }
}
