//! Several processes on one canvas (DESIGN §9): a bar with one tab per process (the
//! running one marked), each shown process's own sections in a column — the two side by
//! side when there are two and room for both, else the one the reader picked (or the
//! running one) — and under them what the processes share: the TLB, RAM, the page file.
//!
//! A column draws the picture *as its process sees it* ([`projection`]): its regions,
//! PTEs and working set in the places of the one-process picture, so the address space,
//! split, walk and working-set sections draw it unchanged.

use std::borrow::Cow;

use super::geometry::{Geometry, Part, Sizes, PAD, SECTION_GAP};
use super::shape::{fit, Align, Ink, Pattern, Rect, Shape};
use super::{clamp, hex, Frame};
use crate::sim::addr::{ProcessId, Vpn};
use crate::sim::picture::{ProcessPicture, ProcessState, WsPageView};
use crate::sim::{Event, Picture, Pte};

/// Height of the process bar (its tabs and, under them, the context switch's arrow).
pub const BAR_H: f64 = 50.0;
/// Height of one tab.
pub const TAB_H: f64 = 34.0;
/// Widest tab.
pub const TAB_MAX_W: f64 = 300.0;
/// From this width on, two processes sit side by side.
pub const SIDE_BY_SIDE: f64 = 700.0;

/// Where everything goes when the machine has several processes.
#[derive(Clone, Debug, PartialEq)]
pub struct Board {
    /// Canvas width in CSS pixels.
    pub width: f64,
    /// Canvas height in CSS pixels.
    pub height: f64,
    /// One tab per process, in creation order.
    pub tabs: Vec<Rect>,
    /// The shown processes (indices into [`Picture::processes`]) and their columns.
    pub columns: Vec<(usize, Geometry)>,
    /// The system's sections, under the columns.
    pub system: Geometry,
}

/// Whether the picture has more than one process to draw (else the one-process layout).
pub fn several(picture: &Picture) -> bool {
    picture.processes.len() > 1
}

/// Which processes get a column at `width`: both of two on a wide canvas; else the one
/// the reader `chose`, else the running one, else the first.
pub fn shown(picture: &Picture, width: f64, chose: Option<ProcessId>) -> Vec<usize> {
    let n = picture.processes.len();
    if n == 2 && width >= SIDE_BY_SIDE {
        return vec![0, 1];
    }
    let chosen = chose.and_then(|id| picture.processes.iter().position(|p| p.id == id));
    vec![chosen
        .or_else(|| picture.running())
        .unwrap_or(0)
        .min(n.saturating_sub(1))]
}

impl Board {
    /// The board for `processes` tabs with the processes `shown` in columns, on a canvas
    /// `width` CSS pixels wide, for a machine of `sizes`.
    pub fn new(width: f64, sizes: Sizes, processes: usize, shown: &[usize]) -> Board {
        let system = Geometry::part(width, sizes, Part::System);
        let width = system.width;
        let avail = width - 2.0 * PAD;
        let n = processes.max(1);
        let tab_w = ((avail - (n - 1) as f64 * 6.0) / n as f64)
            .min(TAB_MAX_W)
            .floor();
        let mut tabs = Vec::with_capacity(processes);
        for i in 0..processes {
            tabs.push(Rect::new(PAD + i as f64 * (tab_w + 6.0), PAD, tab_w, TAB_H));
        }
        let top = PAD + BAR_H;
        let count = shown.len().max(1);
        let col_w = (width / count as f64).floor();
        let mut bottom = top;
        let mut columns = Vec::with_capacity(shown.len());
        for (c, &i) in shown.iter().enumerate() {
            let mut g = Geometry::part(col_w, sizes, Part::Process);
            g.translate(c as f64 * col_w, top - PAD);
            bottom = f64::max(bottom, top - PAD + g.height);
            columns.push((i, g));
        }
        let mut system = system;
        let dy = bottom - PAD + SECTION_GAP;
        system.translate(0.0, dy);
        Board {
            width,
            height: system.height + dy,
            tabs,
            columns,
            system,
        }
    }

