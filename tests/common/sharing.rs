//! The checks of shared frames that the sections' property tests make after each step.

use pagelab::sim::addr::{Owner, Pfn, Slot};
use pagelab::sim::picture::ProcessState;
use pagelab::sim::{FrameList, Machine, Pte};
use proptest::prelude::*;

/// Frames are conserved (each on one list or active), no frame on a list has a share
/// count above zero (so none is reused while shared), every shared frame's share count is
/// the number of valid PTEs that map it, and each process's working set holds exactly the
/// pages its valid PTEs map, view pages included (docs/windows-sections.md §8.2).
pub fn check_frames(m: &Machine) -> Result<(), TestCaseError> {
    for p in m.processes() {
        let mut valid = Vec::new();
        p.mmu.tables.for_each(|vpn, pte| {
            if matches!(pte, Pte::Valid { .. }) {
                valid.push(vpn.0);
            }
        });
        let mut ws: Vec<u64> = p.mmu.ws.pages().iter().map(|v| v.0).collect();
        valid.sort_unstable();
        ws.sort_unstable();
        prop_assert_eq!(ws, valid, "working set of {} = its valid PTEs", p.name);
    }
    let picture = m.picture();
    let on_lists = picture.lists.zeroed.len()
        + picture.lists.free.len()
        + picture.lists.standby.len()
        + picture.lists.modified.len();
    let active = picture
        .frames
        .iter()
        .filter(|f| f.list == FrameList::Active)
        .count();
    prop_assert_eq!(on_lists + active, picture.frames.len(), "frames conserved");
    for (i, f) in picture.frames.iter().enumerate() {
        if f.list != FrameList::Active {
            prop_assert_eq!(f.share_count, 0, "frame {} on a list is shared", i);
        }
        if let Some(Owner::Shared { .. }) = f.owner {
            let maps = m
                .processes()
                .iter()
                .map(|p| {
                    let mut n = 0;
                    p.mmu.tables.for_each(|_, pte| {
                        if matches!(pte, Pte::Valid { pfn, .. } if pfn.0 as usize == i) {
                            n += 1;
                        }
                    });
                    n
                })
                .sum::<u32>();
            prop_assert_eq!(f.share_count, maps, "share count of frame {}", i);
        }
    }
    Ok(())
}

/// Slots and frames are where their owners say (docs/windows-sections.md §8.2): each slot
/// in use is held by exactly one of a private page-file PTE, a frame's copy or a
/// page-file-backed section's page-file prototype PTE, each of its own owner, and every
/// slot one of those names is in use; every prototype PTE that names a frame names one
/// the section's page still owns (so no frame was reused under it).
pub fn check_slots(m: &Machine) -> Result<(), TestCaseError> {
    let pagefile = &m.system().pagefile;
    let mut held: Vec<Option<Owner>> = vec![None; pagefile.len()];
    let mut hold = |slot: Slot, owner: Owner| -> Result<(), TestCaseError> {
        let s = slot.0 as usize;
        prop_assert!(held[s].is_none(), "slot {} is held twice", s);
        prop_assert_eq!(pagefile.owner(slot), Some(owner), "owner of slot {}", s);
        held[s] = Some(owner);
        Ok(())
    };
    for p in m.processes() {
        let mut slots = Vec::new();
        p.mmu.tables.for_each(|vpn, pte| {
            if let Pte::PageFile { slot } = pte {
                slots.push((slot, vpn));
            }
        });
        for (slot, vpn) in slots {
            hold(slot, Owner::Private { process: p.id, vpn })?;
        }
    }
    for i in 0..m.system().frames.len() {
        let f = m.system().frames.get(Pfn(i as u32));
        if let (Some(slot), Some(owner)) = (f.slot, f.owner) {
            hold(slot, owner)?;
        }
    }
    for s in &m.system().sections {
        for (index, p) in s.prototypes.iter().enumerate() {
            let owner = Owner::Shared {
                section: s.id,
                index: index as u32,
            };
            match *p {
                Pte::PageFile { slot } => hold(slot, owner)?,
                Pte::Valid { pfn, .. } | Pte::Transition { pfn } => {
                    prop_assert_eq!(
                        m.system().frames.get(pfn).owner,
                        Some(owner),
                        "frame {} of a prototype PTE",
                        pfn.0
                    );
                }
                _ => {}
            }
        }
    }
    let in_use = pagefile.len() - pagefile.free_count();
    let owners: Vec<_> = (0..pagefile.len() as u32)
        .map(|i| pagefile.owner(Slot(i)))
        .collect();
    prop_assert_eq!(
        held.iter().flatten().count(),
        in_use,
        "slots conserved: held {:?}, page file {:?}",
        held,
        owners
    );
    Ok(())
}

