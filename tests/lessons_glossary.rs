//! The glossary (DESIGN §10): every technical word that the page shows — in the narration
//! of any lesson, on the canvas, in the counters and the legend — has an entry in
//! www/glossary.json. The words are collected from the real output: each lesson is run,
//! its narrations read, and its pictures laid out by `src/view` at every step.

// The lesson runner shared with tests/lessons.rs; this file uses part of it.
#[allow(dead_code)]
#[path = "lessons/run.rs"]
mod run;

use std::collections::BTreeSet;

use pagelab::script::{self, Runner};
use pagelab::sim::{Machine, Recording};
use pagelab::view::{self, Frame, Shape};
use serde_json::Value;

use run::{index, source};

/// Technical phrases a beginner may not know: when the page shows one, it needs an entry.
const PHRASES: [&str; 46] = [
    "page table entry",
    "working set",
    "standby list",
    "modified list",
    "zeroed list",
    "free list",
    "commit charge",
    "commit limit",
    "page file",
    "page fault",
    "demand-zero",
    "soft fault",
    "hard fault",
    "transition",
    "access violation",
    "guard page",
    "frame",
    "page-out",
    "trimmed",
    "dirty",
    "accessed",
    "valid",
    "cluster",
    "reserved",
    "committed",
    "decommit",
    "release",
    "walk",
    "offset",
    "canonical",
    "granularity",
    "slot",
    "modified page writer",
    "protection",
    "exception",
    "replacement",
    "clock",
    "thrashing",
    "prototype",
    "TLB hit rate",
    "context switch",
    "share count",
    "section",
    "copy-on-write",
    "memory-mapped",
    "file on disk",
];

/// Words of `text` the glossary must define: acronyms (PTE, TLB, CR3, PML4), Win32 names
/// (PAGE_READWRITE, VirtualAlloc) and the phrases above.
fn terms_in(text: &str, out: &mut BTreeSet<String>) {
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let upper = word.chars().filter(char::is_ascii_uppercase).count();
        let acronym = word.len() >= 2
            && upper >= 2
            && word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        let hex = word.chars().all(|c| c.is_ascii_hexdigit());
        let win32 = (word.starts_with("Virtual") && word.len() > 7)
            || word.contains("WorkingSet")
            || word == "PageOut"
            || word == "WriteModifiedPages";
        if (acronym && !hex) || win32 {
            out.insert(word.to_string());
        }
    }
    let lower = text.to_lowercase();
    for p in PHRASES {
        if lower.contains(&p.to_lowercase()) {
            out.insert(p.to_string());
        }
    }
    // The PTE summary the canvas draws, e.g. "A=1 D=0 W=1".
    if text.contains("A=") && text.contains("D=") {
        out.insert("A=1 D=0 W=1".to_string());
    }
}

/// Every term and alias of www/glossary.json, lower-cased, with what each entry says.
fn glossary() -> Vec<(Vec<String>, String)> {
    let path = run::lessons_dir().join("../glossary.json");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("www/glossary.json"))
            .expect("JSON");
    json.as_array()
        .expect("a list")
        .iter()
        .map(|e| {
            let mut names = vec![e["term"].as_str().expect("term").to_lowercase()];
            for a in e["aliases"].as_array().into_iter().flatten() {
                names.push(a.as_str().expect("alias").to_lowercase());
            }
            (names, e["text"].as_str().expect("text").to_string())
        })
        .collect()
}

/// Whether the glossary defines `term`: by name or alias, or a `PREFIX_*` entry.
fn defined(entries: &[(Vec<String>, String)], term: &str) -> bool {
    let t = term.to_lowercase();
    entries.iter().any(|(names, _)| {
        names.iter().any(|n| {
            n == &t
                || n.strip_suffix('*')
                    .is_some_and(|prefix| t.starts_with(prefix))
        })
    })
}

/// The words of the page itself: counters, legend, controls (index.html).
fn page_words() -> String {
    let path = run::lessons_dir().join("../../index.html");
    let html = std::fs::read_to_string(path).expect("index.html");
    let mut words = String::new();
    for tag in ["<dt>", "<summary>", "<h2>"] {
        for part in html.split(tag).skip(1) {
            words.push_str(part.split('<').next().unwrap_or(""));
            words.push('\n');
        }
    }
    words
}

#[test]
fn every_term_the_page_shows_is_defined() {
    let entries = glossary();
    for (names, text) in &entries {
        assert!(
            text.len() > 30 && text.ends_with('.'),
            "the entry {names:?} explains in a sentence"
        );
    }
    let mut shown = BTreeSet::new();
    terms_in(&page_words(), &mut shown);
    for e in index() {
        let program = script::parse(&source(&e)).expect("a lesson parses");
        let mut machine =
            Machine::with_recording(script::machine_config(&program), Recording::Pictures);
        let mut runner = Runner::new(program);
        while runner.step(&mut machine).is_some() {}
        let history = machine.history();
        for (i, step) in history.steps().iter().enumerate() {
            terms_in(&step.narration, &mut shown);
            let picture = history.picture_after(i).expect("a picture");
            let previous = i.checked_sub(1).and_then(|p| history.picture_after(p));
            let scene = view::layout(
                Frame {
                    picture: &picture,
                    previous: previous.as_ref(),
                    step: Some(step),
                },
                900.0,
            );
            for shape in &scene.shapes {
                if let Shape::Text { text, .. } = shape {
                    terms_in(text, &mut shown);
                }
            }
            // The canvas's words that open a glossary entry on a click (view::terms).
            let g = view::Geometry::new(900.0, view::geometry::Sizes::of_picture(&picture));
            for (_, term) in view::terms::terms(&g) {
                shown.insert(term.to_string());
            }
        }
    }
    for must in [
        "PTE",
        "TLB",
        "CR3",
        "VAD",
        "PML4",
        "A=1 D=0 W=1",
        "working set",
        "standby list",
        "commit charge",
        "virtual address space",
    ] {
        assert!(
            shown.contains(must),
            "the page shows '{must}' (else this test reads too little)"
        );
    }
    let missing: Vec<&String> = shown.iter().filter(|t| !defined(&entries, t)).collect();
    assert!(
        missing.is_empty(),
        "terms the page shows with no glossary entry: {missing:?}"
    );
}
