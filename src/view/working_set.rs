//! The working set with its replacement policy's own state: the accessed bits and the
//! clock hand, the FIFO load order or the LRU use stamps (reference §8.4).

use super::geometry::Geometry;
use super::shape::{fit, Align, Ink, Pattern, Shape};
use super::{hex, title, Frame};
use crate::sim::picture::WsPageView;
use crate::sim::{FrameList, Policy};

/// The policy state shown under a page.
fn state(policy: Policy, page: &WsPageView, at_hand: bool) -> String {
    let base = match policy {
        Policy::Clock => format!("A={}", u8::from(page.accessed)),
        Policy::Fifo => format!("loaded {}", page.loaded),
        Policy::Lru => format!("used {}", page.last_use),
        Policy::Opt | Policy::Random => String::new(),
    };
    if at_hand {
        format!("{base} ◀ hand")
    } else {
        base
    }
}

/// The working set's shapes.
pub fn shapes(g: &Geometry, frame: Frame<'_>, out: &mut Vec<Shape>) {
    let ws = &frame.picture.working_set;
    // Another process's pages are listed without the policy's state: it is kept while the
    // process runs (a sketch, not Windows' per-process aging).
    let live = super::board::is_running(frame.picture);
    let mut heading = format!(
        "Working set: {} of {} pages · {}",
        ws.pages.len(),
        ws.limit,
        ws.policy.name()
    );
    if g.dense_ws && ws.policy == Policy::Clock {
        heading.push_str(" · striped: A=0, outlined: hand");
    }
    title(&g.ws_title, &heading, out);
    let before = frame.previous.map(|p| &p.working_set);
    for (i, cell) in g.ws.iter().enumerate() {
        let page = ws.pages.get(i);
        let changed = before.is_some_and(|b| b.pages.get(i) != page)
            || (ws.policy == Policy::Clock
                && before.is_some_and(|b| b.hand != ws.hand)
                && i as u32 == ws.hand);
        let (fill, pattern) = match page {
            // Dense squares show the accessed bit as the pattern: stripes when clear.
            Some(p) if g.dense_ws && ws.policy == Policy::Clock && !p.accessed => {
                (Ink::List(FrameList::Active), Pattern::Hatch)
            }
            Some(_) => (Ink::List(FrameList::Active), Pattern::Solid),
            // Small squares: a plain panel, as the page file's, for thousands of them.
            None if g.dense_ws => (Ink::SlotFree, Pattern::Solid),
            None => (Ink::SlotFree, Pattern::Hollow),
        };
        let at_hand = ws.policy == Policy::Clock && i as u32 == ws.hand;
        // Small squares are told apart by their fill and gaps: only the hand is outlined
        // (outlining 4,096 of them took most of a big machine's paint).
        out.push(Shape::Box {
            rect: *cell,
            fill,
            pattern,
            stroke: if g.dense_ws {
                at_hand.then_some(Ink::Focus)
            } else {
                Some(Ink::Grid)
            },
            highlight: changed,
        });
        if g.dense_ws {
            continue;
        }
        let line = |y: f64, text: String, size: f64, mono: bool| Shape::Text {
            x: cell.cx(),
            y,
            text: fit(&text, cell.w - 6.0, size, mono),
            ink: Ink::Text,
            on: Some(fill),
            size,
            align: Align::Center,
            bold: false,
            mono,
        };
        match page {
            Some(p) => {
                out.push(line(cell.y + 10.0, hex(p.vpn.0), 11.0, true));
                if !live {
                    continue;
                }
                out.push(line(
                    cell.bottom() - 9.0,
                    state(ws.policy, p, at_hand),
                    10.0,
                    false,
                ));
            }
            None => out.push(line(cell.cy(), "free place".to_string(), 10.0, false)),
        }
    }
}
