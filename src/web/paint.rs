//! The painter: the only code that touches a canvas. It draws a [`Scene`] from scratch,
//! shape by shape, in the colours of a theme.
//!
//! Each canvas call crosses from wasm to JavaScript and each colour string is parsed by
//! the canvas, so the painter remembers the styles it last set and skips setting them
//! again, and draws patterns without clipping (stripes are cut to their box by
//! arithmetic; a row of dots is one dashed line).

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::view::{Align, Ink, Palette, Pattern, Rect, Scene, Shape, Theme};

const SANS: &str = "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif";
const MONO: &str = "ui-monospace, \"SFMono-Regular\", Menlo, Consolas, monospace";
/// Distance between pattern marks.
const PATTERN_STEP: f64 = 6.0;

/// A readable message from a JS exception value.
pub fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .unwrap_or_else(|| "the canvas could not be drawn".to_string())
}

/// Size `canvas` for `scene` at `dpr` and draw it.
pub fn paint(
    canvas: &HtmlCanvasElement,
    scene: &Scene,
    dpr: f64,
    theme: Theme,
) -> Result<(), JsValue> {
    let dpr = if dpr.is_finite() && dpr > 0.0 {
        dpr.min(4.0)
    } else {
        1.0
    };
    let w = (scene.width * dpr).round() as u32;
    let h = (scene.height * dpr).round() as u32;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("this browser has no 2D canvas"))?
        .dyn_into()?;
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
    ctx.set_text_baseline("middle");
    ctx.set_line_dash(&dash(&[]))?;
    let mut painter = Painter {
        ctx,
        palette: Palette::new(theme),
        font: String::new(),
        fill: "",
        stroke: "",
        line_width: 0.0,
        align: None,
        dash: Dash::Solid,
        dashes: [dash(&[4.0, 3.0]), dash(&[2.0, PATTERN_STEP - 2.0])],
        solid: dash(&[]),
    };
    for shape in &scene.shapes {
        painter.shape(shape)?;
    }
    Ok(())
}

/// The line dash in force.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dash {
    Solid,
    /// The dashed outline of a hollow box.
    Outline,
    /// Short marks one pattern step apart: a row of dots.
    Dots,
}

struct Painter {
    ctx: CanvasRenderingContext2d,
    palette: Palette,
    /// The styles last set, to skip setting them again.
    font: String,
    fill: &'static str,
    stroke: &'static str,
    line_width: f64,
    align: Option<Align>,
    dash: Dash,
    /// The dash arrays for [`Dash::Outline`] and [`Dash::Dots`], made once per paint.
    dashes: [JsValue; 2],
    solid: JsValue,
}

impl Painter {
    fn fill_style(&mut self, colour: &'static str) {
        if self.fill != colour {
            self.ctx.set_fill_style_str(colour);
            self.fill = colour;
        }
    }

    fn stroke_style(&mut self, colour: &'static str, width: f64) {
        if self.stroke != colour {
            self.ctx.set_stroke_style_str(colour);
            self.stroke = colour;
        }
        if self.line_width != width {
            self.ctx.set_line_width(width);
            self.line_width = width;
        }
    }

    fn set_dash(&mut self, dash: Dash) -> Result<(), JsValue> {
        if self.dash != dash {
            let pattern = match dash {
                Dash::Solid => &self.solid,
                Dash::Outline => &self.dashes[0],
                Dash::Dots => &self.dashes[1],
            };
            self.ctx.set_line_dash(pattern)?;
            self.dash = dash;
        }
        Ok(())
    }

