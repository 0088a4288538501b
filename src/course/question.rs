//! Predict, then reveal (DESIGN §10): the answers a `//? PROMPT => ANSWER` line may ask
//! for, each computed from the steps of the statement it stands before.
//!
//! An answer is never typed by hand: the lesson names *what* to ask (`faults`, `tlb`,
//! `list`, …) and the engine's own events say what the answer is.

use serde::Serialize;

use crate::sim::{Event, FaultKind, Step};

/// What a question asks about the next statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerKind {
    /// How many page faults the memory manager resolves (demand-zero, soft and hard).
    Faults,
    /// How many of them are hard faults (a page-file read).
    HardFaults,
    /// How many are soft (demand-zero or transition: no disk read).
    SoftFaults,
    /// The kind of the first fault, or none.
    Fault,
    /// Whether the first TLB lookup hits or misses.
    Tlb,
    /// The list the first trimmed page's frame goes to.
    List,
    /// The list the first frame is taken from.
    FromList,
    /// The frame that ends up holding the first page the statement touches.
    Frame,
    /// The statement's value (what a call returns).
    Value,
    /// `GetLastError()` after the statement.
    Error,
    /// The commit charge after the statement, in pages.
    Commit,
    /// The exception the statement raises, or none.
    Exception,
    /// How many pages the statement writes to the page file.
    PageFileWrites,
}

/// Every answer name a `//?` line may use, with its kind (documented in docs/lessons.md).
pub const ANSWERS: [(&str, AnswerKind); 13] = [
    ("faults", AnswerKind::Faults),
    ("hard_faults", AnswerKind::HardFaults),
    ("soft_faults", AnswerKind::SoftFaults),
    ("fault", AnswerKind::Fault),
    ("tlb", AnswerKind::Tlb),
    ("list", AnswerKind::List),
    ("from_list", AnswerKind::FromList),
    ("frame", AnswerKind::Frame),
    ("value", AnswerKind::Value),
    ("error", AnswerKind::Error),
    ("commit", AnswerKind::Commit),
    ("exception", AnswerKind::Exception),
    ("pagefile_writes", AnswerKind::PageFileWrites),
];

const FAULT_CHOICES: [&str; 7] = [
    "no fault",
    "demand-zero fault",
    "soft fault (transition)",
    "hard fault",
    "access violation",
    "guard-page violation",
    "copy-on-write fault",
];
const LIST_CHOICES: [&str; 4] = ["standby", "modified", "free", "zeroed"];
const EXCEPTION_CHOICES: [&str; 3] = [
    "none",
    "STATUS_ACCESS_VIOLATION",
    "STATUS_GUARD_PAGE_VIOLATION",
];

impl AnswerKind {
    /// The kind called `name`, if there is one.
    pub fn named(name: &str) -> Option<AnswerKind> {
        ANSWERS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }

