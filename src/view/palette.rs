//! Colours for light and dark themes. The data colours are the Okabe–Ito palette, which
//! stays distinct under the common colour-vision deficiencies; patterns and labels carry
//! the same meaning a second time.

use serde::Serialize;

use super::shape::{Ink, ProtClass};
use crate::sim::FrameList;

/// Light or dark, as `prefers-color-scheme` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Dark text on a light background.
    Light,
    /// Light text on a dark background.
    Dark,
}

const BLACK_TEXT: &str = "#111111";
const WHITE_TEXT: &str = "#ffffff";

/// The colours of one theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    theme: Theme,
}

impl Palette {
    /// The palette of `theme`.
    pub fn new(theme: Theme) -> Palette {
        Palette { theme }
    }

    /// The CSS colour of `ink`.
    pub fn css(&self, ink: Ink) -> &'static str {
        let dark = self.theme == Theme::Dark;
        match ink {
            Ink::Background => pick(dark, "#ffffff", "#14161b"),
            Ink::Panel | Ink::SlotFree | Ink::List(FrameList::Free) => {
                pick(dark, "#f1f3f6", "#1f232b")
            }
            Ink::Text => pick(dark, "#16181d", "#e9ebef"),
            Ink::Muted => pick(dark, "#555b66", "#a3a9b4"),
            Ink::Grid => pick(dark, "#b9bfc9", "#4a505c"),
            Ink::Highlight | Ink::Focus => pick(dark, "#000000", "#ffffff"),
            Ink::Path => pick(dark, "#fff0b3", "#54461a"),
            Ink::List(FrameList::Active) => "#0072b2",
            Ink::List(FrameList::Standby) => "#56b4e9",
            Ink::List(FrameList::Modified) => "#d55e00",
            Ink::List(FrameList::Zeroed) => "#009e73",
            Ink::Committed(ProtClass::ReadWrite) | Ink::Committed(ProtClass::Guard) => "#e69f00",
            Ink::Committed(ProtClass::ReadOnly) => "#f0e442",
            Ink::Committed(ProtClass::Execute) => "#cc79a7",
            Ink::Committed(ProtClass::NoAccess) => "#999999",
            Ink::Reserved => pick(dark, "#d5dae1", "#3b4250"),
            // Lavender, not Execute's reddish purple: a slot in use is not code.
            Ink::SlotUsed => "#a98bd4",
            Ink::FilePage => "#8c6d46",
        }
    }

    /// A text colour that reads well on a fill of `ink` (the tests check it against the
    /// WCAG contrast of both choices).
    pub fn text_on(&self, ink: Ink) -> &'static str {
        let light_text = match ink {
            Ink::List(FrameList::Active) | Ink::FilePage => true,
            Ink::Background | Ink::Panel | Ink::SlotFree | Ink::List(FrameList::Free) => {
                self.theme == Theme::Dark
            }
            Ink::Reserved | Ink::Grid | Ink::Path => self.theme == Theme::Dark,
            Ink::Muted => self.theme == Theme::Light,
            Ink::Text | Ink::Highlight | Ink::Focus => self.theme == Theme::Light,
            _ => false,
        };
        if light_text {
            WHITE_TEXT
        } else {
            BLACK_TEXT
        }
    }

    /// The colour of pattern marks (stripes, dots) drawn over a fill of `ink`.
    pub fn pattern_on(&self, ink: Ink) -> &'static str {
        if self.text_on(ink) == WHITE_TEXT {
            "rgba(255,255,255,0.45)"
        } else {
            "rgba(0,0,0,0.32)"
        }
    }
}

fn pick(dark: bool, light: &'static str, dark_colour: &'static str) -> &'static str {
    if dark {
        dark_colour
    } else {
        light
    }
}

/// WCAG relative luminance of a `#rrggbb` colour (0 when the text is not one).
pub fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| -> f64 {
        let v = hex
            .get(1 + 2 * i..3 + 2 * i)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0) as f64
            / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

/// WCAG contrast ratio between two `#rrggbb` colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_inks() -> Vec<Ink> {
        let mut inks = vec![
            Ink::Background,
            Ink::Panel,
            Ink::Text,
            Ink::Muted,
            Ink::Grid,
            Ink::Highlight,
            Ink::Focus,
            Ink::Path,
            Ink::Reserved,
            Ink::SlotUsed,
            Ink::SlotFree,
            Ink::FilePage,
        ];
        for l in [
            FrameList::Active,
            FrameList::Standby,
            FrameList::Modified,
            FrameList::Free,
            FrameList::Zeroed,
        ] {
            inks.push(Ink::List(l));
        }
        for p in [
            ProtClass::ReadWrite,
            ProtClass::ReadOnly,
            ProtClass::Execute,
            ProtClass::NoAccess,
            ProtClass::Guard,
        ] {
            inks.push(Ink::Committed(p));
        }
        inks
    }

    #[test]
    fn text_on_picks_the_better_contrast() {
        for theme in [Theme::Light, Theme::Dark] {
            let p = Palette::new(theme);
            for ink in all_inks() {
                let fill = p.css(ink);
                let best = if contrast(fill, WHITE_TEXT) >= contrast(fill, BLACK_TEXT) {
                    WHITE_TEXT
                } else {
                    BLACK_TEXT
                };
                assert_eq!(p.text_on(ink), best, "{theme:?} {ink:?}");
            }
        }
    }

    #[test]
    fn text_on_every_fill_meets_wcag_aa() {
        for theme in [Theme::Light, Theme::Dark] {
            let p = Palette::new(theme);
            for ink in all_inks() {
                let ratio = contrast(p.css(ink), p.text_on(ink));
                assert!(ratio >= 4.5, "{theme:?} {ink:?}: {ratio:.2}");
            }
        }
    }

    #[test]
    fn each_kind_of_data_has_its_own_colour() {
        let p = Palette::new(Theme::Light);
        let data = [
            Ink::List(FrameList::Active),
            Ink::List(FrameList::Standby),
            Ink::List(FrameList::Modified),
            Ink::List(FrameList::Zeroed),
            Ink::Committed(ProtClass::ReadWrite),
            Ink::Committed(ProtClass::ReadOnly),
            Ink::Committed(ProtClass::Execute),
            Ink::Committed(ProtClass::NoAccess),
            Ink::SlotUsed,
            Ink::FilePage,
        ];
        for (i, a) in data.iter().enumerate() {
            for b in &data[i + 1..] {
                assert_ne!(p.css(*a), p.css(*b), "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn body_text_reads_on_background_in_both_themes() {
        for theme in [Theme::Light, Theme::Dark] {
            let p = Palette::new(theme);
            assert!(contrast(p.css(Ink::Text), p.css(Ink::Background)) >= 7.0);
            assert!(contrast(p.css(Ink::Muted), p.css(Ink::Background)) >= 4.5);
            assert!(contrast(p.css(Ink::Muted), p.css(Ink::Panel)) >= 4.5);
        }
    }

    #[test]
    fn frame_lists_have_distinct_colours() {
        let p = Palette::new(Theme::Light);
        let lists = [
            FrameList::Active,
            FrameList::Standby,
            FrameList::Modified,
            FrameList::Free,
            FrameList::Zeroed,
        ];
        for (i, a) in lists.iter().enumerate() {
            for b in &lists[i + 1..] {
                assert_ne!(p.css(Ink::List(*a)), p.css(Ink::List(*b)), "{a:?} {b:?}");
            }
        }
        assert_eq!(luminance("#ffffff"), 1.0);
        assert_eq!(luminance("#000000"), 0.0);
    }
}
