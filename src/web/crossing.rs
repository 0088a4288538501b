//! What crosses to JavaScript (DESIGN §1): one value per call, converted by
//! `serde-wasm-bindgen`. `None` and `()` arrive as `null`, sequences as arrays, structs and
//! maps as plain objects (a map's keys as strings), enums as their serde attributes say.
//!
//! Integers up to 2^53 arrive as JS numbers, exactly. A script may pass larger ones
//! (`VirtualAlloc(NULL, 0xFFFFFFFFFFFFFFFF, …)`), which a number would round and
//! `serde-wasm-bindgen` refuses, so the value is first made a `serde_json::Value` tree in
//! which every integer past 2^53 becomes an exact hex string such as `"0xffffffffffffffff"`
//! (never a BigInt, DESIGN §1); such a step still shows, with its true arguments.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::JsValue;

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE: u64 = (1 << 53) - 1;

/// `value` as a JS value.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, String> {
    let mut tree = serde_json::to_value(value).map_err(|e| e.to_string())?;
    exact_integers(&mut tree);
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    tree.serialize(&serializer).map_err(|e| e.to_string())
}

/// Replace every integer past 2^53 in `tree` with its exact hex text (`-0x…` when negative).
fn exact_integers(tree: &mut Value) {
    match tree {
        Value::Number(n) => {
            let text = match (n.as_u64(), n.as_i64()) {
                (Some(v), _) if v > MAX_SAFE => format!("{v:#x}"),
                (None, Some(v)) if v.unsigned_abs() > MAX_SAFE => {
                    format!("-{:#x}", v.unsigned_abs())
                }
                _ => return,
            };
            *tree = Value::String(text);
        }
        Value::Array(items) => items.iter_mut().for_each(exact_integers),
        Value::Object(fields) => fields.values_mut().for_each(exact_integers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}
