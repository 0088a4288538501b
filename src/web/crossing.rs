//! What the full module's own exports hand to JavaScript (DESIGN §1; the index page's write
//! JSON text, `json.rs`): one value per call, converted by
//! `serde-wasm-bindgen`. `None` and `()` arrive as `null`, sequences as arrays, structs and
//! maps as plain objects (a map's keys as strings), enums as their serde attributes say.
//!
//! Integers up to 2^53 arrive as JS numbers, exactly. A script may pass larger ones
//! (`VirtualAlloc(NULL, 0xFFFFFFFFFFFFFFFF, …)`), which a number would round, so every
//! 64-bit integer is made a BigInt and `plain` (below, in JavaScript) turns each back into a
//! number, or past 2^53 into its exact hex text such as `"0xffffffffffffffff"` (never a
//! BigInt reaching page code, DESIGN §1); such a step still shows, with its true arguments.
//! Maps are made JS `Map`s, whose keys `plain` turns into strings of a plain object.

use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(inline_js = r#"
const MAX = BigInt(Number.MAX_SAFE_INTEGER);
export function plain(value) {
  if (typeof value === 'bigint') {
    if (value <= MAX && value >= -MAX) return Number(value);
    return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
  }
  if (value instanceof Map) {
    const object = {};
    for (const [key, item] of value) object[String(key)] = plain(item);
    return object;
  }
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) value[key] = plain(value[key]);
  }
  return value;
}
"#)]
extern "C" {
    /// `value` with every BigInt a number (or exact hex text past 2^53) and every `Map` a
    /// plain object keyed by its keys' decimal text, throughout.
    fn plain(value: JsValue) -> JsValue;
}

/// `value` as a JS value.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, String> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_large_number_types_as_bigints(true);
    let value = value.serialize(&serializer).map_err(|e| e.to_string())?;
    Ok(plain(value))
}