    /// The choices offered, or `None` for a number.
    pub fn choices(self) -> Option<&'static [&'static str]> {
        match self {
            AnswerKind::Fault => Some(&FAULT_CHOICES),
            AnswerKind::Tlb => Some(&["hit", "miss"]),
            AnswerKind::List | AnswerKind::FromList => Some(&LIST_CHOICES),
            AnswerKind::Exception => Some(&EXCEPTION_CHOICES),
            _ => None,
        }
    }

    /// A sentence of the rule to think with, shown after a wrong answer (it does not say
    /// the answer).
    pub fn hint(self) -> &'static str {
        match self {
            AnswerKind::Faults | AnswerKind::SoftFaults | AnswerKind::HardFaults | AnswerKind::Fault => {
                "Count the pages the statement touches that have no valid PTE: a committed page touched for the first time is a demand-zero fault, a page still on the standby or modified list a soft fault, a page in the page file a hard fault; a valid page needs no fault."
            }
            AnswerKind::Tlb => {
                "The TLB remembers recent translations: a page translated before, and not flushed or evicted since, hits; anything else misses and the CPU walks the tables."
            }
            AnswerKind::List => {
                "A trimmed page written since it was last saved (dirty) must be written before its frame is reused, so it goes to the modified list; a clean one goes to the standby list."
            }
            AnswerKind::FromList => {
                "A fresh page needs a frame of zeros: the memory manager takes one from the zeroed list first, then the free list (zeroing it), then the standby list."
            }
            AnswerKind::Frame => {
                "Look at which frames are free or zeroed right now: the memory manager takes the next one in list order, or finds the page where it still is."
            }
            AnswerKind::Value => {
                "Think about the call's rules: sizes round up to whole pages, reservations start on 64 KB boundaries, and a failed call returns NULL or FALSE (0)."
            }
            AnswerKind::Error => {
                "0 means no error; ERROR_INVALID_PARAMETER is 87, ERROR_INVALID_ADDRESS 487, ERROR_COMMITMENT_LIMIT 1455."
            }
            AnswerKind::Commit => {
                "The commit charge counts committed private pages: it rises at VirtualAlloc(MEM_COMMIT) time, touched or not, and falls at decommit or release."
            }
            AnswerKind::Exception => {
                "An access raises STATUS_ACCESS_VIOLATION when the page is not committed or its protection forbids it; a PAGE_GUARD page raises STATUS_GUARD_PAGE_VIOLATION once."
            }
            AnswerKind::PageFileWrites => {
                "Only pages on the modified list (dirty, trimmed) are written to the page file; a clean standby page already has a copy."
            }
        }
    }
}

/// What the engine says the answer is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The right answer as text: one of the choices, or a decimal number.
    pub text: String,
    /// The step (0-based index) whose events decide it, if one does.
    pub decided_by: Option<usize>,
}

/// A question, resolved against a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// 1-based line of the statement it asks about (the page asks by position: not sent).
    #[serde(skip)]
    pub line: u32,
    /// The question.
    pub prompt: String,
    /// The answer name (`faults`, `tlb`, …); not sent to the page, which shows `choices`.
    #[serde(skip)]
    pub about: &'static str,
    /// The choices, or empty for a number.
    pub choices: Vec<&'static str>,
    /// The player stops here (the position before the statement's first step).
    pub ask: usize,
    /// The position after the statement's last step, where the answer is revealed.
    pub reveal: usize,
    /// The right answer.
    pub answer: String,
    /// Why, in the engine's words: the narration of the deciding steps.
    pub explanation: String,
    /// The rule to think with, shown after a wrong answer.
    pub hint: &'static str,
}

/// What the statement's value and error were (from the script runner).
#[derive(Clone, Copy, Debug, Default)]
pub struct Outcome {
    /// The statement's value, when it has one.
    pub value: Option<i128>,
    /// `GetLastError()` after it.
    pub last_error: u32,
    /// The commit charge after it, in pages.
    pub commit: u64,
}

/// A statement's value in decimal. The runner widens an `i64` or a `u64` to `i128`;
/// formatting it back as one of those keeps 128-bit formatting out of the page's wasm.
fn decimal(v: i128) -> String {
    match i64::try_from(v) {
        Ok(signed) => signed.to_string(),
        Err(_) => (v as u64).to_string(),
    }
}

fn fault_choice(kind: FaultKind) -> &'static str {
    match kind {
        FaultKind::DemandZero => FAULT_CHOICES[1],
        FaultKind::Transition => FAULT_CHOICES[2],
        FaultKind::Hard => FAULT_CHOICES[3],
        FaultKind::AccessViolation => FAULT_CHOICES[4],
        FaultKind::GuardPage => FAULT_CHOICES[5],
        FaultKind::CopyOnWrite => FAULT_CHOICES[6],
    }
}

/// The first event among `steps` (numbered from `first`) that `pick` accepts, with its step.
fn first<T>(
    steps: &[Step],
    first: usize,
    pick: impl Fn(&Event) -> Option<T>,
) -> Option<(T, usize)> {
    for (i, s) in steps.iter().enumerate() {
        for e in &s.events {
            if let Some(t) = pick(e) {
                return Some((t, first + i));
            }
        }
    }
    None
}

