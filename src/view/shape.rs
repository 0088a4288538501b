//! The drawing vocabulary: rectangles, text and lines with semantic inks. The painter
//! turns an [`Ink`] into a colour for the current theme (see [`super::palette`]).

use serde::Serialize;

use crate::sim::FrameList;

/// An axis-aligned rectangle in CSS pixels, origin at the canvas's top left.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// A rectangle from its left, top, width and height.
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Horizontal centre.
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }

    /// Vertical centre.
    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }

    /// True when the point lies inside (edges included).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.bottom()
    }

    /// True when the two rectangles share interior area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// How a memory protection reads on screen (reference §1 protection constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtClass {
    /// `PAGE_READWRITE`, `PAGE_WRITECOPY`.
    ReadWrite,
    /// `PAGE_READONLY`.
    ReadOnly,
    /// Any `PAGE_EXECUTE*`.
    Execute,
    /// `PAGE_NOACCESS`.
    NoAccess,
    /// Anything with the `PAGE_GUARD` modifier.
    Guard,
}

impl ProtClass {
    /// The class of a protection value.
    pub fn of(protect: u32) -> ProtClass {
        use crate::sim::consts::*;
        if protect & PAGE_GUARD != 0 {
            return ProtClass::Guard;
        }
        match protect & 0xFF {
            PAGE_READWRITE | PAGE_WRITECOPY => ProtClass::ReadWrite,
            PAGE_READONLY => ProtClass::ReadOnly,
            PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY => {
                ProtClass::Execute
            }
            _ => ProtClass::NoAccess,
        }
    }

    /// The short tag drawn on screen.
    pub fn tag(self) -> &'static str {
        match self {
            ProtClass::ReadWrite => "RW",
            ProtClass::ReadOnly => "R",
            ProtClass::Execute => "X",
            ProtClass::NoAccess => "NA",
            ProtClass::Guard => "GUARD",
        }
    }
}

/// What a colour means; the palette decides the colour per theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "ink", content = "of", rename_all = "snake_case")]
pub enum Ink {
    /// The canvas background.
    Background,
    /// A section's panel.
    Panel,
    /// Body text.
    Text,
    /// Secondary text.
    Muted,
    /// Thin separators and outlines.
    Grid,
    /// Drawn around what changed in this step.
    Highlight,
    /// The address the CPU is working on.
    Focus,
    /// What the CPU reads right now: the walk's entries, like a highlighter pen.
    Path,
    /// A RAM frame on one of the lists.
    List(FrameList),
    /// Committed pages, by protection.
    Committed(ProtClass),
    /// Reserved, not committed pages.
    Reserved,
    /// A page-file slot holding a page.
    SlotUsed,
    /// A page of a file on the disk (mapped files' backing store, DESIGN §9).
    FilePage,
    /// An empty page-file slot.
    SlotFree,
}

/// A fill pattern drawn over the colour, so that lists differ without colour too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// Plain fill.
    Solid,
    /// Diagonal stripes.
    Hatch,
    /// A grid of dots.
    Dots,
    /// No fill, only a dashed outline.
    Hollow,
    /// Nothing inside: only the stroke and highlight are drawn (over other boxes).
    Outline,
}

/// Horizontal text alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// Text starts at x.
    Left,
    /// Text is centred on x.
    Center,
    /// Text ends at x.
    Right,
}

/// One thing to draw.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    /// A filled rectangle.
    Box {
        /// Where.
        rect: Rect,
        /// Fill meaning.
        fill: Ink,
        /// Pattern over the fill.
        pattern: Pattern,
        /// Outline, if any.
        stroke: Option<Ink>,
        /// Changed in this step: drawn with a strong outline.
        highlight: bool,
    },
    /// One line of text, vertically centred on `y`.
    Text {
        /// Anchor x (see `align`).
        x: f64,
        /// Centre line.
        y: f64,
        /// The words; already shortened to fit.
        text: String,
        /// Colour meaning; ignored when `on` is set.
        ink: Ink,
        /// The fill the text sits on: the painter picks a contrasting colour.
        on: Option<Ink>,
        /// Font size in CSS pixels.
        size: f64,
        /// Alignment on `x`.
        align: Align,
        /// Bold.
        bold: bool,
        /// Monospace (addresses, numbers).
        mono: bool,
    },
    /// A straight line, optionally with an arrow head at its end.
    Line {
        /// Start x.
        x1: f64,
        /// Start y.
        y1: f64,
        /// End x.
        x2: f64,
        /// End y.
        y2: f64,
        /// Colour meaning.
        ink: Ink,
        /// Stroke width.
        width: f64,
        /// Arrow head at the end.
        arrow: bool,
    },
}

