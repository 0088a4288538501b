//! Host tests of the canvas with several processes: the bar and its running mark, the
//! columns (side by side for two, one at a time on a phone), the context switch (CR3 and
//! the TLB flush), and the words of the text alternative.

use super::*;
use crate::sim::Machine;
use crate::view::board::{self, Board};
use crate::view::describe::describe;

/// Two processes: `main` writes a page, `writer` is created, the CPU switches to it and it
/// writes a page of its own. Returns the machine and its pictures (0 = before any step).
fn two() -> (Machine, Vec<Picture>) {
    let mut m = Machine::new(Default::default());
    let va = m.virtual_alloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
    m.write(va, b"A").expect("main writes its page");
    m.create_process("writer");
    m.wait();
    assert!(m.switch_to(1), "the CPU switches to writer");
    let vb = m.virtual_alloc(0, 8192, MEM_COMMIT, PAGE_READWRITE);
    m.write(vb, b"B").expect("writer writes its page");
    let h = m.history();
    let mut pictures = vec![h.initial_picture().clone()];
    pictures.extend((0..h.len()).filter_map(|i| h.picture_after(i)));
    (m, pictures)
}

/// The index of the context switch's step.
fn switch_step(m: &Machine) -> usize {
    m.history()
        .steps()
        .iter()
        .position(|s| {
            s.events
                .iter()
                .any(|e| matches!(e, Event::ContextSwitch { .. }))
        })
        .expect("a context-switch step")
}

fn frame_at<'a>(m: &'a Machine, pictures: &'a [Picture], cursor: usize) -> Frame<'a> {
    Frame {
        picture: &pictures[cursor],
        previous: cursor.checked_sub(1).map(|c| &pictures[c]),
        step: cursor.checked_sub(1).and_then(|i| m.history().step(i)),
    }
}

#[test]
fn two_processes_sit_side_by_side_on_a_wide_canvas_and_one_at_a_time_on_a_phone() {
    let (m, pictures) = two();
    let last = pictures.last().expect("pictures");
    assert!(board::several(last));
    let wide = Board::of(last, 1280.0, None);
    assert_eq!(wide.tabs.len(), 2);
    assert_eq!(wide.columns.iter().map(|c| c.0).collect::<Vec<_>>(), [0, 1]);
    let (a, b) = (&wide.columns[0].1, &wide.columns[1].1);
    assert!(a.strip.right() <= b.strip.x, "columns side by side");
    assert_eq!(a.strip.y, b.strip.y, "columns line up");
    assert!(
        wide.system.ram_title.y > a.ws_title.y.max(b.ws_title.y),
        "RAM under both"
    );
    assert!(wide.tabs[0].bottom() < a.space_title.y, "the bar on top");

    let phone = Board::of(last, 390.0, None);
    let running = last.running().expect("writer runs");
    assert_eq!(phone.columns.len(), 1);
    assert_eq!(
        phone.columns[0].0, running,
        "the running process by default"
    );
    let main = last.processes[0].id;
    let picked = Board::of(last, 390.0, Some(main));
    assert_eq!(picked.columns[0].0, 0, "the reader's pick");

    let scene = layout(frame_at(&m, &pictures, pictures.len() - 1), 1280.0);
    let t = texts(&scene);
    assert!(
        t.iter().any(|s| s.starts_with("▶ writer (running)")),
        "{t:?}"
    );
    assert!(t.iter().any(|s| s.starts_with("main (")), "{t:?}");
    assert!(t.contains(&"Virtual address space of main"), "{t:?}");
    assert!(t.contains(&"Virtual address space of writer"), "{t:?}");
    assert!(
        t.contains(&"main") && t.contains(&"writer"),
        "frames name their owner process: {t:?}"
    );
    assert!(
        t.iter().any(|s| s.contains("Not running")),
        "main's column says the CPU does not walk its tables: {t:?}"
    );
    for s in &scene.shapes {
        if let Shape::Box { rect, .. } = s {
            assert!(
                rect.x >= 0.0
                    && rect.right() <= scene.width + 0.5
                    && rect.bottom() <= scene.height + 0.5,
                "{rect:?} outside {}x{}",
                scene.width,
                scene.height
            );
        }
    }
}

