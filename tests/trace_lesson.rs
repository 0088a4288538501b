//! The trace lesson of `www/lessons/index.json` (issue 11): an entry with `trace` in place
//! of `file` opens the Compare view on a bundled real-program trace. Its trace, the
//! program behind it and its provenance ship beside each other in `www/traces/`, and the
//! numbers the lesson and the provenance state are the trace's own.

use std::collections::BTreeSet;
use std::path::Path;

use pagelab::sim::trace::{self, Format};
use pagelab::sim::Policy;
use serde_json::Value;

fn www() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/www"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The trace lessons of the index.
fn trace_lessons() -> Vec<Value> {
    let index: Value = serde_json::from_str(&read(&www().join("lessons/index.json"))).unwrap();
    index
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e.get("trace").is_some())
        .cloned()
        .collect()
}

#[test]
fn the_real_program_trace_is_a_lesson_with_its_provenance() {
    let lessons = trace_lessons();
    assert_eq!(lessons.len(), 1, "one bundled trace, one trace lesson");
    let lesson = &lessons[0];
    let keys: BTreeSet<&str> = lesson
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["name", "title", "summary", "trace", "concepts"])
    );
    let name = lesson["trace"].as_str().unwrap();
    assert_eq!(name, "matrix-walk");
    let traces = www().join("traces");
    let pages = read(&traces.join(format!("{name}.trace")));
    let provenance = read(&traces.join(format!("{name}.md")));
    let program = read(&traces.join(format!("{name}.c")));
    assert!(program.contains("int main(void)"));

    let shift = trace::page_shift(4096).unwrap();
    let (string, _) = trace::parse_trace(&pages, Some(Format::Pages), shift).unwrap();
    let distinct: BTreeSet<u64> = string.iter().copied().collect();
    assert_eq!((string.len(), distinct.len()), (32_656, 35));
    // The lesson's summary and the provenance state those numbers, and how it was recorded.
    let summary = lesson["summary"].as_str().unwrap();
    assert!(summary.contains("32,656 memory accesses"), "{summary}");
    assert!(summary.contains("Valgrind"), "{summary}");
    assert!(provenance.contains("32,656 accesses to 35 distinct pages"));
    assert!(provenance.contains("valgrind --tool=lackey --trace-mem=yes"));
    // And its point: LRU faults on nearly every column access until the whole matrix, the
    // code and the stack fit (35 frames), where only the cold misses remain.
    let lru = |frames| {
        trace::simulate(Policy::Lru, frames, 1, string.iter().copied(), |_, _| {})
            .unwrap()
            .misses
    };
    assert_eq!((lru(34), lru(35)), (101, 35));
}