    /// The board of `picture` at `width` with the reader's choice of process.
    pub fn of(picture: &Picture, width: f64, chose: Option<ProcessId>) -> Board {
        let shown = shown(picture, width, chose);
        Board::new(
            width,
            Sizes::of_picture(picture),
            picture.processes.len(),
            &shown,
        )
    }
}

/// The running process's id, if one runs.
pub fn running_id(picture: &Picture) -> Option<ProcessId> {
    picture.running().map(|i| picture.processes[i].id)
}

/// Whether `picture` shows the running process (always, with one process).
pub fn is_running(picture: &Picture) -> bool {
    picture.processes.len() <= 1 || running_id(picture) == Some(picture.process.id)
}

/// The picture as process `i` sees it: its own regions, PTEs and working set where the
/// one-process picture has them. The running process's is the picture itself (its
/// top-level fields are the running process's); another's has no focus, no walk and no
/// TLB, since the CPU is not working for it.
pub fn projection(picture: &Picture, i: usize) -> Cow<'_, Picture> {
    let Some(p) = picture.processes.get(i) else {
        return Cow::Borrowed(picture);
    };
    if p.state == ProcessState::Running && picture.process.id == p.id {
        return Cow::Borrowed(picture);
    }
    let mut seen = picture.clone();
    apply(&mut seen, p);
    Cow::Owned(seen)
}

/// Put process `p`'s own parts in `picture`'s top-level places.
fn apply(picture: &mut Picture, p: &ProcessPicture) {
    picture.regions = p.regions.clone();
    picture.ptes = p.ptes.clone();
    picture.tables.clear();
    picture.focus = None;
    let pages = &mut picture.working_set.pages;
    pages.clear();
    for vpn in &p.working_set {
        pages.push(WsPageView {
            vpn: *vpn,
            accessed: false,
            loaded: 0,
            last_use: 0,
        });
    }
    picture.working_set.hand = 0;
    picture.process.id = p.id;
    picture.process.name = p.name.clone();
    picture.process.cr3 = p.cr3;
}

/// The words of a process's state.
pub fn state_name(state: ProcessState) -> &'static str {
    match state {
        ProcessState::Running => "running",
        ProcessState::Ready => "ready",
        ProcessState::Waiting => "waiting",
        ProcessState::Ended => "ended",
    }
}

/// The context switch of the step, if it is one: (from, to, new CR3, entries flushed).
pub fn switch(frame: Frame<'_>) -> Option<(Option<ProcessId>, ProcessId, u64, u32)> {
    frame.step?.events.iter().find_map(|e| match e {
        Event::ContextSwitch {
            from,
            to,
            cr3,
            flushed,
        } => Some((*from, *to, *cr3, *flushed)),
        _ => None,
    })
}

