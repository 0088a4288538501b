//! The recorded pictures: every step's picture, reached through the history, is the
//! picture the machine had at that step, and mid-fault pictures are consistent.

mod common;

use common::paging::{commit, machine};
use pagelab::sim::addr::Vpn;
use pagelab::sim::{Event, FrameList, Picture, Pte};

/// A small deterministic generator for the workload.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn history_pictures_equal_the_machine_at_every_operation() {
    let mut m = machine(&[("frames", "8"), ("working_set", "5"), ("pagefile", "24")]);
    let p = commit(&mut m, 24);
    let mut rng = Lcg(42);
    let mut boundaries: Vec<(usize, Picture)> = Vec::new();
    while m.history().len() < 3000 {
        let page = rng.next(24);
        let va = p + page * 0x1000 + rng.next(4000);
        match rng.next(10) {
            0..=3 => m.write(va, &[page as u8; 8]).unwrap(),
            4..=7 => m.read(va, &mut [0; 8]).unwrap(),
            8 => {
                m.page_out(va, 0x3000);
            }
            _ => {
                m.write_modified_pages();
            }
        }
        let last = m.history().len() - 1;
        let now = m.picture();
        // The newest step, rebuilt from the checkpoint and deltas, is the live picture.
        assert_eq!(
            m.history().picture_after(last).as_ref(),
            Some(&now),
            "step {last}"
        );
        boundaries.push((last, now));
    }
    // Jump around the whole run afterwards: each picture is still the one recorded.
    let n = boundaries.len();
    for k in 0..n {
        let (i, pic) = &boundaries[(k * 7919) % n];
        assert_eq!(
            m.history().picture_after(*i).as_ref(),
            Some(pic),
            "step {i}"
        );
    }
    let c = m.picture().counters;
    assert!(c.hard > 0 && c.transition > 0 && c.demand_zero > 0, "{c:?}");
}

#[test]
fn mid_fault_pictures_show_each_change_in_its_own_step() {
    let mut m = machine(&[]);
    let p = commit(&mut m, 1);
    let from = m.history().len();
    m.write(p, b"x").unwrap();
    let steps = m.history().steps();
    let taken = (from..steps.len())
        .find(|&i| {
            steps[i]
                .events
                .iter()
                .any(|e| matches!(e, Event::FrameTaken { .. }))
        })
        .expect("a frame was taken");
    let written = (from..steps.len())
        .find(|&i| {
            steps[i].events.iter().any(|e| {
                matches!(
                    e,
                    Event::PteWritten {
                        new: Pte::Valid { .. },
                        ..
                    }
                )
            })
        })
        .expect("the PTE was written");
    assert!(taken < written);
    let pic = m.history().picture_after(taken).unwrap();
    let vpn = p >> 12;
    assert!(
        !matches!(pic.ptes.get(&vpn), Some(Pte::Valid { .. })),
        "after the frame is taken, the PTE is still invalid"
    );
    let frame = pic
        .frames
        .iter()
        .position(|f| f.vpn == Some(Vpn(vpn)))
        .unwrap();
    assert_eq!(pic.frames[frame].list, FrameList::Active);
    assert!(!pic.lists.zeroed.iter().any(|f| f.0 as usize == frame));
    let pic = m.history().picture_after(written).unwrap();
    assert!(matches!(pic.ptes.get(&vpn), Some(Pte::Valid { .. })));
    assert_eq!(pic.working_set.pages.len(), 1);
    assert!(
        pic.tlb.iter().all(|e| e.is_none()),
        "the TLB fills only on the restart"
    );
}
