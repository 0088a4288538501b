//! The painter: the only code that touches a canvas. It draws a [`Scene`] from scratch,
//! shape by shape, in the colours of a theme.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::view::{Align, Ink, Palette, Pattern, Scene, Shape, Theme};

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
    let mut painter = Painter {
        ctx,
        palette: Palette::new(theme),
        font: String::new(),
    };
    for shape in &scene.shapes {
        painter.shape(shape)?;
    }
    Ok(())
}

struct Painter {
    ctx: CanvasRenderingContext2d,
    palette: Palette,
    /// The font last set, to skip setting it again.
    font: String,
}

impl Painter {
    fn shape(&mut self, shape: &Shape) -> Result<(), JsValue> {
        match shape {
            Shape::Box {
                rect,
                fill,
                pattern,
                stroke,
                highlight,
            } => {
                let (x, y, w, h) = (rect.x, rect.y, rect.w, rect.h);
                let ctx = &self.ctx;
                if *pattern != Pattern::Outline {
                    ctx.set_fill_style_str(self.palette.css(*fill));
                    ctx.fill_rect(x, y, w, h);
                }
                match pattern {
                    Pattern::Solid | Pattern::Outline => {}
                    Pattern::Hatch => self.hatch(*fill, x, y, w, h),
                    Pattern::Dots => self.dots(*fill, x, y, w, h),
                    Pattern::Hollow => {
                        ctx.set_line_dash(&dash(&[4.0, 3.0]))?;
                        ctx.set_stroke_style_str(self.palette.css(Ink::Grid));
                        ctx.set_line_width(1.0);
                        ctx.stroke_rect(x + 0.5, y + 0.5, w - 1.0, h - 1.0);
                        ctx.set_line_dash(&dash(&[]))?;
                    }
                }
                if let (Some(ink), false) = (stroke, *pattern == Pattern::Hollow) {
                    ctx.set_stroke_style_str(self.palette.css(*ink));
                    ctx.set_line_width(1.0);
                    ctx.stroke_rect(x + 0.5, y + 0.5, w - 1.0, h - 1.0);
                }
                if *highlight {
                    ctx.set_stroke_style_str(self.palette.css(Ink::Highlight));
                    ctx.set_line_width(3.0);
                    ctx.stroke_rect(x + 1.5, y + 1.5, w - 3.0, h - 3.0);
                }
            }
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
                self.ctx.set_fill_style_str(colour);
                self.ctx.set_text_align(match align {
                    Align::Left => "left",
                    Align::Center => "center",
                    Align::Right => "right",
                });
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
                let ctx = &self.ctx;
                let colour = self.palette.css(*ink);
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(*width);
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
                    ctx.set_fill_style_str(colour);
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

    /// Diagonal stripes clipped to the rectangle.
    fn hatch(&self, fill: Ink, x: f64, y: f64, w: f64, h: f64) {
        let ctx = &self.ctx;
        ctx.save();
        ctx.begin_path();
        ctx.rect(x, y, w, h);
        ctx.clip();
        ctx.set_stroke_style_str(self.palette.pattern_on(fill));
        ctx.set_line_width(1.5);
        ctx.begin_path();
        let mut k = -h;
        while k < w {
            ctx.move_to(x + k, y + h);
            ctx.line_to(x + k + h, y);
            k += PATTERN_STEP;
        }
        ctx.stroke();
        ctx.restore();
    }

    /// A grid of small dots inside the rectangle.
    fn dots(&self, fill: Ink, x: f64, y: f64, w: f64, h: f64) {
        let ctx = &self.ctx;
        ctx.set_fill_style_str(self.palette.pattern_on(fill));
        let mut yy = y + 3.0;
        while yy + 2.0 <= y + h - 2.0 {
            let mut xx = x + 3.0;
            while xx + 2.0 <= x + w - 2.0 {
                ctx.fill_rect(xx, yy, 2.0, 2.0);
                xx += PATTERN_STEP;
            }
            yy += PATTERN_STEP;
        }
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