/// Estimated advance of one character at `size`, for fitting text without a font.
pub fn char_width(size: f64, mono: bool) -> f64 {
    if mono {
        size * 0.62
    } else {
        size * 0.58
    }
}

/// Estimated width of `text` at `size`.
pub fn text_width(text: &str, size: f64, mono: bool) -> f64 {
    text.chars().count() as f64 * char_width(size, mono)
}

/// `text` shortened with an ellipsis so that it fits in `max` pixels; empty if nothing fits.
pub fn fit(text: &str, max: f64, size: f64, mono: bool) -> String {
    shorten(text, max, size, mono, false)
}

/// The first of `choices` (longest first) that fits in `max` pixels, else the last one
/// shortened with an ellipsis.
pub fn first_fit(choices: &[String], max: f64, size: f64, mono: bool) -> String {
    choices
        .iter()
        .find(|c| text_width(c, size, mono) <= max)
        .cloned()
        .unwrap_or_else(|| {
            choices
                .last()
                .map_or_else(String::new, |c| fit(c, max, size, mono))
        })
}

/// `text` shortened from the left (`…456700`) so that it fits in `max` pixels: for page
/// numbers, whose last digits tell neighbours apart. Empty if nothing fits.
pub fn fit_tail(text: &str, max: f64, size: f64, mono: bool) -> String {
    shorten(text, max, size, mono, true)
}

/// `text` as it fits in `max` pixels: whole, or its first (or, with `keep_tail`, last)
/// characters with an ellipsis on the cut side; empty if not even two characters fit.
fn shorten(text: &str, max: f64, size: f64, mono: bool, keep_tail: bool) -> String {
    if text_width(text, size, mono) <= max {
        return text.to_string();
    }
    let fits = (max / char_width(size, mono)).floor() as usize;
    if fits < 2 {
        return String::new();
    }
    // The byte where the kept characters start (keep_tail) or end.
    let kept = if keep_tail {
        text.chars().count() + 1 - fits
    } else {
        fits - 1
    };
    let cut = text.char_indices().nth(kept).map_or(text.len(), |(i, _)| i);
    let mut out = String::with_capacity(text.len());
    if keep_tail {
        out.push('…');
        out.push_str(text.get(cut..).unwrap_or_default());
    } else {
        out.push_str(text.get(..cut).unwrap_or_default());
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_tail_keeps_the_last_digits() {
        assert_eq!(fit_tail("0x23456700", 200.0, 10.0, true), "0x23456700");
        let short = fit_tail("0x23456700", 48.0, 10.0, true);
        assert_eq!(short, "…456700");
        assert!(text_width(&short, 10.0, true) <= 48.0);
        assert_eq!(fit_tail("0x23456700", 5.0, 10.0, true), "");
    }

    #[test]
    fn fit_shortens_and_never_exceeds() {
        assert_eq!(fit("frame", 200.0, 12.0, false), "frame");
        let short = fit("0x23456700000", 40.0, 11.0, true);
        assert!(short.ends_with('…'), "{short}");
        assert!(text_width(&short, 11.0, true) <= 40.0);
        assert_eq!(fit("abc", 5.0, 12.0, false), "");
    }

    #[test]
    fn protection_classes() {
        use crate::sim::consts::*;
        assert_eq!(ProtClass::of(PAGE_READWRITE), ProtClass::ReadWrite);
        assert_eq!(ProtClass::of(PAGE_READONLY), ProtClass::ReadOnly);
        assert_eq!(ProtClass::of(PAGE_EXECUTE_READ), ProtClass::Execute);
        assert_eq!(ProtClass::of(PAGE_READWRITE | PAGE_GUARD), ProtClass::Guard);
        assert_eq!(ProtClass::of(PAGE_NOACCESS), ProtClass::NoAccess);
    }

    #[test]
    fn rect_geometry() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        let b = Rect::new(10.0, 0.0, 10.0, 10.0);
        assert!(!a.overlaps(&b), "touching edges do not overlap");
        assert!(a.overlaps(&Rect::new(5.0, 5.0, 10.0, 10.0)));
        assert!(a.contains(10.0, 10.0));
        assert_eq!(
            (a.cx(), a.cy(), a.right(), a.bottom()),
            (5.0, 5.0, 10.0, 10.0)
        );
    }
}
