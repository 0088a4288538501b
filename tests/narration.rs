//! The narration says exactly what the events did: each check below pairs a phrase with
//! the events that make it true, on focused scenarios and on every bundled lesson.

mod common;

use std::path::PathBuf;

use common::paging::{commit, machine, read};
use pagelab::script;
use pagelab::sim::consts::{MEM_DECOMMIT, MEM_RELEASE};
use pagelab::sim::{Event, FrameList, Machine, Pte, Recording, Step};

/// Run a script with steps recorded; returns the machine.
fn run_script(text: &str) -> Machine {
    let program = script::parse(text).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
    let mut m = Machine::with_recording(script::machine_config(&program), Recording::Steps);
    script::run(&program, &mut m);
    m
}

fn events(steps: &[Step]) -> impl Iterator<Item = &Event> {
    steps.iter().flat_map(|s| &s.events)
}

/// The byte counts of the data reads in `steps`.
fn reads(steps: &[Step]) -> Vec<u64> {
    events(steps)
        .filter_map(|e| match e {
            Event::DataRead { len, .. } => Some(*len),
            _ => None,
        })
        .collect()
}

/// The steps of the statements on `line`.
fn steps_of_line(m: &Machine, line: u32) -> Vec<Step> {
    m.history()
        .steps()
        .iter()
        .filter(|s| s.line == Some(line))
        .cloned()
        .collect()
}

#[test]
fn percent_s_reads_up_to_and_including_the_nul() {
    let m = run_script(
        "char *p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\n\
         memmove(p, \"1337\", 4);\n\
         printf(\"%s\", p);\n",
    );
    let steps = steps_of_line(&m, 3);
    assert_eq!(
        reads(&steps),
        vec![5],
        "\"1337\" and its NUL: 5 bytes, not a page"
    );
    assert!(
        steps[0]
            .narration
            .contains("The read of 5 bytes at 0x23456700000 (the string and its NUL) succeeds"),
        "{}",
        steps[0].narration
    );
}

