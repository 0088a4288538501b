//! What crosses to JavaScript: a value is written as JSON text by the small serde
//! serializer here and read back with `JSON.parse` (one call), instead of being built field
//! by field through JS calls. The page's download budget (issue 5) is why: every
//! serialised type compiles to a few calls per field here, and the whole module is far
//! smaller than with a serializer that calls into JavaScript for each value.
//!
//! The values JavaScript receives are the ones `serde-wasm-bindgen` gave (with
//! `serialize_missing_as_null`): `None` and `()` are `null`, 64-bit integers are numbers,
//! sequences and tuples are arrays, structs are objects, enums follow their serde
//! attributes. One difference: an integer past 2^53 (a script may pass
//! `0xFFFFFFFFFFFFFFFF` as a size) is written as an exact hex string such as
//! `"0xffffffffffffffff"`, never a BigInt (DESIGN §1), so such a step still shows. Maps are
//! written as arrays of `[key, value]` pairs; the caller turns them into `Map`s where the API promises one
//! ([`pairs_to_map`]).

use std::fmt::{self, Display};

use serde::ser::{self, Serialize};
use wasm_bindgen::JsValue;

/// Lower-case hex digits, for `\u00XX` escapes and integers past 2^53.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE: u64 = (1 << 53) - 1;

/// Why a value could not be written.
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// `value` as a JS value, through JSON text and `JSON.parse`.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    let mut w = Writer(String::new());
    value.serialize(&mut w)?;
    parse(&w.0)
}

/// `JSON.parse(text)`; kept out of line so the generic `to_js` stays small.
#[inline(never)]
fn parse(text: &str) -> Result<JsValue, Error> {
    js_sys::JSON::parse(text).map_err(|_| Error("the value is not valid JSON".into()))
}

/// Replace `object[key]`, an array of `[key, value]` pairs, with a `Map` of them.
pub fn pairs_to_map(object: &JsValue, key: &str) -> Result<(), Error> {
    let key = JsValue::from_str(key);
    let pairs = js_sys::Array::from(&js_sys::Reflect::get(object, &key).unwrap_or_default());
    let map = js_sys::Map::new();
    for pair in pairs.iter() {
        let pair = js_sys::Array::from(&pair);
        map.set(&pair.get(0), &pair.get(1));
    }
    js_sys::Reflect::set(object, &key, &map)
        .map(|_| ())
        .map_err(|_| Error("cannot set a field of the value".into()))
}

/// The JSON text being written.
struct Writer(String);

impl Writer {
    /// A `,` before every element but the first of an array or object.
    #[inline(never)]
    fn comma(&mut self, first: &mut bool) {
        if !std::mem::take(first) {
            self.0.push(',');
        }
    }

    /// `"key":`, after a comma when needed.
    #[inline(never)]
    fn key(&mut self, first: &mut bool, key: &str) {
        self.comma(first);
        self.string(key);
        self.0.push(':');
    }

    /// A JSON string: quotes, `\` and control characters escaped.
    #[inline(never)]
    fn string(&mut self, s: &str) {
        self.0.push('"');
        for c in s.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                '\n' => self.0.push_str("\\n"),
                c if (c as u32) < 0x20 => {
                    let n = c as usize;
                    self.0.push_str("\\u00");
                    self.0.push(HEX[n >> 4] as char);
                    self.0.push(HEX[n & 15] as char);
                }
                c => self.0.push(c),
            }
        }
        self.0.push('"');
    }

    /// An integer as a JS number, or past 2^53 (where a number would round it) as an
    /// exact hex string.
    #[inline(never)]
    fn unsigned(&mut self, negative: bool, v: u64) -> Result<(), Error> {
        if v > MAX_SAFE {
            self.0.push('"');
            if negative {
                self.0.push('-');
            }
            self.0.push_str("0x");
            let digits = 16 - (v.leading_zeros() / 4) as usize;
            for i in (0..digits).rev() {
                self.0.push(HEX[((v >> (4 * i)) & 15) as usize] as char);
            }
            self.0.push('"');
            return Ok(());
        }
        if negative {
            self.0.push('-');
        }
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut n = v;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &digits[i..] {
            self.0.push(d as char);
        }
        Ok(())
    }

    #[inline(never)]
    fn signed(&mut self, v: i64) -> Result<(), Error> {
        self.unsigned(v < 0, v.unsigned_abs())
    }

    /// A float as JavaScript writes it (the shortest text that reads back the same number),
    /// so `JSON.parse` gives exactly `v`. NaN and infinities have no JSON form: `null`.
    #[inline(never)]
    fn float(&mut self, v: f64) {
        if !v.is_finite() {
            self.0.push_str("null");
        } else if v.fract() == 0.0 && v.abs() <= MAX_SAFE as f64 {
            // Whole numbers need no JS call; -0 stays -0 through "-0".
            if v == 0.0 && v.is_sign_negative() {
                self.0.push_str("-0");
            } else {
                let _ = self.unsigned(v < 0.0, v.abs() as u64);
            }
        } else {
            let text = js_sys::Number::from(v)
                .to_string_with_radix(10)
                .map(String::from)
                .unwrap_or_else(|_| "null".into());
            self.0.push_str(&text);
        }
    }

    /// `{"variant":` opening an enum variant with data (serde's external tagging).
    fn variant_open(&mut self, variant: &str) {
        self.0.push('{');
        self.string(variant);
        self.0.push(':');
    }
}

/// An array, object or `[key, value]` pair list being written.
struct Compound<'a> {
    w: &'a mut Writer,
    first: bool,
    /// What closes it: `]`, `}`, or `]}`/`}}` for an enum variant with data.
    close: &'static str,
}

impl<'a> Compound<'a> {
    fn new(w: &'a mut Writer, open: char, close: &'static str) -> Self {
        w.0.push(open);
        Compound {
            w,
            first: true,
            close,
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.w.comma(&mut self.first);
        value.serialize(&mut *self.w)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        self.w.key(&mut self.first, key);
        value.serialize(&mut *self.w)
    }

    fn close(self) -> Result<(), Error> {
        self.w.0.push_str(self.close);
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.signed(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.signed(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.signed(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.signed(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.unsigned(false, v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.unsigned(false, v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.unsigned(false, v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.unsigned(false, v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.float(v.into());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.float(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut seq = Compound::new(self, '[', "]");
        for b in v {
            seq.element(b)?;
        }
        seq.close()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.variant_open(variant);
        value.serialize(&mut *self)?;
        self.0.push('}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::new(self, '[', "]"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, Error> {
        Ok(Compound::new(self, '[', "]"))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(Compound::new(self, '[', "]"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.variant_open(variant);
        Ok(Compound::new(self, '[', "]}"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::new(self, '[', "]"))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>, Error> {
        Ok(Compound::new(self, '{', "}"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.variant_open(variant);
        Ok(Compound::new(self, '{', "}}"))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// A map as `[[key, value], …]` (see the module comment).
impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.w.comma(&mut self.first);
        self.w.0.push('[');
        key.serialize(&mut *self.w)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.w.0.push(',');
        value.serialize(&mut *self.w)?;
        self.w.0.push(']');
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}
