//! What the index page's exports hand to JavaScript: JSON text, written here by hand and
//! turned into plain objects by the browser's `JSON.parse`. The page's wasm holds no
//! generic serializer (serde-wasm-bindgen, with its field-name cache, cost about 5 KB
//! gzipped of the page's download); the full module's exports still use `crossing.rs`.
//!
//! The values are those `crossing.rs` gives: `None` is `null`, a sequence an array, a
//! struct a plain object, and an integer a number up to 2^53 or past it its exact hex
//! text, such as `"0xffffffffffffffff"` (DESIGN §1: never a BigInt, never a rounded number).

use std::fmt::Write;

use wasm_bindgen::{JsError, JsValue};

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE: u64 = (1 << 53) - 1;

/// JSON text being written: values, objects and arrays, with their commas put in.
#[derive(Default)]
pub struct Json(String);

impl Json {
    /// A comma before a value that follows another in an object or an array.
    fn comma(&mut self) {
        if !matches!(self.0.as_bytes().last(), None | Some(b'{' | b'[' | b':')) {
            self.0.push(',');
        }
    }

    /// Start an object: `{`.
    pub fn open(&mut self) -> &mut Self {
        self.punct(true, '{')
    }

    /// End an object: `}`.
    pub fn close(&mut self) -> &mut Self {
        self.punct(false, '}')
    }

    /// Start an array: `[`.
    pub fn open_list(&mut self) -> &mut Self {
        self.punct(true, '[')
    }

    /// End an array: `]`.
    pub fn close_list(&mut self) -> &mut Self {
        self.punct(false, ']')
    }

    /// A bracket: `opening` one after a comma where one is due.
    fn punct(&mut self, opening: bool, c: char) -> &mut Self {
        if opening {
            self.comma();
        }
        self.0.push(c);
        self
    }

    /// An object's key; its value comes next.
    pub fn key(&mut self, key: &str) -> &mut Self {
        self.str(key);
        self.0.push(':');
        self
    }

    /// A string, escaped.
    pub fn str(&mut self, text: &str) -> &mut Self {
        self.comma();
        self.0.push('"');
        for c in text.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                c if c < ' ' => {
                    let _ = write!(self.0, "\\u{:04x}", u32::from(c));
                }
                c => self.0.push(c),
            }
        }
        self.0.push('"');
        self
    }

    /// An unsigned integer: a number up to 2^53, else its hex text.
    pub fn uint(&mut self, n: u64) -> &mut Self {
        self.int_parts(false, n)
    }

    /// A signed integer: a number within ±(2^53 − 1), else its signed hex text.
    pub fn int(&mut self, n: i64) -> &mut Self {
        self.int_parts(n < 0, n.unsigned_abs())
    }

    /// The integer `-magnitude` when `negative`, else `magnitude`.
    fn int_parts(&mut self, negative: bool, magnitude: u64) -> &mut Self {
        self.comma();
        let sign = if negative { "-" } else { "" };
        let _ = if magnitude <= MAX_SAFE {
            write!(self.0, "{sign}{magnitude}")
        } else {
            write!(self.0, "\"{sign}{magnitude:#x}\"")
        };
        self
    }

    /// A count or a position (`usize`).
    pub fn count(&mut self, n: usize) -> &mut Self {
        self.uint(n as u64)
    }

    /// A length in CSS pixels that layout makes whole (the process tabs' rectangles): the
    /// integer, or `null` when it is not finite (a canvas width that is not a number).
    pub fn px(&mut self, x: f64) -> &mut Self {
        if x.is_finite() {
            self.int(x as i64)
        } else {
            self.null()
        }
    }

    /// An unsigned integer, or `null`.
    pub fn opt_uint(&mut self, n: Option<u64>) -> &mut Self {
        match n {
            Some(n) => self.uint(n),
            None => self.null(),
        }
    }

    /// A string, or `null`.
    pub fn opt_str(&mut self, text: Option<&str>) -> &mut Self {
        match text {
            Some(text) => self.str(text),
            None => self.null(),
        }
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.comma();
        self.0.push_str(if b { "true" } else { "false" });
        self
    }

    /// `null`.
    pub fn null(&mut self) -> &mut Self {
        self.comma();
        self.0.push_str("null");
        self
    }

    /// The JS value of the text written.
    pub fn finish(&self) -> Result<JsValue, JsError> {
        js_sys::JSON::parse(&self.0)
            .map_err(|_| JsError::new("a value could not cross to JavaScript"))
    }
}
