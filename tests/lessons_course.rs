//! The course (DESIGN §10): every concept of the tutorial has a lesson, each lesson has
//! its words (introduction, notes, takeaway) and at least two questions, and every
//! question's answer is the engine's: checked here against the lesson's own run.

// The lesson runner shared with tests/lessons.rs; this file uses part of it.
#[allow(dead_code)]
#[path = "lessons/run.rs"]
mod run;

use pagelab::course::{self, question::AnswerKind};
use pagelab::sim::{Event, FaultKind};

use run::{index, run_entry, source};

/// Every concept the course must teach, in teaching order (issue 10).
const CONCEPTS: [&str; 23] = [
    "virtual and physical addresses",
    "48-bit canonical addresses",
    "pages and frames",
    "the page-table walk",
    "the TLB",
    "demand paging",
    "the tutorial's examples",
    "page states",
    "VirtualAlloc and VirtualFree",
    "64 KB granularity",
    "protection",
    "guard pages",
    "DEP",
    "commit charge and limit",
    "the page file and disk paging",
    "clustering",
    "standby and modified lists",
    "working sets and replacement",
    "thrashing",
    "processes and context switches",
    "memory-mapped files, persisted and not",
    "shared pages",
    "copy-on-write",
];

#[test]
fn the_course_teaches_every_concept_in_order() {
    let entries = index();
    let mut first_lesson = Vec::new();
    for concept in &CONCEPTS {
        let at = entries
            .iter()
            .position(|e| e.concepts.iter().any(|c| c == concept))
            .unwrap_or_else(|| panic!("no lesson teaches '{concept}'"));
        first_lesson.push(at);
    }
    assert!(
        first_lesson.windows(2).all(|w| w[0] <= w[1]),
        "each concept is first taught after the ones before it: {first_lesson:?}"
    );
    for e in &entries {
        for c in &e.concepts {
            assert!(
                CONCEPTS.contains(&c.as_str()),
                "{}: unknown concept '{c}'",
                e.name
            );
        }
    }
}

#[test]
fn every_lesson_has_words_a_takeaway_and_two_questions() {
    for e in index() {
        let s = course::study(&source(&e));
        assert!(s.intro.len() > 80, "{}: an introduction", e.name);
        assert!(!s.notes.is_empty(), "{}: notes beside the picture", e.name);
        let takeaway = s
            .takeaway
            .as_deref()
            .unwrap_or_else(|| panic!("{}: a takeaway", e.name));
        assert!(
            takeaway.ends_with('.'),
            "{}: the takeaway is a sentence",
            e.name
        );
        assert!(s.errors.is_empty(), "{}: {:?}", e.name, s.errors);
        assert!(s.questions.len() >= 2, "{}: at least two questions", e.name);
        for w in s.questions.windows(2) {
            assert!(
                w[0].reveal <= w[1].ask,
                "{}: each question is revealed before the next is asked",
                e.name
            );
        }
        for q in &s.questions {
            assert!(
                q.ask < q.reveal,
                "{}: question on line {} reveals after it asks",
                e.name,
                q.line
            );
            assert!(
                q.prompt.ends_with('?') || q.prompt.ends_with(')'),
                "{}: '{}' asks",
                e.name,
                q.prompt
            );
            if !q.choices.is_empty() {
                assert!(
                    q.choices.contains(&q.answer.as_str()),
                    "{}: the answer is a choice",
                    e.name
                );
            }
        }
    }
}

/// Each answer, recomputed from the lesson's own run by the test harness (not by the
/// course module): the questions agree with the engine's events.
#[test]
fn every_answer_is_the_engines() {
    for e in index() {
        let run = run_entry(&e);
        let s = course::study(&source(&e));
        for q in &s.questions {
            let statement = run
                .results
                .iter()
                .find(|r| r.steps.start == q.ask && r.steps.end == q.reveal)
                .unwrap_or_else(|| panic!("{}: line {} is a statement of the run", e.name, q.line));
            let events: Vec<&Event> = run.steps[q.ask..q.reveal]
                .iter()
                .flat_map(|s| s.events.iter())
                .collect();
            let faults = |keep: &dyn Fn(FaultKind) -> bool| {
                events
                    .iter()
                    .filter(|e| matches!(e, Event::PageFault { fault, .. } if keep(*fault)))
                    .count()
                    .to_string()
            };
            let expected = match AnswerKind::named(q.about).expect("a known answer") {
                AnswerKind::Faults => faults(&|k| {
                    matches!(
                        k,
                        FaultKind::DemandZero
                            | FaultKind::Transition
                            | FaultKind::Hard
                            | FaultKind::CopyOnWrite
                    )
                }),
                AnswerKind::HardFaults => faults(&|k| k == FaultKind::Hard),
                AnswerKind::Value => statement.value.expect("a value").to_string(),
                AnswerKind::Error => statement.last_error.to_string(),
                AnswerKind::Exception => statement
                    .exception
                    .as_ref()
                    .map_or("none".to_string(), |x| x.name().to_string()),
                AnswerKind::PageFileWrites => events
                    .iter()
                    .filter(|e| matches!(e, Event::PageFileWrite { .. }))
                    .count()
                    .to_string(),
                AnswerKind::Commit => run.steps[..q.reveal]
                    .iter()
                    .rev()
                    .flat_map(|s| s.events.iter().rev())
                    .find_map(|e| match e {
                        Event::CommitCharge { new, .. } => Some(*new),
                        _ => None,
                    })
                    .unwrap_or(0)
                    .to_string(),
                _ => continue,
            };
            assert_eq!(q.answer, expected, "{}: '{}'", e.name, q.prompt);
        }
    }
}

/// A study without questions keeps no steps or runs, but finds the same statements as
/// one with them: every lesson, with its questions taken out.
#[test]
fn a_study_without_questions_has_the_same_statements() {
    for entry in index() {
        let text = source(&entry);
        let asked = course::study::study(&text);
        let bare: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//?"))
            .map(|l| format!("{l}\n"))
            .collect();
        let plain = course::study::study(&bare);
        assert!(plain.questions.is_empty(), "{}", entry.name);
        assert!(!asked.questions.is_empty(), "{}", entry.name);
        assert_eq!(plain.statements, asked.statements, "{}", entry.name);
    }
}
