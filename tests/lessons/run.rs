//! Loading the lesson index and running a lesson with its steps recorded.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pagelab::script::{self, Runner, StatementResult};
use pagelab::sim::addr::PAGE_SIZE;
use pagelab::sim::{Event, FaultKind, Machine, Recording, Step};
use serde_json::Value;

/// Most steps one lesson may take: a lesson is read step by step, so it stays short.
pub const STEP_BUDGET: usize = 20_000;

/// The folder of the bundled lessons.
pub fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("www")
        .join("lessons")
}

/// One entry of `index.json`.
pub struct Entry {
    /// `?lesson=NAME`.
    pub name: String,
    /// Shown in the picker.
    pub title: String,
    /// One sentence.
    pub summary: String,
    /// The script, beside index.json.
    pub file: String,
    /// The course concepts it teaches (tests/lessons_course.rs lists them all).
    pub concepts: Vec<String>,
}

fn field(entry: &Value, key: &str) -> String {
    match entry.get(key) {
        Some(Value::String(s)) => s.clone(),
        other => panic!("index.json entry {entry}: '{key}' must be a string, found {other:?}"),
    }
}

/// The script lessons of `index.json`, in teaching order; each has exactly the five keys.
/// A trace lesson (`trace` in place of `file`: the Compare view on a bundled trace, checked
/// by `tests/trace_lesson.rs`) runs no script and is left out.
pub fn index() -> Vec<Entry> {
    let path = lessons_dir().join("index.json");
    let text = std::fs::read_to_string(&path).expect("www/lessons/index.json exists");
    let json: Value = serde_json::from_str(&text).expect("index.json is valid JSON");
    let list = json.as_array().expect("index.json is an array");
    list.iter()
        .filter(|e| e.get("trace").is_none())
        .map(|e| {
            let keys: BTreeSet<&str> = e
                .as_object()
                .expect("each entry is an object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                BTreeSet::from(["name", "title", "summary", "file", "concepts"]),
                "entry {e}"
            );
            Entry {
                name: field(e, "name"),
                title: field(e, "title"),
                summary: field(e, "summary"),
                file: field(e, "file"),
                concepts: e["concepts"]
                    .as_array()
                    .expect("concepts is a list")
                    .iter()
                    .map(|c| c.as_str().expect("a concept is a string").to_string())
                    .collect(),
            }
        })
        .collect()
}

/// The text of a lesson's script.
pub fn source(entry: &Entry) -> String {
    let path = lessons_dir().join(&entry.file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A finished run: each statement's result and the recorded steps.
pub struct Run {
    /// Each executed statement.
    pub results: Vec<StatementResult>,
    /// Every recorded step.
    pub steps: Vec<Step>,
}

impl Run {
    /// The steps of these statements, in order.
    pub fn steps_of(&self, results: &[StatementResult]) -> Vec<&Step> {
        results
            .iter()
            .flat_map(|r| self.steps[r.steps.clone()].iter())
            .collect()
    }

    /// Every event of the run, in order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.steps.iter().flat_map(|s| s.events.iter())
    }

    /// Everything the script printed.
    pub fn printed(&self) -> String {
        self.results.iter().map(|r| r.out.as_str()).collect()
    }

    /// Page faults of one kind in the whole run.
    pub fn faults(&self, kind: FaultKind) -> usize {
        count_faults(self.events(), kind)
    }

    /// The statements whose source text is exactly `text`, in order.
    pub fn statements(&self, text: &str) -> Vec<&StatementResult> {
        self.results.iter().filter(|r| r.text == text).collect()
    }

    /// Each `Call` of `name` with its arguments and the value and error it returned.
    pub fn calls(&self, name: &str) -> Vec<(Vec<u64>, u64, u32)> {
        let mut out = Vec::new();
        let mut open: Option<Vec<u64>> = None;
        for e in self.events() {
            match e {
                Event::Call { name: n, args } if n == name => open = Some(args.clone()),
                Event::Call { .. } => open = None,
                Event::Return { value, last_error } => {
                    if let Some(args) = open.take() {
                        out.push((args, *value, *last_error));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// Page faults of one kind among these events.
pub fn count_faults<'a>(events: impl Iterator<Item = &'a Event>, kind: FaultKind) -> usize {
    events
        .filter(|e| matches!(e, Event::PageFault { fault, .. } if *fault == kind))
        .count()
}

/// Every page fault of these steps that is not an access violation or a guard page.
pub fn paging_faults<'a>(steps: impl Iterator<Item = &'a Step>) -> usize {
    steps
        .flat_map(|s| s.events.iter())
        .filter(|e| {
            matches!(
                e,
                Event::PageFault {
                    fault: FaultKind::DemandZero | FaultKind::Transition | FaultKind::Hard,
                    ..
                }
            )
        })
        .count()
}

/// Parse and run `text` with steps recorded; a script error or the statement limit fails.
pub fn run_text(name: &str, text: &str) -> Run {
    let program = script::parse(text).unwrap_or_else(|errors| {
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("lesson {name} does not parse:\n{}", shown.join("\n"))
    });
    let mut machine = Machine::with_recording(script::machine_config(&program), Recording::Steps);
    let mut runner = Runner::new(program);
    let mut results = Vec::new();
    while let Some(r) = runner.step(&mut machine) {
        if let Some(e) = &r.error {
            panic!("lesson {name}: script error at line {}: {e}", r.line);
        }
        results.push(r);
    }
    assert!(
        runner.stopped().is_none(),
        "lesson {name} hit the statement limit: {:?}",
        runner.stopped()
    );
    let steps = machine.history().steps().to_vec();
    assert!(
        steps.len() < STEP_BUDGET,
        "lesson {name} takes {} steps (budget {STEP_BUDGET})",
        steps.len()
    );
    Run { results, steps }
}

/// Run the script of an index entry.
pub fn run_entry(entry: &Entry) -> Run {
    run_text(&entry.name, &source(entry))
}

/// The same script with one setting of its `#pragma pagelab` line changed.
pub fn with_setting(text: &str, key: &str, value: &str) -> String {
    let mut changed = 0;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if !l.starts_with("#pragma pagelab ") {
                return l.to_string();
            }
            l.split(' ')
                .map(|word| match word.split_once('=') {
                    Some((k, _)) if k == key => {
                        changed += 1;
                        format!("{key}={value}")
                    }
                    _ => word.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(changed, 1, "the pragma sets {key} once");
    lines.join("\n")
}

/// The index entry called `name`.
pub fn entry(name: &str) -> Entry {
    index()
        .into_iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("index.json lists no lesson '{name}'"))
}

/// The virtual page number of an address.
pub fn vpn_of(va: u64) -> u64 {
    va / PAGE_SIZE
}