#[test]
fn a_context_switch_lights_cr3_flushes_the_tlb_and_moves_the_running_mark() {
    let (m, pictures) = two();
    let at = switch_step(&m) + 1;
    let f = frame_at(&m, &pictures, at);
    let b = Board::of(f.picture, 1280.0, None);
    let scene = layout(f, 1280.0);
    let t = texts(&scene);
    assert!(
        t.iter()
            .any(|s| s.starts_with("TLB (writer: flushed by the context switch")),
        "{t:?}"
    );
    // The running column's CR3 box is lit.
    let writer = b
        .columns
        .iter()
        .find(|(i, _)| *i == 1)
        .expect("writer's column");
    assert!(
        matches!(box_at(&scene, &writer.1.cr3), Some((Ink::Path, _, _))),
        "CR3 lit on the switch"
    );
    // An arrow from main's tab to writer's.
    let (from, to) = (b.tabs[0], b.tabs[1]);
    assert!(scene.shapes.iter().any(|s| matches!(s,
        Shape::Line { x2, y2, arrow: true, .. } if (*x2 - to.cx()).abs() < 0.5 && *y2 > to.bottom() - 0.5 && *y2 < to.bottom() + 2.0)),
        "the switch arrow ends at writer's tab");
    assert!(from.right() < to.x);
    // The running mark: the active bar sits in writer's tab after the switch, main's before.
    let marked = |scene: &Scene, tab: &Rect| {
        scene.shapes.iter().any(|s| matches!(s,
            Shape::Box { rect, fill: Ink::List(FrameList::Active), .. } if tab.contains(rect.x, rect.y) && rect.w < 10.0))
    };
    assert!(marked(&scene, &to) && !marked(&scene, &from));
    let before = layout(frame_at(&m, &pictures, at - 1), 1280.0);
    assert!(marked(&before, &from) && !marked(&before, &to));

    let words = describe(f);
    assert!(
        words.contains("context switch: writer runs now, CR3 0x"),
        "{words}"
    );
    // main's write left its page in the TLB: the switch drops that one entry.
    assert!(words.contains("the TLB flushed (1 entry)"), "{words}");
    assert!(words.contains("Processes: main (PID"), "{words}");
}

#[test]
fn a_context_switch_with_an_empty_tlb_says_so_rather_than_a_flush() {
    let mut m = Machine::new(Default::default());
    m.create_process("idle");
    m.wait();
    assert!(m.switch_to(1), "the CPU switches to idle");
    let h = m.history();
    let mut pictures = vec![h.initial_picture().clone()];
    pictures.extend((0..h.len()).filter_map(|i| h.picture_after(i)));
    let words = describe(frame_at(&m, &pictures, switch_step(&m) + 1));
    assert!(
        words.contains("context switch: idle runs now, CR3 0x")
            && words.contains("the TLB was empty"),
        "{words}"
    );
    assert!(!words.contains("flushed"), "{words}");
}

#[test]
fn one_process_keeps_the_one_process_layout() {
    let mut m = Machine::new(Default::default());
    let va = m.virtual_alloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
    m.write(va, b"A").expect("a write");
    let p = m.picture();
    assert!(!board::several(&p));
    let scene = layout(
        Frame {
            picture: &p,
            previous: None,
            step: None,
        },
        1280.0,
    );
    let g = Geometry::new(1280.0, geometry::Sizes::of_picture(&p));
    assert_eq!(scene.height, g.height);
    assert!(texts(&scene).contains(&"Virtual address space"));
}

/// The pictures of a script's run, with its machine.
fn run_script(text: &str) -> (Machine, Vec<Picture>) {
    let program = crate::script::parse(text).expect("the script parses");
    let mut m = Machine::with_recording(
        crate::script::machine_config(&program),
        crate::sim::Recording::Pictures,
    );
    let mut runner = crate::script::Runner::new(program);
    while runner.step(&mut m).is_some() {}
    let h = m.history();
    let mut pictures = vec![h.initial_picture().clone()];
    pictures.extend((0..h.len()).filter_map(|i| h.picture_after(i)));
    (m, pictures)
}

#[test]
fn a_shared_page_shows_its_prototype_pte_its_share_count_and_lines_to_both_ptes() {
    let (m, pictures) = run_script(include_str!(
        "../../../tests/scripts/shared_memory_by_name.c"
    ));
    // The first picture in which two PTEs map the section's page.
    let at = pictures
        .iter()
        .position(|p| p.frames.iter().any(|f| f.share_count == 2))
        .expect("a frame shared by both processes");
    let f = frame_at(&m, &pictures, at);
    let pfn = f
        .picture
        .frames
        .iter()
        .position(|f| f.share_count == 2)
        .expect("shared");
    let scene = layout(f, 1280.0);
    let b = Board::of(f.picture, 1280.0, None);
    let t = texts(&scene);
    assert!(t.iter().any(|s| s.starts_with("shared ×2")), "{t:?}");
    let section = f.picture.sections[0].id;
    let tag = format!("S{section} p0");
    assert_eq!(
        t.iter().filter(|s| **s == tag).count(),
        2,
        "the frame and the prototype PTE name the page: {t:?}"
    );
    assert!(
        t.iter()
            .any(|s| s.starts_with("Sections' prototype PTEs: S")),
        "{t:?}"
    );
    assert!(t.contains(&format!("valid → #{pfn}").as_str()), "{t:?}");
    let cell = b.system.frames[pfn];
    let up_from_frame = scene
        .shapes
        .iter()
        .filter(|s| matches!(s, Shape::Line { x1, y1, .. } if *x1 == cell.cx() && *y1 == cell.y))
        .count();
    assert_eq!(up_from_frame, 2, "a line to each process's PTE");
    let to_frame = scene
        .shapes
        .iter()
        .filter(
            |s| matches!(s, Shape::Line { x2, y2, .. } if *x2 == cell.cx() && *y2 == cell.bottom()),
        )
        .count();
    assert_eq!(to_frame, 1, "a line from the prototype PTE");
    let words = describe(f);
    assert!(words.contains("share count 2"), "{words}");
    assert!(
        words.contains(&format!("prototype PTEs: page 0 in frame {pfn}")),
        "{words}"
    );
}