    fn shape(&mut self, shape: &Shape) -> Result<(), JsValue> {
        match shape {
            Shape::Box {
                rect,
                fill,
                pattern,
                stroke,
                highlight,
            } => self.rect(rect, *fill, *pattern, *stroke, *highlight)?,
            Shape::Text {
                x,
                y,
                text,
                ink,
                on,
                size,
                align,
                bold,
                mono,
            } => {
                // Whole pixel sizes: formatting an integer keeps float printing out of the wasm.
                let font = format!(
                    "{}{}px {}",
                    if *bold { "600 " } else { "" },
                    size.round() as u32,
                    if *mono { MONO } else { SANS }
                );
                if font != self.font {
                    self.ctx.set_font(&font);
                    self.font = font;
                }
                let colour = match on {
                    Some(fill) => self.palette.text_on(*fill),
                    None => self.palette.css(*ink),
                };
                self.fill_style(colour);
                if self.align != Some(*align) {
                    self.ctx.set_text_align(match align {
                        Align::Left => "left",
                        Align::Center => "center",
                        Align::Right => "right",
                    });
                    self.align = Some(*align);
                }
                self.ctx.fill_text(text, *x, *y)?;
            }
            Shape::Line {
                x1,
                y1,
                x2,
                y2,
                ink,
                width,
                arrow,
            } => {
                let colour = self.palette.css(*ink);
                self.set_dash(Dash::Solid)?;
                self.stroke_style(colour, *width);
                let ctx = &self.ctx;
                ctx.begin_path();
                ctx.move_to(*x1, *y1);
                ctx.line_to(*x2, *y2);
                ctx.stroke();
                let length = ((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1)).sqrt();
                if *arrow && length > 0.0 {
                    // A head along the line's direction (ux, uy), as wide as it is long.
                    let (ux, uy) = ((x2 - x1) / length, (y2 - y1) / length);
                    let size = 4.0 + 2.0 * width;
                    let (bx, by) = (x2 - ux * size, y2 - uy * size);
                    let half = size / 2.0;
                    self.fill_style(colour);
                    let ctx = &self.ctx;
                    ctx.begin_path();
                    ctx.move_to(*x2, *y2);
                    ctx.line_to(bx - uy * half, by + ux * half);
                    ctx.line_to(bx + uy * half, by - ux * half);
                    ctx.close_path();
                    ctx.fill();
                }
            }
        }
        Ok(())
    }

    fn rect(
        &mut self,
        rect: &Rect,
        fill: Ink,
        pattern: Pattern,
        stroke: Option<Ink>,
        highlight: bool,
    ) -> Result<(), JsValue> {
        let (x, y, w, h) = (rect.x, rect.y, rect.w, rect.h);
        if pattern != Pattern::Outline {
            self.fill_style(self.palette.css(fill));
            self.ctx.fill_rect(x, y, w, h);
        }
        match pattern {
            Pattern::Solid | Pattern::Outline => {}
            Pattern::Hatch => self.hatch(fill, rect)?,
            Pattern::Dots => self.dots(fill, rect)?,
            Pattern::Hollow => {
                self.set_dash(Dash::Outline)?;
                self.stroke_style(self.palette.css(Ink::Grid), 1.0);
                self.ctx.stroke_rect(x + 0.5, y + 0.5, w - 1.0, h - 1.0);
            }
        }
        if let (Some(ink), false) = (stroke, pattern == Pattern::Hollow) {
            self.set_dash(Dash::Solid)?;
            self.stroke_style(self.palette.css(ink), 1.0);
            self.ctx.stroke_rect(x + 0.5, y + 0.5, w - 1.0, h - 1.0);
        }
        if highlight {
            self.set_dash(Dash::Solid)?;
            self.stroke_style(self.palette.css(Ink::Highlight), 3.0);
            self.ctx.stroke_rect(x + 1.5, y + 1.5, w - 3.0, h - 3.0);
        }
        Ok(())
    }

    /// Diagonal stripes, each cut to the rectangle by arithmetic (no clip), in one path.
    fn hatch(&mut self, fill: Ink, r: &Rect) -> Result<(), JsValue> {
        self.set_dash(Dash::Solid)?;
        self.stroke_style(self.palette.pattern_on(fill), 1.5);
        let ctx = &self.ctx;
        ctx.begin_path();
        // Stripe k runs from (x + k, y + h) up to (x + k + h, y); keep t in 0..=h where
        // x <= x + k + t <= x + w.
        let mut k = -r.h;
        while k < r.w {
            let t0 = (-k).max(0.0);
            let t1 = r.h.min(r.w - k);
            if t1 > t0 {
                ctx.move_to(r.x + k + t0, r.y + r.h - t0);
                ctx.line_to(r.x + k + t1, r.y + r.h - t1);
            }
            k += PATTERN_STEP;
        }
        ctx.stroke();
        Ok(())
    }

    /// A grid of small dots inside the rectangle: each row is one dashed line.
    fn dots(&mut self, fill: Ink, r: &Rect) -> Result<(), JsValue> {
        self.set_dash(Dash::Dots)?;
        self.stroke_style(self.palette.pattern_on(fill), 2.0);
        let (left, right) = (r.x + 3.0, r.right() - 3.0);
        if right - left < 2.0 {
            return Ok(());
        }
        let ctx = &self.ctx;
        ctx.begin_path();
        let mut yy = r.y + 4.0;
        while yy + 1.0 <= r.bottom() - 2.0 {
            ctx.move_to(left, yy);
            ctx.line_to(right, yy);
            yy += PATTERN_STEP;
        }
        ctx.stroke();
        Ok(())
    }
}

/// A dash pattern for `setLineDash`.
fn dash(pattern: &[f64]) -> JsValue {
    let array = js_sys::Array::new();
    for v in pattern {
        array.push(&JsValue::from_f64(*v));
    }
    array.into()
}