#[test]
fn percent_s_across_a_page_boundary_reads_each_part_exactly() {
    // "hello " ends page 0 and "world" plus its NUL starts page 1.
    let m = run_script(
        "char *p = VirtualAlloc(NULL, 2 * 4096, MEM_COMMIT, PAGE_READWRITE);\n\
         memmove(p + 4090, \"hello world\", 12);\n\
         printf(\"%s\", p + 4090);\n",
    );
    let steps = steps_of_line(&m, 3);
    assert_eq!(reads(&steps), vec![6, 6]);
    let printed: String = events(&steps)
        .filter_map(|e| match e {
            Event::Output { text } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(printed, "hello world");
    assert!(steps.iter().any(|s| s
        .narration
        .contains("without a NUL, so the string goes on in the next page")));
}

#[test]
fn percent_s_without_a_nul_stops_at_the_limit() {
    let m = run_script(
        "char *p = VirtualAlloc(NULL, 2 * 4096, MEM_COMMIT, PAGE_READWRITE);\n\
         memset(p, 'x', 2 * 4096);\n\
         printf(\"%s\", p);\n",
    );
    let steps = steps_of_line(&m, 3);
    assert_eq!(reads(&steps), vec![4096]);
    assert!(steps[0].narration.contains("stops at the 4096-byte limit"));
}

#[test]
fn the_dirty_bit_is_narrated_only_when_it_changes() {
    let mut m = machine(&[]);
    let p = commit(&mut m, 1);
    m.write(p, b"a").unwrap();
    let from = m.history().len();
    m.write(p + 1, b"b").unwrap();
    let second = &m.history().steps()[from..];
    assert_eq!(second.len(), 1, "a TLB hit");
    assert!(
        !events(second).any(|e| matches!(e, Event::PteWritten { .. })),
        "the dirty bit is already set"
    );
    assert_eq!(
        second[0].narration,
        "The TLB already maps page 0x23456700000 to frame 0, so no walk is needed. The write \
         of 1 byte at 0x23456700001 succeeds."
    );
}

#[test]
fn a_full_tlb_names_the_entry_it_evicts() {
    let mut m = machine(&[("tlb", "2")]);
    let p = commit(&mut m, 3);
    read(&mut m, p, 1);
    read(&mut m, p + 0x1000, 1);
    read(&mut m, p, 1); // page 0 is now the most recently used
    let from = m.history().len();
    read(&mut m, p + 0x2000, 1);
    let steps = &m.history().steps()[from..];
    let evicted: Vec<u64> = events(steps)
        .filter_map(|e| match e {
            Event::TlbFill {
                evicted: Some(v), ..
            } => Some(v.base()),
            _ => None,
        })
        .collect();
    assert_eq!(evicted, vec![p + 0x1000]);
    let last = steps.last().expect("a data step");
    assert!(
        last.narration.contains(
            "The TLB is full, so the least recently used entry, page 0x23456701000, makes room."
        ),
        "{}",
        last.narration
    );
}

#[test]
fn a_demand_zero_page_only_read_is_born_modified() {
    // Reference §8.2: trimmed, even after reads only, it goes to the modified list.
    let mut m = machine(&[]);
    let p = commit(&mut m, 2);
    read(&mut m, p, 1);
    m.write(p + 0x1000, b"x").unwrap();
    m.page_out(p + 0x1000, 1);
    m.write_modified_pages();
    read(&mut m, p + 0x1000, 1); // back from standby, with its page-file copy
    let from = m.history().len();
    m.page_out(p, 0x2000);
    let steps = &m.history().steps()[from..];
    assert_eq!(
        steps[0].narration,
        "PageOut removes page 0x23456700000 from the working set. The page has no up-to-date \
         copy in the page file (it was written, or it is a demand-zero page, which is born \
         modified even if only read), so frame 0 goes to the modified list and the PTE becomes \
         a transition PTE: the modified page writer must save it before the frame can be \
         reused."
    );
    assert!(
        steps[1]
            .narration
            .contains("The page is unchanged since it was saved to page-file slot 0"),
        "{}",
        steps[1].narration
    );
}

#[test]
fn the_clock_hand_agrees_in_number() {
    let mut m = machine(&[("working_set", "3"), ("policy", "clock")]);
    let p = commit(&mut m, 5);
    for i in 0..3 {
        read(&mut m, p + i * 0x1000, 1);
    }
    // The hand clears all three bits and comes back around to the first page.
    let from = m.history().len();
    read(&mut m, p + 0x3000, 1);
    let all = m.history().steps()[from..]
        .iter()
        .find(|s| events(std::slice::from_ref(*s)).any(|e| matches!(e, Event::PageTrimmed { .. })))
        .expect("a trim")
        .narration
        .clone();
    assert!(
        all.contains(
            "The clock hand clears the accessed bits of pages 0x23456700000, 0x23456701000 and \
             0x23456702000 (each was used recently, so it gets a second chance), comes back \
             around to page 0x23456700000, whose bit is now clear, and trims it."
        ),
        "{all}"
    );
    // Use page 1 again: the hand (now on page 1) clears only its bit.
    read(&mut m, p + 0x1000, 1);
    let from = m.history().len();
    read(&mut m, p + 0x4000, 1);
    let one = m.history().steps()[from..]
        .iter()
        .find(|s| {
            s.events
                .iter()
                .any(|e| matches!(e, Event::PageTrimmed { .. }))
        })
        .expect("a trim")
        .narration
        .clone();
    assert!(
        one.contains(
            "The clock hand clears the accessed bit of page 0x23456701000 (it was used \
             recently, so it gets a second chance) and stops at page 0x23456702000"
        ),
        "{one}"
    );
}

#[test]
fn prefetch_takes_frames_with_events_and_names_their_old_pages() {
    let m = run_script(&std::fs::read_to_string(lessons_dir().join("clustering.c")).unwrap());
    let steps = m.history().steps();
    let at = steps
        .iter()
        .position(|s| s.narration.starts_with("Clustering"))
        .expect("a clustering step");
    let take = &steps[at];
    let taken: Vec<(u32, FrameList)> = take
        .events
        .iter()
        .filter_map(|e| match e {
            Event::FrameTaken { pfn, from } => Some((pfn.0, *from)),
            _ => None,
        })
        .collect();
    let rewritten: Vec<u64> = take
        .events
        .iter()
        .filter_map(|e| match e {
            Event::PteWritten {
                vpn,
                old: Pte::Transition { .. },
                new: Pte::PageFile { .. },
            } => Some(vpn.base()),
            _ => None,
        })
        .collect();
    assert_eq!(
        taken,
        vec![
            (5, FrameList::Standby),
            (6, FrameList::Standby),
            (7, FrameList::Standby)
        ]
    );
    assert_eq!(
        rewritten,
        vec![0x0234_5671_1000, 0x0234_5671_2000, 0x0234_5671_3000],
        "the old owners get page-file PTEs first (reference §8.3)"
    );
    assert!(take.narration.contains(
        "Frames 5, 6 and 7 come from the standby list: their old pages 0x23456711000, \
         0x23456712000 and 0x23456713000 now have page-file PTEs (slots 5–7 hold the same \
         bytes)."
    ));
    let read = &steps[at + 1];
    assert_eq!(
        read.events
            .iter()
            .filter(|e| matches!(e, Event::PageFileRead { .. }))
            .count(),
        3
    );
}

#[test]
fn decommit_and_release_say_what_was_freed() {
    let mut m = machine(&[("frames", "2"), ("working_set", "4")]);
    let p = commit(&mut m, 4);
    m.write(p, b"a").unwrap();
    m.write(p + 0x1000, b"b").unwrap();
    m.page_out(p, 0x2000);
    m.write_modified_pages(); // both on standby, with slots 0 and 1
    m.write(p + 0x2000, b"c").unwrap(); // reuses frame 0: page 0 now only in slot 0
    let from = m.history().len();
    assert!(m.virtual_free(p, 0x4000, MEM_DECOMMIT));
    let step = &m.history().steps()[from];
    let to_free = step
        .events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::ListMove {
                    to: FrameList::Free,
                    ..
                }
            )
        })
        .count();
    let slots = step
        .events
        .iter()
        .filter(|e| matches!(e, Event::SlotFreed { .. }))
        .count();
    assert_eq!((to_free, slots), (2, 2));
    assert!(
        step.narration.contains(
            "their data is gone: frames 0 and 1 go to the free list, page-file slots 0 and 1 \
             are freed and 1 page was never touched."
        ),
        "{}",
        step.narration
    );
    let from = m.history().len();
    assert!(m.virtual_free(p, 0, MEM_RELEASE));
    let step = &m.history().steps()[from];
    assert!(
        step.narration
            .contains("every page becomes free. The address range can be reserved again."),
        "nothing was committed any more: {}",
        step.narration
    );
}

