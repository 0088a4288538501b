//! Helpers for the paging tests (tests/paging_*.rs, tests/narration.rs): machines set by
//! pragmas, and golden step files.

use std::fmt::Write as _;
use std::path::PathBuf;

use pagelab::sim::consts::{MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE};
use pagelab::sim::{Config, Machine, Step};

/// A machine with default settings changed by `pragmas` (`("frames", "4")`, …).
pub fn machine(pragmas: &[(&str, &str)]) -> Machine {
    let mut config = Config::default();
    for (k, v) in pragmas {
        config.set(k, v).expect("test pragma is valid");
    }
    Machine::new(config)
}

/// Reserve and commit `pages` read/write pages; returns the base.
pub fn commit(m: &mut Machine, pages: u64) -> u64 {
    let base = m.virtual_alloc(0, pages * 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    assert_ne!(
        base,
        0,
        "commit of {pages} pages failed: {}",
        m.last_error()
    );
    base
}

/// Read `n` bytes at `va`, expecting success.
pub fn read(m: &mut Machine, va: u64, n: usize) -> Vec<u8> {
    let mut buf = vec![0xEE; n];
    m.read(va, &mut buf).expect("read succeeds");
    buf
}

/// Steps recorded from index `from` on, as golden text: one `#` line per step with its
/// narration, then one JSON line per event.
pub fn render(steps: &[Step]) -> String {
    let mut out = String::new();
    for (i, s) in steps.iter().enumerate() {
        let _ = writeln!(out, "# {i}: {}", s.narration);
        for e in &s.events {
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string(e).expect("events serialise")
            );
        }
    }
    out
}

/// Compare `actual` with `tests/golden/<name>.txt`; with `BLESS=1`, write it instead.
pub fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"));
    if let Err(e) = super::golden_file(&path, actual) {
        panic!("golden {name}: {e}");
    }
}