/// A view as the property tests see it: its base, whether it writes the section, and for
/// a copy view the pages it copied with their bytes.
#[derive(Clone, Copy)]
pub struct View<const PAGES: usize> {
    /// Its first byte.
    pub base: u64,
    /// Mapped FILE_MAP_WRITE.
    pub write: bool,
    /// For a FILE_MAP_COPY view, each page's own byte once it wrote the page.
    pub copy: Option<[Option<u8>; PAGES]>,
}

/// Map a whole view of `section`: 0 FILE_MAP_READ, 1 FILE_MAP_WRITE, 2 FILE_MAP_COPY.
/// `None` when a copy view is refused for want of commit (reference §8.6: it is charged
/// in full; past the limit, 1455).
pub fn map_view<const PAGES: usize>(
    m: &mut Machine,
    section: u64,
    kind: u8,
) -> Result<Option<View<PAGES>>, TestCaseError> {
    use pagelab::sim::consts::{FILE_MAP_COPY, FILE_MAP_READ, FILE_MAP_WRITE};
    let access = [FILE_MAP_READ, FILE_MAP_WRITE, FILE_MAP_COPY][kind as usize];
    let v = m.map_view_of_file(section, access, 0, 0, 0);
    if kind == 2 && v == 0 {
        prop_assert_eq!(m.last_error(), 1455);
        return Ok(None);
    }
    prop_assert_ne!(v, 0);
    Ok(Some(View {
        base: v,
        write: kind == 1,
        copy: (kind == 2).then_some([None; PAGES]),
    }))
}

/// Unmap view `k` of `views`, if there is one.
pub fn unmap_view<const PAGES: usize>(
    m: &mut Machine,
    views: &mut Vec<View<PAGES>>,
    k: usize,
) -> Result<(), TestCaseError> {
    if k < views.len() {
        let v = views.remove(k);
        prop_assert!(m.unmap_view_of_file(v.base));
    }
    Ok(())
}

/// Switch to process `i` if it still runs; the process running after.
pub fn switch(m: &mut Machine, current: usize, i: usize) -> usize {
    if m.processes()[i].state != ProcessState::Ended && m.switch_to(i) {
        i
    } else {
        current
    }
}

/// End the running process and switch to the next one alive, if any.
pub fn exit_and_switch(m: &mut Machine, current: usize) -> Option<usize> {
    m.exit_process(0);
    let n = m.processes().len();
    let next = (1..=n)
        .map(|k| (current + k) % n)
        .find(|&i| m.processes()[i].state != ProcessState::Ended)?;
    m.switch_to(next);
    Some(next)
}

/// End every process still alive.
pub fn end_all(m: &mut Machine) {
    for i in 0..m.processes().len() {
        if m.processes()[i].state != ProcessState::Ended {
            m.switch_to(i);
            m.exit_process(0);
        }
    }
}

/// Write `byte` at `offset` of page `page` through view `v`: it must succeed exactly when
/// the view writes or copies; the model (`shared`, or the copy's own page) follows.
pub fn write_through<const PAGES: usize>(
    m: &mut Machine,
    v: &mut View<PAGES>,
    (page, offset): (u64, u64),
    byte: u8,
    shared: &mut [u8; PAGES],
) -> Result<(), TestCaseError> {
    let done = m.write(v.base + page * 0x1000 + offset, &[byte]);
    prop_assert_eq!(
        done.is_ok(),
        v.write || v.copy.is_some(),
        "write through view"
    );
    if let Some(copy) = &mut v.copy {
        copy[page as usize] = Some(byte);
    } else if v.write {
        shared[page as usize] = byte;
    }
    Ok(())
}

/// Read the byte at `offset` of page `page` through view `v`: the shared byte, or a copy
/// view's own once it wrote the page.
pub fn read_through<const PAGES: usize>(
    m: &mut Machine,
    v: &View<PAGES>,
    (page, offset): (u64, u64),
    shared: &[u8; PAGES],
) -> Result<(), TestCaseError> {
    let mut b = [0u8];
    m.read(v.base + page * 0x1000 + offset, &mut b)
        .expect("a view reads");
    let own = v.copy.and_then(|c| c[page as usize]);
    prop_assert_eq!(
        b[0],
        own.unwrap_or(shared[page as usize]),
        "every view sees the bytes, a copy its own"
    );
    Ok(())
}
