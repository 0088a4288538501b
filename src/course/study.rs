//! A lesson studied: its outline, where each statement's steps begin and end, and its
//! questions answered by running it (docs/lessons.md).

use serde::Serialize;

use super::outline::{outline, Directive, Note, Outline};
use super::question::{evaluate, AnswerKind, Outcome, Question, ANSWERS};
use crate::script::{self, Runner};
use crate::sim::{Event, Recording, Step};

/// Most steps a study records, as the page's own run does (the runner's step limit): past
/// it, the rest is not asked.
pub const MAX_STEPS: usize = crate::script::Limits::DEFAULT.steps;

/// A problem with a `//?` line, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LessonError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// What is wrong, in plain words.
    pub message: String,
}

/// What the page needs to teach a script: prose, statements, questions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Study {
    /// The opening comment block.
    pub intro: String,
    /// Notes tied to statement lines, in line order.
    pub notes: Vec<Note>,
    /// The takeaway, if the lesson has one.
    pub takeaway: Option<String>,
    /// `[first, end)` step positions of each statement that recorded steps, in run order
    /// (a part of a statement, before a call or a filter, is one too):
    /// the player's "next statement" and the scrubber's statement ticks.
    pub statements: Vec<(usize, usize)>,
    /// The questions, in the order they are asked.
    pub questions: Vec<Question>,
    /// Problems with `//?` lines (the rest of the lesson still works); for the lesson
    /// checks, not sent to the page.
    #[serde(skip)]
    pub errors: Vec<LessonError>,
}

/// One executed statement, as a study needs it.
struct Ran {
    line: u32,
    first: usize,
    end: usize,
    outcome: Outcome,
}

/// Study `text`: read its outline and, when it parses, run it with its steps recorded and
/// answer each question from the run. A script that does not parse gives the outline only.
pub fn study(text: &str) -> Study {
    let Outline {
        intro,
        notes,
        takeaway,
        directives,
    } = outline(text);
    let mut s = Study {
        intro,
        notes,
        takeaway,
        ..Default::default()
    };
    let Ok(program) = script::parse(text) else {
        return s;
    };
    let mut machine = script::machine_for(&program, Recording::Steps);
    let mut runner = Runner::new(program);
    let mut ran = Vec::new();
    let mut statements = Vec::new();
    loop {
        let before = machine.history().len();
        let grown = repeated(machine.history(), before);
        let Some(r) = runner.step(&mut machine) else {
            break;
        };
        if r.steps.end > r.steps.start {
            statements.push((r.steps.start, r.steps.end));
        }
        // Without questions no step is needed but the last (a later access may join
        // it): the study of a run at the step limit then holds one step, not 75,000.
        if directives.is_empty() {
            let last = machine.history().len().saturating_sub(1);
            machine.forget_steps_before(last);
        }
        // A part of a statement (before a call or a filter) and the system's steps
        // (processes created, switched, ended) have their steps (above) but are not a
        // run of a line: `@N` counts runs. Only the runs of lines a question asks
        // about are kept (a runaway loop runs 1,000,000 statements).
        if !r.is_run() || !directives.iter().any(|d| d.line == r.line) {
            continue;
        }
        // An access that joined the step before this statement's (docs/steps.md) is
        // asked about with that step: it holds the access's events.
        let joined = r.steps.start == before && repeated(machine.history(), before) != grown;
        ran.push(Ran {
            line: r.line,
            first: r.steps.start - usize::from(joined),
            end: r.steps.end,
            outcome: Outcome {
                value: r.value,
                last_error: r.last_error,
                commit: machine.commit_charge(),
            },
        });
        if machine.history().len() >= MAX_STEPS {
            break;
        }
    }
    s.statements = statements;
    ask(&directives, &ran, machine.history().steps(), &mut s);
    s
}

/// How many accesses joined step `end - 1` (0 when none did, or there is no such step).
fn repeated(history: &crate::sim::History, end: usize) -> u32 {
    let last = end.checked_sub(1).and_then(|i| history.step(i));
    match last.and_then(|s| s.events.last()) {
        Some(Event::Repeated { count, .. }) => *count,
        _ => 0,
    }
}

