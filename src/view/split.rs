//! The current address split into its 9/9/9/9/12-bit fields (reference §2, SDM 4.5).

use super::geometry::Geometry;
use super::shape::{fit, Align, Ink, Pattern, Rect, Shape};
use super::{hex, hint, title, Frame};
use crate::sim::addr::AddressSplit;
use crate::sim::Event;

/// One field of the split: name, bit range, width in bits, and its value as shown.
struct Field {
    name: &'static str,
    bits: &'static str,
    width: u32,
    value: String,
}

/// The five fields of `va`, top bits first.
fn fields(va: u64) -> [Field; 5] {
    let s = AddressSplit::of(va);
    let f = |name, bits, width, value: String| Field {
        name,
        bits,
        width,
        value,
    };
    [
        f("PML4", "47–39", 9, s.pml4.to_string()),
        f("PDPT", "38–30", 9, s.pdpt.to_string()),
        f("PD", "29–21", 9, s.pd.to_string()),
        f("PT", "20–12", 9, s.pt.to_string()),
        f("offset", "11–0", 12, format!("{:#05x}", s.offset)),
    ]
}

/// The split's shapes.
pub fn shapes(g: &Geometry, frame: Frame<'_>, out: &mut Vec<Shape>) {
    let Some(va) = frame.picture.focus else {
        title(&g.split_title, "Address split", out);
        let words = if super::board::is_running(frame.picture) {
            "Access an address to see the CPU split it into table indices."
        } else {
            "Not running: no address to split."
        };
        hint(g.split.x, g.split.cy(), words, g.split.w, out);
        return;
    };
    title(
        &g.split_title,
        &format!("Address split of {}", hex(va)),
        out,
    );
    let now = frame.step.is_some_and(|s| {
        s.events
            .iter()
            .any(|e| matches!(e, Event::AddressSplit { .. }))
    });
    let total: u32 = 48;
    let gap = 4.0;
    let usable = g.split.w - gap * 4.0;
    let mut x = g.split.x;
    let parts = fields(va);
    for (i, field) in parts.iter().enumerate() {
        let w = if i + 1 == parts.len() {
            g.split.right() - x
        } else {
            (usable * field.width as f64 / total as f64).floor()
        };
        let rect = Rect::new(x, g.split.y, w, g.split.h);
        out.push(Shape::Box {
            rect,
            fill: Ink::Panel,
            pattern: Pattern::Solid,
            stroke: Some(Ink::Grid),
            highlight: now,
        });
        let head = format!("{} · bits {}", field.name, field.bits);
        let head = if super::shape::text_width(&head, 10.0, false) <= w - 8.0 {
            head
        } else {
            fit(field.name, w - 8.0, 10.0, false)
        };
        out.push(Shape::Text {
            x: rect.cx(),
            y: rect.y + 12.0,
            text: head,
            ink: Ink::Muted,
            on: None,
            size: 10.0,
            align: Align::Center,
            bold: false,
            mono: false,
        });
        out.push(Shape::Text {
            x: rect.cx(),
            y: rect.bottom() - 14.0,
            text: fit(&field.value, w - 6.0, 15.0, true),
            ink: Ink::Text,
            on: None,
            size: 15.0,
            align: Align::Center,
            bold: true,
            mono: true,
        });
        x += w + gap;
    }
}