/// Count the faults `keep` accepts, with the last deciding step.
fn count_faults(steps: &[Step], start: usize, keep: fn(FaultKind) -> bool) -> Answer {
    let mut n = 0;
    let mut last = None;
    for (i, s) in steps.iter().enumerate() {
        for e in &s.events {
            if let Event::PageFault { fault, .. } = e {
                if keep(*fault) {
                    n += 1;
                    last = Some(start + i);
                }
            }
        }
    }
    Answer {
        text: n.to_string(),
        decided_by: last,
    }
}

/// The answer of `kind` for a statement whose steps are `steps`, the first numbered
/// `start`. `Err` says why this statement cannot answer it (no TLB lookup, nothing trimmed…).
pub fn evaluate(
    kind: AnswerKind,
    steps: &[Step],
    start: usize,
    outcome: Outcome,
) -> Result<Answer, String> {
    let found = |text: &str, at: Option<usize>| {
        Ok(Answer {
            text: text.to_string(),
            decided_by: at,
        })
    };
    match kind {
        AnswerKind::Faults => Ok(count_faults(steps, start, |k| {
            matches!(
                k,
                FaultKind::DemandZero
                    | FaultKind::Transition
                    | FaultKind::Hard
                    | FaultKind::CopyOnWrite
            )
        })),
        AnswerKind::HardFaults => Ok(count_faults(steps, start, |k| k == FaultKind::Hard)),
        AnswerKind::SoftFaults => Ok(count_faults(steps, start, |k| {
            matches!(
                k,
                FaultKind::DemandZero | FaultKind::Transition | FaultKind::CopyOnWrite
            )
        })),
        AnswerKind::PageFileWrites => {
            let mut n = 0;
            let mut at = None;
            for (i, s) in steps.iter().enumerate() {
                for e in &s.events {
                    if matches!(e, Event::PageFileWrite { .. }) {
                        n += 1;
                        at = Some(start + i);
                    }
                }
            }
            Ok(Answer {
                text: n.to_string(),
                decided_by: at,
            })
        }
        AnswerKind::Fault => match first(steps, start, |e| match e {
            Event::PageFault { fault, .. } => Some(*fault),
            _ => None,
        }) {
            Some((k, at)) => found(fault_choice(k), Some(at)),
            None => found(FAULT_CHOICES[0], None),
        },
        AnswerKind::Tlb => match first(steps, start, |e| match e {
            Event::TlbHit { .. } => Some("hit"),
            Event::TlbMiss { .. } => Some("miss"),
            _ => None,
        }) {
            Some((t, at)) => found(t, Some(at)),
            None => {
                Err("the statement makes no TLB lookup; ask `tlb` before a memory access".into())
            }
        },
        AnswerKind::List => match first(steps, start, |e| match e {
            Event::PageTrimmed { to, .. } => Some(to.name()),
            _ => None,
        }) {
            Some((t, at)) => found(t, Some(at)),
            None => Err(
                "the statement trims no page; ask `list` before a PageOut or an access that trims"
                    .into(),
            ),
        },
        AnswerKind::FromList => match first(steps, start, |e| match e {
            Event::FrameTaken { from, .. } => Some(from.name()),
            _ => None,
        }) {
            Some((t, at)) if LIST_CHOICES.contains(&t) => found(t, Some(at)),
            _ => Err(
                "the statement takes no frame from a list; ask `from_list` before a first touch"
                    .into(),
            ),
        },
        AnswerKind::Frame => match first(steps, start, |e| match e {
            Event::FrameTaken { pfn, .. } => Some(pfn.0),
            Event::TlbHit { pfn, .. } => Some(pfn.0),
            Event::PteRead {
                pte: crate::sim::Pte::Valid { pfn, .. },
                ..
            } => Some(pfn.0),
            _ => None,
        }) {
            Some((pfn, at)) => Ok(Answer {
                text: pfn.to_string(),
                decided_by: Some(at),
            }),
            None => {
                Err("the statement touches no frame; ask `frame` before a memory access".into())
            }
        },
        AnswerKind::Value => match outcome.value {
            Some(v) => Ok(Answer {
                text: decimal(v),
                decided_by: steps.len().checked_sub(1).map(|i| start + i),
            }),
            None => {
                Err("the statement has no value; ask `value` before a call that returns one".into())
            }
        },
        AnswerKind::Error => Ok(Answer {
            text: outcome.last_error.to_string(),
            decided_by: steps.len().checked_sub(1).map(|i| start + i),
        }),
        AnswerKind::Commit => Ok(Answer {
            text: outcome.commit.to_string(),
            decided_by: first(steps, start, |e| {
                matches!(e, Event::CommitCharge { .. }).then_some(())
            })
            .map(|(_, at)| at),
        }),
        AnswerKind::Exception => match first(steps, start, |e| match e {
            Event::Exception { name, .. } => Some(name.clone()),
            _ => None,
        }) {
            Some((name, at)) => match EXCEPTION_CHOICES.iter().find(|c| **c == name) {
                Some(c) => found(c, Some(at)),
                None => Err(format!(
                    "the statement raises {name}, which is not one of the choices"
                )),
            },
            None => found(EXCEPTION_CHOICES[0], None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::addr::{Pfn, Vpn};

    fn step(events: Vec<Event>) -> Step {
        Step {
            events,
            narration: "n".into(),
            line: Some(1),
        }
    }

    #[test]
    fn every_name_is_found_and_unique() {
        for (name, kind) in ANSWERS {
            assert_eq!(AnswerKind::named(name), Some(kind));
            assert!(!kind.hint().is_empty());
        }
        assert_eq!(AnswerKind::named("nope"), None);
    }

    #[test]
    fn values_are_written_in_full_in_both_signs() {
        let value = |v: i128| {
            let outcome = Outcome {
                value: Some(v),
                ..Outcome::default()
            };
            evaluate(AnswerKind::Value, &[], 0, outcome).map(|a| a.text)
        };
        assert_eq!(value(-1).as_deref(), Ok("-1"));
        assert_eq!(
            value(i128::from(i64::MIN)).as_deref(),
            Ok("-9223372036854775808")
        );
        assert_eq!(
            value(i128::from(u64::MAX)).as_deref(),
            Ok("18446744073709551615")
        );
    }

    #[test]
    fn faults_and_tlb_come_from_the_events() {
        let steps = vec![
            step(vec![Event::TlbMiss { vpn: Vpn(5) }]),
            step(vec![Event::PageFault {
                va: 0x5000,
                fault: FaultKind::DemandZero,
                access: crate::sim::Access::Write,
            }]),
            step(vec![Event::FrameTaken {
                pfn: Pfn(3),
                from: crate::sim::FrameList::Zeroed,
            }]),
        ];
        let o = Outcome::default();
        assert_eq!(
            evaluate(AnswerKind::Faults, &steps, 10, o).unwrap(),
            Answer {
                text: "1".into(),
                decided_by: Some(11)
            }
        );
        assert_eq!(
            evaluate(AnswerKind::Tlb, &steps, 10, o).unwrap().text,
            "miss"
        );
        assert_eq!(
            evaluate(AnswerKind::Fault, &steps, 10, o).unwrap().text,
            "demand-zero fault"
        );
        assert_eq!(
            evaluate(AnswerKind::Frame, &steps, 10, o).unwrap().text,
            "3"
        );
        assert_eq!(
            evaluate(AnswerKind::FromList, &steps, 10, o).unwrap().text,
            "zeroed"
        );
        assert_eq!(
            evaluate(AnswerKind::Exception, &steps, 10, o).unwrap().text,
            "none"
        );
        assert!(evaluate(AnswerKind::List, &steps, 10, o).is_err());
        assert!(evaluate(AnswerKind::Value, &steps, 10, o).is_err());
    }
}
