//! The bundled lessons of `www/lessons/` (DESIGN §7 `?lesson=NAME`): every entry of
//! `index.json` names a script that parses, runs without a script error inside a step
//! budget, and shows the point its title makes. Each point is checked on the run itself
//! (its events, values and output), never against a copy of the expected output.

#[path = "lessons/points.rs"]
mod points;
#[path = "lessons/run.rs"]
mod run;

use std::collections::BTreeSet;

use run::{index, lessons_dir, run_entry, source};

#[test]
fn index_lists_every_lesson_file_once() {
    let entries = index();
    // The picker's starters (issue 5): both tutorial examples, demand paging, thrashing,
    // a guard page and the commit limit; the tutorial's first example comes first.
    let starters = [
        "first-virtualalloc",
        "reserve-then-commit",
        "demand-paging",
        "thrashing",
        "guard-page",
        "commit-limit",
    ];
    for name in starters {
        assert!(entries.iter().any(|e| e.name == name), "starter {name}");
    }
    assert_eq!(
        entries[0].name, "virtual-vs-physical",
        "the course starts with addresses"
    );
    let mut names = BTreeSet::new();
    for e in &entries {
        assert!(names.insert(e.name.clone()), "duplicate name {}", e.name);
        assert_eq!(e.file, format!("{}.c", e.name), "file of {}", e.name);
        assert!(
            e.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "'{}' must be usable as ?lesson=NAME",
            e.name
        );
        assert!(!e.title.trim().is_empty(), "title of {}", e.name);
        assert!(!e.concepts.is_empty(), "{} teaches a concept", e.name);
        let summary = e.summary.trim();
        assert!(
            summary.ends_with('.') && !summary[..summary.len() - 1].contains(". "),
            "summary of {} must be one sentence: {summary:?}",
            e.name
        );
        assert!(lessons_dir().join(&e.file).is_file(), "{} exists", e.file);
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir(lessons_dir())
        .expect("www/lessons exists")
        .map(|d| d.expect("directory entry").file_name())
        .filter_map(|n| n.to_str().map(str::to_string))
        .filter(|n| n.ends_with(".c"))
        .collect();
    let listed: BTreeSet<String> = entries.iter().map(|e| e.file.clone()).collect();
    assert_eq!(
        on_disk, listed,
        "every lesson file is listed, and only those"
    );
}

#[test]
fn every_lesson_opens_with_a_comment_and_picks_its_machine() {
    for e in index() {
        let text = source(&e);
        assert!(
            text.starts_with("// "),
            "{} must open with a comment saying what to watch for",
            e.file
        );
        assert!(
            text.lines().any(|l| l.starts_with("#pragma pagelab ")),
            "{} must pick its machine with #pragma pagelab",
            e.file
        );
    }
}

#[test]
fn every_lesson_runs_cleanly_and_shows_its_point() {
    for e in index() {
        let run = run_entry(&e);
        assert!(!run.steps.is_empty(), "{} does something", e.name);
        assert!(!run.printed().is_empty(), "{} prints its outcome", e.name);
        points::check_point(&e, &run);
    }
}
