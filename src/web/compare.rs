//! The wasm exports of the Compare view (`www/compare*.js`): read a reference string in any
//! trace format or take a script's page references, compute every policy's
//! faults-against-frames curve, and describe one policy's lane over a window. Thin
//! forwards to `sim::trace` and `script`; numbers cross as `Float64Array`s, pages as JS
//! numbers (exact below 2^53).
//!
//! ```js
//! const pages = trace_parse('1 2 3 4 1 2 5 1 2 3 4 5', '', 4096);
//! const curves = trace_curves(pages, 16, 1); // 5 policies × 16 frame counts
//! const lane = trace_lane(pages, 'clock', 3, 1, 0, 12);
//! const references = script_references('char *p = VirtualAlloc(NULL, 8192, MEM_COMMIT, PAGE_READWRITE);\np[0] = 1;');
//! ```

use wasm_bindgen::prelude::*;

use crate::sim::trace::{self, lane, Format};
use crate::sim::Policy;

/// The policies of the Compare view, in the order of [`trace_curves`].
const POLICIES: [Policy; 5] = [
    Policy::Fifo,
    Policy::Lru,
    Policy::Clock,
    Policy::Opt,
    Policy::Random,
];

/// The largest page number a JS number holds exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

fn pages_from_js(pages: &[f64]) -> Result<Vec<u64>, JsError> {
    pages
        .iter()
        .map(|&p| {
            if (0.0..=MAX_SAFE as f64).contains(&p) && p.fract() == 0.0 {
                Ok(p as u64)
            } else {
                Err(JsError::new(
                    "a page number must be a whole number from 0 to 2^53 - 1",
                ))
            }
        })
        .collect()
}

fn policy_from_js(name: &str) -> Result<Policy, JsError> {
    Policy::parse(name).ok_or_else(|| JsError::new(&format!("unknown policy '{name}'")))
}

/// The format `text` is in (`pages`, `addresses` or `lackey`), as `pagelab trace`
/// detects it.
#[wasm_bindgen]
pub fn trace_detect(text: &str, page_size: f64) -> String {
    Format::detect(text.as_bytes(), page_size as u64)
        .name()
        .to_string()
}

/// Read a reference string in `format` (`pages`, `addresses`, `lackey`, or empty to
/// detect it) with pages of `page_size` bytes; the error names the line of a malformed
/// token or line.
#[wasm_bindgen]
pub fn trace_parse(text: &str, format: &str, page_size: f64) -> Result<Vec<f64>, JsError> {
    let format = match format {
        "" => None,
        name => Some(
            Format::parse(name).ok_or_else(|| JsError::new(&format!("unknown format '{name}'")))?,
        ),
    };
    let shift = trace::page_shift(page_size as u64)
        .filter(|_| page_size.fract() == 0.0)
        .ok_or_else(|| JsError::new("the page size must be a power of two"))?;
    let (pages, _) =
        trace::parse_trace(text, format, shift).map_err(|e| JsError::new(&e.to_string()))?;
    if pages.iter().any(|&p| p > MAX_SAFE) {
        return Err(JsError::new(
            "a page number is 2^53 or more, too large for the page",
        ));
    }
    Ok(pages.into_iter().map(|p| p as f64).collect())
}

/// Faults of FIFO, LRU, CLOCK, OPT and RANDOM (in that order) with 1 to `max_frames`
/// frames: `5 × max_frames` numbers, policy by policy, all in one call
/// (`sim::trace::compare_pages`).
#[wasm_bindgen]
pub fn trace_curves(pages: &[f64], max_frames: u32, seed: f64) -> Result<Vec<f64>, JsError> {
    let pages = pages_from_js(pages)?;
    let frames: Vec<u64> = (1..=u64::from(max_frames)).collect();
    let comparison = trace::compare_pages(&POLICIES, &frames, seed as u64, &pages)
        .map_err(|e| JsError::new(&e.to_string()))?;
    Ok(comparison
        .faults
        .iter()
        .flatten()
        .map(|&f| f as f64)
        .collect())
}

/// One policy's lane over accesses `start..start + len`: see `sim::trace::lane::lane` for
/// the numbers (5 + 2 × frames per access).
#[wasm_bindgen]
pub fn trace_lane(
    pages: &[f64],
    policy: &str,
    frames: u32,
    seed: f64,
    start: u32,
    len: u32,
) -> Result<Vec<f64>, JsError> {
    let pages = pages_from_js(pages)?;
    let policy = policy_from_js(policy)?;
    lane::lane(
        policy,
        u64::from(frames),
        seed as u64,
        &pages,
        start as usize,
        len as usize,
    )
    .map_err(|e| JsError::new(&e.to_string()))
}

/// Faults of `policy` with `frames` frames over the first `upto` accesses (the running
/// total a lane shows at its current step).
#[wasm_bindgen]
pub fn trace_faults(
    pages: &[f64],
    policy: &str,
    frames: u32,
    seed: f64,
    upto: u32,
) -> Result<f64, JsError> {
    let pages = pages_from_js(pages)?;
    let policy = policy_from_js(policy)?;
    let prefix = &pages[..pages.len().min(upto as usize)];
    let summary = trace::simulate(
        policy,
        u64::from(frames),
        seed as u64,
        prefix.iter().copied(),
        |_, _| {},
    )
    .map_err(|e| JsError::new(&e.to_string()))?;
    Ok(summary.misses as f64)
}

/// The page reference string of a script (its first process's page references, in
/// order: what `pagelab trace` replays to compare with the script's own page faults), for
/// the index page's "compare this script" link. A script that does not parse gives its
/// first error, with line and column.
#[wasm_bindgen]
pub fn script_references(text: &str) -> Result<Vec<f64>, JsError> {
    let program = crate::script::parse(text).map_err(|errors| {
        let first = errors.first().map(ToString::to_string).unwrap_or_default();
        JsError::new(&format!("the script has an error at line {first}"))
    })?;
    // Page numbers of 48-bit addresses: below 2^36, exact as JS numbers.
    Ok(crate::script::page_references(&program)
        .into_iter()
        .map(|page| page as f64)
        .collect())
}