fn lessons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/lessons")
}

/// Every bundled lesson and test script, run with steps recorded.
fn all_runs() -> Vec<(String, Machine)> {
    let mut out = Vec::new();
    for dir in [
        lessons_dir(),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scripts"),
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("the directory exists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "c"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("readable");
            if script::parse(&text).is_err() {
                continue; // the error-reporting scripts
            }
            out.push((f.display().to_string(), run_script(&text)));
        }
    }
    out
}

#[test]
fn every_lesson_step_says_only_what_its_events_did() {
    let runs = all_runs();
    assert!(runs.len() >= 18, "the lessons are found");
    for (name, m) in &runs {
        for s in m.history().steps() {
            let n = &s.narration;
            let dirtied = s.events.iter().any(|e| {
                matches!(
                    e,
                    Event::PteWritten {
                        old: Pte::Valid { dirty: false, .. },
                        new: Pte::Valid { dirty: true, .. },
                        ..
                    }
                )
            });
            let data = s
                .events
                .iter()
                .any(|e| matches!(e, Event::DataWritten { .. } | Event::DataRead { .. }));
            if data {
                assert_eq!(n.contains("dirty bit"), dirtied, "{name}: {n}");
            }
            let evicted = s.events.iter().any(|e| {
                matches!(
                    e,
                    Event::TlbFill {
                        evicted: Some(_),
                        ..
                    }
                )
            });
            assert_eq!(
                n.contains("least recently used entry"),
                evicted,
                "{name}: {n}"
            );
            for e in &s.events {
                if let Event::ListMove { from, to, .. } = e {
                    assert_ne!(from, to, "{name}: a list move that moves nothing: {n}");
                }
            }
            // A string continuation that lost its backslash leaves a run of spaces; quoted
            // program output may hold its own.
            assert!(
                n.split('"').step_by(2).all(|words| !words.contains("  ")),
                "{name}: a run of spaces: {n}"
            );
            assert!(!n.contains("standby or modified list"), "{name}: {n}");
            assert!(!n.contains("they get a second chance"), "{name}: {n}");
            assert!(!n.contains("any RAM or page-file slot"), "{name}: {n}");
            assert!(!n.contains("give back their RAM"), "{name}: {n}");
            if n.contains("not changed since it was last saved") {
                panic!("{name}: {n}");
            }
            let standby_taken = s
                .events
                .iter()
                .filter(|e| {
                    matches!(
                        e,
                        Event::FrameTaken {
                            from: FrameList::Standby,
                            ..
                        }
                    )
                })
                .count();
            if standby_taken > 0 {
                assert!(n.contains("standby list"), "{name}: {n}");
            }
        }
    }
}
