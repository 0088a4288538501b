//! Zoom and pan of the address-space strip: which addresses the strip shows, and how a
//! wheel, a pinch or a drag moves that window. Pure maths, so that "the address under the
//! pointer stays under the pointer" is a host test.

use serde::Serialize;

use super::clamp;
use crate::sim::addr::{PAGE_SIZE, USER_SPACE_END};

/// The whole user half of the address space: 128 TB (reference §2).
pub const USER_SPAN: u64 = USER_SPACE_END + 1;
/// The narrowest window: eight pages, wide enough to tell every page apart.
pub const MIN_SPAN: u64 = 8 * PAGE_SIZE;
/// One press of a zoom button or key.
pub const STEP: f64 = 2.0;

/// The addresses the strip shows: `lo` up to (not including) `lo + span`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    /// First address shown.
    pub lo: u64,
    /// Bytes shown across the strip.
    pub span: u64,
}

impl Window {
    /// The whole user address space.
    pub const ALL: Window = Window {
        lo: 0,
        span: USER_SPAN,
    };

    /// The window from `lo` to `hi`, made valid (see [`Window::clamped`]).
    pub fn between(lo: u64, hi: u64) -> Window {
        Window {
            lo,
            span: hi.saturating_sub(lo),
        }
        .clamped()
    }

    /// The same window kept inside the user range and at least [`MIN_SPAN`] wide.
    pub fn clamped(self) -> Window {
        let span = self.span.clamp(MIN_SPAN, USER_SPAN);
        Window {
            lo: self.lo.min(USER_SPAN - span),
            span,
        }
    }

    /// One past the last address shown.
    pub fn hi(&self) -> u64 {
        self.lo + self.span
    }

    /// The address at `fraction` (0 = left edge, 1 = right edge) of the strip.
    pub fn at(&self, fraction: f64) -> f64 {
        self.lo as f64 + fraction * self.span as f64
    }

    /// Where `va` falls across the strip, as a fraction (outside 0..1 when not shown).
    pub fn fraction(&self, va: u64) -> f64 {
        (va as f64 - self.lo as f64) / self.span as f64
    }

    /// Zoom by `factor` (above 1 zooms in) keeping the address at `fraction` of the strip
    /// where it is. Non-finite or non-positive factors change nothing.
    pub fn zoom(self, fraction: f64, factor: f64) -> Window {
        if !factor.is_finite() || factor <= 0.0 || !fraction.is_finite() {
            return self;
        }
        let f = clamp(fraction, 0.0, 1.0);
        let anchor = self.at(f);
        let span = clamp(
            (self.span as f64 / factor).round(),
            MIN_SPAN as f64,
            USER_SPAN as f64,
        );
        let lo = clamp((anchor - f * span).round(), 0.0, USER_SPAN as f64 - span);
        Window {
            lo: lo as u64,
            span: span as u64,
        }
    }

    /// Move the window by `fraction` of its width (positive shows higher addresses).
    pub fn pan(self, fraction: f64) -> Window {
        if !fraction.is_finite() {
            return self;
        }
        let lo = clamp(
            (self.lo as f64 + fraction * self.span as f64).round(),
            0.0,
            (USER_SPAN - self.span) as f64,
        );
        Window {
            lo: lo as u64,
            span: self.span,
        }
    }

    /// The same width centred on `va`.
    pub fn centred(self, va: u64) -> Window {
        Window {
            lo: va.saturating_sub(self.span / 2),
            span: self.span,
        }
        .clamped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: u64 = 0x234_5670_0000;

    #[test]
    fn zooming_keeps_the_address_under_the_pointer() {
        let w = Window::between(BASE, BASE + 0x10_0000);
        for fraction in [0.0, 0.13, 0.5, 0.9, 1.0] {
            for factor in [1.25, 2.0, 0.5, 0.8, 16.0] {
                let before = w.at(fraction);
                let z = w.zoom(fraction, factor);
                // Within half a pixel of a 4096-pixel strip.
                let drift = (z.at(fraction) - before).abs() / z.span as f64 * 4096.0;
                assert!(drift < 0.5, "{fraction} × {factor}: {drift}");
                assert!(z.span < w.span || factor < 1.0);
            }
        }
    }

    #[test]
    fn zoom_in_then_out_returns() {
        let w = Window::between(BASE, BASE + 0x40_0000);
        let back = w.zoom(0.3, 4.0).zoom(0.3, 0.25);
        assert!(
            back.lo.abs_diff(w.lo) <= 1 && back.span == w.span,
            "{back:?}"
        );
    }

    #[test]
    fn the_window_stays_inside_the_user_range() {
        let all = Window::ALL.zoom(0.5, 0.5);
        assert_eq!(all, Window::ALL, "cannot zoom out past 128 TB");
        let tiny = Window::between(BASE, BASE + 1).zoom(0.5, 1e9);
        assert_eq!(tiny.span, MIN_SPAN);
        let left = Window::between(0, 0x10_0000).pan(-3.0);
        assert_eq!(left.lo, 0);
        let right = Window::between(USER_SPAN - 0x10_0000, USER_SPAN).pan(5.0);
        assert_eq!(right.hi(), USER_SPAN);
        assert_eq!(Window::ALL.zoom(f64::NAN, 2.0), Window::ALL);
        assert_eq!(Window::ALL.zoom(0.5, 0.0), Window::ALL);
        assert_eq!(Window::ALL.pan(f64::INFINITY), Window::ALL);
    }

    #[test]
    fn panning_moves_by_a_fraction_of_the_width() {
        let w = Window::between(BASE, BASE + 0x10_0000);
        assert_eq!(w.pan(0.25).lo, BASE + 0x4_0000);
        assert_eq!(w.pan(0.25).pan(-0.25), w);
        assert_eq!(w.centred(BASE).lo, BASE - 0x8_0000);
        assert_eq!(w.fraction(BASE + 0x8_0000), 0.5);
    }
}