/// The process bar: a tab per process with its name, id, CR3 and state; the running one
/// marked in the active colour; the shown ones open; on a context switch an arrow from
/// the old process's tab to the new one's.
pub fn bar(b: &Board, frame: Frame<'_>, out: &mut Vec<Shape>) {
    let picture = frame.picture;
    let before = frame.previous;
    for (i, (tab, p)) in b.tabs.iter().zip(&picture.processes).enumerate() {
        let open = b.columns.iter().any(|(c, _)| *c == i);
        let running = p.state == ProcessState::Running;
        let changed = before
            .and_then(|prev| prev.processes.get(i))
            .is_some_and(|old| old.state != p.state);
        let (fill, pattern) = match (p.state, open) {
            (ProcessState::Ended, _) => (Ink::SlotFree, Pattern::Hollow),
            (_, true) => (Ink::Background, Pattern::Solid),
            (_, false) => (Ink::Panel, Pattern::Solid),
        };
        out.push(Shape::Box {
            rect: *tab,
            fill,
            pattern,
            stroke: Some(if open { Ink::Text } else { Ink::Grid }),
            highlight: changed,
        });
        let mut x = tab.x + 8.0;
        if running {
            // The running process: a bar in the active colour down the tab's left edge.
            out.push(Shape::Box {
                rect: Rect::new(tab.x + 3.0, tab.y + 4.0, 6.0, tab.h - 8.0),
                fill: Ink::List(crate::sim::FrameList::Active),
                pattern: Pattern::Solid,
                stroke: None,
                highlight: false,
            });
            x += 8.0;
        }
        let room = tab.right() - x - 6.0;
        let name = if running {
            format!("▶ {} (running)", p.name)
        } else {
            format!("{} ({})", p.name, state_name(p.state))
        };
        out.push(Shape::Text {
            x,
            y: tab.y + 11.0,
            text: fit(&name, room, 12.0, false),
            ink: Ink::Text,
            on: Some(fill),
            size: 12.0,
            align: Align::Left,
            bold: running,
            mono: false,
        });
        out.push(Shape::Text {
            x,
            y: tab.bottom() - 10.0,
            text: fit(
                &format!("PID {} · CR3 {}", p.id.0, hex(p.cr3)),
                room,
                10.0,
                true,
            ),
            ink: Ink::Muted,
            on: None,
            size: 10.0,
            align: Align::Left,
            bold: false,
            mono: true,
        });
    }
    if let Some((Some(from), to, _, _)) = switch(frame) {
        let at = |id: ProcessId| {
            picture
                .processes
                .iter()
                .position(|p| p.id == id)
                .and_then(|i| b.tabs.get(i))
        };
        if let (Some(a), Some(z)) = (at(from), at(to)) {
            let y = a.bottom() + 8.0;
            out.push(super::line(a.cx(), a.bottom(), a.cx(), y, Ink::Focus, 2.0));
            out.push(super::line(a.cx(), y, z.cx(), y, Ink::Focus, 2.0));
            out.push(Shape::Line {
                x1: z.cx(),
                y1: y,
                x2: z.cx(),
                y2: z.bottom() + 1.0,
                ink: Ink::Focus,
                width: 2.0,
                arrow: true,
            });
        }
    }
}

/// Where page `vpn` of a column's address space is drawn on its strip, if in view.
fn page_x(g: &Geometry, picture: &Picture, window: Option<super::Window>, vpn: Vpn) -> Option<f64> {
    let win = super::space::window(picture, window);
    let f = win.fraction(vpn.0 << 12);
    (0.0..=1.0)
        .contains(&f)
        .then(|| clamp(g.strip.x + f * g.strip.w, g.strip.x, g.strip.right()))
}

/// Lines from each shared frame (a section's page) to every shown PTE that maps it: up
/// to the page's place on each column's strip. The lines of frames the step touches are
/// drawn strong.
pub fn share_lines(
    system: &Geometry,
    frame: Frame<'_>,
    columns: &[(&Geometry, Cow<'_, Picture>)],
    window: Option<super::Window>,
    out: &mut Vec<Shape>,
) {
    let touched = super::memory::touched_frames(frame.step);
    for (pfn, f) in frame.picture.frames.iter().enumerate() {
        let shared = matches!(f.owner, Some(crate::sim::addr::Owner::Shared { .. }));
        let Some(cell) = system.frames.get(pfn).filter(|_| shared) else {
            continue;
        };
        let strong = touched.contains(&(pfn as u32));
        for (g, seen) in columns {
            for (vpn, pte) in &seen.ptes {
                if !matches!(pte, Pte::Valid { pfn: p, .. } if p.0 as usize == pfn) {
                    continue;
                }
                if let Some(x) = page_x(g, seen, window, Vpn(*vpn)) {
                    out.push(Shape::Line {
                        x1: cell.cx(),
                        y1: cell.y,
                        x2: x,
                        y2: g.strip.bottom(),
                        ink: if strong { Ink::Focus } else { Ink::Muted },
                        width: if strong { 2.0 } else { 1.0 },
                        arrow: true,
                    });
                }
            }
        }
    }
}