/// Resolve each `//?` line (`directives`) against the run.
fn ask(directives: &[Directive], ran: &[Ran], steps: &[Step], s: &mut Study) {
    let mut fail =
        |line: u32, col: u32, message: String| s.errors.push(LessonError { line, col, message });
    let mut asked: Vec<Question> = Vec::new();
    for d in directives {
        if d.prompt.is_empty() {
            fail(
                d.at,
                4,
                "the question is empty: write `//? QUESTION => ANSWER`".into(),
            );
            continue;
        }
        let Some(kind) = AnswerKind::named(&d.answer) else {
            let mut names = Vec::with_capacity(ANSWERS.len());
            for (n, _) in ANSWERS {
                names.push(n);
            }
            let what = if d.answer.is_empty() {
                "no answer after `=>`".to_string()
            } else {
                format!("`{}` is not an answer PageLab computes", d.answer)
            };
            fail(
                d.at,
                d.col,
                format!("{what}; write one of: {}", names.join(", ")),
            );
            continue;
        };
        if d.line == 0 {
            fail(d.at, 1, "no statement follows this question".into());
            continue;
        }
        if d.occurrence == 0 {
            fail(
                d.at,
                d.col,
                "after `@` write which run of the statement to ask about: 1, 2, 3…".into(),
            );
            continue;
        }
        let Some(r) = ran
            .iter()
            .filter(|r| r.line == d.line && r.end > r.first)
            .nth(d.occurrence as usize - 1)
        else {
            fail(d.at, 1, format!("the statement on line {} does not record steps {} time(s), so there is nothing to reveal", d.line, d.occurrence));
            continue;
        };
        let mine = &steps[r.first..r.end];
        match evaluate(kind, mine, r.first, r.outcome) {
            Ok(answer) => {
                let explanation = explain(steps, r.first, r.end, answer.decided_by);
                let question = Question {
                    line: d.line,
                    prompt: d.prompt.clone(),
                    about: ANSWERS
                        .iter()
                        .find(|(_, k)| *k == kind)
                        .map_or("", |(n, _)| n),
                    choices: kind.choices().map(<[&str]>::to_vec).unwrap_or_default(),
                    ask: r.first,
                    reveal: r.end,
                    answer: answer.text,
                    explanation,
                    hint: kind.hint(),
                };
                // In the order they are asked (a loop can run a later line first); kept
                // by insertion, as a library sort would add a routine to the page's wasm.
                let mut at = 0;
                while at < asked.len() && asked[at].ask <= question.ask {
                    at += 1;
                }
                asked.insert(at, question);
            }
            Err(message) => fail(d.at, d.col, message),
        }
    }
    s.questions = asked;
}

/// The engine's own words for an answer: the deciding step's narration, or, when no single
/// step decides, the statement's narrations (up to three).
fn explain(steps: &[Step], first: usize, end: usize, decided_by: Option<usize>) -> String {
    match decided_by.and_then(|i| steps.get(i)) {
        Some(s) => s.narration.clone(),
        None => {
            let mut list = Vec::with_capacity(3);
            for s in steps[first..end].iter().take(3) {
                list.push(s.narration.as_str());
            }
            list.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "// Intro.\n#pragma pagelab frames=4 pagefile=4 working_set=4\n//? What does VirtualAlloc return? => value\nchar *p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\n//? How many page faults? => faults\n//? Hit or miss? => tlb\np[0] = 1;\n//? And now? => tlb\np[1] = 2;\n//? Bad => nonsense\np[2] = 3;\n//? Twice? => tlb @2\np[3] = 4;\n// Takeaway: done.\n";

    #[test]
    fn questions_are_answered_by_the_run() {
        let s = study(SCRIPT);
        assert_eq!(s.intro, "Intro.");
        assert_eq!(s.takeaway.as_deref(), Some("done."));
        let answers: Vec<(&str, &str)> = s
            .questions
            .iter()
            .map(|q| (q.about, q.answer.as_str()))
            .collect();
        assert_eq!(
            answers[1..],
            [("faults", "1"), ("tlb", "miss"), ("tlb", "hit")]
        );
        assert!(
            answers[0].1.parse::<u64>().unwrap() % 65536 == 0,
            "a 64 KB-aligned base"
        );
        assert!(s
            .questions
            .windows(2)
            .all(|w| w[0].ask <= w[1].ask && w[0].ask < w[0].reveal));
        assert_eq!(s.errors.len(), 2, "{:?}", s.errors);
        assert_eq!((s.errors[0].line, s.errors[0].col), (10, 12));
        assert!(s.errors[0].message.contains("nonsense"));
        assert!(s.statements.len() >= 4);
        let s = study("for (int i = 0; i < 3; i++) {\n//? Third run? => faults @3\nread(0x10000 * (i + 1), 1);\n}\n//? => faults @x\nread(0, 1);\n");
        assert_eq!(s.errors.len(), 1, "{:?}", s.errors);
        assert_eq!(
            s.questions.len(),
            1,
            "the third run of the loop body is asked about"
        );
        assert!(s.questions[0].ask > s.statements[1].0);
        assert!(s.errors[0].message.contains("empty"));
    }

    /// A statement whose access joined the step before it (docs/steps.md) is asked about
    /// with that step: the third write of the loop hits the TLB, though it records no
    /// step of its own.
    #[test]
    fn a_joined_access_is_asked_with_the_step_it_joined() {
        let s = study("char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\nfor (int i = 0; i < 4; i++) {\n//? Third? => tlb @3\n//? Faults? => faults @3\n//? Second? => tlb @2\np[i] = 1;\n}\n");
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        let asked: Vec<(&str, usize, usize)> = s
            .questions
            .iter()
            .map(|q| (q.answer.as_str(), q.ask, q.reveal))
            .collect();
        let (second, third) = (asked[0], asked[2]);
        assert_eq!(
            (second.0, third.0, asked[1].0),
            ("hit", "hit", "0"),
            "{asked:?}"
        );
        assert_eq!(second.2, second.1 + 1, "the second write's own step");
        assert_eq!(
            (third.1, third.2),
            (second.1, second.2),
            "the step it joined"
        );
        assert!(s.questions[2].explanation.contains("more write"));
    }

    #[test]
    fn a_script_that_does_not_parse_still_has_its_words() {
        let s = study("// Hello.\n\nVirtualAlloc(;\n");
        assert_eq!(s.intro, "Hello.");
        assert!(s.questions.is_empty() && s.statements.is_empty());
    }
}
